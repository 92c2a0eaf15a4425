//! What an account holder does to their own account while signed in:
//! change the password (other sessions end), change the e-mail address
//! (the new address confirms by a mailed link; the old one is told), see
//! who read their personal data, and delete the account.
//!
//! Deleting pseudonymises: the name becomes [`DELETED_NAME`], the address a
//! placeholder, the password unusable, the real-name identity, sessions,
//! tokens and notifications are erased; the row stays so that the cases the
//! consumer filed keep their record (the retention rule in the README).

use domain::accounts::{
    DELETED_NAME, DeleteAccountInput, EmailChangeInput, PasswordChangeInput, PendingEmail,
};
use domain::cases::AccessView;
use domain::{AppError, Email, Lang, Role, UserView, t, tf};
use entities::{
    case, case_member, consumer_identity, email_token, filing_draft, filing_draft_file,
    notification, session, user,
};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::{passwords, tokens, view};
use crate::db::{conflict_on_unique, internal_error};
use crate::{Services, mail};

/// Purpose of the mailed token that confirms a new address (the column
/// holds 10 characters).
const EMAIL_CHANGE: &str = "new_email";

async fn load(svc: &Services, id: i32) -> Result<user::Model, AppError> {
    user::Entity::find_by_id(id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .filter(|u| u.deleted_at.is_none())
        .ok_or(AppError::NotFound)
}

/// Checks the account's password before a sensitive change, at most 5 tries
/// in 15 minutes; a wrong one is named on `field`.
async fn check_password(
    svc: &Services,
    u: &user::Model,
    password: &str,
    field: &str,
) -> Result<(), AppError> {
    if !svc
        .limiter
        .allow(
            &format!("password-check:{}", u.id),
            5,
            std::time::Duration::from_secs(15 * 60),
        )
        .await
    {
        return Err(AppError::RateLimited);
    }
    if passwords::verify(password.to_string(), Some(u.password_hash.clone())).await {
        Ok(())
    } else {
        Err(AppError::invalid(field, "err.password_wrong"))
    }
}

/// Sets a new password; every other session of the account ends, the one
/// with `keep_token` (the caller's) stays.
pub async fn change_password(
    svc: &Services,
    me: &UserView,
    keep_token: Option<&str>,
    input: &PasswordChangeInput,
) -> Result<(), AppError> {
    input.check()?;
    let u = load(svc, me.id).await?;
    check_password(svc, &u, &input.current_password, "current_password").await?;
    let hash = passwords::hash(input.new_password.clone()).await?;
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .filter(user::Column::Id.eq(me.id))
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    let mut others = session::Entity::delete_many().filter(session::Column::UserId.eq(me.id));
    if let Some(t) = keep_token {
        others = others.filter(session::Column::TokenHash.ne(tokens::hash_token(t)));
    }
    others.exec(&txn).await.map_err(internal_error)?;
    let lang = Lang::parse(&u.lang).unwrap_or_default();
    mail::enqueue(
        &txn,
        &mail::MailMessage {
            to: u.email.clone(),
            subject: t(lang, "mail.password_changed.subject").into(),
            body: tf(lang, "mail.password_changed.body", &[&u.display_name]),
        },
    )
    .await
    .map_err(internal_error)?;
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    Ok(())
}

/// Asks for a new address: a confirmation link goes to it (valid 24 hours),
/// and the current address is told. Nothing changes until the link is used.
pub async fn request_email_change(
    svc: &Services,
    me: &UserView,
    input: &EmailChangeInput,
) -> Result<PendingEmail, AppError> {
    let email = input.check()?;
    let u = load(svc, me.id).await?;
    check_password(svc, &u, &input.password, "password").await?;
    if email.as_str() == u.email {
        return Err(AppError::invalid("email", "err.email_same"));
    }
    if super::find_by_email(svc, email.as_str()).await?.is_some() {
        return Err(AppError::conflict("email", "err.email_taken"));
    }
    let now = svc.clock.now();
    let lang = Lang::parse(&u.lang).unwrap_or_default();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    user::Entity::update_many()
        .col_expr(user::Column::PendingEmail, Expr::value(email.as_str()))
        .filter(user::Column::Id.eq(me.id))
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    let token = tokens::issue(&txn, u.id, EMAIL_CHANGE, chrono::Duration::hours(24), now).await?;
    let link = format!("{}/account/email?token={token}", svc.config.public_url);
    for msg in [
        mail::MailMessage {
            to: email.to_string(),
            subject: t(lang, "mail.email_change.subject").into(),
            body: tf(lang, "mail.email_change.body", &[&u.display_name, &link]),
        },
        mail::MailMessage {
            to: u.email.clone(),
            subject: t(lang, "mail.email_change_old.subject").into(),
            body: tf(
                lang,
                "mail.email_change_old.body",
                &[&u.display_name, email.as_str()],
            ),
        },
    ] {
        mail::enqueue(&txn, &msg).await.map_err(internal_error)?;
    }
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    Ok(PendingEmail {
        pending_email: email.to_string(),
    })
}

/// Uses the link mailed to the new address: the account's address becomes
/// it (and counts as verified). The link works signed out too.
pub async fn confirm_email_change(svc: &Services, token: &str) -> Result<UserView, AppError> {
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let u = super::verify::consume(svc, &txn, token, EMAIL_CHANGE).await?;
    let pending = u
        .pending_email
        .clone()
        .filter(|_| u.deleted_at.is_none())
        .and_then(|p| Email::parse(&p))
        .ok_or_else(|| AppError::invalid("token", "err.token_invalid"))?;
    user::Entity::update_many()
        .col_expr(user::Column::Email, Expr::value(pending.as_str()))
        .col_expr(user::Column::PendingEmail, Expr::value(None::<String>))
        .col_expr(
            user::Column::EmailVerifiedAt,
            Expr::value(Some(svc.clock.now())),
        )
        .filter(user::Column::Id.eq(u.id))
        .exec(&txn)
        .await
        .map_err(conflict_on_unique("email", "err.email_taken"))?;
    let u = user::Entity::find_by_id(u.id)
        .one(&txn)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    txn.commit().await.map_err(internal_error)?;
    Ok(view(&u))
}

/// Every read of this account holder's personal data by staff, newest first.
pub async fn access_log(svc: &Services, me: &UserView) -> Result<Vec<AccessView>, AppError> {
    crate::record::access_log(&svc.db, Some(me.id), 500).await
}

/// Deletes the caller's own account (consumers, and merchant accounts not
/// linked to a business). Refused while a case of theirs is still open.
pub async fn delete_account(
    svc: &Services,
    me: &UserView,
    input: &DeleteAccountInput,
) -> Result<(), AppError> {
    if me.role.is_staff() {
        return Err(AppError::Forbidden);
    }
    if input.password.is_empty() {
        return Err(AppError::invalid("password", "err.required"));
    }
    let u = load(svc, me.id).await?;
    check_password(svc, &u, &input.password, "password").await?;
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    if me.role == Role::Merchant {
        // The main account of a business, or on a business's staff (leave
        // the team first).
        if !crate::record::merchants_of(&txn, me.id).await?.is_empty() {
            return Err(AppError::conflict("account", "err.account.linked_business"));
        }
    }
    let finals = crate::record::final_statuses();
    let filed = case::Entity::find()
        .filter(case::Column::ConsumerId.eq(me.id))
        .filter(case::Column::Status.is_not_in(finals.clone()))
        .count(&txn)
        .await
        .map_err(internal_error)?;
    let open_ids = Query::select()
        .column(case::Column::Id)
        .from(case::Entity)
        .and_where(case::Column::Status.is_not_in(finals))
        .to_owned();
    let joined = case_member::Entity::find()
        .filter(case_member::Column::ConsumerId.eq(me.id))
        .filter(case_member::Column::CaseId.in_subquery(open_ids))
        .count(&txn)
        .await
        .map_err(internal_error)?;
    if filed + joined > 0 {
        return Err(AppError::conflict("account", "err.account.open_cases"));
    }
    let lang = Lang::parse(&u.lang).unwrap_or_default();
    mail::enqueue(
        &txn,
        &mail::MailMessage {
            to: u.email.clone(),
            subject: t(lang, "mail.account_deleted.subject").into(),
            body: tf(lang, "mail.account_deleted.body", &[&u.display_name]),
        },
    )
    .await
    .map_err(internal_error)?;
    user::Entity::update_many()
        .col_expr(
            user::Column::Email,
            Expr::value(format!("deleted-{}@deleted.gongdao.invalid", me.id)),
        )
        .col_expr(user::Column::DisplayName, Expr::value(DELETED_NAME))
        // Not a hash any password can match.
        .col_expr(user::Column::PasswordHash, Expr::value("!deleted"))
        .col_expr(user::Column::PendingEmail, Expr::value(None::<String>))
        .col_expr(user::Column::DeletedAt, Expr::value(Some(now)))
        .col_expr(user::Column::DeactivatedAt, Expr::value(Some(now)))
        .filter(user::Column::Id.eq(me.id))
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(me.id))
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    email_token::Entity::delete_many()
        .filter(email_token::Column::UserId.eq(me.id))
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    notification::Entity::delete_many()
        .filter(notification::Column::UserId.eq(me.id))
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    consumer_identity::Entity::delete_by_id(me.id)
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    // A filing draft holds what was typed and the files added: it goes too.
    let drafts = filing_draft::Entity::find()
        .filter(filing_draft::Column::ConsumerId.eq(me.id))
        .all(&txn)
        .await
        .map_err(internal_error)?;
    let mut draft_files = vec![];
    for d in drafts {
        draft_files.extend(
            filing_draft_file::Entity::find()
                .filter(filing_draft_file::Column::DraftId.eq(d.id))
                .all(&txn)
                .await
                .map_err(internal_error)?
                .into_iter()
                .map(|f| f.sha256),
        );
        filing_draft_file::Entity::delete_many()
            .filter(filing_draft_file::Column::DraftId.eq(d.id))
            .exec(&txn)
            .await
            .map_err(internal_error)?;
        filing_draft::Entity::delete_by_id(d.id)
            .exec(&txn)
            .await
            .map_err(internal_error)?;
    }
    txn.commit().await.map_err(internal_error)?;
    crate::blobs::discard(svc, &draft_files).await;
    svc.outbox_wake.notify_one();
    Ok(())
}
