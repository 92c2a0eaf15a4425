//! The regulator's workspace (`/regulator`, 监管工作台): the verification
//! queue, misconduct findings, objections and repair applications, red and
//! black list proposals, risk warnings and the credit export, one section
//! per `?tab=` link so it works without JavaScript. Admins see the sections
//! the services let them work in (verification, risk). Also the public red
//! and black lists (`/lists/red`, `/lists/black`).

mod api;
mod dashboard;
mod export;
mod findings;
mod lists;
mod proposals;
mod requests;
mod risk;
mod screening;
mod verifications;

pub use api::*;
pub use dashboard::{
    DashboardGlance, FundMonths, RegulatorDashboardPage, load_dashboard, load_fund_months,
};
pub use lists::PublicListPage;

use domain::calendar::format_local;
use domain::merchant::RecordView;
use domain::{AppError, Lang, t, tf};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::i18n::use_lang;

#[component]
pub fn RegulatorPage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    // Everything in the query: a decision's redirect (`done=…&id=…`) loads the section again.
    let key = Memo::new(move |_| {
        let q = q.read();
        (
            q.get("tab").unwrap_or_default(),
            q.get("merchant").and_then(|m| m.trim().parse::<i32>().ok()),
            q.get("done"),
            q.get("id"),
            q.get("record"),
        )
    });
    let data = Resource::new(
        move || key.get(),
        |(tab, merchant, ..)| load_regulator(tab, merchant),
    );
    view! {
        <section class="regulator">
            <h1>{t(lang, "reg.title")}</h1>
            <Suspense>
                {move || Suspend::new(async move { match data.await {
                    Err(AppError::Unauthorized { .. }) => view! {
                        <p class="notice error" id="regulator-refused">{t(lang, "err.not_signed_in")}" "<a href="/login">{t(lang, "auth.login")}</a></p>
                    }.into_any(),
                    Err(AppError::Forbidden) => view! {
                        <p class="notice error" id="regulator-refused">{t(lang, "reg.regulator_only")}</p>
                    }.into_any(),
                    Err(e) => view! { <p class="notice error">{e.message(lang)}</p> }.into_any(),
                    Ok(d) => view! {
                        <nav class="tabs" id="regulator-tabs">
                            {d.tabs.iter().map(|tab| view! {
                                <a href=format!("/regulator?tab={}", tab.as_str()) id=format!("tab-{}", tab.as_str())
                                    class:active=*tab == d.tab>{t(lang, tab.label_key())}</a>
                            }).collect_view()}
                            <a href="/regulator/dashboard" id="tab-dashboard">{t(lang, "dash.reg.title")}</a>
                        </nav>
                        <Decided/>
                        {match d.section {
                            Section::Verifications(v) => view! { <verifications::Queue requests=v/> }.into_any(),
                            Section::Findings(f) => view! { <findings::Findings data=f/> }.into_any(),
                            Section::Requests(r) => view! { <requests::Requests requests=r/> }.into_any(),
                            Section::Proposals(p) => view! { <proposals::Proposals entries=p/> }.into_any(),
                            Section::Risk { warnings, can_acknowledge } => view! { <risk::Warnings warnings=warnings can_acknowledge=can_acknowledge/> }.into_any(),
                            Section::Export => view! { <export::Export/> }.into_any(),
                            Section::Screening(s) => view! { <screening::Queue flags=s/> }.into_any(),
                            Section::RegulatorOnly => view! {
                                <p class="notice error" id="section-refused">{t(lang, "reg.section_regulator_only")}</p>
                            }.into_any(),
                        }}
                    }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

/// The confirmation after a decision (`?done=…&id=…[&status=…]`).
#[component]
fn Decided() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    move || {
        let q = q.read();
        // A failed form posted without JavaScript comes back with `__err`.
        if q.get("__err").is_some() {
            return None;
        }
        let done = q.get("done")?;
        let id = q.get("id")?.parse::<i32>().ok()?.to_string();
        let status = q.get("status").unwrap_or_default();
        let text = match done.as_str() {
            "verified" => tf(lang, "reg.done.verified", &[&id]),
            "rejected" => tf(lang, "reg.done.rejected", &[&id]),
            "request" => tf(
                lang,
                "reg.done.request",
                &[&id, t(lang, &format!("reg.req.status.{status}"))],
            ),
            "list" => tf(
                lang,
                "reg.done.list",
                &[&id, t(lang, &format!("reg.prop.status.{status}"))],
            ),
            "risk_ack" => tf(lang, "reg.done.risk_ack", &[&id]),
            "screening" => tf(
                lang,
                "reg.done.screening",
                &[&id, t(lang, &format!("screening.status.{status}"))],
            ),
            _ => return None,
        };
        Some(view! {
            <p class="notice ok" role="status" id="regulator-done" data-done=done data-id=id data-status=status>{text}</p>
        })
    }
}

/// A credit record as regulators read it: kind, severity, status with its
/// objection deadline, dates, summary and evidence.
#[component]
pub(crate) fn RecordFacts(record: RecordView) -> impl IntoView {
    let lang = use_lang();
    let r = record;
    view! {
        <dl class="facts record" data-record=r.id.to_string() data-status=r.status.clone()>
            <dt>{t(lang, "reg.rec.kind")}</dt>
            <dd class="kind">{kind_and_severity(lang, &r)}</dd>
            <dt>{t(lang, "reg.rec.status")}</dt>
            <dd class="status">{status_text(lang, &r)}</dd>
            {r.objection_until.map(|u| view! {
                <dt>{t(lang, "reg.rec.objection_until")}</dt>
                <dd class="objection-until">{domain::calendar::format_deadline(u)}</dd>
            })}
            <dt>{t(lang, "reg.rec.occurred")}</dt>
            <dd>{domain::calendar::local_date(r.occurred_at).to_string()}</dd>
            <dt>{t(lang, "reg.rec.display_until")}</dt>
            <dd>{format_local(r.display_until)}</dd>
            <dt>{t(lang, "field.summary")}</dt>
            <dd class="narrative summary">{r.summary.clone()}</dd>
            {r.evidence.clone().map(|e| view! {
                <dt>{t(lang, "field.evidence")}</dt>
                <dd class="narrative evidence">{e}</dd>
            })}
        </dl>
    }
}

/// A record's kind and severity: `虚假宣传 · 轻微`; a commendation alone.
pub(crate) fn kind_and_severity(lang: Lang, r: &RecordView) -> String {
    use crate::merchants::profile::{record_kind, severity};
    let kind = record_kind(lang, &r.kind);
    match severity(lang, &r.kind, &r.severity).as_str() {
        "—" => kind,
        s => format!("{kind} · {s}"),
    }
}

/// `pending` / `published` / `withdrawn`, and whether it is still on public display.
pub(crate) fn status_text(lang: Lang, r: &RecordView) -> String {
    let mut s = t(lang, &format!("reg.rec.status.{}", r.status)).to_string();
    let sep = if lang == Lang::Zh { "，" } else { ", " };
    if r.repaired_at.is_some() {
        s.push_str(sep);
        s.push_str(t(lang, "reg.rec.repaired"));
    } else if r.status == "published" && !r.public {
        s.push_str(sep);
        s.push_str(t(lang, "reg.rec.hidden"));
    }
    s
}

/// A list criterion's key (`lists.reason.serious_record`) without its prefix, for `data-reason`.
pub(crate) fn reason_name(key: &str) -> String {
    key.strip_prefix("lists.reason.").unwrap_or(key).to_string()
}
