//! Account administration (admins deactivate, reactivate and change staff
//! roles, with reasons, all logged) and the account holder's own settings
//! (password, e-mail address, deleting the account): the bodies as typed,
//! checked once here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::input::{self, max};
use crate::{AppError, Email, Role};

/// An admin's reason for an act of staff administration: at least this many characters…
pub const ADMIN_REASON_MIN: usize = 5;
/// …and at most this many.
pub const ADMIN_REASON_MAX: usize = max::REASON;
/// The pseudonym a deleted account's name becomes.
pub const DELETED_NAME: &str = "已注销用户";

/// `POST /admin/users/{id}/status`: deactivate (`active: false`) or reactivate.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusInput {
    pub active: bool,
    #[cfg_attr(feature = "openapi", schema(min_length = 5, max_length = 2000))]
    pub reason: String,
}

/// `PUT /admin/users/{id}/role`: a staff member's new role.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleInput {
    /// A staff role: `mediator`, `arbitrator`, `fund_admin`, `regulator`, `admin`.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(mediator|arbitrator|fund_admin|regulator|admin)$")
    )]
    pub role: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 5, max_length = 2000))]
    pub reason: String,
}

/// The reason of a [`StatusInput`] or [`RoleInput`], checked.
pub fn admin_reason(reason: &str) -> Result<String, AppError> {
    input::bounded_text(reason, "reason", ADMIN_REASON_MIN, ADMIN_REASON_MAX)
}

impl RoleInput {
    /// The staff role asked for and the reason.
    pub fn check(&self) -> Result<(Role, String), AppError> {
        let role = Role::parse(self.role.trim())
            .filter(|r| r.is_staff())
            .ok_or_else(|| AppError::invalid("role", "err.admin.staff_role"))?;
        Ok((role, admin_reason(&self.reason)?))
    }
}

/// `PUT /users/me/password`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChangeInput {
    #[cfg_attr(feature = "openapi", schema(max_length = 128))]
    pub current_password: String,
    /// 8 to 128 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128))]
    pub new_password: String,
}

impl PasswordChangeInput {
    pub fn check(&self) -> Result<(), AppError> {
        if self.current_password.is_empty() {
            return Err(AppError::invalid("current_password", "err.required"));
        }
        if !crate::user::password_is_acceptable(&self.new_password) {
            return Err(AppError::invalid("new_password", "err.password_weak"));
        }
        if self.new_password == self.current_password {
            return Err(AppError::invalid("new_password", "err.password_same"));
        }
        Ok(())
    }
}

/// `PUT /users/me/email`: a new address, confirmed by a link mailed to it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailChangeInput {
    #[cfg_attr(feature = "openapi", schema(max_length = 128))]
    pub password: String,
    #[cfg_attr(feature = "openapi", schema(format = "email", max_length = 254))]
    pub email: String,
}

impl EmailChangeInput {
    pub fn check(&self) -> Result<Email, AppError> {
        if self.password.is_empty() {
            return Err(AppError::invalid("password", "err.required"));
        }
        Email::parse(&self.email).ok_or_else(|| AppError::invalid("email", "err.email_invalid"))
    }
}

/// `DELETE /users/me`: the password again, so a borrowed session cannot do it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeleteAccountInput {
    #[cfg_attr(feature = "openapi", schema(max_length = 128))]
    pub password: String,
}

/// `POST /users/me/email/confirm`: the token of the mailed link.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenInput {
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub token: String,
}

/// `GET /admin/users?q=&role=&before=`, as the query string has it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct AccountQueryInput {
    /// Part of the address or the name (at most 100 characters).
    #[cfg_attr(feature = "openapi", param(max_length = 100))]
    pub q: Option<String>,
    /// One role.
    #[cfg_attr(feature = "openapi", param(value_type = Option<Role>, inline))]
    pub role: Option<String>,
    /// The page after this account id (the previous page's `next_before`).
    #[cfg_attr(feature = "openapi", param(value_type = Option<i32>, minimum = 1))]
    pub before: Option<String>,
}

/// An [`AccountQueryInput`] that passed [`AccountQueryInput::check`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountQuery {
    pub q: Option<String>,
    pub role: Option<Role>,
    pub before: Option<i32>,
}

impl AccountQueryInput {
    pub fn check(&self) -> Result<AccountQuery, AppError> {
        Ok(AccountQuery {
            q: input::text(self.q.as_deref(), "q", 100)?,
            role: input::choice(
                self.role.as_deref(),
                "role",
                "err.role_unknown",
                Role::parse,
            )?,
            before: match input::whole::<i32>(self.before.as_deref(), "before")? {
                Some(b) if b < 1 => return Err(AppError::invalid("before", "err.whole_number")),
                b => b,
            },
        })
    }
}

/// A page of the account list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountPage {
    pub items: Vec<AccountView>,
    /// Pass as `before` for the next page; null on the last.
    pub next_before: Option<i32>,
}

/// An account as admins see it in the account list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountView {
    pub id: i32,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub email_verified: bool,
    pub created_at: DateTime<Utc>,
    /// Set while deactivated.
    pub deactivated_at: Option<DateTime<Utc>>,
    /// Set once its owner deleted it (pseudonymised).
    pub deleted_at: Option<DateTime<Utc>>,
}

