//! The organisations' API under `/platform/…`: an e-commerce platform sends
//! its complaints in bulk and reads back the cases it sent; a public credit
//! platform reads merchant credit. Callers are organisations with an API key
//! (`Authorization: Bearer gd_live_…`), never users: [`gate`] authenticates
//! the key (a session token is refused here, and a key is refused on every
//! user route because it is no session), counts it against its per-minute
//! limit and logs every call with the status it got.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::AppError;
use domain::platforms::Scope;
use serde::Deserialize;
use services::accounts::cookies;
use services::platforms::OrgCaller as Org;

use super::{ApiError, ApiResult};
use crate::AppState;

/// The paths [`gate`] guards, inside `/api/v1`.
const PREFIX: &str = "/platform/";

/// The organisation calling (put there by [`gate`]); 401 when there is none.
pub struct OrgCaller {
    pub org: Org,
    pub lang: domain::Lang,
}

impl<S: Send + Sync> FromRequestParts<S> for OrgCaller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let lang = cookies::lang_of(&parts.headers);
        let org =
            parts.extensions.get::<Org>().cloned().ok_or_else(|| {
                ApiError(AppError::unauthorized("err.platform.key_required"), lang)
            })?;
        Ok(OrgCaller { org, lang })
    }
}

impl OrgCaller {
    fn require(&self, scope: Scope) -> ApiResult<()> {
        self.org.require(scope).map_err(|e| ApiError(e, self.lang))
    }
}

/// In front of every API route: on `/platform/…` only an organisation's key
/// passes (401 otherwise); over the key's limit the call is 429 with
/// `Retry-After`; every call of a key is logged with its status.
pub async fn gate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let inner = path.strip_prefix("/api/v1").unwrap_or(&path);
    if !inner.starts_with(PREFIX) {
        return next.run(req).await;
    }
    let lang = cookies::lang_of(req.headers());
    let svc = &state.services;
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
    let org = match services::platforms::keys::authenticate(svc, token).await {
        Ok(Some(org)) => org,
        Ok(None) => {
            return super::error_response(
                &AppError::unauthorized("err.platform.key_required"),
                lang,
            );
        }
        Err(e) => return super::error_response(&e, lang),
    };
    let method = req.method().to_string();
    let limit = svc.config.limits.api_key_per_minute;
    let window = std::time::Duration::from_secs(60);
    let resp = if svc
        .limiter
        .allow(&format!("api-key:{}", org.key_id), limit, window)
        .await
    {
        req.extensions_mut().insert(org.clone());
        next.run(req).await
    } else {
        let mut r = super::error_response(&AppError::RateLimited, lang);
        // Windows follow the wall clock's minutes.
        let left = 60 - chrono::Utc::now().timestamp().rem_euclid(60);
        if let Ok(v) = HeaderValue::from_str(&left.to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        r
    };
    if let Err(e) =
        services::platforms::keys::log_call(svc, &org, &method, inner, resp.status().as_u16()).await
    {
        tracing::error!("logging an API key's call: {e}");
    }
    resp
}

/// `POST /api/v1/platform/complaints` (NDJSON).
#[utoipa::path(
    post,
    path = "/platform/complaints",
    tag = "platforms",
    summary = "E-commerce platform (cases:write): send complaints in bulk, one JSON object a line (NDJSON); each filed in its own transaction, idempotent by external_id",
    description = "Each line is an `IntakeLine`. The answer lists every non-blank line in order: `created` (filed, committed), `duplicate` (this organisation sent the external_id before: the case filed then) or `rejected` (with the field and the reason in the request's language). At most 1,000 lines and 5 MB.",
    request_body(content = String, content_type = "application/x-ndjson", description = "One `IntakeLine` a line"),
    responses(
        (status = 200, description = "Every line's result, in order", body = super::openapi::Items<domain::platforms::LineResult>),
        (status = 401, description = "No key, an unknown or revoked key, or the organisation is deactivated", body = super::openapi::ErrorBody),
        (status = 403, description = "The key lacks the scope cases:write", body = super::openapi::ErrorBody),
        (status = 413, description = "The body is larger than 5 MB", body = super::openapi::ErrorBody),
        (status = 422, description = "No line, or more than 1,000 lines (`field` is `body`)", body = super::openapi::ErrorBody),
        (status = 429, description = "The key used its calls of this minute (Retry-After)", body = super::openapi::ErrorBody),
    )
)]
pub async fn complaints(
    State(state): State<AppState>,
    caller: OrgCaller,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let items = services::platforms::intake::intake(&state.services, &caller.org, &body, lang)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(super::openapi::Items { items }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CasesQuery {
    /// Only cases with an id above this (the previous page's `next_after`).
    #[param(value_type = Option<i32>, minimum = 0)]
    after: Option<String>,
    /// How many, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
}

/// `GET /api/v1/platform/cases?after=&limit=`.
#[utoipa::path(
    get,
    path = "/platform/cases",
    tag = "platforms",
    summary = "E-commerce platform (cases:read:own): the cases this organisation sent, with status, stage deadlines and outcome, paged by id",
    params(CasesQuery),
    responses(
        (status = 200, description = "A page, oldest first; `next_after` continues it", body = domain::platforms::PlatformCasePage),
        (status = 401, description = "No key, an unknown or revoked key, or the organisation is deactivated", body = super::openapi::ErrorBody),
        (status = 403, description = "The key lacks the scope cases:read:own", body = super::openapi::ErrorBody),
        (status = 429, description = "The key used its calls of this minute (Retry-After)", body = super::openapi::ErrorBody),
        super::openapi::BadQuery,
    )
)]
pub async fn cases(
    State(state): State<AppState>,
    caller: OrgCaller,
    Query(q): Query<CasesQuery>,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(Scope::CasesReadOwn)?;
    let bad = |e| ApiError(e, lang);
    let after = domain::input::whole::<i32>(q.after.as_deref(), "after")
        .map_err(bad)?
        .unwrap_or(0);
    if after < 0 {
        return Err(bad(AppError::invalid("after", "err.whole_number")));
    }
    let limit = domain::input::whole::<u64>(q.limit.as_deref(), "limit")
        .map_err(bad)?
        .unwrap_or(services::platforms::cases::DEFAULT_LIMIT);
    if !(1..=services::platforms::cases::MAX_LIMIT).contains(&limit) {
        return Err(bad(AppError::invalid("limit", "err.platform.limit")));
    }
    let page = services::platforms::cases::list(&state.services, &caller.org, after, limit)
        .await
        .map_err(bad)?;
    Ok(Json(page))
}

