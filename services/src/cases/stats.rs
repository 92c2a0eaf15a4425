//! The staff statistics of the case queues: open cases per status, what
//! waits in each queue, and arbitration decisions past their deadline.

use domain::cases::{CaseStatistics, OwnerCount, Status, StatusCount};
use domain::{AppError, UserView};
use entities::case;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};

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
