//! `/fund`: what the fund paid and recovered, in the open. Consumers'
//! names are masked by the services; pages are plain `?page=N` links.

use domain::calendar::format_local;
use domain::fund::{AppealRow, LedgerPage, RefusalFigures};
use domain::{t, tf};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::load_public_fund;
use super::{SummaryFigures, kind_text, yuan};
use crate::i18n::use_lang;

#[component]
pub fn FundPage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    let page = Memo::new(move |_| {
        q.read()
            .get("page")
            .and_then(|p| p.trim().parse::<u64>().ok())
            .unwrap_or(1)
            .clamp(1, super::api::MAX_PAGE)
    });
    let data = Resource::new(move || page.get(), load_public_fund);
    view! {
        <section class="fund">
            <h1>{t(lang, "fund.title")}</h1>
            <p class="muted">{t(lang, "fund.intro")}</p>
            <Suspense>
                {move || Suspend::new(async move { match data.await {
                    Err(e) => view! { <p class="notice error">{e.message(lang)}</p> }.into_any(),
                    Ok(d) => view! {
                        <div class="card">
                            <h2>{t(lang, "fund.summary")}</h2>
                            <SummaryFigures summary=d.summary id="fund-summary"/>
                        </div>
                        <div class="card">
                            <h2>{t(lang, "fund.appeals")}</h2>
                            <Appeals appeals=d.ledger.appeals.clone()/>
                        </div>
                        <div class="card">
                            <h2>{t(lang, "fund.refusals")}</h2>
                            <Refusals figures=d.ledger.refusals.clone()/>
                        </div>
                        <div class="card">
                            <h2>{t(lang, "fund.ledger")}</h2>
                            <Ledger page=d.ledger/>
                        </div>
                    }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

#[component]
fn Ledger(page: LedgerPage) -> impl IntoView {
    let lang = use_lang();
    let pages = page.total.div_ceil(page.per_page.max(1)).max(1);
    let current = page.page;
    let empty = page.rows.is_empty();
    view! {
        {empty.then(|| view! { <p class="muted" id="ledger-empty">{t(lang, "fund.ledger_empty")}</p> })}
        <table tabindex="0" class="cases ledger" id="ledger" class:hidden=empty>
            <thead><tr>
                <th>{t(lang, "fund.col.at")}</th>
                <th>{t(lang, "fund.col.kind")}</th>
                <th>{t(lang, "fund.col.merchant")}</th>
                <th>{t(lang, "fund.col.case")}</th>
                <th>{t(lang, "fund.col.consumer")}</th>
                <th class="num">{t(lang, "fund.col.amount")}</th>
                <th>{t(lang, "fund.col.status")}</th>
            </tr></thead>
            <tbody>
                {page.rows.into_iter().map(|r| {
                    let status = if r.status.is_empty() {
                        String::new()
                    } else {
                        t(lang, &format!("fund.status.{}", r.status)).to_string()
                    };
                    view! {
                        <tr data-kind=r.kind.clone() data-case=r.case_number.clone() data-entry=r.entry_id.to_string()>
                            <td class="at nowrap">{format_local(r.at)}</td>
                            <td class="kind">{kind_text(lang, &r.kind)}</td>
                            <td class="merchant"><a href=format!("/merchants/{}", r.merchant_id)>{r.merchant_name.clone()}</a></td>
                            <td class="case nowrap">{r.case_number.clone()}</td>
                            <td class="consumer">{r.consumer.clone()}</td>
                            <td class="amount num" data-fen=r.amount_fen.to_string()>{yuan(r.amount_fen)}</td>
                            <td class="status" data-status=r.status.clone()>{status}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <nav class="pager" id="ledger-pager">
            {(current > 1).then(|| {
                let prev = (current - 1).min(pages);
                view! { <a id="ledger-prev" href=format!("/fund?page={prev}")>{t(lang, "fund.prev")}</a> }
            })}
            <span class="muted" id="ledger-page">
                {tf(lang, "fund.page", &[&current.to_string(), &pages.to_string(), &page.total.to_string()])}
            </span>
            {(current < pages).then(|| view! {
                <a id="ledger-next" href=format!("/fund?page={}", current + 1)>{t(lang, "fund.next")}</a>
            })}
        </nav>
    }
}

/// The contested payouts: pending appeals with their date, decided ones
/// with their outcome. No consumer appears.
#[component]
fn Appeals(appeals: Vec<AppealRow>) -> impl IntoView {
    let lang = use_lang();
    let empty = appeals.is_empty();
    view! {
        <p class="muted">{t(lang, "fund.appeals_intro")}</p>
        {empty.then(|| view! { <p class="muted" id="appeals-empty">{t(lang, "fund.appeals_empty")}</p> })}
        <table tabindex="0" class="cases ledger" id="appeals" class:hidden=empty>
            <thead><tr>
                <th>{t(lang, "fund.col.contested_at")}</th>
                <th>{t(lang, "fund.col.merchant")}</th>
                <th>{t(lang, "fund.col.case")}</th>
                <th class="num">{t(lang, "fund.col.paid")}</th>
                <th>{t(lang, "fund.col.appeal")}</th>
                <th>{t(lang, "fund.col.decided_at")}</th>
            </tr></thead>
            <tbody>
                {appeals.into_iter().map(|a| {
                    let state = if a.outcome.is_empty() {
                        t(lang, &format!("fund.appeal.{}", a.state)).to_string()
                    } else {
                        t(lang, &format!("fund.appeal.{}", a.outcome)).to_string()
                    };
                    view! {
                        <tr data-case=a.case_number.clone() data-state=a.state.clone() data-outcome=a.outcome.clone()>
                            <td class="at nowrap">{format_local(a.contested_at)}</td>
                            <td class="merchant"><a href=format!("/merchants/{}", a.merchant_id)>{a.merchant_name.clone()}</a></td>
                            <td class="case nowrap">{a.case_number.clone()}</td>
                            <td class="amount num" data-fen=a.paid_fen.to_string()>{yuan(a.paid_fen)}</td>
                            <td class="state">{state}</td>
                            <td class="at nowrap">{a.decided_at.map(format_local).unwrap_or_default()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Refused applications per reason category, and in total, over the period.
#[component]
fn Refusals(figures: RefusalFigures) -> impl IntoView {
    let lang = use_lang();
    let period = match figures.from {
        Some(from) => tf(
            lang,
            "fund.refusals_period",
            &[&format_local(from), &format_local(figures.to)],
        ),
        None => t(lang, "fund.refusals_none").to_string(),
    };
    view! {
        <p class="muted" id="refusals-period">{period}</p>
        <table tabindex="0" class="cases" id="refusals">
            <thead><tr>
                <th>{t(lang, "fund.col.refusal_category")}</th>
                <th class="num">{t(lang, "fund.col.count")}</th>
            </tr></thead>
            <tbody>
                {figures.by_category.into_iter().map(|c| view! {
                    <tr data-category=c.category.as_str()>
                        <td>{t(lang, &c.category.label_key()).to_string()}</td>
                        <td class="num count">{c.count.to_string()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
            <tfoot><tr data-category="total">
                <th>{t(lang, "fund.refusals_total")}</th>
                <th class="num count" id="refusals-total">{figures.total.to_string()}</th>
            </tr></tfoot>
        </table>
    }
}
