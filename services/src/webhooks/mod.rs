//! Webhooks to e-commerce platforms: a case step of a case a platform sent
//! (`cases.source_org_id`) becomes one delivery per endpoint of that
//! platform, written with an outbox row (topic `webhook`) in the step's own
//! transaction; [`worker`] sends it (any server: each outbox row is claimed
//! with a guarded update, so two servers never send the same attempt at
//! once), signs it (`Gongdao-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")`),
//! logs each attempt and retries with back-off until a 2xx or
//! `GONGDAO_WEBHOOK_MAX_ATTEMPTS`.
//!
//! This module imports no other business module (the case modules call
//! into it), so it cannot close a circle.

pub mod address;
pub mod http;
pub mod worker;

use chrono::{DateTime, SubsecRound, Utc};
use domain::AppError;
use domain::webhooks::{DeliveryState, Event, EventCase, EventType};
use entities::{case, organisation, webhook_delivery, webhook_endpoint};
use ring::hmac;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};

use crate::db::internal_error;

/// The outbox topic of webhook sends.
pub const TOPIC: &str = "webhook";

/// What an outbox row of [`TOPIC`] carries.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Job {
    pub delivery_id: i32,
}

/// Records `event` of case `c` (now in status `status`) for every live
/// endpoint of the organisation that sent the case, in `conn` (the
/// transaction of the step). Cases a consumer filed directly have no
/// organisation: nothing happens.
pub async fn on_case_event<C: ConnectionTrait>(
    conn: &C,
    c: &case::Model,
    event: EventType,
    status: &str,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(org_id) = c.source_org_id else {
        return Ok(());
    };
    let endpoints = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::OrganisationId.eq(org_id))
        .filter(webhook_endpoint::Column::DeletedAt.is_null())
        .all(conn)
        .await
        .map_err(internal_error)?;
    if endpoints.is_empty() {
        return Ok(());
    }
    let active = organisation::Entity::find_by_id(org_id)
        .filter(organisation::Column::DeactivatedAt.is_null())
        .one(conn)
        .await
        .map_err(internal_error)?
        .is_some();
    if !active {
        return Ok(());
    }
    let body = Event {
        id: format!("evt_{}", hex::encode(rand::random::<[u8; 16]>())),
        event_type: event.as_str().into(),
        occurred_at: at
            .trunc_subsecs(0)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        case: EventCase {
            id: c.id,
            number: c.number.clone(),
            external_id: c.external_id.clone(),
            status: status.into(),
        },
    };
    let payload = serde_json::to_string(&body).map_err(|_| AppError::Internal)?;
    // Sends are scheduled on the wall clock (a fixed business clock must not
    // hold them back), as mail is.
    let now = Utc::now();
    for e in endpoints {
        let d = webhook_delivery::ActiveModel {
            endpoint_id: Set(e.id),
            organisation_id: Set(org_id),
            case_id: Set(c.id),
            event_id: Set(body.id.clone()),
            event_type: Set(body.event_type.clone()),
            payload: Set(payload.clone()),
            state: Set(DeliveryState::Pending.as_str().into()),
            attempts: Set(0),
            created_at: Set(now),
            last_attempt_at: Set(None),
            delivered_at: Set(None),
            ..Default::default()
        }
        .insert(conn)
        .await
        .map_err(internal_error)?;
        crate::outbox::enqueue(conn, TOPIC, &Job { delivery_id: d.id }, now)
            .await
            .map_err(internal_error)?;
    }
    Ok(())
}

/// A new signing secret: `whsec_` and 256 random bits in hex.
pub fn new_secret() -> String {
    format!(
        "{}{}",
        domain::webhooks::SECRET_PREFIX,
        hex::encode(rand::random::<[u8; 32]>())
    )
}

/// Hex HMAC-SHA256 of `"<t>.<body>"` under `secret` (the whole `whsec_…`
/// string is the key, as the platform holds it).
pub fn sign(secret: &str, t: i64, body: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let tag = hmac::sign(&key, domain::webhooks::signed_text(t, body).as_bytes());
    hex::encode(tag.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_time_dot_body() {
        // RFC 4231 test case 2 checks the primitive; this checks the framing.
        let s = sign("whsec_k", 10, "{}");
        let key = hmac::Key::new(hmac::HMAC_SHA256, b"whsec_k");
        assert_eq!(s, hex::encode(hmac::sign(&key, b"10.{}").as_ref()));
        assert_ne!(s, sign("whsec_k", 11, "{}"));
        assert_eq!(s.len(), 64);
        let secret = new_secret();
        assert!(secret.starts_with("whsec_") && secret.len() == 6 + 64);
        assert_ne!(secret, new_secret());
    }
}
