//! Red and black lists (红黑名单): the published lists, and the regulators'
//! queue of proposals and their decisions.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use domain::Role;
use domain::credit::ListKind;
use services::credit::lists;

use super::{ApiError, ApiResult, Caller, ReqLang};
use crate::AppState;

async fn public(
    state: &AppState,
    kind: ListKind,
    lang: domain::Lang,
) -> ApiResult<Json<super::openapi::PublicList>> {
    let items = lists::list_public(&state.services, kind)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(super::openapi::PublicList { list: kind, items }))
}

/// `GET /api/v1/lists/red`: the confirmed red list, newest first (public).
#[utoipa::path(
    get,
    path = "/lists/red",
    tag = "lists",
    summary = "Public: the red list (confirmed by a regulator), newest first",
    responses(
        (status = 200, description = "The list", body = super::openapi::PublicList),
    )
)]
pub async fn red(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
) -> ApiResult<impl IntoResponse> {
    public(&state, ListKind::Red, lang).await
}

/// `GET /api/v1/lists/black`: the confirmed black list, newest first (public).
#[utoipa::path(
    get,
    path = "/lists/black",
    tag = "lists",
    summary = "Public: the black list (confirmed by a regulator), newest first",
    responses(
        (status = 200, description = "The list", body = super::openapi::PublicList),
    )
)]
pub async fn black(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
) -> ApiResult<impl IntoResponse> {
    public(&state, ListKind::Black, lang).await
}

/// `GET /api/v1/regulator/lists/proposals`: proposals waiting, oldest first.
#[utoipa::path(
    get,
    path = "/regulator/lists/proposals",
    tag = "regulator",
    summary = "Regulator: the system's list proposals waiting for a decision, oldest first",
    responses(
        (status = 200, description = "The proposals", body = super::openapi::Items<domain::credit::ListEntryView>),
        super::openapi::SignedIn,
        (status = 403, description = "Not a regulator", body = super::openapi::ErrorBody),
    )
)]
pub async fn proposals(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Regulator])?;
    let items = lists::pending(&state.services, &caller.user)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(super::openapi::Items { items }))
}

/// `POST /api/v1/regulator/lists/{id}/decision {confirm, reason}`.
#[utoipa::path(
    post,
    path = "/regulator/lists/{id}/decision",
    tag = "regulator",
    summary = "Regulator: confirm (public from now) or refuse a list proposal; a reason is required either way",
    params(super::openapi::Id),
    request_body = super::bodies::ListDecision,
    responses(
        (status = 200, description = "The decided entry", body = domain::credit::ListEntryView),
        super::openapi::SignedInWrite,
        super::openapi::ById,
        (status = 409, description = "Already decided, or still in its objection period", body = super::openapi::ErrorBody),
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
    let b = super::from_json::<super::bodies::ListDecision>(&body, lang)?;
    let v = lists::decide(&state.services, &caller.user, id, b.confirm, &b.reason)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(v))
}

/// `POST /api/v1/lists/{id}/objection {text}`: the merchant objects to a
/// black-list proposal within its 5 working days (异议).
#[utoipa::path(
    post,
    path = "/lists/{id}/objection",
    tag = "lists",
    summary = "The merchant objects (异议) to a black-list proposal within its 5 working days",
    params(super::openapi::Id),
    request_body = super::bodies::ListObjection,
    responses(
        (status = 200, description = "The proposal with the objection", body = domain::credit::ListEntryView),
        super::openapi::SignedInWrite,
        super::openapi::ById,
        (status = 409, description = "Not a proposal in its objection period, or already objected", body = super::openapi::ErrorBody),
    )
)]
pub async fn object_to_listing(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let b = super::from_json::<super::bodies::ListObjection>(&body, lang)?;
    let v = lists::object(&state.services, &caller.user, id, &b.text)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(v))
}
