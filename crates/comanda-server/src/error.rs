//! The server's one error type, and how each becomes an HTTP answer.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use comanda_store::StoreError;

/// Why a hub operation failed.
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// A store's database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The hub's own database failed.
    #[error("server database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The hub's database could not be migrated.
    #[error("migrating the server database: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    /// Something named does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// A pairing code that is unknown, used or expired.
    #[error("this pairing code is not valid (unknown, already used or expired)")]
    BadCode,
    /// Too many wrong pairing codes lately.
    #[error("too many wrong pairing codes; wait a minute")]
    TooManyAttempts,
    /// A request that does not make sense.
    #[error("{0}")]
    BadRequest(String),
    /// Setting up (directories, randomness) failed.
    #[error("{0}")]
    Setup(String),
}

impl HubError {
    /// The `code` of the `{code, message}` body.
    pub fn code(&self) -> &'static str {
        match self {
            HubError::Store(_) | HubError::Sqlite(_) | HubError::Migration(_) => "store_failed",
            HubError::NotFound(_) => "not_found",
            HubError::BadCode => "bad_code",
            HubError::TooManyAttempts => "too_many_attempts",
            HubError::BadRequest(_) => "bad_request",
            HubError::Setup(_) => "setup_failed",
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            HubError::NotFound(_) => StatusCode::NOT_FOUND,
            HubError::BadCode => StatusCode::FORBIDDEN,
            HubError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            HubError::BadRequest(_) => StatusCode::BAD_REQUEST,
            _ => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

impl IntoResponse for HubError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = if status == StatusCode::SERVICE_UNAVAILABLE {
            // The detail is logged, never sent.
            tracing::error!(error = %self, "request failed");
            "the server could not do this now; try again".to_owned()
        } else {
            self.to_string()
        };
        let mut resp = comanda_sync::http::error(status, self.code(), message);
        if status == StatusCode::TOO_MANY_REQUESTS {
            resp.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("60"),
            );
        }
        resp
    }
}
