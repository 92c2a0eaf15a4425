//! Admin-only routes: creating accounts, the account list, deactivating,
//! reactivating and changing a staff member's role (each logged), and the
//! logs of staff administration and of personal-data reads.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use domain::Role;
use domain::accounts::{AccountQueryInput, RoleInput, StatusInput};

use super::{ApiError, ApiResult, Caller};
use crate::AppState;

/// `POST /api/v1/admin/users`: an admin creates any account (verified).
#[utoipa::path(
    post,
    path = "/admin/users",
    tag = "accounts",
    summary = "Admin: create any account, staff included (verified)",
    request_body = super::bodies::NewAccount<domain::Role>,
    responses(
        (status = 201, description = "Created", body = super::openapi::CreatedUser),
        super::openapi::SignedInWrite,
        (status = 409, description = "Email already registered", body = super::openapi::ErrorBody),
    )
)]
pub async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    caller.require(&[Role::Admin])?;
    let lang = caller.lang;
    let b = super::from_json::<super::bodies::NewAccount<Role>>(&body, lang)?;
    let input = b.into_new_user(lang);
    let u = services::accounts::create_by_admin(&state.services, &caller.user, input)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok((
        StatusCode::CREATED,
        Json(super::openapi::CreatedUser::from(u)),
    ))
}

/// `GET /api/v1/admin/pii-log`: every read of a consumer's unmasked data by staff, newest first.
#[utoipa::path(
    get,
    path = "/admin/pii-log",
    tag = "accounts",
    summary = "Admin: every read of a consumer's unmasked personal data by staff (who, what, when, why), newest first",
    responses(
        (status = 200, description = "The reads", body = super::openapi::Items<domain::cases::AccessView>),
        super::openapi::SignedIn,
        (status = 403, description = "Not an admin", body = super::openapi::ErrorBody),
    )
)]
pub async fn pii_log(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<impl IntoResponse> {
    let items = services::cases::privacy::access_log(&state.services, &caller.user, 500)
        .await
        .map_err(|e| ApiError(e, caller.lang))?;
    Ok(Json(super::openapi::Items { items }))
}

/// `GET /api/v1/admin/users`: every account, newest first, 50 a page.
#[utoipa::path(
    get,
    path = "/admin/users",
    tag = "accounts",
    summary = "Admin: the accounts, newest first, 50 a page; filter by a text in the address or name and by role",
    params(AccountQueryInput),
    responses(
        (status = 200, description = "A page of accounts", body = domain::accounts::AccountPage),
        super::openapi::SignedIn,
        (status = 403, description = "Not an admin", body = super::openapi::ErrorBody),
        super::openapi::BadQuery,
    )
)]
pub async fn users(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<AccountQueryInput>,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Admin])?;
    let query = q.check().map_err(|e| ApiError(e, lang))?;
    let page = services::accounts::admin::list(&state.services, &caller.user, &query)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(page))
}

/// `POST /api/v1/admin/users/{id}/status {active, reason}`.
#[utoipa::path(
    post,
    path = "/admin/users/{id}/status",
    tag = "accounts",
    summary = "Admin: deactivate (signed out everywhere, sign-in refused) or reactivate an account, with a reason; logged",
    params(super::openapi::Id),
    request_body = StatusInput,
    responses(
        (status = 200, description = "The account as it is now (the same state again changes nothing)", body = domain::accounts::AccountView),
        super::openapi::SignedInWrite,
        super::openapi::ById,
        (status = 409, description = "The admin's own account, the last active admin, or a staff member who still owns open cases", body = super::openapi::ErrorBody),
    )
)]
pub async fn set_status(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Admin])?;
    let input: StatusInput = super::from_json(&body, lang)?;
    let v = services::accounts::admin::set_status(&state.services, &caller.user, id, &input)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(v))
}

/// `PUT /api/v1/admin/users/{id}/role {role, reason}`.
#[utoipa::path(
    put,
    path = "/admin/users/{id}/role",
    tag = "accounts",
    summary = "Admin: move a staff member to another staff role, with a reason; logged",
    params(super::openapi::Id),
    request_body = RoleInput,
    responses(
        (status = 200, description = "The account as it is now", body = domain::accounts::AccountView),
        super::openapi::SignedInWrite,
        super::openapi::ById,
        (status = 409, description = "Not a staff account, the admin's own, the last active admin, or a staff member who still owns open cases", body = super::openapi::ErrorBody),
    )
)]
pub async fn set_role(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Admin])?;
    let input: RoleInput = super::from_json(&body, lang)?;
    let v = services::accounts::admin::change_role(&state.services, &caller.user, id, &input)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(v))
}

/// `GET /api/v1/admin/audit`: the staff administration log, newest first.
#[utoipa::path(
    get,
    path = "/admin/audit",
    tag = "accounts",
    summary = "Admin: the log of staff administration (accounts created, deactivated, reactivated, roles changed), newest first",
    responses(
        (status = 200, description = "The entries", body = super::openapi::Items<domain::accounts::StaffAdminEntry>),
        super::openapi::SignedIn,
        (status = 403, description = "Not an admin", body = super::openapi::ErrorBody),
    )
)]
pub async fn audit(State(state): State<AppState>, caller: Caller) -> ApiResult<impl IntoResponse> {
    let items = services::accounts::admin::audit_log(&state.services, &caller.user, 500)
        .await
        .map_err(|e| ApiError(e, caller.lang))?;
    Ok(Json(super::openapi::Items { items }))
}
