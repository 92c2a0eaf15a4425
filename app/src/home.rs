//! The home page and the merchant look-up.

use domain::AppError;
use domain::merchant::MerchantSummary;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::i18n::{tr, use_lang};
use crate::site::SiteResource;

#[component]
fn SearchBox(#[prop(into)] value: String) -> impl IntoView {
    view! {
        <form class="search" action="/search" method="get" role="search">
            <input type="search" name="q" value=value placeholder=tr("home.search_placeholder") aria-label=tr("home.search")/>
            <button type="submit">{tr("home.search")}</button>
        </form>
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let info = expect_context::<SiteResource>();
    view! {
        <section class="hero">
            <h1>{tr("home.hero")}</h1>
            <p>{tr("home.intro")}</p>
            <SearchBox value=""/>
            <Suspense>
                {move || info.get().and_then(Result::ok).map(|i| view! {
                    <p class="muted"><strong id="merchant-count">{i.merchants}</strong>" "{tr("home.merchants")}</p>
                })}
            </Suspense>
        </section>
    }
}

#[server(endpoint = "merchants/search")]
pub async fn search_merchants(q: String) -> Result<Vec<MerchantSummary>, AppError> {
    services::merchants::find_by_name_or_uscc(&crate::ssr::services()?, &q, 50).await
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let q = use_query_map();
    let query = Memo::new(move |_| q.read().get("q").unwrap_or_default());
    let results = Resource::new(move || query.get(), search_merchants);
    view! {
        <section>
            <h1>{tr("search.title")}</h1>
            <SearchBox value=query.get_untracked()/>
            <Suspense>
                {move || results.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! { <p class="muted">{tr("search.none")}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="results" id="results">
                            {list.into_iter().map(|m| view! {
                                <li>
                                    <a href=format!("/merchants/{}", m.id)><strong>{m.name.clone()}</strong></a>" "<code>{m.uscc.clone()}</code>" "<span class="muted">{m.province}" "{m.region}</span>
                                    " "<a class="complain" href=format!("/cases/new?merchant={}&name={}", m.id, urlencoding::encode(&m.name))>{tr("case.complain")}</a>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="notice error">{e.message(use_lang())}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
