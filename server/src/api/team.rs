//! `/api/v1/merchants/team`: a merchant's staff accounts (商户员工账户).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use domain::Role;
use domain::merchant::team::{InviteInput, JoinInput};

use super::{ApiError, ApiResult, Caller, MaybeCaller, ReqLang};
use crate::AppState;

/// `GET /api/v1/merchants/team`.
#[utoipa::path(
    get,
    path = "/merchants/team",
    tag = "merchants",
    summary = "A merchant account: the team of the business it answers for (main account, staff, and for the main account the pending invitations)",
    responses(
        (status = 200, description = "The team", body = domain::merchant::team::TeamView),
        super::openapi::SignedIn,
        (status = 403, description = "Not a merchant account, or one that answers for no business", body = super::openapi::ErrorBody),
    )
)]
pub async fn team(State(state): State<AppState>, caller: Caller) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Merchant])?;
    let v = services::merchants::team::team(&state.services, &caller.user)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(v))
}

/// `POST /api/v1/merchants/team/invitations {email, name}`.
#[utoipa::path(
    post,
    path = "/merchants/team/invitations",
    tag = "merchants",
    summary = "The main account invites a staff member by e-mail (a link valid 7 days is mailed)",
    request_body = InviteInput,
    responses(
        (status = 201, description = "The invitation", body = domain::merchant::team::PendingInvitation),
        super::openapi::SignedInWrite,
        (status = 409, description = "The address is on the team or invited already, belongs to an account that is not a merchant account or answers for a business, or the team is full (field email)", body = super::openapi::ErrorBody),
    )
)]
pub async fn invite(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Merchant])?;
    let input: InviteInput = super::from_json(&body, lang)?;
    let v = services::merchants::team::invite(&state.services, &caller.user, &input, lang)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// `DELETE /api/v1/merchants/team/invitations/{id}`.
#[utoipa::path(
    delete,
    path = "/merchants/team/invitations/{id}",
    tag = "merchants",
    summary = "The main account withdraws an invitation not yet accepted (its link stops working)",
    params(super::openapi::Id),
    responses(
        (status = 204, description = "Withdrawn"),
        super::openapi::SignedIn,
        super::openapi::Forbidden,
        super::openapi::ById,
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Merchant])?;
    services::merchants::team::revoke(&state.services, &caller.user, id)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /api/v1/merchants/team/members/{id}`.
#[utoipa::path(
    delete,
    path = "/merchants/team/members/{id}",
    tag = "merchants",
    summary = "The main account removes a staff member, or a staff member leaves (its own id); the account then answers for nothing, its past steps stay in the trails",
    params(super::openapi::Id),
    responses(
        (status = 204, description = "Removed"),
        super::openapi::SignedIn,
        super::openapi::Forbidden,
        super::openapi::ById,
        (status = 409, description = "The main account cannot remove itself (field user_id)", body = super::openapi::ErrorBody),
    )
)]
pub async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Merchant])?;
    services::merchants::team::remove(&state.services, &caller.user, id)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/merchants/team/join {token, name?, password?}`.
#[utoipa::path(
    post,
    path = "/merchants/team/join",
    tag = "merchants",
    summary = "Accept a staff invitation with the mailed token: signed in as the invited address's account, or (no account yet) with a name and a password for a new one",
    request_body = JoinInput,
    responses(
        (status = 200, description = "The account now on the team", body = domain::UserView),
        (status = 403, description = "Signed in as another account than the invited address's", body = super::openapi::ErrorBody),
        super::openapi::TooLarge,
        (status = 409, description = "The invitation was used, withdrawn or expired; the invited address has an account (sign in as it first); or that account cannot join (field token)", body = super::openapi::ErrorBody),
        (status = 422, description = "The token is unknown, or a field is missing or invalid (a new account's name or password); `field` names it", body = super::openapi::ErrorBody),
    )
)]
pub async fn join(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    MaybeCaller(user): MaybeCaller,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let input: JoinInput = super::from_json(&body, lang)?;
    let v = services::merchants::team::join(&state.services, user.as_ref(), &input, lang)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(v))
}
