//! Parsing of free-text inputs at the edge: trimmed, bounded, never empty where required.

use crate::error::ApiError;

/// The longest note, reason or name accepted.
pub const MAX_TEXT: usize = 200;

/// A required short text (a reason, a table name): trimmed, 1..=max characters.
pub fn required(field: &str, s: &str, max: usize) -> Result<String, ApiError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(ApiError::invalid(
            field,
            format!("Please enter a {}.", field.replace('_', " ")),
        ));
    }
    if t.chars().count() > max {
        return Err(ApiError::invalid(
            field,
            format!(
                "The {} is too long (at most {max} characters).",
                field.replace('_', " ")
            ),
        ));
    }
    if t.chars().any(|c| c.is_control()) {
        return Err(ApiError::invalid(
            field,
            format!(
                "The {} has characters that cannot be printed.",
                field.replace('_', " ")
            ),
        ));
    }
    Ok(t.to_owned())
}

/// An optional text: empty means none.
pub fn optional(field: &str, s: Option<&str>, max: usize) -> Result<Option<String>, ApiError> {
    match s.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => required(field, t, max).map(Some),
    }
}

/// A seat or course number in `1..=max`.
pub fn small_number(field: &str, n: Option<i64>, max: u8) -> Result<Option<u8>, ApiError> {
    match n {
        None => Ok(None),
        Some(n) => u8::try_from(n)
            .ok()
            .filter(|n| (1..=max).contains(n))
            .map(Some)
            .ok_or_else(|| {
                ApiError::invalid(field, format!("The {field} must be between 1 and {max}."))
            }),
    }
}
