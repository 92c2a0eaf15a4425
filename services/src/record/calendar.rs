//! The working-day calendar, kept in the `holidays` table (an admin edits
//! it; `db::migrate` seeds it with the official 2025–2026 days when empty).

use chrono::NaiveDate;
use domain::AppError;
use domain::calendar::{DayKind, WorkingCalendar};
use entities::holiday;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder};

use crate::db::internal_error;

/// Loads the calendar (a few dozen rows).
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

/// Sets (or, with `None`, clears) the kind of one day.
pub async fn set_day<C: ConnectionTrait>(
    conn: &C,
    day: NaiveDate,
    kind: Option<DayKind>,
    note: &str,
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
    Ok(())
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
