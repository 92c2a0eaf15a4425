//! The public ledger's appeals and refusals: a refused application is
//! counted under its reason category, a contested recovery is shown pending
//! and then with its outcome. Written by the case step (in its transaction)
//! that refused, contested or decided; read without any personal data.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::AppError;
use domain::cases::{ActionRecord, Case, Event};
use domain::fund::{AppealRow, RefusalCategory, RefusalFigures};
use entities::{case, fc_contest, fc_refusal, ledger_entry};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::db::internal_error;

/// The most appeals the public ledger lists (newest first).
pub const APPEALS_SHOWN: u64 = 200;

/// Records what a case step means for the public figures: a refusal with
/// its category, a contest, a contest's decision. Other steps: nothing.
pub async fn on_case_step<C: ConnectionTrait>(
    conn: &C,
    c: &case::Model,
    event: &Event,
    rec: &ActionRecord,
    after: &Case,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if matches!(
        event,
        Event::RefuseFirstCompensation | Event::ContestRecovery | Event::DecideContest { .. }
    ) {
        // The public ledger shows refusals and appeals: every server's page
        // cache drops it (a case that is not published logs no change itself).
        crate::changes::record(conn, crate::changes::Change::Ledger, now).await?;
    }
    match event {
        Event::RefuseFirstCompensation => {
            // The input requires the category; an older caller without one is `other`.
            let category = rec.refusal_category.unwrap_or(RefusalCategory::Other);
            fc_refusal::Entity::insert(fc_refusal::ActiveModel {
                case_id: Set(c.id),
                merchant_id: Set(c.merchant_id),
                category: Set(category.as_str().into()),
                refused_at: Set(now),
                ..Default::default()
            })
            .exec_without_returning(conn)
            .await
            .map_err(internal_error)?;
        }
        Event::ContestRecovery => {
            let paid = after
                .first_compensation
                .as_ref()
                .and_then(|fc| fc.amount)
                .map_or(0, |a| a.0);
            fc_contest::Entity::insert(fc_contest::ActiveModel {
                case_id: Set(c.id),
                merchant_id: Set(c.merchant_id),
                paid_fen: Set(paid),
                contested_at: Set(now),
                decided_at: Set(None),
                upheld: Set(None),
            })
            .on_conflict(
                OnConflict::column(fc_contest::Column::CaseId)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(conn)
            .await
            .map_err(internal_error)?;
        }
        Event::DecideContest { upheld } => {
            fc_contest::Entity::update_many()
                .col_expr(fc_contest::Column::DecidedAt, Expr::value(now))
                .col_expr(fc_contest::Column::Upheld, Expr::value(*upheld))
                .filter(fc_contest::Column::CaseId.eq(c.id))
                .exec(conn)
                .await
                .map_err(internal_error)?;
        }
        _ => {}
    }
    Ok(())
}

/// The contested payouts, newest first (optionally one merchant's).
pub async fn appeals<C: ConnectionTrait>(
    conn: &C,
    merchant_id: Option<i32>,
) -> Result<Vec<AppealRow>, AppError> {
    let mut q = fc_contest::Entity::find();
    if let Some(m) = merchant_id {
        q = q.filter(fc_contest::Column::MerchantId.eq(m));
    }
    let rows = q
        .order_by_desc(fc_contest::Column::ContestedAt)
        .order_by_desc(fc_contest::Column::CaseId)
        .limit(APPEALS_SHOWN)
        .all(conn)
        .await
        .map_err(internal_error)?;
    let numbers = crate::record::case_numbers(conn, rows.iter().map(|r| r.case_id)).await?;
    let names: HashMap<i32, String> =
        crate::record::merchant_names(conn, rows.iter().map(|r| r.merchant_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| AppealRow {
            case_number: numbers.get(&r.case_id).cloned().unwrap_or_default(),
            merchant_id: r.merchant_id,
            merchant_name: names.get(&r.merchant_id).cloned().unwrap_or_default(),
            paid_fen: r.paid_fen,
            contested_at: r.contested_at,
            state: AppealRow::state_of(r.upheld).into(),
            decided_at: r.decided_at,
            outcome: AppealRow::outcome_of(r.upheld).into(),
        })
        .collect())
}

/// The refused applications per category over the ledger's period: from
/// its first entry or refusal until `now` (optionally one merchant's).
pub async fn refusals<C: ConnectionTrait>(
    conn: &C,
    merchant_id: Option<i32>,
    now: DateTime<Utc>,
) -> Result<RefusalFigures, AppError> {
    let mut q = fc_refusal::Entity::find()
        .select_only()
        .column(fc_refusal::Column::Category)
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "n")
        .group_by(fc_refusal::Column::Category);
    if let Some(m) = merchant_id {
        q = q.filter(fc_refusal::Column::MerchantId.eq(m));
    }
    let counts: Vec<(RefusalCategory, u64)> = q
        .into_tuple::<(String, i64)>()
        .all(conn)
        .await
        .map_err(internal_error)?
        .into_iter()
        .filter_map(|(c, n)| Some((RefusalCategory::parse(&c)?, u64::try_from(n).ok()?)))
        .collect();
    let mut first_refusal = fc_refusal::Entity::find()
        .select_only()
        .column_as(fc_refusal::Column::RefusedAt.min(), "first");
    let mut first_entry = ledger_entry::Entity::find()
        .select_only()
        .column_as(ledger_entry::Column::CreatedAt.min(), "first")
        .filter(ledger_entry::Column::Kind.is_in(super::public::public_kinds()));
    if let Some(m) = merchant_id {
        first_refusal = first_refusal.filter(fc_refusal::Column::MerchantId.eq(m));
        first_entry = first_entry.filter(ledger_entry::Column::MerchantId.eq(m));
    }
    let a: Option<DateTime<Utc>> = first_refusal
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(conn)
        .await
        .map_err(internal_error)?
        .flatten();
    let b: Option<DateTime<Utc>> = first_entry
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(conn)
        .await
        .map_err(internal_error)?
        .flatten();
    let from = match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    Ok(RefusalFigures::from_counts(&counts, from, now))
}
