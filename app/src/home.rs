//! The home page and the merchant look-up.

use domain::AppError;
use domain::search::SearchPage;
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

/// Merchant search through the index (names, shop names, scope, USCC).
#[server(endpoint = "merchants/search")]
pub async fn search_merchants(q: String) -> Result<SearchPage, AppError> {
    let query = services::search::SearchQuery {
        q,
        page: 1,
        per_page: 50,
        ..Default::default()
    };
    services::search::search(&crate::ssr::services()?, query).await
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
                    Ok(page) if page.items.is_empty() => view! { <p class="muted">{tr("search.none")}</p> }.into_any(),
                    Ok(page) => view! {
                        <ul class="results" id="results" data-total=page.total.to_string()>
                            {page.items.into_iter().map(|m| view! {
                                <li data-merchant=m.id.to_string() class:black=m.black_list class:red=m.red_list>
                                    <a href=format!("/merchants/{}", m.id)><strong>{m.name.clone()}</strong></a>" "<code>{m.uscc.clone()}</code>" "<span class="muted">{m.province.clone()}" "{m.region.clone()}</span>
                                    {m.grade.clone().map(|g| { let label = g.clone(); view! { " "<span class="badge grade" data-grade=g>{label}</span> } })}
                                    {m.verified.then(|| view! { " "<span class="badge verified">{tr("search.verified")}</span> })}
                                    {m.red_list.then(|| view! { " "<span class="badge red-list">{tr("lists.red")}</span> })}
                                    {m.black_list.then(|| view! { " "<span class="badge black-list">{tr("lists.black")}</span> })}
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
