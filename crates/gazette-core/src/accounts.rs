//! Staff accounts: the permission matrix, passwords (argon2id), sign-in
//! with a lockout every node sees, sessions kept in the store, and the
//! audit log of editorial actions.
//!
//! | may…                                            | contributor | author | editor | admin |
//! | ----------------------------------------------- | :---------: | :----: | :----: | :---: |
//! | sign in, see the dashboard, change own password | ✓ | ✓ | ✓ | ✓ |
//! | write drafts and submit them for review          | ✓ | ✓ | ✓ | ✓ |
//! | publish own stories                              |   | ✓ | ✓ | ✓ |
//! | edit and publish any story                       |   |   | ✓ | ✓ |
//! | moderate comments                                |   |   | ✓ | ✓ |
//! | manage sections, contributors and sources        |   |   | ✓ | ✓ |
//! | read the audit log                               |   |   | ✓ | ✓ |
//! | manage accounts and settings                     |   |   |   | ✓ |

use std::time::Duration;

use argon2::{
    Argon2,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
};
use gazette_domain::{DomainError, NewUser, Role, User, UserId, normalize_email};
use gazette_store::{NewAuditEntry, NewSession, Session, StoreError};
use rand::RngExt;

/// Something an account may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Sign in, see the dashboard, change one's own password.
    Dashboard,
    /// Write drafts and submit them for review.
    WriteDrafts,
    /// Publish one's own stories.
    PublishOwn,
    /// Edit and publish anyone's story.
    EditAny,
    ModerateComments,
    /// Sections, contributors and sources.
    ManageNewsroom,
    ReadAudit,
    /// Accounts and settings.
    ManageAccounts,
}

impl Permission {
    pub const ALL: [Permission; 8] = [
        Permission::Dashboard,
        Permission::WriteDrafts,
        Permission::PublishOwn,
        Permission::EditAny,
        Permission::ModerateComments,
        Permission::ManageNewsroom,
        Permission::ReadAudit,
        Permission::ManageAccounts,
    ];

    /// The least role that may do it (every higher role may too).
    pub fn least_role(self) -> Role {
        match self {
            Permission::Dashboard | Permission::WriteDrafts => Role::Contributor,
            Permission::PublishOwn => Role::Author,
            Permission::EditAny
            | Permission::ModerateComments
            | Permission::ManageNewsroom
            | Permission::ReadAudit => Role::Editor,
            Permission::ManageAccounts => Role::Admin,
        }
    }
}

/// Whether `role` may do `what`: the newsroom's one permission matrix.
pub fn can(role: Role, what: Permission) -> bool {
    role >= what.least_role()
}

/// Why an account action was refused.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("that e-mail address and password do not match an account")]
    BadCredentials,
    #[error(
        "too many failed sign-ins for this account: try again in {minutes} minutes, or ask an admin to reset the password"
    )]
    Locked { minutes: u64 },
    #[error("{0}")]
    Password(&'static str),
    #[error("{0}")]
    Invalid(#[from] DomainError),
    #[error("you may not do that with your role ({0})")]
    Forbidden(Role),
    #[error("the newsroom needs at least one admin: make another account admin first")]
    LastAdmin,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How long a sign-in lasts.
pub const SESSION_LENGTH: Duration = Duration::from_secs(14 * 24 * 3600);
/// Failed sign-ins of one account within [`LOCKOUT_WINDOW`] that lock it.
pub const LOCKOUT_FAILURES: u32 = 5;
/// The window failed sign-ins are counted in, and the lockout's length.
pub const LOCKOUT_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Passwords at least this long.
pub const PASSWORD_MIN: usize = 10;
/// And at most this long (hashing a megabyte is a cheap attack).
pub const PASSWORD_MAX: usize = 200;

/// A new sign-in: the secret for the cookie and the session it opens.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// Goes in the cookie; the store keeps only its hash.
    pub token: String,
    pub session: Session,
}

/// Bytes as lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn random_hex() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex(&bytes)
}

/// What the store keeps of a session token.
pub fn token_hash(token: &str) -> String {
    hex(&blake3::derive_key(
        "gazette admin session v1",
        token.as_bytes(),
    ))
}

/// What the store keeps of an API token.
fn api_token_hash(token: &str) -> String {
    hex(&blake3::derive_key(
        "gazette api token v1",
        token.as_bytes(),
    ))
}

/// How a per-person API token begins (the site's own token never does).
pub const API_TOKEN_PREFIX: &str = "gzt_";
/// Tokens one account may hold.
pub const API_TOKENS_MAX: usize = 20;

/// Whether two secrets are equal, in constant time.
pub fn same_secret(a: &str, b: &str) -> bool {
    blake3::hash(a.as_bytes()) == blake3::hash(b.as_bytes())
}

