//! Risk warnings (信用风险预警) for regulators: complaint spikes against a
//! merchant's own baseline, and signs of rating brushing (the thresholds are
//! `domain::credit::risk`). The sweeper evaluates the signals ([`raise`])
//! and stores each new one once per merchant, signal and week — a unique
//! key, so two servers sweeping at once store it once — and, in the same
//! transaction, puts it in every regulator's inbox. Regulators read the
//! stored warnings ([`list`]) and acknowledge each with a note
//! ([`acknowledge`]).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use domain::credit::risk::{
    AcknowledgeInput, RiskParams, RiskWarning, Signal, WarningState, complaint_spike, period_key,
    rating_signals,
};
use domain::{AppError, Role, UserView};
use entities::{case, rating, risk_warning, user};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::Services;
use crate::db::{self, internal_error};
use crate::record::notice;

/// The most warnings a list shows of each state.
pub const LIST_MAX: u64 = 500;

/// Evaluates the signals at `now` and stores the new ones (merchant,
/// signal, week not stored yet), each with one inbox entry per regulator
/// in the same transaction. Returns how many were raised.
pub async fn raise(svc: &Services, now: DateTime<Utc>) -> Result<usize, AppError> {
    let found = evaluate(&svc.db, now, &svc.config.risk).await?;
    let period = period_key(now);
    let mut raised = 0;
    for (merchant_id, s) in found {
        if store(svc, merchant_id, &s, &period, now).await? {
            raised += 1;
        }
    }
    Ok(raised)
}

/// Stores signal `s` of merchant `merchant_id` for week `period` unless
/// it is stored already, and in the same transaction puts it in every
/// regulator's inbox. True when it was new.
pub async fn store(
    svc: &Services,
    merchant_id: i32,
    s: &Signal,
    period: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let txn = db::begin(&svc.db).await.map_err(internal_error)?;
    let figures = serde_json::to_string(&s.figures).map_err(|_| AppError::Internal)?;
    let inserted = txn
        .execute(
            Query::insert()
                .into_table(risk_warning::Entity)
                .columns([
                    risk_warning::Column::MerchantId,
                    risk_warning::Column::Signal,
                    risk_warning::Column::Period,
                    risk_warning::Column::Detail,
                    risk_warning::Column::Figures,
                    risk_warning::Column::RaisedAt,
                ])
                .values_panic([
                    merchant_id.into(),
                    s.kind.clone().into(),
                    period.into(),
                    s.detail.clone().into(),
                    figures.into(),
                    now.into(),
                ])
                .on_conflict(
                    OnConflict::columns([
                        risk_warning::Column::MerchantId,
                        risk_warning::Column::Signal,
                        risk_warning::Column::Period,
                    ])
                    .do_nothing()
                    .to_owned(),
                ),
        )
        .await
        .map_err(internal_error)?;
    let new = inserted.rows_affected() == 1;
    if new {
        notice::add_for_role(&txn, Role::Regulator, "risk_warning", now).await?;
    }
    txn.commit().await.map_err(internal_error)?;
    Ok(new)
}

/// The stored warnings, open first (then the newest first); `state` keeps
/// only the open or the acknowledged ones. Regulators and admins.
pub async fn list(
    svc: &Services,
    viewer: &UserView,
    state: Option<WarningState>,
) -> Result<Vec<RiskWarning>, AppError> {
    if !matches!(viewer.role, Role::Regulator | Role::Admin) {
        return Err(AppError::Forbidden);
    }
    let mut rows = vec![];
    for s in WarningState::ALL {
        if state.is_some_and(|want| want != *s) {
            continue;
        }
        let q = risk_warning::Entity::find();
        let q = match s {
            WarningState::Open => q.filter(risk_warning::Column::AcknowledgedAt.is_null()),
            WarningState::Acknowledged => {
                q.filter(risk_warning::Column::AcknowledgedAt.is_not_null())
            }
        };
        rows.extend(
            q.order_by_desc(risk_warning::Column::RaisedAt)
                .order_by_desc(risk_warning::Column::Id)
                .limit(LIST_MAX)
                .all(&svc.db)
                .await
                .map_err(internal_error)?,
        );
    }
    views(&svc.db, rows).await
}

async fn views<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<risk_warning::Model>,
) -> Result<Vec<RiskWarning>, AppError> {
    let names: HashMap<i32, String> =
        crate::record::merchant_names(conn, rows.iter().map(|r| r.merchant_id)).await?;
    let who: HashMap<i32, String> =
        crate::record::user_names(conn, rows.iter().filter_map(|r| r.acknowledged_by)).await?;
    Ok(rows
        .into_iter()
        .map(|r| RiskWarning {
            id: r.id,
            merchant_id: r.merchant_id,
            merchant_name: names.get(&r.merchant_id).cloned().unwrap_or_default(),
            kind: r.signal,
            detail: r.detail,
            figures: serde_json::from_str(&r.figures).unwrap_or_default(),
            period: r.period,
            raised_at: r.raised_at,
            acknowledged_at: r.acknowledged_at,
            acknowledged_by_name: r.acknowledged_by.and_then(|id| who.get(&id).cloned()),
            acknowledged_by: r.acknowledged_by,
            note: r.note,
        })
        .collect())
}

