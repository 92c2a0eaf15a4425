//! Plain HTTP routes and the layers around everything: health, language
//! switch, body limit, CSRF defence for cookie-authenticated writes.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use domain::Lang;
use serde::Deserialize;
use services::Services;
use services::accounts::cookies;

use crate::AppState;

pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/lang/{code}", get(switch_lang))
        .route("/.well-known/gongdao-signing-key", get(signing_key))
        .route("/.well-known/gongdao-signing-key.pem", get(signing_key_pem))
        .with_state(state)
}

/// The public keys that sign case bundles (public): JSON with every key
/// (`keys`, the signing one first, each with its id, hex and PEM forms),
/// `current` naming the one that signs now.
async fn signing_key(State(svc): State<Services>) -> Response {
    match services::signing::published_keys(&svc).await {
        Ok(keys) => axum::Json(serde_json::json!({
            "algorithm": "Ed25519",
            "current": keys.first().map(|k| k.key_id.clone()),
            "keys": keys,
            "signed": "manifest.txt of each bundle, byte for byte; see the README, \"Case bundles\"",
        }))
        .into_response(),
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

/// The key that signs now, as PEM (for `openssl pkeyutl -verify -pubin`).
async fn signing_key_pem(State(svc): State<Services>) -> Response {
    match services::signing::published_keys(&svc).await {
        Ok(keys) if !keys.is_empty() => (
            [(header::CONTENT_TYPE, "application/x-pem-file")],
            keys[0].public_key_pem.clone(),
        )
            .into_response(),
        _ => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

/// Layers that apply to every route.
pub fn wrap(router: Router, svc: &Services) -> Router {
    router
        .layer(middleware::from_fn(csrf_guard))
        .layer(middleware::from_fn_with_state(
            svc.config.limits.max_body_bytes,
            body_limit,
        ))
        // `body_limit` is the one limit on every body. axum's own default
        // (2 MB on `Multipart`, `Bytes`, `Json`…) would refuse evidence and
        // licence files between 2 and 10 MB as too large.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(middleware::from_fn(json_payload_too_large))
        .layer(middleware::from_fn(security_headers))
        // Outermost: everything inside sees the real client address.
        .layer(middleware::from_fn_with_state(
            std::sync::Arc::new(svc.config.trusted_proxies.clone()),
            crate::proxy::real_client,
        ))
}

async fn healthz(State(svc): State<Services>) -> Response {
    match svc.db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok"})),
        )
            .into_response(),
        Err(e) => {
            tracing::error!("health check: database: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "database unavailable"})),
            )
                .into_response()
        }
    }
}

#[derive(Deserialize)]
struct Back {
    back: Option<String>,
}

/// `/lang/en?back=/path`: remembers the language in a cookie (and on the
/// account when signed in, so mail follows it) and goes back.
async fn switch_lang(
    State(svc): State<Services>,
    Path(code): Path<String>,
    Query(q): Query<Back>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    if let Some(cred) = cookies::credential(&headers)
        && let Ok(Some(u)) = services::accounts::user_for_token(&svc, cred.token()).await
        && let Err(e) = services::accounts::set_lang(&svc, u.id, lang).await
    {
        tracing::warn!("saving language: {e}");
    }
    let back = q
        .back
        .filter(|b| is_local_path(b))
        .unwrap_or_else(|| "/".into());
    let mut resp = Redirect::to(&back).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookies::lang_cookie(lang, svc.config.secure_cookies)) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// Only paths on this site: `/x`, never `//evil.com` or `http://…`.
pub fn is_local_path(p: &str) -> bool {
    p.starts_with('/') && !p.starts_with("//") && !p.starts_with("/\\")
}

/// A write that rides on the session cookie must come from our own pages:
/// its `Origin` (or, lacking that, `Referer`) must name this host. Bearer
/// requests are not exposed to CSRF and pass.
async fn csrf_guard(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let cookie_auth = matches!(
        cookies::credential(req.headers()),
        Some(cookies::Credential::Cookie(_))
    );
    if safe || !cookie_auth || same_origin(req.headers()) {
        return next.run(req).await;
    }
    let lang = cookies::lang_of(req.headers());
    crate::api::error_response(&domain::AppError::Forbidden, lang)
}

fn same_origin(h: &HeaderMap) -> bool {
    let Some(host) = h.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host_of = |source: &str| -> String {
        let rest = source
            .strip_prefix("https://")
            .or_else(|| source.strip_prefix("http://"))
            .unwrap_or("");
        rest.split('/').next().unwrap_or("").to_ascii_lowercase()
    };
    // Every Origin (or, lacking one, every Referer) must name this host.
    let name = if h.contains_key(header::ORIGIN) {
        header::ORIGIN
    } else {
        header::REFERER
    };
    let sources: Vec<&str> = h
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap_or(""))
        .collect();
    !sources.is_empty()
        && sources
            .iter()
            .all(|s| host_of(s) == host.to_ascii_lowercase())
}

/// Bodies are limited to `max` bytes (64 KiB), evidence and licence uploads to 10 MB
/// plus room for the multipart framing, a filing with its evidence to 25 MB plus room: refused up front when
/// `Content-Length` says so, cut off while read otherwise.
async fn body_limit(State(max): State<usize>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let upload = path.ends_with("/evidence") || path.ends_with("/licence");
    let intake = path == "/api/v1/platform/complaints";
    let filing = path == "/api/v1/cases/filing" || path == "/cases/new";
    let limit = if req.method() == Method::POST && filing {
        crate::api::FILING_MAX_BODY_BYTES
    } else if req.method() == Method::POST && upload {
        services::cases::evidence::MAX_BYTES + 64 * 1024
    } else if req.method() == Method::POST && intake {
        domain::platforms::MAX_BODY_BYTES
    } else {
        max
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return crate::api::error_response(
            &domain::AppError::PayloadTooLarge,
            cookies::lang_of(req.headers()),
        );
    }
    let req = req.map(|b| Body::new(http_body_util::Limited::new(b, limit)));
    next.run(req).await
}

/// The body limit answers in plain text (from the limit layer when
/// `Content-Length` is too big, from the extractor when the body turns out
/// too big while read); say it as the API's JSON error instead.
async fn json_payload_too_large(req: Request, next: Next) -> Response {
    let lang = cookies::lang_of(req.headers());
    let resp = next.run(req).await;
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if resp.status() == StatusCode::PAYLOAD_TOO_LARGE && !is_json {
        return crate::api::error_response(&domain::AppError::PayloadTooLarge, lang);
    }
    resp
}

async fn security_headers(req: Request<Body>, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/dashboard?x=1"));
        assert!(!is_local_path("//evil.example"));
        assert!(!is_local_path("https://evil.example"));
        assert!(!is_local_path("/\\evil.example"));
    }

    #[test]
    fn origin_must_match_host() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:3000"));
        assert!(!same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:3000"),
        );
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://evil.example"),
        );
        assert!(!same_origin(&h));
    }
}
