//! Admin routes for organisations (e-commerce platforms, public credit
//! platforms): create, list, deactivate; their API keys (the key shown
//! once, in the answer that creates it), revocation, and the calls logged.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use domain::Role;
use domain::platforms::{KeyInput, OrgStatusInput, OrganisationInput};

use super::{ApiError, ApiResult, Caller};
use crate::AppState;

/// The most calls `GET /admin/organisations/{id}/calls` lists.
const CALLS_SHOWN: u64 = 200;

#[utoipa::path(
    post,
    path = "/admin/organisations",
    tag = "platforms",
    summary = "Admin: create an organisation (an e-commerce platform or a public credit platform)",
    request_body = OrganisationInput,
    responses(
        (status = 201, description = "Created", body = domain::platforms::OrganisationView),
        super::openapi::SignedInWrite,
        (status = 409, description = "An organisation with this USCC exists", body = super::openapi::ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Admin])?;
    let input: OrganisationInput = super::from_json(&body, lang)?;
    let o = services::platforms::organisations::create(&state.services, &caller.user, &input)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok((StatusCode::CREATED, Json(o)))
}

#[utoipa::path(
    get,
    path = "/admin/organisations",
    tag = "platforms",
    summary = "Admin: every organisation with its keys (prefixes only, never a key), newest first",
    responses(
        (status = 200, description = "The organisations", body = super::openapi::Items<domain::platforms::OrganisationView>),
        super::openapi::SignedIn,
        (status = 403, description = "Not an admin", body = super::openapi::ErrorBody),
    )
)]
pub async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Admin])?;
    let items = services::platforms::organisations::list(&state.services, &caller.user)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(super::openapi::Items { items }))
}

#[utoipa::path(
    post,
    path = "/admin/organisations/{id}/status",
    tag = "platforms",
    summary = "Admin: deactivate an organisation (every key refused from the next call) or reactivate it",
    params(super::openapi::Id),
    request_body = OrgStatusInput,
    responses(
        (status = 200, description = "The organisation as it is now", body = domain::platforms::OrganisationView),
        super::openapi::SignedInWrite,
        super::openapi::ById,
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
    let input: OrgStatusInput = super::from_json(&body, lang)?;
    let o = services::platforms::organisations::set_active(
        &state.services,
        &caller.user,
        id,
        input.active,
    )
    .await
    .map_err(|e| ApiError(e, lang))?;
    Ok(Json(o))
}

#[utoipa::path(
    post,
    path = "/admin/organisations/{id}/keys",
    tag = "platforms",
    summary = "Admin: a new API key for the organisation, with scopes its kind may hold; the key is in this answer only (only its hash is kept)",
    params(super::openapi::Id),
    request_body = KeyInput,
    responses(
        (status = 201, description = "The key, shown this once", body = domain::platforms::CreatedKey),
        super::openapi::SignedInWrite,
        super::openapi::ById,
        (status = 409, description = "The organisation is deactivated", body = super::openapi::ErrorBody),
    )
)]
pub async fn create_key(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Admin])?;
    let input: KeyInput = super::from_json(&body, lang)?;
    let k = services::platforms::keys::create(&state.services, &caller.user, id, &input)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok((StatusCode::CREATED, Json(k)))
}

#[utoipa::path(
    post,
    path = "/admin/api-keys/{id}/revocation",
    tag = "platforms",
    summary = "Admin: revoke an API key (refused from the next call, on every server); revoking again changes nothing",
    params(super::openapi::Id),
    responses(
        (status = 200, description = "The key as it is now", body = domain::platforms::ApiKeyView),
        super::openapi::SignedIn,
        (status = 403, description = "Not an admin, or a cookie-authenticated write from another origin", body = super::openapi::ErrorBody),
        super::openapi::ById,
    )
)]
pub async fn revoke_key(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Admin])?;
    let k = services::platforms::keys::revoke(&state.services, &caller.user, id)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(k))
}

#[utoipa::path(
    get,
    path = "/admin/organisations/{id}/calls",
    tag = "platforms",
    summary = "Admin: the organisation's most recent API calls (key, method, path, status, time), newest first, at most 200",
    params(super::openapi::Id),
    responses(
        (status = 200, description = "The calls", body = super::openapi::Items<domain::platforms::CallView>),
        super::openapi::SignedIn,
        (status = 403, description = "Not an admin", body = super::openapi::ErrorBody),
        super::openapi::ById,
    )
)]
pub async fn calls(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Admin])?;
    let items = services::platforms::keys::calls(&state.services, &caller.user, id, CALLS_SHOWN)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(super::openapi::Items { items }))
}
