//! Staff accounts: who signs in to the admin, and with which role.

use std::{fmt, str::FromStr};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{ContributorId, DomainError};

/// Store-assigned identity of a staff account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What an account may do, as newsrooms know it from WordPress. Ordered:
/// each role may do everything the one before it may (the matrix itself
/// lives in `gazette-core`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Contributor,
    Author,
    Editor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Contributor, Role::Author, Role::Editor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Contributor => "contributor",
            Role::Author => "author",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| DomainError::Invalid {
                what: "role",
                value: s.to_owned(),
                why: "use contributor, author, editor or admin".into(),
            })
    }
}

/// A staff account as the rest of Gazette sees it (never its password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: UserId,
    /// Lower case; the sign-in name.
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The byline this account writes under, if any.
    pub contributor: Option<ContributorId>,
    pub created_at: Timestamp,
}

/// A new account, its password already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
}

/// An email address as accounts keep it: trimmed, lower case, one `@`
/// with text on both sides, at most 254 characters.
pub fn normalize_email(email: &str) -> Result<String, DomainError> {
    let e = email.trim().to_lowercase();
    let ok = e.len() <= 254
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(e.split_once('@'), Some((a, b)) if !a.is_empty() && b.contains('.') && !b.contains('@') && !b.starts_with('.') && !b.ends_with('.'));
    if ok {
        Ok(e)
    } else {
        Err(DomainError::Invalid {
            what: "email address",
            value: email.chars().take(80).collect(),
            why: "write it as name@example.org".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_back_and_order() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert_eq!(" Editor ".parse::<Role>().unwrap(), Role::Editor);
        assert!("root".parse::<Role>().is_err());
        assert!(Role::Contributor < Role::Author && Role::Editor < Role::Admin);
    }

    #[test]
    fn emails_are_normalized_or_refused() {
        assert_eq!(
            normalize_email(" Ani@Example.ORG ").unwrap(),
            "ani@example.org"
        );
        for bad in [
            "",
            "ani",
            "@example.org",
            "ani@",
            "ani@example",
            "a b@example.org",
            "a@b@c.org",
            "ani@.org",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }
}