/// Checks a new password against the rules.
pub fn check_password(password: &str, email: &str) -> Result<(), AccountError> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        return Err(AccountError::Password(
            "the password is too short: use at least 10 characters",
        ));
    }
    if password.len() > PASSWORD_MAX {
        return Err(AccountError::Password(
            "the password is too long: use at most 200 characters",
        ));
    }
    if password.trim().eq_ignore_ascii_case(email.trim()) {
        return Err(AccountError::Password(
            "the password must not be the e-mail address",
        ));
    }
    Ok(())
}

/// An argon2id hash (PHC string) of `password`, made off the async threads.
pub async fn hash_password(password: &str) -> Result<String, AccountError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let salt_bytes: [u8; 16] = rand::rng().random();
        let salt = SaltString::encode_b64(&salt_bytes).map_err(StoreError::other)?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AccountError::Store(StoreError::other(e)))
    })
    .await
    .map_err(|e| AccountError::Store(StoreError::other(e)))?
}

/// Whether `password` matches the PHC string `hash` (off the async threads).
async fn verify_password(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash no password matches, checked for unknown addresses so that a
/// sign-in takes as long whether the account exists or not.
const DECOY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$4rNfJ5Zyy3Vf6bVjVbAb3g7MNm2S/OXzHTwvlZxeRc0";

fn minutes(d: Duration) -> u64 {
    d.as_secs().div_ceil(60)
}

impl crate::Core {
    /// Adds an account (`by` is who adds it: an admin, or `None` for the
    /// command line).
    pub async fn add_user(
        &self,
        by: Option<&User>,
        email: &str,
        name: &str,
        role: Role,
        password: &str,
    ) -> Result<User, AccountError> {
        if let Some(by) = by
            && !can(by.role, Permission::ManageAccounts)
        {
            return Err(AccountError::Forbidden(by.role));
        }
        let email = normalize_email(email)?;
        let name = name.trim();
        let name = if name.is_empty() {
            email.split('@').next().unwrap_or(&email).to_owned()
        } else if name.chars().count() > 120 {
            return Err(DomainError::Invalid {
                what: "name",
                value: name.chars().take(40).collect(),
                why: "use at most 120 characters".into(),
            }
            .into());
        } else {
            name.to_owned()
        };
        check_password(password, &email)?;
        let user = self
            .store
            .add_user(
                &NewUser {
                    email,
                    name,
                    role,
                    password_hash: hash_password(password).await?,
                },
                self.now(),
            )
            .await?;
        self.audit(
            by,
            "user.add",
            &format!("user {}", user.email),
            &format!("role {}", user.role),
        )
        .await;
        Ok(user)
    }

    /// Checks an e-mail address and password; opens a session.
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<SignedIn, AccountError> {
        let key = email.trim().to_lowercase();
        let now = self.now();
        let since = now - LOCKOUT_WINDOW;
        if self.store.failed_sign_ins(&key, since).await? >= LOCKOUT_FAILURES {
            return Err(AccountError::Locked {
                minutes: minutes(LOCKOUT_WINDOW),
            });
        }
        let found = match self.store.credentials(&key).await {
            Ok(c) => Some(c),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        let hash = found.as_ref().map_or(DECOY, |c| c.password_hash.as_str());
        let good = verify_password(password, hash).await && found.is_some();
        let Some(found) = found.filter(|_| good) else {
            let n = self.store.note_failed_sign_in(&key, now, since).await?;
            if n >= LOCKOUT_FAILURES {
                tracing::warn!(account = %key, failures = n, "sign-in locked after repeated failures");
            }
            return Err(AccountError::BadCredentials);
        };
        self.store.forget_failed_sign_ins(&key).await?;
        let token = random_hex();
        let session = NewSession {
            token_hash: token_hash(&token),
            user: found.user.id,
            csrf: random_hex(),
            created_at: now,
            expires_at: now + SESSION_LENGTH,
        };
        self.store.add_session(&session).await?;
        Ok(SignedIn {
            token,
            session: Session {
                user: found.user,
                csrf: session.csrf,
                created_at: session.created_at,
                expires_at: session.expires_at,
            },
        })
    }

    /// The live session a cookie's token opens, if any.
    pub async fn session(&self, token: &str) -> Result<Option<Session>, AccountError> {
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        match self.store.session(&token_hash(token), self.now()).await {
            Ok(s) => Ok(Some(s)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Ends the session a cookie's token opened.
    pub async fn sign_out(&self, token: &str) -> Result<(), AccountError> {
        Ok(self.store.end_session(&token_hash(token)).await?)
    }

    /// Ends every session of `user`, on every node.
    pub async fn sign_out_everywhere(&self, user: &User) -> Result<u64, AccountError> {
        let n = self.store.end_sessions(user.id).await?;
        self.audit(
            Some(user),
            "user.sign-out-all",
            &format!("user {}", user.email),
            &format!("{n} sessions"),
        )
        .await;
        Ok(n)
    }

    /// Changes `user`'s password after checking the current one; every
    /// other session of the account ends.
    pub async fn change_password(
        &self,
        user: &User,
        current: &str,
        new: &str,
    ) -> Result<(), AccountError> {
        let creds = self.store.credentials(&user.email).await?;
        if !verify_password(current, &creds.password_hash).await {
            return Err(AccountError::BadCredentials);
        }
        check_password(new, &user.email)?;
        self.store
            .set_password_hash(user.id, &hash_password(new).await?)
            .await?;
        self.store.end_sessions(user.id).await?;
        self.audit(
            Some(user),
            "user.password",
            &format!("user {}", user.email),
            "",
        )
        .await;
        Ok(())
    }

    /// Sets a new password from the command line and ends the account's
    /// sessions and lockout.
    pub async fn reset_password(&self, email: &str, new: &str) -> Result<User, AccountError> {
        let email = normalize_email(email)?;
        let creds = self.store.credentials(&email).await?;
        check_password(new, &email)?;
        self.store
            .set_password_hash(creds.user.id, &hash_password(new).await?)
            .await?;
        self.store.end_sessions(creds.user.id).await?;
        self.store.forget_failed_sign_ins(&email).await?;
        self.audit(None, "user.password-reset", &format!("user {email}"), "")
            .await;
        Ok(creds.user)
    }

    /// Gives an account another role; the last admin keeps theirs.
    pub async fn set_role(&self, by: &User, id: UserId, role: Role) -> Result<User, AccountError> {
        if !can(by.role, Permission::ManageAccounts) {
            return Err(AccountError::Forbidden(by.role));
        }
        let before = self.store.user(id).await?;
        if before.role == Role::Admin
            && role != Role::Admin
            && self.store.count_users_with_role(Role::Admin).await? <= 1
        {
            return Err(AccountError::LastAdmin);
        }
        let after = self.store.set_role(id, role).await?;
        self.audit(
            Some(by),
            "user.role",
            &format!("user {}", after.email),
            &format!("{} → {}", before.role, after.role),
        )
        .await;
        Ok(after)
    }

    /// Links an account to a byline (a contributor, made when new), or
    /// unlinks it when `name` is empty. New stories by the account start
    /// with that byline.
    pub async fn set_byline(
        &self,
        by: &User,
        id: UserId,
        name: &str,
    ) -> Result<User, AccountError> {
        if !can(by.role, Permission::ManageAccounts) {
            return Err(AccountError::Forbidden(by.role));
        }
        let name = name.trim();
        if name.chars().count() > 120 {
            return Err(AccountError::Password("a byline of at most 120 characters"));
        }
        let user = self
            .store
            .set_user_contributor(id, Some(name).filter(|n| !n.is_empty()))
            .await?;
        self.audit(
            Some(by),
            "user.byline",
            &format!("user {}", user.email),
            if name.is_empty() { "none" } else { name },
        )
        .await;
        self.apply_change(gazette_store::Change::Everything).await;
        Ok(user)
    }

    /// A new API token for `user`, acting with their role: the token is
    /// returned once and only its hash kept.
    pub async fn create_api_token(
        &self,
        user: &User,
        name: &str,
    ) -> Result<(gazette_store::ApiToken, String), AccountError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 60 {
            return Err(AccountError::Password(
                "name the token (what uses it), in at most 60 characters",
            ));
        }
        if self.store.api_tokens(user.id).await?.len() >= API_TOKENS_MAX {
            return Err(AccountError::Password(
                "an account holds at most 20 tokens: revoke one first",
            ));
        }
        let token = format!("{API_TOKEN_PREFIX}{}", random_hex());
        let stored = self
            .store
            .add_api_token(user.id, name, &api_token_hash(&token), self.now())
            .await?;
        self.audit(
            Some(user),
            "token.create",
            &format!("token {}", stored.id),
            name,
        )
        .await;
        Ok((stored, token))
    }

    /// Revokes one of `user`'s tokens; false when they hold no such token.
    pub async fn revoke_api_token(&self, user: &User, id: i64) -> Result<bool, AccountError> {
        let done = self.store.revoke_api_token(user.id, id).await?;
        if done {
            self.audit(Some(user), "token.revoke", &format!("token {id}"), "")
                .await;
        }
        Ok(done)
    }

    /// The account a per-person API token acts for, if it is one.
    pub async fn api_token_user(&self, token: &str) -> Result<Option<User>, AccountError> {
        let Some(rest) = token.strip_prefix(API_TOKEN_PREFIX) else {
            return Ok(None);
        };
        if rest.len() != 64 || !rest.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        match self.store.api_token_user(&api_token_hash(token)).await {
            Ok(u) => Ok(Some(u)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Adds to the audit log; a failure to write it is logged, not
    /// returned (the action itself has happened).
    pub async fn audit(&self, by: Option<&User>, action: &str, subject: &str, detail: &str) {
        let entry = NewAuditEntry {
            at: self.now(),
            user: by.map(|u| u.id),
            action: action.to_owned(),
            subject: subject.to_owned(),
            detail: detail.to_owned(),
        };
        if let Err(e) = self.store.record_audit(&entry).await {
            tracing::error!(error = %e, action, subject, "the audit log could not be written");
        }
    }

    /// Answers an approved comment as `by` (a moderator): the reply is
    /// approved at once, under the account's name, and audited.
    pub async fn reply_as(
        &self,
        by: &User,
        to: gazette_domain::CommentId,
        text: &str,
    ) -> Result<gazette_domain::Comment, AccountError> {
        use crate::comments::{MAX_BODY, MIN_BODY, clean, fingerprint, strip_controls};
        if !can(by.role, Permission::ModerateComments) {
            return Err(AccountError::Forbidden(by.role));
        }
        let parent = self.store.comment(to).await?;
        if parent.status != gazette_domain::CommentStatus::Approved {
            return Err(DomainError::Invalid {
                what: "reply",
                value: format!("comment {to}"),
                why: "approve the comment before answering it".into(),
            }
            .into());
        }
        let body = strip_controls(text.trim());
        let n = body.chars().count();
        if !(MIN_BODY..=MAX_BODY).contains(&n) {
            return Err(DomainError::Invalid {
                what: "reply",
                value: body.chars().take(40).collect(),
                why: format!("write between {MIN_BODY} and {MAX_BODY} characters"),
            }
            .into());
        }
        let added = self
            .store
            .add_comment(
                &gazette_domain::NewComment {
                    article: parent.article,
                    parent: Some(parent.id),
                    author_name: by.name.clone(),
                    author_email: Some(by.email.clone()),
                    body_html: clean(&body),
                    fingerprint: fingerprint(&body),
                },
                self.now(),
            )
            .await?;
        let reply = self
            .moderate(added.id, crate::Moderation::Approve)
            .await?
            .ok_or(StoreError::NotFound)?;
        self.audit(
            Some(by),
            "comment.reply",
            &format!("comment {}", reply.id),
            &format!("to comment {to} on story {}", reply.article),
        )
        .await;
        Ok(reply)
    }

    /// Moderates a comment as `by`, with permission checked and the action
    /// audited.
    pub async fn moderate_as(
        &self,
        by: &User,
        id: gazette_domain::CommentId,
        action: crate::Moderation,
    ) -> Result<Option<gazette_domain::Comment>, AccountError> {
        if !can(by.role, Permission::ModerateComments) {
            return Err(AccountError::Forbidden(by.role));
        }
        let done = self.moderate(id, action).await?;
        if done.is_some() || matches!(action, crate::Moderation::Delete) {
            self.audit(
                Some(by),
                &format!("comment.{}", action.as_str()),
                &format!("comment {id}"),
                &done
                    .as_ref()
                    .map(|c| format!("on story {}", c.article))
                    .unwrap_or_default(),
            )
            .await;
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_grows_with_the_role() {
        assert!(can(Role::Contributor, Permission::WriteDrafts));
        assert!(!can(Role::Contributor, Permission::PublishOwn));
        assert!(can(Role::Author, Permission::PublishOwn));
        assert!(!can(Role::Author, Permission::ModerateComments));
        assert!(can(Role::Editor, Permission::ModerateComments));
        assert!(!can(Role::Editor, Permission::ManageAccounts));
        for p in Permission::ALL {
            assert!(can(Role::Admin, p), "{p:?}");
        }
    }

    #[test]
    fn passwords_have_rules() {
        assert!(check_password("short", "a@b.org").is_err());
        assert!(check_password(&"x".repeat(201), "a@b.org").is_err());
        assert!(check_password("ani@example.org", "ani@example.org").is_err());
        assert!(check_password("correct horse battery", "a@b.org").is_ok());
    }

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let h = hash_password("correct horse battery").await.unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse battery", &h).await);
        assert!(!verify_password("correct horse batterY", &h).await);
        assert!(!verify_password("anything", DECOY).await);
        // The decoy must parse, or an unknown address would answer faster.
        let decoy = PasswordHash::new(DECOY).unwrap();
        assert_eq!(decoy.algorithm.as_str(), "argon2id");
        assert_eq!(
            PasswordHash::new(&h).unwrap().params,
            decoy.params,
            "the decoy costs what a real hash costs"
        );
        assert!(!verify_password("anything", "not a hash").await);
        assert_ne!(
            h,
            hash_password("correct horse battery").await.unwrap(),
            "salted"
        );
    }
}
