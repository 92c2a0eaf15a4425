//! Email verification links.

use domain::{AppError, UserView};
use entities::{email_token, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

use super::{tokens, view};
use crate::Services;
use crate::db::internal_error;

/// Uses a mailed token of `purpose` once: returns its user, or an error when
/// the token is unknown, used or expired. Call inside the transaction that
/// acts on it, so a failure leaves the token usable.
pub(super) async fn consume<C: sea_orm::ConnectionTrait>(
    svc: &Services,
    conn: &C,
    token: &str,
    purpose: &str,
) -> Result<user::Model, AppError> {
    let invalid = || AppError::invalid("token", "err.token_invalid");
    let now = svc.clock.now();
    let row = email_token::Entity::find_by_id(tokens::hash_token(token.trim()))
        .filter(email_token::Column::Purpose.eq(purpose))
        .one(conn)
        .await
        .map_err(internal_error)?
        .ok_or_else(invalid)?;
    if row.used_at.is_some() || row.expires_at <= now {
        return Err(invalid());
    }
    // Guarded: two clicks at once cannot both use the token.
    let res = email_token::Entity::update_many()
        .col_expr(
            email_token::Column::UsedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(email_token::Column::TokenHash.eq(row.token_hash.clone()))
        .filter(email_token::Column::UsedAt.is_null())
        .exec(conn)
        .await
        .map_err(internal_error)?;
    if res.rows_affected != 1 {
        return Err(invalid());
    }
    user::Entity::find_by_id(row.user_id)
        .one(conn)
        .await
        .map_err(internal_error)?
        .ok_or_else(invalid)
}

pub async fn verify_email(svc: &Services, token: &str) -> Result<UserView, AppError> {
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let u = consume(svc, &txn, token, "verify").await?;
    let u = if u.email_verified_at.is_none() {
        let mut am = u.into_active_model();
        am.email_verified_at = Set(Some(svc.clock.now()));
        am.update(&txn).await.map_err(internal_error)?
    } else {
        u
    };
    txn.commit().await.map_err(internal_error)?;
    Ok(view(&u))
}

/// Sends a new verification link to a signed-in, unverified user.
pub async fn resend_verification(svc: &Services, user_id: i32) -> Result<(), AppError> {
    if !svc
        .limiter
        .allow(
            &format!("resend:{user_id}"),
            3,
            std::time::Duration::from_secs(3600),
        )
        .await
    {
        return Err(AppError::RateLimited);
    }
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let u = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    if u.email_verified_at.is_none() {
        super::register::queue_verification(svc, &txn, &u).await?;
    }
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    Ok(())
}
