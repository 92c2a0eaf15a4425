//! Platforms as participants: organisations (e-commerce platforms, public
//! credit platforms) an admin creates, their scoped API keys (shown once,
//! stored as a hash, revocable, rate-limited, every call logged), the bulk
//! intake of an e-commerce platform's complaints and the cases it reads back.

pub mod cases;
pub mod intake;
pub mod keys;
pub mod organisations;
pub mod webhooks;

use domain::platforms::{OrgKind, Scope};
use domain::{AppError, Role, UserView};

/// An organisation calling with one of its keys (never a user).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgCaller {
    pub key_id: i32,
    pub organisation_id: i32,
    pub kind: OrgKind,
    pub name: String,
    pub scopes: Vec<Scope>,
}

impl OrgCaller {
    /// 403 unless the key holds `scope`.
    pub fn require(&self, scope: Scope) -> Result<(), AppError> {
        if self.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

fn require_admin(admin: &UserView) -> Result<(), AppError> {
    if admin.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
