//! Where a story stands in the newsroom's workflow, as its revisions record
//! it: a finer view than [`crate::ArticleStatus`], which only says what
//! readers may see.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// A story's editorial state after a save.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum WorkflowState {
    /// Being written; readers never see it.
    #[default]
    Draft,
    /// Submitted for review: an editor (or its author) publishes it.
    Pending,
    /// Published with a publish time still to come; readers see it from
    /// then on.
    Scheduled,
    /// Live for readers.
    Published,
    /// Taken down after being published; its address answers 410 Gone.
    Withdrawn,
}

impl WorkflowState {
    pub const ALL: [WorkflowState; 5] = [
        WorkflowState::Draft,
        WorkflowState::Pending,
        WorkflowState::Scheduled,
        WorkflowState::Published,
        WorkflowState::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WorkflowState::Draft => "draft",
            WorkflowState::Pending => "pending",
            WorkflowState::Scheduled => "scheduled",
            WorkflowState::Published => "published",
            WorkflowState::Withdrawn => "withdrawn",
        }
    }

    /// How the admin names it.
    pub fn label(self) -> &'static str {
        match self {
            WorkflowState::Draft => "Draft",
            WorkflowState::Pending => "Awaiting review",
            WorkflowState::Scheduled => "Scheduled",
            WorkflowState::Published => "Published",
            WorkflowState::Withdrawn => "Unpublished",
        }
    }
}

impl fmt::Display for WorkflowState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for WorkflowState {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        WorkflowState::ALL
            .into_iter()
            .find(|w| w.as_str() == s)
            .ok_or_else(|| DomainError::Invalid {
                what: "workflow state",
                value: s.to_owned(),
                why: "use draft, pending, scheduled, published or withdrawn".into(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_and_nonsense_is_named() {
        for s in WorkflowState::ALL {
            assert_eq!(s.as_str().parse::<WorkflowState>().unwrap(), s);
        }
        let e = "live".parse::<WorkflowState>().unwrap_err().to_string();
        assert!(e.contains("live") && e.contains("pending"), "{e}");
    }
}
