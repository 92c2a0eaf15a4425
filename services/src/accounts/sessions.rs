//! Sign-in, sign-out and looking up who a session token belongs to. The same
//! token works as the `gongdao_session` cookie and as `Authorization: Bearer`.

use std::time::Duration;

use domain::{AppError, Email, UserView};
use entities::{session, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::{find_by_email, passwords, tokens, view};
use crate::Services;
use crate::db::internal_error;

pub const SESSION_DAYS: i64 = 30;

/// The per-account ceiling across addresses, as a multiple of the
/// per-account-and-address limit.
pub const ACCOUNT_CEILING_FACTOR: u32 = 10;

/// Checks the password and opens a session. Wrong email and wrong password get
/// the same answer. Limited per IP, per account and address, and per account.
pub async fn login(
    svc: &Services,
    email: &str,
    password: &str,
    ip: &str,
) -> Result<(UserView, String), AppError> {
    let limits = &svc.config.limits;
    let failed = || AppError::unauthorized("err.login_failed");
    let normalized = Email::parse(email)
        .map(|e| e.to_string())
        .unwrap_or_else(|| email.trim().to_lowercase());
    if !svc
        .limiter
        .allow(
            &format!("login-ip:{ip}"),
            limits.login_per_ip_per_minute,
            Duration::from_secs(60),
        )
        .await
        // Per account *and* address: someone guessing from their own address
        // locks only that address out, never the owner signing in from theirs.
        || !svc
            .limiter
            .allow(
                &format!("login-account:{normalized}:{ip}"),
                limits.login_per_account_per_15_minutes,
                Duration::from_secs(15 * 60),
            )
            .await
        // And a ceiling per account across addresses against guessing spread
        // over many (ten times the per-address limit).
        || !svc
            .limiter
            .allow(
                &format!("login-account:{normalized}"),
                limits
                    .login_per_account_per_15_minutes
                    .saturating_mul(ACCOUNT_CEILING_FACTOR),
                Duration::from_secs(15 * 60),
            )
            .await
    {
        return Err(AppError::RateLimited);
    }
    let found = find_by_email(svc, &normalized).await?;
    let ok = passwords::verify(
        password.to_string(),
        found.as_ref().map(|u| u.password_hash.clone()),
    )
    .await;
    let u = match (ok, found) {
        (true, Some(u)) => u,
        _ => return Err(failed()),
    };
    // Told only to whoever knows the password.
    if u.deactivated_at.is_some() {
        return Err(AppError::unauthorized("err.account.deactivated"));
    }
    let token = tokens::new_token();
    let now = svc.clock.now();
    session::ActiveModel {
        token_hash: Set(tokens::hash_token(&token)),
        user_id: Set(u.id),
        created_at: Set(now),
        expires_at: Set(now + chrono::Duration::days(SESSION_DAYS)),
    }
    .insert(&svc.db)
    .await
    .map_err(internal_error)?;
    Ok((view(&u), token))
}

pub async fn logout(svc: &Services, token: &str) -> Result<(), AppError> {
    session::Entity::delete_by_id(tokens::hash_token(token))
        .exec(&svc.db)
        .await
        .map_err(internal_error)?;
    Ok(())
}

/// The user a live session token belongs to.
pub async fn user_for_token(svc: &Services, token: &str) -> Result<Option<UserView>, AppError> {
    let now = svc.clock.now();
    let found = session::Entity::find_by_id(tokens::hash_token(token))
        .filter(session::Column::ExpiresAt.gt(now))
        .one(&svc.db)
        .await
        .map_err(internal_error)?;
    let Some(s) = found else { return Ok(None) };
    Ok(user::Entity::find_by_id(s.user_id)
        .filter(user::Column::DeactivatedAt.is_null())
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .as_ref()
        .map(view))
}
