//! The JSON API under `/api/v1`, for platforms and regulators. Every error is
//! `{"error": {"code", "field"?, "message"}}` with the status of
//! `AppError::status()`, the message in the request's language.

mod admin;
mod cases;
mod complaints;
mod evidence;
mod export;
mod fund;
mod inbox;
mod lists;
mod merchants;
pub mod openapi;
mod ratings;

mod search;
mod session;
mod users;

use axum::Router;
use axum::body::Bytes;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::{AppError, Lang, Role, UserView};
use serde::de::DeserializeOwned;
use services::Services;
use services::accounts::cookies;

use crate::AppState;

pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/users", post(users::create))
        .route("/session", post(session::create).delete(session::delete))
        .route("/me", get(users::me))
        .route("/admin/users", post(admin::create_user))
        .route("/admin/pii-log", get(admin::pii_log))
        .route("/cases", post(cases::file).get(cases::list))
        .route("/cases/{id}", get(cases::get))
        .route("/cases/{id}/actions", post(cases::act))
        .route("/cases/{id}/join", post(cases::join))
        .route(
            "/merchants/{id}/complaints/open",
            get(cases::open_for_merchant),
        )
        .route(
            "/cases/{id}/evidence",
            post(evidence::upload).get(evidence::list),
        )
        .route("/evidence/{id}", get(evidence::download))
        .route("/notifications", get(inbox::list))
        .route("/notifications/read", post(inbox::mark_read))
        .route("/cases/{id}/trail", get(cases::trail))
        .route("/cases/{id}/publication", post(complaints::set_publication))
        .route("/complaints", get(complaints::search))
        .route("/complaints/{id}", get(complaints::get))
        .route("/cases/{id}/trail/verify", get(cases::verify))
        .route(
            "/merchants",
            post(merchants::register).get(search::merchants),
        )
        .route("/merchants/suggest", get(search::suggest))
        .route("/merchants/verifications", get(merchants::verifications))
        .route(
            "/merchants/verifications/{id}",
            get(merchants::verification),
        )
        .route(
            "/merchants/verifications/{id}/licence",
            post(merchants::upload_licence).get(merchants::licence),
        )
        .route(
            "/regulator/verifications/{id}/decision",
            post(merchants::decide_verification),
        )
        .route("/merchants/{id}", get(merchants::profile))
        .route("/merchants/{id}/records", get(merchants::records))
        .route(
            "/merchants/{id}/commitment",
            post(merchants::sign_commitment),
        )
        .route(
            "/regulator/merchants/{id}/records",
            post(merchants::create_finding),
        )
        .route("/records/{id}/objection", post(merchants::object_to_record))
        .route("/records/{id}/repair", post(merchants::repair))
        .route("/records/requests", get(merchants::record_requests))
        .route("/regulator/risk-warnings", get(merchants::risk_warnings))
        .route(
            "/regulator/requests/{id}/decision",
            post(merchants::decide_request),
        )
        .route("/fund/top-up", post(fund::top_up))
        .route("/fund/ledger", get(fund::ledger))
        .route("/fund/summary", get(fund::summary))
        .route("/merchants/{id}/deposit", post(fund::deposit))
        .route("/merchants/{id}/deposit/withdraw", post(fund::withdraw))
        .route("/merchants/{id}/account", get(fund::account))
        .route("/cases/{id}/repayment", post(fund::repayment))
        .route("/cases/{id}/write-off", post(fund::write_off))
        .route("/merchants/{id}/ratings", get(ratings::for_merchant))
        .route(
            "/cases/{id}/ratings",
            get(ratings::for_case).post(ratings::rate),
        )
        .route("/cases/{id}/ratings/follow-up", post(ratings::follow_up))
        .route("/regulator/ratings/{id}/hide", post(ratings::hide))
        .route("/lists/red", get(lists::red))
        .route("/lists/black", get(lists::black))
        .route("/regulator/lists/proposals", get(lists::proposals))
        .route("/regulator/lists/{id}/decision", post(lists::decide))
        .route("/lists/{id}/objection", post(lists::object_to_listing))
        .route("/export/credit", get(export::credit))
        .route("/openapi.json", get(openapi::document))
        .fallback(|headers: HeaderMap| async move {
            error_response(&AppError::NotFound, cookies::lang_of(&headers))
        })
        .with_state(state)
}

/// Renders an error as the API's JSON body.
pub fn error_response(e: &AppError, lang: Lang) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut body = serde_json::json!({"code": e.code(), "message": e.message(lang)});
    if let Some(f) = e.field() {
        body["field"] = f.into();
    }
    (status, axum::Json(serde_json::json!({ "error": body }))).into_response()
}

/// An error on its way out, with the language to write it in.
pub struct ApiError(pub AppError, pub Lang);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error_response(&self.0, self.1)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The request's language (cookie, `Accept-Language`, Chinese).
pub struct ReqLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for ReqLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ReqLang(cookies::lang_of(&parts.headers)))
    }
}

/// The signed-in caller (Bearer token or session cookie); 401 otherwise.
pub struct Caller {
    pub user: UserView,
    pub lang: Lang,
}

impl Caller {
    /// 403 unless the caller holds one of `roles`.
    pub fn require(&self, roles: &[Role]) -> ApiResult<()> {
        if roles.contains(&self.user.role) {
            Ok(())
        } else {
            Err(ApiError(AppError::Forbidden, self.lang))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = cookies::lang_of(&parts.headers);
        let svc: &Services = &state.services;
        let unauthorized = || ApiError(AppError::unauthorized("err.not_signed_in"), lang);
        let cred = cookies::credential(&parts.headers).ok_or_else(unauthorized)?;
        let user = services::accounts::user_for_token(svc, cred.token())
            .await
            .map_err(|e| ApiError(e, lang))?
            .ok_or_else(unauthorized)?;
        Ok(Caller { user, lang })
    }
}

/// The caller if signed in, for public routes that show more to some
/// (an unknown or expired token reads as signed out).
pub struct MaybeCaller(pub Option<UserView>);

impl FromRequestParts<AppState> for MaybeCaller {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = cookies::lang_of(&parts.headers);
        let Some(cred) = cookies::credential(&parts.headers) else {
            return Ok(MaybeCaller(None));
        };
        let user = services::accounts::user_for_token(&state.services, cred.token())
            .await
            .map_err(|e| ApiError(e, lang))?;
        Ok(MaybeCaller(user))
    }
}

/// Parses a JSON body into `T` (whose fields should be `Option`s so that a
/// missing field becomes a named 422 in the handler, not a generic one here).
pub fn parse_json<T: DeserializeOwned>(body: &Bytes, lang: Lang) -> ApiResult<T> {
    serde_json::from_slice(body).map_err(|e| {
        tracing::debug!("bad JSON body: {e}");
        ApiError(AppError::invalid("body", "err.json_invalid"), lang)
    })
}

/// Deserialises a JSON body into a typed input ([`domain::input::from_json`]):
/// a missing or mistyped field is a 422 naming it, in the request's language.
pub fn from_json<T: DeserializeOwned>(body: &Bytes, lang: Lang) -> ApiResult<T> {
    domain::input::from_json(body).map_err(|e| ApiError(e, lang))
}

/// A required string field.
pub fn required(v: Option<String>, field: &str, lang: Lang) -> ApiResult<String> {
    v.filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ApiError(AppError::invalid(field, "err.required"), lang))
}

pub fn client_ip(parts_ext: &axum::http::Extensions) -> String {
    parts_ext
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}
