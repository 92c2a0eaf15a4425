//! Red and black list proposals (红黑名单提名) waiting for a regulator: the
//! criteria the merchant met, its objection (black list), and a decision
//! with reasons.

use domain::calendar::{format_deadline, format_local};
use domain::credit::{ListEntryView, ListKind};
use domain::t;
use leptos::prelude::*;

use super::api::DecideProposal;
use super::reason_name;
use crate::components::ActionErrorView;
use crate::i18n::use_lang;

#[component]
pub(super) fn Proposals(entries: Vec<ListEntryView>) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<DecideProposal>::new();
    let empty = entries.is_empty();
    view! {
        <div class="card" id="proposals">
            <h2>{t(lang, "reg.tab.proposals")}</h2>
            <p class="muted">{t(lang, "reg.prop.intro")}</p>
            <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
            {empty.then(|| view! { <p class="muted" id="proposals-empty">{t(lang, "reg.prop.empty")}</p> })}
            {entries.into_iter().map(|e| view! { <Proposal e=e action=action/> }).collect_view()}
        </div>
    }
}

#[component]
fn Proposal(e: ListEntryView, action: ServerAction<DecideProposal>) -> impl IntoView {
    let lang = use_lang();
    let list_key = match e.list {
        ListKind::Red => "lists.red",
        ListKind::Black => "lists.black",
    };
    view! {
        <article class=format!("queue-item proposal list-{}", e.list.as_str()) data-entry=e.id.to_string() data-list=e.list.as_str() data-merchant=e.merchant_id.to_string()>
            <h3>
                <span class=format!("badge list-{}", e.list.as_str())>{t(lang, list_key)}</span>" "
                <a href=format!("/merchants/{}", e.merchant_id)>{e.name.clone()}</a>" "
                <small class="muted"><code>{e.uscc.clone()}</code>" · #"{e.id.to_string()}</small>
            </h3>
            <dl class="facts">
                <dt>{t(lang, "reg.prop.proposed_at")}</dt><dd>{format_local(e.proposed_at)}</dd>
                <dt>{t(lang, "reg.prop.grade")}</dt><dd>{e.credit_grade.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>{t(lang, "reg.prop.reasons")}</dt>
                <dd>
                    <ul class="reasons">
                        {e.reasons.iter().map(|k| view! { <li data-reason=reason_name(k)>{t(lang, k).to_string()}</li> }).collect_view()}
                    </ul>
                </dd>
                {e.objection_until.map(|u| view! {
                    <dt>{t(lang, "reg.prop.objection_until")}</dt><dd class="objection-until">{format_deadline(u)}</dd>
                })}
                {(e.list == ListKind::Black).then(|| view! {
                    <dt>{t(lang, "reg.prop.objection")}</dt>
                    <dd class="narrative objection">
                        {match (e.objection.clone(), e.objected_at) {
                            (Some(text), at) => format!("{text}{}", at.map(|a| format!(" ({})", format_local(a))).unwrap_or_default()),
                            (None, _) => t(lang, "reg.prop.no_objection").to_string(),
                        }}
                    </dd>
                })}
            </dl>
            <ActionForm action=action attr:class="form decide-form">
                <input type="hidden" name="id" value=e.id.to_string()/>
                <label>{t(lang, "field.reason")}<textarea name="reason" rows="2" required maxlength="2000"></textarea></label>
                <div class="buttons">
                    <button type="submit" name="confirm" value="true" class="grant">{t(lang, "reg.prop.confirm")}</button>
                    <button type="submit" name="confirm" value="false" class="refuse secondary">{t(lang, "reg.prop.refuse")}</button>
                </div>
            </ActionForm>
        </article>
    }
}
