//! `/staff/workload`: each active mediator's and arbitrator's open cases,
//! those past their stage deadline and those due within 3 working days,
//! and the unowned cases waiting in each queue (mediators, arbitrators,
//! admins). Each count links to the case list it counts.

use domain::cases::{StaffLoad, Workload};
use domain::{t, tf};
use leptos::prelude::*;

use super::api::load_workload;
use crate::i18n::use_lang;

#[component]
pub fn WorkloadPage() -> impl IntoView {
    let lang = use_lang();
    // Created with the page, never inside a Suspend.
    let data = Resource::new(|| (), |_| load_workload());
    view! {
        <section class="card" id="workload">
            <h1>{t(lang, "workload.title")}</h1>
            <Suspense>
                {move || Suspend::new(async move { match data.await {
                    Err(e) => view! { <p class="notice error" id="workload-refused">{e.message(lang)}</p> }.into_any(),
                    Ok(w) => view! { <WorkloadBody w=w/> }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

#[component]
fn WorkloadBody(w: Workload) -> impl IntoView {
    let lang = use_lang();
    let days = w.due_within_days.to_string();
    view! {
        <p class="muted">{tf(lang, "workload.intro", &[&days])}</p>
        <dl class="figures">
            <div><dt>{t(lang, "case.stats.mediation_queue")}</dt><dd id="workload-mediation-queue">
                <a href="/cases?view=all&status=in_mediation&assignee=none">{w.mediation_queue}</a>
            </dd></div>
            <div><dt>{t(lang, "case.stats.arbitration_queue")}</dt><dd id="workload-arbitration-queue">
                <a href="/cases?view=all&status=in_arbitration&assignee=none">{w.arbitration_queue}</a>
            </dd></div>
        </dl>
        <LoadTable id="workload-mediators" caption="workload.mediators" rows=w.mediators days=days.clone()/>
        <LoadTable id="workload-arbitrators" caption="workload.arbitrators" rows=w.arbitrators days=days/>
    }
}

#[component]
fn LoadTable(
    id: &'static str,
    caption: &'static str,
    rows: Vec<StaffLoad>,
    days: String,
) -> impl IntoView {
    let lang = use_lang();
    if rows.is_empty() {
        return view! { <p class="muted" id=id>{t(lang, caption)}": "{t(lang, "workload.nobody")}</p> }
            .into_any();
    }
    let list = |who: i32, extra: &str| format!("/cases?view=all&assignee={who}{extra}");
    view! {
        <div class="table-scroll">
            <table tabindex="0" class="cases" id=id>
                <caption>{t(lang, caption)}</caption>
                <thead><tr>
                    <th scope="col">{t(lang, "workload.name")}</th>
                    <th scope="col">{t(lang, "workload.open")}</th>
                    <th scope="col">{t(lang, "workload.overdue")}</th>
                    <th scope="col">{tf(lang, "workload.due_soon", &[&days])}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let overdue_class = if r.overdue > 0 { "danger" } else { "" };
                        view! {
                            <tr data-user=r.user_id.to_string()>
                                <th scope="row">{r.name.clone()}</th>
                                <td data-count="open"><a href=list(r.user_id, "")>{r.open}</a></td>
                                <td data-count="overdue" class=overdue_class><a href=list(r.user_id, "&deadline=overdue")>{r.overdue}</a></td>
                                <td data-count="due_soon"><a href=list(r.user_id, "&deadline=due")>{r.due_soon}</a></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
