//! The verification queue (实名认证): pending requests with their licence
//! fields, shop names and licence image; verify, or reject with a reason.

use domain::calendar::format_local;
use domain::merchant::VerificationView;
use domain::t;
use leptos::prelude::*;

use super::api::DecideVerification;
use crate::components::ActionErrorView;
use crate::i18n::use_lang;

#[component]
pub(super) fn Queue(requests: Vec<VerificationView>) -> impl IntoView {
    let lang = use_lang();
    // One action for every form of the queue: its error shows once, above them.
    let action = ServerAction::<DecideVerification>::new();
    let empty = requests.is_empty();
    view! {
        <div class="card" id="verifications">
            <h2>{t(lang, "reg.tab.verifications")}</h2>
            <p class="muted">{t(lang, "reg.ver.intro")}</p>
            <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
            {empty.then(|| view! { <p class="muted" id="verifications-empty">{t(lang, "reg.ver.empty")}</p> })}
            {requests.into_iter().map(|v| view! { <Request v=v action=action/> }).collect_view()}
        </div>
    }
}

#[component]
fn Request(v: VerificationView, action: ServerAction<DecideVerification>) -> impl IntoView {
    let lang = use_lang();
    let id = v.id.to_string();
    let shops = if v.shop_names.is_empty() {
        "—".to_string()
    } else {
        v.shop_names.join(" / ")
    };
    view! {
        <article class="queue-item verification" data-request=id.clone() data-uscc=v.uscc.clone() data-merchant=v.merchant_id.to_string()>
            <h3>
                <span class="name">{v.name.clone()}</span>" "
                <small class="muted">"#"{id.clone()}" · "{t(lang, "reg.ver.submitted")}" "{format_local(v.created_at)}</small>
            </h3>
            <dl class="facts">
                <dt>{t(lang, "field.uscc")}</dt><dd><code class="uscc">{v.uscc.clone()}</code></dd>
                <dt>{t(lang, "reg.ver.legal_form")}</dt><dd>{t(lang, &format!("reg.legal_form.{}", v.legal_form.as_str())).to_string()}</dd>
                <dt>{t(lang, "reg.ver.kind")}</dt><dd>{t(lang, &format!("reg.merchant_kind.{}", v.kind.as_str())).to_string()}</dd>
                <dt>{t(lang, "reg.ver.address")}</dt><dd>{v.registered_address.clone()}</dd>
                <dt>{t(lang, "reg.ver.scope")}</dt><dd class="narrative">{v.business_scope.clone()}</dd>
                <dt>{t(lang, "reg.ver.shops")}</dt><dd class="shops">{shops}</dd>
                <dt>{t(lang, "reg.ver.valid_until")}</dt>
                <dd>{v.licence_valid_until.map(|d| d.to_string()).unwrap_or_else(|| t(lang, "reg.ver.no_end").to_string())}</dd>
                <dt>{t(lang, "reg.ver.licence")}</dt>
                <dd>
                    {match v.licence_sha256 {
                        Some(_) => view! {
                            <a class="licence" rel="external" target="_blank" href=format!("/api/v1/merchants/verifications/{}/licence", v.id)>{t(lang, "reg.ver.licence_view")}</a>
                        }.into_any(),
                        None => view! { <span class="muted no-licence">{t(lang, "reg.ver.no_licence")}</span> }.into_any(),
                    }}
                    " · "<a href=format!("/merchants/{}", v.merchant_id)>{t(lang, "reg.ver.merchant_page")}</a>
                </dd>
            </dl>
            <div class="decide">
                <ActionForm action=action attr:class="form approve-form">
                    <input type="hidden" name="id" value=v.id.to_string()/>
                    <input type="hidden" name="approve" value="true"/>
                    <label>{t(lang, "reg.ver.note")}<input type="text" name="reason" maxlength="2000"/></label>
                    <button type="submit">{t(lang, "reg.ver.approve")}</button>
                </ActionForm>
                // The reason is checked by the service, so a missing one is named there.
                <ActionForm action=action attr:class="form reject-form">
                    <input type="hidden" name="id" value=v.id.to_string()/>
                    <input type="hidden" name="approve" value="false"/>
                    <label>{t(lang, "reg.ver.reject_reason")}<textarea name="reason" rows="2" maxlength="2000"></textarea></label>
                    <button type="submit" class="secondary">{t(lang, "reg.ver.reject")}</button>
                </ActionForm>
            </div>
        </article>
    }
}
