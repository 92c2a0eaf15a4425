//! The credit file (信用档案): case outcomes written as cases move, findings
//! of misconduct entered by regulators (pending until the merchant's five
//! working days to object have passed), commitments signed. Each has a
//! severity and a display period; after it the record leaves public view
//! and the score but stays for regulators.

use chrono::{DateTime, Utc};
use domain::cases::{Case, FcState, Stage, Status};
use domain::credit::{DisplayPeriods, FindingInput, RecordKind, Severity};
use domain::merchant::{COMMITMENT_VERSION, RecordView};
use domain::{AppError, Role, UserView};
use entities::{case, credit_commitment as cc, credit_record as cr, merchant};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::Services;
use crate::db::internal_error;

/// The merchant has this many working days to object to a finding before it is published.
pub const OBJECTION_DAYS: u32 = 5;

pub const PENDING: &str = "pending";
pub const PUBLISHED: &str = "published";

#[allow(clippy::too_many_arguments)]
async fn insert<C: ConnectionTrait>(
    conn: &C,
    merchant_id: i32,
    kind: RecordKind,
    severity: Severity,
    source: &str,
    case_id: Option<i32>,
    summary: &str,
    evidence: Option<String>,
    occurred_at: DateTime<Utc>,
    status: &str,
    objection_until: Option<DateTime<Utc>>,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<cr::Model, AppError> {
    let row = cr::ActiveModel {
        merchant_id: Set(merchant_id),
        kind: Set(kind.as_str().into()),
        severity: Set(severity.as_str().into()),
        source: Set(source.into()),
        case_id: Set(case_id),
        summary: Set(summary.into()),
        evidence: Set(evidence),
        occurred_at: Set(occurred_at),
        display_until: Set(DisplayPeriods::default().display_until(severity, occurred_at)),
        status: Set(status.into()),
        objection_until: Set(objection_until),
        repaired_at: Set(None),
        created_by: Set(by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map_err(internal_error)?;
    // When its display period ends the record leaves the score: recompute then.
    super::recompute_at(conn, merchant_id, now, row.display_until).await?;
    Ok(row)
}

/// A record the system writes and publishes at once (a commitment signed).
pub async fn system_record<C: ConnectionTrait>(
    conn: &C,
    merchant_id: i32,
    kind: RecordKind,
    summary: &str,
    now: DateTime<Utc>,
    by: Option<i32>,
) -> Result<(), AppError> {
    insert(
        conn,
        merchant_id,
        kind,
        kind.default_severity(),
        "system",
        None,
        summary,
        None,
        now,
        PUBLISHED,
        None,
        by,
        now,
    )
    .await?;
    Ok(())
}

/// What a case step means for its merchant's credit file: an outcome record
/// when the case settles, is mediated, is decided against the merchant, is
/// not honoured, or the fund pays on its behalf — once each. Any change of
/// status or of the merchant's answer asks for a recomputation.
pub async fn on_case_change<C: ConnectionTrait>(
    conn: &C,
    c: &case::Model,
    before: &Case,
    after: &Case,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut kinds = vec![];
    if after.status != before.status {
        match after.status {
            Status::Settled => kinds.push(match after.settlement.as_ref().map(|s| s.via) {
                Some(Stage::Mediation) => RecordKind::Mediated,
                _ => RecordKind::Settled,
            }),
            Status::Decided
                if after
                    .decision
                    .as_ref()
                    .is_some_and(|d| d.terms.amount.0 > 0) =>
            {
                kinds.push(RecordKind::DecidedAgainst)
            }
            Status::NonCompliant => kinds.push(RecordKind::NonCompliant),
            _ => {}
        }
    }
    let approved = |x: &Case| {
        x.first_compensation
            .as_ref()
            .is_some_and(|fc| fc.state == FcState::Approved)
    };
    if approved(after) && !approved(before) {
        kinds.push(RecordKind::FcPaid);
    }
    for kind in kinds {
        let exists = cr::Entity::find()
            .filter(cr::Column::CaseId.eq(c.id))
            .filter(cr::Column::Kind.eq(kind.as_str()))
            .one(conn)
            .await
            .map_err(internal_error)?
            .is_some();
        if !exists {
            insert(
                conn,
                c.merchant_id,
                kind,
                kind.default_severity(),
                "case",
                Some(c.id),
                &c.number,
                None,
                now,
                PUBLISHED,
                None,
                None,
                now,
            )
            .await?;
        }
    }
    if after.status != before.status || after.merchant_responded != before.merchant_responded {
        super::recompute_later(conn, c.merchant_id, now).await?;
    }
    Ok(())
}

/// A regulator records misconduct. It stays pending (out of public view and
/// the score) for the merchant's objection period, then is published.
pub async fn create_finding(
    svc: &Services,
    user: &UserView,
    merchant_id: i32,
    input: &FindingInput,
) -> Result<RecordView, AppError> {
    if user.role != Role::Regulator {
        return Err(AppError::Forbidden);
    }
    let now = svc.clock.now();
    let f = input.check(domain::calendar::local_date(now))?;
    // Noon Beijing of that day.
    let occurred_at = f
        .occurred_on
        .and_hms_opt(4, 0, 0)
        .map(|t| t.and_utc())
        .ok_or(AppError::Internal)?;
    let m = merchant::Entity::find_by_id(merchant_id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    // A commitment can only be broken if the merchant had signed one by
    // then and it is still in force.
    if f.kind == RecordKind::CommitmentBroken
        && commitment_in_force(&txn, merchant_id, occurred_at)
            .await?
            .is_none()
    {
        return Err(AppError::conflict("kind", "err.record.no_commitment"));
    }
    let cal = crate::record::calendar::current(svc, &txn).await?;
    let r = insert(
        &txn,
        merchant_id,
        f.kind,
        f.severity,
        "regulator",
        None,
        &f.summary,
        f.evidence,
        occurred_at,
        PENDING,
        Some(cal.deadline(now, OBJECTION_DAYS)),
        Some(user.id),
        now,
    )
    .await?;
    if let Some(account) = m.account_id {
        let notice = if f.kind == RecordKind::Commendation {
            "record_commendation_pending"
        } else {
            "record_pending"
        };
        crate::record::notice::add(&txn, account, None, notice, now).await?;
    }
    txn.commit().await.map_err(internal_error)?;
    Ok(view(r, None, now))
}

/// Publishes findings whose objection period has passed (run by the
/// sweeper); each publication asks for a recomputation. Returns how many.
pub async fn publish_due(svc: &Services, now: DateTime<Utc>) -> Result<usize, AppError> {
    let due: Vec<cr::Model> = cr::Entity::find()
        .filter(cr::Column::Status.eq(PENDING))
        .filter(cr::Column::ObjectionUntil.lte(now))
        .limit(500)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let mut n = 0;
    for r in due {
        // A waiting objection holds the finding back until a regulator decides.
        if super::due_process::objection_pending(&svc.db, r.id).await? {
            continue;
        }
        let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
        if publish(&txn, &r, now).await? {
            n += 1;
        }
        txn.commit().await.map_err(internal_error)?;
    }
    Ok(n)
}

/// Publishes a pending record in the caller's transaction (its objection
/// period passed, or its objection was refused) and asks for a
/// recomputation. A published broken commitment ends the commitment it
/// broke: the merchant shows none in force until it signs again. Returns
/// whether this call published it (false when another did first).
pub(crate) async fn publish<C: ConnectionTrait>(
    conn: &C,
    r: &cr::Model,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let res = cr::Entity::update_many()
        .col_expr(cr::Column::Status, Expr::value(PUBLISHED))
        .filter(cr::Column::Id.eq(r.id))
        .filter(cr::Column::Status.eq(PENDING))
        .exec(conn)
        .await
        .map_err(internal_error)?;
    if res.rows_affected != 1 {
        return Ok(false);
    }
    if r.kind == RecordKind::CommitmentBroken.as_str()
        && let Some(c) = commitment_in_force(conn, r.merchant_id, r.occurred_at).await?
    {
        cc::Entity::update_many()
            .col_expr(cc::Column::BrokenAt, Expr::value(now))
            .col_expr(cc::Column::BrokenReason, Expr::value(r.summary.clone()))
            .filter(cc::Column::Id.eq(c.id))
            .filter(cc::Column::BrokenAt.is_null())
            .exec(conn)
            .await
            .map_err(internal_error)?;
    }
    super::recompute_later(conn, r.merchant_id, now).await?;
    Ok(true)
}

/// The merchant's signature of the current standard commitment that was
/// signed by the end of the (Beijing) day of `at` and is not broken, if any.
async fn commitment_in_force<C: ConnectionTrait>(
    conn: &C,
    merchant_id: i32,
    at: DateTime<Utc>,
) -> Result<Option<cc::Model>, AppError> {
    let day_ends = domain::calendar::end_of_local_day(domain::calendar::local_date(at));
    cc::Entity::find()
        .filter(cc::Column::MerchantId.eq(merchant_id))
        .filter(cc::Column::Version.eq(COMMITMENT_VERSION))
        .filter(cc::Column::BrokenAt.is_null())
        .filter(cc::Column::SignedAt.lt(day_ends))
        .order_by_desc(cc::Column::SignedAt)
        .one(conn)
        .await
        .map_err(internal_error)
}

pub(crate) fn view(r: cr::Model, case_number: Option<String>, now: DateTime<Utc>) -> RecordView {
    let public = r.status == PUBLISHED && r.repaired_at.is_none() && now < r.display_until;
    RecordView {
        id: r.id,
        merchant_id: r.merchant_id,
        kind: r.kind,
        severity: r.severity,
        source: r.source,
        case_number,
        summary: r.summary,
        evidence: r.evidence,
        occurred_at: r.occurred_at,
        display_until: r.display_until,
        status: r.status,
        objection_until: r.objection_until,
        repaired_at: r.repaired_at,
        public,
    }
}

/// A merchant's credit file as `viewer` may see it: everyone sees the
/// public records (without evidence); the merchant's own account and
/// regulators and admins see every record, evidence included.
pub async fn list(
    svc: &Services,
    viewer: Option<&UserView>,
    merchant_id: i32,
) -> Result<Vec<RecordView>, AppError> {
    let m = merchant::Entity::find_by_id(merchant_id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    let full = viewer.is_some_and(|u| {
        matches!(u.role, Role::Regulator | Role::Admin)
            || (u.role == Role::Merchant && m.account_id == Some(u.id))
    });
    let now = svc.clock.now();
    let rows = cr::Entity::find()
        .filter(cr::Column::MerchantId.eq(merchant_id))
        .order_by_desc(cr::Column::OccurredAt)
        .order_by_desc(cr::Column::Id)
        .limit(1000)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let numbers =
        crate::record::case_numbers(&svc.db, rows.iter().filter_map(|r| r.case_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let n = r.case_id.and_then(|c| numbers.get(&c).cloned());
            view(r, n, now)
        })
        .filter(|r| full || r.public)
        .map(|mut r| {
            if !full {
                r.evidence = None;
            }
            r
        })
        .collect())
}