/// One act of staff administration, as the audit log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffAdminEntry {
    pub id: i32,
    pub admin_id: i32,
    pub admin_name: String,
    pub user_id: i32,
    pub user_name: String,
    /// `created`, `deactivated`, `reactivated` or `role_changed`.
    pub action: String,
    pub from_role: Option<String>,
    pub to_role: Option<String>,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// What `PUT /users/me/email` answers: the address waiting for its link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingEmail {
    pub pending_email: String,
}

/// Where to go after signing in (`/login?next=`): a path on this site only
/// (`/x`, never `//evil.example`, `/\\evil.example` or `https://…`), no
/// longer than a URL needs to be and without control characters.
pub fn local_next(next: Option<&str>) -> Option<&str> {
    next.map(str::trim).filter(|p| {
        p.starts_with('/')
            && !p.starts_with("//")
            && !p.starts_with("/\\")
            && p.len() <= 512
            && !p.chars().any(char::is_control)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn after_login_only_paths_on_this_site() {
        assert_eq!(local_next(Some("/cases/new")), Some("/cases/new"));
        assert_eq!(local_next(Some(" /cases?x=1 ")), Some("/cases?x=1"));
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "cases",
            "",
            "/a\nb",
        ] {
            assert_eq!(local_next(Some(bad)), None, "{bad}");
        }
        assert_eq!(local_next(Some(&format!("/{}", "a".repeat(600)))), None);
        assert_eq!(local_next(None), None);
    }

    use super::*;
    use crate::input::testing::field_error;

    #[test]
    fn a_role_change_names_a_staff_role_and_a_reason() {
        let ok = RoleInput {
            role: " arbitrator ".into(),
            reason: "调岗至仲裁庭".into(),
        };
        assert_eq!(
            ok.check().unwrap(),
            (Role::Arbitrator, "调岗至仲裁庭".into())
        );
        for (role, reason, field, key) in [
            ("consumer", "调岗至仲裁庭", "role", "err.admin.staff_role"),
            ("merchant", "调岗至仲裁庭", "role", "err.admin.staff_role"),
            ("boss", "调岗至仲裁庭", "role", "err.admin.staff_role"),
            ("mediator", " ", "reason", "err.required"),
            ("mediator", "调岗", "reason", "err.text_too_short"),
        ] {
            let e = RoleInput {
                role: role.into(),
                reason: reason.into(),
            }
            .check()
            .unwrap_err();
            assert_eq!(
                field_error(e),
                (field.into(), key.into()),
                "{role} {reason}"
            );
        }
        let long = "理".repeat(ADMIN_REASON_MAX + 1);
        assert_eq!(
            field_error(admin_reason(&long).unwrap_err()),
            ("reason".into(), "err.text_too_long".into())
        );
    }

    #[test]
    fn the_account_list_query_is_typed_or_named() {
        let q = AccountQueryInput {
            q: Some(" 调解 ".into()),
            role: Some("mediator".into()),
            before: Some("120".into()),
        };
        assert_eq!(
            q.check().unwrap(),
            AccountQuery {
                q: Some("调解".into()),
                role: Some(Role::Mediator),
                before: Some(120)
            }
        );
        assert_eq!(
            AccountQueryInput::default().check().unwrap(),
            AccountQuery::default()
        );
        let bad_role = AccountQueryInput {
            role: Some("boss".into()),
            ..Default::default()
        };
        assert_eq!(field_error(bad_role.check().unwrap_err()).0, "role");
        let bad_cursor = AccountQueryInput {
            before: Some("x".into()),
            ..Default::default()
        };
        assert_eq!(field_error(bad_cursor.check().unwrap_err()).0, "before");
    }

    #[test]
    fn a_new_password_is_checked_and_must_differ() {
        let p = |c: &str, n: &str| PasswordChangeInput {
            current_password: c.into(),
            new_password: n.into(),
        };
        assert!(p("old-password", "new-password-1").check().is_ok());
        for (c, n, field, key) in [
            ("", "new-password-1", "current_password", "err.required"),
            ("old-password", "short", "new_password", "err.password_weak"),
            (
                "old-password",
                "old-password",
                "new_password",
                "err.password_same",
            ),
        ] {
            assert_eq!(
                field_error(p(c, n).check().unwrap_err()),
                (field.into(), key.into())
            );
        }
    }

    #[test]
    fn an_address_change_needs_the_password_and_a_real_address() {
        let e = |p: &str, m: &str| EmailChangeInput {
            password: p.into(),
            email: m.into(),
        };
        assert_eq!(
            e("pw", " New@Example.CN ").check().unwrap().as_str(),
            "new@example.cn"
        );
        assert_eq!(
            field_error(e("", "a@b.cn").check().unwrap_err()),
            ("password".into(), "err.required".into())
        );
        assert_eq!(
            field_error(e("pw", "not an address").check().unwrap_err()),
            ("email".into(), "err.email_invalid".into())
        );
    }
}
