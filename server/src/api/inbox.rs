//! `GET /api/v1/notifications`, `POST /api/v1/notifications/read`.

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;

use super::{ApiError, ApiResult, Caller};
use crate::AppState;

#[utoipa::path(
    get,
    path = "/notifications",
    tag = "accounts",
    summary = "The caller's inbox, newest first, with the unread count",
    responses(
        (status = 200, description = "The inbox", body = super::openapi::Inbox),
        super::openapi::SignedIn,
    )
)]
pub async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<impl IntoResponse> {
    let svc = &state.services;
    let items = services::inbox::list(svc, &caller.user, 100)
        .await
        .map_err(|e| ApiError(e, caller.lang))?;
    let unread = services::inbox::unread_count(svc, &caller.user)
        .await
        .map_err(|e| ApiError(e, caller.lang))?;
    Ok(Json(super::openapi::Inbox { unread, items }))
}

#[utoipa::path(
    post,
    path = "/notifications/read",
    tag = "accounts",
    summary = "Mark every inbox entry read",
    responses(
        (status = 200, description = "How many were marked", body = super::openapi::Marked),
        super::openapi::SignedIn,
        (status = 403, description = "A cookie-authenticated request from another origin", body = super::openapi::ErrorBody),
    )
)]
pub async fn mark_read(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<impl IntoResponse> {
    let n = services::inbox::mark_all_read(&state.services, &caller.user)
        .await
        .map_err(|e| ApiError(e, caller.lang))?;
    Ok(Json(super::openapi::Marked { marked: n }))
}
