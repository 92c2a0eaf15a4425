//! Table tests of the case state machine: (status, actor, event) → outcome,
//! then the whole authorisation matrix, then the paths end to end.

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::Fen;
use crate::calendar::WorkingCalendar;

const MED: i32 = 10;
const OTHER_MED: i32 = 11;
const ARB: i32 = 20;
const OTHER_ARB: i32 = 21;

fn cal() -> WorkingCalendar {
    WorkingCalendar::official()
}

/// Monday 2026-11-23 10:00 Beijing.
fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T02:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn terms(amount: i64, days: u32) -> Terms {
    Terms {
        amount: Fen(amount),
        remedy: Remedy::Refund,
        fulfil_within_days: days,
    }
}

fn consumer() -> Actor {
    Actor::Party(Party::Consumer)
}

fn merchant() -> Actor {
    Actor::Party(Party::Merchant)
}

fn step(c: &Case, actor: Actor, e: Event) -> Case {
    c.apply(actor, &e, t0() + Duration::hours(1), &cal())
        .unwrap_or_else(|err| panic!("{e:?} by {actor:?} in {:?}: {err}", c.status))
        .case
}

fn filed() -> Case {
    Case::file(Fen(10_000), t0(), &cal(), false).case
}
fn negotiating() -> Case {
    step(&filed(), merchant(), Event::Respond)
}
fn offered_by_merchant() -> Case {
    step(&negotiating(), merchant(), Event::Offer(terms(5_000, 3)))
}
fn settled() -> Case {
    step(&offered_by_merchant(), consumer(), Event::AcceptOffer)
}
fn queued_mediation() -> Case {
    step(&negotiating(), consumer(), Event::Escalate)
}
fn mediating() -> Case {
    step(&queued_mediation(), Actor::Mediator(MED), Event::Take)
}
fn proposed() -> Case {
    step(
        &mediating(),
        Actor::Mediator(MED),
        Event::Propose(terms(8_000, 5)),
    )
}
fn queued_arbitration() -> Case {
    step(&mediating(), Actor::Mediator(MED), Event::Escalate)
}
fn arbitrating() -> Case {
    step(&queued_arbitration(), Actor::Arbitrator(ARB), Event::Take)
}
fn decided() -> Case {
    step(
        &arbitrating(),
        Actor::Arbitrator(ARB),
        Event::Decide(terms(9_000, 7)),
    )
}
fn complied() -> Case {
    step(&decided(), merchant(), Event::Comply)
}
fn closed() -> Case {
    step(&complied(), consumer(), Event::ConfirmFulfilment)
}
fn withdrawn() -> Case {
    step(&negotiating(), consumer(), Event::Withdraw)
}

const FUND: i32 = 30;

fn at(c: &Case, actor: Actor, e: Event, now: DateTime<Utc>) -> Case {
    c.apply(actor, &e, now, &cal())
        .unwrap_or_else(|err| panic!("{e:?} by {actor:?} in {:?}: {err}", c.status))
        .case
}
/// The award's deadline passed without compliance.
fn non_compliant() -> Case {
    let d = decided();
    let due = d.decision.clone().unwrap().comply_by;
    at(&d, Actor::System, Event::DeadlineElapsed, due)
}
fn fc_applied() -> Case {
    step(&non_compliant(), consumer(), Event::ApplyFirstCompensation)
}
fn fc_paid() -> Case {
    step(
        &fc_applied(),
        Actor::FundAdmin(FUND),
        Event::ApproveFirstCompensation { amount: Fen(9_000) },
    )
}
fn contested() -> Case {
    step(&fc_paid(), merchant(), Event::ContestRecovery)
}

#[derive(Debug, PartialEq)]
enum Want {
    To(Status),
    NotYours,
    NotNow,
}

fn outcome(c: &Case, actor: Actor, e: Event, now: DateTime<Utc>) -> Want {
    match c.apply(actor, &e, now, &cal()) {
        Ok(t) => Want::To(t.case.status),
        Err(RuleError::NotYours) => Want::NotYours,
        Err(RuleError::NotNow { .. }) => Want::NotNow,
        Err(e) => panic!("unexpected {e}"),
    }
}

