//! The cases an organisation sent, read back by it: status, the stage
//! deadlines running and the outcome so far, paged by id.

use domain::AppError;
use domain::platforms::{PlatformCasePage, PlatformCaseView, Scope};
use entities::case;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::OrgCaller;
use crate::Services;
use crate::db::internal_error;
use crate::record::{calendar, state_of};

/// The most a page holds, and what it holds when not asked.
pub const MAX_LIMIT: u64 = 200;
pub const DEFAULT_LIMIT: u64 = 50;

/// Cases this organisation filed with id above `after`, oldest first.
pub async fn list(
    svc: &Services,
    org: &OrgCaller,
    after: i32,
    limit: u64,
) -> Result<PlatformCasePage, AppError> {
    org.require(Scope::CasesReadOwn)?;
    let limit = limit.clamp(1, MAX_LIMIT);
    let rows = case::Entity::find()
        .filter(case::Column::SourceOrgId.eq(org.organisation_id))
        .filter(case::Column::Id.gt(after))
        .order_by_asc(case::Column::Id)
        .limit(limit + 1)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let more = rows.len() as u64 > limit;
    let cal = calendar::current(svc, &svc.db).await?;
    let now = svc.clock.now();
    let mut items = Vec::with_capacity(rows.len());
    for c in rows.iter().take(limit as usize) {
        let state = state_of(c)?;
        items.push(PlatformCaseView {
            id: c.id,
            number: c.number.clone(),
            external_id: c.external_id.clone(),
            status: state.status,
            deadlines: crate::cases::read::deadline_views(&state, &cal, now),
            settlement: state.settlement.clone(),
            decision: state.decision.clone(),
            created_at: c.created_at,
            updated_at: c.updated_at,
        });
    }
    let next_after = if more {
        items.last().map(|c| c.id)
    } else {
        None
    };
    Ok(PlatformCasePage { items, next_after })
}
