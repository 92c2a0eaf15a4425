//! Webhooks for e-commerce platforms: which case steps become which
//! `case.<event>`, the body sent (no consumer data beyond what
//! `cases:read:own` returns), the signature header, and the views of
//! endpoints and their delivery log. Pure; the services store, sign and send.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Every signing secret starts with this (then 64 hex digits, 256 bits).
pub const SECRET_PREFIX: &str = "whsec_";
/// The header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256>`.
pub const SIGNATURE_HEADER: &str = "Gongdao-Signature";
/// The header carrying the event id (also in the body), for deduplication.
pub const EVENT_ID_HEADER: &str = "Gongdao-Event-Id";
/// The most endpoints one organisation may have at once.
pub const MAX_ENDPOINTS: usize = 10;
/// The longest URL accepted.
pub const URL_MAX: usize = 2000;

named_enum! {
    /// The events an endpoint receives: steps of the cases its organisation sent.
    EventType {
        /// The case was filed (the platform's intake, or any filing naming it).
        Filed = "case.filed",
        /// The merchant gave its first response.
        MerchantResponded = "case.merchant_responded",
        /// The merchant offered terms in negotiation.
        OfferMade = "case.offer_made",
        /// The mediator proposed terms.
        ProposalMade = "case.proposal_made",
        /// An offer or a proposal was accepted: a settlement.
        Settled = "case.settled",
        /// The case went to mediation or arbitration.
        Escalated = "case.escalated",
        /// The arbitrator decided.
        Decided = "case.decided",
        /// A settlement or decision was not honoured in time.
        NonCompliant = "case.non_compliant",
        /// The case closed.
        Closed = "case.closed",
        /// The consumer withdrew the complaint.
        Withdrawn = "case.withdrawn",
    }
}

/// The event a case step makes, if any: `kind` is the trail kind of the
/// step (`respond`, `offer`, … or `deadline_elapsed`), `from`/`to` the
/// case's status before and after it. The end of a case wins over what
/// the step was.
pub fn event_for_step(kind: &str, from: &str, to: &str) -> Option<EventType> {
    let changed = from != to;
    if changed && to == "closed" {
        return Some(EventType::Closed);
    }
    if changed && to == "withdrawn" {
        return Some(EventType::Withdrawn);
    }
    match kind {
        "respond" => return Some(EventType::MerchantResponded),
        "offer" => return Some(EventType::OfferMade),
        "propose" => return Some(EventType::ProposalMade),
        "decide" => return Some(EventType::Decided),
        _ => {}
    }
    if !changed {
        return None;
    }
    match to {
        "settled" => Some(EventType::Settled),
        "in_mediation" | "in_arbitration" => Some(EventType::Escalated),
        "decided" => Some(EventType::Decided),
        "non_compliant" => Some(EventType::NonCompliant),
        _ => None,
    }
}

/// The case an event is about: what `cases:read:own` shows of it, no more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventCase {
    pub id: i32,
    /// `GD…`, the case number.
    pub number: String,
    /// The platform's own id for the complaint.
    pub external_id: Option<String>,
    /// The case's status after the event.
    pub status: String,
}

/// The JSON body POSTed to an endpoint (signed as sent, byte for byte).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    /// `evt_<32 hex>`, unique per event; a retry or a replay sends the same.
    pub id: String,
    /// `case.filed`, `case.merchant_responded`, …
    #[serde(rename = "type")]
    pub event_type: String,
    /// When the step happened (UTC, RFC 3339).
    pub occurred_at: String,
    pub case: EventCase,
}

/// `Gongdao-Signature: t=<unix>,v1=<hex>` for signature `v1_hex` made at `t`.
pub fn signature_header(t: i64, v1_hex: &str) -> String {
    format!("t={t},v1={v1_hex}")
}

/// What HMAC-SHA256 is computed over: `<t>.<body>`.
pub fn signed_text(t: i64, body: &str) -> String {
    format!("{t}.{body}")
}

/// `POST /platform/webhooks`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookInput {
    /// `https://…` on a public address (no user name or password in it).
    #[cfg_attr(feature = "openapi", schema(min_length = 9, max_length = 2000))]
    pub url: String,
}

/// An endpoint as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEndpointView {
    pub id: i32,
    pub organisation_id: i32,
    pub url: String,
    pub created_at: DateTime<Utc>,
    pub secret_rotated_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// An endpoint just made or its secret just rotated: the secret, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedWebhook {
    /// `whsec_<64 hex>`: verify `Gongdao-Signature` with it.
    pub secret: String,
    pub endpoint: WebhookEndpointView,
}

named_enum! {
    /// Where a delivery stands.
    DeliveryState {
        /// Queued, or waiting for its next attempt.
        Pending = "pending",
        /// An attempt got a 2xx.
        Delivered = "delivered",
        /// Every attempt failed (or the endpoint was deleted).
        Failed = "failed",
    }
}

/// One attempt to send a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookAttemptView {
    pub at: DateTime<Utc>,
    /// The answer's HTTP status; none when there was no answer.
    pub status_code: Option<i32>,
    /// Why there was no (2xx) answer: timeout, refused connection, …
    pub error: Option<String>,
    pub duration_ms: i32,
    /// The start of the answer's body (at most 200 characters).
    pub response_excerpt: Option<String>,
}

/// One event for one endpoint, with its attempts (newest last).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDeliveryView {
    pub id: i32,
    pub endpoint_id: i32,
    pub case_id: i32,
    pub event_id: String,
    pub event_type: String,
    pub state: DeliveryState,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub attempt_log: Vec<WebhookAttemptView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_map_to_events_and_the_end_of_a_case_wins() {
        let e = |k, f, t| event_for_step(k, f, t).map(|e| e.as_str());
        assert_eq!(
            e("respond", "awaiting_merchant", "negotiating"),
            Some("case.merchant_responded")
        );
        assert_eq!(
            e("offer", "negotiating", "negotiating"),
            Some("case.offer_made")
        );
        assert_eq!(
            e("accept_offer", "negotiating", "settled"),
            Some("case.settled")
        );
        assert_eq!(
            e("accept_proposal", "in_mediation", "settled"),
            Some("case.settled")
        );
        assert_eq!(
            e("escalate", "negotiating", "in_mediation"),
            Some("case.escalated")
        );
        assert_eq!(
            e("decide", "in_arbitration", "decided"),
            Some("case.decided")
        );
        assert_eq!(
            e("deadline_elapsed", "settled", "non_compliant"),
            Some("case.non_compliant")
        );
        assert_eq!(
            e("confirm_fulfilment", "settled", "closed"),
            Some("case.closed")
        );
        assert_eq!(
            e("withdraw", "negotiating", "withdrawn"),
            Some("case.withdrawn")
        );
        // Chatter and steps that change nothing visible are not events.
        assert_eq!(e("message", "negotiating", "negotiating"), None);
        assert_eq!(e("take", "in_mediation", "in_mediation"), None);
        assert_eq!(e("deadline_elapsed", "negotiating", "negotiating"), None);
    }

    #[test]
    fn the_signature_covers_time_and_body() {
        assert_eq!(signed_text(1700000000, "{\"a\":1}"), "1700000000.{\"a\":1}");
        assert_eq!(signature_header(17, "ab"), "t=17,v1=ab");
        assert_eq!(
            EventType::parse("case.filed"),
            Some(EventType::Filed),
            "event names round-trip"
        );
    }
}
