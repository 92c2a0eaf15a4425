//! The published score: gathers a merchant's inputs (its cases of the last
//! 12 months, its credit file, verification, commitment, what the fund is
//! still owed) and stores what `domain::credit::score` makes of them on the
//! merchant row. Run by the outbox worker (topic `credit`), never inline.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::AppError;
use domain::cases::{Case, FcState, Status};
use domain::credit::{
    CreditInputs, CreditParams, CreditScore, RecordGroup, RecordInput, RecordKind, Severity,
};
use domain::fund::AccountKind;
use entities::{case, credit_record as cr, merchant};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{Recompute, TOPIC, records::PUBLISHED};
use crate::db::internal_error;
use crate::{Services, outbox};

/// Everything the formula reads about `merchant_id` at `now`.
pub async fn inputs<C: ConnectionTrait>(
    conn: &C,
    m: &merchant::Model,
    now: DateTime<Utc>,
) -> Result<CreditInputs, AppError> {
    let since = now - chrono::Duration::days(365);
    let cases = case::Entity::find()
        .filter(case::Column::MerchantId.eq(m.id))
        .filter(case::Column::CreatedAt.gte(since))
        .all(conn)
        .await
        .map_err(internal_error)?;
    let mut i = CreditInputs {
        verified: m.verified_at.is_some(),
        commitment_signed: super::commitments::in_force(conn, m.id).await?,
        complaints_12m: cases.len() as u32,
        ..Default::default()
    };
    for c in &cases {
        let Ok(s) = serde_json::from_str::<Case>(&c.state) else {
            tracing::error!("case {} has an unreadable state", c.id);
            return Err(AppError::Internal);
        };
        if let Some(in_time) = s.first_response_in_time(now) {
            i.response_due += 1;
            i.responded_in_time += u32::from(in_time);
        }
        let paid_by_fund = s
            .first_compensation
            .as_ref()
            .is_some_and(|fc| fc.state == FcState::Approved);
        match s.status {
            Status::Closed => {
                i.ended += 1;
                if !paid_by_fund {
                    i.resolved += 1;
                }
            }
            Status::NonCompliant => i.ended += 1,
            _ => {}
        }
        if let Some(d) = &s.decision {
            i.decided += 1;
            if d.terms.amount.0 > 0 {
                i.decided_against += 1;
            }
        }
    }
    let records = cr::Entity::find()
        .filter(cr::Column::MerchantId.eq(m.id))
        .filter(cr::Column::Status.eq(PUBLISHED))
        .all(conn)
        .await
        .map_err(internal_error)?;
    for r in records {
        let Some(kind) = RecordKind::parse(&r.kind) else {
            continue;
        };
        if kind == RecordKind::NonCompliant && r.occurred_at >= since {
            i.non_compliant += 1;
        }
        if kind.group() == RecordGroup::CaseOutcome {
            continue;
        }
        i.records.push(RecordInput {
            kind,
            severity: Severity::parse(&r.severity).unwrap_or(kind.default_severity()),
            occurred_at: r.occurred_at,
            display_until: r.display_until,
            repaired: r.repaired_at.is_some(),
        });
    }
    i.fc_unrecovered_fen =
        crate::fund::books::sum(conn, AccountKind::Receivable, Some(m.id), None).await?;
    Ok(i)
}

/// Recomputes and stores one merchant's score.
pub async fn recompute(svc: &Services, merchant_id: i32) -> Result<CreditScore, AppError> {
    recompute_with(svc, merchant_id, &CreditParams::default()).await
}

/// [`recompute`] by other parameters (tests), then keeps `a_plus_since` and
/// asks whether the merchant is now proposed for the red or black list.
pub async fn recompute_with(
    svc: &Services,
    merchant_id: i32,
    params: &CreditParams,
) -> Result<CreditScore, AppError> {
    let m = merchant::Entity::find_by_id(merchant_id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    let now = svc.clock.now();
    let inputs = inputs(&svc.db, &m, now).await?;
    let s = domain::credit::score(&inputs, now, params);
    let a_plus_since = super::lists::a_plus_since(&svc.db, &m, s.grade, now).await?;
    // The score and the search index's note of it change together.
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    merchant::Entity::update_many()
        .col_expr(
            merchant::Column::CreditScore,
            Expr::value(i32::from(s.score)),
        )
        .col_expr(merchant::Column::CreditGrade, Expr::value(s.grade.as_str()))
        .col_expr(
            merchant::Column::CreditFactors,
            Expr::value(serde_json::to_string(&s).map_err(|_| AppError::Internal)?),
        )
        .col_expr(merchant::Column::CreditComputedAt, Expr::value(now))
        .col_expr(merchant::Column::APlusSince, Expr::value(a_plus_since))
        .filter(merchant::Column::Id.eq(merchant_id))
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    crate::changes::merchant_changed(&txn, merchant_id, now).await?;
    txn.commit().await.map_err(internal_error)?;
    let m = merchant::Model { a_plus_since, ..m };
    super::lists::propose_for(&svc.db, &m, &inputs, now).await?;
    Ok(s)
}

/// One pass of the worker: every merchant asked for (each once), then their
/// outbox rows go. A failure leaves the rows for a retry with back-off.
pub async fn run_due(svc: &Services, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let rows = outbox::claim_due(&svc.db, TOPIC, now, 500).await?;
    let mut done: BTreeSet<i32> = BTreeSet::new();
    let mut failed: BTreeSet<i32> = BTreeSet::new();
    for row in &rows {
        let Ok(Recompute { merchant_id }) = serde_json::from_str::<Recompute>(&row.payload) else {
            outbox::fail(
                &svc.db,
                row,
                "undecodable payload",
                now,
                svc.config.jobs.retry_max,
            )
            .await?;
            continue;
        };
        if !done.contains(&merchant_id) && !failed.contains(&merchant_id) {
            match recompute(svc, merchant_id).await {
                Ok(_) | Err(AppError::NotFound) => {
                    done.insert(merchant_id);
                }
                Err(e) => {
                    tracing::warn!(merchant_id, "credit recomputation failed: {e}");
                    failed.insert(merchant_id);
                }
            }
        }
        if done.contains(&merchant_id) {
            outbox::complete(&svc.db, row.id).await?;
        } else {
            outbox::fail(
                &svc.db,
                row,
                "recomputation failed",
                now,
                svc.config.jobs.retry_max,
            )
            .await?;
        }
    }
    Ok(done.len())
}

/// The lease only one server recomputes scores under.
pub const LEASE: &str = "credit";

/// Runs forever beside the mail worker: wakes when poked and every second,
/// and works only while this server holds the `credit` lease (renewed on
/// each pass, so the holder keeps it while it lives).
pub async fn run(svc: Services) {
    loop {
        let work = run_due(&svc, chrono::Utc::now());
        match crate::lease::run_held(&svc.db, LEASE, &svc.holder, svc.config.jobs.lease_ttl, work)
            .await
        {
            Some(Ok(_)) | None => {}
            Some(Err(e)) => tracing::error!("credit worker: {e:#}"),
        }
        tokio::select! {
            _ = svc.outbox_wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}
