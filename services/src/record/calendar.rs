//! The working-day calendar, kept in the `holidays` table (an admin edits
//! it; `db::migrate` seeds it with the official 2025–2026 days when empty).
//! Every action and the sweeper need it, so each server keeps it in memory
//! ([`current`]); an edit records `Change::Calendar`, and every server drops
//! its copy when it sees that change (`settings::follow`), the editing server
//! at once.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
use domain::AppError;
use domain::calendar::{DayKind, WorkingCalendar};
use entities::holiday;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder};

use crate::Services;
use crate::changes::{self, Change};
use crate::db::internal_error;

/// This server's copy of the calendar, loaded on first use after each
/// invalidation.
#[derive(Default)]
pub struct Cache {
    /// (generation, calendar): a load that raced an invalidation (the
    /// generation moved on meanwhile) is used once but not kept.
    slot: Mutex<(u64, Option<Arc<WorkingCalendar>>)>,
}

impl Cache {
    /// Forgets the cached calendar; the next [`current`] reads the table.
    pub fn invalidate(&self) {
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        slot.0 += 1;
        slot.1 = None;
    }
}

/// The calendar, from this server's cache; when missing, read through
/// `conn` (the caller's transaction, if it has one: a second connection from
/// a busy pool could wait on the caller's own).
pub async fn current<C: ConnectionTrait>(
    svc: &Services,
    conn: &C,
) -> Result<Arc<WorkingCalendar>, AppError> {
    let generation = {
        let slot = svc.calendar.slot.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(cal) = &slot.1 {
            return Ok(cal.clone());
        }
        slot.0
    };
    let cal = Arc::new(load(conn).await?);
    let mut slot = svc.calendar.slot.lock().unwrap_or_else(|p| p.into_inner());
    if slot.0 == generation {
        slot.1 = Some(cal.clone());
    }
    Ok(cal)
}

/// Reads the calendar from the table (a few dozen rows); most callers want
/// the cached [`current`].
pub async fn load<C: ConnectionTrait>(conn: &C) -> Result<WorkingCalendar, AppError> {
    let rows = holiday::Entity::find()
        .all(conn)
        .await
        .map_err(internal_error)?;
    Ok(WorkingCalendar::new(
        rows.into_iter().map(|r| (r.day, kind_of(&r.kind))),
    ))
}

fn kind_of(s: &str) -> DayKind {
    DayKind::parse(s).unwrap_or(DayKind::Holiday)
}

/// An admin's edit: sets one day in its own transaction and drops this
/// server's cached calendar at once (the others follow the change log).
pub async fn edit(
    svc: &Services,
    day: NaiveDate,
    kind: Option<DayKind>,
    note: &str,
) -> Result<(), AppError> {
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    set_day(&txn, day, kind, note, svc.clock.now()).await?;
    txn.commit().await.map_err(internal_error)?;
    svc.calendar.invalidate();
    Ok(())
}

/// Sets (or, with `None`, clears) the kind of one day, and records
/// `Change::Calendar`, in the caller's transaction.
pub async fn set_day<C: ConnectionTrait>(
    conn: &C,
    day: NaiveDate,
    kind: Option<DayKind>,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    holiday::Entity::delete_by_id(day)
        .exec(conn)
        .await
        .map_err(internal_error)?;
    if let Some(k) = kind {
        holiday::Entity::insert(holiday::ActiveModel {
            day: Set(day),
            kind: Set(k.as_str().into()),
            note: Set(note.chars().take(100).collect()),
        })
        .exec_without_returning(conn)
        .await
        .map_err(internal_error)?;
    }
    changes::record(conn, Change::Calendar, now).await
}

/// Every configured day, in order.
pub async fn days<C: ConnectionTrait>(
    conn: &C,
) -> Result<Vec<(NaiveDate, DayKind, String)>, AppError> {
    let rows = holiday::Entity::find()
        .order_by_asc(holiday::Column::Day)
        .all(conn)
        .await
        .map_err(internal_error)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.day, kind_of(&r.kind), r.note))
        .collect())
}
