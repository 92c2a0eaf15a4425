//! `POST /api/v1/users` (self-registration) and `GET /api/v1/me`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Extensions, StatusCode};
use axum::response::IntoResponse;

use super::{ApiError, ApiResult, Caller, ReqLang, client_ip};
use crate::AppState;

#[utoipa::path(
    post,
    path = "/users",
    tag = "accounts",
    summary = "Register a consumer or merchant account (a verification email is sent)",
    request_body = super::bodies::NewAccount<super::bodies::PublicRole>,
    responses(
        (status = 201, description = "Created", body = super::openapi::CreatedUser),
        (status = 409, description = "Email already registered", body = super::openapi::ErrorBody),
        (status = 413, description = "Body too large", body = super::openapi::ErrorBody),
        (status = 422, description = "A field is missing or invalid; `field` names it", body = super::openapi::ErrorBody),
        (status = 429, description = "Too many attempts from this address", body = super::openapi::ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ext: Extensions,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let b = super::from_json::<super::bodies::NewAccount<super::bodies::PublicRole>>(&body, lang)?;
    let input = b.into_new_user(lang);
    let u = services::accounts::register(&state.services, input, &client_ip(&ext))
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok((
        StatusCode::CREATED,
        Json(super::openapi::CreatedUser::from(u)),
    ))
}

#[utoipa::path(
    get,
    path = "/me",
    tag = "accounts",
    summary = "The signed-in account",
    responses(
        (status = 200, description = "The account", body = domain::UserView),
        super::openapi::SignedIn,
    )
)]
pub async fn me(caller: Caller) -> Json<domain::UserView> {
    Json(caller.user)
}
