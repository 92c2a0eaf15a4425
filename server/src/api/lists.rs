//! Red and black lists (红黑名单): the published lists, and the regulators'
//! queue of proposals and their decisions.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use domain::Role;
use domain::credit::ListKind;
use serde_json::Value;
use services::credit::lists;

use super::cases::{as_text, object, required_bool};
use super::{ApiError, ApiResult, Caller, ReqLang};
use crate::AppState;

async fn public(state: &AppState, kind: ListKind, lang: domain::Lang) -> ApiResult<Json<Value>> {
    let items = lists::list_public(&state.services, kind)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(serde_json::json!({ "list": kind, "items": items })))
}

/// `GET /api/v1/lists/red`: the confirmed red list, newest first (public).
pub async fn red(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
) -> ApiResult<impl IntoResponse> {
    public(&state, ListKind::Red, lang).await
}

/// `GET /api/v1/lists/black`: the confirmed black list, newest first (public).
pub async fn black(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
) -> ApiResult<impl IntoResponse> {
    public(&state, ListKind::Black, lang).await
}

/// `GET /api/v1/regulator/lists/proposals`: proposals waiting, oldest first.
pub async fn proposals(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Regulator])?;
    let items = lists::pending(&state.services, &caller.user)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(serde_json::json!({ "items": items })))
}

/// `POST /api/v1/regulator/lists/{id}/decision {confirm, reason}`.
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Regulator])?;
    let o = object(&body, lang)?;
    let confirm = required_bool(&o, "confirm", "err.list.confirm_required", lang)?;
    let reason = as_text(o.get("reason"), "reason", lang)?;
    let v = lists::decide(&state.services, &caller.user, id, confirm, &reason)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(v))
}

/// `POST /api/v1/lists/{id}/objection {text}`: the merchant objects to a
/// black-list proposal within its 5 working days (异议).
pub async fn object_to_listing(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let o = object(&body, lang)?;
    let text = as_text(o.get("text"), "text", lang)?;
    let v = lists::object(&state.services, &caller.user, id, &text)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(v))
}
