//! Telling people: an inbox entry and a mail (via the outbox) per recipient,
//! in the recipient's language, written in the caller's transaction.

use std::collections::BTreeSet;

use domain::cases::{Audience, Case, Notice};
use domain::{AppError, Lang, Role, t, tf};
use entities::{case, merchant, notification, user};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

use crate::accounts::internal_error;
use crate::{Services, mail};

async fn role_members<C: ConnectionTrait>(conn: &C, role: Role) -> Result<Vec<i32>, AppError> {
    user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Role.eq(role.as_str()))
        .into_tuple()
        .all(conn)
        .await
        .map_err(internal_error)
}

/// Sends `notices` about case `c` (whose rule state is now `state`),
/// skipping `actor` (who knows what they did).
pub(crate) async fn send<C: ConnectionTrait>(
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
                v.extend(super::collective::member_ids(conn, c.id).await?);
                v
            }
            Audience::Merchant => m.account_id.into_iter().collect(),
            Audience::Owner => state.owner.into_iter().collect(),
            Audience::Mediators => role_members(conn, Role::Mediator).await?,
            Audience::Arbitrators => role_members(conn, Role::Arbitrator).await?,
            Audience::FundAdmins => role_members(conn, Role::FundAdmin).await?,
        };
        for id in ids.into_iter().filter(|id| Some(*id) != actor) {
            pairs.insert((id, n.key));
        }
    }
    if pairs.is_empty() {
        return Ok(());
    }
    let now = svc.clock.now();
    let ids: Vec<i32> = pairs.iter().map(|(id, _)| *id).collect();
    let users: std::collections::HashMap<i32, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(conn)
        .await
        .map_err(internal_error)?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    for (id, key) in pairs {
        let Some(u) = users.get(&id) else { continue };
        notification::Entity::insert(notification::ActiveModel {
            user_id: Set(id),
            case_id: Set(Some(c.id)),
            key: Set(key.into()),
            created_at: Set(now),
            read_at: Set(None),
            ..Default::default()
        })
        .exec_without_returning(conn)
        .await
        .map_err(internal_error)?;
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
