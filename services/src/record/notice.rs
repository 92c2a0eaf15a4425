//! Telling people: the one writer of the in-app inbox (`notification`
//! rows) and of the mail that goes with a case notice, in each recipient's
//! language, written in the caller's transaction (the mail through the
//! outbox, so a crash loses neither).
//!
//! - [`case_step`]: the notices of a case step, to the audiences the rules
//!   name (`domain::cases::Notice`), skipping whoever acted;
//! - [`tell`]: one notice about a case to given people (inbox and mail);
//! - [`add`], [`add_for_role`]: an inbox entry outside any case step
//!   (verification, credit records, lists), without mail.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use domain::cases::{Audience, Case, Notice};
use domain::{AppError, Lang, Role, t, tf};
use entities::{case, merchant, notification, user};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

use crate::db::internal_error;
use crate::{Services, mail};

/// The ids of everyone with `role` whose account is active (a deactivated
/// staff member gets no notices or mail).
pub async fn role_members<C: ConnectionTrait>(conn: &C, role: Role) -> Result<Vec<i32>, AppError> {
    user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Role.eq(role.as_str()))
        .filter(user::Column::DeactivatedAt.is_null())
        .into_tuple()
        .all(conn)
        .await
        .map_err(internal_error)
}

/// Sends `notices` about case `c` (whose rule state is now `state`),
/// skipping `actor` (who knows what they did).
pub async fn case_step<C: ConnectionTrait>(
    svc: &Services,
    conn: &C,
    c: &case::Model,
    m: &merchant::Model,
    state: &Case,
    notices: &[Notice],
    actor: Option<i32>,
) -> Result<(), AppError> {
    let mut pairs: BTreeSet<(i32, &'static str)> = BTreeSet::new();
    for n in notices {
        let ids = match n.to {
            Audience::Consumer => {
                let mut v = vec![c.consumer_id];
                v.extend(super::member_ids(conn, c.id).await?);
                v
            }
            Audience::Merchant => super::merchant_accounts(conn, m).await?,
            Audience::Owner => state.owner.into_iter().collect(),
            Audience::Mediators => role_members(conn, Role::Mediator).await?,
            Audience::Arbitrators => role_members(conn, Role::Arbitrator).await?,
            Audience::FundAdmins => role_members(conn, Role::FundAdmin).await?,
        };
        for id in ids.into_iter().filter(|id| Some(*id) != actor) {
            pairs.insert((id, n.key));
        }
    }
    write(svc, conn, c, &pairs).await
}

/// An inbox entry `notice.<key>` about case `c`, and a mail, for each of
/// `ids`, in their language.
pub async fn tell<C: ConnectionTrait>(
    svc: &Services,
    conn: &C,
    c: &case::Model,
    ids: &[i32],
    key: &str,
) -> Result<(), AppError> {
    let pairs: BTreeSet<(i32, &str)> = ids.iter().map(|id| (*id, key)).collect();
    write(svc, conn, c, &pairs).await
}

/// The inbox rows and mails of (recipient, notice key) pairs about case `c`.
async fn write<C: ConnectionTrait>(
    svc: &Services,
    conn: &C,
    c: &case::Model,
    pairs: &BTreeSet<(i32, &str)>,
) -> Result<(), AppError> {
    if pairs.is_empty() {
        return Ok(());
    }
    let now = svc.clock.now();
    let users: HashMap<i32, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(pairs.iter().map(|(id, _)| *id)))
        .all(conn)
        .await
        .map_err(internal_error)?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    for (id, key) in pairs {
        let Some(u) = users.get(id) else { continue };
        add(conn, u.id, Some(c.id), key, now).await?;
        let lang = Lang::parse(&u.lang).unwrap_or_default();
        let what = t(lang, &format!("notice.{key}")).to_string();
        let link = format!("{}/cases/{}", svc.config.public_url, c.id);
        let msg = mail::MailMessage {
            to: u.email.clone(),
            subject: tf(lang, "mail.case.subject", &[&c.number, &what]),
            body: tf(
                lang,
                "mail.case.body",
                &[&u.display_name, &c.number, &c.title, &what, &link],
            ),
        };
        mail::enqueue(conn, &msg).await.map_err(internal_error)?;
    }
    Ok(())
}

/// Puts `key` (`notice.<key>`) in `user_id`'s inbox, about `case_id` if
/// any, in the caller's transaction.
pub async fn add<C: ConnectionTrait>(
    conn: &C,
    user_id: i32,
    case_id: Option<i32>,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    notification::Entity::insert(notification::ActiveModel {
        user_id: Set(user_id),
        case_id: Set(case_id),
        key: Set(key.into()),
        created_at: Set(now),
        read_at: Set(None),
        ..Default::default()
    })
    .exec_without_returning(conn)
    .await
    .map_err(internal_error)?;
    Ok(())
}

/// [`add`] for everyone with `role` (the regulators, say).
pub async fn add_for_role<C: ConnectionTrait>(
    conn: &C,
    role: Role,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for id in role_members(conn, role).await? {
        add(conn, id, None, key, now).await?;
    }
    Ok(())
}
