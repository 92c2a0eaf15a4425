//! `/admin/organisations`: the organisations taking part through the API
//! (e-commerce platforms, public credit platforms) — create one, deactivate
//! or reactivate it, issue a scoped API key (shown once), revoke a key, and
//! read an organisation's recent calls (`?calls=<id>`), its webhook
//! endpoints and delivery log (`?webhooks=<id>`, with a replay button per
//! finished delivery). Every form works with JavaScript off.
//!
//! A new key is shown once: the form's server function hands it to the
//! admin's browser in a short-lived HttpOnly cookie (never stored on the
//! server, which keeps only its hash) and sends the browser back here; the
//! page takes the cookie, shows the key and clears it, so reloading shows
//! it no more. With JavaScript on and off alike.

use domain::platforms::{ApiKeyView, CallView, OrgKind, OrganisationView, Scope};
use domain::webhooks::{DeliveryState, WebhookDeliveryView, WebhookEndpointView};
use domain::{AppError, t};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::ActionErrorView;
use crate::i18n::{tr, use_lang};

/// The cookie that carries a new key from the form to the page, once.
#[cfg(feature = "ssr")]
const NEW_KEY_COOKIE: &str = "gongdao_new_key";

#[server(endpoint = "admin/organisations")]
pub async fn organisations() -> Result<Vec<OrganisationView>, AppError> {
    let admin = crate::ssr::require_role(&[domain::Role::Admin]).await?;
    let svc = crate::ssr::services()?;
    services::platforms::organisations::list(&svc, &admin).await
}

#[server(endpoint = "admin/create_organisation")]
pub async fn create_organisation(
    kind: String,
    name: String,
    uscc: String,
    contact_email: String,
) -> Result<(), AppError> {
    let admin = crate::ssr::require_role(&[domain::Role::Admin]).await?;
    let svc = crate::ssr::services()?;
    let input = domain::platforms::OrganisationInput {
        kind,
        name,
        uscc,
        contact_email,
    };
    let o = services::platforms::organisations::create(&svc, &admin, &input).await?;
    leptos_axum::redirect(&format!("/admin/organisations?notice=created&org={}", o.id));
    Ok(())
}

#[server(endpoint = "admin/organisation_status")]
pub async fn organisation_status(id: i32, active: String) -> Result<(), AppError> {
    let admin = crate::ssr::require_role(&[domain::Role::Admin]).await?;
    let svc = crate::ssr::services()?;
    let active = domain::input::required(domain::input::flag(Some(&active), "active")?, "active")?;
    services::platforms::organisations::set_active(&svc, &admin, id, active).await?;
    leptos_axum::redirect(&format!("/admin/organisations?notice=status&org={id}"));
    Ok(())
}

/// The scopes are checkboxes, one field each (absent: not ticked).
#[server(endpoint = "admin/create_api_key")]
pub async fn create_api_key(
    organisation: i32,
    label: String,
    cases_write: Option<String>,
    cases_read_own: Option<String>,
    credit_read: Option<String>,
    webhooks_manage: Option<String>,
) -> Result<(), AppError> {
    let admin = crate::ssr::require_role(&[domain::Role::Admin]).await?;
    let svc = crate::ssr::services()?;
    let scopes = [
        (cases_write, Scope::CasesWrite),
        (cases_read_own, Scope::CasesReadOwn),
        (credit_read, Scope::CreditRead),
        (webhooks_manage, Scope::WebhooksManage),
    ]
    .into_iter()
    .filter(|(v, _)| v.is_some())
    .map(|(_, s)| s.as_str().to_string())
    .collect();
    let input = domain::platforms::KeyInput { label, scopes };
    let k = services::platforms::keys::create(&svc, &admin, organisation, &input).await?;
    let secure = if svc.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    crate::ssr::set_cookie(format!(
        "{NEW_KEY_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age=300{secure}",
        k.key
    ));
    leptos_axum::redirect(&format!(
        "/admin/organisations?notice=key&org={organisation}&key={}",
        k.api_key.id
    ));
    Ok(())
}

