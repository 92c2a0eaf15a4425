//! Where mail goes: a real SMTP server, or files a developer reads at `/dev/mailbox`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

use super::MailMessage;
use crate::config::{Config, MailBackendConfig, SmtpTls};

#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    File {
        dir: PathBuf,
    },
}

/// A message as the file backend stores it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredMail {
    pub id: String,
    pub sent_at: chrono::DateTime<chrono::Utc>,
    #[serde(flatten)]
    pub message: MailMessage,
}

impl Mailer {
    pub fn from_config(config: &Config) -> anyhow::Result<Mailer> {
        match &config.mail.backend {
            MailBackendConfig::File => Ok(Mailer::File {
                dir: config.mailbox_dir(),
            }),
            MailBackendConfig::Smtp {
                host,
                port,
                username,
                password,
                tls,
            } => {
                let builder = match tls {
                    SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
                    SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                        .with_context(|| format!("SMTP host {host}"))?,
                    SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                        .with_context(|| format!("SMTP host {host}"))?,
                };
                let mut builder = builder.port(*port).timeout(Some(Duration::from_secs(15)));
                if let (Some(u), Some(p)) = (username, password) {
                    builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
                }
                let from: Mailbox = config.mail.from.parse().with_context(|| {
                    format!(
                        "GONGDAO_MAIL_FROM {:?} is not a mail address",
                        config.mail.from
                    )
                })?;
                Ok(Mailer::Smtp {
                    transport: builder.build(),
                    from,
                })
            }
        }
    }

    /// Sends `msg`. `key` names the queued message (its outbox row): the
    /// Message-ID is made from it, so a retry after a lost reply carries the
    /// same Message-ID and the receiving side can recognise the duplicate.
    pub async fn send(
        &self,
        msg: &MailMessage,
        key: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> anyhow::Result<()> {
        match self {
            Mailer::Smtp { transport, from } => {
                let email = Message::builder()
                    .message_id(Some(format!("<{key}@{}>", from.email.domain())))
                    .from(from.clone())
                    .to(msg
                        .to
                        .parse()
                        .with_context(|| format!("recipient {:?}", msg.to))?)
                    .subject(msg.subject.clone())
                    .header(ContentType::TEXT_PLAIN)
                    .body(msg.body.clone())
                    .context("building the message")?;
                transport.send(email).await.context("SMTP delivery")?;
                Ok(())
            }
            Mailer::File { dir } => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .with_context(|| format!("creating {}", dir.display()))?;
                let id = format!(
                    "{}-{:08x}",
                    now.format("%Y%m%dT%H%M%S%.6f"),
                    rand::random::<u32>()
                );
                let stored = StoredMail {
                    id: id.clone(),
                    sent_at: now,
                    message: msg.clone(),
                };
                let tmp = dir.join(format!(".{id}.tmp"));
                tokio::fs::write(&tmp, serde_json::to_vec_pretty(&stored)?).await?;
                // Rename makes the message appear whole or not at all.
                tokio::fs::rename(&tmp, dir.join(format!("{id}.json"))).await?;
                Ok(())
            }
        }
    }
}

/// The file backend's messages, newest first.
pub fn read_mailbox(dir: &Path) -> Vec<StoredMail> {
    let mut out: Vec<StoredMail> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .filter_map(|e| std::fs::read(e.path()).ok())
        .filter_map(|b| serde_json::from_slice(&b).ok())
        .collect();
    out.sort_by(|a: &StoredMail, b| b.id.cmp(&a.id));
    out
}
