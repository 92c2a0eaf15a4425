//! Delivers queued mail, retrying with back-off while the mail server is down.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{MailMessage, Mailer, TOPIC};
use crate::{Services, outbox};

/// One pass over the messages due at `now` (wall clock), at most 100.
/// Returns how many were sent; failures are rescheduled with back-off.
pub async fn deliver_due(
    svc: &Services,
    mailer: &Mailer,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let mut sent = 0;
    for row in outbox::claim_due(&svc.db, TOPIC, now, 100).await? {
        let result = match serde_json::from_str::<MailMessage>(&row.payload) {
            Ok(msg) => {
                let key = format!("gongdao.{}.{}", row.created_at.timestamp_millis(), row.id);
                mailer.send(&msg, &key, Utc::now()).await
            }
            Err(e) => Err(anyhow::anyhow!("undecodable mail payload: {e}")),
        };
        match result {
            Ok(()) => {
                outbox::complete(&svc.db, row.id).await?;
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(
                    outbox_id = row.id,
                    attempts = row.attempts + 1,
                    "mail delivery failed: {e:#}"
                );
                outbox::fail(
                    &svc.db,
                    &row,
                    &format!("{e:#}"),
                    Utc::now(),
                    svc.config.jobs.retry_max,
                )
                .await?;
            }
        }
    }
    Ok(sent)
}

/// Runs forever: wakes when poked through `svc.outbox_wake`, and every second
/// to pick up retries.
pub async fn run(svc: Services, mailer: Mailer) {
    loop {
        match deliver_due(&svc, &mailer, Utc::now()).await {
            // A full batch: more may be waiting.
            Ok(100..) => continue,
            Ok(_) => {}
            Err(e) => tracing::error!("mail worker: {e:#}"),
        }
        tokio::select! {
            _ = svc.outbox_wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}
