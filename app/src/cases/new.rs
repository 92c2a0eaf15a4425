//! Filing a complaint against a merchant, with its evidence files.
//!
//! One plain `multipart/form-data` form posted to `POST /cases/new` (the
//! handler of `POST /api/v1/cases/filing`) with JavaScript on or off: filed, it goes to the new case's page;
//! refused, the server answers with this page rendered again with a
//! [`FilingDraft`] — the error on top, every typed field kept (the files
//! must be chosen again: no browser lets a page preset a file input). With
//! JavaScript on, the chosen images show as thumbnails before sending.

use std::collections::BTreeMap;

use domain::cases::{Category, Demand, Remedy, WAYBILL_MAX, WAYBILL_MIN};
use domain::input::{max, min};
use domain::t;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::i18n::use_lang;

/// What a refused filing sent back to its page (server side only: the
/// filing route renders the page with it in the context).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FilingDraft {
    /// The text fields as typed, by their names in the form.
    pub values: BTreeMap<String, String>,
    /// Why it was refused, in the reader's language.
    pub error: String,
}

/// A chosen image shown before sending: its name and an object URL.
#[derive(Debug, Clone, PartialEq)]
struct Preview {
    name: String,
    url: String,
}

#[component]
pub fn NewCasePage() -> impl IntoView {
    let lang = use_lang();
    // Through a resource, so the hydrating browser renders the same draft
    // the server rendered (its value travels with the page).
    let from_server = use_context::<FilingDraft>();
    let draft = Resource::new(
        || (),
        move |_| {
            let d = from_server.clone();
            async move { d }
        },
    );
    let q = use_query_map();
    let merchant_q = q.read_untracked().get("merchant").unwrap_or_default();
    let merchant_name = q.read_untracked().get("name").unwrap_or_default();
    // By code: the merchant's id or USCC typed into the form itself.
    let by_code = q.read_untracked().get("by").as_deref() == Some("code");
    let chosen = !merchant_q.is_empty();
    let previews = RwSignal::new(Vec::<Preview>::new());
    view! {
        <section class="card">
            <h1>{t(lang, "case.file_title")}</h1>
            {chosen.then(|| {
                let shown = if merchant_name.is_empty() { merchant_q.clone() } else { merchant_name.clone() };
                view! {
                    <p id="merchant-name">{t(lang, "field.merchant")}": "<strong>{shown}</strong>" "
                        <a href="/cases/new" id="merchant-change" rel="external">{t(lang, "case.pick.change")}</a></p>
                }
            })}
            <Suspense>
                {move || {
                    let merchant_q = merchant_q.clone();
                    Suspend::new(async move {
                        let draft = draft.await;
                        if draft.is_none() && !chosen && !by_code {
                            return view! { <MerchantPicker/> }.into_any();
                        }
                        let hidden = draft.is_none() && chosen;
                        filing_form(lang, draft, merchant_q, hidden, previews).into_any()
                    })
                }}
            </Suspense>
        </section>
    }
}

