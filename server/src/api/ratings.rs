//! Mutual ratings (信用互评): the public list of a merchant's ratings, a case's
//! ratings, rating a case and following a rating up, and the regulator
//! hiding one. No route deletes one.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use domain::Role;
use services::credit::ratings;

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
    Ok(Json(super::openapi::Items { items }))
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
    Ok(Json(super::openapi::Items { items }))
}

/// `POST /api/v1/cases/{id}/ratings {stars?, text?, flag_malicious?}`: the
/// case's consumer or merchant rates it, once the case is over (201).
#[utoipa::path(
    post,
    path = "/cases/{id}/ratings",
    tag = "ratings",
    summary = "Mutual rating (信用互评) once the case is closed or withdrawn: the consumer gives stars (1–5) and may write; the merchant writes and may flag the complaint as malicious (every regulator is told); once per side",
    params(super::openapi::Id),
    request_body = domain::credit::RatingInput,
    responses(
        (status = 201, description = "The rating", body = domain::credit::RatingView),
        super::openapi::SignedInWrite,
        super::openapi::ById,
        (status = 409, description = "The case is not over yet, or this side has rated it", body = super::openapi::ErrorBody),
    )
)]
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
#[utoipa::path(
    post,
    path = "/cases/{id}/ratings/follow-up",
    tag = "ratings",
    summary = "The rating's author adds its one follow-up review (追评), within 90 days of the rating",
    params(super::openapi::Id),
    request_body = domain::credit::FollowUpInput,
    responses(
        (status = 200, description = "The rating with its follow-up", body = domain::credit::RatingView),
        super::openapi::SignedInWrite,
        super::openapi::ById,
        (status = 409, description = "No rating yet, hidden, already followed up, or more than 90 days on", body = super::openapi::ErrorBody),
    )
)]
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
    let reason = super::from_json::<super::bodies::HideRating>(&body, lang)?.reason;
    let v = ratings::hide(&state.services, &caller.user, id, &reason)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(v))
}