/// `GET /api/v1/platform/credit?format=ndjson|csv`.
#[utoipa::path(
    get,
    path = "/platform/credit",
    tag = "platforms",
    summary = "Public credit platform (credit:read): every merchant's credit in bulk, streamed in pages by id (NDJSON, or CSV with a header row) — the regulators' export",
    params(super::export::ExportQuery),
    responses(
        (status = 200, description = "One line per merchant", content((String = "application/x-ndjson"), (String = "text/csv"))),
        (status = 401, description = "No key, an unknown or revoked key, or the organisation is deactivated", body = super::openapi::ErrorBody),
        (status = 403, description = "The key lacks the scope credit:read", body = super::openapi::ErrorBody),
        (status = 429, description = "The key used its calls of this minute (Retry-After)", body = super::openapi::ErrorBody),
        super::openapi::BadQuery,
    )
)]
pub async fn credit(
    State(state): State<AppState>,
    caller: OrgCaller,
    Query(q): Query<super::export::ExportQuery>,
) -> ApiResult<Response> {
    caller.require(Scope::CreditRead)?;
    tracing::info!(organisation = caller.org.organisation_id, "credit export");
    super::export::stream(&state, q, caller.lang)
}

// ------------------------------------------------------------------ webhooks

#[utoipa::path(
    post,
    path = "/platform/webhooks",
    tag = "platforms",
    summary = "E-commerce platform (webhooks:manage): register an HTTPS endpoint for the case events of the cases it sent; the signing secret (whsec_…) is in this answer only",
    description = "The URL must be `https://`, without a user name or password, on a host that resolves only to public addresses. Each event is POSTed as JSON with `Gongdao-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, \"<t>.<body>\")>` and `Gongdao-Event-Id`; a 2xx within 10 s is delivered, anything else is retried with back-off. At most 10 endpoints.",
    request_body = domain::webhooks::WebhookInput,
    responses(
        (status = 201, description = "The endpoint and its secret, shown this once", body = domain::webhooks::CreatedWebhook),
        (status = 401, description = "No key, an unknown or revoked key, or the organisation is deactivated", body = super::openapi::ErrorBody),
        (status = 403, description = "The key lacks the scope webhooks:manage", body = super::openapi::ErrorBody),
        (status = 409, description = "The organisation has 10 endpoints already", body = super::openapi::ErrorBody),
        (status = 422, description = "The URL is not https, carries credentials, cannot be resolved or points to a private address (`field` is `url`)", body = super::openapi::ErrorBody),
        (status = 429, description = "The key used its calls of this minute (Retry-After)", body = super::openapi::ErrorBody),
    )
)]
pub async fn create_webhook(
    State(state): State<AppState>,
    caller: OrgCaller,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(Scope::WebhooksManage)?;
    let input: domain::webhooks::WebhookInput = super::from_json(&body, lang)?;
    let created = services::platforms::webhooks::create(&state.services, &caller.org, &input)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok((axum::http::StatusCode::CREATED, Json(created)))
}

