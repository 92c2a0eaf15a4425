//! Recording findings (信用记录录入: misconduct, a broken commitment, a
//! commendation): the form, then the merchant's credit
//! file as regulators see it (every record, pending ones with their
//! objection deadline), the new record marked.

use domain::credit::{EVIDENCE_MAX, RecordGroup, RecordKind, SUMMARY_MAX, SUMMARY_MIN, Severity};
use domain::{t, tf};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{FindingsData, RecordFinding};
use super::{RecordFacts, kind_and_severity, status_text};
use crate::components::ActionErrorView;
use crate::i18n::use_lang;

#[component]
pub(super) fn Findings(data: FindingsData) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<RecordFinding>::new();
    let q = use_query_map();
    let created = q
        .read_untracked()
        .get("record")
        .and_then(|r| r.parse::<i32>().ok());
    let preset = data
        .merchant
        .as_ref()
        .map(|m| m.id.to_string())
        .unwrap_or_default();
    // Misconduct, a broken commitment, a commendation: each group under
    // its own heading in the select.
    let groups: Vec<(RecordGroup, Vec<RecordKind>)> = [
        RecordGroup::Misconduct,
        RecordGroup::Commitment,
        RecordGroup::Commendation,
    ]
    .into_iter()
    .map(|g| {
        let kinds = RecordKind::ALL
            .iter()
            .copied()
            .filter(|k| k.group() == g && k.recorded_by_regulator())
            .collect();
        (g, kinds)
    })
    .collect();
    let new_record = created.and_then(|id| data.records.iter().find(|r| r.id == id).cloned());
    view! {
        {new_record.map(|r| view! {
            <div class="notice ok" role="status" id="finding-created" data-record=r.id.to_string() data-status=r.status.clone()>
                <p>{tf(lang, "reg.find.created", &[&r.id.to_string(), &r.objection_until.map(domain::calendar::format_deadline).unwrap_or_default()])}</p>
                <RecordFacts record=r.clone()/>
            </div>
        })}
        <div class="card" id="findings">
            <h2>{t(lang, "reg.tab.findings")}</h2>
            <p class="muted">{t(lang, "reg.find.intro")}</p>
            <ActionForm action=action attr:class="form" attr:id="finding-form">
                <div class="row">
                    <label>{t(lang, "reg.find.merchant")}<input type="text" name="merchant" required maxlength="40" value=preset autocomplete="off"/></label>
                    <label>{t(lang, "field.occurred_on")}<input type="date" name="occurred_on" required value=data.today.clone() max=data.today.clone()/></label>
                </div>
                <div class="row">
                    <label>{t(lang, "field.kind")}
                        <select name="kind" required>
                            {groups.into_iter().map(|(g, kinds)| view! {
                                <optgroup label=t(lang, &format!("credit.group.{}", g.as_str())).to_string()>
                                    {kinds.into_iter().map(|k| view! {
                                        <option value=k.as_str()>{t(lang, &k.label_key()).to_string()}</option>
                                    }).collect_view()}
                                </optgroup>
                            }).collect_view()}
                        </select>
                    </label>
                    <label>{t(lang, "field.severity")}
                        <select name="severity">
                            <option value="">{t(lang, "reg.find.severity_default")}</option>
                            {Severity::ALL.iter().map(|s| view! {
                                <option value=s.as_str()>{t(lang, &s.label_key()).to_string()}</option>
                            }).collect_view()}
                        </select>
                    </label>
                </div>
                <label>{t(lang, "field.summary")}<textarea name="summary" rows="3" required minlength=SUMMARY_MIN maxlength=SUMMARY_MAX></textarea></label>
                <label>{t(lang, "field.evidence")}<textarea name="evidence" rows="2" maxlength=EVIDENCE_MAX></textarea></label>
                <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
                <button type="submit">{t(lang, "reg.find.submit")}</button>
            </ActionForm>
        </div>
        {data.merchant.map(|m| {
            let empty = data.records.is_empty();
            view! {
                <div class="card" id="merchant-records" data-merchant=m.id.to_string()>
                    <h2>{tf(lang, "reg.find.records", &[&m.name])}" "<small class="muted"><code>{m.uscc.clone()}</code></small></h2>
                    <p><a href=format!("/merchants/{}", m.id)>{t(lang, "reg.ver.merchant_page")}</a></p>
                    {empty.then(|| view! { <p class="muted">{t(lang, "reg.find.no_records")}</p> })}
                    <table tabindex="0" class="cases" class:hidden=empty>
                        <thead><tr>
                            <th>"#"</th>
                            <th>{t(lang, "reg.rec.kind")}</th>
                            <th>{t(lang, "reg.rec.status")}</th>
                            <th>{t(lang, "reg.rec.objection_until")}</th>
                            <th>{t(lang, "reg.rec.occurred")}</th>
                            <th>{t(lang, "reg.rec.source")}</th>
                            <th>{t(lang, "field.summary")}</th>
                        </tr></thead>
                        <tbody>
                            {data.records.into_iter().map(|r| view! {
                                <tr data-record=r.id.to_string() data-status=r.status.clone() data-public=r.public.to_string()
                                    class:created=Some(r.id) == created>
                                    <td>{r.id.to_string()}</td>
                                    <td class="kind">{kind_and_severity(lang, &r)}</td>
                                    <td class="status">{status_text(lang, &r)}</td>
                                    <td class="objection-until nowrap">{r.objection_until.map(domain::calendar::format_deadline).unwrap_or_default()}</td>
                                    <td class="nowrap">{domain::calendar::local_date(r.occurred_at).to_string()}</td>
                                    <td>{t(lang, &format!("reg.rec.source.{}", r.source)).to_string()}{r.case_number.clone().map(|n| format!(" {n}"))}</td>
                                    <td class="summary">{r.summary.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }
        })}
    }
}
