//! A merchant's staff accounts (商户员工账户). The account that registered
//! the business is its main account (主账户); it invites staff by e-mail,
//! and removes them. Each staff member answers for the business with an
//! account of their own, so the trail names who took each step. The rules
//! and the bodies as typed live here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AppError, Email};

/// The most staff accounts (pending invitations included) one business has.
pub const MAX_STAFF: usize = 20;
/// How long an invitation's link works.
pub const INVITATION_DAYS: i64 = 7;

/// `POST /merchants/team/invitations`: whom to invite.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteInput {
    #[cfg_attr(feature = "openapi", schema(format = "email", max_length = 254))]
    pub email: String,
    /// How the staff member is named to the team (1–50 characters).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub name: String,
}

impl InviteInput {
    pub fn check(&self) -> Result<(Email, String), AppError> {
        let email = Email::parse(&self.email)
            .ok_or_else(|| AppError::invalid("email", "err.email_invalid"))?;
        if !crate::user::display_name_is_acceptable(&self.name) {
            return Err(AppError::invalid("name", "err.name_invalid"));
        }
        Ok((email, self.name.trim().to_string()))
    }
}

/// `POST /merchants/team/join`: the mailed token; a name and a password when
/// the invited address has no account yet (the link proves the address).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JoinInput {
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub token: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    #[serde(default)]
    pub name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 128))]
    #[serde(default)]
    pub password: Option<String>,
}

impl JoinInput {
    /// The name and password for a new account, checked.
    pub fn new_account(&self) -> Result<(String, String), AppError> {
        let name = self.name.as_deref().unwrap_or("");
        if !crate::user::display_name_is_acceptable(name) {
            return Err(AppError::invalid("name", "err.name_invalid"));
        }
        let password = self.password.clone().unwrap_or_default();
        if !crate::user::password_is_acceptable(&password) {
            return Err(AppError::invalid("password", "err.password_weak"));
        }
        Ok((name.trim().to_string(), password))
    }
}

/// Whether an invitation can still be accepted at `now`.
pub fn invitation_open(
    expires_at: DateTime<Utc>,
    accepted: bool,
    revoked: bool,
    now: DateTime<Utc>,
) -> bool {
    !accepted && !revoked && now < expires_at
}

/// One account of the team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamMember {
    pub user_id: i32,
    pub name: String,
    pub email: String,
    /// The main account (registered the business) or a staff account.
    pub main: bool,
    pub since: DateTime<Utc>,
    /// The caller's own account.
    pub you: bool,
}

/// An invitation not yet accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingInvitation {
    pub id: i32,
    pub email: String,
    pub name: String,
    pub invited_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The business's team as one of its accounts sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamView {
    pub merchant_id: i32,
    pub merchant_name: String,
    /// The main account first, then staff by when they joined.
    pub members: Vec<TeamMember>,
    /// Shown to the main account only (empty for staff).
    pub invitations: Vec<PendingInvitation>,
    /// The caller is the main account: may invite and remove.
    pub manages: bool,
}

/// What the join page shows about a mailed invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationView {
    pub merchant_name: String,
    pub email: String,
    pub name: String,
    pub expires_at: DateTime<Utc>,
    /// An account with this address exists: sign in as it to accept;
    /// otherwise the page asks for a name and a password.
    pub account_exists: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn invite_needs_an_address_and_a_name() {
        let ok = InviteInput {
            email: " Staff@Shop.CN ".into(),
            name: " 小王 ".into(),
        };
        let (email, name) = ok.check().unwrap();
        assert_eq!(email.as_str(), "staff@shop.cn");
        assert_eq!(name, "小王");
        let bad = InviteInput {
            email: "not-an-address".into(),
            name: "小王".into(),
        };
        assert_eq!(bad.check().unwrap_err().field(), Some("email"));
        let unnamed = InviteInput {
            email: "a@b.cn".into(),
            name: "  ".into(),
        };
        assert_eq!(unnamed.check().unwrap_err().field(), Some("name"));
    }

    #[test]
    fn a_new_account_needs_a_name_and_a_good_password() {
        let input = |name: Option<&str>, password: Option<&str>| JoinInput {
            token: "t".into(),
            name: name.map(Into::into),
            password: password.map(Into::into),
        };
        assert!(
            input(Some("小王"), Some("long enough"))
                .new_account()
                .is_ok()
        );
        assert_eq!(
            input(None, Some("long enough"))
                .new_account()
                .unwrap_err()
                .field(),
            Some("name")
        );
        assert_eq!(
            input(Some("小王"), Some("short"))
                .new_account()
                .unwrap_err()
                .field(),
            Some("password")
        );
    }

    #[test]
    fn invitations_close_when_used_revoked_or_expired() {
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 0, 0, 0).unwrap();
        let later = now + chrono::Duration::days(INVITATION_DAYS);
        assert!(invitation_open(later, false, false, now));
        assert!(!invitation_open(later, true, false, now));
        assert!(!invitation_open(later, false, true, now));
        assert!(!invitation_open(now, false, false, later));
    }
}
