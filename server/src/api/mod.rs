//! The JSON API under `/api/v1`, for platforms and regulators. Every error is
//! `{"error": {"code", "field"?, "message"}}` with the status of
//! `AppError::status()`, the message in the request's language.

mod admin;
mod bodies;
mod cases;
mod complaints;
mod dashboard;
mod evidence;
mod export;
mod filing;
mod fund;
mod inbox;
mod lists;
mod merchants;
pub mod openapi;
mod organisations;
mod platforms;
mod ratings;
mod screening;

mod search;
mod session;
mod team;
mod templates;
mod users;

use axum::Router;
use axum::body::Bytes;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::{AppError, Lang, Role, UserView};
use serde::de::DeserializeOwned;
use services::Services;
use services::accounts::cookies;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

/// The filing page's form (`POST /cases/new`, the same handler as
/// `POST /api/v1/cases/filing`) and its body limit.
pub use filing::{MAX_BODY_BYTES as FILING_MAX_BODY_BYTES, file_with_evidence};

pub fn routes(state: AppState) -> Router {
    let router: Router<AppState> = documented()
        .fallback(|headers: HeaderMap| async move {
            error_response(&AppError::NotFound, cookies::lang_of(&headers))
        })
        .into();
    router
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            platforms::gate,
        ))
        .with_state(state)
}

/// Every route of the API with its description: `routes!` registers each
/// handler at the path and method of its `#[utoipa::path]` and adds that to
/// the document, so nothing is served undocumented; the test
/// `every_routed_api_path_and_method_is_in_the_openapi_document` (tests/it/web.rs)
/// walks the app's axum routes in case a plain `.route` slips in. Handlers
/// sharing a path share a `routes!`.
pub fn documented() -> OpenApiRouter<AppState> {
    let mut router = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(users::create))
        .routes(routes!(session::create, session::delete))
        .routes(routes!(users::me))
        .routes(routes!(admin::create_user, admin::users))
        .routes(routes!(admin::pii_log))
        .routes(routes!(cases::file, cases::list))
        .routes(routes!(filing::file_with_evidence))
        // The filing draft (issue 16).
        .routes(routes!(filing::get_draft, filing::discard_draft))
        .routes(routes!(filing::draft_file))
        .routes(routes!(cases::get))
        .routes(routes!(cases::act))
        .routes(routes!(cases::add_note))
        .routes(routes!(cases::recuse))
        .routes(routes!(cases::reassign))
        .routes(routes!(cases::workload))
        .routes(routes!(cases::join))
        .routes(routes!(cases::open_for_merchant))
        .routes(routes!(evidence::upload, evidence::list))
        .routes(routes!(evidence::download))
        .routes(routes!(inbox::list))
        .routes(routes!(inbox::mark_read))
        .routes(routes!(cases::trail))
        .routes(routes!(complaints::set_publication))
        .routes(routes!(complaints::search))
        .routes(routes!(complaints::get))
        .routes(routes!(cases::verify))
        .routes(routes!(cases::statistics))
        .routes(routes!(merchants::register, search::merchants))
        .routes(routes!(search::suggest))
        .routes(routes!(merchants::verifications))
        .routes(routes!(team::team))
        .routes(routes!(team::invite))
        .routes(routes!(team::revoke))
        .routes(routes!(team::remove))
        .routes(routes!(team::join))
        .routes(routes!(templates::list, templates::create))
        .routes(routes!(templates::update, templates::delete))
        .routes(routes!(merchants::verification))
        .routes(routes!(merchants::upload_licence, merchants::licence))
        .routes(routes!(merchants::decide_verification))
        .routes(routes!(merchants::profile))
        .routes(routes!(merchants::records))
        .routes(routes!(merchants::sign_commitment))
        .routes(routes!(merchants::create_finding))
        .routes(routes!(merchants::object_to_record))
        .routes(routes!(merchants::repair))
        .routes(routes!(merchants::record_requests))
        .routes(routes!(merchants::risk_warnings))
        .routes(routes!(merchants::acknowledge_risk_warning))
        .routes(routes!(merchants::decide_request))
        .routes(routes!(fund::top_up))
        .routes(routes!(fund::ledger))
        .routes(routes!(fund::summary))
        .routes(routes!(fund::deposit))
        .routes(routes!(fund::withdraw))
        .routes(routes!(fund::account))
        .routes(routes!(fund::repayment))
        .routes(routes!(fund::write_off))
        .routes(routes!(ratings::for_merchant))
        .routes(routes!(ratings::for_case, ratings::rate))
        .routes(routes!(ratings::follow_up))
        .routes(routes!(ratings::hide))
        .routes(routes!(lists::red))
        .routes(routes!(lists::black))
        .routes(routes!(lists::proposals))
        .routes(routes!(lists::decide))
        .routes(routes!(lists::object_to_listing))
        .routes(routes!(export::credit))
        // Dashboards and exports (issue 15).
        .routes(routes!(dashboard::dashboard))
        .routes(routes!(export::cases))
        .routes(routes!(export::complaints))
        .routes(routes!(screening::own))
        .routes(routes!(screening::object))
        .routes(routes!(screening::queue))
        .routes(routes!(screening::decide))
        .routes(routes!(openapi::document))
        // Real-name identity (实名认证).
        .routes(routes!(users::set_identity))
        .routes(routes!(cases::identity))
        // Case bundles (issue 14).
        .routes(routes!(cases::bundle))
        // Account administration and the holder's own settings (issue 15).
        .routes(routes!(admin::set_status))
        .routes(routes!(admin::set_role))
        .routes(routes!(admin::audit))
        .routes(routes!(users::change_password))
        .routes(routes!(users::change_email))
        .routes(routes!(users::confirm_email))
        .routes(routes!(users::access_log))
        .routes(routes!(users::delete_me))
        // Platforms as participants (issue 15.2): organisations and their
        // keys (admins), and the organisations' own API (keys only).
        .routes(routes!(organisations::create, organisations::list))
        .routes(routes!(organisations::set_status))
        .routes(routes!(organisations::create_key))
        .routes(routes!(organisations::revoke_key))
        .routes(routes!(organisations::calls))
        .routes(routes!(platforms::complaints))
        .routes(routes!(platforms::cases))
        .routes(routes!(platforms::credit))
        // Webhooks for e-commerce platforms (issue 15.2).
        .routes(routes!(platforms::create_webhook, platforms::list_webhooks))
        .routes(routes!(platforms::delete_webhook))
        .routes(routes!(platforms::rotate_webhook_secret))
        .routes(routes!(platforms::webhook_deliveries))
        .routes(routes!(platforms::replay_webhook));
    openapi::finish(router.get_openapi_mut());
    router
}

/// Renders an error as the API's JSON body.
pub fn error_response(e: &AppError, lang: Lang) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut body = serde_json::json!({"code": e.code(), "message": e.message(lang)});
    if let Some(f) = e.field() {
        body["field"] = f.into();
    }
    let mut res = (status, axum::Json(serde_json::json!({ "error": body }))).into_response();
    if matches!(e, AppError::Unavailable) {
        res.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from_static("5"),
        );
    }
    res
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
