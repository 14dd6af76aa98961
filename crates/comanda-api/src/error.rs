//! The one error type of the application layer: a serialisable `{code, message, field}` that the
//! UI shows next to what caused it. A code exists only where the UI branches on it.

use comanda_domain::DomainError;
use comanda_store::StoreError;
use serde::{Deserialize, Serialize};

/// What kind of refusal or failure it is. The UI branches on a few (`approval_required`,
/// `unauthorized`); it must tolerate codes it does not know (terminals run mixed versions).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "bindings/")]
pub enum ErrorCode {
    /// A field is missing, malformed or out of range.
    InvalidInput,
    /// The body is not JSON, or not the JSON this call takes.
    MalformedRequest,
    /// The body is larger than any call takes.
    PayloadTooLarge,
    /// The body is not `application/json`.
    UnsupportedMediaType,
    /// The route exists but not with this method.
    MethodNotAllowed,
    /// The order, line, payment, route… does not exist.
    NotFound,
    /// The item is not on the menu (or is off it).
    UnknownItem,
    /// A modifier group's rule is broken.
    ModifierRules,
    /// The order is closed or cancelled: it takes no more changes.
    OrderNotOpen,
    /// The order cannot close: its balance is not zero.
    BalanceNotZero,
    /// The action needs a manager's PIN; send it again with `approval`.
    ApprovalRequired,
    /// The PIN given for approval is not a manager's.
    ApprovalDenied,
    /// No session, or an expired one: sign in with a PIN.
    Unauthorized,
    /// The PIN is not known.
    WrongPin,
    /// Signed in, but the role may not do this.
    Forbidden,
    /// The request contradicts the current state in a way a retry will not fix.
    Conflict,
    /// Too many wrong PINs in a short time: wait, then try again.
    TooManyAttempts,
    /// Pairing refused: the terminal holds events; send again with `wipe` once a manager agreed.
    NotEmpty,
    /// Another node (the hub) did not answer, or not as a Comanda node.
    Unreachable,
    /// Something broke inside; the detail is in the log, not here.
    Internal,
}

/// An error as the UI and HTTP clients see it.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ts_rs::TS,
    utoipa::ToSchema,
    thiserror::Error,
)]
#[error("{code:?}: {message}")]
#[ts(export, export_to = "bindings/")]
pub struct ApiError {
    /// What kind of error.
    pub code: ErrorCode,
    /// A sentence for a person: what is wrong and what to do.
    pub message: String,
    /// The request field it is about, when there is one (`qty`, `tendered`, `modifiers`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
}

impl ApiError {
    /// An error with a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            field: None,
        }
    }
    /// Names the field the error is about.
    pub fn on(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }
    /// Bad input in a field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message).on(field)
    }
    /// Something not found.
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, what)
    }
    /// An internal failure: logged in full, shown without internals.
    pub fn internal(detail: &dyn std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        Self::new(
            ErrorCode::Internal,
            "Something went wrong inside the terminal; nothing was saved. Try again.",
        )
    }

    /// The HTTP status this error answers with.
    pub fn http_status(&self) -> u16 {
        match self.code {
            ErrorCode::InvalidInput
            | ErrorCode::MalformedRequest
            | ErrorCode::UnknownItem
            | ErrorCode::ModifierRules => 400,
            ErrorCode::Unauthorized | ErrorCode::WrongPin => 401,
            ErrorCode::Forbidden | ErrorCode::ApprovalRequired | ErrorCode::ApprovalDenied => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::OrderNotOpen
            | ErrorCode::BalanceNotZero
            | ErrorCode::Conflict
            | ErrorCode::NotEmpty => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::TooManyAttempts => 429,
            ErrorCode::Internal => 500,
            ErrorCode::Unreachable => 502,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::internal(&e)
    }
}

/// Maps a domain refusal to the field it is about.
pub fn domain(field: &str, e: DomainError) -> ApiError {
    let code = match e {
        DomainError::UnknownItem(_) => ErrorCode::UnknownItem,
        DomainError::UnknownModifierGroup(_)
        | DomainError::UnknownModifier(_)
        | DomainError::ModifierCount { .. }
        | DomainError::DuplicateModifier(_) => ErrorCode::ModifierRules,
        _ => ErrorCode::InvalidInput,
    };
    let field = match code {
        ErrorCode::ModifierRules => "modifiers",
        ErrorCode::UnknownItem => "item_id",
        _ => field,
    };
    ApiError::new(code, capitalise(&e.to_string())).on(field)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
