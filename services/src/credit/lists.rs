//! Red and black lists (红黑名单). The credit recomputation keeps each
//! merchant's `a_plus_since` and asks [`propose_for`] whether the published
//! criteria (`domain::credit::propose`) put it on a list; a proposal waits
//! for a regulator, who confirms or refuses it with reasons ([`decide`]).
//! Confirmed entries are public with their dates ([`list_public`]); a
//! confirmed black entry sends new complaints against the merchant straight
//! to mediation ([`status_of`], read when a complaint is filed).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::credit::{
    CreditInputs, Grade, ListBadge, ListCriteria, ListEntryView, ListFacts, ListKind, ListStatus,
    PublicListEntry, a_plus_anniversary,
};
use domain::{AppError, Role, UserView};
use entities::{list_entry as le, merchant};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use crate::Services;
use crate::db::{internal_error, is_unique_violation};

const PROPOSED: &str = "proposed";
const CONFIRMED: &str = "confirmed";
const REFUSED: &str = "refused";
const ENDED: &str = "ended";

/// The longest decision reason a regulator may write.
pub const REASON_MAX_CHARS: usize = 2000;

/// The criteria in force (the published ones).
pub fn criteria() -> ListCriteria {
    ListCriteria::default()
}

/// What `merchants.a_plus_since` becomes once `m` is graded `grade` at
/// `now`: kept while the grade stays A+, `now` when it becomes A+, cleared
/// when it drops. When it becomes A+, a recomputation is scheduled for the
/// day the red criterion's months are up, so a merchant nobody complains
/// about is still proposed on time.
pub async fn a_plus_since<C: ConnectionTrait>(
    conn: &C,
    m: &merchant::Model,
    grade: Grade,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, AppError> {
    if grade != Grade::APlus {
        return Ok(None);
    }
    if let Some(since) = m.a_plus_since {
        return Ok(Some(since));
    }
    let due = a_plus_anniversary(now, criteria().red_a_plus_months);
    super::recompute_later(conn, m.id, due).await?;
    Ok(Some(now))
}

fn reasons_of(e: &le::Model) -> Vec<String> {
    serde_json::from_str(&e.reasons).unwrap_or_default()
}

/// Proposes `m` (its row as just stored by the recomputation, with its
/// `a_plus_since`) for a list when the criteria say so and no entry of that
/// list is open (proposed or confirmed) for it. Returns the new proposal.
pub async fn propose_for<C: ConnectionTrait>(
    conn: &C,
    m: &merchant::Model,
    inputs: &CreditInputs,
    now: DateTime<Utc>,
) -> Result<Option<le::Model>, AppError> {
    let entries = le::Entity::find()
        .filter(le::Column::MerchantId.eq(m.id))
        .all(conn)
        .await
        .map_err(internal_error)?;
    let refused_at = |kind: ListKind| {
        entries
            .iter()
            .filter(|e| e.list == kind.as_str() && e.status == REFUSED)
            .filter_map(|e| e.decided_at)
            .max()
    };
    let facts = ListFacts {
        red_refused_at: refused_at(ListKind::Red),
        black_refused_at: refused_at(ListKind::Black),
        ..ListFacts::from_inputs(inputs, m.a_plus_since, now)
    };
    let Some((kind, reasons)) = domain::credit::propose(&facts, now, &criteria()) else {
        return Ok(None);
    };
    let open = entries
        .iter()
        .any(|e| e.list == kind.as_str() && (e.status == PROPOSED || e.status == CONFIRMED));
    if open {
        return Ok(None);
    }
    // Due process: a black-list proposal is told to the merchant, who has
    // five working days to object before a regulator may confirm it.
    let objection_until = if kind == ListKind::Black {
        let cal = crate::record::calendar::load(conn).await?;
        Some(cal.deadline(now, OBJECTION_DAYS))
    } else {
        None
    };
    let inserted = le::ActiveModel {
        objection_until: Set(objection_until),
        objection: Set(None),
        objected_at: Set(None),
        merchant_id: Set(m.id),
        list: Set(kind.as_str().into()),
        status: Set(PROPOSED.into()),
        reasons: Set(serde_json::to_string(&reasons).map_err(|_| AppError::Internal)?),
        proposed_at: Set(now),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_reason: Set(None),
        ends_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await;
    match inserted {
        Ok(e) => {
            tracing::info!(merchant_id = m.id, list = %kind, "list proposal");
            if let (ListKind::Black, Some(account)) = (kind, m.account_id) {
                crate::record::notice::add(conn, account, None, "black_proposed", now).await?;
            }
            Ok(Some(e))
        }
        // Another recomputation proposed it first.
        Err(e) if is_unique_violation(&e) => Ok(None),
        Err(e) => Err(internal_error(e)),
    }
}

async fn merchants_by_id<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, merchant::Model>, AppError> {
    let ids: Vec<i32> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(merchant::Entity::find()
        .filter(merchant::Column::Id.is_in(ids))
        .all(conn)
        .await
        .map_err(internal_error)?
        .into_iter()
        .map(|m| (m.id, m))
        .collect())
}

fn view(e: le::Model, m: Option<&merchant::Model>) -> ListEntryView {
    ListEntryView {
        id: e.id,
        list: ListKind::parse(&e.list).unwrap_or(ListKind::Black),
        status: ListStatus::parse(&e.status).unwrap_or(ListStatus::Proposed),
        merchant_id: e.merchant_id,
        name: m.map(|m| m.name.clone()).unwrap_or_default(),
        uscc: m.map(|m| m.uscc.clone()).unwrap_or_default(),
        credit_grade: m.and_then(|m| m.credit_grade.clone()),
        reasons: reasons_of(&e),
        proposed_at: e.proposed_at,
        decided_at: e.decided_at,
        decision_reason: e.decision_reason,
        ends_at: e.ends_at,
        objection_until: e.objection_until,
        objection: e.objection,
        objected_at: e.objected_at,
    }
}

/// The proposals waiting for a decision, oldest first (regulators only).
pub async fn pending(svc: &Services, user: &UserView) -> Result<Vec<ListEntryView>, AppError> {
    if user.role != Role::Regulator {
        return Err(AppError::Forbidden);
    }
    let rows = le::Entity::find()
        .filter(le::Column::Status.eq(PROPOSED))
        .order_by_asc(le::Column::ProposedAt)
        .order_by_asc(le::Column::Id)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let ms = merchants_by_id(&svc.db, rows.iter().map(|e| e.merchant_id)).await?;
    Ok(rows
        .into_iter()
        .map(|e| {
            let m = ms.get(&e.merchant_id);
            view(e, m)
        })
        .collect())
}

/// A regulator confirms or refuses a proposal; the reason is required both
/// ways. A confirmed entry is public from now; confirming the black list
/// ends any red entry of the merchant; the merchant's account is told.
pub async fn decide(
    svc: &Services,
    user: &UserView,
    entry_id: i32,
    confirm: bool,
    reason: &str,
) -> Result<ListEntryView, AppError> {
    if user.role != Role::Regulator {
        return Err(AppError::Forbidden);
    }
    let reason = domain::input::required_text(Some(reason), "reason", REASON_MAX_CHARS)?;
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let e = le::Entity::find_by_id(entry_id)
        .one(&txn)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    // Not before the merchant has had its say (or let its five working days pass).
    if confirm && e.objection.is_none() && e.objection_until.is_some_and(|until| now <= until) {
        return Err(AppError::conflict("confirm", "err.list.objection_period"));
    }
    let status = if confirm { CONFIRMED } else { REFUSED };
    let res = le::Entity::update_many()
        .col_expr(le::Column::Status, Expr::value(status))
        .col_expr(le::Column::DecidedBy, Expr::value(user.id))
        .col_expr(le::Column::DecidedAt, Expr::value(now))
        .col_expr(le::Column::DecisionReason, Expr::value(reason.as_str()))
        .filter(le::Column::Id.eq(entry_id))
        .filter(le::Column::Status.eq(PROPOSED))
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict("id", "err.list.decided"));
    }
    let kind = ListKind::parse(&e.list).unwrap_or(ListKind::Black);
    let m = merchant::Entity::find_by_id(e.merchant_id)
        .one(&txn)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    if confirm {
        if kind == ListKind::Black {
            le::Entity::update_many()
                .col_expr(le::Column::Status, Expr::value(ENDED))
                .col_expr(le::Column::EndsAt, Expr::value(now))
                .filter(le::Column::MerchantId.eq(e.merchant_id))
                .filter(le::Column::List.eq(ListKind::Red.as_str()))
                .filter(le::Column::Status.is_in([PROPOSED, CONFIRMED]))
                .exec(&txn)
                .await
                .map_err(internal_error)?;
        }
        if let Some(account) = m.account_id {
            crate::record::notice::add(
                &txn,
                account,
                None,
                &format!("{}_listed", kind.as_str()),
                now,
            )
            .await?;
        }
    }
    // Search shows the badge or the warning.
    crate::changes::merchant_changed(&txn, e.merchant_id, now).await?;
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    tracing::info!(entry_id, list = %kind, confirm, "list decision");
    let e = le::Model {
        status: status.into(),
        decided_by: Some(user.id),
        decided_at: Some(now),
        decision_reason: Some(reason),
        ..e
    };
    Ok(view(e, Some(&m)))
}

