//! Clocks that stop while a case waits on the consumer, in negotiation and
//! mediation, through the API and the sweeper: the merchant asks for a
//! document, the mediator's proposal waits for the consumer's answer; the
//! stopped working days are given back to the stage's deadline; a consumer
//! who never answers does not freeze the case; who may ask.

use chrono::Duration;
use domain::calendar::WorkingCalendar;
use entities::case;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::cases::{R, Stage, World, beijing, deadline, instant, t0};
use crate::harness::backend_tests;

fn cal() -> WorkingCalendar {
    WorkingCalendar::official()
}

fn ask(within_days: u32) -> Value {
    json!({
        "action": "request_evidence",
        "party": "consumer",
        "within_days": within_days,
        "message": "请上传快递面单照片和订单截图。",
    })
}

/// What the sweeper wakes the case for (the stored `next_deadline_at`).
async fn next_deadline_at(w: &World, id: i64) -> Option<chrono::DateTime<chrono::Utc>> {
    case::Entity::find_by_id(id as i32)
        .one(&w.app.svc.db)
        .await
        .unwrap()
        .unwrap()
        .next_deadline_at
}

async fn sweep(w: &World) -> services::cases::sweep::SweepReport {
    services::cases::sweep::sweep(&w.app.svc, w.now())
        .await
        .unwrap()
}

