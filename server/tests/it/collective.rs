//! Collective complaints: other consumers join an open, published case.

use serde_json::{Value, json};

use crate::cases::{R, Stage, World};
use crate::harness::{Req, backend_tests};

fn join_body(order_ref: &str) -> Value {
    json!({"order_ref": order_ref, "order_date": "2026-11-02", "amount_paid_fen": 100_000, "amount_claimed_fen": 80_000})
}

async fn join(w: &World, r: R, id: i64, body: &Value) -> crate::harness::Resp {
    w.app
        .send(
            Req::post(&format!("/api/v1/cases/{id}/join"))
                .json(body)
                .bearer(w.token(r))
                .lang("en"),
        )
        .await
}

backend_tests! {
    async fn a_consumer_joins_reads_is_told_but_does_not_act(app) {
        let w = World::new(app).await;
        let id = w.file().await["id"].as_i64().unwrap();
        let v = join(&w, R::C2, id, &join_body("TB-1")).await.expect(201).json();
        assert_eq!(v["members"], 1);
        assert_eq!(v["total_claimed_fen"], 259_900 + 80_000);
        assert_eq!(v["viewer_is_member"], true);
        assert_eq!(v["consumer_name"], "王**", "members see the lead consumer masked");
        assert_eq!(v["allowed_actions"], json!([]), "the consumer who filed speaks for the group");
        // Listed among the member's cases.
        let mine = w.app.send(Req::get("/api/v1/cases?role_view=mine").bearer(w.token(R::C2))).await.expect(200).json();
        assert!(mine["items"].as_array().unwrap().iter().any(|c| c["id"] == id), "{mine}");
        // A member cannot act for the group.
        let r = w.act(R::C2, id, &json!({"action": "message", "message": "我也是"})).await;
        assert_eq!(r.status, 403, "{}", r.text());
        // The merchant hears of it; the member hears of the merchant's answer.
        assert!(w.inbox(R::M, id).await.contains(&"collective_joined".to_string()));
        w.ok(R::M, id, "respond", Stage::AwaitingMerchant).await;
        assert!(w.inbox(R::C2, id).await.contains(&"responded".to_string()));
        // The trail records the joining and still verifies.
        let trail = w.app.send(Req::get(&format!("/api/v1/cases/{id}/trail")).bearer(w.token(R::C))).await.expect(200).json();
        assert!(trail["entries"].as_array().unwrap().iter().any(|e| e["kind"] == "joined"));
        let check = w.app.send(Req::get(&format!("/api/v1/cases/{id}/trail/verify")).bearer(w.token(R::C2))).await.expect(200).json();
        assert_eq!(check["ok"], true);
    }

    async fn joining_is_refused_when_it_should_be(app) {
        let w = World::new(app).await;
        let id = w.file().await["id"].as_i64().unwrap();
        // Validation names the field.
        let mut bad = join_body("TB-2");
        bad["amount_claimed_fen"] = json!(12.5);
        let r = join(&w, R::C2, id, &bad).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("amount_claimed_fen"));
        // Only consumers; not the one who filed; not twice.
        assert_eq!(join(&w, R::M2, id, &join_body("TB-2")).await.status, 403);
        assert_eq!(join(&w, R::Med, id, &join_body("TB-2")).await.status, 403);
        assert_eq!(join(&w, R::C, id, &join_body("TB-2")).await.expect(409).error().0, "conflict");
        join(&w, R::C2, id, &join_body("TB-2")).await.expect(201);
        assert_eq!(join(&w, R::C2, id, &join_body("TB-3")).await.expect(409).error().0, "conflict");
        // The joined order cannot be filed again against the same merchant while open.
        let body = w.complaint(json!(w.merchant_a), "tb-2");
        let r = w.file_as(R::C2, &body).await.expect(409);
        assert_eq!(r.error().1.as_deref(), Some("order_ref"));
        // An unpublished complaint does not exist for strangers.
        let mut private = w.complaint(json!(w.merchant_a), &w.next_ref());
        private["publish_narrative"] = json!(false);
        let pid = w.file_as(R::C, &private).await.expect(201).json()["id"].as_i64().unwrap();
        join(&w, R::C2, pid, &join_body("TB-4")).await.expect(404);
        // Past mediation, nobody joins.
        let decided = w.case_at(Stage::Decided).await;
        let r = join(&w, R::C2, decided, &join_body("TB-5")).await.expect(409);
        assert_eq!(r.error().0, "not_allowed");
        // Anonymous callers sign in first.
        w.app.send(Req::post(&format!("/api/v1/cases/{id}/join")).json(&join_body("TB-6"))).await.expect(401);
    }

    async fn open_complaints_are_listed_publicly_only_when_published_and_joinable(app) {
        let w = World::new(app).await;
        let open = w.file().await["id"].as_i64().unwrap();
        let mut private = w.complaint(json!(w.merchant_a), &w.next_ref());
        private["publish_narrative"] = json!(false);
        let hidden = w.file_as(R::C, &private).await.expect(201).json()["id"].as_i64().unwrap();
        let closed = w.case_at(Stage::Closed).await;
        join(&w, R::C2, open, &join_body("TB-7")).await.expect(201);
        let list = w.app.send(Req::get(&format!("/api/v1/merchants/{}/complaints/open", w.merchant_a))).await.expect(200).json();
        let items = list["items"].as_array().unwrap();
        let ids: Vec<i64> = items.iter().map(|c| c["id"].as_i64().unwrap()).collect();
        assert!(ids.contains(&open));
        assert!(!ids.contains(&hidden) && !ids.contains(&closed), "{ids:?}");
        let entry = items.iter().find(|c| c["id"] == open).unwrap();
        assert_eq!(entry["members"], 1);
        assert!(entry.get("consumer_id").is_none() && entry.get("order_ref").is_none(), "no personal data: {entry}");
    }
}
