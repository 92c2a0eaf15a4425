//! Admin-only routes: creating staff accounts.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use domain::Role;

use super::{ApiError, ApiResult, Caller};
use crate::AppState;

/// `POST /api/v1/admin/users`: an admin creates any account (verified).
#[utoipa::path(
    post,
    path = "/admin/users",
    tag = "accounts",
    summary = "Admin: create any account, staff included (verified)",
    request_body = super::bodies::NewAccount<domain::Role>,
    responses(
        (status = 201, description = "Created", body = super::openapi::CreatedUser),
        super::openapi::SignedInWrite,
        (status = 409, description = "Email already registered", body = super::openapi::ErrorBody),
    )
)]
pub async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    caller.require(&[Role::Admin])?;
    let lang = caller.lang;
    let b = super::from_json::<super::bodies::NewAccount<Role>>(&body, lang)?;
    let input = b.into_new_user(lang);
    let u = services::accounts::create_user(&state.services, input, true)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok((
        StatusCode::CREATED,
        Json(super::openapi::CreatedUser::from(u)),
    ))
}

/// `GET /api/v1/admin/pii-log`: every read of a consumer's unmasked data by staff, newest first.
#[utoipa::path(
    get,
    path = "/admin/pii-log",
    tag = "accounts",
    summary = "Admin: every read of a consumer's unmasked personal data by staff (who, what, when, why), newest first",
    responses(
        (status = 200, description = "The reads", body = super::openapi::Items<domain::cases::AccessView>),
        super::openapi::SignedIn,
        (status = 403, description = "Not an admin", body = super::openapi::ErrorBody),
    )
)]
pub async fn pii_log(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<impl IntoResponse> {
    let items = services::cases::privacy::access_log(&state.services, &caller.user, 500)
        .await
        .map_err(|e| ApiError(e, caller.lang))?;
    Ok(Json(super::openapi::Items { items }))
}
