//! Staff administration by admins: the account list, deactivating and
//! reactivating an account, changing a staff member's role — each with a
//! reason, each in the audit log (`staff_admin_log`) in the same
//! transaction as the change.
//!
//! Rules: an admin never acts on their own account (another admin must), the
//! last active admin cannot be deactivated or demoted, and a staff member
//! who still owns open cases keeps their role and stays active until those
//! cases are handed over (a case is never left with an owner who cannot act).

use chrono::{DateTime, Utc};
use domain::accounts::{
    AccountPage, AccountQuery, AccountView, RoleInput, StaffAdminEntry, StatusInput, admin_reason,
};
use domain::{AppError, Role, UserView};
use entities::{case, session, staff_admin_log as log, user};
use sea_orm::sea_query::{Expr, Func, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::Services;
use crate::db::internal_error;

/// Accounts a page of the list holds.
pub const PAGE: u64 = 50;

pub const CREATED: &str = "created";
pub const DEACTIVATED: &str = "deactivated";
pub const REACTIVATED: &str = "reactivated";
pub const ROLE_CHANGED: &str = "role_changed";

fn admin_only(user: &UserView) -> Result<(), AppError> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub fn account_view(u: &user::Model) -> AccountView {
    AccountView {
        id: u.id,
        email: u.email.clone(),
        display_name: u.display_name.clone(),
        role: Role::parse(&u.role).unwrap_or(Role::Consumer),
        email_verified: u.email_verified_at.is_some(),
        created_at: u.created_at,
        deactivated_at: u.deactivated_at,
        deleted_at: u.deleted_at,
    }
}

/// A page of accounts matching `query` (a text in the address or name, a
/// role), newest first, and the cursor of the next page.
pub async fn list(
    svc: &Services,
    admin: &UserView,
    query: &AccountQuery,
) -> Result<AccountPage, AppError> {
    admin_only(admin)?;
    let mut find = user::Entity::find().order_by_desc(user::Column::Id);
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let like = format!("%{}%", q.to_lowercase().replace(['%', '_'], ""));
        let contains = |c: user::Column| -> SimpleExpr {
            sea_orm::sea_query::ExprTrait::like(
                Expr::expr(Func::lower(Expr::col(c))),
                like.as_str(),
            )
        };
        find = find.filter(
            sea_orm::Condition::any()
                .add(contains(user::Column::Email))
                .add(contains(user::Column::DisplayName)),
        );
    }
    if let Some(role) = query.role {
        find = find.filter(user::Column::Role.eq(role.as_str()));
    }
    if let Some(before) = query.before {
        find = find.filter(user::Column::Id.lt(before));
    }
    let rows = find
        .limit(PAGE + 1)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let more = rows.len() as u64 > PAGE;
    let page: Vec<AccountView> = rows.iter().take(PAGE as usize).map(account_view).collect();
    let next_before = if more {
        page.last().map(|a| a.id)
    } else {
        None
    };
    Ok(AccountPage {
        items: page,
        next_before,
    })
}

async fn load<C: ConnectionTrait>(conn: &C, id: i32) -> Result<user::Model, AppError> {
    user::Entity::find_by_id(id)
        .one(conn)
        .await
        .map_err(internal_error)?
        .filter(|u| u.deleted_at.is_none())
        .ok_or(AppError::NotFound)
}

/// Open cases the staff member owns (mediation, arbitration, a contest).
async fn open_cases_owned<C: ConnectionTrait>(conn: &C, id: i32) -> Result<u64, AppError> {
    let finals = crate::record::final_statuses();
    case::Entity::find()
        .filter(case::Column::OwnerId.eq(id))
        .filter(case::Column::Status.is_not_in(finals))
        .count(conn)
        .await
        .map_err(internal_error)
}

/// Would `target` stop being an active admin leave none?
async fn last_admin<C: ConnectionTrait>(conn: &C, target: &user::Model) -> Result<bool, AppError> {
    if target.role != Role::Admin.as_str() || target.deactivated_at.is_some() {
        return Ok(false);
    }
    // The active admins' rows locked (PostgreSQL; SQLite has one writer):
    // two admins deactivating each other at once are taken one at a time,
    // and the second finds the first gone.
    let active = user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin.as_str()))
        .filter(user::Column::DeactivatedAt.is_null())
        .filter(user::Column::DeletedAt.is_null())
        .lock_exclusive()
        .all(conn)
        .await
        .map_err(internal_error)?;
    Ok(active.len() <= 1)
}