/// A regulator acknowledges warning `id` with a note: 403 for anyone else,
/// 422 naming `note`, 404 for no such warning, 409 when it was already
/// acknowledged (the first acknowledgement stands).
pub async fn acknowledge(
    svc: &Services,
    viewer: &UserView,
    id: i32,
    input: &AcknowledgeInput,
) -> Result<RiskWarning, AppError> {
    if viewer.role != Role::Regulator {
        return Err(AppError::Forbidden);
    }
    let note = input.check()?;
    let now = svc.clock.now();
    let txn = db::begin(&svc.db).await.map_err(internal_error)?;
    let done = risk_warning::Entity::update_many()
        .col_expr(risk_warning::Column::AcknowledgedAt, Expr::value(now))
        .col_expr(risk_warning::Column::AcknowledgedBy, Expr::value(viewer.id))
        .col_expr(risk_warning::Column::Note, Expr::value(note))
        .filter(risk_warning::Column::Id.eq(id))
        .filter(risk_warning::Column::AcknowledgedAt.is_null())
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    let row = risk_warning::Entity::find_by_id(id)
        .one(&txn)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    if done.rows_affected == 0 {
        return Err(AppError::conflict("id", "err.risk.already_acknowledged"));
    }
    let view = views(&txn, vec![row])
        .await?
        .pop()
        .ok_or(AppError::Internal)?;
    txn.commit().await.map_err(internal_error)?;
    Ok(view)
}

/// Every signal raised now, per merchant (the merchant's id, the signal),
/// from the cases and ratings tables.
pub async fn evaluate<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    p: &RiskParams,
) -> Result<Vec<(i32, Signal)>, AppError> {
    let week = now - Duration::days(7);
    let since = week - Duration::weeks(12);
    // Complaints per merchant: this week, and the 12 weeks before.
    let filed: Vec<(i32, DateTime<Utc>)> = case::Entity::find()
        .select_only()
        .column(case::Column::MerchantId)
        .column(case::Column::CreatedAt)
        .filter(case::Column::CreatedAt.gte(since))
        .into_tuple()
        .all(conn)
        .await
        .map_err(internal_error)?;
    let mut counts: BTreeMap<i32, (u32, u32)> = BTreeMap::new();
    for (m, at) in filed {
        let e = counts.entry(m).or_default();
        if at >= week {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    let mut signals: BTreeMap<i32, Vec<domain::credit::risk::Signal>> = BTreeMap::new();
    for (m, (this_week, before)) in counts {
        if let Some(s) = complaint_spike(this_week, before, p) {
            signals.entry(m).or_default().push(s);
        }
    }
    // Ratings of the last 7 days by consumers: new accounts' five stars, and IPs.
    let rated: Vec<rating::Model> = rating::Entity::find()
        .filter(rating::Column::CreatedAt.gte(week))
        .filter(rating::Column::Side.eq("consumer"))
        .all(conn)
        .await
        .map_err(internal_error)?;
    let joined: HashMap<i32, DateTime<Utc>> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::CreatedAt)
        .filter(user::Column::Id.is_in(rated.iter().map(|r| r.author_id)))
        .into_tuple::<(i32, DateTime<Utc>)>()
        .all(conn)
        .await
        .map_err(internal_error)?
        .into_iter()
        .collect();
    let mut per_merchant: BTreeMap<i32, (u32, HashMap<&str, u32>)> = BTreeMap::new();
    for r in &rated {
        let e = per_merchant.entry(r.merchant_id).or_default();
        let new_account = joined
            .get(&r.author_id)
            .is_some_and(|j| r.created_at - *j < Duration::days(i64::from(p.new_account_days)));
        if r.stars == Some(5) && new_account {
            e.0 += 1;
        }
        // An address the server could not tell proves nothing.
        if !r.author_ip.is_empty() && r.author_ip != "unknown" {
            *e.1.entry(r.author_ip.as_str()).or_default() += 1;
        }
    }
    for (m, (burst, ips)) in per_merchant {
        let most = ips.values().copied().max().unwrap_or(0);
        let v = rating_signals(burst, most, p);
        if !v.is_empty() {
            signals.entry(m).or_default().extend(v);
        }
    }
    Ok(signals
        .into_iter()
        .flat_map(|(m, v)| v.into_iter().map(move |s| (m, s)))
        .collect())
}
