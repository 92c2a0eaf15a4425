//! Mutual ratings (信用互评): the public list of a merchant's ratings, a case's
//! ratings, rating a case and following a rating up, and the regulator
//! hiding one. No route deletes one.

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

/// `POST /api/v1/cases/{id}/ratings {stars?, text?, flag_malicious?}`: the
/// case's consumer or merchant rates it, once the case is over (201).
pub async fn rate(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    ext: axum::http::Extensions,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let input = super::from_json::<domain::credit::RatingInput>(&body, lang)?;
    let ip = super::client_ip(&ext);
    let v = ratings::rate(&state.services, &caller.user, id, &input, &ip)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok((axum::http::StatusCode::CREATED, Json(v)))
}

/// `POST /api/v1/cases/{id}/ratings/follow-up {text}`: the author's one
/// follow-up review, within 90 days of the rating.
pub async fn follow_up(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let input = super::from_json::<domain::credit::FollowUpInput>(&body, lang)?;
    let v = ratings::follow_up(&state.services, &caller.user, id, &input)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(v))
}

/// `POST /api/v1/regulator/ratings/{id}/hide {reason}`: regulators only; the
/// reason is shown publicly in place of the text.
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
