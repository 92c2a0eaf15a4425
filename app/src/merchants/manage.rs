//! The merchant's own panel on its page: sign the standard credit
//! commitment, see findings before they are published and object to them,
//! apply for credit repair of published ones, and follow those requests.
//! The services decide who may; their refusals show in the forms.

use domain::calendar::{format_deadline, format_local};
use domain::credit::{EVIDENCE_MAX, REQUEST_TEXT_MAX, REQUEST_TEXT_MIN};
use domain::merchant::{COMMITMENT_EN, COMMITMENT_VERSION, COMMITMENT_ZH, RecordRequestView};
use domain::{t, tf};
use leptos::prelude::*;

use super::api::{ApplyRepair, ObjectToRecord, OwnedRecord, OwnerData, SignCommitment};
use super::profile::{day, record_kind, severity};
use crate::components::ActionErrorView;
use crate::i18n::use_lang;

#[component]
pub fn OwnerPanel(merchant_id: i32, data: OwnerData) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="card manage" id="merchant-manage">
            <h2>{t(lang, "manage.title")}</h2>
            {match data.commitment {
                Some(c) => view! {
                    <p class="notice ok" id="commitment-signed" data-version=c.version.clone() data-sha256=c.text_sha256.clone()>
                        {tf(lang, "commitment.signed", &[&c.version])}" · "{format_local(c.signed_at)}
                    </p>
                }.into_any(),
                None => view! { <CommitmentForm merchant_id=merchant_id/> }.into_any(),
            }}
            <h3>{t(lang, "manage.pending")}</h3>
            <p class="muted">{t(lang, "manage.pending_hint")}</p>
            {data.pending.is_empty().then(|| view! { <p class="muted" id="pending-none">{t(lang, "manage.pending_none")}</p> })}
            <ul class="results owned" id="pending-records">
                {data.pending.into_iter().map(|r| view! { <Owned merchant_id=merchant_id item=r repair=false/> }).collect_view()}
            </ul>
            <h3>{t(lang, "manage.repairable")}</h3>
            <p class="muted">{t(lang, "manage.repair_hint")}</p>
            {data.repairable.is_empty().then(|| view! { <p class="muted" id="repairable-none">{t(lang, "manage.repairable_none")}</p> })}
            <ul class="results owned" id="repairable-records">
                {data.repairable.into_iter().map(|r| view! { <Owned merchant_id=merchant_id item=r repair=true/> }).collect_view()}
            </ul>
            <Requests list=data.requests/>
        </div>
    }
}

/// The full standard text (中文 signed, English for reading) and the box to tick.
#[component]
fn CommitmentForm(merchant_id: i32) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<SignCommitment>::new();
    view! {
        <div id="commitment-sign">
            <h3>{t(lang, "commitment.sign")}</h3>
            <p class="muted">{tf(lang, "commitment.sign_hint", &[COMMITMENT_VERSION])}</p>
            <div class="commitment-texts">
                <div>
                    <h4>{t(lang, "commitment.text_zh")}</h4>
                    <p class="commitment-text" lang="zh-CN" id="commitment-zh">{COMMITMENT_ZH}</p>
                </div>
                <div>
                    <h4>{t(lang, "commitment.text_en")}</h4>
                    <p class="commitment-text" lang="en" id="commitment-en">{COMMITMENT_EN}</p>
                </div>
            </div>
            <ActionForm action=action attr:class="form" attr:id="commitment-form">
                <input type="hidden" name="merchant_id" value=merchant_id.to_string()/>
                <label class="inline"><input type="checkbox" name="accept" id="commitment-accept" required/>{t(lang, "commitment.accept")}</label>
                <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
                <button type="submit">{t(lang, "commitment.sign")}</button>
            </ActionForm>
        </div>
    }
}

