//! `Case::apply(actor, event, now, calendar)`: the whole lifecycle as one
//! pure function. It returns the next state and whom to tell, or why the
//! action is refused: `NotYours` (403: this actor may never do it here) or
//! `NotNow` (409: not in this status; lists what the actor may do instead).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ActionKind, ContestState, FcBasis, FcState, Outcome, Party, Remedy, Status};
use crate::calendar::WorkingCalendar;
use crate::{Fen, Role};

/// The merchant's first answer is due within this many working days of filing.
pub const RESPOND_DAYS: u32 = 2;
/// Negotiation may last this many working days from filing.
pub const NEGOTIATE_DAYS: u32 = 10;
/// Mediation may last this many working days from escalation.
pub const MEDIATE_DAYS: u32 = 45;
/// The arbitrator's target for a decision (a staff deadline; it pauses while
/// the case waits on the consumer).
pub const DECIDE_DAYS: u32 = 30;
/// After the merchant says it has fulfilled, the consumer has this many
/// working days to confirm or reopen; silence counts as confirmation.
pub const CONFIRM_DAYS: u32 = 5;
/// The largest amount an offer, proposal or award may name: ¥100,000,000.
pub const MAX_AMOUNT: Fen = Fen(10_000_000_000);
/// The longest fulfilment period an offer, proposal or award may set.
pub const MAX_FULFIL_DAYS: u32 = 60;
/// The consumer's answer to a merchant's offer (negotiation) or a mediator's
/// proposal (mediation) stops the stage's clock for at most this many
/// working days; then the clock runs again, answered or not.
pub const ANSWER_DAYS: u32 = 5;
/// A document asked for in negotiation or mediation is due within at most
/// this many working days (arbitration allows up to [`MAX_FULFIL_DAYS`]).
pub const STAGE_REQUEST_MAX_DAYS: u32 = 10;
/// After a first-compensation payout the merchant may contest the recovery
/// within this many working days.
pub const CONTEST_DAYS: u32 = 5;

/// Amount, remedy and time to fulfil: the content of an offer, a mediator's
/// proposal or an award.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Terms {
    pub amount: Fen,
    pub remedy: Remedy,
    pub fulfil_within_days: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Negotiation,
    Mediation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Offer {
    pub by: Party,
    pub terms: Terms,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Settlement {
    pub terms: Terms,
    pub via: Stage,
    pub fulfil_by: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Proposal {
    pub terms: Terms,
    pub consumer_accepted: bool,
    pub merchant_accepted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvidenceRequest {
    pub party: Party,
    pub due: DateTime<Utc>,
    /// Asked of the consumer, the request stops the stage's clock until it
    /// is answered or due — unless the consumer already let a wait of this
    /// stage lapse (then it is asked, but the clock runs on). States saved
    /// before this field: true (a consumer's request stopped the clock).
    #[serde(default = "yes")]
    pub stops_clock: bool,
}

fn yes() -> bool {
    true
}

/// What the case waits on the consumer for while its clock is stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConsumerWait {
    /// A document (evidence) the merchant, mediator or arbitrator asked for.
    Document,
    /// The answer to the merchant's offer.
    OfferAnswer,
    /// The answer to the mediator's proposal.
    ProposalAnswer,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    pub terms: Terms,
    pub comply_by: DateTime<Utc>,
}

/// A first-compensation (先行赔付) application and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FirstCompensation {
    pub basis: FcBasis,
    /// The most the fund may pay: the claim (no response) or what the
    /// settlement or award gave (non-compliance).
    pub limit: Fen,
    pub applied_at: DateTime<Utc>,
    pub state: FcState,
    /// What the fund paid, once approved.
    pub amount: Option<Fen>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The last moment the merchant may contest the recovery.
    pub contest_by: Option<DateTime<Utc>>,
    pub contest: Option<ContestState>,
}

/// Everything the rules need to know about a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub status: Status,
    pub filed_at: DateTime<Utc>,
    pub amount_claimed: Fen,
    /// The merchant's first-response deadline.
    pub respond_by: DateTime<Utc>,
    /// The end of negotiation: escalation to mediation happens by itself then.
    pub negotiate_until: DateTime<Utc>,
    pub merchant_responded: bool,
    /// When the merchant first answered (credit: response within the deadline).
    #[serde(default)]
    pub responded_at: Option<DateTime<Utc>>,
    pub offer: Option<Offer>,
    pub settlement: Option<Settlement>,
    /// The mediator or arbitrator who took the case (首问负责).
    pub owner: Option<i32>,
    pub mediate_until: Option<DateTime<Utc>>,
    pub proposal: Option<Proposal>,
    pub decide_by: Option<DateTime<Utc>>,
    /// When the sweeper found the decision deadline passed with no decision:
    /// the case is overdue for the arbitrators (shown to staff, counted in
    /// the statistics); kept after the decision, so a late one stays known.
    #[serde(default)]
    pub decision_overdue_at: Option<DateTime<Utc>>,
    pub evidence_request: Option<EvidenceRequest>,
    /// Set while the case waits on the consumer: the running stage's clock
    /// (`negotiate_until`, `mediate_until`, `decide_by`) is stopped. One
    /// pause at a time, however many waits overlap; it ends when the last
    /// of them ends, and the deadline moves by the working days it lasted.
    pub paused_at: Option<DateTime<Utc>>,
    /// The end of the wait for the consumer's answer to the merchant's offer
    /// (negotiation) or the mediator's proposal (mediation): set only while
    /// that wait stops the clock.
    #[serde(default)]
    pub answer_due: Option<DateTime<Utc>>,
    /// A wait on the consumer of the current stage ended unanswered at its
    /// due: later requests and offers of this stage no longer stop the
    /// clock (a silent consumer cannot keep a case from moving on).
    #[serde(default)]
    pub consumer_silent: bool,
    pub decision: Option<Decision>,
    /// When the merchant said it had fulfilled the settlement or award.
    pub fulfilment_claimed_at: Option<DateTime<Utc>>,
    pub confirm_by: Option<DateTime<Utc>>,
    #[serde(default)]
    pub first_compensation: Option<FirstCompensation>,
    /// Mediators and arbitrators who recused themselves from the case: none
    /// of them takes it or is handed it again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recused: Vec<i32>,
}

/// Who acts, as the service resolved the signed-in user against the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Party(Party),
    Mediator(i32),
    Arbitrator(i32),
    /// A fund administrator (first compensation).
    FundAdmin(i32),
    /// The deadline sweeper.
    System,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Respond,
    Message,
    Offer(Terms),
    AcceptOffer,
    RejectOffer,
    Escalate,
    Take,
    Handover { to: i32 },
    Propose(Terms),
    AcceptProposal,
    RejectProposal,
    RequestEvidence { party: Party, within_days: u32 },
    ProvideEvidence,
    Decide(Terms),
    Comply,
    ConfirmFulfilment,
    Reopen,
    Withdraw,
    ApplyFirstCompensation,
    ApproveFirstCompensation { amount: Fen },
    RefuseFirstCompensation,
    ContestRecovery,
    DecideContest { upheld: bool },
    DeadlineElapsed,
}

