//! `/search`: merchants found through the index, with the parameters all in
//! the URL (q, sort, province, grade, list, verified, kind, page) so that every
//! state is a link. Facets are plain links (each sets its filter, keeps the
//! others and goes back to page 1), sort and filters a GET form, pages
//! previous/next links: all of it works without JavaScript. The parameters
//! are checked by the same rules as `GET /api/v1/merchants`; a wrong one is
//! named in an error line and the page still renders.

use domain::merchant::MerchantKind;
use domain::search::{SearchPage as Results, SearchParams};
use domain::{AppError, Lang, t, tf};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use super::suggest::MerchantInput;
use crate::i18n::use_lang;

/// Merchant search through the index (names, shop names, scope, USCC),
/// filtered, sorted and paged.
#[server(endpoint = "merchants/search")]
pub async fn search_merchants(params: SearchParams) -> Result<Results, AppError> {
    let query = params.parse()?;
    services::search::search(&crate::ssr::services()?, query).await
}

/// The search parameters of the page's URL (the page size is the default).
fn from_url(q: &ParamsMap) -> SearchParams {
    SearchParams {
        q: q.get("q"),
        sort: q.get("sort"),
        province: q.get("province"),
        grade: q.get("grade"),
        list: q.get("list"),
        verified: q.get("verified"),
        kind: q.get("kind"),
        page: q.get("page"),
        per_page: None,
    }
}

/// The `/search` link for `p` (blank parameters left out).
fn href(p: &SearchParams) -> String {
    let pairs = [
        ("q", &p.q),
        ("sort", &p.sort),
        ("province", &p.province),
        ("grade", &p.grade),
        ("list", &p.list),
        ("verified", &p.verified),
        ("kind", &p.kind),
        ("page", &p.page),
    ];
    let query: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", urlencoding::encode(v)))
        })
        .collect();
    if query.is_empty() {
        "/search".into()
    } else {
        format!("/search?{}", query.join("&"))
    }
}

/// `p` changed by `change`, back on page 1.
fn with(p: &SearchParams, change: impl FnOnce(&mut SearchParams)) -> SearchParams {
    let mut p = p.clone();
    change(&mut p);
    p.page = None;
    p
}

/// The filters the facets set, in the order shown.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Filter {
    Province,
    Grade,
    List,
    Verified,
}

impl Filter {
    const ALL: [Filter; 4] = [
        Filter::Grade,
        Filter::List,
        Filter::Verified,
        Filter::Province,
    ];

    fn name(self) -> &'static str {
        match self {
            Filter::Province => "province",
            Filter::Grade => "grade",
            Filter::List => "list",
            Filter::Verified => "verified",
        }
    }

    fn slot(self, p: &mut SearchParams) -> &mut Option<String> {
        match self {
            Filter::Province => &mut p.province,
            Filter::Grade => &mut p.grade,
            Filter::List => &mut p.list,
            Filter::Verified => &mut p.verified,
        }
    }

    /// The value set, if any (trimmed).
    fn current(self, p: &SearchParams) -> Option<String> {
        let v = match self {
            Filter::Province => &p.province,
            Filter::Grade => &p.grade,
            Filter::List => &p.list,
            Filter::Verified => &p.verified,
        };
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(String::from)
    }

    /// The URL value for a facet key (the index says yes/no where the
    /// parameter says true/false).
    fn value(self, key: &str) -> String {
        match (self, key) {
            (Filter::Verified, "yes") => "true".into(),
            (Filter::Verified, "no") => "false".into(),
            _ => key.into(),
        }
    }

    /// The facet values in the order shown: grades best first, provinces
    /// by count (as the index gives them).
    fn order(self) -> &'static [&'static str] {
        match self {
            Filter::Grade => &["A+", "A", "B", "C", "D", "none"],
            Filter::List => &["red", "black", "none"],
            Filter::Verified => &["true", "false"],
            Filter::Province => &[],
        }
    }

    fn label(self, lang: Lang, value: &str) -> String {
        let key = match (self, value) {
            (Filter::Grade, "none") => "search.grade_none",
            (Filter::List, "red") => "lists.red",
            (Filter::List, "black") => "lists.black",
            (Filter::List, "none") => "search.list_none",
            (Filter::Verified, "true") => "search.verified_yes",
            (Filter::Verified, "false") => "search.verified_no",
            _ => return value.to_string(),
        };
        t(lang, key).to_string()
    }

    /// (URL value, count) of each value to offer, the current one included
    /// even when nothing has it.
    fn values(self, page: &Results, current: Option<&str>) -> Vec<(String, u64)> {
        let f = &page.facets;
        let raw = match self {
            Filter::Province => &f.province,
            Filter::Grade => &f.grade,
            Filter::List => &f.list,
            Filter::Verified => &f.verified,
        };
        let mut values: Vec<(String, u64)> = raw
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| (self.value(k), *n))
            .collect();
        if let Some(c) = current
            && !values.iter().any(|(v, _)| v == c)
        {
            values.push((c.to_string(), 0));
        }
        let order = self.order();
        if !order.is_empty() {
            let rank = |v: &str| order.iter().position(|o| *o == v).unwrap_or(order.len());
            values.sort_by_key(|(v, _)| rank(v));
        }
        values
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let lang = use_lang();
    let url = use_query_map();
    let params = Memo::new(move |_| url.with(from_url));
    // The parameters travel with their results, so links built from them
    // always match what is shown.
    let results = Resource::new(
        move || params.get(),
        |p| async move {
            let r = search_merchants(p.clone()).await;
            (p, r)
        },
    );
    view! {
        <section class="merchant-search">
            <h1>{t(lang, "search.title")}</h1>
            <Transition>
                {move || Suspend::new(async move { let (p, r) = results.await; match r {
                    Ok(page) => view! {
                        <SearchForm params=p.clone() provinces=page.facets.province.clone()/>
                        <Found params=p page=page/>
                    }.into_any(),
                    Err(e) => view! {
                        <SearchForm params=p provinces=vec![]/>
                        <p class="notice error" role="alert" id="search-error"
                            data-field=e.field().unwrap_or_default().to_string()>{e.message(lang)}</p>
                    }.into_any(),
                } })}
            </Transition>
        </section>
    }
}

