//! The deadline sweeper: applies `DeadlineElapsed` to every case whose next
//! deadline has passed and sends a reminder one working day before each
//! deadline; it also publishes credit records past their objection period
//! and raises new risk warnings; it deletes filing drafts past their
//! keeping time. Safe to run twice and after a crash: each
//! case moves in its own guarded transaction, each reminder is recorded
//! once, and each risk warning is stored (and pushed) once.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use domain::cases::{ActionRecord, Actor, Event, Notice, RuleError};
use entities::{case, case_reminder};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::step;
use crate::Services;
use crate::db::internal_error;
use crate::record::{self, calendar, notice, state_of};

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    /// Cases moved by an elapsed deadline.
    pub transitions: usize,
    /// Reminders sent (one per case, deadline and audience set).
    pub reminders: usize,
    /// Cases someone else changed while the sweeper looked (left for the next run).
    pub conflicts: usize,
    /// Credit records published after their objection period.
    pub records_published: usize,
    /// Risk warnings raised (stored and pushed to the regulators).
    pub risk_warnings: usize,
    /// Filing drafts deleted, [`domain::cases::DRAFT_KEEP_DAYS`] after they were last saved.
    pub drafts_expired: usize,
}

impl std::fmt::Display for SweepReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "deadline transitions: {}, reminders: {}, conflicts: {}, credit records published: {}, risk warnings raised: {}, drafts expired: {}",
            self.transitions,
            self.reminders,
            self.conflicts,
            self.records_published,
            self.risk_warnings,
            self.drafts_expired
        )
    }
}

pub async fn sweep(svc: &Services, now: DateTime<Utc>) -> anyhow::Result<SweepReport> {
    let mut report = SweepReport::default();
    let mut seen: HashSet<i32> = HashSet::new();
    loop {
        let due: Vec<i32> = case::Entity::find()
            .select_only()
            .column(case::Column::Id)
            .filter(case::Column::NextDeadlineAt.lte(now))
            .filter(case::Column::Status.is_not_in(record::final_statuses()))
            .filter(case::Column::Id.is_not_in(seen.iter().copied().collect::<Vec<_>>()))
            .order_by_asc(case::Column::NextDeadlineAt)
            .limit(200)
            .into_tuple()
            .all(&svc.db)
            .await?;
        if due.is_empty() {
            break;
        }
        for id in due {
            seen.insert(id);
            match elapse(svc, id, now).await {
                Ok(true) => report.transitions += 1,
                Ok(false) => {}
                Err(domain::AppError::Conflict { .. }) => report.conflicts += 1,
                Err(e) => anyhow::bail!("case {id}: {e}"),
            }
        }
    }
    report.reminders = remind(svc, now).await?;
    report.records_published = crate::credit::records::publish_due(svc, now)
        .await
        .map_err(|e| anyhow::anyhow!("publishing credit records: {e}"))?;
    report.risk_warnings = crate::credit::risk::raise(svc, now)
        .await
        .map_err(|e| anyhow::anyhow!("raising risk warnings: {e}"))?;
    report.drafts_expired = super::draft::expire(svc, now)
        .await
        .map_err(|e| anyhow::anyhow!("deleting expired drafts: {e}"))?;
    if report.transitions + report.reminders + report.records_published > 0 {
        svc.outbox_wake.notify_one();
    }
    Ok(report)
}

/// Applies `DeadlineElapsed` to one case through the same step as a
/// person's action; false when nothing was due after all.
async fn elapse(svc: &Services, id: i32, now: DateTime<Utc>) -> Result<bool, domain::AppError> {
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let (c, m) = record::load(&txn, id).await?;
    let cal = calendar::current(svc, &txn).await?;
    let before = state_of(&c)?;
    let event = Event::DeadlineElapsed;
    let t = match before.apply(Actor::System, &event, now, &cal) {
        Ok(t) => t,
        Err(RuleError::NotNow { .. }) => return Ok(false),
        Err(e) => return Err(super::rule_error(e)),
    };
    let rec = ActionRecord::default();
    step::commit(
        svc,
        &txn,
        &c,
        &m,
        &before,
        &event,
        &t,
        step::By::System,
        rec,
        now,
    )
    .await?;
    txn.commit().await.map_err(internal_error)?;
    Ok(true)
}

/// One working day before a deadline, tells whoever the case waits on.
async fn remind(svc: &Services, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let cal = calendar::current(svc, &svc.db).await?;
    let mut sent = 0;
    let mut after = 0;
    loop {
        let open = case::Entity::find()
            .filter(case::Column::Status.is_not_in(record::final_statuses()))
            .filter(case::Column::Id.gt(after))
            .order_by_asc(case::Column::Id)
            .limit(500)
            .all(&svc.db)
            .await?;
        let Some(last) = open.last() else { break };
        after = last.id;
        for c in open {
            let state = state_of(&c).map_err(|e| anyhow::anyhow!("case {}: {e}", c.id))?;
            for (key, at) in state.deadlines() {
                if now >= at || cal.working_days_left(now, at) > 1 {
                    continue;
                }
                let txn = crate::db::begin(&svc.db).await?;
                let inserted = case_reminder::Entity::insert(case_reminder::ActiveModel {
                    case_id: Set(c.id),
                    deadline_key: Set(key.into()),
                    deadline_at: Set(at),
                })
                .on_conflict(
                    OnConflict::columns([
                        case_reminder::Column::CaseId,
                        case_reminder::Column::DeadlineKey,
                        case_reminder::Column::DeadlineAt,
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
                if inserted == 1 {
                    let (_, m) = record::load(&txn, c.id)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    let notices: Vec<Notice> = state
                        .waiting_on()
                        .into_iter()
                        .map(|to| Notice {
                            to,
                            key: "reminder",
                        })
                        .collect();
                    notice::case_step(svc, &txn, &c, &m, &state, &notices, None)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    sent += 1;
                }
                txn.commit().await?;
            }
        }
    }
    Ok(sent)
}

/// The lease only one server sweeps under.
pub const LEASE: &str = "sweeper";

/// Runs the sweeper every minute (`GONGDAO_SWEEP_EVERY_SECS`), for ever,
/// while this server holds the `sweeper` lease (several servers may share
/// the database; a second sweeper would be harmless — every step is
/// guarded — but wasted work).
/// Expired rate-limit windows are removed on the same beat.
pub async fn run(svc: Services) {
    loop {
        let now = svc.clock.now();
        let work = async {
            let report = sweep(&svc, now).await;
            if let Err(e) = crate::rate_limit::purge_expired(&svc.db, chrono::Utc::now()).await {
                tracing::warn!("removing expired rate-limit windows: {e}");
            }
            report
        };
        match crate::lease::run_held(&svc.db, LEASE, &svc.holder, svc.config.jobs.lease_ttl, work)
            .await
        {
            Some(Ok(r)) if r.transitions + r.reminders + r.conflicts + r.risk_warnings > 0 => {
                tracing::info!("sweeper: {r}")
            }
            Some(Ok(_)) | None => {}
            Some(Err(e)) => tracing::error!("sweeper: {e:#}"),
        }
        tokio::time::sleep(svc.config.jobs.sweep_every).await;
    }
}
