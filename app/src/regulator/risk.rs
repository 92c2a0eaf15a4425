//! Risk warnings (信用风险预警): the stored warnings, open first — merchants
//! with a complaint spike or signs of rating brushing, each with the numbers
//! that raised it — and, for regulators, a form to acknowledge each with a
//! note; acknowledged ones show who acknowledged them, when, and the note.

use domain::calendar::format_local;
use domain::credit::risk::{NOTE_MAX, RiskWarning};
use domain::{t, tf};
use leptos::prelude::*;

use super::api::AcknowledgeRisk;
use crate::components::ActionErrorView;
use crate::i18n::use_lang;

#[component]
pub(super) fn Warnings(warnings: Vec<RiskWarning>, can_acknowledge: bool) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<AcknowledgeRisk>::new();
    let empty = warnings.is_empty();
    view! {
        <div class="card" id="risk">
            <h2>{t(lang, "reg.tab.risk")}</h2>
            <p class="muted">{t(lang, "reg.risk.intro")}</p>
            <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
            {empty.then(|| view! { <p class="muted" id="risk-empty">{t(lang, "reg.risk.empty")}</p> })}
            <table tabindex="0" class="cases" id="risk-warnings" class:hidden=empty>
                <thead><tr>
                    <th>{t(lang, "field.merchant")}</th>
                    <th>{t(lang, "reg.risk.signals")}</th>
                    <th>{t(lang, "reg.risk.raised_at")}</th>
                    <th>{t(lang, "reg.risk.acknowledgement")}</th>
                </tr></thead>
                <tbody>
                    {warnings.into_iter().map(|w| {
                        let open = w.acknowledged_at.is_none();
                        let state = if open { "open" } else { "acknowledged" };
                        view! {
                            <tr data-warning=w.id.to_string() data-merchant=w.merchant_id.to_string() data-kind=w.kind.clone()
                                data-state=state>
                                <td><a href=format!("/merchants/{}", w.merchant_id)>{w.merchant_name.clone()}</a></td>
                                <td>
                                    <strong>{t(lang, &format!("risk.kind.{}", w.kind)).to_string()}</strong>" "
                                    <span class="detail">{w.detail.clone()}</span>
                                </td>
                                <td class="nowrap">{format_local(w.raised_at)}" "<small class="muted">{w.period.clone()}</small></td>
                                <td>
                                    {match (w.acknowledged_at, open && can_acknowledge) {
                                        (Some(at), _) => view! {
                                            <p class="acknowledged">{tf(lang, "reg.risk.acknowledged_by", &[w.acknowledged_by_name.as_deref().unwrap_or("—"), &format_local(at)])}</p>
                                            <p class="narrative note">{w.note.clone().unwrap_or_default()}</p>
                                        }.into_any(),
                                        (None, true) => view! {
                                            <ActionForm action=action attr:class="form ack-form">
                                                <input type="hidden" name="id" value=w.id.to_string()/>
                                                <label>{t(lang, "field.note")}<textarea name="note" rows="2" required maxlength=NOTE_MAX.to_string()></textarea></label>
                                                <button type="submit">{t(lang, "reg.risk.acknowledge")}</button>
                                            </ActionForm>
                                        }.into_any(),
                                        (None, false) => view! { <span class="muted">{t(lang, "reg.risk.open")}</span> }.into_any(),
                                    }}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <p class="muted" id="flagged-hint">{t(lang, "reg.risk.flagged_hint")}</p>
        </div>
    }
}
