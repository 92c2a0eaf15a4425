//! The JSON bodies of the handlers that still read them by hand (`Bytes`,
//! then `serde_json`), described for the API document: each is named in its
//! handler's `#[utoipa::path(request_body = …)]`. The other bodies are the
//! typed `domain` inputs themselves (`ComplaintInput`, `ActionInput`,
//! `MovementInput`…), which both parse the request and describe it; these
//! give way to such inputs as their handlers move to them. Nothing here is
//! deserialised.

#![allow(dead_code)]

use utoipa::ToSchema;

/// The roles that register themselves.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum PublicRole {
    Consumer,
    Merchant,
}

/// `POST /users` (`role`: consumer or merchant; a verification email is
/// sent) and `POST /admin/users` (any role, staff included).
#[derive(ToSchema)]
pub struct NewAccount<R> {
    #[schema(format = Email)]
    pub email: String,
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
    /// Trimmed, 1 to 50 characters, no control characters.
    #[schema(
        min_length = 1,
        max_length = 50,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub display_name: String,
    pub role: R,
}

/// `POST /session`.
#[derive(ToSchema)]
pub struct Login {
    #[schema(min_length = 1, pattern = r"\S")]
    pub email: String,
    #[schema(min_length = 1, pattern = r"\S")]
    pub password: String,
}

/// `POST /cases/{id}/publication`.
#[derive(ToSchema)]
pub struct Publish {
    pub publish: bool,
}

/// `POST /regulator/verifications/{id}/decision`.
#[derive(ToSchema)]
pub struct VerificationDecision {
    pub approve: bool,
    /// Required to reject.
    pub reason: Option<String>,
}

/// `POST /merchants/{id}/commitment`.
#[derive(ToSchema)]
pub struct Commitment {
    /// Must be `true`.
    pub accept: bool,
}

/// `POST /regulator/requests/{id}/decision`.
#[derive(ToSchema)]
pub struct RequestDecision {
    pub grant: bool,
    /// Not blank.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
}

/// `POST /regulator/lists/{id}/decision`.
#[derive(ToSchema)]
pub struct ListDecision {
    pub confirm: bool,
    /// Not blank.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
}

/// `POST /lists/{id}/objection`.
#[derive(ToSchema)]
pub struct ListObjection {
    #[schema(min_length = 10, max_length = 5000)]
    pub text: String,
}

/// `POST /regulator/ratings/{id}/hide`.
#[derive(ToSchema)]
pub struct HideRating {
    /// Not blank.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
}
