//! The in-app inbox: what needs a user's attention.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationView {
    pub id: i32,
    pub case_id: Option<i32>,
    pub case_number: Option<String>,
    /// i18n key suffix: `notice.<key>`.
    pub key: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}
