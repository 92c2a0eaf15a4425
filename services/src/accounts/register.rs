//! Self-registration (consumers, merchants) and staff creation (admins).

use std::time::Duration;

use domain::{AppError, Email, Lang, Role, UserView, t, tf, user};
use entities::user as user_entity;
use sea_orm::{ActiveModelTrait, Set};

use super::{tokens, view};
use crate::db::{conflict_on_unique, internal_error};
use crate::{Services, mail};

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub password: String,
    pub display_name: String,
    pub role: String,
    pub lang: Lang,
}

/// Validates every field, reporting the first that is wrong.
fn validate(input: &NewUser) -> Result<(Email, Role), AppError> {
    let email = Email::parse(&input.email).ok_or_else(|| {
        if input.email.trim().is_empty() {
            AppError::invalid("email", "err.required")
        } else {
            AppError::invalid("email", "err.email_invalid")
        }
    })?;
    if !user::password_is_acceptable(&input.password) {
        return Err(AppError::invalid("password", "err.password_weak"));
    }
    if !user::display_name_is_acceptable(&input.display_name) {
        return Err(AppError::invalid("display_name", "err.name_invalid"));
    }
    let role =
        Role::parse(&input.role).ok_or_else(|| AppError::invalid("role", "err.role_unknown"))?;
    Ok((email, role))
}

/// A consumer or merchant signs up. Sends a verification link (via the outbox,
/// in the same transaction as the account).
pub async fn register(svc: &Services, input: NewUser, ip: &str) -> Result<UserView, AppError> {
    let limits = &svc.config.limits;
    let (email, role) = validate(&input)?;
    if role.is_staff() {
        return Err(AppError::invalid("role", "err.role_not_self"));
    }
    let hour = Duration::from_secs(3600);
    if !svc
        .limiter
        .allow(
            &format!("register-ip:{ip}"),
            limits.register_per_ip_per_hour,
            hour,
        )
        .await
        || !svc
            .limiter
            .allow(&format!("register-account:{email}"), 5, hour)
            .await
    {
        return Err(AppError::RateLimited);
    }
    insert(svc, &input, email, role, false, None).await
}

/// An admin (CLI or admin page) creates any account, staff included. The
/// address counts as verified when `verified` is set.
pub async fn create_user(
    svc: &Services,
    input: NewUser,
    verified: bool,
) -> Result<UserView, AppError> {
    let (email, role) = validate(&input)?;
    insert(svc, &input, email, role, verified, None).await
}

/// An admin creates an account (verified) from the admin page or the API;
/// the creation goes into the staff administration log.
pub async fn create_by_admin(
    svc: &Services,
    admin: &UserView,
    input: NewUser,
) -> Result<UserView, AppError> {
    if admin.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let (email, role) = validate(&input)?;
    insert(svc, &input, email, role, true, Some(admin.id)).await
}

async fn insert(
    svc: &Services,
    input: &NewUser,
    email: Email,
    role: Role,
    verified: bool,
    by_admin: Option<i32>,
) -> Result<UserView, AppError> {
    let hash = super::passwords::hash(input.password.clone()).await?;
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let created = user_entity::ActiveModel {
        email: Set(email.as_str().into()),
        password_hash: Set(hash),
        display_name: Set(input.display_name.trim().into()),
        role: Set(role.as_str().into()),
        lang: Set(input.lang.code().into()),
        email_verified_at: Set(verified.then_some(now)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(conflict_on_unique("email", "err.email_taken"))?;
    if !verified {
        queue_verification(svc, &txn, &created).await?;
    }
    if let Some(admin) = by_admin {
        super::admin::log_act(
            &txn,
            admin,
            created.id,
            super::admin::CREATED,
            None,
            Some(role.as_str()),
            "",
            now,
        )
        .await?;
    }
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    Ok(view(&created))
}

/// Writes a fresh verification token and its mail in `conn` (a transaction).
pub(super) async fn queue_verification<C: sea_orm::ConnectionTrait>(
    svc: &Services,
    conn: &C,
    u: &user_entity::Model,
) -> Result<(), AppError> {
    let now = svc.clock.now();
    let token = tokens::issue(conn, u.id, "verify", chrono::Duration::days(3), now).await?;
    let lang = Lang::parse(&u.lang).unwrap_or_default();
    let link = format!("{}/verify?token={token}", svc.config.public_url);
    let msg = mail::MailMessage {
        to: u.email.clone(),
        subject: t(lang, "mail.verify.subject").into(),
        body: tf(lang, "mail.verify.body", &[&u.display_name, &link]),
    };
    mail::enqueue(conn, &msg).await.map_err(internal_error)?;
    Ok(())
}
