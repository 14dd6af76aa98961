//! The store's one error type.

use comanda_domain::codec::CodecError;

/// Why a store operation failed. Folding never fails (conflicts are data); these are IO errors
/// and data on disk that does not read back as it was written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused or failed (IO error, disk full, constraint, busy).
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The schema could not be brought to the latest version.
    #[error("migrating the database: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    /// A stored event no longer decodes (the event log is only ever written with events that
    /// decode, so this means damage or a downgrade).
    #[error("stored event does not decode: {0}")]
    Codec(#[from] CodecError),
    /// A stored JSON column (a projection, a payload) does not read back.
    #[error("stored json: {0}")]
    Json(#[from] serde_json::Error),
    /// A value on disk is not what the schema promises (a bad id, a number out of range, a
    /// missing device row).
    #[error("database is corrupt: {0}")]
    Corrupt(String),
    /// Pairing refused: the log already holds this many events, made under another identity.
    #[error("the terminal already holds {0} events; move them aside before pairing")]
    NotEmpty(u64),
    /// `PRAGMA quick_check` reported problems.
    #[error("integrity check failed: {0}")]
    Integrity(String),
}
