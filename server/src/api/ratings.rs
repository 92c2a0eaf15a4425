//! Mutual ratings (信用互评): the public list of a merchant's ratings, a case's
//! ratings, and the regulator hiding one. Ratings are written through
//! `POST /cases/{id}/actions` (`rate`, `follow_up`); no route deletes one.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use domain::Role;
use services::credit::ratings;

use super::cases::{as_text, object};
use super::{ApiError, ApiResult, Caller, MaybeCaller, ReqLang};
use crate::AppState;

/// `GET /api/v1/merchants/{id}/ratings`: its consumers' ratings, public, names masked.
#[utoipa::path(
    get,
    path = "/merchants/{id}/ratings",
    tag = "ratings",
    summary = "Public: the merchant's ratings by its consumers (信用互评), newest first; names masked; a hidden rating shows the regulator's reason instead of its text",
    params(super::openapi::Id),
    responses(
        (status = 200, description = "The ratings", body = super::openapi::Items<domain::credit::RatingView>),
        super::openapi::ById,
    )
)]
pub async fn for_merchant(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    MaybeCaller(viewer): MaybeCaller,
    Path(id): Path<i32>,
) -> ApiResult<impl IntoResponse> {
    let items = ratings::list_for_merchant(&state.services, viewer.as_ref(), id)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(serde_json::json!({ "items": items })))
}

/// `GET /api/v1/cases/{id}/ratings`: both sides' ratings, for the case's readers.
#[utoipa::path(
    get,
    path = "/cases/{id}/ratings",
    tag = "ratings",
    summary = "Both sides' ratings of a case, for its parties and staff",
    params(super::openapi::Id),
    responses(
        (status = 200, description = "The ratings", body = super::openapi::Items<domain::credit::RatingView>),
        super::openapi::SignedIn,
        super::openapi::ById,
    )
)]
pub async fn for_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
) -> ApiResult<impl IntoResponse> {
    let items = ratings::list_for_case(&state.services, &caller.user, id)
        .await
        .map_err(|e| ApiError(e, caller.lang))?;
    Ok(Json(serde_json::json!({ "items": items })))
}

/// `POST /api/v1/regulator/ratings/{id}/hide {reason}`: regulators only; the
/// reason is shown publicly in place of the text.
#[utoipa::path(
    post,
    path = "/regulator/ratings/{id}/hide",
    tag = "regulator",
    summary = "Regulator: hide a rating for a stated legal reason, shown publicly in its place (ratings are never deleted)",
    params(super::openapi::Id),
    request_body = super::bodies::HideRating,
    responses(
        (status = 200, description = "The hidden rating", body = domain::credit::RatingView),
        super::openapi::SignedInWrite,
        super::openapi::ById,
        (status = 409, description = "Already hidden", body = super::openapi::ErrorBody),
    )
)]
pub async fn hide(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Regulator])?;
    let o = object(&body, lang)?;
    let reason = as_text(o.get("reason"), "reason", lang)?;
    let v = ratings::hide(&state.services, &caller.user, id, &reason)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(v))
}
