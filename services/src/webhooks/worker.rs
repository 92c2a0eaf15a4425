//! Sends due webhook deliveries. Runs on every server: each outbox row is
//! claimed with a guarded update (hidden from other workers for
//! `outbox::LEASE`, 60 s, longer than the few sends a pass claims at
//! [`TIMEOUT`] each), so one attempt is never sent twice at once; a server
//! that dies mid-send leaves the row to be claimed again once the lease
//! ends (at-least-once: receivers deduplicate by the event id).

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use domain::webhooks::{DeliveryState, EVENT_ID_HEADER, SIGNATURE_HEADER, signature_header};
use entities::{outbox as outbox_row, webhook_attempt, webhook_delivery, webhook_endpoint};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};

use super::{Job, TOPIC, address, http, sign};
use crate::{Services, outbox};

/// One send's limit, connection to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How many rows one pass claims (well inside the 60 s claim at [`TIMEOUT`] each).
const BATCH: u64 = 4;

/// What one attempt came to.
struct Outcome {
    status: Option<u16>,
    error: Option<String>,
    excerpt: Option<String>,
    duration_ms: i32,
}

impl Outcome {
    fn delivered(&self) -> bool {
        self.error.is_none() && self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// One pass over the sends due at `now` (wall clock); returns how many rows
/// it worked on.
pub async fn deliver_due(svc: &Services, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let rows = outbox::claim_due(&svc.db, TOPIC, now, BATCH).await?;
    let n = rows.len();
    for row in rows {
        if let Err(e) = send_one(svc, &row).await {
            tracing::error!(outbox_id = row.id, "webhook send: {e:#}");
        }
    }
    Ok(n)
}

async fn send_one(svc: &Services, row: &outbox_row::Model) -> anyhow::Result<()> {
    let Ok(Job { delivery_id }) = serde_json::from_str::<Job>(&row.payload) else {
        tracing::error!(outbox_id = row.id, "undecodable webhook payload; dropped");
        outbox::complete(&svc.db, row.id).await?;
        return Ok(());
    };
    let Some(d) = webhook_delivery::Entity::find_by_id(delivery_id)
        .one(&svc.db)
        .await?
    else {
        outbox::complete(&svc.db, row.id).await?;
        return Ok(());
    };
    let endpoint = webhook_endpoint::Entity::find_by_id(d.endpoint_id)
        .one(&svc.db)
        .await?;
    let outcome = match endpoint.as_ref() {
        Some(e) if e.deleted_at.is_none() => attempt(svc, e, &d).await,
        _ => Outcome {
            status: None,
            error: Some("the endpoint was deleted".into()),
            excerpt: None,
            duration_ms: 0,
        },
    };
    let endpoint_gone = endpoint.is_none_or(|e| e.deleted_at.is_some());
    let at = Utc::now();
    let delivered = outcome.delivered();
    let give_up = !delivered
        && (endpoint_gone
            || u32::try_from(row.attempts + 1).unwrap_or(u32::MAX)
                >= svc.config.webhooks.max_attempts);
    let error_text = outcome
        .error
        .clone()
        .or_else(|| outcome.status.map(|s| format!("HTTP {s}")));
    let txn = svc.db.begin().await?;
    webhook_attempt::ActiveModel {
        delivery_id: Set(d.id),
        at: Set(at),
        status_code: Set(outcome.status.map(i32::from)),
        error: Set(outcome.error.map(|e| e.chars().take(500).collect())),
        duration_ms: Set(outcome.duration_ms),
        response_excerpt: Set(outcome.excerpt),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let state = if delivered {
        DeliveryState::Delivered
    } else if give_up {
        DeliveryState::Failed
    } else {
        DeliveryState::Pending
    };
    let mut update = webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::Attempts,
            Expr::col(webhook_delivery::Column::Attempts).add(1),
        )
        .col_expr(webhook_delivery::Column::LastAttemptAt, Expr::value(at))
        .col_expr(webhook_delivery::Column::State, Expr::value(state.as_str()));
    if delivered {
        update = update.col_expr(webhook_delivery::Column::DeliveredAt, Expr::value(at));
    }
    update
        .filter(webhook_delivery::Column::Id.eq(d.id))
        .exec(&txn)
        .await?;
    if delivered || give_up {
        outbox::complete(&txn, row.id).await?;
    } else {
        outbox::fail(
            &txn,
            row,
            error_text.as_deref().unwrap_or("failed"),
            at,
            svc.config.jobs.retry_max,
        )
        .await?;
    }
    txn.commit().await?;
    if give_up {
        tracing::warn!(
            delivery = d.id,
            attempts = row.attempts + 1,
            "webhook delivery failed for good"
        );
    }
    Ok(())
}

async fn attempt(
    svc: &Services,
    e: &webhook_endpoint::Model,
    d: &webhook_delivery::Model,
) -> Outcome {
    let started = Instant::now();
    let elapsed = |s: Instant| i32::try_from(s.elapsed().as_millis()).unwrap_or(i32::MAX);
    let allow = svc.config.webhooks.allow_private;
    let checked = match address::parse(&e.url, allow) {
        Ok(url) => match address::resolve(&url, allow).await {
            Ok(addrs) => Ok((url, addrs)),
            Err(err) => Err(err),
        },
        Err(err) => Err(err),
    };
    let (url, addrs) = match checked {
        Ok(x) => x,
        Err(err) => {
            return Outcome {
                status: None,
                error: Some(format!(
                    "refused before sending: {}",
                    err.message(domain::Lang::En)
                )),
                excerpt: None,
                duration_ms: elapsed(started),
            };
        }
    };
    let t = Utc::now().timestamp();
    let headers = [
        (
            SIGNATURE_HEADER,
            signature_header(t, &sign(&e.secret, t, &d.payload)),
        ),
        (EVENT_ID_HEADER, d.event_id.clone()),
        ("Gongdao-Event-Type", d.event_type.clone()),
    ];
    match http::post(&url, &addrs, &headers, &d.payload, TIMEOUT).await {
        Ok(a) => Outcome {
            status: Some(a.status),
            error: None,
            excerpt: Some(a.excerpt).filter(|x| !x.is_empty()),
            duration_ms: elapsed(started),
        },
        Err(err) => Outcome {
            status: None,
            error: Some(err),
            excerpt: None,
            duration_ms: elapsed(started),
        },
    }
}

/// Runs forever, a pass every second (and at once after a full batch).
pub async fn run(svc: Services) {
    loop {
        match deliver_due(&svc, Utc::now()).await {
            Ok(n) if n as u64 >= BATCH => continue,
            Ok(_) => {}
            Err(e) => tracing::error!("webhook worker: {e:#}"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
