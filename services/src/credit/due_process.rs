//! Due process on the credit file. Before a finding is published the
//! merchant may object (异议) within its objection period; while the
//! objection waits the finding stays unpublished. A regulator upholds it
//! (the finding is withdrawn, never shown) or refuses it (published at
//! once). After rectification the merchant may apply for credit repair
//! (信用修复) of a published finding, with evidence and a renewed
//! commitment; approved, the record leaves public view and the score early,
//! marked repaired.

use chrono::{DateTime, Utc};
use domain::credit::{RecordKind, RequestInput};
use domain::merchant::RecordRequestView;
use domain::{AppError, Role, UserView};
use entities::{credit_record as cr, merchant, record_request as rr};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::records::{PENDING, PUBLISHED, view as record_view};
use crate::Services;
use crate::db::{conflict_on_unique, internal_error};

pub const OBJECTION: &str = "objection";
pub const REPAIR: &str = "repair";
pub const WITHDRAWN: &str = "withdrawn";

async fn load_record(svc: &Services, id: i32) -> Result<(cr::Model, merchant::Model), AppError> {
    let r = cr::Entity::find_by_id(id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    let m = merchant::Entity::find_by_id(r.merchant_id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    Ok((r, m))
}

/// The merchant's account holder objects to a finding still in its objection period.
pub async fn object(
    svc: &Services,
    user: &UserView,
    record_id: i32,
    input: &RequestInput,
) -> Result<RecordRequestView, AppError> {
    let (r, m) = load_record(svc, record_id).await?;
    own(user, &m)?;
    let q = input.check()?;
    let now = svc.clock.now();
    if r.status != PENDING || r.objection_until.is_none_or(|u| now > u) {
        return Err(AppError::conflict("record", "err.record.objection_closed"));
    }
    insert(svc, user, &r, &m, OBJECTION, q.text, q.evidence, now).await
}

/// The merchant applies for repair of a published finding still on display.
pub async fn apply_repair(
    svc: &Services,
    user: &UserView,
    record_id: i32,
    input: &RequestInput,
) -> Result<RecordRequestView, AppError> {
    let (r, m) = load_record(svc, record_id).await?;
    own(user, &m)?;
    let q = input.check_repair()?;
    let now = svc.clock.now();
    if !RecordKind::parse(&r.kind).is_some_and(RecordKind::repairable) {
        return Err(AppError::conflict("record", "err.record.not_repairable"));
    }
    if r.status != PUBLISHED || r.repaired_at.is_some() || now >= r.display_until {
        return Err(AppError::conflict("record", "err.record.not_repairable"));
    }
    insert(svc, user, &r, &m, REPAIR, q.text, q.evidence, now).await
}

fn own(user: &UserView, m: &merchant::Model) -> Result<(), AppError> {
    if user.role == Role::Merchant && m.account_id == Some(user.id) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[allow(clippy::too_many_arguments)]
async fn insert(
    svc: &Services,
    user: &UserView,
    r: &cr::Model,
    m: &merchant::Model,
    kind: &str,
    text: String,
    evidence: Option<String>,
    now: DateTime<Utc>,
) -> Result<RecordRequestView, AppError> {
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let row = rr::ActiveModel {
        record_id: Set(r.id),
        merchant_id: Set(m.id),
        author_id: Set(user.id),
        kind: Set(kind.into()),
        text: Set(text),
        evidence: Set(evidence),
        status: Set(PENDING.into()),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_reason: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(conflict_on_unique("record", "err.record.request_open"))?;
    crate::record::notice::add_for_role(&txn, Role::Regulator, &format!("record_{kind}"), now)
        .await?;
    txn.commit().await.map_err(internal_error)?;
    Ok(view(row, m.name.clone(), r.clone(), now))
}

fn view(
    q: rr::Model,
    merchant_name: String,
    r: cr::Model,
    now: DateTime<Utc>,
) -> RecordRequestView {
    RecordRequestView {
        id: q.id,
        record_id: q.record_id,
        merchant_id: q.merchant_id,
        merchant_name,
        kind: q.kind,
        text: q.text,
        evidence: q.evidence,
        status: q.status,
        decision_reason: q.decision_reason,
        decided_at: q.decided_at,
        created_at: q.created_at,
        record: record_view(r, None, now),
    }
}

/// Requests for regulators (all, or by status) or a merchant's own.
pub async fn list(
    svc: &Services,
    user: &UserView,
    status: Option<&str>,
) -> Result<Vec<RecordRequestView>, AppError> {
    let mut q = rr::Entity::find();
    match user.role {
        Role::Regulator | Role::Admin => {}
        Role::Merchant => q = q.filter(rr::Column::AuthorId.eq(user.id)),
        _ => return Err(AppError::Forbidden),
    }
    if let Some(s) = status {
        q = q.filter(rr::Column::Status.eq(s));
    }
    let rows = q
        .order_by_asc(rr::Column::CreatedAt)
        .order_by_asc(rr::Column::Id)
        .limit(500)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let now = svc.clock.now();
    // The records and merchants of the whole page, in two queries.
    let records: std::collections::HashMap<i32, cr::Model> = cr::Entity::find()
        .filter(cr::Column::Id.is_in(rows.iter().map(|q| q.record_id)))
        .all(&svc.db)
        .await
        .map_err(internal_error)?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let names: std::collections::HashMap<i32, String> = merchant::Entity::find()
        .filter(merchant::Column::Id.is_in(rows.iter().map(|q| q.merchant_id)))
        .all(&svc.db)
        .await
        .map_err(internal_error)?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|q| {
            let r = records.get(&q.record_id)?.clone();
            let name = names.get(&q.merchant_id).cloned().unwrap_or_default();
            Some(view(q, name, r, now))
        })
        .collect())
}

/// A regulator decides: an objection upheld withdraws the finding, refused
/// publishes it; a repair approved takes the record out of public view and
/// the score, refused leaves it. The reason is required either way.
pub async fn decide(
    svc: &Services,
    user: &UserView,
    request_id: i32,
    grant: bool,
    reason: &str,
) -> Result<RecordRequestView, AppError> {
    if user.role != Role::Regulator {
        return Err(AppError::Forbidden);
    }
    let reason = domain::credit::decision_reason(reason)?;
    let q = rr::Entity::find_by_id(request_id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    let (r, m) = load_record(svc, q.record_id).await?;
    let now = svc.clock.now();
    let status = match (q.kind.as_str(), grant) {
        (OBJECTION, true) => "upheld",
        (REPAIR, true) => "approved",
        _ => "refused",
    };
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let res = rr::Entity::update_many()
        .col_expr(rr::Column::Status, Expr::value(status))
        .col_expr(rr::Column::DecidedBy, Expr::value(user.id))
        .col_expr(rr::Column::DecidedAt, Expr::value(now))
        .col_expr(rr::Column::DecisionReason, Expr::value(reason))
        .filter(rr::Column::Id.eq(request_id))
        .filter(rr::Column::Status.eq(PENDING))
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict("status", "err.record.request_decided"));
    }
    // What happens to the record: withdrawn, published, repaired, or nothing.
    let update = cr::Entity::update_many().filter(cr::Column::Id.eq(r.id));
    let update = match (q.kind.as_str(), grant) {
        (OBJECTION, true) => Some(
            update
                .col_expr(cr::Column::Status, Expr::value(WITHDRAWN))
                .filter(cr::Column::Status.eq(PENDING)),
        ),
        (REPAIR, true) => Some(
            update
                .col_expr(cr::Column::RepairedAt, Expr::value(now))
                .filter(cr::Column::RepairedAt.is_null()),
        ),
        _ => None,
    };
    if let Some(u) = update {
        u.exec(&txn).await.map_err(internal_error)?;
        super::recompute_later(&txn, r.merchant_id, now).await?;
    }
    if (q.kind.as_str(), grant) == (OBJECTION, false) {
        super::records::publish(&txn, &r, now).await?;
    }
    // A granted repair renews the commitment when none is in force.
    if q.kind == REPAIR && grant && !super::commitments::in_force(&txn, m.id).await? {
        super::commitments::record_signature(&txn, m.id, q.author_id, now).await?;
    }
    crate::record::notice::add(
        &txn,
        q.author_id,
        None,
        &format!("record_{}_{status}", q.kind),
        now,
    )
    .await?;
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    let q = rr::Entity::find_by_id(request_id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    let (r, m) = load_record(svc, q.record_id).await?;
    Ok(view(q, m.name, r, now))
}

/// Is an objection to `record_id` waiting? (A waiting objection keeps the
/// finding from being published when its period ends.)
pub async fn objection_pending<C: ConnectionTrait>(
    conn: &C,
    record_id: i32,
) -> Result<bool, AppError> {
    Ok(rr::Entity::find()
        .filter(rr::Column::RecordId.eq(record_id))
        .filter(rr::Column::Kind.eq(OBJECTION))
        .filter(rr::Column::Status.eq(PENDING))
        .one(conn)
        .await
        .map_err(internal_error)?
        .is_some())
}