impl Event {
    pub fn kind(&self) -> Option<ActionKind> {
        Some(match self {
            Event::Respond => ActionKind::Respond,
            Event::Message => ActionKind::Message,
            Event::Offer(_) => ActionKind::Offer,
            Event::AcceptOffer => ActionKind::AcceptOffer,
            Event::RejectOffer => ActionKind::RejectOffer,
            Event::Escalate => ActionKind::Escalate,
            Event::Take => ActionKind::Take,
            Event::Handover { .. } => ActionKind::Handover,
            Event::Propose(_) => ActionKind::Propose,
            Event::AcceptProposal => ActionKind::AcceptProposal,
            Event::RejectProposal => ActionKind::RejectProposal,
            Event::RequestEvidence { .. } => ActionKind::RequestEvidence,
            Event::ProvideEvidence => ActionKind::ProvideEvidence,
            Event::Decide(_) => ActionKind::Decide,
            Event::Comply => ActionKind::Comply,
            Event::ConfirmFulfilment => ActionKind::ConfirmFulfilment,
            Event::Reopen => ActionKind::Reopen,
            Event::Withdraw => ActionKind::Withdraw,
            Event::ApplyFirstCompensation => ActionKind::ApplyFirstCompensation,
            Event::ApproveFirstCompensation { .. } => ActionKind::ApproveFirstCompensation,
            Event::RefuseFirstCompensation => ActionKind::RefuseFirstCompensation,
            Event::ContestRecovery => ActionKind::ContestRecovery,
            Event::DecideContest { .. } => ActionKind::DecideContest,
            Event::DeadlineElapsed => return None,
        })
    }

    /// A representative event of `kind`, for asking "may this actor do it now?".
    pub(crate) fn sample(kind: ActionKind, actor: Actor) -> Event {
        let terms = Terms {
            amount: Fen(1),
            remedy: Remedy::Refund,
            fulfil_within_days: 1,
        };
        match kind {
            ActionKind::Respond => Event::Respond,
            ActionKind::Message => Event::Message,
            ActionKind::Offer => Event::Offer(terms),
            ActionKind::AcceptOffer => Event::AcceptOffer,
            ActionKind::RejectOffer => Event::RejectOffer,
            ActionKind::Escalate => Event::Escalate,
            ActionKind::Take => Event::Take,
            ActionKind::Handover => Event::Handover {
                to: match actor {
                    Actor::Mediator(id) | Actor::Arbitrator(id) => id.wrapping_add(1),
                    _ => 0,
                },
            },
            ActionKind::Propose => Event::Propose(terms),
            ActionKind::AcceptProposal => Event::AcceptProposal,
            ActionKind::RejectProposal => Event::RejectProposal,
            ActionKind::RequestEvidence => Event::RequestEvidence {
                party: Party::Consumer,
                within_days: 1,
            },
            ActionKind::ProvideEvidence => Event::ProvideEvidence,
            ActionKind::Decide => Event::Decide(terms),
            ActionKind::Comply => Event::Comply,
            ActionKind::ConfirmFulfilment => Event::ConfirmFulfilment,
            ActionKind::Reopen => Event::Reopen,
            ActionKind::Withdraw => Event::Withdraw,
            ActionKind::ApplyFirstCompensation => Event::ApplyFirstCompensation,
            ActionKind::ApproveFirstCompensation => {
                Event::ApproveFirstCompensation { amount: Fen(1) }
            }
            ActionKind::RefuseFirstCompensation => Event::RefuseFirstCompensation,
            ActionKind::ContestRecovery => Event::ContestRecovery,
            ActionKind::DecideContest => Event::DecideContest { upheld: false },
        }
    }
}

/// Who is to be told about a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Consumer,
    Merchant,
    /// The mediator or arbitrator who owns the case.
    Owner,
    /// Every mediator (a case entered the mediation queue).
    Mediators,
    /// Every arbitrator (a case entered the arbitration queue).
    Arbitrators,
    /// Every fund administrator (first compensation).
    FundAdmins,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub to: Audience,
    /// The i18n key of what happened (`notice.<key>`).
    pub key: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub case: Case,
    pub notify: Vec<Notice>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// This actor may not do this on this case at all (403).
    #[error("not yours to do")]
    NotYours,
    /// Not in this status (409); what the actor may do instead.
    #[error("not allowed while {status}")]
    NotNow {
        status: Status,
        allowed: Vec<ActionKind>,
    },
    /// A field of the event is out of range (422).
    #[error("invalid {field}")]
    Invalid {
        field: &'static str,
        key: &'static str,
    },
}

fn notice(to: Audience, key: &'static str) -> Notice {
    Notice { to, key }
}

impl Case {
    /// How the case ended, once it is closed (`None` while it is not).
    pub fn outcome(&self) -> Option<Outcome> {
        if self.status != Status::Closed {
            return None;
        }
        let paid = self
            .first_compensation
            .as_ref()
            .is_some_and(|fc| fc.state == FcState::Approved);
        Some(if paid {
            Outcome::FirstCompensation
        } else if self.decision.is_some() {
            Outcome::Decided
        } else {
            match self.settlement.as_ref().map(|s| s.via) {
                Some(Stage::Negotiation) => Outcome::Negotiated,
                Some(Stage::Mediation) => Outcome::Mediated,
                None => Outcome::Closed,
            }
        })
    }

    /// A freshly filed complaint. A merchant on the black list gets no
    /// negotiation: its cases go straight to mediation (`straight_to_mediation`).
    pub fn file(
        amount_claimed: Fen,
        now: DateTime<Utc>,
        cal: &WorkingCalendar,
        straight_to_mediation: bool,
    ) -> Transition {
        let mut case = Case {
            status: Status::AwaitingMerchant,
            filed_at: now,
            amount_claimed,
            respond_by: cal.deadline(now, RESPOND_DAYS),
            negotiate_until: cal.deadline(now, NEGOTIATE_DAYS),
            merchant_responded: false,
            responded_at: None,
            offer: None,
            settlement: None,
            owner: None,
            mediate_until: None,
            proposal: None,
            decide_by: None,
            decision_overdue_at: None,
            evidence_request: None,
            paused_at: None,
            answer_due: None,
            consumer_silent: false,
            decision: None,
            fulfilment_claimed_at: None,
            confirm_by: None,
            first_compensation: None,
            recused: vec![],
        };
        if straight_to_mediation {
            case.enter_mediation(now, cal);
            return Transition {
                case,
                notify: vec![
                    notice(Audience::Merchant, "filed"),
                    notice(Audience::Mediators, "queued_mediation"),
                ],
            };
        }
        Transition {
            case,
            notify: vec![notice(Audience::Merchant, "filed")],
        }
    }

