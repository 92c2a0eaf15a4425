//! `/admin/accounts`: the account list (search by address or name, filter by
//! role, 50 a page), each account's deactivate / reactivate form and, for
//! staff, the role form — every change with a reason — and the audit log of
//! staff administration below. Every form works with JavaScript off.

use domain::accounts::{AccountPage, AccountView, StaffAdminEntry};
#[cfg(feature = "ssr")]
use domain::accounts::{AccountQueryInput, RoleInput, StatusInput};
use domain::{AppError, Role, t};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::admin::role_text;
use crate::components::ActionErrorView;
use crate::i18n::{tr, use_lang};

#[server(endpoint = "admin/accounts")]
pub async fn accounts(q: String, role: String, before: String) -> Result<AccountPage, AppError> {
    let admin = crate::ssr::require_role(&[Role::Admin]).await?;
    let svc = crate::ssr::services()?;
    let query = AccountQueryInput {
        q: Some(q),
        role: Some(role),
        before: Some(before),
    }
    .check()?;
    services::accounts::admin::list(&svc, &admin, &query).await
}

#[server(endpoint = "admin/set_status")]
pub async fn set_status(id: i32, active: String, reason: String) -> Result<(), AppError> {
    let admin = crate::ssr::require_role(&[Role::Admin]).await?;
    let svc = crate::ssr::services()?;
    let active = domain::input::required(domain::input::flag(Some(&active), "active")?, "active")?;
    services::accounts::admin::set_status(&svc, &admin, id, &StatusInput { active, reason })
        .await?;
    leptos_axum::redirect(&format!("/admin/accounts?notice=status&account={id}"));
    Ok(())
}

#[server(endpoint = "admin/set_role")]
pub async fn set_role(id: i32, role: String, reason: String) -> Result<(), AppError> {
    let admin = crate::ssr::require_role(&[Role::Admin]).await?;
    let svc = crate::ssr::services()?;
    services::accounts::admin::change_role(&svc, &admin, id, &RoleInput { role, reason }).await?;
    leptos_axum::redirect(&format!("/admin/accounts?notice=role&account={id}"));
    Ok(())
}

