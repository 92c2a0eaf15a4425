//! The in-app inbox: entries are written by `record::notice`; users read and clear them here.

use domain::inbox::NotificationView;
use domain::{AppError, UserView};
use entities::notification;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::Services;
use crate::db::internal_error;

/// The newest entries first.
pub async fn list(
    svc: &Services,
    user: &UserView,
    limit: u64,
) -> Result<Vec<NotificationView>, AppError> {
    let rows = notification::Entity::find()
        .filter(notification::Column::UserId.eq(user.id))
        .order_by_desc(notification::Column::Id)
        .limit(limit)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let ids: Vec<i32> = rows.iter().filter_map(|n| n.case_id).collect();
    let numbers = crate::record::case_numbers(&svc.db, ids).await?;
    Ok(rows
        .into_iter()
        .map(|n| NotificationView {
            id: n.id,
            case_number: n.case_id.and_then(|c| numbers.get(&c).cloned()),
            case_id: n.case_id,
            key: n.key,
            created_at: n.created_at,
            read: n.read_at.is_some(),
        })
        .collect())
}

pub async fn unread_count(svc: &Services, user: &UserView) -> Result<u64, AppError> {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(user.id))
        .filter(notification::Column::ReadAt.is_null())
        .count(&svc.db)
        .await
        .map_err(internal_error)
}

/// Marks every unread entry of the user read; returns how many.
pub async fn mark_all_read(svc: &Services, user: &UserView) -> Result<u64, AppError> {
    let res = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(svc.clock.now()))
        .filter(notification::Column::UserId.eq(user.id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(&svc.db)
        .await
        .map_err(internal_error)?;
    Ok(res.rows_affected)
}