#[utoipa::path(
    get,
    path = "/platform/webhooks",
    tag = "platforms",
    summary = "E-commerce platform (webhooks:manage): its endpoints (never a secret)",
    responses(
        (status = 200, description = "The endpoints, oldest first", body = super::openapi::Items<domain::webhooks::WebhookEndpointView>),
        (status = 401, description = "No key, an unknown or revoked key, or the organisation is deactivated", body = super::openapi::ErrorBody),
        (status = 403, description = "The key lacks the scope webhooks:manage", body = super::openapi::ErrorBody),
        (status = 429, description = "The key used its calls of this minute (Retry-After)", body = super::openapi::ErrorBody),
    )
)]
pub async fn list_webhooks(
    State(state): State<AppState>,
    caller: OrgCaller,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let items = services::platforms::webhooks::list(&state.services, &caller.org)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(super::openapi::Items { items }))
}

#[utoipa::path(
    delete,
    path = "/platform/webhooks/{id}",
    tag = "platforms",
    summary = "E-commerce platform (webhooks:manage): delete an endpoint; nothing more is sent to it, its delivery log stays",
    params(super::openapi::Id),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No key, an unknown or revoked key, or the organisation is deactivated", body = super::openapi::ErrorBody),
        (status = 403, description = "The key lacks the scope webhooks:manage", body = super::openapi::ErrorBody),
        (status = 404, description = "No such endpoint of this organisation", body = super::openapi::ErrorBody),
        (status = 429, description = "The key used its calls of this minute (Retry-After)", body = super::openapi::ErrorBody),
    )
)]
pub async fn delete_webhook(
    State(state): State<AppState>,
    caller: OrgCaller,
    Path(id): Path<i32>,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    services::platforms::webhooks::delete(&state.services, &caller.org, id)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/platform/webhooks/{id}/secret-rotation",
    tag = "platforms",
    summary = "E-commerce platform (webhooks:manage): a new signing secret for the endpoint, in this answer only; the old one stops signing at once",
    params(super::openapi::Id),
    responses(
        (status = 200, description = "The endpoint and its new secret", body = domain::webhooks::CreatedWebhook),
        (status = 401, description = "No key, an unknown or revoked key, or the organisation is deactivated", body = super::openapi::ErrorBody),
        (status = 403, description = "The key lacks the scope webhooks:manage", body = super::openapi::ErrorBody),
        (status = 404, description = "No such endpoint of this organisation", body = super::openapi::ErrorBody),
        (status = 429, description = "The key used its calls of this minute (Retry-After)", body = super::openapi::ErrorBody),
    )
)]
pub async fn rotate_webhook_secret(
    State(state): State<AppState>,
    caller: OrgCaller,
    Path(id): Path<i32>,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let created = services::platforms::webhooks::rotate(&state.services, &caller.org, id)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(created))
}

#[utoipa::path(
    get,
    path = "/platform/webhooks/deliveries",
    tag = "platforms",
    summary = "E-commerce platform (webhooks:manage): the delivery log — its latest 100 deliveries, newest first, each with every attempt (time, status or error, duration, the start of the answer)",
    responses(
        (status = 200, description = "The deliveries", body = super::openapi::Items<domain::webhooks::WebhookDeliveryView>),
        (status = 401, description = "No key, an unknown or revoked key, or the organisation is deactivated", body = super::openapi::ErrorBody),
        (status = 403, description = "The key lacks the scope webhooks:manage", body = super::openapi::ErrorBody),
        (status = 429, description = "The key used its calls of this minute (Retry-After)", body = super::openapi::ErrorBody),
    )
)]
pub async fn webhook_deliveries(
    State(state): State<AppState>,
    caller: OrgCaller,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let items = services::platforms::webhooks::deliveries(&state.services, &caller.org)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(super::openapi::Items { items }))
}

#[utoipa::path(
    post,
    path = "/platform/webhooks/deliveries/{id}/replay",
    tag = "platforms",
    summary = "E-commerce platform (webhooks:manage): send a delivered or failed event again — same event id and body, a fresh signature",
    params(super::openapi::Id),
    responses(
        (status = 202, description = "Queued; the log shows the attempt", body = domain::webhooks::WebhookDeliveryView),
        (status = 401, description = "No key, an unknown or revoked key, or the organisation is deactivated", body = super::openapi::ErrorBody),
        (status = 403, description = "The key lacks the scope webhooks:manage", body = super::openapi::ErrorBody),
        (status = 404, description = "No such delivery of this organisation, or its endpoint was deleted", body = super::openapi::ErrorBody),
        (status = 409, description = "The delivery is still pending (being sent or waiting to retry)", body = super::openapi::ErrorBody),
        (status = 429, description = "The key used its calls of this minute (Retry-After)", body = super::openapi::ErrorBody),
    )
)]
pub async fn replay_webhook(
    State(state): State<AppState>,
    caller: OrgCaller,
    Path(id): Path<i32>,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let d = services::platforms::webhooks::replay(&state.services, &caller.org, id)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok((axum::http::StatusCode::ACCEPTED, Json(d)))
}
