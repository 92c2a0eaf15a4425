//! The public complaint records: `GET /api/v1/complaints?q=…` (search),
//! `GET /api/v1/complaints/{id}` (one record), and the consumer's
//! permission to publish, `POST /api/v1/cases/{id}/publication {publish}`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use domain::AppError;
use services::search::complaints::ComplaintParams;

use super::cases::{object, required_bool};
use super::{ApiError, ApiResult, Caller, ReqLang};
use crate::AppState;

/// Public: anyone searches the published records.
pub async fn search(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Query(p): Query<ComplaintParams>,
) -> ApiResult<impl IntoResponse> {
    let q = p.parse().map_err(|e| ApiError(e, lang))?;
    let page = services::search::search_complaints(&state.services, q)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(page))
}

/// Public: one published record; 404 when the case is not (or no longer) published.
pub async fn get(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<i32>,
) -> ApiResult<impl IntoResponse> {
    match services::search::complaint(&state.services, id).await {
        Ok(Some(c)) => Ok(Json(c)),
        Ok(None) => Err(ApiError(AppError::NotFound, lang)),
        Err(e) => Err(ApiError(e, lang)),
    }
}

/// The consumer who filed the case allows or withdraws publication.
pub async fn set_publication(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let o = object(&body, lang)?;
    let publish = required_bool(&o, "publish", "err.publish_required", lang)?;
    services::cases::privacy::set_publication(&state.services, &caller.user, id, publish)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(serde_json::json!({ "publish": publish })))
}
