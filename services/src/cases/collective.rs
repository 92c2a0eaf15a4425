//! Collective complaints (集体投诉): other consumers with the same problem
//! join an open case ("me too") with their own order; the merchant answers
//! the case once, and whatever it settles or is awarded applies to each
//! member's own order. A case can be joined while it is before a decision and
//! its consumer agreed to publish the narrative (so strangers may read it).

use domain::cases::{Audience, CaseView, Notice, Order, OrderInput, Status};
use domain::{AppError, Role, UserView};
use entities::{case, case_member};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

pub use domain::cases::OpenComplaint;

use super::get_case;
use crate::Services;
use crate::db::{conflict_on_unique, internal_error};
use crate::record::{self, notice, state_of, trail};

/// Statuses in which a case accepts new members.
pub fn joinable(status: Status) -> bool {
    matches!(
        status,
        Status::AwaitingMerchant | Status::Negotiating | Status::InMediation
    )
}

/// (members, their total claimed fen).
pub async fn totals<C: ConnectionTrait>(conn: &C, case_id: i32) -> Result<(u64, i64), AppError> {
    let rows = case_member::Entity::find()
        .filter(case_member::Column::CaseId.eq(case_id))
        .all(conn)
        .await
        .map_err(internal_error)?;
    Ok((
        rows.len() as u64,
        rows.iter().map(|r| r.amount_claimed_fen).sum(),
    ))
}

/// The complaints against `merchant_id` that others may join.
pub async fn open_complaints(
    svc: &Services,
    merchant_id: i32,
) -> Result<Vec<OpenComplaint>, AppError> {
    let rows = case::Entity::find()
        .filter(case::Column::MerchantId.eq(merchant_id))
        .filter(case::Column::PublishNarrative.eq(true))
        .filter(
            case::Column::Status.is_in(
                Status::ALL
                    .iter()
                    .filter(|s| joinable(**s))
                    .map(|s| s.as_str()),
            ),
        )
        .order_by_desc(case::Column::Id)
        .limit(50)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    if rows.is_empty()
        && entities::merchant::Entity::find_by_id(merchant_id)
            .one(&svc.db)
            .await
            .map_err(internal_error)?
            .is_none()
    {
        return Err(AppError::NotFound);
    }
    let mut out = Vec::with_capacity(rows.len());
    for c in rows {
        let members = case_member::Entity::find()
            .filter(case_member::Column::CaseId.eq(c.id))
            .count(&svc.db)
            .await
            .map_err(internal_error)?;
        out.push(OpenComplaint {
            id: c.id,
            number: c.number,
            title: domain::pii::scrub(&c.title),
            category: c.category,
            narrative: domain::pii::scrub(&c.narrative),
            created_at: c.created_at,
            members,
        });
    }
    Ok(out)
}

/// A consumer joins case `case_id` with their own order.
pub async fn join_case(
    svc: &Services,
    user: &UserView,
    case_id: i32,
    input: &OrderInput,
) -> Result<CaseView, AppError> {
    if user.role != Role::Consumer {
        return Err(AppError::Forbidden);
    }
    let now = svc.clock.now();
    let Order {
        order_ref,
        order_date,
        paid,
        claimed,
    } = input.check(now)?;
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let (c, m) = record::load(&txn, case_id).await?;
    // Only a published complaint is visible to strangers; others do not exist for them.
    if !c.publish_narrative && c.consumer_id != user.id {
        return Err(AppError::NotFound);
    }
    let state = state_of(&c)?;
    if !joinable(state.status) {
        return Err(AppError::NotAllowed {
            status: c.status.clone(),
            allowed: vec![],
        });
    }
    if c.consumer_id == user.id || record::is_member(&txn, case_id, user.id).await? {
        return Err(AppError::conflict("case", "err.already_member"));
    }
    if has_open_order(&txn, user.id, m.id, &order_ref).await? {
        return Err(AppError::conflict("order_ref", "err.case_duplicate"));
    }
    case_member::Entity::insert(case_member::ActiveModel {
        case_id: Set(case_id),
        consumer_id: Set(user.id),
        order_ref: Set(order_ref),
        order_date: Set(order_date),
        amount_paid_fen: Set(paid.0),
        amount_claimed_fen: Set(claimed.0),
        joined_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await
    .map_err(conflict_on_unique("case", "err.already_member"))?;
    // The merchant's page counts the members of its open complaints.
    crate::changes::case_changed(&txn, case_id, now).await?;
    let (members, _) = totals(&txn, case_id).await?;
    #[derive(serde::Serialize)]
    struct Joined {
        members: u64,
        amount_claimed_fen: i64,
    }
    trail::append(
        &txn,
        case_id,
        now,
        Some(user.id),
        user.role.as_str(),
        "joined",
        &Joined {
            members,
            amount_claimed_fen: claimed.0,
        },
    )
    .await?;
    let notices = [
        Notice {
            to: Audience::Merchant,
            key: "collective_joined",
        },
        Notice {
            to: Audience::Owner,
            key: "collective_joined",
        },
    ];
    notice::case_step(svc, &txn, &c, &m, &state, &notices, Some(user.id)).await?;
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    get_case(svc, user, case_id).await
}

/// Has this consumer an open complaint (filed or joined) about this order with this merchant?
pub(crate) async fn has_open_order<C: ConnectionTrait>(
    conn: &C,
    consumer: i32,
    merchant: i32,
    order_ref: &str,
) -> Result<bool, AppError> {
    let open = |col: case::Column| col.is_not_in(crate::record::final_statuses());
    let filed = case::Entity::find()
        .filter(case::Column::ConsumerId.eq(consumer))
        .filter(case::Column::MerchantId.eq(merchant))
        .filter(case::Column::OrderRef.eq(order_ref))
        .filter(open(case::Column::Status))
        .count(conn)
        .await
        .map_err(internal_error)?;
    if filed > 0 {
        return Ok(true);
    }
    let joined_cases: Vec<i32> = case_member::Entity::find()
        .select_only()
        .column(case_member::Column::CaseId)
        .filter(case_member::Column::ConsumerId.eq(consumer))
        .filter(case_member::Column::OrderRef.eq(order_ref))
        .into_tuple()
        .all(conn)
        .await
        .map_err(internal_error)?;
    if joined_cases.is_empty() {
        return Ok(false);
    }
    let n = case::Entity::find()
        .filter(case::Column::Id.is_in(joined_cases))
        .filter(case::Column::MerchantId.eq(merchant))
        .filter(open(case::Column::Status))
        .count(conn)
        .await
        .map_err(internal_error)?;
    Ok(n > 0)
}
