//! The UI's side of i18n: which language this page is in. Texts themselves
//! live in `domain::i18n`.

use domain::Lang;
use leptos::prelude::*;

pub const LANG_COOKIE: &str = "gongdao_lang";

/// The page's language: on the server from the `gongdao_lang` cookie, then
/// `Accept-Language`, then Chinese; in the browser from `<html lang>`, which
/// the server wrote, so hydration renders the same text.
pub fn use_lang() -> Lang {
    if let Some(l) = use_context::<Lang>() {
        return l;
    }
    let l = detect();
    provide_context(l);
    l
}

/// Text for `key` in the page's language.
pub fn tr(key: &'static str) -> &'static str {
    domain::t(use_lang(), key)
}

#[cfg(feature = "ssr")]
fn detect() -> Lang {
    use_context::<http::request::Parts>()
        .map(|p| crate::ssr::lang_of(&p.headers))
        .unwrap_or_default()
}

#[cfg(not(feature = "ssr"))]
fn detect() -> Lang {
    document()
        .document_element()
        .and_then(|e| e.get_attribute("lang"))
        .and_then(|l| Lang::parse(&l))
        .unwrap_or_default()
}
