//! The home page: the path of a complaint in three steps, the way in
//! (filing, through the login for whoever is signed out), live figures
//! (cases resolved, the median days to resolution, what the fund paid
//! first), the latest public complaint records, and the merchant look-up.
//!
//! Served to anonymous visitors from the public page cache
//! (`server::cache`): it is dropped on any change and keyed on the search
//! index's version, as the records come from the index. Plain links and a
//! GET form: it all works without JavaScript.

use domain::Fen;
use domain::dashboard::{PublicFigures, minutes_as_days};
use domain::search::ComplaintHit;
use domain::{AppError, Lang, t};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::components::UserResource;
use crate::i18n::{tr, use_lang};
use crate::search::SearchBox;
use crate::site::SiteResource;

/// How many of the latest public complaint records the home page lists.
pub const LATEST: u64 = 5;

/// What the home page shows beyond its fixed texts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeFacts {
    pub figures: PublicFigures,
    /// The latest public complaint records, newest closing first.
    pub latest: Vec<ComplaintHit>,
}

#[server(endpoint = "home/view")]
pub async fn home_view() -> Result<HomeFacts, AppError> {
    let svc = crate::ssr::services()?;
    let figures = services::cases::stats::public_figures(&svc).await?;
    let q = domain::search::ComplaintParams {
        per_page: Some(LATEST.to_string()),
        ..Default::default()
    }
    .parse()?;
    let latest = services::search::search_complaints(&svc, q).await?.items;
    Ok(HomeFacts { figures, latest })
}

/// The path to the form for filing: straight there when signed in, else
/// through the login, which comes back to it.
pub const FILE_PATH: &str = "/cases/new";

fn login_then_file() -> String {
    format!("/login?next={}", urlencoding::encode(FILE_PATH))
}

#[component]
pub fn HomePage() -> impl IntoView {
    let lang = use_lang();
    let info = expect_context::<SiteResource>();
    let user = expect_context::<UserResource>();
    let home = Resource::new(|| (), |_| home_view());
    let q = use_query_map();
    // After deleting one's account (the only notice the home page gives).
    let deleted = move || q.read().get("notice").as_deref() == Some("deleted");
    view! {
        {move || deleted().then(|| view! { <p class="notice ok" role="status" id="account-deleted">{tr("account.deleted")}</p> })}
        <section class="hero">
            <h1>{tr("home.hero")}</h1>
            <p>{tr("home.intro")}</p>
            <Suspense>
                {move || Suspend::new(async move {
                    let signed_in = matches!(user.await, Ok(Some(_)));
                    let href = if signed_in { FILE_PATH.to_string() } else { login_then_file() };
                    view! {
                        <p class="cta">
                            <a class="button primary" href=href id="home-file">{t(lang, "home.file")}</a>
                        </p>
                        {(!signed_in).then(|| view! {
                            <p class="muted" id="home-file-login">{t(lang, "home.file_login")}" "<a href="/register">{t(lang, "auth.register")}</a></p>
                        })}
                    }
                })}
            </Suspense>
        </section>
        <section class="steps" aria-labelledby="home-steps">
            <h2 id="home-steps">{tr("home.steps")}</h2>
            <ol class="steps">
                <li><h3>{tr("home.step.complain")}</h3><p>{tr("home.step.complain_text")}</p></li>
                <li><h3>{tr("home.step.negotiate")}</h3><p>{tr("home.step.negotiate_text")}</p></li>
                <li><h3>{tr("home.step.resolve")}</h3><p>{tr("home.step.resolve_text")}</p></li>
            </ol>
        </section>
        <section class="home-search" aria-labelledby="home-search">
            <h2 id="home-search">{tr("home.search_title")}</h2>
            <SearchBox value=""/>
            <Suspense>
                {move || Suspend::new(async move { info.await.ok().map(|i| view! {
                    <p class="muted"><strong id="merchant-count">{i.merchants}</strong>" "{tr("home.merchants")}</p>
                }) })}
            </Suspense>
        </section>
        <Suspense>
            {move || Suspend::new(async move { match home.await {
                Ok(v) => view! { <Figures figures=v.figures/><Latest latest=v.latest/> }.into_any(),
                Err(e) => view! { <p class="notice error" id="home-error">{e.message(lang)}</p> }.into_any(),
            } })}
        </Suspense>
    }
}

#[component]
fn Figures(figures: PublicFigures) -> impl IntoView {
    let lang = use_lang();
    let days = figures
        .resolution_median_minutes
        .map(minutes_as_days)
        .unwrap_or_else(|| "—".into());
    view! {
        <section class="home-figures" aria-labelledby="home-figures">
            <h2 id="home-figures">{t(lang, "home.figures")}</h2>
            <dl class="figures">
                <div><dt>{t(lang, "home.figure.resolved")}</dt><dd id="figure-resolved">{figures.cases_resolved}</dd></div>
                <div><dt>{t(lang, "home.figure.median_days")}</dt><dd id="figure-median-days">{days}</dd></div>
                <div><dt>{t(lang, "home.figure.fund_paid")}</dt><dd id="figure-fund-paid">{format!("¥{}", Fen(figures.fund_paid_fen).yuan_string())}</dd></div>
            </dl>
        </section>
    }
}

fn named(lang: Lang, prefix: &str, key: &str) -> String {
    t(lang, &format!("{prefix}.{key}")).to_string()
}

#[component]
fn Latest(latest: Vec<ComplaintHit>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="home-latest" aria-labelledby="home-latest">
            <h2 id="home-latest">{t(lang, "home.latest")}</h2>
            {if latest.is_empty() {
                view! { <p class="muted" id="home-latest-none">{t(lang, "home.latest_none")}</p> }.into_any()
            } else {
                view! {
                    <ul class="latest" id="home-latest-list">
                        {latest.into_iter().map(|c| view! {
                            <li data-complaint=c.id.to_string()>
                                <a href=format!("/complaints/{}", c.id)>{c.title.clone()}</a>
                                <span class="muted">" · "{c.merchant_name.clone()}" · "{named(lang, "category", &c.category)}" · "{named(lang, "outcome", &c.outcome)}" · "{c.closed_on.to_string()}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <p><a href="/complaints" id="home-latest-all">{t(lang, "home.latest_all")}</a></p>
        </section>
    }
}
