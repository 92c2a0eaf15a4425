//! The public ledger's appeals and refusals: a refusal needs its reason
//! category (422 naming `refusal_category` otherwise) and is counted under
//! it in the public figures; a contested payout shows as a pending appeal
//! with its date, then with its outcome; and none of it names a consumer,
//! an order or the administrator's free text.

use serde_json::{Value, json};

use crate::cases::{CONSUMER_NAME, R, World};
use crate::fund::{act, deposit, non_compliant, top_up};
use crate::harness::{Req, backend_tests};

async fn ledger(w: &World, query: &str) -> (Value, String) {
    let r = w
        .app
        .send(Req::get(&format!("/api/v1/fund/ledger{query}")))
        .await
        .expect(200);
    let text = r.text();
    (r.json(), text)
}

fn count(v: &Value, category: &str) -> i64 {
    v["refusals"]["by_category"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == category)
        .unwrap_or_else(|| panic!("no {category} in {v}"))["count"]
        .as_i64()
        .unwrap()
}

backend_tests! {
    async fn the_ledger_cached_in_memory_shows_a_contest_and_a_refusal_at_once(app) {
        // The cases are not published, so they log no change of their own:
        // the appeal and the refusal must drop the cached ledger themselves.
        let mut w = World::new(app).await;
        w.app.start_page_cache().await;
        top_up(&w, 1_000_000, "pool").await;
        deposit(&w, w.merchant_a, 100_000, "dep").await;
        // Both cases first: the merchant has five working days from the payout to contest.
        let (paid, refused) = (non_compliant(&w).await, non_compliant(&w).await);
        act(&w, R::C, paid, "apply_first_compensation", json!({})).await.expect(200);
        act(&w, R::Fund, paid, "approve_first_compensation", json!({"amount_fen": 40_000})).await.expect(200);
        act(&w, R::C, refused, "apply_first_compensation", json!({})).await.expect(200);
        let warm = || w.app.send(Req::get("/api/v1/fund/ledger"));
        warm().await.expect(200);
        let r = warm().await.expect(200);
        assert_eq!(r.header("x-cache"), Some("hit"), "the ledger is cached");
        assert!(r.json()["appeals"].as_array().unwrap().is_empty());
        act(&w, R::M, paid, "contest_recovery", json!({"reason": "消费者已另行获得退款"})).await.expect(200);
        let (v, _) = ledger(&w, "").await;
        assert_eq!(v["appeals"].as_array().unwrap().len(), 1, "{v}");
        let before = v["refusals"]["total"].as_i64();
        act(&w, R::Fund, refused, "refuse_first_compensation", json!({"refusal_category": "insufficient_evidence", "reason": "购物凭证无法核实"})).await.expect(200);
        let (v, _) = ledger(&w, "").await;
        assert_eq!(v["refusals"]["total"].as_i64(), before.map(|n| n + 1), "{v}");
    }

    async fn a_refusal_needs_its_category_and_is_counted_under_it_in_public(app) {
        let w = World::new(app).await;
        top_up(&w, 1_000_000, "pool").await;
        let id = non_compliant(&w).await;
        let order_ref = w.view(R::Adm, id).await["order_ref"].as_str().unwrap().to_string();
        act(&w, R::C, id, "apply_first_compensation", json!({})).await.expect(200);
        // Before any refusal: every category, all zero, no period yet.
        let (v, _) = ledger(&w, "").await;
        assert_eq!(v["refusals"]["total"], 0);
        assert_eq!(v["refusals"]["by_category"].as_array().unwrap().len(), 7, "{v}");
        // Without a category, or with one not on the list: 422 naming it.
        let reason = "发票与订单金额不符，且无付款凭证";
        let r = act(&w, R::Fund, id, "refuse_first_compensation", json!({"reason": reason})).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("refusal_category"));
        assert!(r.error().2.contains("reason category"), "{}", r.error().2);
        let r = act(&w, R::Fund, id, "refuse_first_compensation", json!({"reason": reason, "refusal_category": "bored"})).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("refusal_category"));
        let r = w.app.send(Req::post(&format!("/api/v1/cases/{id}/actions")).json(&json!({"action": "refuse_first_compensation", "reason": reason})).bearer(w.token(R::Fund)).lang("zh-CN")).await.expect(422);
        assert!(r.error().2.contains("驳回理由类别"), "{}", r.error().2);
        // Nothing was refused meanwhile.
        assert_eq!(w.view(R::C, id).await["first_compensation"]["state"], "applied");
        // With it: refused, the trail keeps the category, the public counts it.
        let v = act(&w, R::Fund, id, "refuse_first_compensation", json!({"reason": reason, "refusal_category": "insufficient_evidence"})).await.expect(200).json();
        assert_eq!(v["first_compensation"]["state"], "refused");
        let last = w.trail(id).await.last().unwrap()["body"].clone();
        assert_eq!(last["refusal_category"], "insufficient_evidence", "{last}");
        let (v, text) = ledger(&w, "").await;
        assert_eq!(v["refusals"]["total"], 1, "{v}");
        assert_eq!(count(&v, "insufficient_evidence"), 1);
        assert_eq!(count(&v, "other"), 0);
        assert!(v["refusals"]["from"].is_string(), "{v}");
        // No personal data: not the consumer, not the order, not the free text.
        for secret in [CONSUMER_NAME, order_ref.as_str(), reason] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        // One merchant's figures.
        let (v, _) = ledger(&w, &format!("?merchant_id={}", w.merchant_a)).await;
        assert_eq!(v["refusals"]["total"], 1);
        let (v, _) = ledger(&w, &format!("?merchant_id={}", w.merchant_b)).await;
        assert_eq!(v["refusals"]["total"], 0);
        // A second refusal in another category adds to the total.
        let id2 = non_compliant(&w).await;
        act(&w, R::C, id2, "apply_first_compensation", json!({})).await.expect(200);
        act(&w, R::Fund, id2, "refuse_first_compensation", json!({"reason": "同一订单已申请过", "refusal_category": "duplicate_application"})).await.expect(200);
        let (v, _) = ledger(&w, "").await;
        assert_eq!(v["refusals"]["total"], 2, "{v}");
        assert_eq!(count(&v, "duplicate_application"), 1);
        assert_eq!(count(&v, "insufficient_evidence"), 1);
    }

    async fn a_contested_payout_shows_as_a_pending_appeal_then_with_its_outcome(app) {
        let w = World::new(app).await;
        top_up(&w, 1_000_000, "pool").await;
        deposit(&w, w.merchant_a, 100_000, "dep").await;
        // Both cases first: the merchant has five working days from the payout to contest.
        let ids = vec![non_compliant(&w).await, non_compliant(&w).await];
        for id in &ids {
            act(&w, R::C, *id, "apply_first_compensation", json!({})).await.expect(200);
            act(&w, R::Fund, *id, "approve_first_compensation", json!({"amount_fen": 40_000})).await.expect(200);
        }
        let (v, _) = ledger(&w, "").await;
        assert!(v["appeals"].as_array().unwrap().is_empty(), "{v}");
        let numbers: Vec<Value> = {
            let mut n = vec![];
            for id in &ids {
                n.push(w.view(R::Adm, *id).await["number"].clone());
            }
            n
        };
        // Both contested: pending, with the date.
        for id in &ids {
            act(&w, R::M, *id, "contest_recovery", json!({"reason": "消费者已另行获得退款"})).await.expect(200);
        }
        let (v, text) = ledger(&w, "").await;
        let appeals = v["appeals"].as_array().unwrap();
        assert_eq!(appeals.len(), 2, "{v}");
        for a in appeals {
            assert_eq!(a["state"], "pending");
            assert_eq!(a["outcome"], "");
            assert!(a["contested_at"].is_string());
            assert!(a["decided_at"].is_null());
            assert_eq!(a["paid_fen"], 40_000);
            assert_eq!(a["merchant_id"], w.merchant_a);
            assert!(numbers.contains(&a["case_number"]), "{a}");
        }
        assert!(!text.contains(CONSUMER_NAME), "{text}");
        assert!(!text.contains("消费者已另行获得退款"), "the merchant's reasons are not public");
        // One upheld (the recovery is cancelled), one refused (it stands).
        act(&w, R::Arb, ids[0], "decide_contest", json!({"upheld": true, "reason": "商户已自行退款"})).await.expect(200);
        act(&w, R::Arb, ids[1], "decide_contest", json!({"upheld": false, "reason": "无退款凭证"})).await.expect(200);
        let (v, _) = ledger(&w, "").await;
        let find = |n: &Value| v["appeals"].as_array().unwrap().iter().find(|a| a["case_number"] == *n).cloned().unwrap();
        let upheld = find(&numbers[0]);
        assert_eq!((upheld["state"].as_str(), upheld["outcome"].as_str()), (Some("upheld"), Some("recovery_cancelled")), "{upheld}");
        assert!(upheld["decided_at"].is_string());
        let refused = find(&numbers[1]);
        assert_eq!((refused["state"].as_str(), refused["outcome"].as_str()), (Some("refused"), Some("recovery_stands")), "{refused}");
        // Another merchant's ledger has no appeal.
        let (v, _) = ledger(&w, &format!("?merchant_id={}", w.merchant_b)).await;
        assert!(v["appeals"].as_array().unwrap().is_empty());
    }
}
