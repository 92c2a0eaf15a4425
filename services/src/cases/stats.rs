//! The staff statistics of the case queues: open cases per status, what
//! waits in each queue, and arbitration decisions past their deadline; and
//! the public figures of the home page.

use domain::cases::{CaseStatistics, OwnerCount, Status, StatusCount};
use domain::{AppError, UserView};
use entities::case;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::Services;
use crate::db::internal_error;
use crate::record::{final_statuses, is_case_staff};

/// Staff only (mediators, arbitrators, fund administrators, regulators,
/// admins); 403 for anyone else.
pub async fn statistics(svc: &Services, viewer: &UserView) -> Result<CaseStatistics, AppError> {
    if !is_case_staff(viewer.role) {
        return Err(AppError::Forbidden);
    }
    let db = &svc.db;
    let by_status: Vec<(String, i64)> = case::Entity::find()
        .select_only()
        .column(case::Column::Status)
        .column_as(Expr::col(case::Column::Id).count(), "n")
        .filter(case::Column::Status.is_not_in(final_statuses()))
        .group_by(case::Column::Status)
        .into_tuple()
        .all(db)
        .await
        .map_err(internal_error)?;
    let mut open_by_status: Vec<StatusCount> = by_status
        .into_iter()
        .filter_map(|(s, n)| {
            Some(StatusCount {
                status: Status::parse(&s)?,
                count: u64::try_from(n).unwrap_or(0),
            })
        })
        .collect();
    // In the order of the case's path, not the database's.
    open_by_status.sort_by_key(|c| Status::ALL.iter().position(|s| *s == c.status));
    let queue = |status: Status| {
        case::Entity::find()
            .filter(case::Column::Status.eq(status.as_str()))
            .filter(case::Column::OwnerId.is_null())
            .count(db)
    };
    let mediation_queue = queue(Status::InMediation).await.map_err(internal_error)?;
    let arbitration_queue = queue(Status::InArbitration).await.map_err(internal_error)?;
    let overdue = Condition::all()
        .add(case::Column::Status.eq(Status::InArbitration.as_str()))
        .add(case::Column::DecisionOverdueAt.is_not_null());
    let decisions_overdue = case::Entity::find()
        .filter(overdue.clone())
        .count(db)
        .await
        .map_err(internal_error)?;
    let by_owner: Vec<(i32, i64)> = case::Entity::find()
        .select_only()
        .column(case::Column::OwnerId)
        .column_as(Expr::col(case::Column::Id).count(), "n")
        .filter(overdue)
        .filter(case::Column::OwnerId.is_not_null())
        .group_by(case::Column::OwnerId)
        .into_tuple()
        .all(db)
        .await
        .map_err(internal_error)?;
    let names: std::collections::HashMap<i32, String> =
        crate::record::user_names(db, by_owner.iter().map(|(id, _)| *id)).await?;
    let mut decisions_overdue_by_owner: Vec<OwnerCount> = by_owner
        .into_iter()
        .map(|(owner_id, n)| OwnerCount {
            owner_id,
            owner_name: names.get(&owner_id).cloned().unwrap_or_default(),
            count: u64::try_from(n).unwrap_or(0),
        })
        .collect();
    decisions_overdue_by_owner
        .sort_by(|a, b| b.count.cmp(&a.count).then(a.owner_id.cmp(&b.owner_id)));
    let decided_late = case::Entity::find()
        .filter(case::Column::Status.ne(Status::InArbitration.as_str()))
        .filter(case::Column::DecisionOverdueAt.is_not_null())
        .count(db)
        .await
        .map_err(internal_error)?;
    Ok(CaseStatistics {
        open_by_status,
        mediation_queue,
        arbitration_queue,
        decisions_overdue,
        decisions_overdue_by_owner,
        decided_late,
    })
}

/// The home page's figures, for anyone: cases closed, the median time from
/// filing to closing (each case's closing from its trail, as the dashboard
/// counts it), and the fund's first compensation paid. Read a page of cases
/// at a time.
pub async fn public_figures(svc: &Services) -> Result<domain::dashboard::PublicFigures, AppError> {
    let db = &svc.db;
    let mut minutes: Vec<i64> = vec![];
    let mut resolved = 0u64;
    let mut after = 0;
    loop {
        let rows: Vec<(i32, chrono::DateTime<chrono::Utc>)> = case::Entity::find()
            .select_only()
            .column(case::Column::Id)
            .column(case::Column::CreatedAt)
            .filter(case::Column::Status.eq(Status::Closed.as_str()))
            .filter(case::Column::Id.gt(after))
            .order_by_asc(case::Column::Id)
            .limit(crate::export::PAGE)
            .into_tuple()
            .all(db)
            .await
            .map_err(internal_error)?;
        let Some(&(last, _)) = rows.last() else {
            break;
        };
        resolved += rows.len() as u64;
        let ids: Vec<i32> = rows.iter().map(|r| r.0).collect();
        let closed = crate::record::trail::closing_times(db, &ids)
            .await
            .map_err(|e| {
                tracing::error!("home figures: {e}");
                AppError::Internal
            })?;
        minutes.extend(rows.iter().filter_map(|(id, filed_at)| {
            closed
                .get(id)
                .map(|at| Ord::max((*at - *filed_at).num_minutes(), 0))
        }));
        if (rows.len() as u64) < crate::export::PAGE {
            break;
        }
        after = last;
    }
    let fund = crate::fund::public::summary(db, None).await?;
    Ok(domain::dashboard::PublicFigures {
        cases_resolved: resolved,
        resolution_median_minutes: domain::dashboard::median(&mut minutes),
        fund_paid_fen: fund.paid_fen,
    })
}
