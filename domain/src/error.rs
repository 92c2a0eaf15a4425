//! The one error type every boundary speaks.
//!
//! Policy: domain and service code returns `AppError`; the HTTP API turns it
//! into `{"error": {"code", "field", "message"}}` with `status()`, server
//! functions send it as is so the UI matches variants, never strings.
//! Messages are i18n keys, rendered in the reader's language at the edge.
//! Internal details are logged where they happen and never sent out.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

use crate::i18n::{Lang, t, tf};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    /// A field failed validation (422).
    #[error("invalid {field}: {key}")]
    Invalid { field: String, key: String },
    /// One of several files failed the file rule (422): the message names
    /// the file as it was sent, so the person knows which one to replace.
    #[error("invalid {field} {file_name}: {key}")]
    InvalidFile {
        field: String,
        file_name: String,
        key: String,
    },
    /// Not signed in, or the credentials are wrong (401).
    #[error("unauthorized: {key}")]
    Unauthorized { key: String },
    /// Signed in but not allowed (403).
    #[error("forbidden")]
    Forbidden,
    /// No such thing, or not visible to the caller (404).
    #[error("not found")]
    NotFound,
    /// A unique value is taken or the state changed underneath (409).
    #[error("conflict on {field}: {key}")]
    Conflict { field: String, key: String },
    /// The action is not allowed in the case's current status (409); lists what is.
    #[error("not allowed while {status}")]
    NotAllowed {
        status: String,
        allowed: Vec<String>,
    },
    /// Too many attempts (429).
    #[error("rate limited")]
    RateLimited,
    /// The request body is larger than allowed (413).
    #[error("payload too large")]
    PayloadTooLarge,
    /// Something broke on our side (500); details are in the server log.
    #[error("internal error")]
    Internal,
    /// The database cannot be reached just now (503): nothing was done, and
    /// the same request may be sent again in a few seconds.
    #[error("unavailable")]
    Unavailable,
    /// The file store is full (507): the file was not kept.
    #[error("storage full")]
    StorageFull,
    /// The server function transport failed (network, decoding).
    #[error("transport: {0}")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, key: &str) -> Self {
        AppError::Invalid {
            field: field.into(),
            key: key.into(),
        }
    }

    pub fn conflict(field: &str, key: &str) -> Self {
        AppError::Conflict {
            field: field.into(),
            key: key.into(),
        }
    }

    pub fn unauthorized(key: &str) -> Self {
        AppError::Unauthorized { key: key.into() }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid { .. } | AppError::InvalidFile { .. } => 422,
            AppError::Unauthorized { .. } => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Conflict { .. } | AppError::NotAllowed { .. } => 409,
            AppError::RateLimited => 429,
            AppError::PayloadTooLarge => 413,
            AppError::Internal | AppError::Transport(_) => 500,
            AppError::Unavailable => 503,
            AppError::StorageFull => 507,
        }
    }

    /// Stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid { .. } | AppError::InvalidFile { .. } => "invalid",
            AppError::Unauthorized { .. } => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Conflict { .. } => "conflict",
            AppError::NotAllowed { .. } => "not_allowed",
            AppError::RateLimited => "rate_limited",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::Internal | AppError::Transport(_) => "internal",
            AppError::Unavailable => "unavailable",
            AppError::StorageFull => "storage_full",
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. }
            | AppError::InvalidFile { field, .. }
            | AppError::Conflict { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The message for a person, in their language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::Invalid { field, key } => {
                let sep = match lang {
                    Lang::Zh => "：",
                    Lang::En => ": ",
                };
                format!("{}{sep}{}", field_label(lang, field, key), t(lang, key))
            }
            AppError::InvalidFile {
                field,
                file_name,
                key,
            } => {
                let label = field_label(lang, field, key);
                match lang {
                    Lang::Zh => format!("{label}“{file_name}”：{}", t(lang, key)),
                    Lang::En => format!("{label} \"{file_name}\": {}", t(lang, key)),
                }
            }
            AppError::Conflict { key, .. } | AppError::Unauthorized { key } => {
                t(lang, key).to_string()
            }
            AppError::NotAllowed { status, allowed } => {
                let status = t(lang, &format!("status.{status}")).to_string();
                let allowed: Vec<String> = allowed
                    .iter()
                    .map(|a| t(lang, &format!("case.action.{a}")).to_string())
                    .collect();
                let none = t(lang, "err.nothing_allowed").to_string();
                let list = if allowed.is_empty() {
                    none
                } else {
                    allowed.join(if lang == Lang::Zh { "、" } else { ", " })
                };
                tf(lang, "err.not_allowed", &[&status, &list])
            }
            AppError::Forbidden => t(lang, "err.forbidden").into(),
            AppError::NotFound => t(lang, "err.not_found").into(),
            AppError::RateLimited => t(lang, "err.rate_limited").into(),
            AppError::PayloadTooLarge => t(lang, "err.too_large").into(),
            AppError::Internal => t(lang, "err.internal").into(),
            AppError::Unavailable => t(lang, "err.unavailable").into(),
            AppError::StorageFull => t(lang, "err.storage_full").into(),
            AppError::Transport(_) => t(lang, "err.transport").into(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

/// The label of `field` in a message `key`: a field named alike in two
/// places (`to`: a search's end date, a handover's new holder) is labelled
/// by the message's own part of the table first (`err.search.…` →
/// `field.search.to`), then by `field.{field}`.
fn field_label(lang: Lang, field: &str, key: &str) -> String {
    let part = key
        .strip_prefix("err.")
        .and_then(|k| k.split_once('.'))
        .map(|(part, _)| part);
    let own = part.and_then(|p| crate::i18n::lookup(lang, &format!("field.{p}.{field}")));
    match own {
        Some(label) => label.to_string(),
        None => t(lang, &format!("field.{field}")).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_named_alike_in_two_places_is_labelled_by_the_message_part() {
        let date = AppError::invalid("to", "err.search.date_order");
        assert_eq!(date.message(Lang::Zh), "截止日期：结束日期不能早于开始日期");
        assert_eq!(
            date.message(Lang::En),
            "To: must not be before the start date"
        );
        let handover = AppError::invalid("to", "err.required");
        assert!(
            handover.message(Lang::Zh).starts_with("移交对象："),
            "{}",
            handover.message(Lang::Zh)
        );
    }

    #[test]
    fn invalid_field_message_names_the_field_in_each_language() {
        let e = AppError::invalid("email", "err.email_invalid");
        assert_eq!(e.status(), 422);
        assert!(
            e.message(Lang::Zh).starts_with("邮箱"),
            "{}",
            e.message(Lang::Zh)
        );
        assert!(
            e.message(Lang::En).starts_with("Email"),
            "{}",
            e.message(Lang::En)
        );
    }

    #[test]
    fn errors_round_trip_through_json() {
        let e = AppError::conflict("email", "err.email_taken");
        let s = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<AppError>(&s).unwrap(), e);
    }
}
