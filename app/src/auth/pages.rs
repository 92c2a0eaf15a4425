//! The account pages. Every form is an `ActionForm` posting to a server
//! function, so it works with JavaScript off.

use domain::t;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::*;
use crate::components::{ActionErrorView, Notice};
use crate::i18n::{tr, use_lang};

fn query(key: &'static str) -> Memo<Option<String>> {
    let q = use_query_map();
    Memo::new(move |_| q.read().get(key))
}

/// Shows the page notice named by `?notice=` (after a redirect).
#[component]
fn QueryNotice() -> impl IntoView {
    let notice = query("notice");
    move || {
        let key = match notice.get().as_deref() {
            Some("registered") => "auth.register_done",
            Some("reset") => "auth.reset_done",
            Some("sent") => "auth.reset_request_done",
            Some("joined") => "auth.notice.joined",
            _ => return None,
        };
        Some(view! { <Notice text=tr(key)/> })
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let demo = Resource::new(|| (), |_| demo_accounts());
    let lang = use_lang();
    // Where to go once signed in (checked again by `login`).
    let next = use_query_map()
        .read_untracked()
        .get("next")
        .filter(|n| domain::accounts::local_next(Some(n)).is_some());
    view! {
        <section class="card narrow">
            <h1>{tr("auth.login_title")}</h1>
            <QueryNotice/>
            <ActionForm action=action attr:class="form" attr:id="login-form">
                <label>{tr("field.email")}<input type="email" name="email" required autocomplete="username"/></label>
                <label>{tr("field.password")}<input type="password" name="password" required autocomplete="current-password"/></label>
                {next.map(|n| view! { <input type="hidden" name="next" value=n/> })}
                <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
                <button type="submit">{tr("auth.login")}</button>
            </ActionForm>
            <p class="links">
                <a href="/forgot">{tr("auth.forgot")}</a>" · "{tr("auth.no_account")}" "<a href="/register">{tr("auth.register")}</a>
            </p>
            <Suspense>
                {move || Suspend::new(async move { demo.await.ok().filter(|d| !d.is_empty()).map(|accounts| view! {
                    <div class="demo" id="demo-accounts">
                        <h2>{t(lang, "demo.accounts")}</h2>
                        <table tabindex="0">
                            <tbody>
                                {accounts.into_iter().map(|a| view! {
                                    <tr>
                                        <td>{t(lang, a.role.label_key())}</td>
                                        <td><code>{a.email}</code></td>
                                        <td>{t(lang, "demo.password")}": "<code>{a.password}</code></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }) })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    view! {
        <section class="card narrow">
            <h1>{tr("auth.register_title")}</h1>
            <ActionForm action=action attr:class="form" attr:id="register-form">
                <label>{tr("field.display_name")}<input type="text" name="display_name" required maxlength="50"/></label>
                <label>{tr("field.email")}<input type="email" name="email" required autocomplete="username"/></label>
                <label>{tr("field.password")}<input type="password" name="password" required minlength="8" autocomplete="new-password"/></label>
                <fieldset>
                    <legend>{tr("field.role")}</legend>
                    <label class="inline"><input type="radio" name="role" value="consumer" checked/>{tr("role.consumer")}</label>
                    <label class="inline"><input type="radio" name="role" value="merchant"/>{tr("role.merchant")}</label>
                </fieldset>
                <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
                <button type="submit">{tr("auth.register")}</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn VerifyPage() -> impl IntoView {
    let token = query("token");
    let result = Resource::new(move || token.get(), |t| verify_email(t.unwrap_or_default()));
    view! {
        <section class="card narrow">
            <Suspense>
                {move || Suspend::new(async move { match result.await {
                    Ok(_) => view! {
                        <p class="notice ok" id="verified">{tr("auth.verified")}</p>
                        <p><a href="/login">{tr("auth.login")}</a></p>
                    }.into_any(),
                    Err(_) => view! { <p class="notice error">{tr("auth.verify_failed")}</p> }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn ForgotPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    view! {
        <section class="card narrow">
            <h1>{tr("auth.reset")}</h1>
            <QueryNotice/>
            <ActionForm action=action attr:class="form">
                <label>{tr("field.email")}<input type="email" name="email" required/></label>
                <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
                <button type="submit">{tr("auth.reset_request")}</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let token = query("token");
    view! {
        <section class="card narrow">
            <h1>{tr("auth.reset")}</h1>
            <ActionForm action=action attr:class="form">
                <input type="hidden" name="token" value=move || token.get().unwrap_or_default()/>
                <label>{tr("auth.new_password")}<input type="password" name="password" required minlength="8" autocomplete="new-password"/></label>
                <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
                <button type="submit">{tr("auth.reset")}</button>
            </ActionForm>
        </section>
    }
}