    fn enter_mediation(&mut self, now: DateTime<Utc>, cal: &WorkingCalendar) {
        self.clear_waits();
        self.status = Status::InMediation;
        self.owner = None;
        self.offer = None;
        self.proposal = None;
        self.mediate_until = Some(cal.deadline(now, MEDIATE_DAYS));
    }

    fn enter_arbitration(&mut self, now: DateTime<Utc>, cal: &WorkingCalendar) {
        self.clear_waits();
        self.status = Status::InArbitration;
        self.owner = None;
        self.proposal = None;
        self.decide_by = Some(cal.deadline(now, DECIDE_DAYS));
    }

    fn settle(&mut self, terms: Terms, via: Stage, now: DateTime<Utc>, cal: &WorkingCalendar) {
        self.clear_waits();
        self.status = Status::Settled;
        self.settlement = Some(Settlement {
            fulfil_by: cal.deadline(now, terms.fulfil_within_days),
            terms,
            via,
        });
        self.offer = None;
        self.proposal = None;
        self.fulfilment_claimed_at = None;
        self.confirm_by = None;
    }

    fn owned_by(&self, id: i32) -> bool {
        self.owner == Some(id)
    }

    /// The owning mediator (in mediation) or arbitrator (in arbitration)
    /// recuses themselves: the case goes back to the queue of their kind,
    /// and they never take it or are handed it again (enforced by `Take`
    /// and `Handover`). Not a case action: the status and every deadline
    /// stay as they are. 403 for anyone but the owner, 409 in any other status.
    pub fn recuse(&self, actor: Actor) -> Result<Transition, RuleError> {
        let (id, status, queue, key) = match actor {
            Actor::Mediator(id) => (
                id,
                Status::InMediation,
                Audience::Mediators,
                "queued_mediation",
            ),
            Actor::Arbitrator(id) => (
                id,
                Status::InArbitration,
                Audience::Arbitrators,
                "queued_arbitration",
            ),
            _ => return Err(RuleError::NotYours),
        };
        if !self.owned_by(id) {
            return Err(RuleError::NotYours);
        }
        if self.status != status {
            return Err(RuleError::NotNow {
                status: self.status,
                allowed: vec![],
            });
        }
        let mut c = self.clone();
        c.owner = None;
        if !c.recused.contains(&id) {
            c.recused.push(id);
        }
        Ok(Transition {
            case: c,
            notify: vec![notice(queue, key)],
        })
    }

    /// An admin gives the case in mediation or arbitration to another
    /// mediator or arbitrator (`to`, whose role is `to_role`): when its owner
    /// has left, is away, or holds too many. The queue's cases too (nobody
    /// took them yet). `to` must be of the stage's kind, not the owner
    /// already, and not one who recused themselves from the case. Not a case
    /// action: the status and every deadline stay as they are; the new owner
    /// is told. 409 in any other status.
    pub fn reassign(&self, to: i32, to_role: Role) -> Result<Transition, RuleError> {
        let want = match self.status {
            Status::InMediation => Role::Mediator,
            Status::InArbitration => Role::Arbitrator,
            status => {
                return Err(RuleError::NotNow {
                    status,
                    allowed: vec![],
                });
            }
        };
        if to_role != want || self.owned_by(to) {
            return Err(RuleError::Invalid {
                field: "to",
                key: "err.handover_target",
            });
        }
        if self.recused.contains(&to) {
            return Err(RuleError::Invalid {
                field: "to",
                key: "err.handover_recused",
            });
        }
        let mut c = self.clone();
        c.owner = Some(to);
        Ok(Transition {
            case: c,
            notify: vec![notice(Audience::Owner, "handed_over")],
        })
    }

    /// What the case waits on the consumer for now, each with the end of
    /// that wait: every wait that stops the clock (while there is one,
    /// `paused_at` is set).
    pub fn consumer_waits(&self) -> Vec<(ConsumerWait, DateTime<Utc>)> {
        let mut v = vec![];
        if let Some(r) = &self.evidence_request
            && r.party == Party::Consumer
            && r.stops_clock
        {
            v.push((ConsumerWait::Document, r.due));
        }
        if let Some(due) = self.answer_due {
            let what = if self.status == Status::InMediation {
                ConsumerWait::ProposalAnswer
            } else {
                ConsumerWait::OfferAnswer
            };
            v.push((what, due));
        }
        v
    }

    /// The running stage's deadline, the one a pause stops.
    fn stage_deadline(&self) -> Option<DateTime<Utc>> {
        match self.status {
            Status::AwaitingMerchant | Status::Negotiating => Some(self.negotiate_until),
            Status::InMediation => self.mediate_until,
            Status::InArbitration => self.decide_by,
            _ => None,
        }
    }

    /// May a new wait on the consumer stop the clock now? Not once the
    /// consumer let one of this stage lapse, and in negotiation and
    /// mediation not once the stage's own deadline has passed (the sweeper
    /// is about to move the case on).
    fn may_stop_clock(&self, now: DateTime<Utc>) -> bool {
        match self.status {
            Status::AwaitingMerchant | Status::Negotiating | Status::InMediation => {
                !self.consumer_silent && self.stage_deadline().is_some_and(|d| now < d)
            }
            _ => true,
        }
    }

    /// A wait on the consumer began: the clock stops (if it was not already).
    fn stop_clock(&mut self, now: DateTime<Utc>) {
        if self.paused_at.is_none() {
            self.paused_at = Some(now);
        }
    }

    /// A wait ended: once none is left, the clock runs again and the
    /// stage's deadline moves by the working days it was stopped.
    fn restart_clock_if_free(&mut self, now: DateTime<Utc>, cal: &WorkingCalendar) {
        if !self.consumer_waits().is_empty() {
            return;
        }
        let Some(paused) = self.paused_at.take() else {
            return;
        };
        match self.status {
            Status::AwaitingMerchant | Status::Negotiating => {
                self.negotiate_until = cal.extend_for_pause(self.negotiate_until, paused, now);
            }
            Status::InMediation => {
                self.mediate_until = self
                    .mediate_until
                    .map(|d| cal.extend_for_pause(d, paused, now));
            }
            Status::InArbitration => {
                if let Some(d) = self.decide_by {
                    let moved = cal.extend_for_pause(d, paused, now);
                    self.decide_by = Some(moved);
                    // The stopped days are given back: a deadline that now
                    // lies ahead is no longer missed.
                    if moved > now {
                        self.decision_overdue_at = None;
                    }
                }
            }
            _ => {}
        }
    }

