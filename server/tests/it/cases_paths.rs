//! Every way a case ends, end to end through the API: settled in
//! negotiation, settled in mediation, decided in arbitration, withdrawn, and
//! reopened after a settlement; each action adds one entry to the trail,
//! whose chain verifies, and tells whom the rules say to tell.

use chrono::Duration;
use domain::calendar::WorkingCalendar;
use serde_json::{Value, json};

use crate::cases::{R, Stage, World, beijing, deadline, instant, strings, t0};
use crate::harness::backend_tests;

/// A case walked step by step, checking the trail after each.
struct Walk<'a> {
    w: &'a World,
    id: i64,
    kinds: Vec<String>,
}

impl<'a> Walk<'a> {
    async fn new(w: &'a World, id: i64) -> Walk<'a> {
        Walk {
            w,
            id,
            kinds: w.trail_kinds(id).await,
        }
    }

    async fn file(w: &'a World) -> Walk<'a> {
        let id = w.file().await["id"].as_i64().unwrap();
        Walk::new(w, id).await
    }

    async fn step(&mut self, r: R, action: &str) -> Value {
        let body = self.w.body(action, Stage::Mediating);
        self.step_with(r, action, body).await
    }

    /// `r` does `action`; asserts 200, one more trail entry of that kind by
    /// that role recording the move, and an intact chain.
    async fn step_with(&mut self, r: R, action: &str, body: Value) -> Value {
        let before = self.w.view(R::Adm, self.id).await["status"].clone();
        let resp = self.w.act(r, self.id, &body).await;
        assert_eq!(resp.status, 200, "{action} by {r:?}: {}", resp.text());
        let v = resp.json();
        self.kinds.push(action.to_string());
        let trail = self.w.trail(self.id).await;
        let kinds: Vec<String> = trail
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(kinds, self.kinds, "after {action}");
        let last = trail.last().unwrap();
        assert_eq!(last["actor_role"], r.role().as_str(), "{action}");
        assert_eq!(last["body"]["from_status"], before, "{action}");
        assert_eq!(last["body"]["to_status"], v["status"], "{action}");
        self.w.assert_trail_ok(self.id, self.kinds.len()).await;
        v
    }
}

fn terms(amount: i64, days: u32) -> Value {
    json!({"amount": amount, "remedy": "refund", "fulfil_within_days": days})
}

fn cal() -> WorkingCalendar {
    WorkingCalendar::official()
}

backend_tests! {
    async fn settled_in_negotiation_then_fulfilled_and_closed(app) {
        let w = World::new(app).await;
        let mut walk = Walk::file(&w).await;
        let id = walk.id;

        let v = walk.step(R::M, "respond").await;
        assert_eq!(v["status"], "negotiating");
        assert_eq!(v["waiting_on"], json!(["consumer", "merchant"]));
        let keys: Vec<&str> = v["deadlines"].as_array().unwrap().iter().map(|d| d["key"].as_str().unwrap()).collect();
        assert_eq!(keys, ["deadline.negotiate_until"], "answered: only negotiation's end is left");

        let v = walk.step(R::M, "offer").await;
        assert_eq!(v["offer"], json!({"by": "merchant", "terms": terms(100_000, 3)}));
        assert_eq!(v["waiting_on"], json!(["consumer"]));
        let c = w.allowed(R::C, id).await;
        assert!(c.contains(&"accept_offer".to_string()) && c.contains(&"reject_offer".to_string()), "{c:?}");
        assert!(!w.allowed(R::M, id).await.contains(&"accept_offer".to_string()), "not one's own offer");

        let v = walk.step(R::C, "accept_offer").await;
        assert_eq!(v["status"], "settled");
        assert_eq!(v["offer"], Value::Null);
        assert_eq!(v["settlement"]["via"], "negotiation");
        assert_eq!(v["settlement"]["terms"], terms(100_000, 3));
        // Three working days from Monday: the end of Thursday.
        assert_eq!(instant(&v["settlement"]["fulfil_by"]), beijing("2026-11-27 00:00"));
        assert_eq!(instant(&deadline(&v, "fulfil_by")["at"]), beijing("2026-11-27 00:00"));
        assert_eq!(v["waiting_on"], json!(["merchant"]));

        w.set_now(beijing("2026-11-24 15:00"));
        let v = walk.step(R::M, "comply").await;
        assert_eq!(v["status"], "settled");
        assert_eq!(v["waiting_on"], json!(["consumer"]));
        // Five working days from Tuesday to confirm (silence confirms).
        assert_eq!(instant(&deadline(&v, "confirm_by")["at"]), beijing("2026-12-02 00:00"));

        let v = walk.step(R::C, "confirm_fulfilment").await;
        assert_eq!(v["status"], "closed");
        assert_eq!(v["deadlines"], json!([]));
        assert_eq!(v["waiting_on"], json!([]));
        assert_eq!(v["allowed_actions"], json!([]));
        assert!(w.allowed(R::M, id).await.is_empty());

        assert_eq!(walk.kinds, ["filed", "respond", "offer", "accept_offer", "comply", "confirm_fulfilment"]);
        let roles: Vec<Value> = w.trail(id).await.iter().map(|e| e["actor_role"].clone()).collect();
        assert_eq!(roles, [json!("consumer"), json!("merchant"), json!("merchant"), json!("consumer"), json!("merchant"), json!("consumer")]);
        let offer = &w.trail(id).await[2];
        assert_eq!(offer["body"]["terms"], terms(100_000, 3));
        // Each side was told of the other's moves, never of its own.
        assert_eq!(w.inbox(R::C, id).await, ["responded", "offer", "fulfilled"]);
        assert_eq!(w.inbox(R::M, id).await, ["filed", "settled", "closed"]);
        assert!(w.inbox(R::Med, id).await.is_empty());
        assert_eq!(w.list_ids(R::C, "role_view=mine&status=closed").await, [id]);
    }

    async fn settled_in_mediation_after_the_queue_and_a_handover(app) {
        let w = World::new(app).await;
        let first = w.case_at(Stage::Negotiating).await;
        let second = w.case_at(Stage::Negotiating).await;
        // The second goes to mediation a day before the first: its deadline
        // is older, so it heads the queue although it was filed later.
        w.ok(R::C, second, "escalate", Stage::Negotiating).await;
        w.set_now(beijing("2026-11-24 10:00"));
        let mut walk = Walk::new(&w, first).await;
        let v = walk.step(R::C, "escalate").await;
        assert_eq!(v["status"], "in_mediation");
        assert_eq!(v["owner_id"], Value::Null);
        assert_eq!(v["waiting_on"], json!(["mediators"]));
        let until = instant(&deadline(&v, "mediate_until")["at"]);
        assert_eq!(until, cal().deadline(beijing("2026-11-24 10:00"), 45));
        let second_until = instant(&deadline(&w.view(R::Adm, second).await, "mediate_until")["at"]);
        assert!(second_until < until);
        assert_eq!(w.list_ids(R::Med, "role_view=queue").await, [second, first]);
        assert_eq!(w.list_ids(R::Med2, "role_view=queue").await, [second, first]);
        assert!(w.list_ids(R::Arb, "role_view=queue").await.is_empty());
        let queue = w.list(R::Med, "role_view=queue").await.expect(200).json();
        assert_eq!(instant(&queue["items"][0]["next_deadline_at"]), second_until);

        let v = walk.step(R::Med, "take").await;
        assert_eq!(v["owner_id"], w.who(R::Med).id);
        assert_eq!(v["waiting_on"], json!(["owner"]));
        assert_eq!(w.list_ids(R::Med, "role_view=queue").await, [second]);
        assert_eq!(w.list_ids(R::Med, "role_view=mine").await, [first]);

        // The mediator hands over; the new one carries on, the old one may no longer.
        let v = walk.step_with(R::Med, "handover", w.body("handover", Stage::Mediating)).await;
        assert_eq!(v["owner_id"], w.who(R::Med2).id);
        assert!(w.list_ids(R::Med, "role_view=mine").await.is_empty());
        assert_eq!(w.list_ids(R::Med2, "role_view=mine").await, [first]);
        w.act(R::Med, first, &w.body("propose", Stage::Mediating)).await.expect(403);
        assert_eq!(w.trail(first).await.last().unwrap()["body"]["to"], w.who(R::Med2).id);

        let v = walk.step(R::Med2, "propose").await;
        assert_eq!(v["proposal"], json!({"terms": terms(150_000, 5), "consumer_accepted": false, "merchant_accepted": false}));
        assert_eq!(v["waiting_on"], json!(["consumer", "merchant"]));

        let v = walk.step(R::C, "accept_proposal").await;
        assert_eq!(v["status"], "in_mediation");
        assert_eq!(v["proposal"]["consumer_accepted"], true);
        assert_eq!(v["waiting_on"], json!(["merchant"]));
        assert!(!strings(&v["allowed_actions"]).contains(&"accept_proposal".to_string()), "accepted once");

        let v = walk.step(R::M, "accept_proposal").await;
        assert_eq!(v["status"], "settled");
        assert_eq!(v["proposal"], Value::Null);
        assert_eq!(v["settlement"]["via"], "mediation");
        assert_eq!(v["settlement"]["terms"], terms(150_000, 5));

        walk.step(R::M, "comply").await;
        let v = walk.step(R::C, "confirm_fulfilment").await;
        assert_eq!(v["status"], "closed");
        assert_eq!(
            walk.kinds,
            ["filed", "respond", "escalate", "take", "handover", "propose", "accept_proposal", "accept_proposal", "comply", "confirm_fulfilment"]
        );
        // Every mediator heard of the queued case; the owner of the moment of each step after.
        assert_eq!(w.inbox(R::Med, first).await, ["queued_mediation"]);
        assert_eq!(w.inbox(R::Med2, first).await, ["queued_mediation", "handed_over", "proposal_accepted", "settled"]);
        assert!(w.inbox(R::Arb, first).await.is_empty());
        assert_eq!(w.inbox(R::M, first).await, ["filed", "escalated", "taken", "proposal", "closed"]);
        assert_eq!(w.inbox(R::C, first).await, ["responded", "taken", "proposal", "settled", "fulfilled"]);
    }

    async fn decided_in_arbitration_with_the_clock_paused_for_evidence(app) {
        let w = World::new(app).await;
        let id = w.case_at(Stage::Mediating).await;
        let mut walk = Walk::new(&w, id).await;
        let v = walk.step(R::Med, "escalate").await;
        assert_eq!(v["status"], "in_arbitration");
        assert_eq!(v["owner_id"], Value::Null, "the mediator no longer owns it");
        let decide_by = cal().deadline(t0(), 30);
        assert_eq!(instant(&deadline(&v, "decide_by")["at"]), decide_by);
        assert_eq!(w.list_ids(R::Arb, "role_view=queue").await, [id]);
        assert!(w.list_ids(R::Med, "role_view=queue").await.is_empty());
        assert!(w.list_ids(R::Med, "role_view=mine").await.is_empty());

        let v = walk.step(R::Arb, "take").await;
        assert_eq!(v["owner_id"], w.who(R::Arb).id);
        assert!(w.list_ids(R::Arb2, "role_view=queue").await.is_empty());

        let v = walk.step(R::Arb, "request_evidence").await;
        assert_eq!(v["paused"], true);
        assert_eq!(v["evidence_request"]["party"], "consumer");
        assert_eq!(instant(&v["evidence_request"]["due"]), cal().deadline(t0(), 5));
        assert_eq!(v["waiting_on"], json!(["consumer"]));
        let keys: Vec<&str> = v["deadlines"].as_array().unwrap().iter().map(|d| d["key"].as_str().unwrap()).collect();
        assert_eq!(keys, ["deadline.evidence_due", "deadline.decide_by"]);
        assert!(w.allowed(R::C, id).await.contains(&"provide_evidence".to_string()));
        assert!(!w.allowed(R::M, id).await.contains(&"provide_evidence".to_string()));
        assert_eq!(w.inbox(R::C, id).await.last().unwrap(), "evidence_requested");

        // Two working days pass (Monday and Tuesday) while the consumer gathers it.
        w.set_now(beijing("2026-11-25 11:00"));
        let v = walk.step(R::C, "provide_evidence").await;
        assert_eq!(v["paused"], false);
        assert_eq!(v["evidence_request"], Value::Null);
        assert_eq!(v["waiting_on"], json!(["owner"]));
        let moved = cal().deadline(decide_by - Duration::seconds(1), 2);
        assert!(moved > decide_by);
        assert_eq!(instant(&deadline(&v, "decide_by")["at"]), moved, "the paused days are given back");
        assert_eq!(w.inbox(R::Arb, id).await.last().unwrap(), "evidence_provided");

        let mut no_reason = w.body("decide", Stage::Arbitrating);
        no_reason.as_object_mut().unwrap().remove("reason");
        let r = w.act(R::Arb, id, &no_reason).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("reason"), "a decision gives its reasons");

        let v = walk.step(R::Arb, "decide").await;
        assert_eq!(v["status"], "decided");
        assert_eq!(v["decision"]["terms"], terms(200_000, 10));
        assert_eq!(instant(&v["decision"]["comply_by"]), cal().deadline(beijing("2026-11-25 11:00"), 10));
        assert_eq!(v["waiting_on"], json!(["merchant"]));
        let decided = w.trail(id).await.last().cloned().unwrap();
        assert_eq!(decided["body"]["reason"], "商品存在质量问题，商户应当退款。");
        assert_eq!(decided["body"]["terms"], terms(200_000, 10));
        assert_eq!(w.inbox(R::M, id).await.last().unwrap(), "decided");
        assert_eq!(w.inbox(R::C, id).await.last().unwrap(), "decided");

        walk.step(R::M, "comply").await;
        let v = walk.step(R::C, "confirm_fulfilment").await;
        assert_eq!(v["status"], "closed");
        assert_eq!(
            walk.kinds,
            ["filed", "respond", "escalate", "take", "escalate", "take", "request_evidence", "provide_evidence", "decide", "comply", "confirm_fulfilment"]
        );
        let roles: Vec<String> = w.trail(id).await.iter().map(|e| e["actor_role"].as_str().unwrap().to_string()).collect();
        assert_eq!(
            roles,
            ["consumer", "merchant", "consumer", "mediator", "mediator", "arbitrator", "arbitrator", "consumer", "arbitrator", "merchant", "consumer"]
        );
    }

    async fn the_consumer_withdraws_with_a_reason(app) {
        let w = World::new(app).await;
        let id = w.case_at(Stage::Mediating).await;
        let mut walk = Walk::new(&w, id).await;
        let r = w.act(R::C, id, &json!({"action": "withdraw"})).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("reason"));
        let r = w.act(R::C, id, &json!({"action": "withdraw", "reason": "  "})).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("reason"));
        assert_eq!(w.trail(id).await.len(), walk.kinds.len());

