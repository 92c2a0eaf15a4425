//! My cases, and the queues of mediators and arbitrators (oldest deadline first).

use domain::calendar::format_local;
use domain::cases::{ActionKind, Status};
use domain::{Fen, Role, t};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{CaseAction, case_statistics, list_cases, step_refusal};
use crate::components::{ActionErrorView, UserResource};
use crate::i18n::use_lang;

/// The list's parameters that the URL carries (the page's GET form and its
/// links), in this order.
const PARAMS: [&str; 8] = [
    "view",
    "status",
    "q",
    "deadline",
    "due_within_days",
    "assignee",
    "sort",
    "limit",
];

#[component]
pub fn CasesPage() -> impl IntoView {
    let lang = use_lang();
    let user = expect_context::<UserResource>();
    let q = use_query_map();
    let param = move |k: &str| q.read().get(k).unwrap_or_default();
    let view = Memo::new(move |_| q.read().get("view").unwrap_or_else(|| "mine".into()));
    let status = Memo::new(move |_| param("status"));
    // Created with the page, not inside the user's Suspend: a resource born
    // there can hydrate before its streamed value arrives (a mismatch).
    // Non-staff get a refusal, which renders nothing.
    let stats = Resource::new(|| (), |_| case_statistics());
    let cases = Resource::new(
        move || {
            PARAMS
                .map(param)
                .to_vec()
                .into_iter()
                .chain([param("cursor")])
                .collect::<Vec<_>>()
        },
        |p| {
            let opt = |s: &String| (!s.is_empty()).then(|| s.clone());
            let view = if p[0].is_empty() {
                "mine".to_string()
            } else {
                p[0].clone()
            };
            list_cases(
                view,
                p[1].clone(),
                opt(&p[2]),
                opt(&p[3]),
                opt(&p[4]),
                opt(&p[5]),
                opt(&p[6]),
                opt(&p[8]),
                opt(&p[7]),
            )
        },
    );
    // The next page's link keeps every parameter of this one.
    let href_with = move |cursor: Option<&str>| {
        let mut parts: Vec<String> = PARAMS
            .iter()
            .filter_map(|k| {
                let v = q.read_untracked().get(k).unwrap_or_default();
                (!v.is_empty()).then(|| format!("{k}={}", urlencoding::encode(&v)))
            })
            .collect();
        if let Some(c) = cursor {
            parts.push(format!("cursor={}", urlencoding::encode(c)));
        }
        format!("/cases?{}", parts.join("&"))
    };
    let tab = move |key: &'static str, label: &'static str| {
        view! { <a href=format!("/cases?view={key}") class:active=move || view.get() == key>{t(lang, label)}</a> }
    };
    let option = move |name: &'static str, value: &'static str, label: &'static str| {
        view! { <option value=value selected=move || param(name) == value>{t(lang, label)}</option> }
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
                            {matches!(u.role, Role::Mediator | Role::Arbitrator | Role::Admin).then(|| view! { <a href="/staff/workload" id="workload-link">{t(lang, "workload.title")}</a> })}
                            {(u.role == Role::Consumer).then(|| view! { <a href="/cases/new" class="button">{t(lang, "case.file_title")}</a> })}
                            // The merchant's workspace: its reply templates are one click away.
                            {(u.role == Role::Merchant).then(|| view! { <a href="/merchants/templates" id="workspace-templates">{t(lang, "templates.title")}</a> })}
                        </nav>
                        <form method="get" action="/cases" class="filters form row" id="case-filter" role="search">
                            <input type="hidden" name="view" value=view.get_untracked()/>
                            <label>{t(lang, "case.search")}" "
                                <input type="search" name="q" id="case-q" maxlength=domain::cases::SEARCH_MAX.to_string() value=move || param("q")/>
                            </label>
                            <label>{t(lang, "case.status")}" "
                                <select name="status">
                                    <option value="">{t(lang, "case.any_status")}</option>
                                    {Status::ALL.iter().map(|s| {
                                        let selected = status.get_untracked() == s.as_str();
                                        view! { <option value=s.as_str() selected=selected>{t(lang, &format!("status.{}", s.as_str())).to_string()}</option> }
                                    }).collect_view()}
                                </select>
                            </label>
                            <label>{t(lang, "case.deadline_filter")}" "
                                <select name="deadline" id="case-deadline">
                                    {option("deadline", "", "case.any_deadline")}
                                    {option("deadline", "overdue", "case.deadline_overdue")}
                                    {option("deadline", "due", "case.deadline_due")}
                                </select>
                            </label>
                            {u.role.is_staff().then(|| view! {
                                <label>{t(lang, "case.assignee")}" "
                                    <select name="assignee" id="case-assignee">
                                        {option("assignee", "", "case.assignee_any")}
                                        {option("assignee", "me", "case.assignee_me")}
                                        {option("assignee", "none", "case.assignee_none")}
                                    </select>
                                </label>
                            })}
                            <label>{t(lang, "case.sort")}" "
                                <select name="sort" id="case-sort">
                                    {option("sort", "deadline", "case.sort_deadline")}
                                    {option("sort", "newest", "case.sort_newest")}
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
                    Err(e) => view! { <p class="notice error" id="case-list-refused">{e.message(lang)}</p> }.into_any(),
                    Ok(page) if page.items.is_empty() => view! { <p class="muted" id="no-cases">{t(lang, "case.none")}</p> }.into_any(),
                    Ok(page) => {
                        let next = page.next.as_deref().map(|c| href_with(Some(c)));
                        let paged = !param("cursor").is_empty();
                        // A mediator's or arbitrator's queue: each case can be taken from the list.
                        let taking = view.get_untracked() == "queue";
                        view! {
                        <div class="table-scroll">
                        <table tabindex="0" class="cases" id="case-list">
                            <caption>{t(lang, "case.list_caption")}</caption>
                            <thead><tr>
                                <th scope="col">{t(lang, "case.number")}</th><th scope="col">{t(lang, "field.title")}</th><th scope="col">{t(lang, "field.merchant")}</th>
                                <th scope="col">{t(lang, "case.status")}</th><th scope="col">{t(lang, "field.amount_claimed_fen")}</th><th scope="col">{t(lang, "case.next_deadline")}</th>
                                {taking.then(|| view! { <th scope="col">{t(lang, "case.take_column")}</th> })}
                            </tr></thead>
                            <tbody>
                                {page.items.into_iter().map(|c| view! {
                                    <tr data-status=c.status.as_str() data-case=c.id.to_string() data-unread=c.unread.to_string() class:unread=c.unread>
                                        <td>
                                            <a href=format!("/cases/{}", c.id)>{c.number.clone()}</a>
                                            {c.unread.then(|| view! { " "<span class="badge info unread-mark">{t(lang, "case.unread")}</span> })}
                                        </td>
                                        <td>{c.title.clone()}</td>
                                        <td>{c.merchant_name.clone()}</td>
                                        <td>
                                            {t(lang, &format!("status.{}", c.status.as_str())).to_string()}
                                            {c.decision_overdue.then(|| view! { " "<span class="badge danger" data-overdue="decision">{t(lang, "case.decision_overdue")}</span> })}
                                        </td>
                                        <td>"¥"{Fen(c.amount_claimed_fen).yuan_string()}</td>
                                        <td>
                                            {c.next_deadline_at.map(format_local).unwrap_or_default()}
                                            <TimeLeft days=c.working_days_left passed=c.deadline_passed/>
                                        </td>
                                        {taking.then(|| view! {
                                            <td><TakeForm id=c.id takeable=c.owner_id.is_none()/></td>
                                        })}
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                        <nav class="pager" aria-label=t(lang, "case.pages")>
                            {paged.then(|| view! { <a href=href_with(None) id="case-first">{t(lang, "case.first_page")}</a>" " })}
                            {next.map(|href| view! { <a href=href id="case-next" rel="next">{t(lang, "case.next_page")}</a> })}
                        </nav>
                    }.into_any() }
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
                        <table tabindex="0" class="compact" id="stat-by-status">
                            <caption>{t(lang, "case.stats.open")}</caption>
                            <tbody>
                                {s.open_by_status.iter().map(|c| view! {
                                    <tr data-status=c.status.as_str()><th scope="row">{t(lang, &format!("status.{}", c.status.as_str())).to_string()}</th><td>{c.count}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                    {(!s.decisions_overdue_by_owner.is_empty()).then(|| view! {
                        <table tabindex="0" class="compact" id="stat-overdue-by-owner">
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

/// The time left to a case's next deadline, in working days, or that it has passed.
#[component]
fn TimeLeft(days: Option<u32>, passed: bool) -> impl IntoView {
    let lang = use_lang();
    if passed {
        return view! { " "<span class="badge danger time-left" data-days-left="overdue">{t(lang, "case.deadline_passed")}</span> }.into_any();
    }
    match days {
        Some(n) => {
            let class = if n <= 1 {
                "badge warning time-left"
            } else {
                "badge time-left"
            };
            view! { " "<span class=class data-days-left=n.to_string()>{domain::tf(lang, "case.working_days_left", &[&n.to_string()])}</span> }.into_any()
        }
        None => ().into_any(),
    }
}

/// "Take" from the queue: the case page's take action, posted from the list
/// (a plain form without JavaScript); the server checks the role and that the
/// case is still free, and opens the case.
#[component]
fn TakeForm(id: i32, takeable: bool) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<CaseAction>::new();
    takeable.then(|| {
        view! {
            <ActionForm action=action attr:class="inline take-form" attr:data-case=id.to_string()>
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="action" value="take"/>
                <button type="submit" class="secondary">{t(lang, "case.action.take")}</button>
                <ActionErrorView error=step_refusal(action, id, ActionKind::Take)/>
            </ActionForm>
        }
    })
}