/// (what, case, actor, event, now, expected outcome)
type Row = (&'static str, Case, Actor, Event, DateTime<Utc>, Want);

#[test]
fn transitions_table() {
    use Want::*;
    let soon = t0() + Duration::hours(1);
    let after_respond_by = filed().respond_by + Duration::minutes(1);
    let after_negotiation = filed().negotiate_until;
    let rows: Vec<Row> = vec![
        (
            "merchant responds",
            filed(),
            merchant(),
            Event::Respond,
            soon,
            To(Status::Negotiating),
        ),
        (
            "consumer cannot respond for the merchant",
            filed(),
            consumer(),
            Event::Respond,
            soon,
            NotYours,
        ),
        (
            "a first offer is a response",
            filed(),
            merchant(),
            Event::Offer(terms(1, 1)),
            soon,
            To(Status::Negotiating),
        ),
        (
            "consumer cannot offer before the merchant answers",
            filed(),
            consumer(),
            Event::Offer(terms(1, 1)),
            soon,
            NotNow,
        ),
        (
            "escalating before the first-response deadline is refused",
            filed(),
            consumer(),
            Event::Escalate,
            soon,
            NotNow,
        ),
        (
            "escalating after it is allowed",
            filed(),
            consumer(),
            Event::Escalate,
            after_respond_by,
            To(Status::InMediation),
        ),
        (
            "the sweeper escalates at the end of negotiation",
            filed(),
            Actor::System,
            Event::DeadlineElapsed,
            after_negotiation,
            To(Status::InMediation),
        ),
        (
            "…but not before",
            negotiating(),
            Actor::System,
            Event::DeadlineElapsed,
            soon,
            NotNow,
        ),
        (
            "the sweeper escalates a negotiation too",
            negotiating(),
            Actor::System,
            Event::DeadlineElapsed,
            after_negotiation,
            To(Status::InMediation),
        ),
        (
            "merchant answers only once",
            negotiating(),
            merchant(),
            Event::Respond,
            soon,
            NotNow,
        ),
        (
            "either side escalates a negotiation",
            negotiating(),
            merchant(),
            Event::Escalate,
            soon,
            To(Status::InMediation),
        ),
        (
            "consumer counter-offers",
            offered_by_merchant(),
            consumer(),
            Event::Offer(terms(7_000, 3)),
            soon,
            To(Status::Negotiating),
        ),
        (
            "consumer accepts the merchant's offer",
            offered_by_merchant(),
            consumer(),
            Event::AcceptOffer,
            soon,
            To(Status::Settled),
        ),
        (
            "nobody accepts their own offer",
            offered_by_merchant(),
            merchant(),
            Event::AcceptOffer,
            soon,
            NotNow,
        ),
        (
            "consumer rejects the offer",
            offered_by_merchant(),
            consumer(),
            Event::RejectOffer,
            soon,
            To(Status::Negotiating),
        ),
        (
            "no offer, nothing to accept",
            negotiating(),
            consumer(),
            Event::AcceptOffer,
            soon,
            NotNow,
        ),
        (
            "a mediator cannot act in negotiation",
            negotiating(),
            Actor::Mediator(MED),
            Event::Take,
            soon,
            NotNow,
        ),
        (
            "merchant says it fulfilled the settlement",
            settled(),
            merchant(),
            Event::Comply,
            soon,
            To(Status::Settled),
        ),
        (
            "consumer confirms fulfilment",
            settled(),
            consumer(),
            Event::ConfirmFulfilment,
            soon,
            To(Status::Closed),
        ),
        (
            "consumer reopens a negotiated settlement: mediation",
            settled(),
            consumer(),
            Event::Reopen,
            soon,
            To(Status::InMediation),
        ),
        (
            "merchant cannot reopen",
            settled(),
            merchant(),
            Event::Reopen,
            soon,
            NotYours,
        ),
        (
            "an unfulfilled settlement past its deadline is non-compliant",
            settled(),
            Actor::System,
            Event::DeadlineElapsed,
            settled().settlement.unwrap().fulfil_by,
            To(Status::NonCompliant),
        ),
        (
            "a mediator takes a queued case",
            queued_mediation(),
            Actor::Mediator(MED),
            Event::Take,
            soon,
            To(Status::InMediation),
        ),
        (
            "an arbitrator cannot take a mediation case",
            queued_mediation(),
            Actor::Arbitrator(ARB),
            Event::Take,
            soon,
            NotNow,
        ),
        (
            "a second mediator cannot take an owned case",
            mediating(),
            Actor::Mediator(OTHER_MED),
            Event::Take,
            soon,
            NotNow,
        ),
        (
            "only the owner proposes",
            mediating(),
            Actor::Mediator(OTHER_MED),
            Event::Propose(terms(1, 1)),
            soon,
            NotYours,
        ),
        (
            "the owner hands over",
            mediating(),
            Actor::Mediator(MED),
            Event::Handover { to: OTHER_MED },
            soon,
            To(Status::InMediation),
        ),
        (
            "a non-owner cannot hand over",
            mediating(),
            Actor::Mediator(OTHER_MED),
            Event::Handover { to: MED },
            soon,
            NotYours,
        ),
        (
            "one acceptance is not a settlement",
            proposed(),
            consumer(),
            Event::AcceptProposal,
            soon,
            To(Status::InMediation),
        ),
        (
            "a party rejects the proposal",
            proposed(),
            merchant(),
            Event::RejectProposal,
            soon,
            To(Status::InMediation),
        ),
        (
            "mediation fails: arbitration",
            mediating(),
            Actor::Mediator(MED),
            Event::Escalate,
            soon,
            To(Status::InArbitration),
        ),
        (
            "mediation times out: arbitration",
            mediating(),
            Actor::System,
            Event::DeadlineElapsed,
            mediating().mediate_until.unwrap(),
            To(Status::InArbitration),
        ),
        (
            "parties cannot escalate mediation themselves",
            mediating(),
            consumer(),
            Event::Escalate,
            soon,
            NotNow,
        ),
        (
            "an arbitrator takes a queued case",
            queued_arbitration(),
            Actor::Arbitrator(ARB),
            Event::Take,
            soon,
            To(Status::InArbitration),
        ),
        (
            "only the owning arbitrator decides",
            arbitrating(),
            Actor::Arbitrator(OTHER_ARB),
            Event::Decide(terms(1, 1)),
            soon,
            NotYours,
        ),
        (
            "a mediator cannot decide",
            arbitrating(),
            Actor::Mediator(MED),
            Event::Decide(terms(1, 1)),
            soon,
            NotYours,
        ),
        (
            "the owner decides",
            arbitrating(),
            Actor::Arbitrator(ARB),
            Event::Decide(terms(9_000, 7)),
            soon,
            To(Status::Decided),
        ),
        (
            "the consumer withdraws in arbitration",
            arbitrating(),
            consumer(),
            Event::Withdraw,
            soon,
            To(Status::Withdrawn),
        ),
        (
            "…but not after the decision",
            decided(),
            consumer(),
            Event::Withdraw,
            soon,
            NotNow,
        ),
        (
            "a missed award is non-compliance",
            decided(),
            Actor::System,
            Event::DeadlineElapsed,
            decided().decision.unwrap().comply_by,
            To(Status::NonCompliant),
        ),
        (
            "a claimed compliance disputed by the consumer is non-compliance",
            complied(),
            consumer(),
            Event::Reopen,
            soon,
            To(Status::NonCompliant),
        ),
        (
            "the consumer's silence after compliance closes the case",
            complied(),
            Actor::System,
            Event::DeadlineElapsed,
            complied().confirm_by.unwrap(),
            To(Status::Closed),
        ),
        (
            "nothing happens to a closed case",
            closed(),
            consumer(),
            Event::Message,
            soon,
            NotNow,
        ),
        (
            "nothing happens to a withdrawn case",
            withdrawn(),
            merchant(),
            Event::Respond,
            soon,
            NotNow,
        ),
        (
            "staff never act as a party",
            negotiating(),
            Actor::Mediator(MED),
            Event::AcceptOffer,
            soon,
            NotYours,
        ),
        (
            "the sweeper cannot act as a party",
            negotiating(),
            Actor::System,
            Event::Withdraw,
            soon,
            NotYours,
        ),
    ];
    for (name, case, actor, event, now, want) in rows {
        assert_eq!(outcome(&case, actor, event, now), want, "{name}");
    }
}

#[test]
fn authorisation_matrix_every_action_by_every_actor_in_every_status() {
    let fixtures = [
        ("filed", filed()),
        ("negotiating", negotiating()),
        ("offered", offered_by_merchant()),
        ("settled", settled()),
        ("queued_mediation", queued_mediation()),
        ("mediating", mediating()),
        ("proposed", proposed()),
        ("queued_arbitration", queued_arbitration()),
        ("arbitrating", arbitrating()),
        ("decided", decided()),
        ("complied", complied()),
        ("closed", closed()),
        ("withdrawn", withdrawn()),
        ("non_compliant", non_compliant()),
        ("fc_applied", fc_applied()),
        ("fc_paid", fc_paid()),
        ("contested", contested()),
    ];
    let actors = [
        consumer(),
        merchant(),
        Actor::Mediator(MED),
        Actor::Mediator(OTHER_MED),
        Actor::Arbitrator(ARB),
        Actor::Arbitrator(OTHER_ARB),
        Actor::FundAdmin(FUND),
        Actor::System,
    ];
    let now = t0() + Duration::hours(1);
    let mut allowed_somewhere = std::collections::HashSet::new();
    for (name, case) in &fixtures {
        for actor in actors {
            let allowed = case.allowed_actions(actor, now, &cal());
            for kind in allowed.iter().copied() {
                allowed_somewhere.insert(kind);
                // A non-owner staff member may only ever take a queued case.
                if matches!(
                    actor,
                    Actor::Mediator(OTHER_MED) | Actor::Arbitrator(OTHER_ARB)
                ) {
                    // …or, an arbitrator, decide a contested recovery (any arbitrator).
                    if kind == ActionKind::DecideContest {
                        continue;
                    }
                    assert_eq!(kind, ActionKind::Take, "{name}: {actor:?} may {kind}");
                    assert!(
                        case.owner.is_none(),
                        "{name}: {actor:?} takes an owned case"
                    );
                }
                // Staff never do what only the parties do.
                if matches!(actor, Actor::Mediator(_) | Actor::Arbitrator(_)) {
                    assert!(
                        !matches!(
                            kind,
                            ActionKind::Respond
                                | ActionKind::Offer
                                | ActionKind::AcceptOffer
                                | ActionKind::RejectOffer
                                | ActionKind::AcceptProposal
                                | ActionKind::RejectProposal
                                | ActionKind::Comply
                                | ActionKind::ConfirmFulfilment
                                | ActionKind::Reopen
                                | ActionKind::Withdraw
                        ),
                        "{name}: {actor:?} may {kind}"
                    );
                }
                // Only merchants respond and comply; only consumers confirm, reopen, withdraw.
                if matches!(kind, ActionKind::Respond | ActionKind::Comply) {
                    assert_eq!(actor, merchant(), "{name}: {kind}");
                }
                if matches!(
                    kind,
                    ActionKind::ConfirmFulfilment | ActionKind::Reopen | ActionKind::Withdraw
                ) {
                    assert_eq!(actor, consumer(), "{name}: {kind}");
                }
                if matches!(kind, ActionKind::Propose) {
                    assert_eq!(actor, Actor::Mediator(MED), "{name}");
                }
                if kind == ActionKind::Decide {
                    assert_eq!(actor, Actor::Arbitrator(ARB), "{name}");
                }
                // Documents are asked by the merchant in negotiation, by the
                // owner in mediation and arbitration; never by the consumer.
                if kind == ActionKind::RequestEvidence {
                    let want = match case.status {
                        Status::Negotiating => merchant(),
                        Status::InMediation => Actor::Mediator(MED),
                        Status::InArbitration => Actor::Arbitrator(ARB),
                        s => panic!("{name}: a document asked while {s}"),
                    };
                    assert_eq!(actor, want, "{name}");
                }
            }
            // Fund administrators only approve or refuse first compensation.
            if matches!(actor, Actor::FundAdmin(_)) {
                assert!(
                    allowed.iter().all(|k| matches!(
                        k,
                        ActionKind::ApproveFirstCompensation | ActionKind::RefuseFirstCompensation
                    )),
                    "{name}: fund may {allowed:?}"
                );
            }
            if actor == Actor::System {
                assert!(allowed.is_empty(), "{name}: {actor:?} may {allowed:?}");
            }
            // A finished case is only read — except a recovery's contest and its decision.
            if case.status.is_final() {
                assert!(
                    allowed.iter().all(|k| matches!(
                        k,
                        ActionKind::ContestRecovery | ActionKind::DecideContest
                    )),
                    "{name}: {actor:?} may {allowed:?}"
                );
            }
            // What is refused is refused with the list of what is allowed.
            for kind in ActionKind::ALL
                .iter()
                .copied()
                .filter(|k| !allowed.contains(k))
            {
                match case.apply(actor, &Event::sample(kind, actor), now, &cal()) {
                    Err(RuleError::NotNow {
                        allowed: listed, ..
                    }) => assert_eq!(listed, allowed, "{name} {actor:?} {kind}"),
                    Err(RuleError::NotYours) => {}
                    other => panic!("{name}: {actor:?} {kind}: {other:?}"),
                }
            }
        }
    }
    // Every action is possible somewhere.
    for kind in ActionKind::ALL {
        assert!(
            allowed_somewhere.contains(kind) || *kind == ActionKind::ProvideEvidence,
            "{kind} is never allowed"
        );
    }
}

#[test]
fn both_acceptances_make_a_mediated_settlement_and_reopening_it_goes_to_arbitration() {
    let c = step(&proposed(), consumer(), Event::AcceptProposal);
    assert_eq!(c.waiting_on(), vec![Audience::Merchant]);
    let c = step(&c, merchant(), Event::AcceptProposal);
    assert_eq!(c.status, Status::Settled);
    let s = c.settlement.clone().unwrap();
    assert_eq!((s.via, s.terms.amount), (Stage::Mediation, Fen(8_000)));
    assert_eq!(
        step(&c, consumer(), Event::Reopen).status,
        Status::InArbitration
    );
}

#[test]
fn evidence_from_the_consumer_pauses_the_clock() {
    let c = arbitrating();
    let decide_by = c.decide_by.unwrap();
    let asked_at = t0() + Duration::hours(1);
    let t = c
        .apply(
            Actor::Arbitrator(ARB),
            &Event::RequestEvidence {
                party: Party::Consumer,
                within_days: 5,
            },
            asked_at,
            &cal(),
        )
        .unwrap();
    assert_eq!(
        t.notify,
        vec![
            n(Audience::Consumer, "evidence_requested"),
            n(Audience::Merchant, "clock_stopped"),
        ]
    );
    assert_eq!(t.case.paused_at, Some(asked_at));
    assert_eq!(t.case.waiting_on(), vec![Audience::Consumer]);
    // The merchant may not answer for the consumer.
    assert_eq!(
        t.case
            .apply(merchant(), &Event::ProvideEvidence, asked_at, &cal())
            .unwrap_err(),
        RuleError::NotNow {
            status: Status::InArbitration,
            allowed: t.case.allowed_actions(merchant(), asked_at, &cal())
        }
    );
    // Two working days later (Monday → Wednesday) the consumer provides it: the deadline moves by two working days.
    let later = asked_at + Duration::days(2);
    let c2 = t
        .case
        .apply(consumer(), &Event::ProvideEvidence, later, &cal())
        .unwrap()
        .case;
    assert_eq!(c2.paused_at, None);
    assert_eq!(
        c2.decide_by,
        Some(cal().deadline(decide_by - Duration::seconds(1), 2))
    );
    // Evidence from the merchant does not stop the clock.
    let t = c
        .apply(
            Actor::Arbitrator(ARB),
            &Event::RequestEvidence {
                party: Party::Merchant,
                within_days: 5,
            },
            asked_at,
            &cal(),
        )
        .unwrap();
    assert_eq!(t.case.paused_at, None);
    // An unanswered request lapses at its deadline.
    let due = t.case.evidence_request.clone().unwrap().due;
    assert_eq!(t.case.next_deadline(), Some(due));
    let lapsed = t
        .case
        .apply(Actor::System, &Event::DeadlineElapsed, due, &cal())
        .unwrap()
        .case;
    assert_eq!(
        (lapsed.status, lapsed.evidence_request.clone()),
        (Status::InArbitration, None)
    );
}

#[test]
fn the_sweeper_is_idempotent() {
    let c = filed();
    let at = c.negotiate_until;
    let once = c
        .apply(Actor::System, &Event::DeadlineElapsed, at, &cal())
        .unwrap()
        .case;
    assert_eq!(once.status, Status::InMediation);
    // Running again at the same instant finds nothing to do.
    assert!(matches!(
        once.apply(Actor::System, &Event::DeadlineElapsed, at, &cal()),
        Err(RuleError::NotNow { .. })
    ));
    assert!(once.next_deadline().unwrap() > at);
}

#[test]
fn deadlines_follow_working_days_from_filing() {
    // Filed Monday 2026-11-23: answer by end of Wednesday, negotiation until end of Monday 12-07.
    let c = filed();
    assert_eq!(
        c.respond_by,
        DateTime::parse_from_rfc3339("2026-11-25T16:00:00Z").unwrap()
    );
    assert_eq!(
        c.negotiate_until,
        DateTime::parse_from_rfc3339("2026-12-07T16:00:00Z").unwrap()
    );
    assert_eq!(c.waiting_on(), vec![Audience::Merchant]);
    assert_eq!(c.deadlines().len(), 2);
}

#[test]
fn black_listed_merchants_go_straight_to_mediation() {
    let t = Case::file(Fen(100), t0(), &cal(), true);
    assert_eq!(t.case.status, Status::InMediation);
    assert!(t.notify.contains(&Notice {
        to: Audience::Mediators,
        key: "queued_mediation"
    }));
}

#[test]
fn terms_are_checked() {
    let bad = [
        (terms(-1, 3), "amount_fen"),
        (terms(1, 0), "fulfil_within_days"),
        (terms(1, MAX_FULFIL_DAYS + 1), "fulfil_within_days"),
    ];
    for (t, field) in bad {
        match negotiating().apply(merchant(), &Event::Offer(t), t0(), &cal()) {
            Err(RuleError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{other:?}"),
        }
    }
}

// ---- first compensation (先行赔付)

#[test]
fn first_compensation_table() {
    use Want::*;
    let soon = t0() + Duration::hours(1);
    let after_respond_by = filed().respond_by + Duration::minutes(1);
    let fund = Actor::FundAdmin(FUND);
    let approve = |a: i64| Event::ApproveFirstCompensation { amount: Fen(a) };
    let rows: Vec<Row> = vec![
        (
            "a consumer may apply once the award is not honoured",
            non_compliant(),
            consumer(),
            Event::ApplyFirstCompensation,
            soon,
            To(Status::NonCompliant),
        ),
        (
            "not before the merchant's first-response deadline",
            filed(),
            consumer(),
            Event::ApplyFirstCompensation,
            soon,
            NotNow,
        ),
        (
            "after a missed first response the consumer may apply",
            filed(),
            consumer(),
            Event::ApplyFirstCompensation,
            after_respond_by,
            To(Status::AwaitingMerchant),
        ),
        (
            "not once the merchant answered",
            negotiating(),
            consumer(),
            Event::ApplyFirstCompensation,
            after_respond_by,
            NotNow,
        ),
        (
            "the merchant never applies",
            non_compliant(),
            merchant(),
            Event::ApplyFirstCompensation,
            soon,
            NotYours,
        ),
        (
            "one application at a time",
            fc_applied(),
            consumer(),
            Event::ApplyFirstCompensation,
            soon,
            NotNow,
        ),
        (
            "the fund pays and the case closes",
            fc_applied(),
            fund,
            approve(9_000),
            soon,
            To(Status::Closed),
        ),
        (
            "a mediator cannot pay",
            fc_applied(),
            Actor::Mediator(MED),
            approve(9_000),
            soon,
            NotYours,
        ),
        (
            "the arbitrator who decided cannot pay either",
            fc_applied(),
            Actor::Arbitrator(ARB),
            approve(9_000),
            soon,
            NotYours,
        ),
        (
            "no approval without an application",
            non_compliant(),
            fund,
            approve(9_000),
            soon,
            NotNow,
        ),
        ("never twice", fc_paid(), fund, approve(1), soon, NotNow),
        (
            "the fund may refuse",
            fc_applied(),
            fund,
            Event::RefuseFirstCompensation,
            soon,
            To(Status::NonCompliant),
        ),
        (
            "the merchant contests within five working days",
            fc_paid(),
            merchant(),
            Event::ContestRecovery,
            soon,
            To(Status::Closed),
        ),
        (
            "the consumer does not contest a recovery",
            fc_paid(),
            consumer(),
            Event::ContestRecovery,
            soon,
            NotYours,
        ),
        (
            "only once",
            contested(),
            merchant(),
            Event::ContestRecovery,
            soon,
            NotNow,
        ),
        (
            "any arbitrator decides the contest",
            contested(),
            Actor::Arbitrator(OTHER_ARB),
            Event::DecideContest { upheld: true },
            soon,
            To(Status::Closed),
        ),
        (
            "a mediator does not",
            contested(),
            Actor::Mediator(MED),
            Event::DecideContest { upheld: true },
            soon,
            NotYours,
        ),
        (
            "nothing to decide without a contest",
            fc_paid(),
            Actor::Arbitrator(ARB),
            Event::DecideContest { upheld: false },
            soon,
            NotNow,
        ),
    ];
    for (name, case, actor, event, now, want) in rows {
        assert_eq!(outcome(&case, actor, event, now), want, "{name}");
    }
}

#[test]
fn the_fund_pays_at_most_the_award_and_never_nothing() {
    let c = fc_applied();
    let fc = c.first_compensation.clone().unwrap();
    assert_eq!((fc.basis, fc.limit), (FcBasis::NonCompliance, Fen(9_000)));
    let soon = t0() + Duration::hours(1);
    for (amount, key) in [
        (9_001, "err.fc_over_limit"),
        (0, "err.amount_positive"),
        (-5, "err.amount_positive"),
    ] {
        assert_eq!(
            c.apply(
                Actor::FundAdmin(FUND),
                &Event::ApproveFirstCompensation {
                    amount: Fen(amount)
                },
                soon,
                &cal()
            ),
            Err(RuleError::Invalid {
                field: "amount_fen",
                key
            }),
            "{amount}"
        );
    }
    let paid = fc_paid();
    let fc = paid.first_compensation.clone().unwrap();
    assert_eq!(
        (fc.state, fc.amount, fc.contest),
        (FcState::Approved, Some(Fen(9_000)), None)
    );
    // Five working days to contest, shown as a deadline.
    assert_eq!(
        fc.contest_by,
        Some(cal().deadline(soon, CONTEST_DAYS)),
        "contest window"
    );
    assert!(
        paid.deadlines()
            .iter()
            .any(|(k, _)| *k == "deadline.contest_by")
    );
    // After the window, no contest.
    let late = fc.contest_by.unwrap() + Duration::minutes(1);
    assert!(matches!(
        paid.apply(merchant(), &Event::ContestRecovery, late, &cal()),
        Err(RuleError::NotNow { .. })
    ));
}

#[test]
fn a_missed_first_response_qualifies_for_the_claim_and_a_refusal_allows_another_basis() {
    let after = filed().respond_by + Duration::minutes(1);
    let applied = at(&filed(), consumer(), Event::ApplyFirstCompensation, after);
    let fc = applied.first_compensation.clone().unwrap();
    assert_eq!((fc.basis, fc.limit), (FcBasis::NoResponse, Fen(10_000)));
    assert_eq!(
        applied.waiting_on(),
        vec![Audience::Merchant, Audience::FundAdmins]
    );
    let refused = at(
        &applied,
        Actor::FundAdmin(FUND),
        Event::RefuseFirstCompensation,
        after,
    );
    // The same basis again is refused…
    assert!(matches!(
        refused.apply(consumer(), &Event::ApplyFirstCompensation, after, &cal()),
        Err(RuleError::NotNow { .. })
    ));
    // …a claim of nothing never qualifies.
    let nothing = Case::file(Fen(0), t0(), &cal(), false).case;
    assert_eq!(nothing.first_compensation_basis(after), None);
}

#[test]
fn an_undecided_application_lapses_when_the_case_ends() {
    let after = filed().respond_by + Duration::minutes(1);
    let applied = at(&filed(), consumer(), Event::ApplyFirstCompensation, after);
    let gone = at(&applied, consumer(), Event::Withdraw, after);
    assert_eq!(gone.status, Status::Withdrawn);
    assert_eq!(
        gone.first_compensation.map(|fc| fc.state),
        Some(FcState::Lapsed)
    );
}

#[test]
fn states_saved_before_first_compensation_existed_still_load() {
    let mut v = serde_json::to_value(negotiating()).unwrap();
    v.as_object_mut().unwrap().remove("first_compensation");
    let c: Case = serde_json::from_value(v).unwrap();
    assert_eq!(c, negotiating());
}

#[test]
fn a_missed_decision_deadline_makes_the_case_overdue_once() {
    let c = arbitrating();
    let decide_by = c.decide_by.unwrap();
    // The sweeper looks at the case when the decision is due.
    assert_eq!(c.next_deadline(), Some(decide_by));
    // Not before.
    assert!(matches!(
        c.apply(
            Actor::System,
            &Event::DeadlineElapsed,
            decide_by - Duration::seconds(1),
            &cal()
        ),
        Err(RuleError::NotNow { .. })
    ));
    let t = c
        .apply(Actor::System, &Event::DeadlineElapsed, decide_by, &cal())
        .unwrap();
    assert_eq!(t.case.status, Status::InArbitration);
    assert_eq!(t.case.decision_overdue_at, Some(decide_by));
    assert_eq!(
        t.notify,
        vec![
            n(Audience::Owner, "decision_overdue"),
            n(Audience::Consumer, "decision_overdue_party"),
            n(Audience::Merchant, "decision_overdue_party"),
        ]
    );
    // Marked once: the sweeper has nothing more to do with it.
    assert_eq!(t.case.next_deadline(), None);
    assert!(matches!(
        t.case.apply(
            Actor::System,
            &Event::DeadlineElapsed,
            decide_by + Duration::days(3),
            &cal()
        ),
        Err(RuleError::NotNow { .. })
    ));
    // The arbitrator may still decide; the lateness stays on record.
    let later = decide_by + Duration::days(2);
    let d = t
        .case
        .apply(
            Actor::Arbitrator(ARB),
            &Event::Decide(terms(9_000, 7)),
            later,
            &cal(),
        )
        .unwrap()
        .case;
    assert_eq!(d.status, Status::Decided);
    assert_eq!(d.decision_overdue_at, Some(decide_by));
}

#[test]
fn an_unowned_overdue_case_alerts_every_arbitrator() {
    let c = queued_arbitration();
    let decide_by = c.decide_by.unwrap();
    let t = c
        .apply(Actor::System, &Event::DeadlineElapsed, decide_by, &cal())
        .unwrap();
    assert_eq!(t.notify[0], n(Audience::Arbitrators, "decision_overdue"));
}

#[test]
fn the_decision_deadline_does_not_run_while_the_clock_is_stopped() {
    let c = arbitrating();
    let decide_by = c.decide_by.unwrap();
    let asked = step(
        &c,
        Actor::Arbitrator(ARB),
        Event::RequestEvidence {
            party: Party::Consumer,
            within_days: 60,
        },
    );
    // Only the evidence request's own deadline counts while paused.
    let due = asked.evidence_request.clone().unwrap().due;
    assert!(due > decide_by);
    assert_eq!(asked.next_deadline(), Some(due));
    assert!(matches!(
        asked.apply(Actor::System, &Event::DeadlineElapsed, decide_by, &cal()),
        Err(RuleError::NotNow { .. })
    ));
    // The consumer answers after the old deadline: the stopped days are
    // given back, so the case is not overdue.
    let answered = asked
        .apply(
            consumer(),
            &Event::ProvideEvidence,
            decide_by + Duration::days(1),
            &cal(),
        )
        .unwrap()
        .case;
    assert_eq!(answered.decision_overdue_at, None);
    assert!(answered.decide_by.unwrap() > decide_by + Duration::days(1));
    assert_eq!(answered.next_deadline(), answered.decide_by);
}

fn n(to: Audience, key: &'static str) -> Notice {
    Notice { to, key }
}

// ---- clocks that stop while the case waits on the consumer (negotiation
// and mediation; arbitration above)

fn ask(party: Party, within_days: u32) -> Event {
    Event::RequestEvidence { party, within_days }
}

fn hours(h: i64) -> Duration {
    Duration::hours(h)
}

#[test]
fn a_document_the_merchant_asks_for_stops_the_negotiation_clock() {
    let c = negotiating();
    let until = c.negotiate_until;
    let asked_at = t0() + hours(1);
    let t = c
        .apply(merchant(), &ask(Party::Consumer, 3), asked_at, &cal())
        .unwrap();
    assert_eq!(t.notify, vec![n(Audience::Consumer, "evidence_requested")]);
    let asked = t.case;
    assert_eq!(asked.paused_at, Some(asked_at));
    let due = cal().deadline(asked_at, 3);
    assert_eq!(asked.consumer_waits(), vec![(ConsumerWait::Document, due)]);
    assert!(asked.waiting_on().contains(&Audience::Consumer));
    // The sweeper wakes for the document's due, not for the stopped deadline.
    assert_eq!(asked.next_deadline(), Some(due));
    let view = ClockStopView::of(&asked).unwrap();
    assert_eq!(view.since_local, "2026-11-23 11:00");
    assert_eq!(view.waits[0].until_local, "2026-11-26 24:00");
    // Only the consumer answers it.
    assert!(matches!(
        asked.apply(merchant(), &Event::ProvideEvidence, asked_at, &cal()),
        Err(RuleError::NotNow { .. })
    ));
    // Monday → Wednesday: the deadline moves by two working days.
    let t = asked
        .apply(
            consumer(),
            &Event::ProvideEvidence,
            asked_at + Duration::days(2),
            &cal(),
        )
        .unwrap();
    assert_eq!(t.notify, vec![n(Audience::Merchant, "evidence_provided")]);
    assert_eq!(t.case.paused_at, None);
    assert_eq!(t.case.evidence_request, None);
    assert_eq!(
        t.case.negotiate_until,
        cal().deadline(until - Duration::seconds(1), 2)
    );
    assert_eq!(t.case.next_deadline(), Some(t.case.negotiate_until));
    assert_eq!(ClockStopView::of(&t.case), None);
}

#[test]
fn who_may_ask_for_a_document_and_for_how_long() {
    let c = negotiating();
    let now = t0() + hours(1);
    let invalid = |r: Result<Transition, RuleError>| match r {
        Err(RuleError::Invalid { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    // The merchant asks the consumer only, for at most 10 working days.
    assert_eq!(
        invalid(c.apply(merchant(), &ask(Party::Merchant, 3), now, &cal())),
        "party"
    );
    assert_eq!(
        invalid(c.apply(
            merchant(),
            &ask(Party::Consumer, STAGE_REQUEST_MAX_DAYS + 1),
            now,
            &cal()
        )),
        "within_days"
    );
    assert!(
        c.apply(
            merchant(),
            &ask(Party::Consumer, STAGE_REQUEST_MAX_DAYS),
            now,
            &cal()
        )
        .is_ok()
    );
    // Not the consumer, not staff in negotiation.
    for actor in [consumer(), Actor::Mediator(MED), Actor::Arbitrator(ARB)] {
        assert_eq!(
            c.apply(actor, &ask(Party::Consumer, 3), now, &cal()),
            Err(RuleError::NotYours),
            "{actor:?}"
        );
    }
    // Before answering the complaint, the merchant responds first.
    assert!(matches!(
        filed().apply(merchant(), &ask(Party::Consumer, 3), now, &cal()),
        Err(RuleError::NotNow { .. })
    ));
    // One request at a time.
    let asked = at(&c, merchant(), ask(Party::Consumer, 3), now);
    assert!(matches!(
        asked.apply(merchant(), &ask(Party::Consumer, 3), now, &cal()),
        Err(RuleError::NotNow { .. })
    ));
    // In mediation: the owner, for either party; not another mediator.
    let m = mediating();
    assert_eq!(
        m.apply(
            Actor::Mediator(OTHER_MED),
            &ask(Party::Consumer, 3),
            now,
            &cal()
        ),
        Err(RuleError::NotYours)
    );
    assert!(matches!(
        m.apply(merchant(), &ask(Party::Consumer, 3), now, &cal()),
        Err(RuleError::NotNow { .. })
    ));
    assert_eq!(
        invalid(m.apply(
            Actor::Mediator(MED),
            &ask(Party::Consumer, STAGE_REQUEST_MAX_DAYS + 1),
            now,
            &cal()
        )),
        "within_days"
    );
    // Arbitration keeps its longer limit.
    assert!(
        arbitrating()
            .apply(
                Actor::Arbitrator(ARB),
                &ask(Party::Consumer, 60),
                now,
                &cal()
            )
            .is_ok()
    );
}

#[test]
fn the_sweeper_does_not_escalate_while_the_clock_is_stopped_and_the_wait_ends_by_itself() {
    let c = negotiating();
    let until = c.negotiate_until;
    // Tuesday 2026-12-01, a week before negotiation ends: a document, 5 days.
    let asked_at = t0() + Duration::days(8);
    let asked = at(&c, merchant(), ask(Party::Consumer, 5), asked_at);
    let due = asked.evidence_request.clone().unwrap().due;
    assert!(due > until);
    // At the old end of negotiation nothing happens.
    assert!(matches!(
        asked.apply(Actor::System, &Event::DeadlineElapsed, until, &cal()),
        Err(RuleError::NotNow { .. })
    ));
    // The consumer never answers: at its due the wait ends, the clock runs.
    let t = asked
        .apply(Actor::System, &Event::DeadlineElapsed, due, &cal())
        .unwrap();
    assert_eq!(t.case.status, Status::Negotiating);
    assert_eq!(
        t.notify,
        vec![
            n(Audience::Merchant, "evidence_overdue"),
            n(Audience::Consumer, "wait_lapsed"),
        ]
    );
    let lapsed = t.case;
    assert_eq!(
        (lapsed.paused_at, lapsed.evidence_request.clone()),
        (None, None)
    );
    // Stopped Tue 1 … Tue 8 December: six working days given back.
    assert_eq!(
        lapsed.negotiate_until,
        cal().deadline(until - Duration::seconds(1), 6)
    );
    assert_eq!(lapsed.next_deadline(), Some(lapsed.negotiate_until));
    // A silent consumer: the merchant's next offer or request no longer stops the clock.
    let offered = at(&lapsed, merchant(), Event::Offer(terms(1_000, 3)), due);
    assert_eq!((offered.paused_at, offered.answer_due), (None, None));
    let asked_again = at(&offered, merchant(), ask(Party::Consumer, 5), due);
    assert_eq!(asked_again.paused_at, None);
    assert!(asked_again.consumer_waits().is_empty());
    // …and negotiation ends when its moved deadline comes.
    let end = asked_again.negotiate_until;
    let t = asked_again
        .apply(Actor::System, &Event::DeadlineElapsed, end, &cal())
        .unwrap();
    // (the unanswered request lapses first, without another stop)
    let t = if t.case.status == Status::Negotiating {
        assert_eq!(t.case.negotiate_until, end);
        t.case
            .apply(Actor::System, &Event::DeadlineElapsed, end, &cal())
            .unwrap()
    } else {
        t
    };
    assert_eq!(t.case.status, Status::InMediation);
    assert_eq!(t.case.paused_at, None);
}

#[test]
fn the_consumers_answer_to_an_offer_stops_the_clock_for_at_most_five_working_days() {
    let offered_at = t0() + hours(1);
    let c = offered_by_merchant();
    let until = negotiating().negotiate_until;
    assert_eq!(c.paused_at, Some(offered_at));
    let due = cal().deadline(offered_at, ANSWER_DAYS);
    assert_eq!(c.answer_due, Some(due));
    assert_eq!(c.consumer_waits(), vec![(ConsumerWait::OfferAnswer, due)]);
    assert_eq!(c.next_deadline(), Some(due));
    // A replaced offer keeps the wait it had (no endless restarts).
    let replaced = at(
        &c,
        merchant(),
        Event::Offer(terms(6_000, 3)),
        offered_at + Duration::days(1),
    );
    assert_eq!(
        (replaced.paused_at, replaced.answer_due),
        (Some(offered_at), Some(due))
    );
    // The consumer rejects two working days later: the deadline moves by two.
    let rejected = at(
        &replaced,
        consumer(),
        Event::RejectOffer,
        offered_at + Duration::days(2),
    );
    assert_eq!((rejected.paused_at, rejected.answer_due), (None, None));
    assert_eq!(
        rejected.negotiate_until,
        cal().deadline(until - Duration::seconds(1), 2)
    );
    // A counter-offer answers too.
    let countered = at(
        &c,
        consumer(),
        Event::Offer(terms(7_000, 3)),
        offered_at + Duration::days(1),
    );
    assert_eq!((countered.paused_at, countered.answer_due), (None, None));
    assert_eq!(
        countered.negotiate_until,
        cal().deadline(until - Duration::seconds(1), 1)
    );
    // The merchant's answer to it does not stop anything; its next offer does.
    let again = at(
        &countered,
        merchant(),
        Event::Offer(terms(6_500, 3)),
        offered_at + Duration::days(1),
    );
    assert!(again.paused_at.is_some());
    // Unanswered: the wait ends at its due; the sweeper says so.
    let t = c
        .apply(Actor::System, &Event::DeadlineElapsed, due, &cal())
        .unwrap();
    assert_eq!(
        t.notify,
        vec![
            n(Audience::Merchant, "answer_overdue"),
            n(Audience::Consumer, "wait_lapsed"),
        ]
    );
    assert_eq!((t.case.paused_at, t.case.answer_due), (None, None));
    assert!(
        t.case.offer.is_some(),
        "the offer stands; only the wait ended"
    );
    // Stopped from Monday 23 to the due at 24:00 of Monday 30 November:
    // six working days given back (the day it stopped counts whole).
    assert_eq!(
        t.case.negotiate_until,
        cal().deadline(until - Duration::seconds(1), 6)
    );
}

#[test]
fn a_wait_on_the_merchant_never_stops_the_clock() {
    let now = t0() + hours(1);
    // The consumer's offer waits on the merchant.
    let c = at(
        &negotiating(),
        consumer(),
        Event::Offer(terms(9_000, 3)),
        now,
    );
    assert_eq!((c.paused_at, c.answer_due), (None, None));
    assert_eq!(c.next_deadline(), Some(c.negotiate_until));
    // A document asked of the merchant in mediation.
    let m = mediating();
    let t = m
        .apply(Actor::Mediator(MED), &ask(Party::Merchant, 3), now, &cal())
        .unwrap();
    assert_eq!(t.notify, vec![n(Audience::Merchant, "evidence_requested")]);
    assert_eq!(t.case.paused_at, None);
    assert_eq!(t.case.waiting_on(), vec![Audience::Merchant]);
    let due = t.case.evidence_request.clone().unwrap().due;
    assert_eq!(t.case.next_deadline(), Some(due));
    // Unanswered, it lapses; the mediation deadline is where it was.
    let lapsed = t
        .case
        .apply(Actor::System, &Event::DeadlineElapsed, due, &cal())
        .unwrap();
    assert_eq!(lapsed.notify, vec![n(Audience::Owner, "evidence_overdue")]);
    assert_eq!(lapsed.case.mediate_until, m.mediate_until);
    assert!(!lapsed.case.consumer_silent);
}

#[test]
fn the_mediators_proposal_and_documents_stop_the_mediation_clock_once() {
    let m = mediating();
    let until = m.mediate_until.unwrap();
    let p = proposed();
    let proposed_at = t0() + hours(1);
    let answer = cal().deadline(proposed_at, ANSWER_DAYS);
    assert_eq!(p.paused_at, Some(proposed_at));
    assert_eq!(
        p.consumer_waits(),
        vec![(ConsumerWait::ProposalAnswer, answer)]
    );
    // The merchant is told the clock stopped when the mediator asks the
    // consumer for a document; the waits overlap under one pause.
    let t = p
        .apply(
            Actor::Mediator(MED),
            &ask(Party::Consumer, 8),
            proposed_at,
            &cal(),
        )
        .unwrap();
    assert_eq!(
        t.notify,
        vec![
            n(Audience::Consumer, "evidence_requested"),
            n(Audience::Merchant, "clock_stopped"),
        ]
    );
    let both = t.case;
    assert_eq!(both.paused_at, Some(proposed_at));
    assert_eq!(both.consumer_waits().len(), 2);
    // Accepting the proposal ends one wait; the document still stops the clock.
    let accepted = at(
        &both,
        consumer(),
        Event::AcceptProposal,
        proposed_at + Duration::days(1),
    );
    assert_eq!(accepted.paused_at, Some(proposed_at));
    assert_eq!(accepted.mediate_until, Some(until));
    assert_eq!(
        accepted.waiting_on(),
        vec![Audience::Merchant, Audience::Consumer]
    );
    // The document comes on Thursday: the clock restarts once, three days back.
    let provided = at(
        &accepted,
        consumer(),
        Event::ProvideEvidence,
        proposed_at + Duration::days(3),
    );
    assert_eq!(provided.paused_at, None);
    assert_eq!(
        provided.mediate_until,
        Some(cal().deadline(until - Duration::seconds(1), 3))
    );
    // The merchant's rejection ends the consumer's wait too (nothing left to answer).
    let rejected = at(
        &p,
        merchant(),
        Event::RejectProposal,
        proposed_at + Duration::days(1),
    );
    assert_eq!((rejected.paused_at, rejected.answer_due), (None, None));
    assert_eq!(
        rejected.mediate_until,
        Some(cal().deadline(until - Duration::seconds(1), 1))
    );
    // Unanswered: the owner hears of it at the wait's due.
    let t = p
        .apply(Actor::System, &Event::DeadlineElapsed, answer, &cal())
        .unwrap();
    assert_eq!(
        t.notify,
        vec![
            n(Audience::Owner, "answer_overdue"),
            n(Audience::Consumer, "wait_lapsed"),
        ]
    );
    assert_eq!(
        t.case.mediate_until,
        Some(cal().deadline(until - Duration::seconds(1), 6))
    );
    // The case going on to arbitration ends every wait of mediation.
    let escalated = at(
        &both,
        Actor::Mediator(MED),
        Event::Escalate,
        proposed_at + Duration::days(1),
    );
    assert_eq!(escalated.status, Status::InArbitration);
    assert_eq!(
        (
            escalated.paused_at,
            escalated.answer_due,
            escalated.evidence_request.clone()
        ),
        (None, None, None)
    );
}

#[test]
fn withdrawing_or_moving_on_clears_the_stopped_clock() {
    let c = offered_by_merchant();
    let later = t0() + Duration::days(1);
    for (what, next) in [
        ("withdraw", at(&c, consumer(), Event::Withdraw, later)),
        ("escalate", at(&c, consumer(), Event::Escalate, later)),
        ("accept", at(&c, consumer(), Event::AcceptOffer, later)),
    ] {
        assert_eq!(
            (next.paused_at, next.answer_due, next.consumer_silent),
            (None, None, false),
            "{what}"
        );
        assert!(next.consumer_waits().is_empty(), "{what}");
    }
    // Mediation starts with its own full clock.
    let escalated = at(&c, consumer(), Event::Escalate, later);
    assert_eq!(
        escalated.mediate_until,
        Some(cal().deadline(later, MEDIATE_DAYS))
    );
}

#[test]
fn states_saved_before_stopped_clocks_in_negotiation_still_load() {
    let asked = step(
        &arbitrating(),
        Actor::Arbitrator(ARB),
        ask(Party::Consumer, 5),
    );
    let mut v = serde_json::to_value(&asked).unwrap();
    let o = v.as_object_mut().unwrap();
    o.remove("answer_due");
    o.remove("consumer_silent");
    o["evidence_request"]
        .as_object_mut()
        .unwrap()
        .remove("stops_clock");
    let c: Case = serde_json::from_value(v).unwrap();
    assert_eq!(c, asked);
    assert_eq!(
        c.consumer_waits().len(),
        1,
        "an old consumer request stops the clock"
    );
}

mod stopped_clock_properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A document asked in mediation at any hour and provided at any
        /// later hour before it is due: the deadline moves by exactly the
        /// working days stopped — the working days left are what they
        /// were when the clock stopped — and the sweeper never moves the
        /// case on meanwhile.
        #[test]
        fn pause_and_resume_give_back_exactly_the_stopped_working_days(
            ask_after in 0i64..(24 * 20),
            answer_after in 0i64..(24 * 16),
            sweep_after in 0i64..(24 * 16),
        ) {
            let m = mediating();
            let until = m.mediate_until.unwrap();
            let asked_at = t0() + hours(1 + ask_after);
            let asked = at(&m, Actor::Mediator(MED), ask(Party::Consumer, STAGE_REQUEST_MAX_DAYS), asked_at);
            let due = asked.evidence_request.clone().unwrap().due;
            let resumed = asked_at + hours(answer_after);
            prop_assume!(resumed < due);
            // The sweeper, any time before the due, finds nothing.
            let sweep = asked_at + hours(sweep_after);
            if sweep < due {
                prop_assert!(asked.apply(Actor::System, &Event::DeadlineElapsed, sweep, &cal()).is_err());
            }
            let after = at(&asked, consumer(), Event::ProvideEvidence, resumed);
            let moved = after.mediate_until.unwrap();
            // Counted independently: the working days from the stop's date
            // up to (not including) the restart's date.
            let mut stopped = 0;
            let mut d = asked_at.with_timezone(&crate::calendar::shanghai()).date_naive();
            let end = resumed.with_timezone(&crate::calendar::shanghai()).date_naive();
            while d < end {
                if cal().is_working_day(d) {
                    stopped += 1;
                }
                d = d.succ_opt().unwrap();
            }
            prop_assert_eq!(cal().working_days_left(resumed, moved), cal().working_days_left(asked_at, until));
            if stopped == 0 {
                prop_assert_eq!(moved, until);
            } else {
                prop_assert_eq!(moved, cal().deadline(until - Duration::seconds(1), stopped));
            }
            prop_assert_eq!(after.paused_at, None);
        }
    }
}

#[test]
fn the_owner_recuses_and_never_takes_or_is_handed_the_case_again() {
    let now = t0() + Duration::hours(2);
    // Only the owner, only in their own stage.
    assert_eq!(
        mediating().recuse(Actor::Mediator(OTHER_MED)).unwrap_err(),
        RuleError::NotYours
    );
    assert_eq!(
        mediating().recuse(consumer()).unwrap_err(),
        RuleError::NotYours
    );
    assert!(matches!(
        queued_mediation().recuse(Actor::Mediator(MED)),
        Err(RuleError::NotYours)
    ));
    let t = mediating().recuse(Actor::Mediator(MED)).unwrap();
    assert_eq!((t.case.status, t.case.owner), (Status::InMediation, None));
    assert_eq!(t.case.recused, vec![MED]);
    assert_eq!(t.case.mediate_until, mediating().mediate_until);
    assert_eq!(
        t.notify,
        vec![Notice {
            to: Audience::Mediators,
            key: "queued_mediation"
        }]
    );
    // The recused mediator may not take it back (403); another may.
    assert_eq!(
        t.case
            .apply(Actor::Mediator(MED), &Event::Take, now, &cal())
            .unwrap_err(),
        RuleError::NotYours
    );
    assert!(
        !t.case
            .allowed_actions(Actor::Mediator(MED), now, &cal())
            .contains(&ActionKind::Take)
    );
    let other = step(&t.case, Actor::Mediator(OTHER_MED), Event::Take);
    assert_eq!(other.owner, Some(OTHER_MED));
    // Nor may it be handed to them.
    assert_eq!(
        other
            .apply(
                Actor::Mediator(OTHER_MED),
                &Event::Handover { to: MED },
                now,
                &cal()
            )
            .unwrap_err(),
        RuleError::Invalid {
            field: "to",
            key: "err.handover_recused"
        }
    );
    // Arbitrators alike, in arbitration.
    let a = arbitrating().recuse(Actor::Arbitrator(ARB)).unwrap();
    assert_eq!((a.case.owner, a.case.recused.clone()), (None, vec![ARB]));
    assert_eq!(
        a.notify,
        vec![Notice {
            to: Audience::Arbitrators,
            key: "queued_arbitration"
        }]
    );
    assert!(matches!(
        arbitrating().recuse(Actor::Mediator(MED)),
        Err(RuleError::NotYours)
    ));
    // A state saved before recusal existed loads with nobody recused, and
    // an empty list is not written.
    let json = serde_json::to_string(&mediating()).unwrap();
    assert!(!json.contains("recused"));
    let back: Case = serde_json::from_str(&json).unwrap();
    assert!(back.recused.is_empty());
}
