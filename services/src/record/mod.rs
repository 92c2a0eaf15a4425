//! The case record, beneath every feature that touches a case: `cases`
//! (filing, steps, the sweeper), `credit` (ratings, records), `fund`
//! (first compensation), `search` and the inbox use it; nothing here uses
//! them.
//!
//! - this module: loading a case row with its merchant, saving its rule
//!   state under the version guard, case numbers, who may read a case;
//! - [`trail`]: the hash-chained full-process trail (全程留痕);
//! - [`calendar`]: the working-day calendar deadlines count in;
//! - [`notice`]: the one writer of inbox entries and notice mail.

pub mod calendar;
pub mod notice;
pub mod trail;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::cases::{Actor, Case, ContestState, Party, Status};
use domain::{AppError, Role, UserView};
use entities::{case, case_member, merchant, merchant_staff};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::db::{internal_error, is_write_locked};

/// Case `case_id` and its merchant; 404 when there is no such case.
pub async fn load<C: ConnectionTrait>(
    conn: &C,
    case_id: i32,
) -> Result<(case::Model, merchant::Model), AppError> {
    let c = case::Entity::find_by_id(case_id)
        .one(conn)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    with_merchant(conn, c).await
}

/// [`load`], with the case row locked on PostgreSQL (`FOR UPDATE`) so that
/// writers of one case's side records (ratings) and their trail entries
/// come one at a time; SQLite's single writer (`db::begin`) does the same there.
pub async fn load_locked<C: ConnectionTrait>(
    conn: &C,
    case_id: i32,
) -> Result<(case::Model, merchant::Model), AppError> {
    let c = case::Entity::find_by_id(case_id)
        .lock_exclusive()
        .one(conn)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    with_merchant(conn, c).await
}

async fn with_merchant<C: ConnectionTrait>(
    conn: &C,
    c: case::Model,
) -> Result<(case::Model, merchant::Model), AppError> {
    let m = merchant::Entity::find_by_id(c.merchant_id)
        .one(conn)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    Ok((c, m))
}

/// The rule state stored with a case row.
pub fn state_of(c: &case::Model) -> Result<Case, AppError> {
    serde_json::from_str(&c.state).map_err(|e| {
        tracing::error!("case {} has an unreadable state: {e}", c.id);
        AppError::Internal
    })
}

/// Writes the new rule state if nobody changed the case since it was read;
/// 409 `err.case_changed` for the loser of a race. A published case's
/// change of status is announced (its merchant's page lists it while open,
/// search holds its public record once closed).
pub async fn save<C: ConnectionTrait>(
    conn: &C,
    old: &case::Model,
    new: &Case,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // Logged before the row is locked by the update: the change log's lock
    // is taken first wherever both are.
    let closed = Status::Closed.as_str();
    if old.publish_narrative
        && (old.status != new.status.as_str()
            || old.status == closed
            || new.status == Status::Closed)
    {
        crate::changes::case_changed(conn, old.id, now).await?;
    }
    let state = serde_json::to_string(new).map_err(|_| AppError::Internal)?;
    let res = case::Entity::update_many()
        .col_expr(case::Column::State, Expr::value(state))
        .col_expr(case::Column::Status, Expr::value(new.status.as_str()))
        .col_expr(case::Column::OwnerId, Expr::value(new.owner))
        .col_expr(
            case::Column::FirstCompensation,
            Expr::value(first_compensation_column(new)),
        )
        .col_expr(
            case::Column::NextDeadlineAt,
            Expr::value(new.next_deadline()),
        )
        .col_expr(
            case::Column::DecisionOverdueAt,
            Expr::value(new.decision_overdue_at),
        )
        .col_expr(case::Column::Version, Expr::value(old.version + 1))
        .col_expr(case::Column::UpdatedAt, Expr::value(now))
        .filter(case::Column::Id.eq(old.id))
        .filter(case::Column::Version.eq(old.version))
        .exec(conn)
        .await
        .map_err(|e| {
            if is_write_locked(&e) {
                AppError::conflict("case", "err.case_changed")
            } else {
                internal_error(e)
            }
        })?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict("case", "err.case_changed"));
    }
    Ok(())
}

/// The statuses of cases that are over (`Status::is_final`), as stored.
pub fn final_statuses() -> Vec<&'static str> {
    Status::ALL
        .iter()
        .filter(|s| s.is_final())
        .map(|s| s.as_str())
        .collect()
}

/// What the `first_compensation` column says: the application's state, or
/// `contested` while the merchant's contest of the recovery waits.
pub const FC_CONTESTED: &str = "contested";

fn first_compensation_column(c: &Case) -> Option<String> {
    c.first_compensation.as_ref().map(|fc| {
        if fc.contest == Some(ContestState::Pending) {
            FC_CONTESTED.to_string()
        } else {
            fc.state.as_str().to_string()
        }
    })
}