/// The first step of filing: the merchant, found by its name (a GET form,
/// so it works without JavaScript), each hit with its credit grade and
/// complaints of the last 12 months, chosen by a link that carries it into
/// the form. Who knows the merchant's USCC may type it instead. The links
/// within `/cases/new` load the page anew (`rel="external"`): the page reads
/// its step from the URL once, as the server rendered it.
#[component]
fn MerchantPicker() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    let text = move || q.read().get("q").unwrap_or_default();
    let hits = Resource::new(text, |text| async move {
        if text.trim().is_empty() {
            return Ok(None);
        }
        let params = domain::search::SearchParams {
            q: Some(text),
            ..Default::default()
        };
        crate::search::search_merchants(params).await.map(Some)
    });
    view! {
        <p class="hint">{t(lang, "case.pick.hint")}</p>
        <form method="get" action="/cases/new" class="form row" role="search" id="merchant-pick">
            <label>{t(lang, "case.pick.name")}
                <input type="search" name="q" id="merchant-pick-q" required maxlength="100" value=text autocomplete="off"/>
            </label>
            " "<button type="submit">{t(lang, "case.pick.find")}</button>
        </form>
        <Suspense>
            {move || Suspend::new(async move { match hits.await {
                Err(e) => view! { <p class="notice error" role="alert" id="merchant-pick-error">{e.message(lang)}</p> }.into_any(),
                Ok(None) => ().into_any(),
                Ok(Some(page)) if page.items.is_empty() => view! { <p class="muted" id="merchant-pick-none">{t(lang, "case.pick.none")}</p> }.into_any(),
                Ok(Some(page)) => view! {
                    <ul class="results" id="merchant-pick-results">
                        {page.items.into_iter().map(|m| {
                            let href = format!("/cases/new?merchant={}&name={}", m.id, urlencoding::encode(&m.name));
                            view! {
                                <li data-merchant=m.id.to_string()>
                                    <strong>{m.name.clone()}</strong>" "<span class="muted">{m.province.clone()}" "{m.region.clone()}</span>
                                    {m.grade.clone().map(|g| { let label = g.clone(); view! { " "<span class="badge grade" data-grade=g>{t(lang, "case.pick.grade")}" "{label}</span> } })}
                                    {m.verified.then(|| view! { " "<span class="badge verified">{t(lang, "search.verified")}</span> })}
                                    {m.black_list.then(|| view! { " "<span class="badge black-list">{t(lang, "lists.black")}</span> })}
                                    " "<span class="muted">{domain::tf(lang, "case.pick.complaints", &[&m.complaints_12m.to_string()])}</span>
                                    " "<a class="button pick" href=href rel="external">{t(lang, "case.pick.choose")}</a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            } })}
        </Suspense>
        <p class="muted"><a href="/cases/new?by=code" id="merchant-by-code" rel="external">{t(lang, "case.pick.by_code")}</a></p>
    }
}

/// The form, filled from `draft` when the server sent one back.
fn filing_form(
    lang: domain::Lang,
    draft: Option<FilingDraft>,
    merchant_q: String,
    merchant_hidden: bool,
    previews: RwSignal<Vec<Preview>>,
) -> impl IntoView {
    let value = {
        let draft = draft.clone();
        move |k: &str| {
            draft
                .as_ref()
                .and_then(|d| d.values.get(k).cloned())
                .unwrap_or_default()
        }
    };
    let merchant = if draft.is_some() {
        value("merchant")
    } else {
        merchant_q
    };
    let error = draft.as_ref().map(|d| d.error.clone());
    let category = value("category");
    let remedy = value("remedy");
    let demand = value("demand");
    view! {
            {error.map(|e| view! { <p class="notice error" role="alert" id="filing-error">{e}</p> })}
            <form method="post" action="/cases/new" enctype="multipart/form-data" class="form" id="file-form">
                {if merchant_hidden {
                    view! { <input type="hidden" name="merchant" value=merchant/> }.into_any()
                } else {
                    view! { <label>{t(lang, "case.merchant_key")}<input type="text" name="merchant" required value=merchant/></label> }.into_any()
                }}
                <label>{t(lang, "field.category")}
                    <select name="category">
                        {Category::ALL.iter().map(|c| view! { <option value=c.as_str() selected=category == c.as_str()>{t(lang, &format!("category.{}", c.as_str())).to_string()}</option> }).collect_view()}
                    </select>
                </label>
                <label>{t(lang, "field.title")}<input type="text" name="title" required minlength=min::TITLE.to_string() maxlength=max::TITLE.to_string() value=value("title")/></label>
                <label>{t(lang, "field.narrative")}<textarea name="narrative" required minlength=min::NARRATIVE.to_string() maxlength=max::NARRATIVE.to_string() rows="6">{value("narrative")}</textarea></label>
                <div class="row">
                    <label>{t(lang, "field.order_ref")}<input type="text" name="order_ref" required maxlength=max::ORDER_REF.to_string() value=value("order_ref")/></label>
                    <label>{t(lang, "field.order_date")}<input type="text" name="order_date" required value=value("order_date") placeholder="2026-12-01" autocomplete="off" aria-describedby="order-date-hint"/><small class="muted" id="order-date-hint">{t(lang, "case.order_date_hint")}</small></label>
                </div>
                <div class="row">
                    <label>{t(lang, "field.amount_paid_fen")}" (¥)"<input type="text" name="amount_paid" required inputmode="decimal" placeholder="0.00" value=value("amount_paid")/></label>
                    <label>{t(lang, "field.amount_claimed_fen")}" (¥)"<input type="text" name="amount_claimed" required inputmode="decimal" placeholder="0.00" value=value("amount_claimed")/></label>
                </div>
                <label>{t(lang, "field.remedy")}
                    <select name="remedy">
                        {Remedy::ALL.iter().map(|r| view! { <option value=r.as_str() selected=remedy == r.as_str()>{t(lang, &format!("remedy.{}", r.as_str())).to_string()}</option> }).collect_view()}
                    </select>
                </label>
                <label>{t(lang, "field.demand")}
                    <select name="demand">
                        <option value="">{t(lang, "case.demand.as_remedy")}</option>
                        {Demand::ALL.iter().filter(|d| d.is_punitive()).map(|d| view! { <option value=d.as_str() selected=demand == d.as_str()>{t(lang, &d.label_key()).to_string()}</option> }).collect_view()}
                    </select>
                </label>
                <label>{t(lang, "field.waybill")}
                    <input type="text" name="waybill" id="waybill" minlength=WAYBILL_MIN.to_string() maxlength=WAYBILL_MAX.to_string() pattern="[A-Za-z0-9\\-]{6,40}" autocomplete="off" value=value("waybill")/>
                    <small class="muted">{t(lang, "case.waybill_hint")}</small>
                </label>
                // A <details> opens without JavaScript; its fields left blank
                // file against the merchant alone.
                <details class="logistics-part" id="logistics-part" open=!value("logistics_merchant").is_empty()>
                    <summary>{t(lang, "case.logistics_legend")}</summary>
                    <fieldset>
                        <legend>{t(lang, "case.logistics_legend")}</legend>
                        <p class="muted">{t(lang, "case.logistics_hint")}</p>
                        <label>{t(lang, "case.logistics_merchant")}<input type="text" name="logistics_merchant" id="logistics-merchant" value=value("logistics_merchant")/></label>
                        <label>{t(lang, "case.logistics_amount_claimed")}" (¥)"<input type="text" name="logistics_amount_claimed" id="logistics-amount-claimed" inputmode="decimal" placeholder="0.00" value=value("logistics_amount_claimed")/></label>
                        <label>{t(lang, "case.logistics_narrative")}<textarea name="logistics_narrative" id="logistics-narrative" maxlength=max::NARRATIVE.to_string() rows="4">{value("logistics_narrative")}</textarea></label>
                    </fieldset>
                </details>
                <label class="inline"><input type="checkbox" name="publish_narrative" checked=!value("publish_narrative").is_empty()/>{t(lang, "case.publish_narrative")}</label>
                <label>{t(lang, "case.evidence_at_filing")}
                    <input type="file" name="evidence" id="evidence-files" multiple accept=domain::files::ACCEPT aria-describedby="evidence-files-hint"
                        on:change=move |ev| show_previews(&ev, previews)/>
                    <small class="muted" id="evidence-files-hint">{t(lang, "case.evidence_at_filing_hint")}</small>
                </label>
                {move || {
                    let chosen = previews.get();
                    (!chosen.is_empty()).then(|| view! {
                        <ul class="gallery" id="evidence-previews" aria-label=t(lang, "case.evidence_chosen")>
                            {chosen.into_iter().map(|p| view! {
                                <li><figure><img src=p.url alt=p.name.clone() class="thumb"/><figcaption>{p.name.clone()}</figcaption></figure></li>
                            }).collect_view()}
                        </ul>
                    })
                }}
                <button type="submit">{t(lang, "case.submit")}</button>
            </form>
    }
}

/// Shows the images chosen in the file input as thumbnails (object URLs of
/// the files themselves, released when the choice changes). Nothing is sent.
#[cfg(feature = "hydrate")]
fn show_previews(ev: &leptos::ev::Event, previews: RwSignal<Vec<Preview>>) {
    use leptos::wasm_bindgen::JsCast;
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    for old in previews.get_untracked() {
        let _ = web_sys::Url::revoke_object_url(&old.url);
    }
    let mut chosen = Vec::new();
    if let Some(files) = input.files() {
        for i in 0..files.length() {
            let Some(file) = files.get(i) else { continue };
            if !domain::files::is_image(&file.type_()) {
                continue;
            }
            if let Ok(url) = web_sys::Url::create_object_url_with_blob(&file) {
                chosen.push(Preview {
                    name: file.name(),
                    url,
                });
            }
        }
    }
    previews.set(chosen);
}

#[cfg(not(feature = "hydrate"))]
fn show_previews(_: &leptos::ev::Event, _: RwSignal<Vec<Preview>>) {}
