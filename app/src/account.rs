//! `/account`: the signed-in holder's own settings — the password (other
//! sessions end), the e-mail address (confirmed by a link to the new one,
//! `/account/email`), who among the staff read their personal data, and
//! deleting the account. Every form works with JavaScript off.

#[cfg(feature = "ssr")]
use domain::accounts::{DeleteAccountInput, EmailChangeInput, PasswordChangeInput};
use domain::{AppError, Role, t};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::admin::PiiAccessRow;
#[cfg(feature = "ssr")]
use crate::admin::access_rows;
use crate::components::{ActionErrorView, UserResource};
use crate::i18n::{tr, use_lang};

#[server(endpoint = "account/change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    let u = crate::ssr::require_user().await?;
    let svc = crate::ssr::services()?;
    let token = crate::ssr::session_token();
    let input = PasswordChangeInput {
        current_password,
        new_password,
    };
    services::accounts::own::change_password(&svc, &u, token.as_deref(), &input).await?;
    leptos_axum::redirect("/account?notice=password");
    Ok(())
}

#[server(endpoint = "account/change_email")]
pub async fn change_email(password: String, email: String) -> Result<(), AppError> {
    let u = crate::ssr::require_user().await?;
    let svc = crate::ssr::services()?;
    let input = EmailChangeInput { password, email };
    services::accounts::own::request_email_change(&svc, &u, &input).await?;
    leptos_axum::redirect("/account?notice=email");
    Ok(())
}

/// The mailed link's token, posted by the page's button: the new address
/// becomes the account's. Opening the link changes nothing, so a mail
/// scanner that fetches every link in a message cannot confirm an address
/// its owner never chose (a mistyped new address would otherwise hand the
/// account to whoever holds it).
#[server(endpoint = "account/confirm_email")]
pub async fn confirm_email(token: String) -> Result<(), AppError> {
    let svc = crate::ssr::services()?;
    services::accounts::own::confirm_email_change(&svc, &token).await?;
    leptos_axum::redirect("/account/email?confirmed=1");
    Ok(())
}

#[server(endpoint = "account/access_log")]
pub async fn access_log() -> Result<Vec<PiiAccessRow>, AppError> {
    let u = crate::ssr::require_user().await?;
    let svc = crate::ssr::services()?;
    Ok(access_rows(
        services::accounts::own::access_log(&svc, &u).await?,
    ))
}

