//! `/complaints`: the public complaint records (公开投诉), searched by words,
//! merchant, category, outcome and closing date; `/complaints/:id`: one
//! record in full. Closed cases only, and only where the consumer allowed
//! publication; personal data was masked before the record was indexed.
//! Plain GET forms and links: it all works without JavaScript.

use domain::cases::{Category, Outcome};
use domain::search::{ComplaintHit, ComplaintPage, ComplaintParams};
use domain::{AppError, Lang, t, tf};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::i18n::use_lang;

#[server(endpoint = "complaints/search")]
pub async fn search_complaints(params: ComplaintParams) -> Result<ComplaintPage, AppError> {
    let q = params.parse()?;
    services::search::search_complaints(&crate::ssr::services()?, q).await
}

#[server(endpoint = "complaints/get")]
pub async fn load_complaint(id: i32) -> Result<ComplaintHit, AppError> {
    services::search::complaint(&crate::ssr::services()?, id)
        .await?
        .ok_or(AppError::NotFound)
}

fn category_name(lang: Lang, c: &str) -> String {
    t(lang, &format!("category.{c}")).to_string()
}

fn outcome_name(lang: Lang, o: &str) -> String {
    t(lang, &format!("outcome.{o}")).to_string()
}

/// The page's URL with `changes` applied to `p` (an empty value removes
/// the parameter); any change but the page's own goes back to page 1.
fn href(p: &ComplaintParams, changes: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(&str, String)> = [
        ("q", &p.q),
        ("merchant", &p.merchant),
        ("category", &p.category),
        ("outcome", &p.outcome),
        ("from", &p.from),
        ("to", &p.to),
        ("page", &p.page),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.clone().filter(|v| !v.is_empty()).map(|v| (k, v)))
    .collect();
    if !changes.iter().any(|(k, _)| *k == "page") {
        pairs.retain(|(k, _)| *k != "page");
    }
    for (k, v) in changes {
        pairs.retain(|(key, _)| key != k);
        if !v.is_empty() {
            pairs.push((k, v.to_string()));
        }
    }
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencoding::encode(v)))
        .collect();
    if query.is_empty() {
        "/complaints".into()
    } else {
        format!("/complaints?{}", query.join("&"))
    }
}