    /// The case leaves the stage (or ends): every wait of it ends, and the
    /// next stage's clock starts afresh.
    fn clear_waits(&mut self) {
        self.evidence_request = None;
        self.answer_due = None;
        self.paused_at = None;
        self.consumer_silent = false;
    }

    /// The consumer is asked to answer an offer or proposal: the clock stops
    /// for at most [`ANSWER_DAYS`] — unless an earlier one is still
    /// unanswered (a replacement does not restart the wait).
    fn await_answer(&mut self, unanswered_before: bool, now: DateTime<Utc>, cal: &WorkingCalendar) {
        if unanswered_before || !self.may_stop_clock(now) {
            return;
        }
        self.answer_due = Some(cal.deadline(now, ANSWER_DAYS));
        self.stop_clock(now);
    }

    /// The consumer answered (or there is nothing left to answer).
    fn end_answer_wait(&mut self, now: DateTime<Utc>, cal: &WorkingCalendar) {
        self.answer_due = None;
        self.restart_clock_if_free(now, cal);
    }

    /// The waits whose own end has passed end now; the consumer counts as
    /// silent for the rest of the stage. Whom to tell.
    fn lapse_waits(&mut self, now: DateTime<Utc>, cal: &WorkingCalendar) -> Vec<Notice> {
        let mut notify = vec![];
        let asker = if self.status == Status::Negotiating {
            Audience::Merchant
        } else {
            Audience::Owner
        };
        if let Some(r) = self.evidence_request.clone()
            && now >= r.due
        {
            self.evidence_request = None;
            notify.push(notice(asker, "evidence_overdue"));
            if r.party == Party::Consumer && r.stops_clock {
                self.consumer_silent = true;
                notify.push(notice(Audience::Consumer, "wait_lapsed"));
            }
        }
        if self.answer_due.is_some_and(|d| now >= d) {
            self.answer_due = None;
            self.consumer_silent = true;
            notify.push(notice(asker, "answer_overdue"));
            notify.push(notice(Audience::Consumer, "wait_lapsed"));
        }
        self.restart_clock_if_free(now, cal);
        notify
    }

    /// A wait of the current stage has reached its own end.
    fn has_lapsed_wait(&self, now: DateTime<Utc>) -> bool {
        self.evidence_request.as_ref().is_some_and(|r| now >= r.due)
            || self.answer_due.is_some_and(|d| now >= d)
    }

    /// The deadline after which the sweeper has something to do, if any.
    pub fn next_deadline(&self) -> Option<DateTime<Utc>> {
        match self.status {
            Status::AwaitingMerchant | Status::Negotiating | Status::InMediation => {
                // A wait's own end, and the stage's deadline while the
                // clock runs.
                let evidence = self.evidence_request.as_ref().map(|r| r.due);
                let stage = self.stage_deadline().filter(|_| self.paused_at.is_none());
                [evidence, self.answer_due, stage]
                    .into_iter()
                    .flatten()
                    .min()
            }
            Status::InArbitration => {
                let evidence = self.evidence_request.as_ref().map(|r| r.due);
                // The decision deadline, until the sweeper has marked it
                // missed (and not while the clock is stopped).
                let decide = self
                    .decide_by
                    .filter(|_| self.decision_overdue_at.is_none() && self.paused_at.is_none());
                [evidence, decide].into_iter().flatten().min()
            }
            Status::Settled | Status::Decided => self.confirm_by.or(self.fulfil_deadline()),
            Status::NonCompliant => self.confirm_by,
            Status::Closed | Status::Withdrawn => None,
        }
    }

    /// Every deadline that applies now, for display: (i18n key, when).
    pub fn deadlines(&self) -> Vec<(&'static str, DateTime<Utc>)> {
        let mut v = vec![];
        match self.status {
            Status::AwaitingMerchant => {
                v.push(("deadline.respond_by", self.respond_by));
                v.push(("deadline.negotiate_until", self.negotiate_until));
            }
            Status::Negotiating => {
                v.push(("deadline.negotiate_until", self.negotiate_until));
                v.extend(
                    self.evidence_request
                        .as_ref()
                        .map(|r| ("deadline.evidence_due", r.due)),
                );
                v.extend(self.answer_due.map(|d| ("deadline.answer_due", d)));
            }
            Status::InMediation => {
                v.extend(self.mediate_until.map(|d| ("deadline.mediate_until", d)));
                v.extend(
                    self.evidence_request
                        .as_ref()
                        .map(|r| ("deadline.evidence_due", r.due)),
                );
                v.extend(self.answer_due.map(|d| ("deadline.answer_due", d)));
            }
            Status::InArbitration => {
                v.extend(
                    self.evidence_request
                        .as_ref()
                        .map(|r| ("deadline.evidence_due", r.due)),
                );
                v.extend(self.decide_by.map(|d| ("deadline.decide_by", d)));
            }
            Status::Settled => v.extend(
                self.settlement
                    .as_ref()
                    .map(|s| ("deadline.fulfil_by", s.fulfil_by)),
            ),
            Status::Decided => v.extend(
                self.decision
                    .as_ref()
                    .map(|d| ("deadline.comply_by", d.comply_by)),
            ),
            Status::NonCompliant | Status::Closed | Status::Withdrawn => {}
        }
        v.extend(self.confirm_by.map(|d| ("deadline.confirm_by", d)));
        if let Some(fc) = &self.first_compensation
            && fc.contest.is_none()
        {
            v.extend(fc.contest_by.map(|d| ("deadline.contest_by", d)));
        }
        v
    }

    /// The merchant's first response as statistics and credit count it:
    /// `None` while not yet due (no answer and the deadline not passed),
    /// else whether it came in time. (States saved before `responded_at`
    /// existed count an answer as in time.)
    pub fn first_response_in_time(&self, now: DateTime<Utc>) -> Option<bool> {
        (self.merchant_responded || now > self.respond_by).then(|| {
            self.merchant_responded && self.responded_at.is_none_or(|at| at <= self.respond_by)
        })
    }

    /// Does the case qualify for first compensation now, on what basis and
    /// up to how much? The merchant missed the first-response deadline of a
    /// claim with an amount, or did not honour a settlement or award.
    pub fn first_compensation_basis(&self, now: DateTime<Utc>) -> Option<(FcBasis, Fen)> {
        match self.status {
            Status::NonCompliant => {
                let owed = self
                    .decision
                    .as_ref()
                    .map(|d| d.terms.amount)
                    .or(self.settlement.as_ref().map(|s| s.terms.amount))?;
                (owed.0 > 0).then_some((FcBasis::NonCompliance, owed))
            }
            Status::AwaitingMerchant | Status::InMediation | Status::InArbitration
                if !self.merchant_responded
                    && now > self.respond_by
                    && self.amount_claimed.0 > 0 =>
            {
                Some((FcBasis::NoResponse, self.amount_claimed))
            }
            _ => None,
        }
    }

