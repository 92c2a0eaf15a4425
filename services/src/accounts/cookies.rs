//! How a session travels over HTTP: the `gongdao_session` cookie (HttpOnly,
//! SameSite=Lax, Secure over TLS) or `Authorization: Bearer <token>`.

use http::HeaderMap;
use http::header::{AUTHORIZATION, COOKIE};

use super::SESSION_DAYS;

pub const SESSION_COOKIE: &str = "gongdao_session";
pub const LANG_COOKIE: &str = "gongdao_lang";

/// Where a request's session token came from; cookie-borne requests need CSRF checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    Cookie(String),
    Bearer(String),
}

impl Credential {
    pub fn token(&self) -> &str {
        match self {
            Credential::Cookie(t) | Credential::Bearer(t) => t,
        }
    }
}

pub fn session_cookie(token: &str, secure: bool) -> String {
    let max_age = SESSION_DAYS * 24 * 3600;
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
}

pub fn clear_session_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}")
}

pub fn lang_cookie(lang: domain::Lang, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        lang.code()
    )
}

/// The value of cookie `name`, if the request carries it.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

/// Bearer first (API clients), then the cookie (browsers).
pub fn credential(headers: &HeaderMap) -> Option<Credential> {
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    match bearer {
        Some(t) => Some(Credential::Bearer(t)),
        None => cookie(headers, SESSION_COOKIE).map(Credential::Cookie),
    }
}

/// The language a request asks for: cookie, then `Accept-Language`, then Chinese.
pub fn lang_of(headers: &HeaderMap) -> domain::Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(|c| domain::Lang::parse(&c))
        .or_else(|| {
            headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(domain::Lang::from_accept_language)
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    #[test]
    fn cookies_and_bearer_are_found() {
        let h = headers(&[("cookie", "a=1; gongdao_session=abc; gongdao_lang=en")]);
        assert_eq!(credential(&h), Some(Credential::Cookie("abc".into())));
        assert_eq!(lang_of(&h), domain::Lang::En);
        let h = headers(&[
            ("authorization", "Bearer xyz"),
            ("cookie", "gongdao_session=abc"),
        ]);
        assert_eq!(credential(&h), Some(Credential::Bearer("xyz".into())));
        assert_eq!(credential(&headers(&[])), None);
    }

    #[test]
    fn session_cookie_is_http_only_lax_and_secure_over_tls() {
        let c = session_cookie("t", true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(!session_cookie("t", false).contains("Secure"));
    }

    #[test]
    fn language_falls_back_to_accept_language_then_chinese() {
        assert_eq!(
            lang_of(&headers(&[("accept-language", "en-US,en;q=0.9")])),
            domain::Lang::En
        );
        assert_eq!(lang_of(&headers(&[])), domain::Lang::Zh);
    }
}
