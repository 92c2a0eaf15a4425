//! My cases, and the queues of mediators and arbitrators (oldest deadline first).

use domain::calendar::format_local;
use domain::cases::Status;
use domain::{Fen, Role, t};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{case_statistics, list_cases};
use crate::components::UserResource;
use crate::i18n::use_lang;

#[component]
pub fn CasesPage() -> impl IntoView {
    let lang = use_lang();
    let user = expect_context::<UserResource>();
    let q = use_query_map();
    let view = Memo::new(move |_| q.read().get("view").unwrap_or_else(|| "mine".into()));
    let status = Memo::new(move |_| q.read().get("status").unwrap_or_default());
    // Created with the page, not inside the user's Suspend: a resource born
    // there can hydrate before its streamed value arrives (a mismatch).
    // Non-staff get a refusal, which renders nothing.
    let stats = Resource::new(|| (), |_| case_statistics());
    let cases = Resource::new(
        move || (view.get(), status.get()),
        |(v, s)| list_cases(v, s),
    );
    let tab = move |key: &'static str, label: &'static str| {
        view! { <a href=format!("/cases?view={key}") class:active=move || view.get() == key>{t(lang, label)}</a> }
    };
    view! {
        <section>
            <h1>{t(lang, "case.my_cases")}</h1>
            <Suspense>
                {move || Suspend::new(async move { match user.await.ok().flatten() {
                    None => view! { <p class="notice error">{t(lang, "err.not_signed_in")}" "<a href="/login">{t(lang, "auth.login")}</a></p> }.into_any(),
                    Some(u) => view! {
                        <nav class="tabs">
                            {tab("mine", "case.tab_mine")}
                            {matches!(u.role, Role::Mediator | Role::Arbitrator).then(|| tab("queue", "case.queue"))}
                            {(u.role != Role::Consumer && u.role != Role::Merchant).then(|| tab("all", "case.all"))}
                            {(u.role == Role::Consumer).then(|| view! { <a href="/search" class="button">{t(lang, "case.file_title")}</a> })}
                        </nav>
                        <form method="get" action="/cases" class="filters" id="case-filter">
                            <input type="hidden" name="view" value=view.get_untracked()/>
                            <label>{t(lang, "case.status")}" "
                                <select name="status">
                                    <option value="">{t(lang, "case.any_status")}</option>
                                    {Status::ALL.iter().map(|s| {
                                        let selected = status.get_untracked() == s.as_str();
                                        view! { <option value=s.as_str() selected=selected>{t(lang, &format!("status.{}", s.as_str())).to_string()}</option> }
                                    }).collect_view()}
                                </select>
                            </label>
                            " "<button type="submit">{t(lang, "case.filter")}</button>
                        </form>
                        {u.role.is_staff().then(|| view! { <CaseStatsPanel stats=stats/> })}
                    }.into_any(),
                } })}
            </Suspense>
            <Suspense>
                {move || Suspend::new(async move { match cases.await {
                    Err(e) => view! { <p class="notice error">{e.message(lang)}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted" id="no-cases">{t(lang, "case.none")}</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="cases" id="case-list">
                            <thead><tr>
                                <th>{t(lang, "case.number")}</th><th>{t(lang, "field.title")}</th><th>{t(lang, "field.merchant")}</th>
                                <th>{t(lang, "case.status")}</th><th>{t(lang, "field.amount_claimed_fen")}</th><th>{t(lang, "case.next_deadline")}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|c| view! {
                                    <tr data-status=c.status.as_str()>
                                        <td><a href=format!("/cases/{}", c.id)>{c.number.clone()}</a></td>
                                        <td>{c.title.clone()}</td>
                                        <td>{c.merchant_name.clone()}</td>
                                        <td>
                                            {t(lang, &format!("status.{}", c.status.as_str())).to_string()}
                                            {c.decision_overdue.then(|| view! { " "<span class="badge danger" data-overdue="decision">{t(lang, "case.decision_overdue")}</span> })}
                                        </td>
                                        <td>"¥"{Fen(c.amount_claimed_fen).yuan_string()}</td>
                                        <td>{c.next_deadline_at.map(format_local).unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

/// Staff: the queues at a glance, with decisions past their deadline.
#[component]
fn CaseStatsPanel(
    stats: Resource<Result<domain::cases::CaseStatistics, domain::AppError>>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <Suspense>
            {move || Suspend::new(async move { stats.await.ok().map(|s| { let overdue_class = if s.decisions_overdue > 0 { "danger" } else { "" }; view! {
                <section class="card" id="case-stats" aria-labelledby="case-stats-title">
                    <h2 id="case-stats-title">{t(lang, "case.stats.title")}</h2>
                    <dl class="figures">
                        <div><dt>{t(lang, "case.stats.open")}</dt><dd id="stat-open">{s.open_by_status.iter().map(|c| c.count).sum::<u64>()}</dd></div>
                        <div><dt>{t(lang, "case.stats.mediation_queue")}</dt><dd id="stat-mediation-queue">{s.mediation_queue}</dd></div>
                        <div><dt>{t(lang, "case.stats.arbitration_queue")}</dt><dd id="stat-arbitration-queue">{s.arbitration_queue}</dd></div>
                        <div class=overdue_class><dt>{t(lang, "case.stats.decisions_overdue")}</dt><dd id="stat-decisions-overdue">{s.decisions_overdue}</dd></div>
                        <div><dt>{t(lang, "case.stats.decided_late")}</dt><dd id="stat-decided-late">{s.decided_late}</dd></div>
                    </dl>
                    {(!s.open_by_status.is_empty()).then(|| view! {
                        <table class="compact" id="stat-by-status">
                            <caption>{t(lang, "case.stats.open")}</caption>
                            <tbody>
                                {s.open_by_status.iter().map(|c| view! {
                                    <tr data-status=c.status.as_str()><th scope="row">{t(lang, &format!("status.{}", c.status.as_str())).to_string()}</th><td>{c.count}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                    {(!s.decisions_overdue_by_owner.is_empty()).then(|| view! {
                        <table class="compact" id="stat-overdue-by-owner">
                            <caption>{t(lang, "case.stats.overdue_by_owner")}</caption>
                            <tbody>
                                {s.decisions_overdue_by_owner.iter().map(|o| view! {
                                    <tr><th scope="row">{o.owner_name.clone()}</th><td>{o.count}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                </section>
            } }) })}
        </Suspense>
    }
}
