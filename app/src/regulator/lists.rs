//! `/lists/red` and `/lists/black`: the published red and black lists (红黑名单),
//! each entry with its dates and reasons. Public.

use domain::calendar::local_date;
use domain::credit::{ListKind, PublicListEntry};
use domain::t;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::api::load_public_list;
use super::reason_name;
use crate::i18n::use_lang;

#[component]
pub fn PublicListPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let kind = Memo::new(move |_| params.read().get("kind").unwrap_or_default());
    let data = Resource::new(move || kind.get(), load_public_list);
    view! {
        <section class="lists">
            <h1>{t(lang, "lists.title")}</h1>
            <nav class="tabs" id="list-tabs">
                {ListKind::ALL.iter().map(|k| {
                    let k = *k;
                    view! {
                        <a href=format!("/lists/{}", k.as_str()) id=format!("list-tab-{}", k.as_str())
                            class:active=move || kind.get() == k.as_str()>{t(lang, label(k))}</a>
                    }
                }).collect_view()}
            </nav>
            <Suspense>
                {move || Suspend::new(async move { match (data.await, ListKind::parse(&kind.get())) {
                    (Ok(entries), Some(k)) => view! { <Entries kind=k entries=entries/> }.into_any(),
                    (Err(e), _) => view! { <p class="notice error">{e.message(lang)}</p> }.into_any(),
                    (Ok(_), None) => view! { <p class="notice error">{t(lang, "err.not_found")}</p> }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

fn label(k: ListKind) -> &'static str {
    match k {
        ListKind::Red => "lists.red",
        ListKind::Black => "lists.black",
    }
}

#[component]
fn Entries(kind: ListKind, entries: Vec<PublicListEntry>) -> impl IntoView {
    let lang = use_lang();
    let intro = match kind {
        ListKind::Red => "lists.red_intro",
        ListKind::Black => "lists.black_intro",
    };
    let empty = entries.is_empty();
    view! {
        <div class=format!("card list-{}", kind.as_str()) id="public-list" data-list=kind.as_str()>
            <h2>{t(lang, label(kind))}</h2>
            <p class="muted">{t(lang, intro)}</p>
            {empty.then(|| view! { <p class="muted" id="list-empty">{t(lang, "lists.empty")}</p> })}
            <table tabindex="0" class="cases" id="list-entries" class:hidden=empty>
                <thead><tr>
                    <th>{t(lang, "field.merchant")}</th>
                    <th>{t(lang, "field.uscc")}</th>
                    <th>{t(lang, "lists.since")}</th>
                    <th>{t(lang, "lists.proposed_at")}</th>
                    <th>{t(lang, "lists.reasons")}</th>
                    <th>{t(lang, "lists.decision_reason")}</th>
                </tr></thead>
                <tbody>
                    {entries.into_iter().map(|e| view! {
                        <tr data-entry=e.entry_id.to_string() data-merchant=e.merchant_id.to_string()>
                            <td class="merchant"><a href=format!("/merchants/{}", e.merchant_id)>{e.name.clone()}</a></td>
                            <td><code>{e.uscc.clone()}</code></td>
                            <td class="since nowrap">{local_date(e.since).to_string()}</td>
                            <td class="proposed nowrap">{local_date(e.proposed_at).to_string()}</td>
                            <td>
                                <ul class="reasons">
                                    {e.reasons.iter().map(|k| view! { <li data-reason=reason_name(k)>{t(lang, k).to_string()}</li> }).collect_view()}
                                </ul>
                            </td>
                            <td class="narrative decision">{e.decision_reason.clone().unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
