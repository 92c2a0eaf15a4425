//! The per-role dashboard. For now it says what each role will find here.

use domain::{Role, t};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::auth::ResendVerification;
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
                        <h2>{t(lang, "dash.upcoming")}</h2>
                        <p class="placeholder">{t(lang, role_text_key(u.role))}</p>
                        {(u.role == Role::Admin).then(|| view! { <p><a href="/admin/users" id="admin-staff">{t(lang, "admin.staff_title")}</a>" · "<a href="/admin/calendar" id="admin-calendar">{t(lang, "admin.calendar_title")}</a>" · "<a href="/admin/pii-log" id="admin-pii-log">{t(lang, "admin.pii_log")}</a>" · "<a href="/regulator" id="admin-verifications">{t(lang, "reg.tab.verifications")}</a></p> })}
                    }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}
