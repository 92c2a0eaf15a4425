//! `/api/v1/merchants/templates`: a merchant's reply templates (回复模板).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use domain::Role;
use domain::merchant::templates::TemplateInput;

use super::{ApiError, ApiResult, Caller};
use crate::AppState;

/// `GET /api/v1/merchants/templates`.
#[utoipa::path(
    get,
    path = "/merchants/templates",
    tag = "merchants",
    summary = "A merchant account: the reply templates of the business it answers for, by title",
    responses(
        (status = 200, description = "The templates", body = Vec<domain::merchant::templates::ReplyTemplate>),
        super::openapi::SignedIn,
        (status = 403, description = "Not a merchant account, or one that answers for no business", body = super::openapi::ErrorBody),
    )
)]
pub async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Merchant])?;
    let v = services::merchants::templates::list(&state.services, &caller.user)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(v))
}

/// `POST /api/v1/merchants/templates {title, body}`.
#[utoipa::path(
    post,
    path = "/merchants/templates",
    tag = "merchants",
    summary = "A merchant account adds a reply template for its business (at most 50)",
    request_body = TemplateInput,
    responses(
        (status = 201, description = "The template", body = domain::merchant::templates::ReplyTemplate),
        super::openapi::SignedInWrite,
        (status = 409, description = "The business keeps 50 templates already (field title)", body = super::openapi::ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Merchant])?;
    let input: TemplateInput = super::from_json(&body, lang)?;
    let v = services::merchants::templates::create(&state.services, &caller.user, &input)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// `PUT /api/v1/merchants/templates/{id} {title, body}`.
#[utoipa::path(
    put,
    path = "/merchants/templates/{id}",
    tag = "merchants",
    summary = "A merchant account rewrites one of its business's reply templates",
    params(super::openapi::Id),
    request_body = TemplateInput,
    responses(
        (status = 200, description = "The template", body = domain::merchant::templates::ReplyTemplate),
        super::openapi::SignedInWrite,
        super::openapi::ById,
    )
)]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Merchant])?;
    let input: TemplateInput = super::from_json(&body, lang)?;
    let v = services::merchants::templates::update(&state.services, &caller.user, id, &input)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(v))
}

/// `DELETE /api/v1/merchants/templates/{id}`.
#[utoipa::path(
    delete,
    path = "/merchants/templates/{id}",
    tag = "merchants",
    summary = "A merchant account deletes one of its business's reply templates",
    params(super::openapi::Id),
    responses(
        (status = 204, description = "Deleted"),
        super::openapi::SignedIn,
        super::openapi::Forbidden,
        super::openapi::ById,
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Merchant])?;
    services::merchants::templates::delete(&state.services, &caller.user, id)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(StatusCode::NO_CONTENT)
}