    /// May the consumer apply now: the case qualifies, and there is no
    /// application yet — or the last was refused on another basis.
    fn may_apply_first_compensation(&self, now: DateTime<Utc>) -> Option<(FcBasis, Fen)> {
        let (basis, limit) = self.first_compensation_basis(now)?;
        match &self.first_compensation {
            None => Some((basis, limit)),
            Some(fc) if fc.state == FcState::Refused && fc.basis != basis => Some((basis, limit)),
            Some(fc) if fc.state == FcState::Lapsed => Some((basis, limit)),
            Some(_) => None,
        }
    }

    fn fc_in(&self, state: FcState) -> bool {
        self.first_compensation
            .as_ref()
            .is_some_and(|fc| fc.state == state)
    }

    /// Whose move it is.
    pub fn waiting_on(&self) -> Vec<Audience> {
        let mut v = self.waiting_on_case();
        match &self.first_compensation {
            Some(fc) if fc.state == FcState::Applied => v.push(Audience::FundAdmins),
            Some(fc) if fc.contest == Some(ContestState::Pending) => v.push(Audience::Arbitrators),
            _ => {}
        }
        v
    }

    fn waiting_on_case(&self) -> Vec<Audience> {
        let mut v = self.waiting_on_stage();
        // A document asked of a party in negotiation or mediation.
        if matches!(self.status, Status::Negotiating | Status::InMediation)
            && let Some(r) = &self.evidence_request
        {
            let asked = to_party(r.party);
            if v == [Audience::Owner] {
                v.clear();
            }
            if !v.contains(&asked) {
                v.push(asked);
            }
        }
        v
    }

    fn waiting_on_stage(&self) -> Vec<Audience> {
        match self.status {
            Status::AwaitingMerchant => vec![Audience::Merchant],
            Status::Negotiating => match &self.offer {
                Some(o) if o.by == Party::Merchant => vec![Audience::Consumer],
                Some(_) => vec![Audience::Merchant],
                None => vec![Audience::Consumer, Audience::Merchant],
            },
            Status::InMediation | Status::InArbitration if self.owner.is_none() => {
                match self.status {
                    Status::InMediation => vec![Audience::Mediators],
                    _ => vec![Audience::Arbitrators],
                }
            }
            Status::InMediation => match &self.proposal {
                Some(p) => {
                    let mut v = vec![];
                    if !p.consumer_accepted {
                        v.push(Audience::Consumer);
                    }
                    if !p.merchant_accepted {
                        v.push(Audience::Merchant);
                    }
                    v
                }
                None => vec![Audience::Owner],
            },
            Status::InArbitration => match &self.evidence_request {
                Some(r) if r.party == Party::Consumer => vec![Audience::Consumer],
                Some(_) => vec![Audience::Merchant],
                None => vec![Audience::Owner],
            },
            Status::Settled | Status::Decided | Status::NonCompliant => {
                if self.fulfilment_claimed_at.is_some() {
                    vec![Audience::Consumer]
                } else {
                    vec![Audience::Merchant]
                }
            }
            Status::Closed | Status::Withdrawn => vec![],
        }
    }

    /// What `actor` may do now.
    pub fn allowed_actions(
        &self,
        actor: Actor,
        now: DateTime<Utc>,
        cal: &WorkingCalendar,
    ) -> Vec<ActionKind> {
        ActionKind::ALL
            .iter()
            .copied()
            .filter(|k| {
                matches!(
                    self.transition(actor, &Event::sample(*k, actor), now, cal),
                    Ok(Some(_))
                )
            })
            .collect()
    }

    /// Applies `event` by `actor` at `now`.
    pub fn apply(
        &self,
        actor: Actor,
        event: &Event,
        now: DateTime<Utc>,
        cal: &WorkingCalendar,
    ) -> Result<Transition, RuleError> {
        match self.transition(actor, event, now, cal)? {
            Some(t) => Ok(t),
            None if matches!(event, Event::DeadlineElapsed) => Err(RuleError::NotNow {
                status: self.status,
                allowed: vec![],
            }),
            None => Err(RuleError::NotNow {
                status: self.status,
                allowed: self.allowed_actions(actor, now, cal),
            }),
        }
    }