#[server(endpoint = "account/delete")]
pub async fn delete_account(password: String) -> Result<(), AppError> {
    let u = crate::ssr::require_user().await?;
    let svc = crate::ssr::services()?;
    services::accounts::own::delete_account(&svc, &u, &DeleteAccountInput { password }).await?;
    crate::ssr::set_cookie(services::accounts::cookies::clear_session_cookie(
        svc.config.secure_cookies,
    ));
    leptos_axum::redirect("/?notice=deleted");
    Ok(())
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let user = expect_context::<UserResource>();
    let lang = use_lang();
    let q = use_query_map();
    let notice = move || q.read().get("notice");
    let password = ServerAction::<ChangePassword>::new();
    let email = ServerAction::<ChangeEmail>::new();
    let delete = ServerAction::<DeleteAccount>::new();
    // Created with the page, never inside the user's Suspend.
    let reads = Resource::new(|| (), |_| access_log());
    view! {
        <section class="card narrow" id="account">
            <h1>{tr("account.title")}</h1>
            <Suspense>
                {move || Suspend::new(async move { match user.await.ok().flatten() {
                    None => view! {
                        <p class="notice error">{t(lang, "err.not_signed_in")}" "<a href="/login">{t(lang, "auth.login")}</a></p>
                    }.into_any(),
                    Some(u) => view! {
                        <p class="muted" id="account-email">{u.email.clone()}</p>
                        {move || notice().map(|n| view! {
                            <p class="notice ok" role="status" id="account-notice" data-notice=n.clone()>{t(lang, &format!("account.notice.{n}")).to_string()}</p>
                        })}
                        <h2>{t(lang, "account.password")}</h2>
                        <ActionForm action=password attr:class="form" attr:id="password-form">
                            <label>{t(lang, "field.current_password")}<input type="password" name="current_password" required autocomplete="current-password" maxlength="128"/></label>
                            <label>{t(lang, "field.new_password")}<input type="password" name="new_password" required minlength="8" maxlength="128" autocomplete="new-password"/></label>
                            <ActionErrorView error=move || password.value().get().and_then(Result::err)/>
                            <button type="submit">{t(lang, "account.password_submit")}</button>
                        </ActionForm>
                        <h2>{t(lang, "account.email")}</h2>
                        <p class="hint">{t(lang, "account.email_hint")}</p>
                        <ActionForm action=email attr:class="form" attr:id="email-form">
                            <label>{t(lang, "field.new_email")}<input type="email" name="email" required maxlength="254" autocomplete="email"/></label>
                            <label>{t(lang, "field.password")}<input type="password" name="password" required autocomplete="current-password" maxlength="128"/></label>
                            <ActionErrorView error=move || email.value().get().and_then(Result::err)/>
                            <button type="submit">{t(lang, "account.email_submit")}</button>
                        </ActionForm>
                        <h2>{t(lang, "account.reads")}</h2>
                        <p class="hint">{t(lang, "account.reads_hint")}</p>
                        <AccessRows rows=reads/>
                        {(!u.role.is_staff()).then(|| view! {
                            <details id="delete-account">
                                <summary>{t(lang, "account.delete")}</summary>
                                <p class="notice warn">{t(lang, if u.role == Role::Merchant { "account.delete_merchant" } else { "account.delete_warning" })}</p>
                                <ActionForm action=delete attr:class="form" attr:id="delete-form">
                                    <label>{t(lang, "field.password")}<input type="password" name="password" required autocomplete="current-password" maxlength="128"/></label>
                                    <ActionErrorView error=move || delete.value().get().and_then(Result::err)/>
                                    <button type="submit" class="danger">{t(lang, "account.delete_submit")}</button>
                                </ActionForm>
                            </details>
                        })}
                    }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

/// The reads of the holder's personal data, newest first.
#[component]
fn AccessRows(rows: Resource<Result<Vec<PiiAccessRow>, AppError>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <Suspense>
            {move || Suspend::new(async move { match rows.await {
                Err(e) => view! { <p class="notice error">{e.message(lang)}</p> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="muted" id="reads-empty">{t(lang, "account.reads_none")}</p> }.into_any(),
                Ok(list) => view! {
                    <div class="table-scroll">
                        <table tabindex="0" class="cases" id="reads">
                            <thead><tr>
                                <th>{t(lang, "admin.pii.staff")}</th>
                                <th>{t(lang, "admin.pii.case")}</th>
                                <th>{t(lang, "admin.pii.fields")}</th>
                                <th>{t(lang, "admin.pii.reason")}</th>
                                <th>{t(lang, "admin.pii.at")}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|r| view! {
                                    <tr data-entry=r.id.to_string() data-role=r.staff_role.clone()>
                                        <td class="staff">{r.staff_name.clone()}" · "{crate::admin::role_text(lang, &r.staff_role)}</td>
                                        <td class="case nowrap"><a href=format!("/cases/{}", r.case_id)>{r.case_number.clone()}</a></td>
                                        <td class="fields">{crate::admin::fields_text(lang, &r.fields)}</td>
                                        <td class="reason">{r.reason.clone()}</td>
                                        <td class="at nowrap">{r.at.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            } })}
        </Suspense>
    }
}

/// `/account/email?token=`: the link mailed to a new address. The page asks
/// for one click; `?confirmed=1` is where that click lands.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    let token = q.read_untracked().get("token").unwrap_or_default();
    let confirmed = move || q.read().get("confirmed").as_deref() == Some("1");
    let confirm = ServerAction::<ConfirmEmail>::new();
    view! {
        <section class="card narrow">
            <h1>{tr("account.email")}</h1>
            {move || if confirmed() {
                view! { <p class="notice ok" role="status" id="email-confirmed">{t(lang, "account.email_confirmed")}</p> }.into_any()
            } else if token.is_empty() {
                view! { <p class="notice error" id="email-failed">{t(lang, "account.email_failed")}</p> }.into_any()
            } else {
                let token = token.clone();
                view! {
                    <p>{t(lang, "account.email_confirm_hint")}</p>
                    <ActionForm action=confirm attr:class="form" attr:id="confirm-email-form">
                        <input type="hidden" name="token" value=token/>
                        <ActionErrorView error=move || confirm.value().get().and_then(Result::err)/>
                        <button type="submit">{t(lang, "account.email_confirm_submit")}</button>
                    </ActionForm>
                }.into_any()
            }}
            <p><a href="/account">{t(lang, "account.title")}</a></p>
        </section>
    }
}
