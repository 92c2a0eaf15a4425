//! `/merchants/register` (我的商户): a merchant account registers or claims
//! a business by its USCC (实名登记), uploads the licence, follows its
//! requests, and finds the verified businesses it answers for.

use domain::calendar::format_local;
use domain::merchant::registration as reg;
use domain::merchant::{LegalForm, MerchantKind, VerificationStatus, VerificationView};
use domain::{AppError, Lang, t, tf};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{RegisterBusiness, my_business};
use crate::i18n::use_lang;

/// The registration form's fields, in order; an error naming another
/// field (or none) is shown above the button.
const FIELDS: [&str; 8] = [
    "uscc",
    "name",
    "entity_type",
    "kind",
    "registered_address",
    "business_scope",
    "shop_names",
    "licence_valid_until",
];

/// An error shown next to its field: the field's label is already there.
fn field_message(e: &AppError, lang: Lang) -> String {
    match e {
        AppError::Invalid { key, .. } => t(lang, key).to_string(),
        e => e.message(lang),
    }
}

#[component]
pub fn MyBusinessPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |_| my_business());
    view! {
        <section class="mybiz">
            <h1>{t(lang, "mybiz.title")}</h1>
            <p><a href="/merchants/team" id="team-link">{t(lang, "team.title")}</a>" · "<span class="muted">{t(lang, "team.link_hint")}</span></p>
            <p><a href="/merchants/templates" id="templates-link">{t(lang, "templates.title")}</a>" · "<span class="muted">{t(lang, "templates.link_hint")}</span></p>
            <Suspense>
                {move || Suspend::new(async move { match data.await {
                    Err(AppError::Unauthorized { .. }) => view! {
                        <p class="notice error" id="mybiz-refused">{t(lang, "err.not_signed_in")}" "<a href="/login">{t(lang, "auth.login")}</a></p>
                    }.into_any(),
                    Err(AppError::Forbidden) => view! {
                        <p class="notice error" id="mybiz-refused">{t(lang, "mybiz.merchants_only")}</p>
                    }.into_any(),
                    Err(e) => view! { <p class="notice error">{e.message(lang)}</p> }.into_any(),
                    Ok(d) => view! {
                        <Notices/>
                        <div class="card" id="verified-businesses">
                            <h2>{t(lang, "mybiz.verified")}</h2>
                            {d.verified.is_empty().then(|| view! { <p class="muted" id="verified-none">{t(lang, "mybiz.verified_none")}</p> })}
                            <ul class="results">
                                {d.verified.into_iter().map(|m| view! {
                                    <li data-merchant=m.id.to_string()>
                                        <a href=format!("/merchants/{}", m.id)><strong>{m.name.clone()}</strong></a>" "<code>{m.uscc.clone()}</code>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </div>
                        <div class="card" id="verification-requests">
                            <h2>{t(lang, "mybiz.requests")}</h2>
                            {d.requests.is_empty().then(|| view! { <p class="muted" id="requests-none">{t(lang, "mybiz.requests_none")}</p> })}
                            <ul class="results">
                                {d.requests.into_iter().map(|v| view! { <Request request=v/> }).collect_view()}
                            </ul>
                        </div>
                        <RegisterForm/>
                    }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

/// `?registered=ID`, `?licence=ok`, `?licence_error=…` after a redirect.
#[component]
fn Notices() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    move || {
        let q = q.read();
        let ok = |id: &'static str, key: &'static str| {
            view! { <p class="notice ok" role="status" id=id>{t(lang, key)}</p> }.into_any()
        };
        if q.get("__err").is_some() {
            None
        } else if q.get("registered").is_some() {
            Some(ok("registered-notice", "mybiz.registered"))
        } else if q.get("licence").as_deref() == Some("ok") {
            Some(ok("licence-ok", "mybiz.licence_ok"))
        } else {
            q.get("licence_error").map(|e| {
                view! { <p class="notice error" role="alert" id="licence-error">{e}</p> }.into_any()
            })
        }
    }
}

/// One verification request: what was declared, where it stands, the licence.
#[component]
fn Request(request: VerificationView) -> impl IntoView {
    let lang = use_lang();
    let v = request;
    let pending = v.status == VerificationStatus::Pending;
    let status = v.status.as_str();
    view! {
        <li class="request" data-request=v.id.to_string() data-status=status data-merchant=v.merchant_id.to_string() data-uscc=v.uscc.clone()>
            <p>
                <strong class="name">{v.name.clone()}</strong>" "<code>{v.uscc.clone()}</code>" "
                <span class="badge status" data-status=status>{t(lang, &format!("mybiz.status.{status}")).to_string()}</span>
            </p>
            <p class="muted">
                {t(lang, &format!("reg.legal_form.{}", v.legal_form.as_str())).to_string()}" · "
                {t(lang, &format!("reg.merchant_kind.{}", v.kind.as_str())).to_string()}" · "
                {t(lang, "mybiz.submitted_at")}" "{format_local(v.created_at)}
            </p>
            {v.reason.clone().filter(|r| !r.is_empty()).map(|r| view! { <p class="reason">{tf(lang, "mybiz.reason", &[t(lang, &r)])}</p> })}
            <p class="licence-state" data-uploaded=v.licence_sha256.is_some().to_string()>
                {t(lang, "mybiz.licence")}": "
                {match v.licence_sha256.clone() {
                    Some(sha) => view! {
                        <a href=format!("/api/v1/merchants/verifications/{}/licence", v.id) rel="external" target="_blank">{t(lang, "mybiz.licence_uploaded")}</a>
                        " "<code class="muted">{sha[..16.min(sha.len())].to_string()}"…"</code>
                    }.into_any(),
                    None => view! { <span class="muted">{t(lang, "mybiz.licence_missing")}</span> }.into_any(),
                }}
            </p>
            {(v.status == VerificationStatus::Verified).then(|| view! {
                <p><a href=format!("/merchants/{}", v.merchant_id) class="profile-link">{t(lang, "mybiz.view_profile")}</a></p>
            })}
            {pending.then(|| view! {
                <form method="post" enctype="multipart/form-data" action=format!("/api/v1/merchants/verifications/{}/licence", v.id) class="form inline-form licence-form" data-request=v.id.to_string()>
                    <label>{t(lang, "mybiz.licence_pick")}<input type="file" name="file" accept="image/jpeg,image/png,image/webp,image/gif,application/pdf" required/></label>
                    <button type="submit">{t(lang, "mybiz.licence_upload")}</button>
                </form>
            })}
        </li>
    }
}

#[component]
fn RegisterForm() -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<RegisterBusiness>::new();
    let error = move || action.value().get().and_then(Result::err);
    // The error of `field`, shown under it.
    let at = move |field: &'static str| {
        move || {
            error().filter(|e| e.field() == Some(field)).map(|e| {
                view! { <span class="field-error" role="alert" data-field=field>{field_message(&e, lang)}</span> }
            })
        }
    };
    let other = move || {
        error()
            .filter(|e| !e.field().is_some_and(|f| FIELDS.contains(&f)))
            .map(|e| view! { <p class="notice error" role="alert" id="register-error">{e.message(lang)}</p> })
    };
    view! {
        <div class="card" id="register-business">
            <h2>{t(lang, "mybiz.register")}</h2>
            <p class="muted">{t(lang, "mybiz.register_hint")}</p>
            <ActionForm action=action attr:class="form" attr:id="register-business-form">
                <div class="row">
                    <label>{t(lang, "field.uscc")}
                        <input type="text" name="uscc" id="reg-uscc" required maxlength="40" autocomplete="off" spellcheck="false"/>
                        {at("uscc")}
                    </label>
                    <label>{t(lang, "field.name")}
                        <input type="text" name="name" id="reg-name" required maxlength=reg::NAME_MAX/>
                        {at("name")}
                    </label>
                </div>
                <div class="row">
                    <label>{t(lang, "field.entity_type")}
                        <select name="entity_type" id="reg-entity-type">
                            {LegalForm::ALL.iter().map(|f| view! {
                                <option value=f.as_str()>{t(lang, &format!("reg.legal_form.{}", f.as_str())).to_string()}</option>
                            }).collect_view()}
                        </select>
                        {at("entity_type")}
                    </label>
                    <label>{t(lang, "field.kind")}
                        <select name="kind" id="reg-kind">
                            {MerchantKind::ALL.iter().map(|k| view! {
                                <option value=k.as_str()>{t(lang, &format!("reg.merchant_kind.{}", k.as_str())).to_string()}</option>
                            }).collect_view()}
                        </select>
                        {at("kind")}
                    </label>
                </div>
                <label>{t(lang, "field.registered_address")}
                    <input type="text" name="registered_address" id="reg-address" required maxlength=reg::ADDRESS_MAX/>
                    {at("registered_address")}
                </label>
                <label>{t(lang, "field.business_scope")}
                    <textarea name="business_scope" id="reg-scope" rows="2" required maxlength=reg::SCOPE_MAX></textarea>
                    {at("business_scope")}
                </label>
                <div class="row">
                    <label>{t(lang, "field.shop_names")}" ("{t(lang, "mybiz.shop_names_hint")}")"
                        <textarea name="shop_names" id="reg-shops" rows="3"></textarea>
                        {at("shop_names")}
                    </label>
                    <label>{t(lang, "field.licence_valid_until")}" ("{t(lang, "mybiz.licence_hint")}")"
                        <input type="date" name="licence_valid_until" id="reg-valid-until"/>
                        {at("licence_valid_until")}
                    </label>
                </div>
                {other}
                <button type="submit">{t(lang, "mybiz.submit")}</button>
            </ActionForm>
        </div>
    }
}