/// The text, sort and filters, as a GET form: submitting it loads the page
/// with them (and page 1).
#[component]
fn SearchForm(params: SearchParams, provinces: Vec<(String, u64)>) -> impl IntoView {
    let lang = use_lang();
    let current = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").to_string();
    let sort = current(&params.sort);
    let province = current(&params.province);
    let mut province_values: Vec<String> = provinces.into_iter().map(|(p, _)| p).collect();
    if !province.is_empty() && !province_values.contains(&province) {
        province_values.insert(0, province.clone());
    }
    let select = move |name: &'static str, chosen: String, options: Vec<(String, String)>| {
        view! {
            <label class="field">
                <span>{t(lang, field_key(name))}</span>
                <select name=name id=format!("search-{name}")>
                    {options.into_iter().map(|(value, label)| {
                        let selected = value == chosen;
                        view! { <option value=value selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
        }
    };
    let any = || (String::new(), t(lang, "search.any").to_string());
    let filter_options = |f: Filter, values: &[&str]| {
        std::iter::once(any())
            .chain(values.iter().map(|v| (v.to_string(), f.label(lang, v))))
            .collect::<Vec<_>>()
    };
    let sorts: Vec<(String, String)> = domain::search::MerchantSort::ALL
        .iter()
        .map(|s| {
            let key = match s {
                domain::search::MerchantSort::Relevance => "search.sort.relevance",
                domain::search::MerchantSort::Credit => "search.sort.credit",
                domain::search::MerchantSort::Complaints => "search.sort.complaints",
            };
            (s.as_str().to_string(), t(lang, key).to_string())
        })
        .collect();
    view! {
        <form class="search search-form" id="search-form" action="/search" method="get" role="search">
            <div class="search-row">
                <MerchantInput value=params.q.clone().unwrap_or_default() id="search-q"/>
                <button type="submit">{t(lang, "home.search")}</button>
            </div>
            <div class="search-options">
                {select("sort", if sort.is_empty() { "relevance".into() } else { sort }, sorts)}
                {select("grade", current(&params.grade), filter_options(Filter::Grade, Filter::Grade.order()))}
                {select("list", current(&params.list), filter_options(Filter::List, Filter::List.order()))}
                {select("verified", current(&params.verified), filter_options(Filter::Verified, Filter::Verified.order()))}
                {select("kind", current(&params.kind), std::iter::once(any()).chain(MerchantKind::ALL.iter().map(|k| (k.as_str().to_string(), kind_label(lang, k.as_str())))).collect())}
                {select("province", province, std::iter::once(any()).chain(province_values.into_iter().map(|p| (p.clone(), p))).collect())}
            </div>
        </form>
    }
}

fn field_key(name: &str) -> &'static str {
    match name {
        "sort" => "field.sort",
        "grade" => "field.grade",
        "list" => "field.list",
        "verified" => "field.verified",
        "kind" => "field.kind",
        _ => "field.province",
    }
}

/// A merchant kind's name (`shop`, `platform`, `logistics`) for people.
fn kind_label(lang: Lang, kind: &str) -> String {
    match MerchantKind::parse(kind) {
        Some(k) => t(lang, &format!("reg.merchant_kind.{}", k.as_str())).to_string(),
        None => kind.to_string(),
    }
}

/// The total, the facets, the results and the pages.
#[component]
fn Found(params: SearchParams, page: Results) -> impl IntoView {
    let lang = use_lang();
    let kind_set = params.kind.as_deref().is_some_and(|k| !k.trim().is_empty());
    let any_filter = kind_set || Filter::ALL.iter().any(|f| f.current(&params).is_some());
    let clear_all = href(&with(&params, |p| {
        for f in Filter::ALL {
            *f.slot(p) = None;
        }
        p.kind = None;
    }));
    let pages = page
        .total
        .div_ceil(page.per_page.max(1))
        .min(domain::search::MAX_PAGE);
    let facets = Filter::ALL
        .into_iter()
        .map(|f| {
            let current = f.current(&params);
            let values = f.values(&page, current.as_deref());
            let links = values
                .into_iter()
                .map(|(value, count)| {
                    let active = current.as_deref() == Some(value.as_str());
                    let target = with(&params, |p| {
                        *f.slot(p) = (!active).then(|| value.clone());
                    });
                    let label = f.label(lang, &value);
                    view! {
                        <li>
                            <a href=href(&target) data-value=value.clone() class:active=active
                                aria-current=active.then_some("true")
                                title=active.then(|| t(lang, "search.clear_filter").to_string())>
                                <span class="label">{label}</span>
                                " "<span class="count">{count.to_string()}</span>
                                {active.then(|| view! { <span class="clear" aria-hidden="true">" ×"</span> })}
                            </a>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="facet" data-facet=f.name()>
                    <h2>{t(lang, field_key(f.name()))}</h2>
                    <ul>{links}</ul>
                </section>
            }
        })
        .collect_view();
    let pager = (pages > 0).then(|| {
        let prev = (page.page > 1).then(|| {
            let target = SearchParams {
                page: (page.page > 2).then(|| (page.page - 1).to_string()),
                ..params.clone()
            };
            view! { <a href=href(&target) rel="prev" id="page-prev">{t(lang, "search.prev")}</a> }
        });
        let next = (page.page < pages).then(|| {
            let target = SearchParams {
                page: Some((page.page + 1).to_string()),
                ..params.clone()
            };
            view! { <a href=href(&target) rel="next" id="page-next">{t(lang, "search.next")}</a> }
        });
        view! {
            <nav class="pager" id="pager" aria-label=t(lang, "search.pages")>
                {prev}
                <span id="page-of" data-page=page.page.to_string() data-pages=pages.to_string()>
                    {tf(lang, "search.page_of", &[&page.page.to_string(), &pages.to_string()])}
                </span>
                {next}
            </nav>
        }
    });
    let total = page.total;
    view! {
        <p class="muted" id="search-total" data-total=total.to_string()>
            {tf(lang, "search.total", &[&total.to_string()])}
        </p>
        <div class="search-layout">
            <aside class="facets" id="facets" aria-label=t(lang, "search.facets")>
                {any_filter.then(|| view! { <p><a href=clear_all id="clear-filters">{t(lang, "search.clear_all")}</a></p> })}
                {facets}
            </aside>
            <div class="search-main">
                {if page.items.is_empty() {
                    view! { <p class="muted" id="search-none">{t(lang, "search.none")}</p> }.into_any()
                } else {
                    view! { <Hits page=page/> }.into_any()
                }}
                {pager}
            </div>
        </div>
    }
}

#[component]
fn Hits(page: Results) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ul class="results" id="results" data-total=page.total.to_string()>
            {page.items.into_iter().map(|m| view! {
                <li data-merchant=m.id.to_string() class:black=m.black_list class:red=m.red_list
                    data-score=m.score.map(|s| s.to_string()).unwrap_or_default()>
                    <a href=format!("/merchants/{}", m.id)><strong>{m.name.clone()}</strong></a>" "<code>{m.uscc.clone()}</code>" "<span class="muted">{m.province.clone()}" "{m.region.clone()}</span>
                    " "<span class="badge kind" data-kind=m.kind.clone()>{kind_label(lang, &m.kind)}</span>
                    {m.grade.clone().map(|g| { let label = g.clone(); view! { " "<span class="badge grade" data-grade=g>{label}</span> } })}
                    {m.verified.then(|| view! { " "<span class="badge verified">{t(lang, "search.verified")}</span> })}
                    {m.red_list.then(|| view! { " "<span class="badge red-list">{t(lang, "lists.red")}</span> })}
                    {m.black_list.then(|| view! { " "<span class="badge black-list">{t(lang, "lists.black")}</span> })}
                    " "<a class="complain" href=format!("/cases/new?merchant={}&name={}", m.id, urlencoding::encode(&m.name))>{t(lang, "case.complain")}</a>
                </li>
            }).collect_view()}
        </ul>
    }
}
