//! Professional-claimant screening (职业索赔筛查): the consumer's own state
//! and objection, the regulators' queue and decision
//! (`services::cases::screening`). Merchants and the public have no route
//! here, and the case's `screening` field is absent for them.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use domain::Role;
use domain::screening::{ObjectionInput, OwnScreening, ScreeningDecisionInput, ScreeningView};
use services::cases::screening;

use super::{ApiError, ApiResult, Caller};
use crate::AppState;

/// `GET /api/v1/screening`: the consumer's own screening flags, newest first.
#[utoipa::path(
    get,
    path = "/screening",
    tag = "cases",
    summary = "Consumer: my filing-pattern reviews (职业索赔筛查), newest first; empty when never flagged",
    responses(
        (status = 200, description = "The consumer's flags", body = super::openapi::Items<OwnScreening>),
        super::openapi::SignedIn,
        (status = 403, description = "Not a consumer", body = super::openapi::ErrorBody),
    )
)]
pub async fn own(State(state): State<AppState>, caller: Caller) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Consumer])?;
    let items = screening::own(&state.services, &caller.user)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(super::openapi::Items { items }))
}

/// `POST /api/v1/screening/objection {statement}`.
#[utoipa::path(
    post,
    path = "/screening/objection",
    tag = "cases",
    summary = "Consumer: object (异议) to my filing-pattern review with a statement, within 5 working days of being told",
    request_body = ObjectionInput,
    responses(
        (status = 200, description = "The review with the objection", body = OwnScreening),
        super::openapi::SignedInWrite,
        (status = 409, description = "Not under review, the 5 working days are over, or already objected", body = super::openapi::ErrorBody),
    )
)]
pub async fn object(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Consumer])?;
    let b = super::from_json::<ObjectionInput>(&body, lang)?;
    let v = screening::object(&state.services, &caller.user, &b)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(v))
}

/// `GET /api/v1/regulator/screening`: the queue.
#[utoipa::path(
    get,
    path = "/regulator/screening",
    tag = "regulator",
    summary = "Regulator: filing-pattern reviews waiting (oldest first, with their signals and any objection), then the 100 most recently decided",
    responses(
        (status = 200, description = "The reviews", body = super::openapi::Items<ScreeningView>),
        super::openapi::SignedIn,
        (status = 403, description = "Not a regulator", body = super::openapi::ErrorBody),
    )
)]
pub async fn queue(State(state): State<AppState>, caller: Caller) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Regulator])?;
    let items = screening::queue(&state.services, &caller.user)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(super::openapi::Items { items }))
}

/// `POST /api/v1/regulator/screening/{id}/decision {uphold, reason}`.
#[utoipa::path(
    post,
    path = "/regulator/screening/{id}/decision",
    tag = "regulator",
    summary = "Regulator: uphold or clear a filing-pattern review with a written reason (into the marked cases' trails and the access log)",
    params(super::openapi::Id),
    request_body = ScreeningDecisionInput,
    responses(
        (status = 200, description = "The decided review", body = ScreeningView),
        super::openapi::SignedInWrite,
        super::openapi::ById,
        (status = 409, description = "Already decided", body = super::openapi::ErrorBody),
    )
)]
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Regulator])?;
    let b = super::from_json::<ScreeningDecisionInput>(&body, lang)?;
    let v = screening::decide(&state.services, &caller.user, id, &b)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(v))
}