/// A published list: its confirmed entries, newest first.
pub async fn list_public(svc: &Services, kind: ListKind) -> Result<Vec<PublicListEntry>, AppError> {
    let rows = le::Entity::find()
        .filter(le::Column::List.eq(kind.as_str()))
        .filter(le::Column::Status.eq(CONFIRMED))
        .order_by_desc(le::Column::DecidedAt)
        .order_by_desc(le::Column::Id)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let ms = merchants_by_id(&svc.db, rows.iter().map(|e| e.merchant_id)).await?;
    Ok(rows
        .into_iter()
        .filter_map(|e| {
            let m = ms.get(&e.merchant_id)?;
            Some(PublicListEntry {
                entry_id: e.id,
                list: kind,
                merchant_id: e.merchant_id,
                name: m.name.clone(),
                uscc: m.uscc.clone(),
                since: e.decided_at.unwrap_or(e.proposed_at),
                proposed_at: e.proposed_at,
                reasons: reasons_of(&e),
                decision_reason: e.decision_reason,
            })
        })
        .collect())
}

/// The merchant's confirmed red and black entries, as its profile shows them.
pub async fn badges<C: ConnectionTrait>(
    conn: &C,
    merchant_id: i32,
) -> Result<(Option<ListBadge>, Option<ListBadge>), AppError> {
    let rows = le::Entity::find()
        .filter(le::Column::MerchantId.eq(merchant_id))
        .filter(le::Column::Status.eq(CONFIRMED))
        .all(conn)
        .await
        .map_err(internal_error)?;
    let badge = |kind: ListKind| {
        rows.iter()
            .find(|e| e.list == kind.as_str())
            .map(|e| ListBadge {
                entry_id: e.id,
                since: e.decided_at.unwrap_or(e.proposed_at),
                reasons: reasons_of(e),
            })
    };
    Ok((badge(ListKind::Red), badge(ListKind::Black)))
}

