//! `POST /api/v1/users` (self-registration), `GET /api/v1/me`,
//! `PUT /api/v1/users/me/identity` (a consumer's real-name identity) and the
//! holder's own settings: password, e-mail address, who read their personal
//! data, deleting the account.

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

/// `PUT /api/v1/users/me/password {current_password, new_password}`.
#[utoipa::path(
    put,
    path = "/users/me/password",
    tag = "accounts",
    summary = "Change the password: every other session ends, this one stays; the address is told by mail",
    request_body = domain::accounts::PasswordChangeInput,
    responses(
        (status = 204, description = "Changed"),
        super::openapi::SignedInWrite,
        (status = 429, description = "Too many wrong passwords (5 in 15 minutes)", body = super::openapi::ErrorBody),
    )
)]
pub async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let lang = caller.lang;
    let input = super::from_json::<domain::accounts::PasswordChangeInput>(&body, lang)?;
    let token = services::accounts::cookies::credential(&headers).map(|c| c.token().to_string());
    services::accounts::own::change_password(
        &state.services,
        &caller.user,
        token.as_deref(),
        &input,
    )
    .await
    .map_err(|e| ApiError(e, lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /api/v1/users/me/email {password, email}`.
#[utoipa::path(
    put,
    path = "/users/me/email",
    tag = "accounts",
    summary = "Change the e-mail address: a confirmation link goes to the new address (valid 24 hours), the current one is told; nothing changes until the link is used",
    request_body = domain::accounts::EmailChangeInput,
    responses(
        (status = 202, description = "The link was sent", body = domain::accounts::PendingEmail),
        super::openapi::SignedInWrite,
        (status = 409, description = "Another account has this address", body = super::openapi::ErrorBody),
        (status = 429, description = "Too many wrong passwords (5 in 15 minutes)", body = super::openapi::ErrorBody),
    )
)]
pub async fn change_email(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let input = super::from_json::<domain::accounts::EmailChangeInput>(&body, lang)?;
    let v = services::accounts::own::request_email_change(&state.services, &caller.user, &input)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok((StatusCode::ACCEPTED, Json(v)))
}

/// `POST /api/v1/users/email-confirmation {token}`: the mailed link's token.
#[utoipa::path(
    post,
    path = "/users/email-confirmation",
    tag = "accounts",
    summary = "Confirm a new e-mail address with the token of the mailed link (signed in or not)",
    request_body = domain::accounts::TokenInput,
    responses(
        (status = 200, description = "The account with its new address", body = domain::UserView),
        (status = 409, description = "Another account took the address meanwhile", body = super::openapi::ErrorBody),
        (status = 413, description = "Body too large", body = super::openapi::ErrorBody),
        (status = 422, description = "The token is unknown, used or expired (field token)", body = super::openapi::ErrorBody),
    )
)]
pub async fn confirm_email(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let input = super::from_json::<domain::accounts::TokenInput>(&body, lang)?;
    let v = services::accounts::own::confirm_email_change(&state.services, &input.token)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(v))
}

/// `GET /api/v1/users/me/access-log`.
#[utoipa::path(
    get,
    path = "/users/me/access-log",
    tag = "accounts",
    summary = "Who among the staff read my personal data unmasked: who, on which case, what, why and when, newest first",
    responses(
        (status = 200, description = "The reads", body = super::openapi::Items<domain::cases::AccessView>),
        super::openapi::SignedIn,
    )
)]
pub async fn access_log(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<impl IntoResponse> {
    let items = services::accounts::own::access_log(&state.services, &caller.user)
        .await
        .map_err(|e| ApiError(e, caller.lang))?;
    Ok(Json(super::openapi::Items { items }))
}

/// `DELETE /api/v1/users/me {password}`.
#[utoipa::path(
    delete,
    path = "/users/me",
    tag = "accounts",
    summary = "Delete my account (consumers; merchant accounts not linked to a business): name, address, password and identity are erased, cases keep a pseudonymised record",
    request_body = domain::accounts::DeleteAccountInput,
    responses(
        (status = 204, description = "Deleted; signed out everywhere"),
        super::openapi::SignedInWrite,
        (status = 409, description = "A case of mine is still open, or the account is linked to a business (field account)", body = super::openapi::ErrorBody),
        (status = 429, description = "Too many wrong passwords (5 in 15 minutes)", body = super::openapi::ErrorBody),
    )
)]
pub async fn delete_me(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let lang = caller.lang;
    let input = super::from_json::<domain::accounts::DeleteAccountInput>(&body, lang)?;
    services::accounts::own::delete_account(&state.services, &caller.user, &input)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(StatusCode::NO_CONTENT)
}
