//! Staff accounts, their sessions, failed sign-ins and the audit log.

use async_trait::async_trait;
use gazette_domain::{NewUser, Role, User, UserId};
use jiff::Timestamp;

use crate::{Page, StoreResult};

/// An account with its password hash, for checking a sign-in.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user: User,
    /// An argon2 PHC string.
    pub password_hash: String,
}

/// A signed-in session as stored: only a hash of the cookie's token.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Hex of a hash of the cookie's secret token.
    pub token_hash: String,
    pub user: UserId,
    /// The session's CSRF token, sent back with every form.
    pub csrf: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// A live session and its account.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// One editorial action, as the audit log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: Timestamp,
    /// Who did it (`None` for Gazette itself, or a removed account).
    pub user: Option<UserId>,
    /// That account's e-mail address when it still exists.
    pub user_email: Option<String>,
    /// What was done: `comment.approve`, `user.role`, `story.publish`...
    pub action: String,
    /// What it was done to: `comment 12`, `user ani@example.org`...
    pub subject: String,
    pub detail: String,
}

/// An entry to add to the audit log.
#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    pub at: Timestamp,
    pub user: Option<UserId>,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

/// A per-person API token as listed (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub user: UserId,
    pub name: String,
    pub created_at: Timestamp,
}

/// Which entries of the audit log to read.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this action (exact).
    pub action: Option<String>,
    /// Only this account's actions.
    pub user: Option<UserId>,
}

/// Staff accounts and what comes with them. Sessions live in the store so
/// that they survive a restart and work on every node.
#[async_trait]
pub trait AccountStore: Send + Sync + 'static {
    /// Adds an account; an e-mail address already taken is
    /// [`crate::StoreError::Conflict`].
    async fn add_user(&self, user: &NewUser, now: Timestamp) -> StoreResult<User>;

    async fn user(&self, id: UserId) -> StoreResult<User>;

    /// The account with this (normalized) e-mail address and its hash.
    async fn credentials(&self, email: &str) -> StoreResult<Credentials>;

    /// Every account, by e-mail address.
    async fn users(&self) -> StoreResult<Vec<User>>;

    /// How many accounts have `role`.
    async fn count_users_with_role(&self, role: Role) -> StoreResult<u64>;

    async fn set_role(&self, id: UserId, role: Role) -> StoreResult<User>;

    /// Links an account to the contributor named `name` (made when new),
    /// or unlinks it (`None`): a staff writer's byline.
    async fn set_user_contributor(&self, id: UserId, name: Option<&str>) -> StoreResult<User>;

    /// The contributor an account is linked to.
    async fn linked_contributor(
        &self,
        id: UserId,
    ) -> StoreResult<Option<gazette_domain::Contributor>>;

    async fn set_password_hash(&self, id: UserId, hash: &str) -> StoreResult<()>;

    async fn add_session(&self, session: &NewSession) -> StoreResult<()>;

    /// The live session with this token hash ([`crate::StoreError::NotFound`]
    /// when there is none or it has expired).
    async fn session(&self, token_hash: &str, now: Timestamp) -> StoreResult<Session>;

    async fn end_session(&self, token_hash: &str) -> StoreResult<()>;

    /// Ends every session of an account; returns how many there were.
    async fn end_sessions(&self, user: UserId) -> StoreResult<u64>;

    /// Removes sessions expired before `now`; returns how many.
    async fn end_expired_sessions(&self, now: Timestamp) -> StoreResult<u64>;

    /// Notes a failed sign-in for `key` (an e-mail address) at `now` and
    /// returns how many there were since `since`, this one included.
    async fn note_failed_sign_in(
        &self,
        key: &str,
        now: Timestamp,
        since: Timestamp,
    ) -> StoreResult<u32>;

    /// How many failed sign-ins `key` had since `since`.
    async fn failed_sign_ins(&self, key: &str, since: Timestamp) -> StoreResult<u32>;

    /// Forgets `key`'s failed sign-ins (after a good one).
    async fn forget_failed_sign_ins(&self, key: &str) -> StoreResult<()>;

    /// Forgets every failed sign-in before `before` (the background job:
    /// addresses tried once and never again); returns how many.
    async fn prune_failed_sign_ins(&self, before: Timestamp) -> StoreResult<u64>;

    async fn record_audit(&self, entry: &NewAuditEntry) -> StoreResult<()>;

    /// Stores a new API token of `user` (only its hash).
    async fn add_api_token(
        &self,
        user: UserId,
        name: &str,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<ApiToken>;

    /// `user`'s API tokens, oldest first.
    async fn api_tokens(&self, user: UserId) -> StoreResult<Vec<ApiToken>>;

    /// Revokes `user`'s token `id`; false when they have no such token.
    async fn revoke_api_token(&self, user: UserId, id: i64) -> StoreResult<bool>;

    /// The account a token's hash belongs to ([`crate::StoreError::NotFound`]
    /// when none: never issued, or revoked).
    async fn api_token_user(&self, token_hash: &str) -> StoreResult<User>;

    /// The audit log, newest first.
    async fn audit_log(&self, filter: &AuditFilter, page: Page) -> StoreResult<Vec<AuditEntry>>;
}