/// Is the merchant on the red list, and on the black list (confirmed)?
pub async fn status_of<C: ConnectionTrait>(
    conn: &C,
    merchant_id: i32,
) -> Result<(bool, bool), AppError> {
    let (red, black) = badges(conn, merchant_id).await?;
    Ok((red.is_some(), black.is_some()))
}

/// [`status_of`] for many merchants at once: `(red, black)` by id, listed
/// merchants only.
pub async fn statuses<C: ConnectionTrait>(
    conn: &C,
    merchant_ids: &[i32],
) -> Result<HashMap<i32, (bool, bool)>, AppError> {
    let mut out: HashMap<i32, (bool, bool)> = HashMap::new();
    if merchant_ids.is_empty() {
        return Ok(out);
    }
    let rows = le::Entity::find()
        .filter(le::Column::MerchantId.is_in(merchant_ids.iter().copied()))
        .filter(le::Column::Status.eq(CONFIRMED))
        .all(conn)
        .await
        .map_err(internal_error)?;
    for e in rows {
        let s = out.entry(e.merchant_id).or_default();
        match ListKind::parse(&e.list) {
            Some(ListKind::Red) => s.0 = true,
            Some(ListKind::Black) => s.1 = true,
            None => {}
        }
    }
    Ok(out)
}

/// Working days the merchant has to object to a black-list proposal.
pub const OBJECTION_DAYS: u32 = super::records::OBJECTION_DAYS;

/// The merchant's account holder objects to a black-list proposal within
/// its objection period; the regulator reads it before deciding.
pub async fn object(
    svc: &Services,
    user: &UserView,
    entry_id: i32,
    text: &str,
) -> Result<ListEntryView, AppError> {
    let text = domain::credit::request_text(text)?;
    let e = le::Entity::find_by_id(entry_id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    let m = merchant::Entity::find_by_id(e.merchant_id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    if user.role != Role::Merchant || m.account_id != Some(user.id) {
        return Err(AppError::Forbidden);
    }
    let now = svc.clock.now();
    let res = le::Entity::update_many()
        .col_expr(le::Column::Objection, Expr::value(text))
        .col_expr(le::Column::ObjectedAt, Expr::value(now))
        .filter(le::Column::Id.eq(entry_id))
        .filter(le::Column::Status.eq(PROPOSED))
        .filter(le::Column::Objection.is_null())
        .filter(le::Column::ObjectionUntil.gte(now))
        .exec(&svc.db)
        .await
        .map_err(internal_error)?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict("id", "err.record.objection_closed"));
    }
    let e = le::Entity::find_by_id(entry_id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    Ok(view(e, Some(&m)))
}