/// A record of the merchant's own file, with the objection (pending) or
/// repair (published) form when it applies.
#[component]
fn Owned(merchant_id: i32, item: OwnedRecord, repair: bool) -> impl IntoView {
    let lang = use_lang();
    let r = item.record;
    view! {
        <li data-record=r.id.to_string() data-kind=r.kind.clone() data-status=r.status.clone()>
            <strong class="kind">{record_kind(lang, &r.kind)}</strong>" "
            <span class="muted">{severity(lang, &r.kind, &r.severity)}" · "{day!(r.occurred_at)}" · "{t(lang, "records.col.until")}" "{day!(r.display_until)}</span>
            <p class="summary">{r.summary.clone()}</p>
            {r.evidence.clone().map(|e| view! { <p class="muted evidence">{t(lang, "field.evidence")}": "{e}</p> })}
            {r.objection_until.filter(|_| !repair).map(|u| view! {
                <p class="objection-until"><strong>{tf(lang, "records.objection_until", &[&format_deadline(u)])}</strong></p>
            })}
            {item.request_open.then(|| view! { <p class="notice warn request-open">{t(lang, "manage.request_open")}</p> })}
            {(item.may_act && !repair).then(|| view! { <ObjectionForm merchant_id=merchant_id record_id=r.id/> })}
            {(item.may_act && repair).then(|| view! { <RepairForm merchant_id=merchant_id record_id=r.id/> })}
        </li>
    }
}

#[component]
fn ObjectionForm(merchant_id: i32, record_id: i32) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<ObjectToRecord>::new();
    view! {
        <ActionForm action=action attr:class="form objection-form" attr:data-record=record_id.to_string()>
            <input type="hidden" name="merchant_id" value=merchant_id.to_string()/>
            <input type="hidden" name="record_id" value=record_id.to_string()/>
            <label>{t(lang, "field.text")}<textarea name="text" rows="3" required minlength=REQUEST_TEXT_MIN maxlength=REQUEST_TEXT_MAX></textarea></label>
            <label>{t(lang, "field.evidence")}<textarea name="evidence" rows="2" maxlength=EVIDENCE_MAX></textarea></label>
            <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
            <button type="submit">{t(lang, "manage.object")}</button>
        </ActionForm>
    }
}

#[component]
fn RepairForm(merchant_id: i32, record_id: i32) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<ApplyRepair>::new();
    view! {
        <ActionForm action=action attr:class="form repair-form" attr:data-record=record_id.to_string()>
            <input type="hidden" name="merchant_id" value=merchant_id.to_string()/>
            <input type="hidden" name="record_id" value=record_id.to_string()/>
            <label>{t(lang, "field.text")}<textarea name="text" rows="3" required minlength=REQUEST_TEXT_MIN maxlength=REQUEST_TEXT_MAX></textarea></label>
            <label>{t(lang, "field.evidence")}<textarea name="evidence" rows="2" maxlength=EVIDENCE_MAX></textarea></label>
            <label class="inline"><input type="checkbox" name="renew_commitment" required/>{t(lang, "manage.renew")}</label>
            <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
            <button type="submit">{t(lang, "manage.repair")}</button>
        </ActionForm>
    }
}

#[component]
fn Requests(list: Vec<RecordRequestView>) -> impl IntoView {
    let lang = use_lang();
    let empty = list.is_empty();
    view! {
        <h3>{t(lang, "manage.requests")}</h3>
        {empty.then(|| view! { <p class="muted" id="requests-none">{t(lang, "manage.requests_none")}</p> })}
        <table tabindex="0" class="cases" id="record-requests" class:hidden=empty>
            <thead><tr>
                <th>{t(lang, "records.col.kind")}</th>
                <th>{t(lang, "field.record")}</th>
                <th>{t(lang, "manage.filed_at")}</th>
                <th>{t(lang, "records.col.status")}</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|q| view! {
                    <tr data-request=q.id.to_string() data-kind=q.kind.clone() data-status=q.status.clone() data-record=q.record_id.to_string()>
                        <td class="kind">{t(lang, &format!("manage.request.{}", q.kind)).to_string()}</td>
                        <td>{record_kind(lang, &q.record.kind)}" · "{day!(q.record.occurred_at)}<p class="muted said">{q.text.clone()}</p></td>
                        <td class="nowrap">{format_local(q.created_at)}</td>
                        <td class="status">
                            {t(lang, &format!("manage.request.status.{}", q.status)).to_string()}
                            {q.decision_reason.clone().map(|r| view! { <p class="muted">{tf(lang, "manage.request.decision", &[&r])}</p> })}
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
