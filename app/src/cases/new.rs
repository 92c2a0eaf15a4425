//! Filing a complaint against a merchant, with its evidence files.
//!
//! The merchant is chosen first (the picker), then one plain
//! `multipart/form-data` form posted to `POST /cases/new` (the handler of
//! `POST /api/v1/cases/filing`) with JavaScript on or off. Its buttons name
//! a step: "下一步：核对" keeps the form as the consumer's draft on the
//! server and, when everything checks, goes to the review page
//! ([`super::review`]), whose button files it; "保存草稿" keeps the draft
//! and comes back here. A draft (values and files) waits on the server
//! until it is filed or discarded, so this page shows it filled in, with
//! its files and a button to discard it. Refused, the server answers with
//! this page rendered again with a [`FilingDraft`] — the error on top,
//! every typed field kept; files already in the draft stay, new ones must
//! be chosen again (no browser lets a page preset a file input). With
//! JavaScript on, the chosen images show as thumbnails before sending.

use std::collections::BTreeMap;

use domain::calendar::format_local;
use domain::cases::{
    Category, Demand, FilingDraftView, FilingFormData, MerchantStanding, Remedy, WAYBILL_MAX,
    WAYBILL_MIN,
};
use domain::input::{max, min};
use domain::{Lang, t, tf};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::load_filing_form;
use super::detail::file_size;
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

/// What the page was sent back with after a post that went well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Done {
    Saved,
    Removed,
    Discarded,
}

#[component]
pub fn NewCasePage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    let (merchant_q, merchant_name, by_code, pick, done) = q.with_untracked(|q| {
        let done = if q.get("saved").is_some() {
            Some(Done::Saved)
        } else if q.get("removed").is_some() {
            Some(Done::Removed)
        } else if q.get("discarded").is_some() {
            Some(Done::Discarded)
        } else {
            None
        };
        (
            q.get("merchant").unwrap_or_default(),
            q.get("name").unwrap_or_default(),
            // By code: the merchant's id or USCC typed into the form itself.
            q.get("by").as_deref() == Some("code"),
            // The picker, even with a draft (to choose another merchant).
            q.get("pick").as_deref() == Some("1"),
            done,
        )
    });
    // Through a resource, so the hydrating browser renders what the server
    // rendered (its value travels with the page): a refused form's values
    // and error, the draft, the merchant's standing.
    let refused = use_context::<FilingDraft>();
    let page = Resource::new(
        || (),
        move |_| {
            let refused = refused.clone();
            let merchant_q = merchant_q.clone();
            async move {
                let key = if merchant_q.is_empty() {
                    refused
                        .as_ref()
                        .and_then(|r| r.values.get("merchant").cloned())
                } else {
                    Some(merchant_q)
                };
                let data = load_filing_form(key).await;
                (refused, data)
            }
        },
    );
    let previews = RwSignal::new(Vec::<Preview>::new());
    view! {
        <section class="card">
            <h1>{t(lang, "case.file_title")}</h1>
            <Suspense>
                {move || {
                    let merchant_q = q.with_untracked(|q| q.get("merchant").unwrap_or_default());
                    let merchant_name = merchant_name.clone();
                    Suspend::new(async move {
                        let (refused, data) = page.await;
                        let data = match data {
                            Ok(d) => d,
                            Err(e) => return view! { <crate::components::PageError error=e/> }.into_any(),
                        };
                        let chosen = !merchant_q.is_empty();
                        if pick || (refused.is_none() && data.draft.is_none() && !chosen && !by_code) {
                            let discarded = done == Some(Done::Discarded);
                            return view! {
                                {discarded.then(|| view! { <p class="notice ok" role="status" id="draft-discarded">{t(lang, "filing.discarded")}</p> })}
                                <MerchantPicker pick=pick/>
                            }.into_any();
                        }
                        filing_page(lang, refused, data, merchant_q, merchant_name, by_code, done, previews).into_any()
                    })
                }}
            </Suspense>
        </section>
    }
}