/// The public numbers of cases `ids` (GD…), by id.
pub async fn case_numbers<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, String>, AppError> {
    text_by_id::<case::Entity, _>(conn, case::Column::Id, case::Column::Number, ids).await
}

/// The names of merchants `ids`, by id.
pub async fn merchant_names<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, String>, AppError> {
    text_by_id::<merchant::Entity, _>(conn, merchant::Column::Id, merchant::Column::Name, ids).await
}

/// The display names of accounts `ids`, by id.
pub async fn user_names<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, String>, AppError> {
    use entities::user;
    text_by_id::<user::Entity, _>(conn, user::Column::Id, user::Column::DisplayName, ids).await
}

/// The display name and email of each of the users `ids` (the names the
/// public texts are scrubbed of; the case export's contact columns).
pub async fn names_and_emails<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, (String, String)>, sea_orm::DbErr> {
    Ok(entities::user::Entity::find()
        .select_only()
        .column(entities::user::Column::Id)
        .column(entities::user::Column::DisplayName)
        .column(entities::user::Column::Email)
        .filter(entities::user::Column::Id.is_in(ids))
        .into_tuple::<(i32, String, String)>()
        .all(conn)
        .await?
        .into_iter()
        .map(|(id, name, email)| (id, (name, email)))
        .collect())
}

/// The personal-data access log, newest first, at most `limit` lines:
/// every line, or only those about consumer `of` (their own reads).
pub async fn access_log<C: ConnectionTrait>(
    conn: &C,
    of: Option<i32>,
    limit: u64,
) -> Result<Vec<domain::cases::AccessView>, AppError> {
    use entities::pii_access;
    let mut find = pii_access::Entity::find();
    if let Some(consumer) = of {
        find = find.filter(pii_access::Column::ConsumerId.eq(consumer));
    }
    let rows = find
        .order_by_desc(pii_access::Column::Id)
        .limit(limit)
        .all(conn)
        .await
        .map_err(internal_error)?;
    let names = user_names(conn, rows.iter().map(|r| r.staff_id)).await?;
    let numbers = case_numbers(conn, rows.iter().map(|r| r.case_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| domain::cases::AccessView {
            id: r.id,
            staff_name: names.get(&r.staff_id).cloned().unwrap_or_default(),
            staff_id: r.staff_id,
            staff_role: r.staff_role,
            case_number: numbers.get(&r.case_id).cloned().unwrap_or_default(),
            case_id: r.case_id,
            fields: r.fields,
            reason: r.reason,
            at: r.at,
        })
        .collect())
}

