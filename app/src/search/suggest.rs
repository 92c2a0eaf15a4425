//! The merchant name box: a plain `q` field of a GET form, which once the
//! page has hydrated also offers merchant names as they are typed (an ARIA
//! combobox with a listbox under it). Without JavaScript it stays a plain
//! search field.

use std::time::Duration;

use domain::AppError;
use domain::search::Suggestion;
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::{tr, use_lang};

/// Typing pauses this long before suggestions are asked for.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// Merchant names that fit what has been typed, best first.
#[server(endpoint = "merchants/suggest")]
pub async fn suggest_merchants(q: String) -> Result<Vec<Suggestion>, AppError> {
    let (q, limit) = domain::search::parse_suggest(Some(&q), None)?;
    services::search::suggest::suggest(&crate::ssr::services()?, q, limit).await
}

/// The home page's search form: the name box and a button.
#[component]
pub fn SearchBox(#[prop(into)] value: String) -> impl IntoView {
    view! {
        <form class="search" action="/search" method="get" role="search">
            <MerchantInput value=value id="home-q"/>
            <button type="submit">{tr("home.search")}</button>
        </form>
    }
}

/// The `q` field with suggestions; `id` names the input (and, suffixed,
/// its listbox and options), so it must be unique on the page.
#[component]
pub fn MerchantInput(#[prop(into)] value: String, id: &'static str) -> impl IntoView {
    let lang = use_lang();
    let listbox_id = format!("{id}-listbox");
    let option_id = move |i: usize| format!("{id}-option-{i}");
    // Set once hydrated: the combobox attributes and the listbox exist only then.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let items: RwSignal<Vec<Suggestion>> = RwSignal::new(vec![]);
    let open = RwSignal::new(false);
    let active: RwSignal<Option<usize>> = RwSignal::new(None);
    // Keystrokes and requests, counted: a timer fires only for the last
    // keystroke, and only the last request's answer is shown.
    let typed = StoredValue::new(0u64);
    let asked = StoredValue::new(0u64);

    // Writes only what changes, and nothing once the box is gone (a blur
    // can come as the page is replaced).
    let close = move || {
        if open.try_get_untracked() == Some(true) {
            open.try_set(false);
        }
        if active.try_get_untracked().flatten().is_some() {
            active.try_set(None);
        }
    };
    let on_input = move |e: ev::Event| {
        let text = event_target_value(&e);
        let n = typed.get_value() + 1;
        typed.set_value(n);
        if text.trim().is_empty() {
            // Whatever is still on its way is for older text.
            asked.update_value(|a| *a += 1);
            items.set(vec![]);
            close();
            return;
        }
        set_timeout(
            move || {
                if typed.try_get_value() != Some(n) {
                    return;
                }
                let Some(req) = asked.try_update_value(|a| {
                    *a += 1;
                    *a
                }) else {
                    return;
                };
                spawn_local(async move {
                    let answer = suggest_merchants(text).await;
                    if asked.try_get_value() != Some(req) {
                        return;
                    }
                    let list = answer.unwrap_or_default();
                    let any = !list.is_empty();
                    items.try_set(list);
                    active.try_set(None);
                    open.try_set(any);
                });
            },
            DEBOUNCE,
        );
    };
    // A full page load, not the router: leaving this page from inside one
    // of its own handlers would dispose the box while it is still updating.
    let go = move |merchant: i32| {
        let _ = window()
            .location()
            .set_href(&format!("/merchants/{merchant}"));
    };
    let on_keydown = move |e: ev::KeyboardEvent| {
        let n = items.with_untracked(Vec::len);
        match e.key().as_str() {
            "ArrowDown" | "ArrowUp" if n > 0 => {
                e.prevent_default();
                let down = e.key() == "ArrowDown";
                let next = match (active.get_untracked(), open.get_untracked(), down) {
                    (Some(i), true, true) => (i + 1) % n,
                    (Some(i), true, false) => (i + n - 1) % n,
                    (_, _, true) => 0,
                    (_, _, false) => n - 1,
                };
                open.set(true);
                active.set(Some(next));
            }
            "Enter" => {
                let chosen = open
                    .get_untracked()
                    .then(|| active.get_untracked())
                    .flatten()
                    .and_then(|i| items.with_untracked(|v| v.get(i).map(|s| s.id)));
                if let Some(merchant) = chosen {
                    // The merchant's page instead of a search.
                    e.prevent_default();
                    go(merchant);
                }
            }
            "Escape" if open.get_untracked() => {
                e.prevent_default();
                close();
            }
            _ => {}
        }
    };
    let expanded = move || open.get() && items.with(|v| !v.is_empty());
    let listbox = move || {
        hydrated.get().then(|| {
            view! {
                <span class="visually-hidden" id=format!("{id}-hint")>{domain::t(lang, "search.suggest_hint")}</span>
                <ul class="suggestions" role="listbox" id=listbox_id.clone()
                    aria-label=domain::t(lang, "search.suggestions") hidden=move || !expanded()>
                    {move || {
                        items.get().into_iter().enumerate().map(|(i, s)| {
                            let merchant = s.id;
                            view! {
                                <li role="option" id=option_id(i) data-merchant=s.id.to_string()
                                    class:active=move || active.get() == Some(i)
                                    aria-selected=move || if active.get() == Some(i) { "true" } else { "false" }
                                    // mousedown, not click: the input keeps its focus (blur would close the list first).
                                    on:mousedown=move |e: ev::MouseEvent| {
                                        e.prevent_default();
                                        go(merchant);
                                    }>
                                    <span class="name">{s.name.clone()}</span>
                                    {s.grade.clone().map(|g| { let label = g.clone(); view! { " "<span class="badge grade" data-grade=g>{label}</span> } })}
                                    {s.red_list.then(|| view! { " "<span class="badge red-list">{domain::t(lang, "lists.red")}</span> })}
                                    {s.black_list.then(|| view! { " "<span class="badge black-list">{domain::t(lang, "lists.black")}</span> })}
                                </li>
                            }
                        }).collect_view()
                    }}
                </ul>
            }
        })
    };
    view! {
        <div class="combobox">
            <input type="search" name="q" id=id value=value
                placeholder=tr("home.search_placeholder") aria-label=tr("home.search")
                maxlength="200"
                role=move || hydrated.get().then_some("combobox")
                autocomplete=move || hydrated.get().then_some("off")
                aria-autocomplete=move || hydrated.get().then_some("list")
                aria-controls=move || hydrated.get().then(|| format!("{id}-listbox"))
                aria-describedby=move || hydrated.get().then(|| format!("{id}-hint"))
                aria-expanded=move || hydrated.get().then(|| if expanded() { "true" } else { "false" })
                aria-activedescendant=move || {
                    active.get().filter(|_| expanded()).map(option_id)
                }
                on:input=on_input
                on:keydown=on_keydown
                on:blur=move |_| close()/>
            {listbox}
        </div>
    }
}
