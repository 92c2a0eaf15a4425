//! Server-side helpers for server functions: the shared services, the
//! signed-in user, the client's address, cookies.

use domain::{AppError, Lang, Role, UserView};
use http::HeaderValue;
use http::header::SET_COOKIE;
use http::request::Parts;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use services::Services;
use services::accounts::cookies;

pub fn services() -> Result<Services, AppError> {
    use_context::<Services>().ok_or_else(|| {
        leptos::logging::error!("Services missing from the Leptos context");
        AppError::Internal
    })
}

fn parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or(AppError::Internal)
}

pub fn lang_of(headers: &http::HeaderMap) -> Lang {
    cookies::lang_of(headers)
}

/// The signed-in user, if any.
pub async fn current_user() -> Result<Option<UserView>, AppError> {
    let svc = services()?;
    let Some(cred) = cookies::credential(&parts()?.headers) else {
        return Ok(None);
    };
    services::accounts::user_for_token(&svc, cred.token()).await
}

/// The signed-in user, or 401.
pub async fn require_user() -> Result<UserView, AppError> {
    current_user()
        .await?
        .ok_or_else(|| AppError::unauthorized("err.not_signed_in"))
}

/// The signed-in user if they hold one of `roles`; 401 / 403 otherwise.
pub async fn require_role(roles: &[Role]) -> Result<UserView, AppError> {
    let u = require_user().await?;
    if roles.contains(&u.role) {
        Ok(u)
    } else {
        Err(AppError::Forbidden)
    }
}

pub fn session_token() -> Option<String> {
    parts()
        .ok()
        .and_then(|p| cookies::credential(&p.headers))
        .map(|c| c.token().to_string())
}

/// The peer address (from the connection; we do not trust forwarded headers).
pub fn client_ip() -> String {
    parts()
        .ok()
        .and_then(|p| {
            p.extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// The response's status, for a page whose record is missing or refused.
/// It reaches the client only on routes rendered with `SsrMode::Async`
/// (streamed pages have sent their headers before the record loads).
pub fn set_status(code: u16) {
    if let (Some(resp), Ok(s)) = (
        use_context::<ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        resp.set_status(s);
    }
}

pub fn set_cookie(value: String) {
    if let (Some(resp), Ok(v)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&value),
    ) {
        resp.append_header(SET_COOKIE, v);
    }
}

/// The page's Content-Security-Policy, set on the response while the shell
/// renders: scripts only with this response's nonce (Leptos puts it on its
/// hydration scripts; `'strict-dynamic'` lets them load the site's module,
/// and `'wasm-unsafe-eval'` compile its WebAssembly), nothing from other
/// origins, no framing, no `<base>`, forms only to us. Inline `style`
/// attributes stay allowed (they run no code). A cached page is answered
/// with the header it was rendered with, so nonce and header always match.
pub fn set_content_security_policy() {
    let (Some(nonce), Some(res)) = (leptos::nonce::use_nonce(), use_context::<ResponseOptions>())
    else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(v) = HeaderValue::from_str(&policy) {
        res.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
    }
}