    /// The transition, `None` when the status does not allow it.
    fn transition(
        &self,
        actor: Actor,
        event: &Event,
        now: DateTime<Utc>,
        cal: &WorkingCalendar,
    ) -> Result<Option<Transition>, RuleError> {
        validate(event)?;
        if !self.may_ever(actor, event) {
            return Err(RuleError::NotYours);
        }
        let mut c = self.clone();
        let mut notify = vec![];
        use super::Party::{Consumer as C, Merchant as M};
        use Actor::*;
        use Status as S;
        let ok = match (self.status, actor, event) {
            // ---- messages: between the parties, and with the owner once there is one
            (s, Party(p), Event::Message) if s.is_open() => {
                notify.push(notice(to_party(p.other()), "message"));
                if self.owner.is_some() {
                    notify.push(notice(Audience::Owner, "message"));
                }
                true
            }
            (s, Mediator(_) | Arbitrator(_), Event::Message)
                if s.is_open() && matches!(s, S::InMediation | S::InArbitration) =>
            {
                notify.push(notice(Audience::Consumer, "message"));
                notify.push(notice(Audience::Merchant, "message"));
                true
            }

            // ---- negotiation
            (S::AwaitingMerchant, Party(M), Event::Respond) => {
                c.status = S::Negotiating;
                c.merchant_responded = true;
                c.responded_at = Some(now);
                notify.push(notice(Audience::Consumer, "responded"));
                true
            }
            (S::AwaitingMerchant | S::Negotiating, Party(p), Event::Offer(terms))
                if p == M || self.status == S::Negotiating =>
            {
                if self.status == S::AwaitingMerchant {
                    c.status = S::Negotiating;
                    c.merchant_responded = true;
                    c.responded_at = Some(now);
                }
                c.offer = Some(Offer {
                    by: p,
                    terms: terms.clone(),
                });
                match p {
                    // The case now waits on the consumer's answer: the clock
                    // stops (a replaced offer keeps the wait it had).
                    M => {
                        let unanswered = self.offer.as_ref().is_some_and(|o| o.by == M);
                        c.await_answer(unanswered, now, cal);
                    }
                    // A counter-offer answers the merchant's.
                    C => c.end_answer_wait(now, cal),
                }
                notify.push(notice(to_party(p.other()), "offer"));
                true
            }
            (S::Negotiating, Party(p), Event::AcceptOffer)
                if self.offer.as_ref().is_some_and(|o| o.by != p) =>
            {
                let terms = self
                    .offer
                    .as_ref()
                    .map(|o| o.terms.clone())
                    .ok_or(RuleError::NotYours)?;
                c.settle(terms, Stage::Negotiation, now, cal);
                notify.push(notice(to_party(p.other()), "settled"));
                true
            }
            (S::Negotiating, Party(p), Event::RejectOffer)
                if self.offer.as_ref().is_some_and(|o| o.by != p) =>
            {
                c.offer = None;
                c.end_answer_wait(now, cal);
                notify.push(notice(to_party(p.other()), "offer_rejected"));
                true
            }
            (S::AwaitingMerchant, Party(C), Event::Escalate) if now > self.respond_by => {
                c.enter_mediation(now, cal);
                notify.extend([
                    notice(Audience::Merchant, "escalated"),
                    notice(Audience::Mediators, "queued_mediation"),
                ]);
                true
            }
            (S::Negotiating, Party(p), Event::Escalate) => {
                c.enter_mediation(now, cal);
                notify.extend([
                    notice(to_party(p.other()), "escalated"),
                    notice(Audience::Mediators, "queued_mediation"),
                ]);
                true
            }
            // A wait on the consumer reached its own end: the clock runs again.
            (S::Negotiating | S::InMediation, System, Event::DeadlineElapsed)
                if self.has_lapsed_wait(now) =>
            {
                notify.extend(c.lapse_waits(now, cal));
                true
            }
            (S::AwaitingMerchant | S::Negotiating, System, Event::DeadlineElapsed)
                if self.paused_at.is_none() && now >= self.negotiate_until =>
            {
                c.enter_mediation(now, cal);
                notify.extend([
                    notice(Audience::Consumer, "escalated"),
                    notice(Audience::Merchant, "escalated"),
                    notice(Audience::Mediators, "queued_mediation"),
                ]);
                true
            }

            // ---- mediation and arbitration queues (首问负责)
            (S::InMediation, Mediator(id), Event::Take)
            | (S::InArbitration, Arbitrator(id), Event::Take)
                if self.owner.is_none() =>
            {
                c.owner = Some(id);
                notify.extend([
                    notice(Audience::Consumer, "taken"),
                    notice(Audience::Merchant, "taken"),
                ]);
                true
            }
            (S::InMediation, Mediator(id), Event::Handover { to })
            | (S::InArbitration, Arbitrator(id), Event::Handover { to })
                if self.owned_by(id) && *to != id =>
            {
                if self.recused.contains(to) {
                    return Err(RuleError::Invalid {
                        field: "to",
                        key: "err.handover_recused",
                    });
                }
                c.owner = Some(*to);
                notify.push(notice(Audience::Owner, "handed_over"));
                true
            }

            // ---- mediation
            (S::InMediation, Mediator(id), Event::Propose(terms)) if self.owned_by(id) => {
                c.proposal = Some(Proposal {
                    terms: terms.clone(),
                    consumer_accepted: false,
                    merchant_accepted: false,
                });
                // The case waits on the consumer's answer (a replaced proposal
                // the consumer had not answered keeps the wait it had).
                let unanswered = self.proposal.as_ref().is_some_and(|p| !p.consumer_accepted);
                c.await_answer(unanswered, now, cal);
                notify.extend([
                    notice(Audience::Consumer, "proposal"),
                    notice(Audience::Merchant, "proposal"),
                ]);
                true
            }
            (S::InMediation, Party(p), Event::AcceptProposal)
                if self.proposal.as_ref().is_some_and(|pr| !accepted(pr, p)) =>
            {
                let mut pr = self.proposal.clone().ok_or(RuleError::NotYours)?;
                match p {
                    C => pr.consumer_accepted = true,
                    M => pr.merchant_accepted = true,
                }
                if pr.consumer_accepted && pr.merchant_accepted {
                    c.settle(pr.terms, Stage::Mediation, now, cal);
                    notify.extend([
                        notice(Audience::Owner, "settled"),
                        notice(to_party(p.other()), "settled"),
                    ]);
                } else {
                    c.proposal = Some(pr);
                    if p == C {
                        c.end_answer_wait(now, cal);
                    }
                    notify.push(notice(Audience::Owner, "proposal_accepted"));
                }
                true
            }
            (S::InMediation, Party(p), Event::RejectProposal) if self.proposal.is_some() => {
                c.proposal = None;
                c.end_answer_wait(now, cal);
                notify.extend([
                    notice(Audience::Owner, "proposal_rejected"),
                    notice(to_party(p.other()), "proposal_rejected"),
                ]);
                true
            }
            (S::InMediation, Mediator(id), Event::Escalate) if self.owned_by(id) => {
                c.enter_arbitration(now, cal);
                notify.extend([
                    notice(Audience::Consumer, "to_arbitration"),
                    notice(Audience::Merchant, "to_arbitration"),
                    notice(Audience::Arbitrators, "queued_arbitration"),
                ]);
                true
            }
            (S::InMediation, System, Event::DeadlineElapsed)
                if self.paused_at.is_none() && self.mediate_until.is_some_and(|d| now >= d) =>
            {
                c.enter_arbitration(now, cal);
                notify.extend([
                    notice(Audience::Consumer, "to_arbitration"),
                    notice(Audience::Merchant, "to_arbitration"),
                    notice(Audience::Arbitrators, "queued_arbitration"),
                ]);
                true
            }

            // ---- documents asked of a party: by the merchant of the consumer
            // in negotiation, by the owner of either party in mediation and
            // arbitration. Asked of the consumer, the stage's clock stops
            // until the document comes or is due.
            (S::Negotiating, Party(M), Event::RequestEvidence { party, within_days })
            | (S::InMediation, Mediator(_), Event::RequestEvidence { party, within_days })
            | (S::InArbitration, Arbitrator(_), Event::RequestEvidence { party, within_days })
                if self.evidence_request.is_none() =>
            {
                if actor == Party(M) && *party != C {
                    return Err(RuleError::Invalid {
                        field: "party",
                        key: "err.request_party",
                    });
                }
                if self.status != S::InArbitration && *within_days > STAGE_REQUEST_MAX_DAYS {
                    return Err(RuleError::Invalid {
                        field: "within_days",
                        key: "err.request_days",
                    });
                }
                let stops_clock = *party == C && self.may_stop_clock(now);
                c.evidence_request = Some(EvidenceRequest {
                    party: *party,
                    due: cal.deadline(now, *within_days),
                    stops_clock,
                });
                notify.push(notice(to_party(*party), "evidence_requested"));
                if stops_clock {
                    c.stop_clock(now);
                    // The other side learns that the clock is stopped (in
                    // negotiation it asked, and knows).
                    if self.status != S::Negotiating {
                        notify.push(notice(Audience::Merchant, "clock_stopped"));
                    }
                }
                true
            }
            (
                S::Negotiating | S::InMediation | S::InArbitration,
                Party(p),
                Event::ProvideEvidence,
            ) if self.evidence_request.as_ref().is_some_and(|r| r.party == p) => {
                c.end_evidence_request(now, cal);
                let asker = if self.status == S::Negotiating {
                    Audience::Merchant
                } else {
                    Audience::Owner
                };
                notify.push(notice(asker, "evidence_provided"));
                true
            }
            // ---- arbitration
            (S::InArbitration, System, Event::DeadlineElapsed)
                if self.evidence_request.as_ref().is_some_and(|r| now >= r.due) =>
            {
                c.end_evidence_request(now, cal);
                notify.push(notice(Audience::Owner, "evidence_overdue"));
                true
            }
            (S::InArbitration, System, Event::DeadlineElapsed)
                if self.decision_overdue_at.is_none()
                    && self.paused_at.is_none()
                    && self.decide_by.is_some_and(|d| now >= d) =>
            {
                c.decision_overdue_at = Some(now);
                notify.extend([
                    notice(
                        if self.owner.is_some() {
                            Audience::Owner
                        } else {
                            Audience::Arbitrators
                        },
                        "decision_overdue",
                    ),
                    notice(Audience::Consumer, "decision_overdue_party"),
                    notice(Audience::Merchant, "decision_overdue_party"),
                ]);
                true
            }
            (S::InArbitration, Arbitrator(id), Event::Decide(terms)) if self.owned_by(id) => {
                c.end_evidence_request(now, cal);
                c.status = S::Decided;
                c.decision = Some(Decision {
                    comply_by: cal.deadline(now, terms.fulfil_within_days),
                    terms: terms.clone(),
                });
                c.fulfilment_claimed_at = None;
                c.confirm_by = None;
                notify.extend([
                    notice(Audience::Consumer, "decided"),
                    notice(Audience::Merchant, "decided"),
                ]);
                true
            }

            // ---- fulfilment of a settlement or award
            (S::Settled | S::Decided | S::NonCompliant, Party(M), Event::Comply)
                if self.fulfilment_claimed_at.is_none() =>
            {
                c.fulfilment_claimed_at = Some(now);
                c.confirm_by = Some(cal.deadline(now, CONFIRM_DAYS));
                notify.push(notice(Audience::Consumer, "fulfilled"));
                true
            }
            (S::Settled | S::Decided | S::NonCompliant, Party(C), Event::ConfirmFulfilment) => {
                c.status = S::Closed;
                c.confirm_by = None;
                notify.push(notice(Audience::Merchant, "closed"));
                true
            }
            (S::Settled | S::Decided | S::NonCompliant, System, Event::DeadlineElapsed)
                if self.confirm_by.is_some_and(|d| now >= d) =>
            {
                c.status = S::Closed;
                c.confirm_by = None;
                notify.extend([
                    notice(Audience::Consumer, "closed"),
                    notice(Audience::Merchant, "closed"),
                ]);
                true
            }
            // The merchant missed the deadline of its settlement or award.
            (S::Settled | S::Decided, System, Event::DeadlineElapsed)
                if self.fulfilment_claimed_at.is_none()
                    && self.fulfil_deadline().is_some_and(|d| now >= d) =>
            {
                c.status = S::NonCompliant;
                // The consumer learns that the fund may pay, when it may.
                let to_consumer = if c.first_compensation_basis(now).is_some() {
                    "non_compliant_fc"
                } else {
                    "non_compliant"
                };
                notify.extend([
                    notice(Audience::Consumer, to_consumer),
                    notice(Audience::Merchant, "non_compliant"),
                ]);
                true
            }
            // The consumer says a settlement was not honoured: negotiated → mediation, mediated → arbitration.
            (S::Settled | S::NonCompliant, Party(C), Event::Reopen)
                if self.settlement.is_some() && self.decision.is_none() =>
            {
                let via = self
                    .settlement
                    .as_ref()
                    .map(|s| s.via)
                    .unwrap_or(Stage::Negotiation);
                c.settlement = None;
                c.fulfilment_claimed_at = None;
                c.confirm_by = None;
                match via {
                    Stage::Negotiation => {
                        c.enter_mediation(now, cal);
                        notify.extend([
                            notice(Audience::Merchant, "reopened"),
                            notice(Audience::Mediators, "queued_mediation"),
                        ]);
                    }
                    Stage::Mediation => {
                        c.enter_arbitration(now, cal);
                        notify.extend([
                            notice(Audience::Merchant, "reopened"),
                            notice(Audience::Arbitrators, "queued_arbitration"),
                        ]);
                    }
                }
                true
            }
            // …an award that was not honoured: the case becomes non-compliant.
            (S::Decided, Party(C), Event::Reopen) if self.fulfilment_claimed_at.is_some() => {
                c.status = S::NonCompliant;
                c.fulfilment_claimed_at = None;
                c.confirm_by = None;
                notify.push(notice(Audience::Merchant, "non_compliant"));
                true
            }

            // ---- first compensation (先行赔付)
            (s, Party(C), Event::ApplyFirstCompensation)
                if s.is_open() && self.may_apply_first_compensation(now).is_some() =>
            {
                let (basis, limit) = self
                    .may_apply_first_compensation(now)
                    .ok_or(RuleError::NotYours)?;
                c.first_compensation = Some(FirstCompensation {
                    basis,
                    limit,
                    applied_at: now,
                    state: FcState::Applied,
                    amount: None,
                    decided_at: None,
                    contest_by: None,
                    contest: None,
                });
                notify.extend([
                    notice(Audience::FundAdmins, "fc_applied"),
                    notice(Audience::Merchant, "fc_applied"),
                ]);
                true
            }
            (s, FundAdmin(_), Event::ApproveFirstCompensation { amount })
                if s.is_open() && self.fc_in(FcState::Applied) =>
            {
                let mut fc = self.first_compensation.clone().ok_or(RuleError::NotYours)?;
                if *amount > fc.limit {
                    return Err(RuleError::Invalid {
                        field: "amount_fen",
                        key: "err.fc_over_limit",
                    });
                }
                fc.state = FcState::Approved;
                fc.amount = Some(*amount);
                fc.decided_at = Some(now);
                fc.contest_by = Some(cal.deadline(now, CONTEST_DAYS));
                c.first_compensation = Some(fc);
                // The consumer has been paid: the case is over for them; the
                // fund now recovers from the merchant.
                c.status = S::Closed;
                c.offer = None;
                c.proposal = None;
                c.clear_waits();
                c.confirm_by = None;
                notify.extend([
                    notice(Audience::Consumer, "fc_paid"),
                    notice(Audience::Merchant, "fc_recovery"),
                ]);
                if self.owner.is_some() {
                    notify.push(notice(Audience::Owner, "fc_paid"));
                }
                true
            }
            (s, FundAdmin(_), Event::RefuseFirstCompensation)
                if s.is_open() && self.fc_in(FcState::Applied) =>
            {
                if let Some(fc) = c.first_compensation.as_mut() {
                    fc.state = FcState::Refused;
                    fc.decided_at = Some(now);
                }
                notify.push(notice(Audience::Consumer, "fc_refused"));
                true
            }
            (_, Party(M), Event::ContestRecovery)
                if self.first_compensation.as_ref().is_some_and(|fc| {
                    fc.state == FcState::Approved
                        && fc.contest.is_none()
                        && fc.contest_by.is_some_and(|d| now <= d)
                }) =>
            {
                if let Some(fc) = c.first_compensation.as_mut() {
                    fc.contest = Some(ContestState::Pending);
                }
                notify.extend([
                    notice(Audience::Arbitrators, "fc_contested"),
                    notice(Audience::FundAdmins, "fc_contested"),
                ]);
                true
            }
            (_, Arbitrator(_), Event::DecideContest { upheld })
                if self
                    .first_compensation
                    .as_ref()
                    .is_some_and(|fc| fc.contest == Some(ContestState::Pending)) =>
            {
                if let Some(fc) = c.first_compensation.as_mut() {
                    fc.contest = Some(if *upheld {
                        ContestState::Upheld
                    } else {
                        ContestState::Refused
                    });
                }
                let key = if *upheld {
                    "contest_upheld"
                } else {
                    "contest_refused"
                };
                notify.extend([
                    notice(Audience::Merchant, key),
                    notice(Audience::FundAdmins, key),
                ]);
                true
            }

            // ---- the consumer may withdraw at any time before a decision
            (
                S::AwaitingMerchant
                | S::Negotiating
                | S::Settled
                | S::InMediation
                | S::InArbitration,
                Party(C),
                Event::Withdraw,
            ) => {
                c.status = S::Withdrawn;
                c.clear_waits();
                notify.push(notice(Audience::Merchant, "withdrawn"));
                if self.owner.is_some() {
                    notify.push(notice(Audience::Owner, "withdrawn"));
                }
                true
            }
            _ => false,
        };
        // An application the fund had not decided lapses when the case ends.
        if c.status.is_final()
            && let Some(fc) = c.first_compensation.as_mut()
            && fc.state == FcState::Applied
        {
            fc.state = FcState::Lapsed;
        }
        Ok(ok.then_some(Transition { case: c, notify }))
    }

