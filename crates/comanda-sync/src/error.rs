//! The sync crate's one error type.

use comanda_store::StoreError;

/// Why an exchange could not be made or answered. Each maps to what the other side is told
/// ([`SyncError::code`]) and what the client does next (stop and ask to pair again, or retry).
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The local store failed (IO, disk full…). Retried.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The other side speaks a protocol version this build does not.
    #[error("protocol version {0} is not spoken here")]
    Protocol(u32),
    /// This node has not joined a store: it neither asks nor answers.
    #[error("this terminal is not paired with a store")]
    NotPaired,
    /// The request is for another store.
    #[error("the request is for another store")]
    WrongStore,
    /// The answer came from another node than the one asked.
    #[error("the answer came from {got}, not {expected}")]
    WrongPeer {
        /// Who was asked.
        expected: String,
        /// Who answered.
        got: String,
    },
    /// The runtime is shutting down: the work was not done.
    #[error("shutting down")]
    ShuttingDown,
    /// TLS could not be set up (a key or certificate this node cannot use).
    #[error("TLS: {0}")]
    Tls(String),
    /// A message breaks the protocol's limits or shape.
    #[error("bad message: {0}")]
    BadMessage(String),
}

impl SyncError {
    /// The code the other side is told (the `code` of the `{code, message}` error body).
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::Store(_) => "store_failed",
            SyncError::Protocol(_) => "protocol",
            SyncError::NotPaired => "not_paired",
            SyncError::WrongStore => "wrong_store",
            SyncError::WrongPeer { .. } => "wrong_peer",
            SyncError::BadMessage(_) => "bad_message",
            SyncError::ShuttingDown => "shutting_down",
            SyncError::Tls(_) => "tls",
        }
    }
}
