//! The public complaint records: `GET /api/v1/complaints?q=…` (search),
//! `GET /api/v1/complaints/{id}` (one record), and the consumer's
//! permission to publish, `POST /api/v1/cases/{id}/publication {publish}`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use domain::AppError;
use services::search::complaints::ComplaintParams;

use super::{ApiError, ApiResult, Caller, ReqLang};
use crate::AppState;

/// Public: anyone searches the published records.
#[utoipa::path(
    get,
    path = "/complaints",
    tag = "complaints",
    summary = "Search the public complaint records: closed cases whose consumer allowed publication, personal data masked. Newest first without words",
    params(ComplaintParams),
    responses(
        (status = 200, description = "A page of records (narratives cut to 160 characters) with facets", body = domain::search::ComplaintPage),
        super::openapi::BadQuery,
    )
)]
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
#[utoipa::path(
    get,
    path = "/complaints/{id}",
    tag = "complaints",
    summary = "One public complaint record in full",
    params(super::openapi::Id),
    responses(
        (status = 200, description = "The record", body = domain::search::ComplaintHit),
        super::openapi::ById,
    )
)]
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
#[utoipa::path(
    post,
    path = "/cases/{id}/publication",
    tag = "complaints",
    summary = "The consumer who filed the case allows or withdraws publication of its narrative",
    params(super::openapi::Id),
    request_body = super::bodies::Publish,
    responses(
        (status = 200, description = "The choice as stored", body = super::openapi::Publication),
        super::openapi::SignedInWrite,
        super::openapi::ById,
    )
)]
pub async fn set_publication(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let publish = super::from_json::<super::bodies::Publish>(&body, lang)?.publish;
    services::cases::privacy::set_publication(&state.services, &caller.user, id, publish)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(super::openapi::Publication { publish }))
}
