//! `POST /api/v1/users` (self-registration), `GET /api/v1/me` and
//! `PUT /api/v1/users/me/identity` (a consumer's real-name identity).

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

/// `GET /me`: the account, and its identity (masked) if it has one.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Me {
    #[serde(flatten)]
    pub user: domain::UserView,
    /// The consumer's real-name identity, the number masked; null without one.
    pub identity: Option<domain::identity::IdentityView>,
}

#[utoipa::path(
    get,
    path = "/me",
    tag = "accounts",
    summary = "The signed-in account, with its real-name identity (number masked)",
    responses(
        (status = 200, description = "The account", body = Me),
        super::openapi::SignedIn,
    )
)]
pub async fn me(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Me>> {
    let identity = services::accounts::identity::of_user(&state.services.db, caller.user.id)
        .await
        .map_err(|e| ApiError(e, caller.lang))?;
    Ok(Json(Me {
        user: caller.user,
        identity,
    }))
}

#[utoipa::path(
    put,
    path = "/users/me/identity",
    tag = "accounts",
    summary = "A consumer adds their real-name identity (实名认证): real name and resident ID number",
    request_body = domain::identity::IdentityInput,
    responses(
        (status = 200, description = "Verified; the number masked. Sending the same identity again answers the same", body = domain::identity::IdentityView),
        super::openapi::SignedInWrite,
        (status = 409, description = "Another account holds this number (field resident_id), or this account already has a different identity (field identity: support corrects it)", body = super::openapi::ErrorBody),
    )
)]
pub async fn set_identity(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Json<domain::identity::IdentityView>> {
    let lang = caller.lang;
    let input = super::from_json::<domain::identity::IdentityInput>(&body, lang)?;
    let view = services::accounts::identity::set(&state.services, &caller.user, &input)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(view))
}
