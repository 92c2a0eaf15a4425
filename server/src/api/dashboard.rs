//! `GET /api/v1/regulator/dashboard`: the dashboard's figures
//! (`domain::dashboard`) for regulators and admins; fund administrators get
//! the fund's months only.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use domain::dashboard::DashboardParams;

use super::{ApiError, ApiResult, Caller};
use crate::AppState;

#[utoipa::path(
    get,
    path = "/regulator/dashboard",
    tag = "regulator",
    summary = "Regulator dashboard: complaints per week, by category, province and outcome, median response and resolution times, deadlines met, the merchants most complained about, and the fund's months (fund administrators: the fund only)",
    params(DashboardParams),
    responses(
        (status = 200, description = "The figures", body = domain::dashboard::DashboardView),
        super::openapi::SignedIn,
        (status = 403, description = "Not a regulator, admin or fund administrator", body = super::openapi::ErrorBody),
        super::openapi::BadQuery,
    )
)]
pub async fn dashboard(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<DashboardParams>,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let view = services::dashboard::for_params(&state.services, &caller.user, &p)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(view))
}
