//! `/api/v1/fund/…` and the fund's routes under merchants and cases: the
//! administrators' movements (idempotent), the public ledger and totals,
//! a merchant's own account.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use domain::fund::{EntryReceipt, MovementInput};
use serde::Deserialize;
use services::fund::{CaseMovement, Direction, operations, public};

use super::{ApiError, ApiResult, Caller, ReqLang, from_json};
use crate::AppState;

/// 201 for a new entry, 200 for a replay of the same request.
fn created(r: EntryReceipt) -> impl IntoResponse {
    let status = if r.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    (status, Json(r))
}

#[utoipa::path(
    post,
    path = "/fund/top-up",
    tag = "fund",
    summary = "Fund administrator: money paid into the fund",
    request_body = domain::fund::MovementInput,
    responses(
        super::openapi::FundMovement,
    )
)]
pub async fn top_up(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[domain::Role::FundAdmin])?;
    let mv: MovementInput = from_json(&body, lang)?;
    let r = operations::fund_top_up(&state.services, &caller.user, &mv)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(created(r))
}

async fn deposit_movement(
    state: AppState,
    caller: Caller,
    id: i32,
    direction: Direction,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[domain::Role::FundAdmin])?;
    let mv: MovementInput = from_json(&body, lang)?;
    let r = operations::deposit(&state.services, &caller.user, id, direction, &mv)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(created(r))
}

#[utoipa::path(
    post,
    path = "/merchants/{id}/deposit",
    tag = "fund",
    summary = "Fund administrator: a merchant's deposit (保证金) received",
    params(super::openapi::Id),
    request_body = domain::fund::MovementInput,
    responses(
        super::openapi::FundMovement,
        super::openapi::ById,
    )
)]
pub async fn deposit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    deposit_movement(state, caller, id, Direction::In, body).await
}

#[utoipa::path(
    post,
    path = "/merchants/{id}/deposit/withdraw",
    tag = "fund",
    summary = "Fund administrator: pay back part of a merchant's deposit (refused while it owes the fund or an application against it is undecided)",
    params(super::openapi::Id),
    request_body = domain::fund::MovementInput,
    responses(
        super::openapi::FundMovement,
        super::openapi::ById,
    )
)]
pub async fn withdraw(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    deposit_movement(state, caller, id, Direction::Out, body).await
}

async fn case_movement(
    state: AppState,
    caller: Caller,
    id: i32,
    kind: CaseMovement,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[domain::Role::FundAdmin])?;
    let mv: MovementInput = from_json(&body, lang)?;
    let r = operations::case_movement(&state.services, &caller.user, id, kind, &mv)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(created(r))
}

#[utoipa::path(
    post,
    path = "/cases/{id}/repayment",
    tag = "fund",
    summary = "Fund administrator: the merchant repaid what its deposit did not cover",
    params(super::openapi::Id),
    request_body = domain::fund::MovementInput,
    responses(
        super::openapi::FundMovement,
        super::openapi::ById,
    )
)]
pub async fn repayment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    case_movement(state, caller, id, CaseMovement::Repayment, body).await
}

#[utoipa::path(
    post,
    path = "/cases/{id}/write-off",
    tag = "fund",
    summary = "Fund administrator: give up a recoverable amount, with a reason",
    params(super::openapi::Id),
    request_body = domain::fund::MovementInput,
    responses(
        super::openapi::FundMovement,
        super::openapi::ById,
    )
)]
pub async fn write_off(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    case_movement(state, caller, id, CaseMovement::WriteOff, body).await
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerQuery {
    #[param(value_type = Option<u32>, minimum = 1, maximum = 10000)]
    page: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    per_page: Option<String>,
    /// One merchant's entries.
    #[param(value_type = Option<i32>, minimum = 1)]
    merchant_id: Option<String>,
}

/// Public: every payout and recovery, newest first, consumers masked.
#[utoipa::path(
    get,
    path = "/fund/ledger",
    tag = "fund",
    summary = "Public ledger: every payout and recovery, newest first; consumers masked",
    params(LedgerQuery),
    responses(
        (status = 200, description = "A page of the ledger", body = domain::fund::LedgerPage),
        super::openapi::BadQuery,
    )
)]
pub async fn ledger(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Query(q): Query<LedgerQuery>,
) -> ApiResult<impl IntoResponse> {
    let (page, per_page) =
        domain::search::paging(&q.page, &q.per_page, 50).map_err(|e| ApiError(e, lang))?;
    let merchant =
        domain::search::id_param(&q.merchant_id, "merchant_id").map_err(|e| ApiError(e, lang))?;
    let p = public::ledger(&state.services, merchant, page, per_page)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(p))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// One merchant's figures.
    #[param(value_type = Option<i32>, minimum = 1)]
    merchant_id: Option<String>,
}

/// Public: paid, recovered, outstanding, recovery rate (fund-wide or one merchant's).
#[utoipa::path(
    get,
    path = "/fund/summary",
    tag = "fund",
    summary = "Public totals: paid, recovered, written off, outstanding, recovery rate (basis points); fund-wide also available money and deposits held",
    params(SummaryQuery),
    responses(
        (status = 200, description = "The totals", body = domain::fund::FundSummary),
        super::openapi::BadQuery,
    )
)]
pub async fn summary(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Query(q): Query<SummaryQuery>,
) -> ApiResult<impl IntoResponse> {
    let merchant =
        domain::search::id_param(&q.merchant_id, "merchant_id").map_err(|e| ApiError(e, lang))?;
    let s = public::summary(&state.services.db, merchant)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(s))
}

/// The merchant's own account (deposit, what it owes, its entries); fund
/// staff, regulators and admins too.
#[utoipa::path(
    get,
    path = "/merchants/{id}/account",
    tag = "fund",
    summary = "A merchant's account with the fund: deposit, what it owes, entries (its account holder, fund administrators, regulators, admins)",
    params(super::openapi::Id),
    responses(
        (status = 200, description = "The account", body = domain::fund::MerchantAccount),
        super::openapi::SignedIn,
        (status = 403, description = "Not this merchant's account", body = super::openapi::ErrorBody),
        super::openapi::ById,
    )
)]
pub async fn account(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
) -> ApiResult<impl IntoResponse> {
    let a = public::merchant_account(&state.services, &caller.user, id)
        .await
        .map_err(|e| ApiError(e, caller.lang))?;
    Ok(Json(a))
}
