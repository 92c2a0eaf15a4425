//! Password reset by mailed link.

use domain::{AppError, Email, Lang, t, tf, user as rules};
use entities::session;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

use super::{find_by_email, tokens};
use crate::db::internal_error;
use crate::{Services, mail};

/// Always succeeds for a well-formed address, whether or not it has an
/// account, so the answer does not reveal who is registered.
pub async fn request_password_reset(svc: &Services, email: &str, ip: &str) -> Result<(), AppError> {
    let email =
        Email::parse(email).ok_or_else(|| AppError::invalid("email", "err.email_invalid"))?;
    let hour = std::time::Duration::from_secs(3600);
    if !svc.limiter.allow(&format!("reset-ip:{ip}"), 10, hour).await
        || !svc
            .limiter
            .allow(&format!("reset-account:{email}"), 3, hour)
            .await
    {
        return Err(AppError::RateLimited);
    }
    let Some(u) = find_by_email(svc, email.as_str()).await? else {
        return Ok(());
    };
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let token = tokens::issue(&txn, u.id, "reset", chrono::Duration::hours(1), now).await?;
    let lang = Lang::parse(&u.lang).unwrap_or_default();
    let link = format!("{}/reset?token={token}", svc.config.public_url);
    let msg = mail::MailMessage {
        to: u.email.clone(),
        subject: t(lang, "mail.reset.subject").into(),
        body: tf(lang, "mail.reset.body", &[&u.display_name, &link]),
    };
    mail::enqueue(&txn, &msg).await.map_err(internal_error)?;
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    Ok(())
}

/// Sets a new password and signs the account out everywhere. A reset link
/// also proves the address, so it counts as verified.
pub async fn reset_password(
    svc: &Services,
    token: &str,
    new_password: &str,
) -> Result<(), AppError> {
    if !rules::password_is_acceptable(new_password) {
        return Err(AppError::invalid("password", "err.password_weak"));
    }
    let hash = super::passwords::hash(new_password.to_string()).await?;
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let u = super::verify::consume(svc, &txn, token, "reset").await?;
    let id = u.id;
    let verified = u.email_verified_at;
    let mut am = u.into_active_model();
    am.password_hash = Set(hash);
    if verified.is_none() {
        am.email_verified_at = Set(Some(svc.clock.now()));
    }
    am.update(&txn).await.map_err(internal_error)?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(id))
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    txn.commit().await.map_err(internal_error)?;
    Ok(())
}