/// Writes one line of the audit log in `conn` (the caller's transaction).
#[allow(clippy::too_many_arguments)]
pub(super) async fn log_act<C: ConnectionTrait>(
    conn: &C,
    admin_id: i32,
    user_id: i32,
    action: &str,
    from_role: Option<&str>,
    to_role: Option<&str>,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    log::ActiveModel {
        admin_id: Set(admin_id),
        user_id: Set(user_id),
        action: Set(action.into()),
        from_role: Set(from_role.map(Into::into)),
        to_role: Set(to_role.map(Into::into)),
        reason: Set(reason.into()),
        at: Set(at),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map_err(internal_error)?;
    Ok(())
}

/// Deactivates (signed out everywhere, sign-in refused) or reactivates an
/// account. Asking for the state it is already in changes nothing and logs
/// nothing.
pub async fn set_status(
    svc: &Services,
    admin: &UserView,
    id: i32,
    input: &StatusInput,
) -> Result<AccountView, AppError> {
    admin_only(admin)?;
    let reason = admin_reason(&input.reason)?;
    if id == admin.id {
        return Err(AppError::conflict("id", "err.admin.self"));
    }
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let u = load(&txn, id).await?;
    if input.active == u.deactivated_at.is_none() {
        return Ok(account_view(&u));
    }
    if !input.active {
        if last_admin(&txn, &u).await? {
            return Err(AppError::conflict("id", "err.admin.last_admin"));
        }
        if open_cases_owned(&txn, id).await? > 0 {
            return Err(AppError::conflict("id", "err.admin.owns_open_cases"));
        }
    }
    // Guarded on the state read, so two admins at once log one change.
    let update = user::Entity::update_many()
        .col_expr(
            user::Column::DeactivatedAt,
            Expr::value((!input.active).then_some(now)),
        )
        .filter(user::Column::Id.eq(id));
    let update = if input.active {
        update.filter(user::Column::DeactivatedAt.is_not_null())
    } else {
        update.filter(user::Column::DeactivatedAt.is_null())
    };
    let res = update.exec(&txn).await.map_err(internal_error)?;
    if res.rows_affected == 1 {
        if !input.active {
            session::Entity::delete_many()
                .filter(session::Column::UserId.eq(id))
                .exec(&txn)
                .await
                .map_err(internal_error)?;
        }
        let action = if input.active {
            REACTIVATED
        } else {
            DEACTIVATED
        };
        log_act(&txn, admin.id, id, action, None, None, &reason, now).await?;
    }
    let u = load(&txn, id).await?;
    txn.commit().await.map_err(internal_error)?;
    Ok(account_view(&u))
}

/// Moves a staff member to another staff role. Consumers and merchants
/// are not staff and stay what they registered as.
pub async fn change_role(
    svc: &Services,
    admin: &UserView,
    id: i32,
    input: &RoleInput,
) -> Result<AccountView, AppError> {
    admin_only(admin)?;
    let (role, reason) = input.check()?;
    if id == admin.id {
        return Err(AppError::conflict("id", "err.admin.self"));
    }
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let u = load(&txn, id).await?;
    let from = Role::parse(&u.role).unwrap_or(Role::Consumer);
    if !from.is_staff() {
        return Err(AppError::conflict("role", "err.admin.not_staff"));
    }
    if from == role {
        return Ok(account_view(&u));
    }
    if last_admin(&txn, &u).await? {
        return Err(AppError::conflict("id", "err.admin.last_admin"));
    }
    if open_cases_owned(&txn, id).await? > 0 {
        return Err(AppError::conflict("id", "err.admin.owns_open_cases"));
    }
    let res = user::Entity::update_many()
        .col_expr(user::Column::Role, Expr::value(role.as_str()))
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::Role.eq(from.as_str()))
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    if res.rows_affected == 1 {
        log_act(
            &txn,
            admin.id,
            id,
            ROLE_CHANGED,
            Some(from.as_str()),
            Some(role.as_str()),
            &reason,
            now,
        )
        .await?;
    }
    let u = load(&txn, id).await?;
    txn.commit().await.map_err(internal_error)?;
    Ok(account_view(&u))
}

/// The audit log of staff administration, newest first (at most `limit`).
pub async fn audit_log(
    svc: &Services,
    admin: &UserView,
    limit: u64,
) -> Result<Vec<StaffAdminEntry>, AppError> {
    admin_only(admin)?;
    let rows = log::Entity::find()
        .order_by_desc(log::Column::Id)
        .limit(limit.min(1000))
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let names: std::collections::HashMap<i32, String> = crate::record::user_names(
        &svc.db,
        rows.iter()
            .flat_map(|r| [r.admin_id, r.user_id])
            .collect::<std::collections::BTreeSet<_>>(),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| StaffAdminEntry {
            id: r.id,
            admin_name: names.get(&r.admin_id).cloned().unwrap_or_default(),
            admin_id: r.admin_id,
            user_name: names.get(&r.user_id).cloned().unwrap_or_default(),
            user_id: r.user_id,
            action: r.action,
            from_role: r.from_role,
            to_role: r.to_role,
            reason: r.reason,
            at: r.at,
        })
        .collect())
}
