use std::{fmt, str::FromStr};

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};

use gazette_domain::{ArticleId, IsoWeek};

use crate::StoreResult;

/// Something readers can see changed. Every write that changes what a page
/// shows records one in the same transaction, and every node hears of it
/// through [`NewsroomStore::listen`], so that its caches follow changes
/// made through any node (or the command line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Change {
    /// An article was created, edited, published or taken down.
    Article(ArticleId),
    /// An article's approved comments changed.
    Comments(ArticleId),
    /// A section was added or moved.
    Sections,
    /// A week's ranking was frozen.
    Ranking(IsoWeek),
    /// Anything may have changed (a copy, a restore, or a listener that
    /// lost track): forget everything cached.
    Everything,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Article(id) => write!(f, "a:{id}"),
            Change::Comments(id) => write!(f, "c:{id}"),
            Change::Sections => f.write_str("s"),
            Change::Ranking(w) => write!(f, "r:{w}"),
            Change::Everything => f.write_str("*"),
        }
    }
}

impl FromStr for Change {
    type Err = ();

    /// The form [`fmt::Display`] writes. Anything else is an error; a
    /// listener treats it as [`Change::Everything`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let id = |v: &str| v.parse::<i64>().map(ArticleId).map_err(|_| ());
        match s.split_once(':') {
            Some(("a", v)) => Ok(Change::Article(id(v)?)),
            Some(("c", v)) => Ok(Change::Comments(id(v)?)),
            Some(("r", v)) => v.parse().map(Change::Ranking).map_err(|_| ()),
            None if s == "s" => Ok(Change::Sections),
            None if s == "*" => Ok(Change::Everything),
            _ => Err(()),
        }
    }
}

/// What a listener hears.
pub type ChangeEvent = Change;

/// Changes made through any node, in the order they were committed.
#[async_trait]
pub trait ChangeListener: Send {
    /// Waits for the next change. When the listener may have missed some
    /// (a lost connection), it says [`Change::Everything`].
    async fn next(&mut self) -> StoreResult<ChangeEvent>;
}

/// What the nodes of one newsroom share besides its content: secrets, the
/// leases that let one node at a time run a background job, and the change
/// feed.
#[async_trait]
pub trait NewsroomStore: Send + Sync + 'static {
    /// A named secret shared by every node: stored on first use from
    /// `candidate`, returned as stored afterwards.
    async fn secret(&self, name: &str, candidate: &[u8]) -> StoreResult<Vec<u8>>;

    /// Replaces a secret (or creates it).
    async fn set_secret(&self, name: &str, value: &[u8]) -> StoreResult<()>;

    /// Deletes a secret; deleting one that does not exist is fine.
    async fn delete_secret(&self, name: &str) -> StoreResult<()>;

    /// The names of the secrets that start with `prefix`.
    async fn secret_names(&self, prefix: &str) -> StoreResult<Vec<String>>;

    /// Takes or renews the lease `name` for `holder` until `now + ttl`.
    /// True when `holder` holds it now: it was free, had expired, or was
    /// `holder`'s already. At most one holder at a time, whatever races.
    async fn try_lease(
        &self,
        name: &str,
        holder: &str,
        ttl: SignedDuration,
        now: Timestamp,
    ) -> StoreResult<bool>;

    /// Gives a lease up, if `holder` holds it.
    async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()>;

    /// Who holds the lease at `now`, if anyone.
    async fn lease_holder(&self, name: &str, now: Timestamp) -> StoreResult<Option<String>>;

    /// Records a change for every node to hear (the store also records one
    /// itself for each write that changes what readers see).
    async fn notify(&self, change: Change) -> StoreResult<()>;

    /// Starts listening for changes committed from now on.
    async fn listen(&self) -> StoreResult<Box<dyn ChangeListener>>;

    /// Forgets all but the latest `keep` recorded changes, where the engine
    /// keeps them (a listener that fell further behind hears
    /// [`Change::Everything`]). Returns how many were forgotten.
    async fn prune_changes(&self, keep: u64) -> StoreResult<u64>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_round_trip_through_text() {
        for c in [
            Change::Article(ArticleId(42)),
            Change::Comments(ArticleId(7)),
            Change::Sections,
            Change::Ranking("2025-W48".parse().unwrap()),
            Change::Everything,
        ] {
            assert_eq!(c.to_string().parse::<Change>(), Ok(c));
        }
        for bad in ["", "a:", "a:x", "r:2025-W99", "q:1", "s:1"] {
            assert!(bad.parse::<Change>().is_err(), "{bad}");
        }
    }
}
