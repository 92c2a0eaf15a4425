//! Accounts: registration, email verification, sign-in, sessions, password
//! reset, the holder's own settings (`own`) and staff administration (`admin`).

pub mod admin;
pub mod cookies;
pub mod identity;
pub(crate) mod invite;
pub mod own;
pub(crate) mod passwords;
pub mod register;
pub mod reset;
pub mod sessions;
pub(crate) mod tokens;
pub mod verify;

use domain::{AppError, Lang, Role, UserView};
use entities::user;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

pub use register::{NewUser, create_by_admin, create_user, register};
pub use reset::{request_password_reset, reset_password};
pub use sessions::{SESSION_DAYS, login, logout, user_for_token};
pub use verify::{resend_verification, verify_email};

use crate::Services;
use crate::db::internal_error;

/// Turns a database row into what callers may see.
pub fn view(u: &user::Model) -> UserView {
    UserView {
        id: u.id,
        email: u.email.clone(),
        display_name: u.display_name.clone(),
        role: Role::parse(&u.role).unwrap_or(Role::Consumer),
        lang: Lang::parse(&u.lang).unwrap_or_default(),
        email_verified: u.email_verified_at.is_some(),
    }
}

pub async fn find_by_email(svc: &Services, email: &str) -> Result<Option<user::Model>, AppError> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&svc.db)
        .await
        .map_err(internal_error)
}

pub async fn find_by_id(svc: &Services, id: i32) -> Result<Option<UserView>, AppError> {
    Ok(user::Entity::find_by_id(id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .as_ref()
        .map(view))
}

/// Remembers the account's language (for its mail).
pub async fn set_lang(svc: &Services, user_id: i32, lang: Lang) -> Result<(), AppError> {
    use sea_orm::sea_query::Expr;
    user::Entity::update_many()
        .col_expr(user::Column::Lang, Expr::value(lang.code()))
        .filter(user::Column::Id.eq(user_id))
        .exec(&svc.db)
        .await
        .map_err(internal_error)?;
    Ok(())
}
