//! Settings each server caches in memory (today: the working-day calendar),
//! kept in step across servers by following the change log with an
//! in-memory cursor. A server starts with empty caches, so the follower
//! needs no history: it starts at the log's head.

use std::time::Duration;

use sea_orm::DbErr;

use crate::Services;
use crate::changes::{self, Change};

/// How often the change log is read.
pub const POLL: Duration = Duration::from_millis(500);

/// Follows the change log for ever, dropping cached settings that changed.
pub async fn follow(svc: Services) {
    let mut cursor = loop {
        match changes::head(&svc.db).await {
            Ok(head) => break head,
            Err(e) => {
                tracing::error!("settings follower: {e}");
                tokio::time::sleep(POLL).await;
            }
        }
    };
    // Whatever was cached before the cursor was read may predate it.
    svc.calendar.invalidate();
    loop {
        tokio::time::sleep(POLL).await;
        if let Err(e) = apply(&svc, &mut cursor).await {
            tracing::error!("settings follower: {e}");
        }
    }
}

/// Reads the changes after `cursor`, invalidates what they touch, and moves
/// `cursor` past them. Returns how many were read.
pub async fn apply(svc: &Services, cursor: &mut i32) -> Result<usize, DbErr> {
    let mut read = 0;
    loop {
        let batch = changes::after(&svc.db, *cursor, 1000).await?;
        let Some(&(last, _)) = batch.last() else {
            return Ok(read);
        };
        if batch.iter().any(|(_, c)| *c == Change::Calendar) {
            svc.calendar.invalidate();
        }
        read += batch.len();
        *cursor = last;
        if batch.len() < 1000 {
            return Ok(read);
        }
    }
}