    /// When the merchant must have fulfilled what it owes: the settlement's
    /// deadline while settled, the award's once decided.
    fn fulfil_deadline(&self) -> Option<DateTime<Utc>> {
        match self.status {
            Status::Settled => self.settlement.as_ref().map(|s| s.fulfil_by),
            Status::Decided => self.decision.as_ref().map(|d| d.comply_by),
            _ => None,
        }
    }

    /// Ends an evidence request; when it had stopped the clock and no other
    /// wait does, the stage's deadline moves by the working days it was
    /// stopped.
    fn end_evidence_request(&mut self, now: DateTime<Utc>, cal: &WorkingCalendar) {
        self.evidence_request = None;
        self.restart_clock_if_free(now, cal);
    }

    /// Could `actor` ever do `event` on this case, whatever its status?
    /// (403 when not; 409 when only the status is wrong.)
    fn may_ever(&self, actor: Actor, event: &Event) -> bool {
        use super::Party::{Consumer as C, Merchant as M};
        use Actor::*;
        match (actor, event) {
            (System, Event::DeadlineElapsed) => true,
            (System, _) | (_, Event::DeadlineElapsed) => false,
            (
                Party(_),
                Event::Message | Event::Offer(_) | Event::AcceptOffer | Event::RejectOffer,
            ) => true,
            (
                Party(_),
                Event::Escalate
                | Event::AcceptProposal
                | Event::RejectProposal
                | Event::ProvideEvidence,
            ) => true,
            (Party(M), Event::Respond | Event::Comply | Event::RequestEvidence { .. }) => true,
            (
                Party(C),
                Event::ConfirmFulfilment
                | Event::Reopen
                | Event::Withdraw
                | Event::ApplyFirstCompensation,
            ) => true,
            (Party(M), Event::ContestRecovery) => true,
            (Party(_), _) => false,
            // Who recused themselves never takes the case again.
            (Mediator(id), Event::Take) | (Arbitrator(id), Event::Take) => {
                !self.recused.contains(&id)
            }
            (Arbitrator(_), Event::DecideContest { .. }) => true,
            (
                FundAdmin(_),
                Event::ApproveFirstCompensation { .. } | Event::RefuseFirstCompensation,
            ) => true,
            (FundAdmin(_), _) => false,
            (
                Mediator(id),
                Event::Message
                | Event::Handover { .. }
                | Event::Propose(_)
                | Event::Escalate
                | Event::RequestEvidence { .. },
            ) => self.owned_by(id),
            (
                Arbitrator(id),
                Event::Message
                | Event::Handover { .. }
                | Event::RequestEvidence { .. }
                | Event::Decide(_),
            ) => self.owned_by(id),
            (Mediator(_) | Arbitrator(_), _) => false,
        }
    }
}

