//! `POST /api/v1/session` (sign in: cookie and bearer token) and `DELETE` (sign out).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use services::accounts::cookies;

use super::{ApiError, ApiResult, ReqLang, client_ip, required};
use crate::AppState;

#[utoipa::path(
    post,
    path = "/session",
    tag = "accounts",
    summary = "Sign in: sets the session cookie and returns a bearer token",
    request_body = super::bodies::Login,
    responses(
        (status = 200, description = "Signed in", body = super::openapi::SignedInUser),
        (status = 401, description = "Wrong email or password (never says which)", body = super::openapi::ErrorBody),
        (status = 413, description = "Body too large", body = super::openapi::ErrorBody),
        (status = 422, description = "The body is not JSON, or a field is missing", body = super::openapi::ErrorBody),
        (status = 429, description = "Too many attempts", body = super::openapi::ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ext: Extensions,
    body: Bytes,
) -> ApiResult<Response> {
    let b = super::from_json::<super::bodies::Login>(&body, lang)?;
    let email = required(b.email, "email", lang)?;
    let password = required(b.password, "password", lang)?;
    let svc = &state.services;
    let (user, token) = services::accounts::login(svc, &email, &password, &client_ip(&ext))
        .await
        .map_err(|e| ApiError(e, lang))?;
    let mut resp = Json(super::openapi::SignedInUser {
        token: token.clone(),
        user,
    })
    .into_response();
    if let Ok(v) =
        HeaderValue::from_str(&cookies::session_cookie(&token, svc.config.secure_cookies))
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

#[utoipa::path(
    delete,
    path = "/session",
    tag = "accounts",
    summary = "Sign out (ends the session of the token or cookie sent, if any)",
    responses(
        (status = 204, description = "Signed out; the session cookie is cleared"),
        (status = 403, description = "A cookie-authenticated request from another origin", body = super::openapi::ErrorBody),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let svc = &state.services;
    if let Some(cred) = cookies::credential(&headers) {
        services::accounts::logout(svc, cred.token())
            .await
            .map_err(|e| ApiError(e, lang))?;
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&cookies::clear_session_cookie(svc.config.secure_cookies))
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}
