//! Filing-pattern reviews (职业索赔筛查) waiting for a regulator: the signals
//! with their numbers, the marked cases, the consumer's objection (or that
//! none came and the period is over), and a decision with reasons either way.

use domain::calendar::{format_deadline, format_local};
use domain::screening::{ScreeningStatus, ScreeningView};
use domain::t;
use leptos::prelude::*;

use super::api::DecideScreening;
use crate::components::ActionErrorView;
use crate::i18n::use_lang;

#[component]
pub(super) fn Queue(flags: Vec<ScreeningView>) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<DecideScreening>::new();
    let empty = !flags
        .iter()
        .any(|f| f.status == ScreeningStatus::UnderReview);
    view! {
        <div class="card" id="screening">
            <h2>{t(lang, "screening.queue_title")}</h2>
            <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
            {empty.then(|| view! { <p class="muted" id="screening-empty">{t(lang, "screening.empty")}</p> })}
            {flags.into_iter().map(|f| view! { <Flag f=f action=action/> }).collect_view()}
        </div>
    }
}

#[component]
fn Flag(f: ScreeningView, action: ServerAction<DecideScreening>) -> impl IntoView {
    let lang = use_lang();
    let open = f.status == ScreeningStatus::UnderReview;
    view! {
        <article class="queue-item" data-screening=f.id.to_string() data-status=f.status.as_str()>
            <h3>
                {t(lang, "screening.consumer")}" "{f.consumer_name.clone()}" "
                <small class="muted">"#"{f.id.to_string()}" · "{format_local(f.flagged_at)}" · "{t(lang, &format!("screening.status.{}", f.status.as_str())).to_string()}</small>
            </h3>
            <h4>{t(lang, "screening.signals")}</h4>
            <ul class="signals">
                {f.signals.iter().map(|s| view! {
                    <li data-signal=s.signal.as_str()>
                        {t(lang, &s.signal.label_key()).to_string()}" ("{s.count.to_string()}" / "{s.merchants.to_string()}")"
                    </li>
                }).collect_view()}
            </ul>
            <p>{t(lang, "screening.cases")}": "
                {f.case_ids.iter().map(|id| view! { <a href=format!("/cases/{id}")>"#"{id.to_string()}</a>" " }).collect_view()}
            </p>
            <p>{t(lang, "screening.due")}": "{format_deadline(f.objection_due_at)}</p>
            <h4>{t(lang, "screening.objection")}</h4>
            {match f.objection.clone() {
                Some(o) => view! { <p class="narrative statement">{o}</p> }.into_any(),
                None => view! { <p class="muted no-objection">{t(lang, "screening.no_objection")}</p> }.into_any(),
            }}
            {(open && f.objection_period_over).then(|| view! { <p class="notice warn period-over">{t(lang, "screening.period_over")}</p> })}
            {f.decision_reason.clone().map(|r| view! {
                <h4>{t(lang, "screening.decision_reason")}</h4>
                <p class="narrative decision-reason">{r}</p>
            })}
            {open.then(|| view! {
                <ActionForm action=action attr:class="form decide-form">
                    <input type="hidden" name="id" value=f.id.to_string()/>
                    <label>{t(lang, "field.reason")}<textarea name="reason" rows="2" required minlength="4" maxlength=domain::input::max::REASON.to_string()></textarea></label>
                    <div class="buttons">
                        <button type="submit" name="uphold" value="true" class="grant">{t(lang, "screening.uphold")}</button>
                        <button type="submit" name="uphold" value="false" class="refuse secondary">{t(lang, "screening.clear")}</button>
                    </div>
                </ActionForm>
            })}
        </article>
    }
}
