//! The JSON bodies that belong to the API alone (a decision's yes/no and
//! reason, an account's fields): each both parses its handler's request
//! (`api::from_json`) and describes it (`#[utoipa::path(request_body = …)]`),
//! as the typed `domain` inputs (`ComplaintInput`, `ActionInput`,
//! `MovementInput`…) do for the rest. The account bodies (`NewAccount`,
//! `Login`) are still described here while their handlers read
//! `users::NewUserBody`, `session::LoginBody` and `admin::StaffBody`.

use serde::Deserialize;
use utoipa::ToSchema;

/// The roles that register themselves (the document's `role` of `POST /users`).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[expect(
    dead_code,
    reason = "a type for the document only; the role is read as text"
)]
pub enum PublicRole {
    Consumer,
    Merchant,
}

/// `POST /users` (`role`: consumer or merchant; a verification email is
/// sent) and `POST /admin/users` (any role, staff included). The role is
/// read as text so that the services say why one is refused (unknown, or
/// staff that only an admin creates); `R` names the roles for the document.
#[derive(Deserialize, ToSchema)]
#[serde(bound = "")]
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
    #[schema(value_type = R)]
    pub role: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub roles: std::marker::PhantomData<R>,
}

impl<R> NewAccount<R> {
    /// The account the services create.
    pub fn into_new_user(self, lang: domain::Lang) -> services::accounts::NewUser {
        services::accounts::NewUser {
            email: self.email,
            password: self.password,
            display_name: self.display_name,
            role: self.role,
            lang,
        }
    }
}

/// `POST /session`.
#[derive(Deserialize, ToSchema)]
pub struct Login {
    #[serde(default)]
    #[schema(required = true, min_length = 1, pattern = r"\S")]
    pub email: Option<String>,
    #[serde(default)]
    #[schema(required = true, min_length = 1, pattern = r"\S")]
    pub password: Option<String>,
}

/// `POST /cases/{id}/publication`.
#[derive(Deserialize, ToSchema)]
pub struct Publish {
    pub publish: bool,
}

/// `POST /regulator/verifications/{id}/decision`.
#[derive(Deserialize, ToSchema)]
pub struct VerificationDecision {
    pub approve: bool,
    /// Required to reject.
    #[serde(default)]
    pub reason: Option<String>,
}

/// `POST /merchants/{id}/commitment`.
#[derive(Deserialize, ToSchema)]
pub struct Commitment {
    /// Must be `true`.
    pub accept: bool,
}

/// `POST /regulator/requests/{id}/decision`.
#[derive(Deserialize, ToSchema)]
pub struct RequestDecision {
    pub grant: bool,
    /// Not blank.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
}

/// `POST /regulator/lists/{id}/decision`.
#[derive(Deserialize, ToSchema)]
pub struct ListDecision {
    pub confirm: bool,
    /// Not blank.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
}

/// `POST /lists/{id}/objection`.
#[derive(Deserialize, ToSchema)]
pub struct ListObjection {
    #[schema(min_length = 10, max_length = 5000)]
    pub text: String,
}

/// `POST /regulator/ratings/{id}/hide`.
#[derive(Deserialize, ToSchema)]
pub struct HideRating {
    /// Not blank.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
}