fn accepted(p: &Proposal, party: Party) -> bool {
    match party {
        Party::Consumer => p.consumer_accepted,
        Party::Merchant => p.merchant_accepted,
    }
}

fn to_party(p: Party) -> Audience {
    match p {
        Party::Consumer => Audience::Consumer,
        Party::Merchant => Audience::Merchant,
    }
}

/// Field checks that do not depend on the case.
pub(super) fn validate(event: &Event) -> Result<(), RuleError> {
    let terms = match event {
        Event::Offer(t) | Event::Propose(t) | Event::Decide(t) => Some(t),
        _ => None,
    };
    if let Some(t) = terms {
        if t.amount.0 < 0 {
            return Err(RuleError::Invalid {
                field: "amount_fen",
                key: "err.amount_negative",
            });
        }
        if t.amount > MAX_AMOUNT {
            return Err(RuleError::Invalid {
                field: "amount_fen",
                key: "err.amount_too_large",
            });
        }
        if !(1..=MAX_FULFIL_DAYS).contains(&t.fulfil_within_days) {
            return Err(RuleError::Invalid {
                field: "fulfil_within_days",
                key: "err.fulfil_days",
            });
        }
    }
    if let Event::ApproveFirstCompensation { amount } = event {
        if amount.0 < super::input::amount_min(super::ActionKind::ApproveFirstCompensation) {
            return Err(RuleError::Invalid {
                field: "amount_fen",
                key: "err.amount_positive",
            });
        }
        if *amount > MAX_AMOUNT {
            return Err(RuleError::Invalid {
                field: "amount_fen",
                key: "err.amount_too_large",
            });
        }
    }
    if let Event::RequestEvidence { within_days, .. } = event
        && !(1..=MAX_FULFIL_DAYS).contains(within_days)
    {
        return Err(RuleError::Invalid {
            field: "within_days",
            key: "err.fulfil_days",
        });
    }
    Ok(())
}
