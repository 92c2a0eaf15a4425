//! Small shared pieces: the page layout, notices, form errors.

use domain::{AppError, Role, UserView, t};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::auth::{Logout, current_user};
use crate::i18n::{tr, use_lang};
use crate::site::{SiteResource, site_info};

/// The signed-in user, fetched once per page load and shared.
pub type UserResource = Resource<Result<Option<UserView>, AppError>>;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let lang = use_lang();
    let user: UserResource = Resource::new(|| (), |_| current_user());
    provide_context(user);
    let info: SiteResource = Resource::new(|| (), |_| site_info());
    provide_context(info);
    let location = use_location();
    let switch_href = move || {
        let here = format!(
            "{}{}",
            location.pathname.get(),
            location
                .search
                .get()
                .is_empty()
                .then(String::new)
                .unwrap_or_else(|| format!("?{}", location.search.get()))
        );
        format!(
            "/lang/{}?back={}",
            lang.other().code(),
            urlencoding::encode(&here)
        )
    };
    let logout = ServerAction::<Logout>::new();
    view! {
        <Suspense>
            {move || Suspend::new(async move { info.await.ok().and_then(|i| i.clock_fixed_at).map(|at| view! {
                <div class="banner warn" id="clock-banner">{t(lang, "site.clock_fixed")}" "{at}</div>
            }) })}
        </Suspense>
        <header class="top">
            <a class="brand" href="/">{tr("app.name")}<small>{tr("app.tagline")}</small></a>
            <nav>
                <a href="/">{tr("nav.home")}</a>
                <a href="/fund" id="nav-fund">{tr("nav.fund")}</a>
                <a href="/lists/red" id="nav-lists">{tr("nav.lists")}</a>
                <a href="/complaints" id="nav-complaints">{tr("nav.complaints")}</a>
                <Suspense>
                    {move || Suspend::new(async move { match user.await.ok().flatten() {
                        Some(u) => view! {
                            <a href="/dashboard">{t(lang, "nav.dashboard")}</a>
                            <a href="/cases" id="nav-cases">{t(lang, "nav.cases")}</a>
                            <a href="/inbox" id="nav-inbox">{t(lang, "inbox.title")}</a>
                            {(u.role == Role::FundAdmin).then(|| view! { <a href="/fund/admin" id="nav-fund-admin">{t(lang, "nav.fund_admin")}</a> })}
                            {(u.role == Role::Merchant).then(|| view! { <a href="/merchants/register" id="nav-my-business">{t(lang, "nav.my_business")}</a> })}
                            {(u.role == Role::Regulator).then(|| view! { <a href="/regulator" id="nav-regulator">{t(lang, "nav.regulator")}</a> })}
                            <span class="who" id="who">{u.display_name.clone()}" · "{t(lang, u.role.label_key())}</span>
                            <ActionForm action=logout attr:class="inline">
                                <button type="submit" class="link" id="logout">{t(lang, "auth.logout")}</button>
                            </ActionForm>
                        }.into_any(),
                        None => view! {
                            <a href="/login" id="nav-login">{t(lang, "auth.login")}</a>
                            <a href="/register" id="nav-register">{t(lang, "auth.register")}</a>
                        }.into_any(),
                    } })}
                </Suspense>
                <a href=switch_href rel="external" id="lang-switch" hreflang=lang.other().html_lang()>{tr("lang.switch")}</a>
            </nav>
        </header>
        <main>{children()}</main>
        <footer>{tr("app.name")}" · "{tr("app.tagline")}" · "<a href="/credit/method" id="footer-method">{tr("nav.credit_method")}</a></footer>
    }
}

#[component]
pub fn Notice(text: &'static str) -> impl IntoView {
    view! { <p class="notice ok" role="status">{text}</p> }
}

/// A page's record could not be shown: the error, in the reader's language,
/// and on the server the matching status (404 for a missing record, 403 for
/// one the reader may not see), so a crawler or a link checker is not told
/// that an error page is the record.
#[component]
pub fn PageError(error: AppError, #[prop(optional)] id: &'static str) -> impl IntoView {
    let lang = use_lang();
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(error.status());
    view! { <p class="notice error" role="alert" id=(!id.is_empty()).then_some(id)>{error.message(lang)}</p> }
}

/// The error of the last submission of a form, in the reader's language.
/// `error` is usually `move || action.value().get().and_then(Result::err)`.
#[component]
pub fn ActionErrorView<F>(error: F) -> impl IntoView
where
    F: Fn() -> Option<AppError> + Send + Sync + 'static,
{
    let lang = use_lang();
    move || error().map(|e| view! { <p class="notice error" role="alert">{e.message(lang)}</p> })
}
