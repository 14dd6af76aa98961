//! The print crate's one error type.

/// Why something could not be printed or understood.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// The ESC/POS command builder refused an input (a QR code too long for its symbol…).
    #[error("cannot build the printer's commands: {0}")]
    Build(String),
    /// The printer could not be reached (refused, no route, no such device).
    #[error("cannot reach the printer: {0}")]
    Unreachable(String),
}

impl From<escpos::errors::PrinterError> for PrintError {
    fn from(e: escpos::errors::PrinterError) -> Self {
        PrintError::Build(e.to_string())
    }
}