/// The key just made, taken from its cookie once (the cookie is cleared).
#[server(endpoint = "admin/new_api_key")]
pub async fn new_api_key() -> Result<Option<String>, AppError> {
    crate::ssr::require_role(&[domain::Role::Admin]).await?;
    let svc = crate::ssr::services()?;
    let key = use_context::<http::request::Parts>()
        .and_then(|p| services::accounts::cookies::cookie(&p.headers, NEW_KEY_COOKIE))
        .filter(|k| domain::platforms::key_lookup_prefix(k).is_some());
    if key.is_some() {
        let secure = if svc.config.secure_cookies {
            "; Secure"
        } else {
            ""
        };
        crate::ssr::set_cookie(format!(
            "{NEW_KEY_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"
        ));
    }
    Ok(key)
}

#[server(endpoint = "admin/revoke_api_key")]
pub async fn revoke_api_key(id: i32) -> Result<(), AppError> {
    let admin = crate::ssr::require_role(&[domain::Role::Admin]).await?;
    let svc = crate::ssr::services()?;
    let k = services::platforms::keys::revoke(&svc, &admin, id).await?;
    leptos_axum::redirect(&format!(
        "/admin/organisations?notice=revoked&org={}",
        k.organisation_id
    ));
    Ok(())
}

#[server(endpoint = "admin/organisation_calls")]
pub async fn organisation_calls(id: i32) -> Result<Vec<CallView>, AppError> {
    let admin = crate::ssr::require_role(&[domain::Role::Admin]).await?;
    let svc = crate::ssr::services()?;
    services::platforms::keys::calls(&svc, &admin, id, 200).await
}

/// An organisation's webhook endpoints (deleted ones too) and its latest deliveries.
#[server(endpoint = "admin/organisation_webhooks")]
pub async fn organisation_webhooks(
    id: i32,
) -> Result<(Vec<WebhookEndpointView>, Vec<WebhookDeliveryView>), AppError> {
    let admin = crate::ssr::require_role(&[domain::Role::Admin]).await?;
    let svc = crate::ssr::services()?;
    services::platforms::webhooks::for_admin(&svc, &admin, id).await
}

/// Sends a finished delivery again (same event id and body).
#[server(endpoint = "admin/replay_webhook")]
pub async fn replay_webhook(organisation: i32, delivery: i32) -> Result<(), AppError> {
    let admin = crate::ssr::require_role(&[domain::Role::Admin]).await?;
    let svc = crate::ssr::services()?;
    services::platforms::webhooks::admin_replay(&svc, &admin, organisation, delivery).await?;
    leptos_axum::redirect(&format!(
        "/admin/organisations?notice=replayed&webhooks={organisation}#webhooks"
    ));
    Ok(())
}

