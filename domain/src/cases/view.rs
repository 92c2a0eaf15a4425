//! What a caller sees of a case (API and UI).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{
    ActionKind, Actor, Audience, Case, Category, ConsumerWait, Decision, Demand, EvidenceRequest,
    FirstCompensation, Offer, Party, Proposal, Remedy, Settlement, Status,
};
use crate::calendar::{format_deadline, format_local};

/// The stage's clock, stopped while the case waits on the consumer: shown
/// to both sides and to staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClockStopView {
    /// When the clock stopped.
    pub since: DateTime<Utc>,
    /// The same, in Beijing time.
    pub since_local: String,
    /// What the case waits on the consumer for, each until when (the clock
    /// runs again when the last of them ends, answered or not).
    pub waits: Vec<ConsumerWaitView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsumerWaitView {
    pub waiting_for: ConsumerWait,
    /// The end of this wait.
    pub until: DateTime<Utc>,
    /// The same, in Beijing time.
    pub until_local: String,
}

impl ClockStopView {
    /// The stopped clock of `case`, if it is stopped.
    pub fn of(case: &Case) -> Option<ClockStopView> {
        let since = case.paused_at?;
        Some(ClockStopView {
            since,
            since_local: format_local(since),
            waits: case
                .consumer_waits()
                .into_iter()
                .map(|(waiting_for, until)| ConsumerWaitView {
                    waiting_for,
                    until,
                    until_local: format_deadline(until),
                })
                .collect(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadlineView {
    /// i18n key: `deadline.respond_by`, …
    pub key: String,
    pub at: DateTime<Utc>,
    /// Beijing time, for people.
    pub at_local: String,
    pub working_days_left: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseView {
    pub id: i32,
    pub number: String,
    pub status: Status,
    pub merchant_id: i32,
    pub merchant_name: String,
    pub consumer_id: i32,
    /// The consumer's name, masked (张**) for anyone but the consumer and
    /// staff with a need (the handler, or staff who stated a reason — logged).
    pub consumer_name: String,
    /// Names, phones, ID numbers and emails are masked in this view.
    pub personal_data_masked: bool,
    /// The viewer is staff who may reveal them by stating a reason.
    pub may_reveal: bool,
    pub category: Category,
    pub title: String,
    pub narrative: String,
    pub order_ref: String,
    pub order_date: NaiveDate,
    pub amount_paid_fen: i64,
    pub amount_claimed_fen: i64,
    pub remedy: Remedy,
    /// What the consumer demands: the remedy, or punitive damages.
    pub demand: Demand,
    pub publish_narrative: bool,
    pub owner_id: Option<i32>,
    pub deadlines: Vec<DeadlineView>,
    pub waiting_on: Vec<Audience>,
    /// What the caller may do now.
    pub allowed_actions: Vec<ActionKind>,
    /// Of those, the one the caller is expected to take next (the case
    /// page's primary button; the rest are secondary): see [`next_action`].
    /// `None` when nothing is expected of the caller.
    #[serde(default)]
    pub next_action: Option<ActionKind>,
    /// The side the caller is on: the consumer (who filed or joined) or
    /// the merchant (any of its accounts); `None` for staff and others.
    #[serde(default)]
    pub viewer_party: Option<Party>,
    pub offer: Option<Offer>,
    pub settlement: Option<Settlement>,
    pub proposal: Option<Proposal>,
    pub decision: Option<Decision>,
    pub evidence_request: Option<EvidenceRequest>,
    /// True while the clock is stopped waiting on the consumer.
    pub paused: bool,
    /// While the clock is stopped: since when, waiting for the consumer to
    /// do what, until when.
    #[serde(default)]
    pub clock_stopped: Option<ClockStopView>,
    /// When the arbitration decision deadline was found missed (the case is
    /// overdue while it is in arbitration; kept after a late decision).
    #[serde(default)]
    pub decision_overdue_at: Option<DateTime<Utc>>,
    /// The first-compensation application, if any.
    pub first_compensation: Option<FirstCompensation>,
    /// When the case qualifies for first compensation now: the most the fund may pay.
    pub first_compensation_limit_fen: Option<i64>,
    /// Consumers who joined this case (collective complaint), besides the one who filed it.
    pub members: u64,
    /// What all of them claim together, in fen.
    pub total_claimed_fen: i64,
    /// The viewer joined this case rather than filing it.
    pub viewer_is_member: bool,
    /// The mutual ratings (信用互评) once the case is over: the consumer's and the merchant's.
    #[serde(default)]
    pub ratings: Vec<crate::credit::RatingView>,
    /// The screening mark (职业索赔筛查): staff who may read the case see it
    /// with its signals, the case's own consumer without them; absent (not
    /// even `null`) for anyone else, and when the case is not marked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screening: Option<crate::screening::CaseScreening>,
    /// The waybill number (运单号), if the consumer gave one.
    #[serde(default)]
    pub waybill: Option<String>,
    /// The other case of the same complaint (one against the merchant for
    /// the goods, one against the logistics company for the delivery):
    /// shown only to a viewer who may read that case too.
    #[serde(default)]
    pub linked_case: Option<LinkedCase>,
    /// The platform that sent the complaint in (受理渠道), when an
    /// e-commerce platform filed it for the consumer.
    #[serde(default)]
    pub received_via: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The other case of a complaint filed against a merchant and a logistics
/// company together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkedCase {
    pub id: i32,
    pub number: String,
    pub status: Status,
    pub merchant_id: i32,
    pub merchant_name: String,
    pub merchant_kind: crate::merchant::MerchantKind,
    pub amount_claimed_fen: i64,
}

/// One line of a case's trail as shown to its readers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrailEntryView {
    pub seq: i32,
    pub at: DateTime<Utc>,
    pub actor_role: String,
    /// On the merchant's steps: the name of the account that took it (its
    /// main account or one of its staff).
    #[serde(default)]
    pub actor_name: Option<String>,
    pub kind: String,
    pub body: serde_json::Value,
    pub hash: String,
}

/// An evidence file attached to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvidenceView {
    pub id: i32,
    pub case_id: i32,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploader_id: i32,
    pub created_at: DateTime<Utc>,
}

/// Everything the case page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CasePage {
    pub case: CaseView,
    pub trail: Vec<TrailEntryView>,
    pub evidence: Vec<EvidenceView>,
    /// For an admin, while the case is in mediation or arbitration: whom
    /// it may be given to (the active staff of the stage's kind but its
    /// owner, with their open cases). Empty for everyone else.
    #[serde(default)]
    pub reassign_to: Vec<super::StaffLoad>,
    /// For an account answering for the case's merchant: its business's
    /// reply templates, offered in the message fields. Empty otherwise.
    #[serde(default)]
    pub templates: Vec<crate::merchant::templates::ReplyTemplate>,
}

/// A line of a queue or "my cases" list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseSummary {
    pub id: i32,
    pub number: String,
    pub status: Status,
    pub title: String,
    pub merchant_name: String,
    pub amount_claimed_fen: i64,
    pub owner_id: Option<i32>,
    pub next_deadline_at: Option<DateTime<Utc>>,
    /// In arbitration past its decision deadline with no decision yet.
    #[serde(default)]
    pub decision_overdue: bool,
    /// Working days left until `next_deadline_at` (Beijing days, holidays
    /// skipped, today counted while it is a working day): 1 on the last
    /// working day; none when there is no deadline or it has passed
    /// (`deadline_passed`).
    #[serde(default)]
    pub working_days_left: Option<u32>,
    /// `next_deadline_at` is in the past.
    #[serde(default)]
    pub deadline_passed: bool,
    /// Someone else acted on the case (a step, a message, an offer) since the
    /// reader last opened it, or they never opened it.
    #[serde(default)]
    pub unread: bool,
    pub created_at: DateTime<Utc>,
}

/// The staff statistics of the case queues (mediators, arbitrators, fund
/// administrators, regulators, admins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseStatistics {
    /// Open cases per status (statuses with none are left out).
    pub open_by_status: Vec<StatusCount>,
    /// Cases waiting in the mediators' queue (nobody took them yet).
    pub mediation_queue: u64,
    /// Cases waiting in the arbitrators' queue.
    pub arbitration_queue: u64,
    /// Cases in arbitration past their decision deadline with no decision.
    pub decisions_overdue: u64,
    /// Of those, per arbitrator who owns them (unowned ones are in the queue).
    pub decisions_overdue_by_owner: Vec<OwnerCount>,
    /// Decisions made after their deadline, since the start.
    pub decided_late: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusCount {
    pub status: Status,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OwnerCount {
    pub owner_id: i32,
    /// The staff member's display name.
    pub owner_name: String,
    pub count: u64,
}

/// Masks a person's name for public view: 张伟 → 张*, 欧阳娜娜 → 欧***,
/// Alice → A****; a one-character name shows nothing of itself (*).
pub fn mask_name(name: &str) -> String {
    let name = name.trim();
    let mut chars = name.chars();
    match (chars.next(), name.chars().count()) {
        (None, _) => String::new(),
        (Some(_), 1) => "*".into(),
        (Some(first), _) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::mask_name;

    #[test]
    fn names_keep_only_their_first_character() {
        assert_eq!(mask_name("张伟"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name("Alice"), "A****");
        assert_eq!(mask_name(""), "");
        assert_eq!(mask_name("王"), "*", "a one-character name is not shown");
    }
}

/// A complaint others may join ("me too"), as anyone may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenComplaint {
    pub id: i32,
    pub number: String,
    pub title: String,
    pub category: String,
    pub narrative: String,
    pub created_at: DateTime<Utc>,
    pub members: u64,
}

/// The result of recomputing a case's hash chain (`GET /cases/{id}/trail/verify`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrailVerification {
    pub case_id: i32,
    pub entries: usize,
    pub ok: bool,
    /// The first entry whose stored hashes do not match its content or its predecessor.
    pub first_broken_seq: Option<i32>,
    pub reason: Option<String>,
}

/// One read of a consumer's unmasked data by staff, as admins read the
/// access log (`GET /admin/pii-log`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessView {
    pub id: i32,
    pub staff_id: i32,
    pub staff_name: String,
    pub staff_role: String,
    pub case_id: i32,
    pub case_number: String,
    /// Which data were shown.
    pub fields: String,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// The step expected next of `actor`, among the steps it may take now
/// (`allowed`, from [`Case::allowed_actions`]): what the case waits for
/// first — evidence asked of them, an answer to the terms on the table, the
/// merchant's first response, a case to take, a decision to make, a
/// settlement or decision to carry out or confirm — then the merchant's
/// offer, then a message. Escalating, withdrawing, rejecting, handing over
/// and asking for evidence are never the expected step: they stay secondary.
pub fn next_action(allowed: &[ActionKind], actor: Option<Actor>) -> Option<ActionKind> {
    use ActionKind::*;
    let merchant = actor == Some(Actor::Party(Party::Merchant));
    let order: &[ActionKind] = &[
        ProvideEvidence,
        AcceptProposal,
        AcceptOffer,
        Respond,
        Take,
        Decide,
        DecideContest,
        ApproveFirstCompensation,
        Comply,
        ConfirmFulfilment,
        Propose,
        ApplyFirstCompensation,
    ];
    order
        .iter()
        .copied()
        .chain(merchant.then_some(Offer))
        .chain([Message])
        .find(|k| allowed.contains(k))
}

#[cfg(test)]
mod next_action_tests {
    use super::*;
    use ActionKind::*;

    const CONSUMER: Option<Actor> = Some(Actor::Party(Party::Consumer));
    const MERCHANT: Option<Actor> = Some(Actor::Party(Party::Merchant));

    #[test]
    fn what_the_case_waits_for_comes_before_talk() {
        // A merchant's first answer, not a message.
        assert_eq!(
            next_action(&[Message, Respond, Offer], MERCHANT),
            Some(Respond)
        );
        // Answering the offer on the table, not escalating or rejecting.
        assert_eq!(
            next_action(
                &[Message, RejectOffer, AcceptOffer, Escalate, Offer],
                CONSUMER
            ),
            Some(AcceptOffer)
        );
        // Evidence asked of the party first of all.
        assert_eq!(
            next_action(&[Message, AcceptProposal, ProvideEvidence], CONSUMER),
            Some(ProvideEvidence)
        );
        assert_eq!(next_action(&[Message, Comply], MERCHANT), Some(Comply));
        assert_eq!(
            next_action(&[ConfirmFulfilment, Reopen], CONSUMER),
            Some(ConfirmFulfilment)
        );
    }

    #[test]
    fn an_offer_is_the_merchants_next_step_a_message_the_consumers() {
        assert_eq!(
            next_action(&[Message, Offer, Escalate], MERCHANT),
            Some(Offer)
        );
        assert_eq!(
            next_action(&[Message, Offer, Escalate, Withdraw], CONSUMER),
            Some(Message)
        );
    }

    #[test]
    fn staff_take_then_decide() {
        let m = Some(Actor::Mediator(7));
        assert_eq!(next_action(&[Take], m), Some(Take));
        assert_eq!(
            next_action(&[Message, RequestEvidence, Handover, Propose], m),
            Some(Propose)
        );
        let a = Some(Actor::Arbitrator(8));
        assert_eq!(
            next_action(&[Message, RequestEvidence, Decide], a),
            Some(Decide)
        );
        let f = Some(Actor::FundAdmin(9));
        assert_eq!(
            next_action(&[RefuseFirstCompensation, ApproveFirstCompensation], f),
            Some(ApproveFirstCompensation)
        );
    }

    #[test]
    fn secondary_steps_alone_are_not_expected() {
        assert_eq!(next_action(&[Escalate, Withdraw], CONSUMER), None);
        assert_eq!(next_action(&[Reopen], CONSUMER), None);
        assert_eq!(next_action(&[], None), None);
        // Whatever is expected is one of the allowed steps.
        for k in ActionKind::ALL {
            if let Some(n) = next_action(&[*k], MERCHANT) {
                assert_eq!(n, *k);
            }
        }
    }
}