/// One text column of the rows `ids` of `E`, by id (one query).
async fn text_by_id<E: EntityTrait, C: ConnectionTrait>(
    conn: &C,
    id: E::Column,
    text: E::Column,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, String>, AppError> {
    Ok(E::find()
        .select_only()
        .column(id)
        .column(text)
        .filter(id.is_in(ids))
        .into_tuple::<(i32, String)>()
        .all(conn)
        .await
        .map_err(internal_error)?
        .into_iter()
        .collect())
}

/// Who reads the case's internal trail entries (`trail::INTERNAL`): staff,
/// and the case's own consumer.
pub fn reads_internal(viewer: &UserView, c: &case::Model) -> bool {
    is_case_staff(viewer.role) || (viewer.role == Role::Consumer && viewer.id == c.consumer_id)
}

/// May `viewer` read trail entry `e` of case `c`? Staff read every entry;
/// the case's own consumer reads the internal entries about them
/// (screening), but never staff's internal notes
/// (`domain::cases::NOTE_TOPIC`); everyone else reads no internal entry.
/// Whoever may not gets the entry withheld: left out of the trail view,
/// its body replaced by its salted commitment in the bundle (so the chain
/// still verifies, there and server-side over all entries).
pub fn reads_entry(viewer: &UserView, c: &case::Model, e: &entities::case_trail::Model) -> bool {
    if e.kind != trail::INTERNAL || is_case_staff(viewer.role) {
        return true;
    }
    reads_internal(viewer, c) && !is_staff_note(&e.body)
}

/// Is this internal entry's body a staff note?
pub fn is_staff_note(body: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(body)
        .map(|v| v["topic"] == domain::cases::NOTE_TOPIC)
        // An unreadable internal body is withheld rather than shown.
        .unwrap_or(true)
}

/// Staff who may read every case.
pub fn is_case_staff(role: Role) -> bool {
    matches!(
        role,
        Role::Mediator | Role::Arbitrator | Role::Regulator | Role::FundAdmin | Role::Admin
    )
}

/// Who `user` is on this case, if anyone who may act. Every account that
/// answers for the merchant ([`answers_for`]) acts as the merchant; the
/// trail keeps which one it was.
pub async fn actor_for<C: ConnectionTrait>(
    conn: &C,
    user: &UserView,
    c: &case::Model,
    m: &merchant::Model,
) -> Result<Option<Actor>, AppError> {
    Ok(match user.role {
        Role::Consumer if c.consumer_id == user.id => Some(Actor::Party(Party::Consumer)),
        Role::Merchant if answers_for(conn, user, m).await? => Some(Actor::Party(Party::Merchant)),
        Role::Mediator => Some(Actor::Mediator(user.id)),
        Role::Arbitrator => Some(Actor::Arbitrator(user.id)),
        Role::FundAdmin => Some(Actor::FundAdmin(user.id)),
        _ => None,
    })
}

/// Does `user` answer for merchant `m`: its main account (the one that
/// registered it, `merchant.account_id`), or a member of its staff now
/// (商户员工账户, `merchant_staff`)?
pub async fn answers_for<C: ConnectionTrait>(
    conn: &C,
    user: &UserView,
    m: &merchant::Model,
) -> Result<bool, AppError> {
    if user.role != Role::Merchant {
        return Ok(false);
    }
    if m.account_id == Some(user.id) {
        return Ok(true);
    }
    Ok(merchant_staff::Entity::find()
        .filter(merchant_staff::Column::MerchantId.eq(m.id))
        .filter(merchant_staff::Column::UserId.eq(user.id))
        .filter(merchant_staff::Column::RemovedAt.is_null())
        .one(conn)
        .await
        .map_err(internal_error)?
        .is_some())
}

/// The businesses `user_id` answers for: the one it is the main account of,
/// or the one whose staff it is on (at most one each).
pub async fn merchants_of<C: ConnectionTrait>(
    conn: &C,
    user_id: i32,
) -> Result<Vec<i32>, AppError> {
    let mut ids: Vec<i32> = merchant::Entity::find()
        .select_only()
        .column(merchant::Column::Id)
        .filter(merchant::Column::AccountId.eq(user_id))
        .into_tuple()
        .all(conn)
        .await
        .map_err(internal_error)?;
    let staff: Vec<i32> = merchant_staff::Entity::find()
        .select_only()
        .column(merchant_staff::Column::MerchantId)
        .filter(merchant_staff::Column::UserId.eq(user_id))
        .filter(merchant_staff::Column::RemovedAt.is_null())
        .into_tuple()
        .all(conn)
        .await
        .map_err(internal_error)?;
    ids.extend(staff);
    Ok(ids)
}

/// Every account that answers for `m`: the main account, then its staff
/// in the order they joined (who the merchant's notices go to).
pub async fn merchant_accounts<C: ConnectionTrait>(
    conn: &C,
    m: &merchant::Model,
) -> Result<Vec<i32>, AppError> {
    let staff: Vec<i32> = merchant_staff::Entity::find()
        .select_only()
        .column(merchant_staff::Column::UserId)
        .filter(merchant_staff::Column::MerchantId.eq(m.id))
        .filter(merchant_staff::Column::RemovedAt.is_null())
        .order_by_asc(merchant_staff::Column::Id)
        .into_tuple()
        .all(conn)
        .await
        .map_err(internal_error)?;
    Ok(m.account_id.into_iter().chain(staff).collect())
}

/// May `user` read this case? Its parties (the filing consumer, consumers who
/// joined it, the merchant's account) and staff may; for anyone else it does
/// not exist.
pub async fn may_read<C: ConnectionTrait>(
    conn: &C,
    user: &UserView,
    c: &case::Model,
    m: &merchant::Model,
) -> Result<bool, AppError> {
    Ok(is_case_staff(user.role)
        || (user.role == Role::Consumer
            && (c.consumer_id == user.id || is_member(conn, c.id, user.id).await?))
        || answers_for(conn, user, m).await?)
}

/// The case and its merchant if `user` may read it; 404 (it does not exist
/// for them) otherwise.
pub async fn load_readable<C: ConnectionTrait>(
    conn: &C,
    user: &UserView,
    case_id: i32,
) -> Result<(case::Model, merchant::Model), AppError> {
    let (c, m) = load(conn, case_id).await?;
    if !may_read(conn, user, &c, &m).await? {
        return Err(AppError::NotFound);
    }
    Ok((c, m))
}

/// Has `user_id` joined case `case_id` (集体投诉)?
pub async fn is_member<C: ConnectionTrait>(
    conn: &C,
    case_id: i32,
    user_id: i32,
) -> Result<bool, AppError> {
    Ok(case_member::Entity::find_by_id((case_id, user_id))
        .one(conn)
        .await
        .map_err(internal_error)?
        .is_some())
}

/// The consumers who joined case `case_id`.
pub async fn member_ids<C: ConnectionTrait>(conn: &C, case_id: i32) -> Result<Vec<i32>, AppError> {
    case_member::Entity::find()
        .select_only()
        .column(case_member::Column::ConsumerId)
        .filter(case_member::Column::CaseId.eq(case_id))
        .into_tuple()
        .all(conn)
        .await
        .map_err(internal_error)
}
