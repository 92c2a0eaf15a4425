//! Objections (异议) and credit repair applications (信用修复) waiting for a
//! regulator: the record concerned, what the merchant says and shows, and a
//! decision with reasons either way.

use domain::calendar::format_local;
use domain::credit::DECISION_REASON_MAX;
use domain::merchant::RecordRequestView;
use domain::t;
use leptos::prelude::*;

use super::RecordFacts;
use super::api::DecideRequest;
use crate::components::ActionErrorView;
use crate::i18n::use_lang;

#[component]
pub(super) fn Requests(requests: Vec<RecordRequestView>) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<DecideRequest>::new();
    let empty = requests.is_empty();
    view! {
        <div class="card" id="requests">
            <h2>{t(lang, "reg.tab.requests")}</h2>
            <p class="muted">{t(lang, "reg.req.intro")}</p>
            <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
            {empty.then(|| view! { <p class="muted" id="requests-empty">{t(lang, "reg.req.empty")}</p> })}
            {requests.into_iter().map(|r| view! { <Request r=r action=action/> }).collect_view()}
        </div>
    }
}

#[component]
fn Request(r: RecordRequestView, action: ServerAction<DecideRequest>) -> impl IntoView {
    let lang = use_lang();
    let objection = r.kind == "objection";
    let (grant, refuse) = if objection {
        ("reg.req.uphold", "reg.req.refuse_objection")
    } else {
        ("reg.req.approve_repair", "reg.req.refuse_repair")
    };
    view! {
        <article class="queue-item" data-request=r.id.to_string() data-kind=r.kind.clone() data-record=r.record_id.to_string()>
            <h3>
                {t(lang, &format!("reg.req.kind.{}", r.kind)).to_string()}" · "
                <a href=format!("/merchants/{}", r.merchant_id)>{r.merchant_name.clone()}</a>" "
                <small class="muted">"#"{r.id.to_string()}" · "{t(lang, "reg.req.submitted")}" "{format_local(r.created_at)}</small>
            </h3>
            <h4>{t(lang, "reg.req.record")}</h4>
            <RecordFacts record=r.record.clone()/>
            <h4>{t(lang, "reg.req.text")}</h4>
            <p class="narrative statement">{r.text.clone()}</p>
            {r.evidence.clone().map(|e| view! {
                <h4>{t(lang, "field.evidence")}</h4>
                <p class="narrative evidence">{e}</p>
            })}
            <ActionForm action=action attr:class="form decide-form">
                <input type="hidden" name="id" value=r.id.to_string()/>
                <label>{t(lang, "field.reason")}<textarea name="reason" rows="2" required maxlength=DECISION_REASON_MAX></textarea></label>
                <div class="buttons">
                    <button type="submit" name="grant" value="true" class="grant">{t(lang, grant)}</button>
                    <button type="submit" name="grant" value="false" class="refuse secondary">{t(lang, refuse)}</button>
                </div>
            </ActionForm>
        </article>
    }
}