backend_tests! {
    async fn the_merchant_asks_for_a_document_and_negotiation_gets_the_stopped_days_back(app) {
        let w = World::new(app).await;
        let id = w.case_at(Stage::Negotiating).await;
        let until = cal().deadline(t0(), 10);
        assert_eq!(instant(&deadline(&w.view(R::C, id).await, "negotiate_until")["at"]), until);

        let v = w.act(R::M, id, &ask(3)).await.expect(200).json();
        let due = cal().deadline(t0(), 3);
        assert_eq!(v["paused"], true);
        assert_eq!(instant(&v["evidence_request"]["due"]), due);
        // Both sides see the stopped clock: since when, for what, until when.
        for r in [R::C, R::M, R::Adm] {
            let stop = w.view(r, id).await["clock_stopped"].clone();
            assert_eq!(instant(&stop["since"]), t0(), "{r:?}");
            assert_eq!(stop["since_local"], "2026-11-23 10:00", "{r:?}");
            assert_eq!(stop["waits"][0]["waiting_for"], "document", "{r:?}");
            assert_eq!(instant(&stop["waits"][0]["until"]), due, "{r:?}");
            assert_eq!(stop["waits"][0]["until_local"], "2026-11-26 24:00", "{r:?}");
        }
        assert!(w.allowed(R::C, id).await.contains(&"provide_evidence".to_string()));
        assert_eq!(w.inbox(R::C, id).await.last().unwrap(), "evidence_requested");
        // The sweeper wakes for the document's due, not the stopped deadline.
        assert_eq!(next_deadline_at(&w, id).await, Some(due));
        assert_eq!(w.trail_kinds(id).await.last().unwrap(), "request_evidence");

        // Monday and Tuesday pass; the consumer provides it on Wednesday.
        w.set_now(beijing("2026-11-25 11:00"));
        let v = w.ok(R::C, id, "provide_evidence", Stage::Negotiating).await;
        assert_eq!(v["paused"], false);
        assert_eq!(v["clock_stopped"], Value::Null);
        assert_eq!(v["evidence_request"], Value::Null);
        let moved = cal().deadline(until - Duration::seconds(1), 2);
        assert_eq!(instant(&deadline(&v, "negotiate_until")["at"]), moved, "two working days given back");
        assert_eq!(next_deadline_at(&w, id).await, Some(moved));
        assert_eq!(w.inbox(R::M, id).await.last().unwrap(), "evidence_provided");
        w.assert_trail_ok(id, w.trail_kinds(id).await.len()).await;
    }

    async fn a_consumer_who_never_answers_does_not_freeze_the_case(app) {
        let w = World::new(app).await;
        let id = w.case_at(Stage::Negotiating).await;
        let until = cal().deadline(t0(), 10);
        // Tuesday 1 December, a week before negotiation ends: 5 working days.
        w.set_now(beijing("2026-12-01 10:00"));
        w.act(R::M, id, &ask(5)).await.expect(200);
        let due = cal().deadline(w.now(), 5);
        assert!(due > until);

        // Negotiation's old end passes: the clock is stopped, nothing moves.
        w.set_now(until);
        let r = sweep(&w).await;
        assert_eq!(r.transitions, 0, "{r}");
        assert_eq!(w.view(R::C, id).await["status"], "negotiating");

        // The document's due passes: the wait ends, the clock runs again.
        w.set_now(due);
        let r = sweep(&w).await;
        assert_eq!(r.transitions, 1, "{r}");
        let v = w.view(R::C, id).await;
        assert_eq!(v["status"], "negotiating");
        assert_eq!((v["paused"].clone(), v["evidence_request"].clone()), (json!(false), Value::Null));
        // Stopped Tue 1 … Tue 8 December: six working days.
        let moved = cal().deadline(until - Duration::seconds(1), 6);
        assert_eq!(instant(&deadline(&v, "negotiate_until")["at"]), moved);
        assert_eq!(w.inbox(R::C, id).await.last().unwrap(), "wait_lapsed");
        assert_eq!(w.inbox(R::M, id).await.last().unwrap(), "evidence_overdue");
        assert_eq!(w.trail_kinds(id).await.last().unwrap(), "deadline_elapsed");

        // The consumer stays silent: the merchant's next request no longer stops the clock.
        w.act(R::M, id, &ask(10)).await.expect(200);
        let v = w.view(R::M, id).await;
        assert_eq!((v["paused"].clone(), v["clock_stopped"].clone()), (json!(false), Value::Null));

        // At the moved end the case goes to mediation by itself.
        w.set_now(moved);
        sweep(&w).await;
        let v = w.view(R::C, id).await;
        assert_eq!(v["status"], "in_mediation", "{v}");
        assert_eq!(v["paused"], false);
        assert_eq!(instant(&deadline(&v, "mediate_until")["at"]), cal().deadline(moved, 45));
    }

    async fn the_mediators_proposal_waits_for_the_consumer_with_the_clock_stopped(app) {
        let w = World::new(app).await;
        let id = w.case_at(Stage::Mediating).await;
        let until = cal().deadline(t0(), 45);
        let v = w.ok(R::Med, id, "propose", Stage::Mediating).await;
        let answer_due = cal().deadline(t0(), 5);
        assert_eq!(v["clock_stopped"]["waits"], json!([{
            "waiting_for": "proposal_answer",
            "until": v["clock_stopped"]["waits"][0]["until"],
            "until_local": "2026-11-30 24:00",
        }]));
        assert_eq!(instant(&v["clock_stopped"]["waits"][0]["until"]), answer_due);
        assert_eq!(instant(&deadline(&v, "answer_due")["at"]), answer_due);
        assert_eq!(w.view(R::M, id).await["clock_stopped"], v["clock_stopped"], "the merchant sees it too");
        assert_eq!(next_deadline_at(&w, id).await, Some(answer_due));

        // The mediator also asks the consumer for a document: one pause, and
        // the merchant is told the clock is stopped.
        let v = w.act(R::Med, id, &ask(8)).await.expect(200).json();
        assert_eq!(v["clock_stopped"]["waits"].as_array().unwrap().len(), 2);
        assert_eq!(instant(&v["clock_stopped"]["since"]), t0());
        assert_eq!(w.inbox(R::M, id).await.last().unwrap(), "clock_stopped");

        // Tuesday: the consumer rejects the proposal; the document still stops the clock.
        w.set_now(beijing("2026-11-24 11:00"));
        let v = w.ok(R::C, id, "reject_proposal", Stage::Proposed).await;
        assert_eq!(v["paused"], true);
        assert_eq!(instant(&deadline(&v, "mediate_until")["at"]), until);
        // Thursday the document comes: three working days given back, once.
        w.set_now(beijing("2026-11-26 09:00"));
        let v = w.ok(R::C, id, "provide_evidence", Stage::Mediating).await;
        assert_eq!(v["paused"], false);
        let moved = cal().deadline(until - Duration::seconds(1), 3);
        assert_eq!(instant(&deadline(&v, "mediate_until")["at"]), moved);
        assert_eq!(next_deadline_at(&w, id).await, Some(moved));

        // A new proposal nobody answers: the sweeper ends the wait at its due.
        w.ok(R::Med, id, "propose", Stage::Mediating).await;
        let due = cal().deadline(w.now(), 5);
        w.set_now(due);
        let r = sweep(&w).await;
        assert_eq!(r.transitions, 1, "{r}");
        let v = w.view(R::C, id).await;
        assert_eq!((v["status"].clone(), v["paused"].clone()), (json!("in_mediation"), json!(false)));
        assert!(v["proposal"].is_object(), "the proposal stands; only the wait ended");
        assert_eq!(w.inbox(R::Med, id).await.last().unwrap(), "answer_overdue");
        assert_eq!(w.inbox(R::C, id).await.last().unwrap(), "wait_lapsed");
        assert!(instant(&deadline(&v, "mediate_until")["at"]) > moved);
    }

    async fn only_the_merchant_in_negotiation_and_the_owner_in_mediation_may_ask(app) {
        let w = World::new(app).await;
        let id = w.case_at(Stage::Negotiating).await;
        // The consumer, staff: never theirs here; another merchant: no such case.
        w.act(R::C, id, &ask(3)).await.expect(403);
        w.act(R::Med, id, &ask(3)).await.expect(403);
        w.act(R::Arb, id, &ask(3)).await.expect(403);
        w.act(R::M2, id, &ask(3)).await.expect(404);
        // The merchant asks the consumer only, for at most 10 working days.
        let mut itself = ask(3);
        itself["party"] = json!("merchant");
        let r = w.act(R::M, id, &itself).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("party"));
        let r = w.act(R::M, id, &ask(11)).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("within_days"));
        // Before its first answer the merchant may not ask yet.
        let fresh = w.case_at(Stage::AwaitingMerchant).await;
        let r = w.act(R::M, fresh, &ask(3)).await.expect(409);
        assert_eq!(r.error().0, "not_allowed");
        // One request at a time.
        w.act(R::M, id, &ask(3)).await.expect(200);
        w.act(R::M, id, &ask(3)).await.expect(409);
        // Nothing was stopped by the refusals.
        assert_eq!(w.trail_kinds(id).await, ["filed", "respond", "request_evidence"]);

        let m = w.case_at(Stage::Mediating).await;
        w.act(R::Med2, m, &ask(3)).await.expect(403);
        w.act(R::Arb, m, &ask(3)).await.expect(403);
        w.act(R::C, m, &ask(3)).await.expect(403);
        w.act(R::M, m, &ask(3)).await.expect(409);
        let r = w.act(R::Med, m, &ask(11)).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("within_days"));
        let v = w.view(R::C, m).await;
        assert_eq!((v["paused"].clone(), v["evidence_request"].clone()), (json!(false), Value::Null));
    }
}
