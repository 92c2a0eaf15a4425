//! The per-role dashboard: the figures at a glance for regulators, admins
//! (`/regulator/dashboard` in full) and fund administrators; for the other
//! roles what they will find here.

use domain::{Role, t};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::auth::{ResendVerification, SetIdentity, my_identity};
use crate::components::{ActionErrorView, UserResource};
use crate::i18n::{tr, use_lang};

fn role_text_key(role: Role) -> &'static str {
    match role {
        Role::Consumer => "dash.consumer",
        Role::Merchant => "dash.merchant",
        Role::Mediator => "dash.mediator",
        Role::Arbitrator => "dash.arbitrator",
        Role::FundAdmin => "dash.fund_admin",
        Role::Regulator => "dash.regulator",
        Role::Admin => "dash.admin",
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let user = expect_context::<UserResource>();
    let lang = use_lang();
    let resend = ServerAction::<ResendVerification>::new();
    let q = use_query_map();
    let sent = move || q.read().get("notice").as_deref() == Some("sent");
    // Created with the page, not inside the user's Suspend: a resource born
    // there can hydrate before its streamed value arrives (a mismatch).
    let set_identity = ServerAction::<SetIdentity>::new();
    let identity = Resource::new(move || set_identity.version().get(), |_| my_identity());
    // The figures for regulators, admins and fund administrators (refused
    // quickly for everyone else; only those roles' views read them).
    let glance = Resource::new(
        || (),
        |_| crate::regulator::load_dashboard(None, None, None, None),
    );
    let fund = Resource::new(|| (), |_| crate::regulator::load_fund_months());
    view! {
        <section class="card">
            <h1>{tr("dash.title")}</h1>
            <Suspense>
                {move || Suspend::new(async move { match user.await.ok().flatten() {
                    None => view! {
                        <p class="notice error">{t(lang, "err.not_signed_in")}" "<a href="/login">{t(lang, "auth.login")}</a></p>
                    }.into_any(),
                    Some(u) => view! {
                        <p id="dash-role" data-role=u.role.as_str()>{t(lang, u.role.label_key())}" · "{u.email.clone()}</p>
                        {(!u.email_verified).then(|| view! {
                            <div class="notice warn" id="unverified">
                                {t(lang, "auth.unverified_notice")}
                                <ActionForm action=resend attr:class="inline">
                                    <button type="submit" class="link">{t(lang, "auth.resend")}</button>
                                </ActionForm>
                                <ActionErrorView error=move || resend.value().get().and_then(Result::err)/>
                            </div>
                        })}
                        {sent().then(|| view! { <p class="notice ok">{t(lang, "auth.email_sent")}</p> })}
                        {(u.role == Role::Consumer).then(|| view! { <IdentitySection action=set_identity identity=identity/> })}
                        {if matches!(u.role, Role::Regulator | Role::Admin | Role::FundAdmin) {
                            view! {
                                <p class="placeholder">{t(lang, role_text_key(u.role))}</p>
                                <crate::regulator::DashboardGlance glance=glance fund=fund role=u.role/>
                            }.into_any()
                        } else {
                            view! {
                                <h2>{t(lang, "dash.upcoming")}</h2>
                                <p class="placeholder">{t(lang, role_text_key(u.role))}</p>
                            }.into_any()
                        }}
                        <p><a href="/account" id="dash-account">{t(lang, "dash.account")}</a></p>
                        {(u.role == Role::Admin).then(|| view! { <p><a href="/admin/accounts" id="admin-accounts">{t(lang, "admin.accounts_title")}</a>" · "<a href="/admin/users" id="admin-staff">{t(lang, "admin.staff_title")}</a>" · "<a href="/admin/calendar" id="admin-calendar">{t(lang, "admin.calendar_title")}</a>" · "<a href="/admin/pii-log" id="admin-pii-log">{t(lang, "admin.pii_log")}</a>" · "<a href="/admin/organisations" id="admin-organisations">{t(lang, "platform.title")}</a>" · "<a href="/regulator" id="admin-verifications">{t(lang, "reg.tab.verifications")}</a></p> })}
                    }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

/// The consumer's real-name identity (实名认证): the form until there is
/// one (each field's error beside it, JavaScript on or off), then the
/// masked number.
#[component]
fn IdentitySection(
    action: ServerAction<SetIdentity>,
    identity: Resource<Result<Option<domain::identity::IdentityView>, domain::AppError>>,
) -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    let saved = move || q.read().get("notice").as_deref() == Some("identity");
    let error = move || action.value().get().and_then(Result::err);
    let field_error = move |field: &'static str| {
        move || {
            error()
                .filter(|e| e.field() == Some(field))
                .map(|e| view! { <p class="field-error" id=format!("err-{field}") role="alert">{e.message(lang)}</p> })
        }
    };
    view! {
        <div class="card" id="identity">
            <h2>{t(lang, "identity.title")}</h2>
            <Suspense>
                {move || Suspend::new(async move { match identity.await.ok().flatten() {
                    Some(i) => view! {
                        {saved().then(|| view! { <p class="notice ok" role="status">{t(lang, "identity.saved")}</p> })}
                        <dl class="facts">
                            <dt>{t(lang, "field.real_name")}</dt><dd id="identity-name">{i.real_name.clone()}</dd>
                            <dt>{t(lang, "field.resident_id")}</dt><dd id="identity-masked">{i.resident_id_masked.clone()}</dd>
                            <dt>{t(lang, "identity.verified_at")}</dt><dd>{domain::calendar::local_date(i.verified_at).to_string()}</dd>
                        </dl>
                    }.into_any(),
                    None => view! {
                        <p class="muted">{t(lang, "identity.none")}</p>
                        <p class="hint">{t(lang, "identity.hint")}</p>
                        <ActionForm action=action attr:class="form" attr:id="identity-form">
                            <label>{t(lang, "field.real_name")}<input type="text" name="real_name" required maxlength="40" autocomplete="name"/></label>
                            {field_error("real_name")}
                            <label>{t(lang, "field.resident_id")}<input type="text" name="resident_id" required maxlength="20" autocomplete="off" inputmode="text"/></label>
                            {field_error("resident_id")}
                            {move || error().filter(|e| !matches!(e.field(), Some("real_name" | "resident_id"))).map(|e| view! { <p class="notice error" role="alert">{e.message(lang)}</p> })}
                            <button type="submit">{t(lang, "identity.add")}</button>
                        </ActionForm>
                    }.into_any(),
                } })}
            </Suspense>
        </div>
    }
}
