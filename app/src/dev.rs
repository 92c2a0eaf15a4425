//! The development mailbox: mail the file backend "sent", readable in the
//! browser. Exists only on a demo server (`GONGDAO_DEMO_DATA`, as `cargo
//! xtask run` and the browser tests start it) with no SMTP server configured.

use domain::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::i18n::tr;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DevMail {
    pub id: String,
    pub sent_at: String,
    pub to: String,
    pub subject: String,
    pub body: String,
}

#[server(endpoint = "dev/mailbox")]
pub async fn dev_mailbox() -> Result<Vec<DevMail>, AppError> {
    let svc = crate::ssr::services()?;
    // Anyone may open it, and it holds every account's verification and
    // password-reset links: only on a demo server, whose accounts' password
    // is on the sign-in page anyway. The file backend alone is no sign of a
    // developer's machine: it is the default whenever SMTP is unset.
    if !svc.config.demo_data || svc.config.mail.backend != services::config::MailBackendConfig::File
    {
        return Err(AppError::NotFound);
    }
    Ok(
        services::mail::backend::read_mailbox(&svc.config.mailbox_dir())
            .into_iter()
            .take(200)
            .map(|m| DevMail {
                id: m.id,
                sent_at: m.sent_at.to_rfc3339(),
                to: m.message.to,
                subject: m.message.subject,
                body: m.message.body,
            })
            .collect(),
    )
}

#[component]
pub fn MailboxPage() -> impl IntoView {
    let mails = Resource::new(|| (), |_| dev_mailbox());
    view! {
        <section>
            <h1>{tr("dev.mailbox")}</h1>
            <Suspense>
                {move || Suspend::new(async move { match mails.await {
                    Ok(list) if list.is_empty() => view! { <p class="muted">{tr("dev.mailbox_empty")}</p> }.into_any(),
                    Ok(list) => list.into_iter().map(|m| { let to = m.to.clone(); view! {
                        <article class="mail card" data-to=to>
                            <header><strong>{m.subject}</strong><br/><span class="muted">{m.to}" · "{m.sent_at}</span></header>
                            <div class="mail-body">
                                {m.body.lines().map(|l| {
                                    let l = l.to_string();
                                    if l.starts_with("http://") || l.starts_with("https://") {
                                        let href = l.clone();
                                        view! { <p><a href=href rel="external">{l}</a></p> }.into_any()
                                    } else {
                                        view! { <p>{l}</p> }.into_any()
                                    }
                                }).collect_view()}
                            </div>
                        </article>
                    }}).collect_view().into_any(),
                    Err(_) => view! { <p class="notice error">{tr("err.not_found")}</p> }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}