        let v = walk.step(R::C, "withdraw").await;
        assert_eq!(v["status"], "withdrawn");
        assert_eq!(v["deadlines"], json!([]));
        assert_eq!(v["allowed_actions"], json!([]));
        let last = w.trail(id).await.last().cloned().unwrap();
        assert_eq!(last["body"]["reason"], "已与商户私下解决");
        assert_eq!(last["body"]["to_status"], "withdrawn");
        // The merchant and the mediator who had it are told.
        assert_eq!(w.inbox(R::M, id).await.last().unwrap(), "withdrawn");
        assert_eq!(w.inbox(R::Med, id).await.last().unwrap(), "withdrawn");
        // Nothing more happens to it.
        let r = w.act(R::M, id, &w.body("message", Stage::Mediating)).await.expect(409);
        assert!(r.error().2.ends_with("You may: nothing"), "{}", r.error().2);
        w.act(R::Med, id, &w.body("propose", Stage::Mediating)).await.expect(409);
        w.act(R::C, id, &w.body("withdraw", Stage::Mediating)).await.expect(409);
        w.assert_trail_ok(id, walk.kinds.len()).await;
        assert_eq!(w.list_ids(R::C, "role_view=mine&status=withdrawn").await, [id]);

        // Straight after filing too.
        let mut walk = Walk::file(&w).await;
        let v = walk.step(R::C, "withdraw").await;
        assert_eq!(v["status"], "withdrawn");
        assert_eq!(walk.kinds, ["filed", "withdraw"]);
    }

    async fn a_settlement_that_was_not_honoured_is_reopened(app) {
        let w = World::new(app).await;
        // Negotiated: back to mediation, to the queue.
        let id = w.case_at(Stage::Settled).await;
        let mut walk = Walk::new(&w, id).await;
        let r = w.act(R::C, id, &json!({"action": "reopen"})).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("reason"));
        let v = walk.step(R::C, "reopen").await;
        assert_eq!(v["status"], "in_mediation");
        assert_eq!(v["settlement"], Value::Null);
        assert_eq!(v["owner_id"], Value::Null);
        assert_eq!(instant(&deadline(&v, "mediate_until")["at"]), cal().deadline(t0(), 45));
        assert_eq!(w.trail(id).await.last().unwrap()["body"]["reason"], "商户没有按约定退款");
        assert_eq!(w.list_ids(R::Med, "role_view=queue").await, [id]);
        assert_eq!(w.inbox(R::M, id).await.last().unwrap(), "reopened");
        assert_eq!(w.inbox(R::Med, id).await, ["queued_mediation"]);
        assert_eq!(w.inbox(R::Med2, id).await, ["queued_mediation"]);
        // …and on through mediation as any case.
        walk.step(R::Med, "take").await;
        walk.step(R::Med, "propose").await;
        assert_eq!(walk.kinds, ["filed", "respond", "offer", "accept_offer", "reopen", "take", "propose"]);

        // Mediated, claimed fulfilled, denied by the consumer: to arbitration.
        let id = w.case_at(Stage::Proposed).await;
        let mut walk = Walk::new(&w, id).await;
        walk.step(R::C, "accept_proposal").await;
        walk.step(R::M, "accept_proposal").await;
        walk.step(R::M, "comply").await;
        let v = walk.step(R::C, "reopen").await;
        assert_eq!(v["status"], "in_arbitration");
        assert_eq!(v["owner_id"], Value::Null);
        assert_eq!(w.list_ids(R::Arb, "role_view=queue").await, [id]);
        assert_eq!(w.inbox(R::Arb2, id).await, ["queued_arbitration"]);

        // An award claimed fulfilled and denied: non-compliant, still the merchant's move.
        let id = w.case_at(Stage::Decided).await;
        let mut walk = Walk::new(&w, id).await;
        walk.step(R::M, "comply").await;
        let v = walk.step(R::C, "reopen").await;
        assert_eq!(v["status"], "non_compliant");
        assert_eq!(v["waiting_on"], json!(["merchant"]));
        assert_eq!(w.allowed(R::M, id).await, ["message", "comply"]);
    }
}
