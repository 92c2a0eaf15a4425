//! Risk warnings (信用风险预警): merchants with a complaint spike or signs of
//! rating brushing, each signal with the numbers that raised it.

use domain::credit::risk::RiskWarning;
use domain::t;
use leptos::prelude::*;

use crate::i18n::use_lang;

#[component]
pub(super) fn Warnings(warnings: Vec<RiskWarning>) -> impl IntoView {
    let lang = use_lang();
    let empty = warnings.is_empty();
    view! {
        <div class="card" id="risk">
            <h2>{t(lang, "reg.tab.risk")}</h2>
            <p class="muted">{t(lang, "reg.risk.intro")}</p>
            {empty.then(|| view! { <p class="muted" id="risk-empty">{t(lang, "reg.risk.empty")}</p> })}
            <table class="cases" id="risk-warnings" class:hidden=empty>
                <thead><tr>
                    <th>{t(lang, "field.merchant")}</th>
                    <th>{t(lang, "reg.risk.signals")}</th>
                </tr></thead>
                <tbody>
                    {warnings.into_iter().map(|w| view! {
                        <tr data-merchant=w.merchant_id.to_string()>
                            <td><a href=format!("/merchants/{}", w.merchant_id)>{w.merchant_name.clone()}</a></td>
                            <td>
                                <ul class="signals">
                                    {w.signals.into_iter().map(|s| view! {
                                        <li data-kind=s.kind.clone()>
                                            <strong>{t(lang, &format!("risk.kind.{}", s.kind)).to_string()}</strong>" "
                                            <span class="detail">{s.detail}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p class="muted" id="flagged-hint">{t(lang, "reg.risk.flagged_hint")}</p>
        </div>
    }
}