/// The form's page once the merchant is chosen (or typed by code): who is
/// complained about and how it stands, the draft's notice and files, the
/// refusal's error, the form.
#[allow(clippy::too_many_arguments)]
fn filing_page(
    lang: Lang,
    refused: Option<FilingDraft>,
    data: FilingFormData,
    merchant_q: String,
    merchant_name: String,
    by_code: bool,
    done: Option<Done>,
    previews: RwSignal<Vec<Preview>>,
) -> impl IntoView {
    let FilingFormData { draft, merchant } = data;
    // What the form shows: a refused post's values; else the draft's, the
    // picker's choice replacing its merchant; else just the choice.
    let mut values = match (&refused, &draft) {
        (Some(r), _) => r.values.clone(),
        (None, Some(d)) => d.values.clone(),
        (None, None) => BTreeMap::new(),
    };
    if refused.is_none() && !merchant_q.is_empty() {
        values.insert("merchant".into(), merchant_q);
    }
    let error = refused.map(|r| r.error);
    // The merchant's input is hidden when it names a merchant we know.
    let hidden = merchant.is_some() && !by_code;
    let standing = merchant.map(|m| {
        let shown = if m.name.is_empty() {
            merchant_name
        } else {
            m.name.clone()
        };
        merchant_header(lang, m, shown)
    });
    let notice = draft.as_ref().map(|d| {
        let at = format_local(d.updated_at);
        if done == Some(Done::Saved) {
            view! { <p class="notice ok" role="status" id="draft-saved">{tf(lang, "filing.saved", &[&at])}</p> }.into_any()
        } else {
            view! { <p class="notice warn" role="status" id="draft-notice">{tf(lang, "filing.draft_notice", &[&at])}</p> }.into_any()
        }
    });
    let expires = draft.as_ref().map(|d| {
        let until = format_local(domain::cases::draft_expires_at(d.updated_at));
        view! { <p class="muted" id="draft-expires">{tf(lang, "filing.draft_kept_until", &[&until])}</p> }
    });
    let removed = (done == Some(Done::Removed))
        .then(|| view! { <p class="notice ok" role="status" id="draft-file-removed">{t(lang, "filing.file_removed")}</p> });
    view! {
        {standing}
        {notice}
        {expires}
        {removed}
        {error.map(|e| view! { <p class="notice error" role="alert" id="filing-error">{e}</p> })}
        {draft.map(|d| draft_box(lang, d))}
        {filing_form(lang, values, hidden, previews)}
    }
}

/// The merchant complained about, how it stands (credit grade, on-time
/// response rate, complaints in 12 months), and a way to choose another.
fn merchant_header(lang: Lang, m: MerchantStanding, shown: String) -> impl IntoView {
    view! {
        <p id="merchant-name">{t(lang, "field.merchant")}": "<strong>{shown}</strong>" "
            <a href="/cases/new?pick=1" id="merchant-change" rel="external">{t(lang, "case.pick.change")}</a></p>
        <p class="muted" id="merchant-standing" data-merchant=m.id.to_string()>{m.line(lang)}</p>
    }
}

/// The draft's files, each with a small form removing it, and the form
/// discarding the whole draft (plain posts, outside the filing form).
fn draft_box(lang: Lang, d: FilingDraftView) -> impl IntoView {
    let files = d.files;
    view! {
        <div class="draft-box" id="draft-box">
            {(!files.is_empty()).then(|| view! {
                <h2>{t(lang, "filing.draft_files")}</h2>
                <p class="muted small">{t(lang, "filing.draft_files_hint")}</p>
                <ul class="files" id="draft-files">
                    {files.into_iter().map(|f| view! {
                        <li data-file=f.id.to_string() data-type=f.content_type.clone()>
                            <span class="file-name">{f.file_name.clone()}</span>" "<span class="muted">{file_size(f.size)}</span>" "
                            <form method="post" action="/cases/new" enctype="multipart/form-data" class="inline remove-file">
                                <input type="hidden" name="step" value="remove"/>
                                <input type="hidden" name="file" value=f.id.to_string()/>
                                <button type="submit" class="link" aria-label=format!("{} {}", t(lang, "filing.remove_file"), f.file_name)>{t(lang, "filing.remove_file")}</button>
                            </form>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            <form method="post" action="/cases/new" enctype="multipart/form-data" class="inline" id="draft-discard">
                <input type="hidden" name="step" value="discard"/>
                <button type="submit" class="secondary">{t(lang, "filing.discard")}</button>
            </form>
        </div>
    }
}

/// The first step of filing: the merchant, found by its name (a GET form,
/// so it works without JavaScript), each hit with its credit grade and
/// complaints of the last 12 months, chosen by a link that carries it into
/// the form. Who knows the merchant's USCC may type it instead. The links
/// within `/cases/new` load the page anew (`rel="external"`): the page reads
/// its step from the URL once, as the server rendered it. `pick`: asked for
/// while a draft waits (`?pick=1`), which the search carries on.
#[component]
fn MerchantPicker(pick: bool) -> impl IntoView {
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
            {pick.then(|| view! { <input type="hidden" name="pick" value="1"/> })}
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

/// The form, filled from `values` (a refused post's, or the draft's).
fn filing_form(
    lang: Lang,
    values: BTreeMap<String, String>,
    merchant_hidden: bool,
    previews: RwSignal<Vec<Preview>>,
) -> impl IntoView {
    let value = |k: &str| values.get(k).cloned().unwrap_or_default();
    let merchant = value("merchant");
    let category = value("category");
    let remedy = value("remedy");
    let demand = value("demand");
    view! {
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
                // The first button is the one Enter presses: on to the review.
                // Saving a draft half done skips the browser's checks.
                <div class="buttons">
                    <button type="submit" name="step" value="review" id="file-review">{t(lang, "filing.next_review")}</button>
                    " "
                    <button type="submit" name="step" value="save" id="file-save" class="secondary" formnovalidate>{t(lang, "filing.save_draft")}</button>
                </div>
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
