//! What the UI and the API may know about an account.

use serde::{Deserialize, Serialize};

use crate::{Lang, Role};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    pub id: i32,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub lang: Lang,
    pub email_verified: bool,
}

/// A demo account listed on the sign-in page in demo mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoAccount {
    pub email: String,
    pub password: String,
    pub role: Role,
}

/// Rules every password must meet; checked on the server.
pub fn password_is_acceptable(p: &str) -> bool {
    let n = p.chars().count();
    (8..=128).contains(&n)
}

/// Display names: 1 to 50 characters after trimming, no control characters.
pub fn display_name_is_acceptable(n: &str) -> bool {
    let n = n.trim();
    let len = n.chars().count();
    (1..=50).contains(&len) && !n.chars().any(char::is_control)
}
