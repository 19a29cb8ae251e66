/// A value that breaks a rule of the newsroom model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("{what} is empty; give it at least one letter or digit")]
    Empty { what: &'static str },
    #[error("`{value}` is not a valid {what}: {why}")]
    Invalid {
        what: &'static str,
        value: String,
        why: String,
    },
}