#[component]
pub fn OrganisationsPage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    let param = move |k: &str| q.read().get(k).unwrap_or_default();
    let create = ServerAction::<CreateOrganisation>::new();
    let status = ServerAction::<OrganisationStatus>::new();
    let new_key = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    // Created with the page, never inside a Suspend.
    let list = Resource::new(
        move || {
            (
                param("notice"),
                param("org"),
                create.version().get(),
                status.version().get(),
                new_key.version().get(),
                revoke.version().get(),
            )
        },
        |_| organisations(),
    );
    let shown_key = Resource::new(
        move || param("key"),
        |k| async move {
            if k.is_empty() {
                Ok(None)
            } else {
                new_api_key().await
            }
        },
    );
    let calls_of = move || param("calls").parse::<i32>().ok();
    let calls = Resource::new(calls_of, |id| async move {
        match id {
            Some(id) => organisation_calls(id).await.map(Some),
            None => Ok(None),
        }
    });
    let replay = ServerAction::<ReplayWebhook>::new();
    let webhooks_of = move || param("webhooks").parse::<i32>().ok();
    let webhooks = Resource::new(
        move || (webhooks_of(), replay.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => organisation_webhooks(id).await.map(|w| Some((id, w))),
                None => Ok(None),
            }
        },
    );
    let notice = move || q.read().get("notice").filter(|n| n != "key");
    view! {
        <section class="card" id="organisations">
            <h1>{tr("platform.title")}</h1>
            <p class="muted">{t(lang, "platform.intro")}</p>
            {move || notice().map(|n| view! {
                <p class="notice ok" role="status" id="organisations-notice">{t(lang, &format!("platform.notice.{n}")).to_string()}</p>
            })}
            <Suspense>
                {move || Suspend::new(async move { match shown_key.await {
                    Ok(Some(key)) => view! {
                        <div class="notice ok" role="status" id="new-key-box">
                            <p><strong>{t(lang, "platform.key_once")}</strong></p>
                            <p><code id="new-key">{key}</code></p>
                        </div>
                    }.into_any(),
                    Ok(None) if !param("key").is_empty() => view! {
                        <p class="notice" id="new-key-gone">{t(lang, "platform.key_gone")}</p>
                    }.into_any(),
                    _ => ().into_any(),
                } })}
            </Suspense>
            <ActionErrorView error=move || create.value().get().and_then(Result::err)/>
            <ActionErrorView error=move || status.value().get().and_then(Result::err)/>
            <ActionErrorView error=move || new_key.value().get().and_then(Result::err)/>
            <ActionErrorView error=move || revoke.value().get().and_then(Result::err)/>
            <ActionErrorView error=move || replay.value().get().and_then(Result::err)/>
            <h2>{t(lang, "platform.new")}</h2>
            <ActionForm action=create attr:class="form" attr:id="new-organisation">
                <label>{t(lang, "field.platform.kind")}
                    <select name="kind" required>
                        {OrgKind::ALL.iter().map(|k| view! {
                            <option value=k.as_str()>{t(lang, k.label_key())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>{t(lang, "field.platform.name")}<input type="text" name="name" required minlength="2" maxlength="100"/></label>
                <label>{t(lang, "field.platform.uscc")}<input type="text" name="uscc" required minlength="18" maxlength="18" autocomplete="off"/></label>
                <label>{t(lang, "field.contact_email")}<input type="email" name="contact_email" required maxlength="254"/></label>
                <button type="submit">{t(lang, "platform.create")}</button>
            </ActionForm>
            <h2>{t(lang, "platform.list")}</h2>
            <Suspense>
                {move || Suspend::new(async move { match list.await {
                    Err(e) => view! { <p class="notice error" id="organisations-refused">{e.message(lang)}</p> }.into_any(),
                    Ok(orgs) if orgs.is_empty() => view! { <p class="muted" id="organisations-empty">{t(lang, "platform.none")}</p> }.into_any(),
                    Ok(orgs) => view! {
                        <ul class="accounts" id="organisation-list">
                            {orgs.into_iter().map(|o| view! { <OrganisationItem org=o status=status new_key=new_key revoke=revoke/> }).collect_view()}
                        </ul>
                    }.into_any(),
                } })}
            </Suspense>
            <Suspense>
                {move || Suspend::new(async move { match calls.await {
                    Ok(Some(rows)) => view! { <CallsTable calls=rows/> }.into_any(),
                    Err(e) => view! { <p class="notice error">{e.message(lang)}</p> }.into_any(),
                    Ok(None) => ().into_any(),
                } })}
            </Suspense>
            <Suspense>
                {move || Suspend::new(async move { match webhooks.await {
                    Ok(Some((org, (endpoints, deliveries)))) => view! {
                        <WebhooksPanel org=org endpoints=endpoints deliveries=deliveries replay=replay/>
                    }.into_any(),
                    Err(e) => view! { <p class="notice error">{e.message(lang)}</p> }.into_any(),
                    Ok(None) => ().into_any(),
                } })}
            </Suspense>
        </section>
    }
}

#[component]
fn OrganisationItem(
    org: OrganisationView,
    status: ServerAction<OrganisationStatus>,
    new_key: ServerAction<CreateApiKey>,
    revoke: ServerAction<RevokeApiKey>,
) -> impl IntoView {
    let lang = use_lang();
    let OrganisationView {
        id,
        kind,
        name,
        uscc,
        contact_email,
        active,
        keys,
        ..
    } = org;
    let state = if active { "active" } else { "deactivated" };
    let scopes: Vec<Scope> = Scope::ALL
        .into_iter()
        .filter(|s| s.allowed_for(kind))
        .collect();
    let has_keys = !keys.is_empty();
    view! {
        <li class="account organisation" data-organisation=id.to_string() data-kind=kind.as_str() data-state=state>
            <h3 class="name">{name}</h3>
            <p>
                <span class="kind">{t(lang, kind.label_key())}</span>" · "
                <span class="uscc">{uscc}</span>" · "
                <span class="muted email">{contact_email}</span>" · "
                <span class="state">{t(lang, &format!("platform.state.{state}")).to_string()}</span>
            </p>
            {has_keys.then(|| view! {
                <div class="table-scroll">
                    <table tabindex="0" class="cases keys">
                        <caption>{t(lang, "platform.keys")}</caption>
                        <thead><tr>
                            <th scope="col">{t(lang, "platform.key_prefix")}</th>
                            <th scope="col">{t(lang, "field.label")}</th>
                            <th scope="col">{t(lang, "field.scopes")}</th>
                            <th scope="col">{t(lang, "platform.key_last_used")}</th>
                            <th scope="col">{t(lang, "platform.key_state")}</th>
                        </tr></thead>
                        <tbody>
                            {keys.into_iter().map(|k| view! { <KeyRow k=k revoke=revoke/> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
            <p>
                <a href=format!("/admin/organisations?calls={}#calls", id) class="calls-link">{t(lang, "platform.calls")}</a>" · "
                <a href=format!("/admin/organisations?webhooks={}#webhooks", id) class="webhooks-link">{t(lang, "platform.webhooks")}</a>
            </p>
            <details>
                <summary>{t(lang, "platform.manage")}</summary>
                {active.then(|| view! {
                    <ActionForm action=new_key attr:class="form key-form">
                        <input type="hidden" name="organisation" value=id.to_string()/>
                        <label>{t(lang, "field.label")}<input type="text" name="label" required maxlength="100"/></label>
                        <fieldset>
                            <legend>{t(lang, "field.scopes")}</legend>
                            {scopes.into_iter().map(|s| {
                                let name = s.as_str().replace(':', "_");
                                view! {
                                    <label class="check"><input type="checkbox" name=name value="on" checked=true/>" "<code>{s.as_str()}</code></label>
                                }
                            }).collect_view()}
                        </fieldset>
                        <button type="submit">{t(lang, "platform.new_key")}</button>
                    </ActionForm>
                })}
                <ActionForm action=status attr:class="form status-form">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="active" value=if active { "false" } else { "true" }/>
                    <button type="submit" class:danger=active>{t(lang, if active { "platform.deactivate" } else { "platform.reactivate" })}</button>
                </ActionForm>
            </details>
        </li>
    }
}

#[component]
fn KeyRow(k: ApiKeyView, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    let lang = use_lang();
    let revoked = k.revoked_at.is_some();
    view! {
        <tr data-key=k.id.to_string() data-state=if revoked { "revoked" } else { "live" }>
            <td><code class="prefix">{k.prefix.clone()}"…"</code></td>
            <td>{k.label.clone()}</td>
            <td>{k.scopes.join(" ")}</td>
            <td class="nowrap">{k.last_used_at.map(domain::calendar::format_local).unwrap_or_else(|| "—".into())}</td>
            <td>
                {if revoked {
                    view! { <span class="state">{t(lang, "platform.key_revoked")}</span> }.into_any()
                } else {
                    view! {
                        <ActionForm action=revoke attr:class="form revoke-form">
                            <input type="hidden" name="id" value=k.id.to_string()/>
                            <button type="submit" class="danger">{t(lang, "platform.revoke")}</button>
                        </ActionForm>
                    }.into_any()
                }}
            </td>
        </tr>
    }
}

#[component]
fn CallsTable(calls: Vec<CallView>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <h2 id="calls">{t(lang, "platform.calls")}</h2>
        {if calls.is_empty() {
            view! { <p class="muted" id="calls-empty">{t(lang, "platform.calls_none")}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table tabindex="0" class="cases" id="call-log">
                        <caption>{t(lang, "platform.calls_caption")}</caption>
                        <thead><tr>
                            <th scope="col">{t(lang, "admin.pii.at")}</th>
                            <th scope="col">{t(lang, "platform.key_prefix")}</th>
                            <th scope="col">{t(lang, "platform.call")}</th>
                            <th scope="col">{t(lang, "platform.status")}</th>
                        </tr></thead>
                        <tbody>
                            {calls.into_iter().map(|c| view! {
                                <tr data-call=c.id.to_string() data-status=c.status.to_string()>
                                    <td class="nowrap">{domain::calendar::format_local(c.at)}</td>
                                    <td><code>{c.key_prefix}</code></td>
                                    <td><code>{c.method}" "{c.path}</code></td>
                                    <td>{c.status}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

#[component]
fn WebhooksPanel(
    org: i32,
    endpoints: Vec<WebhookEndpointView>,
    deliveries: Vec<WebhookDeliveryView>,
    replay: ServerAction<ReplayWebhook>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <h2 id="webhooks">{t(lang, "platform.webhooks")}</h2>
        <p class="muted">{t(lang, "platform.webhooks_intro")}</p>
        {if endpoints.is_empty() {
            view! { <p class="muted" id="webhooks-empty">{t(lang, "platform.webhooks_none")}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table tabindex="0" class="cases" id="webhook-endpoints">
                        <caption>{t(lang, "platform.webhooks_caption")}</caption>
                        <thead><tr>
                            <th scope="col">{t(lang, "field.url")}</th>
                            <th scope="col">{t(lang, "platform.webhook.created")}</th>
                            <th scope="col">{t(lang, "platform.key_state")}</th>
                        </tr></thead>
                        <tbody>
                            {endpoints.into_iter().map(|e| {
                                let state = if e.deleted_at.is_some() { "deleted" } else { "live" };
                                view! {
                                    <tr data-endpoint=e.id.to_string() data-state=state>
                                        <td class="wrap"><code>{e.url}</code></td>
                                        <td class="nowrap">{domain::calendar::format_local(e.created_at)}</td>
                                        <td>{t(lang, &format!("platform.webhook.{state}")).to_string()}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <h3>{t(lang, "platform.deliveries")}</h3>
        {if deliveries.is_empty() {
            view! { <p class="muted" id="deliveries-empty">{t(lang, "platform.deliveries_none")}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table tabindex="0" class="cases" id="webhook-deliveries">
                        <caption>{t(lang, "platform.deliveries_caption")}</caption>
                        <thead><tr>
                            <th scope="col">{t(lang, "platform.webhook.event")}</th>
                            <th scope="col">{t(lang, "platform.webhook.case")}</th>
                            <th scope="col">{t(lang, "platform.key_state")}</th>
                            <th scope="col">{t(lang, "platform.webhook.attempts")}</th>
                            <th scope="col">{t(lang, "platform.webhook.replay")}</th>
                        </tr></thead>
                        <tbody>
                            {deliveries.into_iter().map(|d| view! { <DeliveryRow org=org d=d replay=replay/> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

#[component]
fn DeliveryRow(
    org: i32,
    d: WebhookDeliveryView,
    replay: ServerAction<ReplayWebhook>,
) -> impl IntoView {
    let lang = use_lang();
    let WebhookDeliveryView {
        id,
        case_id,
        event_id,
        event_type,
        state,
        attempts,
        attempt_log,
        ..
    } = d;
    let finished = state != DeliveryState::Pending;
    let state = state.as_str();
    view! {
        <tr data-delivery=id.to_string() data-state=state>
            <td><code>{event_type}</code><br/><small class="muted"><code>{event_id}</code></small></td>
            <td><a href=format!("/cases/{case_id}")>{format!("#{case_id}")}</a></td>
            <td>{t(lang, &format!("platform.webhook.state.{state}")).to_string()}</td>
            <td>
                <details>
                    <summary>{attempts}</summary>
                    <ol class="attempts">
                        {attempt_log.into_iter().map(|a| {
                            let answer = match (a.status_code, a.error) {
                                (Some(code), _) => format!("HTTP {code}"),
                                (None, Some(e)) => e,
                                (None, None) => "—".into(),
                            };
                            view! {
                                <li>
                                    <span class="nowrap">{domain::calendar::format_local(a.at)}</span>" · "
                                    <strong>{answer}</strong>" · "
                                    {format!("{} ms", a.duration_ms)}
                                    {a.response_excerpt.map(|x| view! { " · "<code class="wrap">{x}</code> })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                </details>
            </td>
            <td>
                {finished.then(|| view! {
                    <ActionForm action=replay attr:class="form replay-form">
                        <input type="hidden" name="organisation" value=org.to_string()/>
                        <input type="hidden" name="delivery" value=id.to_string()/>
                        <button type="submit">{t(lang, "platform.webhook.replay")}</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}