#[server(endpoint = "admin/audit")]
pub async fn audit() -> Result<Vec<StaffAdminEntry>, AppError> {
    let admin = crate::ssr::require_role(&[Role::Admin]).await?;
    let svc = crate::ssr::services()?;
    services::accounts::admin::audit_log(&svc, &admin, 200).await
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    let param = move |k: &str| q.read().get(k).unwrap_or_default();
    let status = ServerAction::<SetStatus>::new();
    let role = ServerAction::<SetRole>::new();
    // Created with the page, never inside a Suspend.
    let page = Resource::new(
        move || {
            (
                param("q"),
                param("role"),
                param("before"),
                status.version().get(),
                role.version().get(),
            )
        },
        |(q, r, b, _, _)| accounts(q, r, b),
    );
    let log = Resource::new(
        move || (status.version().get(), role.version().get()),
        |_| audit(),
    );
    let notice = move || q.read().get("notice");
    view! {
        <section class="card" id="accounts">
            <h1>{tr("admin.accounts_title")}</h1>
            <p class="muted">{t(lang, "admin.accounts_intro")}</p>
            {move || notice().map(|n| view! {
                <p class="notice ok" role="status" id="accounts-notice">{t(lang, &format!("admin.accounts_notice.{n}")).to_string()}</p>
            })}
            <form method="get" action="/admin/accounts" class="form row" id="accounts-search" role="search">
                <label>{t(lang, "admin.accounts_q")}<input type="search" name="q" maxlength="100" value=move || param("q")/></label>
                <label>{t(lang, "field.role")}
                    <select name="role">
                        <option value="">{t(lang, "admin.accounts_any_role")}</option>
                        {Role::ALL.into_iter().map(|r| view! {
                            <option value=r.as_str() selected=move || param("role") == r.as_str()>{t(lang, r.label_key())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button type="submit">{t(lang, "admin.accounts_search")}</button>
            </form>
            <ActionErrorView error=move || status.value().get().and_then(Result::err)/>
            <ActionErrorView error=move || role.value().get().and_then(Result::err)/>
            <Suspense>
                {move || Suspend::new(async move { match page.await {
                    Err(e) => view! { <p class="notice error" id="accounts-refused">{e.message(lang)}</p> }.into_any(),
                    Ok(p) => {
                        let next = p.next_before.map(|b| {
                            format!("/admin/accounts?q={}&role={}&before={b}", urlencoding(&param("q")), urlencoding(&param("role")))
                        });
                        view! {
                            <ul class="accounts" id="account-list">
                                {p.items.into_iter().map(|a| view! { <AccountItem account=a status=status role=role/> }).collect_view()}
                            </ul>
                            {next.map(|href| view! { <p><a href=href id="accounts-next">{t(lang, "admin.accounts_next")}</a></p> })}
                        }.into_any()
                    }
                } })}
            </Suspense>
            <h2>{t(lang, "admin.audit_title")}</h2>
            <Suspense>
                {move || Suspend::new(async move { match log.await {
                    Err(_) => ().into_any(),
                    Ok(entries) if entries.is_empty() => view! { <p class="muted" id="audit-empty">{t(lang, "admin.audit_empty")}</p> }.into_any(),
                    Ok(entries) => view! {
                        <div class="table-scroll">
                            <table tabindex="0" class="cases" id="audit">
                                <thead><tr>
                                    <th>{t(lang, "admin.pii.at")}</th>
                                    <th>{t(lang, "admin.audit_admin")}</th>
                                    <th>{t(lang, "admin.audit_action")}</th>
                                    <th>{t(lang, "admin.audit_account")}</th>
                                    <th>{t(lang, "admin.pii.reason")}</th>
                                </tr></thead>
                                <tbody>
                                    {entries.into_iter().map(|e| {
                                        let roles = match (&e.from_role, &e.to_role) {
                                            (Some(f), Some(to)) => format!(" ({} → {})", role_text(lang, f), role_text(lang, to)),
                                            (None, Some(to)) => format!(" ({})", role_text(lang, to)),
                                            _ => String::new(),
                                        };
                                        view! {
                                            <tr data-entry=e.id.to_string() data-action=e.action.clone() data-account=e.user_id.to_string()>
                                                <td class="nowrap">{domain::calendar::format_local(e.at)}</td>
                                                <td>{e.admin_name.clone()}</td>
                                                <td class="action">{t(lang, &format!("admin.audit.{}", e.action)).to_string()}{roles}</td>
                                                <td>{e.user_name.clone()}</td>
                                                <td class="reason">{e.reason.clone()}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

/// A query-string value, percent-encoded.
fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
fn AccountItem(
    account: AccountView,
    status: ServerAction<SetStatus>,
    role: ServerAction<SetRole>,
) -> impl IntoView {
    let lang = use_lang();
    let a = account;
    let state = match (a.deleted_at, a.deactivated_at) {
        (Some(_), _) => "deleted",
        (None, Some(_)) => "deactivated",
        (None, None) => "active",
    };
    let active = a.deactivated_at.is_none();
    view! {
        <li class="account" data-account=a.id.to_string() data-role=a.role.as_str() data-state=state>
            <p>
                <strong class="name">{a.display_name.clone()}</strong>" "
                <span class="muted email">{a.email.clone()}</span>" · "
                <span class="role">{t(lang, a.role.label_key())}</span>" · "
                <span class="state">{t(lang, &format!("admin.account_state.{state}")).to_string()}</span>
            </p>
            {(state != "deleted").then(|| view! {
                <details>
                    <summary>{t(lang, "admin.account_manage")}</summary>
                    <ActionForm action=status attr:class="form status-form">
                        <input type="hidden" name="id" value=a.id.to_string()/>
                        <input type="hidden" name="active" value=if active { "false" } else { "true" }/>
                        <label>{t(lang, "field.reason")}<input type="text" name="reason" required minlength="5" maxlength="2000"/></label>
                        <button type="submit" class:danger=active>{t(lang, if active { "admin.deactivate" } else { "admin.reactivate" })}</button>
                    </ActionForm>
                    {a.role.is_staff().then(|| view! {
                        <ActionForm action=role attr:class="form role-form">
                            <input type="hidden" name="id" value=a.id.to_string()/>
                            <label>{t(lang, "admin.new_role")}
                                <select name="role">
                                    {Role::ALL.into_iter().filter(|r| r.is_staff()).map(|r| view! {
                                        <option value=r.as_str() selected=r == a.role>{t(lang, r.label_key())}</option>
                                    }).collect_view()}
                                </select>
                            </label>
                            <label>{t(lang, "field.reason")}<input type="text" name="reason" required minlength="5" maxlength="2000"/></label>
                            <button type="submit">{t(lang, "admin.change_role")}</button>
                        </ActionForm>
                    })}
                </details>
            })}
        </li>
    }
}