#[component]
pub fn ComplaintsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let params = Memo::new(move |_| {
        let q = query.read();
        ComplaintParams {
            q: q.get("q"),
            merchant: q.get("merchant"),
            category: q.get("category"),
            outcome: q.get("outcome"),
            from: q.get("from"),
            to: q.get("to"),
            page: q.get("page"),
            per_page: None,
        }
    });
    let results = Resource::new(move || params.get(), search_complaints);
    let p0 = params.get_untracked();
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    view! {
        <section class="complaints">
            <h1>{t(lang, "complaints.title")}</h1>
            <p class="muted">{t(lang, "complaints.intro")}</p>
            <form class="complaint-filters" action="/complaints" method="get" role="search" id="complaint-search">
                <input type="search" name="q" value=value(&p0.q) aria-label=t(lang, "complaints.q") placeholder=t(lang, "complaints.q")/>
                {p0.merchant.clone().map(|m| view! { <input type="hidden" name="merchant" value=m/> })}
                <label>{t(lang, "field.category")}
                    <select name="category">
                        <option value="">{t(lang, "complaints.any")}</option>
                        {Category::ALL.iter().map(|c| view! {
                            <option value=c.as_str() selected=p0.category.as_deref() == Some(c.as_str())>{category_name(lang, c.as_str())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>{t(lang, "complaints.outcome")}
                    <select name="outcome">
                        <option value="">{t(lang, "complaints.any")}</option>
                        {Outcome::ALL.iter().map(|o| view! {
                            <option value=o.as_str() selected=p0.outcome.as_deref() == Some(o.as_str())>{outcome_name(lang, o.as_str())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>{t(lang, "complaints.from")}<input type="date" name="from" value=value(&p0.from)/></label>
                <label>{t(lang, "complaints.to")}<input type="date" name="to" value=value(&p0.to)/></label>
                <button type="submit">{t(lang, "home.search")}</button>
            </form>
            <Suspense>
                {move || Suspend::new(async move { match results.await {
                    Ok(page) => view! { <Results page=page params=params.get_untracked()/> }.into_any(),
                    Err(e) => view! { <p class="notice error" id="complaint-error">{e.message(lang)}</p> }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

#[component]
fn Results(page: ComplaintPage, params: ComplaintParams) -> impl IntoView {
    let lang = use_lang();
    let pages = page.total.div_ceil(page.per_page).max(1);
    let facet = |name: &'static str,
                 buckets: Vec<(String, u64)>,
                 label: fn(Lang, &str) -> String| {
        let p = params.clone();
        view! {
            <ul class="facet" id=format!("facet-{name}")>
                {buckets.into_iter().map(|(key, n)| {
                    let selected = match name {
                        "category" => p.category.as_deref() == Some(key.as_str()),
                        _ => p.outcome.as_deref() == Some(key.as_str()),
                    };
                    let link = href(&p, &[(name, if selected { "" } else { key.as_str() })]);
                    view! { <li><a href=link class:selected=selected data-key=key.clone()>{label(lang, &key)}" "<span class="count">{n}</span></a></li> }
                }).collect_view()}
            </ul>
        }
    };
    let prev = (page.page > 1).then(|| href(&params, &[("page", &(page.page - 1).to_string())]));
    let next =
        (page.page < pages).then(|| href(&params, &[("page", &(page.page + 1).to_string())]));
    view! {
        <div class="search-layout">
            <aside class="facets">
                <h2>{t(lang, "field.category")}</h2>
                {facet("category", page.facets.category.clone(), category_name)}
                <h2>{t(lang, "complaints.outcome")}</h2>
                {facet("outcome", page.facets.outcome.clone(), outcome_name)}
            </aside>
            <div>
                <p class="muted" id="complaint-total" data-total=page.total.to_string()>{tf(lang, "complaints.total", &[&page.total.to_string()])}</p>
                {page.items.is_empty().then(|| view! { <p class="muted" id="complaints-none">{t(lang, "complaints.none")}</p> })}
                <ul class="results complaints" id="complaint-results">
                    {page.items.into_iter().map(|c| view! {
                        <li data-complaint=c.id.to_string() data-outcome=c.outcome.clone()>
                            <a href=format!("/complaints/{}", c.id)><strong>{c.title.clone()}</strong></a>
                            <div class="muted">
                                <a href=format!("/merchants/{}", c.merchant_id)>{c.merchant_name.clone()}</a>
                                " · "{category_name(lang, &c.category)}
                                " · "<span class="badge outcome">{outcome_name(lang, &c.outcome)}</span>
                                " · "{tf(lang, "complaints.closed_on", &[&c.closed_on.to_string()])}
                            </div>
                            <p class="excerpt">{c.narrative.clone()}</p>
                        </li>
                    }).collect_view()}
                </ul>
                <nav class="pages" id="complaint-pages">
                    {prev.map(|h| view! { <a href=h rel="prev" id="page-prev">{t(lang, "complaints.prev")}</a> })}
                    " "<span>{tf(lang, "complaints.page_of", &[&page.page.to_string(), &pages.to_string()])}</span>" "
                    {next.map(|h| view! { <a href=h rel="next" id="page-next">{t(lang, "complaints.next")}</a> })}
                </nav>
            </div>
        </div>
    }
}

#[component]
pub fn ComplaintRecordPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i32>().ok())
            .unwrap_or(0)
    });
    let record = Resource::new(move || id.get(), load_complaint);
    view! {
        <section class="complaint-record">
            <p><a href="/complaints">{t(lang, "complaints.back")}</a></p>
            <Suspense>
                {move || Suspend::new(async move { match record.await {
                    Ok(c) => view! {
                        <article class="card" id="complaint-record" data-complaint=c.id.to_string()>
                            <h1>{c.title.clone()}</h1>
                            <dl class="facts">
                                <dt>{t(lang, "field.merchant")}</dt><dd><a href=format!("/merchants/{}", c.merchant_id)>{c.merchant_name.clone()}</a></dd>
                                <dt>{t(lang, "field.category")}</dt><dd>{category_name(lang, &c.category)}</dd>
                                <dt>{t(lang, "complaints.outcome")}</dt><dd id="complaint-outcome">{outcome_name(lang, &c.outcome)}</dd>
                                <dt>{t(lang, "complaints.filed_on")}</dt><dd>{c.filed_on.to_string()}</dd>
                                <dt>{t(lang, "complaints.closed")}</dt><dd>{c.closed_on.to_string()}</dd>
                                <dt>{t(lang, "complaints.number")}</dt><dd><code>{c.number.clone()}</code></dd>
                            </dl>
                            <p class="narrative" id="complaint-narrative">{c.narrative.clone()}</p>
                            <p class="muted">{t(lang, "complaints.masked_note")}</p>
                        </article>
                    }.into_any(),
                    Err(e) => view! { <crate::components::PageError error=e id="complaint-error"/> }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}
