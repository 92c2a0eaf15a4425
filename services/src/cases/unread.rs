//! Which cases have something new for their reader: how far each account
//! has read each case (`case_reads`, the trail's last entry when it last
//! opened the case) against the trail's entries by someone else since. Kept
//! in the database, so every server marks the same.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use domain::UserView;
use entities::{case_read, case_trail};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};

use crate::db::internal_error;
use crate::record::{is_case_staff, trail};

/// Records that `viewer` has read the case up to its trail's last entry.
pub async fn mark_read<C: ConnectionTrait>(
    conn: &C,
    viewer: &UserView,
    case_id: i32,
    now: DateTime<Utc>,
) -> Result<(), domain::AppError> {
    let last: Option<i32> = case_trail::Entity::find()
        .select_only()
        .column_as(case_trail::Column::Seq.max(), "seq")
        .filter(case_trail::Column::CaseId.eq(case_id))
        .into_tuple()
        .one(conn)
        .await
        .map_err(internal_error)?
        .flatten();
    case_read::Entity::insert(case_read::ActiveModel {
        user_id: Set(viewer.id),
        case_id: Set(case_id),
        seq: Set(last.unwrap_or(0)),
        read_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([case_read::Column::UserId, case_read::Column::CaseId])
            .update_columns([case_read::Column::Seq, case_read::Column::ReadAt])
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await
    .map_err(internal_error)?;
    Ok(())
}

/// Of `case_ids`, those with a trail entry by someone other than `viewer`
/// past what they last read (or any such entry, never read). Internal
/// entries count for staff only: a party is not told of what it cannot read.
pub async fn unread_among<C: ConnectionTrait>(
    conn: &C,
    viewer: &UserView,
    case_ids: &[i32],
) -> Result<HashSet<i32>, domain::AppError> {
    if case_ids.is_empty() {
        return Ok(HashSet::new());
    }
    let mut q = case_trail::Entity::find()
        .select_only()
        .column(case_trail::Column::CaseId)
        .column_as(case_trail::Column::Seq.max(), "latest")
        .filter(case_trail::Column::CaseId.is_in(case_ids.iter().copied()))
        .filter(
            Condition::any()
                .add(case_trail::Column::ActorId.is_null())
                .add(case_trail::Column::ActorId.ne(viewer.id)),
        )
        .group_by(case_trail::Column::CaseId);
    if !is_case_staff(viewer.role) {
        q = q.filter(case_trail::Column::Kind.ne(trail::INTERNAL));
    }
    let latest: Vec<(i32, i32)> = q.into_tuple().all(conn).await.map_err(internal_error)?;
    let read: HashMap<i32, i32> = case_read::Entity::find()
        .filter(case_read::Column::UserId.eq(viewer.id))
        .filter(case_read::Column::CaseId.is_in(case_ids.iter().copied()))
        .all(conn)
        .await
        .map_err(internal_error)?
        .into_iter()
        .map(|r| (r.case_id, r.seq))
        .collect();
    Ok(latest
        .into_iter()
        .filter(|(id, seq)| read.get(id).is_none_or(|r| seq > r))
        .map(|(id, _)| id)
        .collect())
}
