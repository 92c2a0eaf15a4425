//! Consumers a platform's complaint brings in: an account made for the
//! address the platform gave, unverified and with no usable password, and
//! the invitation to set one (a reset link valid a week, via the outbox).

use chrono::{DateTime, Utc};
use domain::{AppError, Email, Lang, Role, t, tf};
use entities::user;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::tokens;
use crate::db::{conflict_on_unique, internal_error};
use crate::{Services, mail};

/// Never a password hash (not PHC), so no password signs in until the
/// holder sets one through the invitation.
const NO_PASSWORD: &str = "!invited";

/// The account with this address, if any.
pub(crate) async fn find<C: ConnectionTrait>(
    conn: &C,
    email: &Email,
) -> Result<Option<user::Model>, AppError> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(conn)
        .await
        .map_err(internal_error)
}

/// A consumer account for `email`, unverified, without a password.
pub(crate) async fn create<C: ConnectionTrait>(
    conn: &C,
    email: &Email,
    name: &str,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<user::Model, AppError> {
    user::ActiveModel {
        email: Set(email.as_str().into()),
        password_hash: Set(NO_PASSWORD.into()),
        display_name: Set(name.trim().into()),
        role: Set(Role::Consumer.as_str().into()),
        lang: Set(lang.code().into()),
        email_verified_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map_err(conflict_on_unique("consumer.email", "err.email_taken"))
}

/// The invitation: `platform` sent complaint `case_number` in for them; the
/// link sets a password (and so proves the address) and leads to the case.
pub(crate) async fn queue_invitation<C: ConnectionTrait>(
    svc: &Services,
    conn: &C,
    u: &user::Model,
    platform: &str,
    case_number: &str,
) -> Result<(), AppError> {
    let now = svc.clock.now();
    let token = tokens::issue(conn, u.id, "reset", chrono::Duration::days(7), now).await?;
    let lang = Lang::parse(&u.lang).unwrap_or_default();
    let link = format!("{}/reset?token={token}", svc.config.public_url);
    let msg = mail::MailMessage {
        to: u.email.clone(),
        subject: t(lang, "mail.invite.subject").into(),
        body: tf(
            lang,
            "mail.invite.body",
            &[&u.display_name, platform, case_number, &link],
        ),
    };
    mail::enqueue(conn, &msg).await.map_err(internal_error)
}
