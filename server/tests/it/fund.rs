//! First compensation and the fund's books over HTTP: the full path (award
//! not honoured → application → payout → recovery → repayment → contest),
//! the missed-first-response path, the cap and the fund's balance, bad
//! input, idempotency, the double-approve race, authorisation of every fund
//! route, the public ledger's masking, and reconciliation catching tampering.

use chrono::Duration;
use domain::Fen;
use domain::fund::{Account, Books, Operation};
use entities::{ledger_entry, ledger_line};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::cases::{CONSUMER_NAME, R, Stage, World, deadline, instant};
use crate::harness::{Req, Resp, backend_tests};

fn mv(amount: impl Into<Value>, key: &str) -> Value {
    json!({"amount_fen": amount.into(), "idempotency_key": key})
}

async fn post(w: &World, r: Option<R>, path: &str, body: &Value) -> Resp {
    let mut req = Req::post(path).json(body).lang("en");
    if let Some(r) = r {
        req = req.bearer(w.token(r));
    }
    w.app.send(req).await
}

pub(crate) async fn top_up(w: &World, fen: i64, key: &str) {
    post(w, Some(R::Fund), "/api/v1/fund/top-up", &mv(fen, key))
        .await
        .expect(201);
}

pub(crate) async fn deposit(w: &World, merchant: i64, fen: i64, key: &str) {
    post(
        w,
        Some(R::Fund),
        &format!("/api/v1/merchants/{merchant}/deposit"),
        &mv(fen, key),
    )
    .await
    .expect(201);
}

async fn summary(w: &World, query: &str) -> Value {
    w.app
        .send(Req::get(&format!("/api/v1/fund/summary{query}")))
        .await
        .expect(200)
        .json()
}

async fn account(w: &World, r: Option<R>, merchant: i64) -> Resp {
    let mut req = Req::get(&format!("/api/v1/merchants/{merchant}/account")).lang("en");
    if let Some(r) = r {
        req = req.bearer(w.token(r));
    }
    w.app.send(req).await
}

fn act_body(action: &str, extra: Value) -> Value {
    let mut b = extra;
    b["action"] = json!(action);
    b
}

pub(crate) async fn act(w: &World, r: R, id: i64, action: &str, extra: Value) -> Resp {
    w.act(r, id, &act_body(action, extra)).await
}

/// A decided case (award ¥2,000 within 10 working days) whose deadline
/// passed: the sweeper made it non-compliant.
pub(crate) async fn non_compliant(w: &World) -> i64 {
    let id = w.case_at(Stage::Decided).await;
    let due = instant(&deadline(&w.view(R::Adm, id).await, "comply_by")["at"]);
    w.set_now(due + Duration::minutes(1));
    services::cases::sweep::sweep(&w.app.svc, w.now())
        .await
        .unwrap();
    assert_eq!(w.view(R::Adm, id).await["status"], "non_compliant");
    id
}

async fn check(w: &World) -> services::fund::FundCheck {
    services::fund::check(&w.app.svc).await.unwrap()
}

async fn entries(w: &World, kind: &str) -> u64 {
    ledger_entry::Entity::find()
        .filter(ledger_entry::Column::Kind.eq(kind))
        .count(&w.app.svc.db)
        .await
        .unwrap()
}

backend_tests! {
    async fn an_award_not_honoured_is_paid_recovered_repaid_contested_and_reversed(app) {
        let w = World::new(app).await;
        let (a, id) = (w.merchant_a, non_compliant(&w).await);
        top_up(&w, 1_000_000, "pool-1").await;
        deposit(&w, a, 30_000, "dep-1").await;

        // The consumer was told, and may apply, up to the award.
        assert!(w.inbox(R::C, id).await.contains(&"non_compliant_fc".to_string()));
        let v = w.view(R::C, id).await;
        assert_eq!(v["first_compensation_limit_fen"], 200_000);
        assert!(crate::cases::strings(&v["allowed_actions"]).contains(&"apply_first_compensation".to_string()));
        let v = act(&w, R::C, id, "apply_first_compensation", json!({"message": "商户拒不执行裁决"})).await.expect(200).json();
        assert_eq!(v["first_compensation"]["state"], "applied");
        assert_eq!(v["first_compensation"]["basis"], "non_compliance");
        assert_eq!(w.list_ids(R::Fund, "role_view=queue").await, vec![id]);
        assert!(w.inbox(R::M, id).await.contains(&"fc_applied".to_string()));
        assert!(w.inbox(R::Fund, id).await.contains(&"fc_applied".to_string()));

        // Never more than the award.
        let r = act(&w, R::Fund, id, "approve_first_compensation", json!({"amount_fen": 200_001})).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("amount_fen"));
        assert!(r.error().2.contains("award"), "{}", r.error().2);
        assert_eq!(entries(&w, "payout").await, 0);

        // ¥1,500 paid; the deposit covers ¥300, ¥1,200 stays owed.
        let v = act(&w, R::Fund, id, "approve_first_compensation", json!({"amount_fen": 150_000})).await.expect(200).json();
        assert_eq!(v["status"], "closed");
        assert_eq!(v["first_compensation"]["state"], "approved");
        assert_eq!(v["first_compensation"]["amount"], 150_000);
        assert!(w.list_ids(R::Fund, "role_view=queue").await.is_empty());
        let s = summary(&w, "").await;
        assert_eq!((s["paid_fen"].as_i64(), s["recovered_fen"].as_i64(), s["outstanding_fen"].as_i64()), (Some(150_000), Some(30_000), Some(120_000)));
        assert_eq!(s["recovery_rate_bp"], 2000);
        assert_eq!(s["available_fen"], 1_000_000 - 120_000);
        let acc = account(&w, Some(R::M), a).await.expect(200).json();
        assert_eq!((acc["deposit_fen"].as_i64(), acc["owed_fen"].as_i64()), (Some(0), Some(120_000)));
        let kinds = w.trail_kinds(id).await;
        assert!(kinds.ends_with(&["approve_first_compensation".into(), "fund_posted".into()]), "{kinds:?}");
        let posted = w.trail(id).await.last().unwrap()["body"].clone();
        assert_eq!((posted["paid_fen"].as_i64(), posted["recovered_fen"].as_i64(), posted["outstanding_fen"].as_i64()), (Some(150_000), Some(30_000), Some(120_000)));
        assert!(w.inbox(R::C, id).await.contains(&"fc_paid".to_string()));
        assert!(w.inbox(R::M, id).await.contains(&"fc_recovery".to_string()));

        // The merchant repays ¥200 from outside.
        post(&w, Some(R::Fund), &format!("/api/v1/cases/{id}/repayment"), &mv(20_000, "repay-1")).await.expect(201);
        assert_eq!(account(&w, Some(R::M), a).await.json()["owed_fen"], 100_000);
        assert!(w.trail_kinds(id).await.contains(&"fund_repayment".to_string()));

        // The merchant contests within five working days; an arbitrator upholds it.
        act(&w, R::C, id, "contest_recovery", json!({"reason": "x"})).await.expect(403);
        let v = act(&w, R::M, id, "contest_recovery", json!({"reason": "消费者已收到退款，属重复赔付"})).await.expect(200).json();
        assert_eq!(v["first_compensation"]["contest"], "pending");
        assert!(w.list_ids(R::Arb2, "role_view=queue").await.contains(&id));
        let r = post(&w, Some(R::Fund), &format!("/api/v1/cases/{id}/repayment"), &mv(1_000, "repay-2")).await.expect(409);
        assert!(r.error().2.contains("contest"), "{}", r.error().2);
        act(&w, R::Med, id, "decide_contest", json!({"upheld": true, "reason": "x"})).await.expect(403);
        act(&w, R::Arb2, id, "decide_contest", json!({"reason": "理由"})).await.expect(422);
        let v = act(&w, R::Arb2, id, "decide_contest", json!({"upheld": true, "reason": "商户已自行退款，追偿不当。"})).await.expect(200).json();
        assert_eq!(v["first_compensation"]["contest"], "upheld");
        // Deposit back, repayment refunded, the rest written off: the fund bears the payout.
        let acc = account(&w, Some(R::M), a).await.json();
        assert_eq!((acc["deposit_fen"].as_i64(), acc["owed_fen"].as_i64()), (Some(30_000), Some(0)));
        let s = summary(&w, "").await;
        assert_eq!((s["recovered_fen"].as_i64(), s["written_off_fen"].as_i64(), s["outstanding_fen"].as_i64()), (Some(0), Some(150_000), Some(0)));
        assert_eq!(s["available_fen"], 1_000_000 - 150_000);

        // The books balance, the payout matches the case, the trail is intact.
        let c = check(&w).await;
        assert_eq!(c.problem, None, "{c}");
        assert_eq!(c.payouts, 1);
        let v = w.verify(id).await;
        assert_eq!(v["ok"], true, "{v}");
    }

    async fn a_missed_first_response_qualifies_and_the_fund_refuses_when_short_or_over_the_cap(app) {
        let w = World::new(app).await;
        // A claim of ¥6,000, above the default per-case cap of ¥5,000.
        let mut body = w.complaint(json!(w.merchant_a), &w.next_ref());
        body["amount_paid_fen"] = json!(600_000);
        body["amount_claimed_fen"] = json!(600_000);
        let id = w.file_as(R::C, &body).await.expect(201).json()["id"].as_i64().unwrap();
        // Not before the first-response deadline…
        act(&w, R::C, id, "apply_first_compensation", json!({})).await.expect(409);
        let respond_by = instant(&deadline(&w.view(R::C, id).await, "respond_by")["at"]);
        w.set_now(respond_by + Duration::minutes(1));
        // …then the claim is the limit.
        let v = act(&w, R::C, id, "apply_first_compensation", json!({})).await.expect(200).json();
        assert_eq!(v["first_compensation"]["basis"], "no_response");
        assert_eq!(v["first_compensation"]["limit"], 600_000);
        act(&w, R::C, id, "apply_first_compensation", json!({})).await.expect(409);

        // The fund is empty: refused, and nothing is half-written.
        let r = act(&w, R::Fund, id, "approve_first_compensation", json!({"amount_fen": 100_000})).await.expect(422);
        assert!(r.error().2.contains("available"), "{}", r.error().2);
        let v = w.view(R::C, id).await;
        assert_eq!((v["status"].as_str(), v["first_compensation"]["state"].as_str()), (Some("awaiting_merchant"), Some("applied")));
        assert_eq!(ledger_line::Entity::find().count(&w.app.svc.db).await.unwrap(), 0);
        assert_eq!(entries(&w, "payout").await, 0);

        top_up(&w, 10_000_000, "pool").await;
        let r = act(&w, R::Fund, id, "approve_first_compensation", json!({"amount_fen": 500_001})).await.expect(422);
        assert!(r.error().2.contains("cap"), "{}", r.error().2);
        // No deposit: all of it stays owed.
        act(&w, R::Fund, id, "approve_first_compensation", json!({"amount_fen": 500_000})).await.expect(200);
        let acc = account(&w, Some(R::Fund), w.merchant_a).await.expect(200).json();
        assert_eq!((acc["deposit_fen"].as_i64(), acc["owed_fen"].as_i64()), (Some(0), Some(500_000)));
        // The deposit cannot be paid back while the merchant owes.
        deposit(&w, w.merchant_a, 10_000, "dep").await;
        let r = post(&w, Some(R::Fund), &format!("/api/v1/merchants/{}/deposit/withdraw", w.merchant_a), &mv(10_000, "out")).await.expect(409);
        assert_eq!(r.error().1.as_deref(), Some("amount_fen"));
        // Too late to contest after five working days.
        let contest_by = instant(&deadline(&w.view(R::M, id).await, "contest_by")["at"]);
        w.set_now(contest_by + Duration::minutes(1));
        act(&w, R::M, id, "contest_recovery", json!({"reason": "太晚了"})).await.expect(409);
        // A write-off needs its reason; then the merchant owes nothing and may take its deposit back.
        let r = post(&w, Some(R::Fund), &format!("/api/v1/cases/{id}/write-off"), &mv(500_000, "wo")).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("reason"));
        let mut wo = mv(500_000, "wo");
        wo["reason"] = json!("商户已注销，无法追偿");
        post(&w, Some(R::Fund), &format!("/api/v1/cases/{id}/write-off"), &wo).await.expect(201);
        post(&w, Some(R::Fund), &format!("/api/v1/merchants/{}/deposit/withdraw", w.merchant_a), &mv(10_000, "out")).await.expect(201);
        let c = check(&w).await;
        assert_eq!(c.problem, None, "{c}");
    }

    async fn amounts_keys_and_accounts_are_checked_with_clear_messages(app) {
        let w = World::new(app).await;
        for (amount, want) in [
            (json!(0), "more than zero"),
            (json!(-5), "more than zero"),
            (json!(10_000_000_001_i64), "too large"),
            // Not a whole number: the body's type is wrong.
            (json!(12.5), "wrong type"),
            (json!("abc"), "wrong type"),
            (json!(null), "wrong type"),
        ] {
            let r = post(&w, Some(R::Fund), "/api/v1/fund/top-up", &json!({"amount_fen": amount, "idempotency_key": "k"})).await.expect(422);
            let (_, field, message) = r.error();
            assert_eq!(field.as_deref(), Some("amount_fen"), "{amount}");
            assert!(message.contains(want), "{amount}: {message}");
        }
        let r = post(&w, Some(R::Fund), "/api/v1/fund/top-up", &json!({"amount_fen": 100})).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("idempotency_key"));
        // Chinese too.
        let r = w.app.send(Req::post("/api/v1/fund/top-up").json(&json!({"amount_fen": 0, "idempotency_key": "k"})).bearer(w.token(R::Fund)).lang("zh-CN")).await.expect(422);
        assert!(r.error().2.contains("金额须大于零"), "{}", r.error().2);
        // Unknown merchant and case.
        post(&w, Some(R::Fund), "/api/v1/merchants/99999/deposit", &mv(100, "m")).await.expect(404);
        post(&w, Some(R::Fund), "/api/v1/cases/99999/repayment", &mv(100, "c")).await.expect(404);
        // Nothing to repay on a case without a payout.
        let id = w.file().await["id"].as_i64().unwrap();
        let r = post(&w, Some(R::Fund), &format!("/api/v1/cases/{id}/repayment"), &mv(100, "c")).await.expect(409);
        assert!(r.error().2.contains("no approved first compensation"), "{}", r.error().2);
        // Paying back more deposit than there is.
        deposit(&w, w.merchant_b, 500, "b").await;
        let r = post(&w, Some(R::Fund), &format!("/api/v1/merchants/{}/deposit/withdraw", w.merchant_b), &mv(501, "b-out")).await.expect(422);
        assert!(r.error().2.contains("deposit"), "{}", r.error().2);
        // None of it left a line behind.
        assert_eq!(ledger_line::Entity::find().count(&w.app.svc.db).await.unwrap(), 2);
        assert_eq!(check(&w).await.problem, None);
    }

    async fn the_api_takes_amounts_as_numbers_and_refuses_strings_naming_the_field(app) {
        let w = World::new(app).await;
        let id = w.file().await["id"].as_i64().unwrap();
        let merchant = w.merchant_b;
        let paths = [
            "/api/v1/fund/top-up".to_string(),
            format!("/api/v1/merchants/{merchant}/deposit"),
            format!("/api/v1/merchants/{merchant}/deposit/withdraw"),
            format!("/api/v1/cases/{id}/repayment"),
            format!("/api/v1/cases/{id}/write-off"),
        ];
        for path in &paths {
            let r = post(&w, Some(R::Fund), path, &mv("100", "as-text")).await.expect(422);
            let (code, field, message) = r.error();
            assert_eq!((code.as_str(), field.as_deref()), ("invalid", Some("amount_fen")), "{path}");
            assert!(message.contains("wrong type"), "{path}: {message}");
        }
        // Nor a key that is not text, nor a reason that is not text.
        let r = post(&w, Some(R::Fund), "/api/v1/fund/top-up", &json!({"amount_fen": 100, "idempotency_key": 7})).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("idempotency_key"));
        let r = post(&w, Some(R::Fund), "/api/v1/fund/top-up", &json!({"amount_fen": 100, "idempotency_key": "k", "reason": 1})).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("reason"));
        // Not JSON at all.
        let r = w.app.send(Req::post("/api/v1/fund/top-up").raw(b"amount_fen=100").bearer(w.token(R::Fund)).lang("en")).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("body"));
        // The same amount as a number is recorded.
        post(&w, Some(R::Fund), "/api/v1/fund/top-up", &mv(100, "as-number")).await.expect(201);
        assert_eq!(ledger_line::Entity::find().count(&w.app.svc.db).await.unwrap(), 2);
    }

    async fn the_same_key_makes_one_entry_and_a_reused_key_is_refused(app) {
        let w = World::new(app).await;
        let first = post(&w, Some(R::Fund), "/api/v1/fund/top-up", &mv(5_000, "same")).await.expect(201).json();
        let again = post(&w, Some(R::Fund), "/api/v1/fund/top-up", &mv(5_000, "same")).await.expect(200).json();
        assert_eq!(first["entry_id"], again["entry_id"]);
        assert_eq!(again["replayed"], true);
        let r = post(&w, Some(R::Fund), "/api/v1/fund/top-up", &mv(6_000, "same")).await.expect(409);
        assert_eq!(r.error().1.as_deref(), Some("idempotency_key"));
        // Ten identical requests at once: still one entry.
        let burst = mv(7_000, "burst");
        let reqs = (0..10).map(|_| post(&w, Some(R::Fund), "/api/v1/fund/top-up", &burst));
        let codes: Vec<u16> = futures::future::join_all(reqs).await.iter().map(|r| r.status.as_u16()).collect();
        assert_eq!(codes.iter().filter(|c| **c == 201).count(), 1, "{codes:?}");
        assert!(codes.iter().all(|c| *c == 201 || *c == 200), "{codes:?}");
        assert_eq!(entries(&w, "fund_top_up").await, 2);
        assert_eq!(summary(&w, "").await["available_fen"], 12_000);
    }

    async fn two_fund_administrators_approving_at_once_pay_once(app) {
        let w = World::new(app).await;
        top_up(&w, 10_000_000, "pool").await;
        let id = non_compliant(&w).await;
        act(&w, R::C, id, "apply_first_compensation", json!({})).await.expect(200);
        let body = act_body("approve_first_compensation", json!({"amount_fen": 100_000}));
        let reqs = (0..8).map(|_| w.act(R::Fund, id, &body));
        let resps = futures::future::join_all(reqs).await;
        let codes: Vec<u16> = resps.iter().map(|r| r.status.as_u16()).collect();
        assert_eq!(codes.iter().filter(|c| **c == 200).count(), 1, "{codes:?}");
        for r in resps.iter().filter(|r| r.status != 200) {
            assert!(matches!(r.status.as_u16(), 409), "{}", r.text());
        }
        assert_eq!(entries(&w, "payout").await, 1);
        assert_eq!(summary(&w, "").await["paid_fen"], 100_000);
        assert_eq!(check(&w).await.problem, None);
    }

    async fn only_fund_administrators_move_money_and_merchants_see_only_their_account(app) {
        let w = World::new(app).await;
        top_up(&w, 1_000_000, "pool").await;
        let id = non_compliant(&w).await;
        let (a, b) = (w.merchant_a, w.merchant_b);
        let routes = [
            "/api/v1/fund/top-up".to_string(),
            format!("/api/v1/merchants/{a}/deposit"),
            format!("/api/v1/merchants/{a}/deposit/withdraw"),
            format!("/api/v1/cases/{id}/repayment"),
            format!("/api/v1/cases/{id}/write-off"),
        ];
        for path in &routes {
            post(&w, None, path, &mv(100, "x")).await.expect(401);
            for r in [R::C, R::C2, R::M, R::M2, R::Med, R::Arb, R::Reg, R::Adm] {
                post(&w, Some(r), path, &mv(100, "x")).await.expect(403);
            }
        }
        assert_eq!(ledger_entry::Entity::find().count(&w.app.svc.db).await.unwrap(), 1);
        // Only the consumer applies; only fund administrators decide.
        for r in [R::M, R::Med, R::Arb, R::Reg, R::Adm, R::Fund] {
            act(&w, r, id, "apply_first_compensation", json!({})).await.expect(403);
        }
        act(&w, R::C, id, "apply_first_compensation", json!({})).await.expect(200);
        for r in [R::C, R::M, R::Med, R::Arb, R::Reg, R::Adm] {
            act(&w, r, id, "approve_first_compensation", json!({"amount_fen": 100})).await.expect(403);
            act(&w, r, id, "refuse_first_compensation", json!({"refusal_category": "other", "reason": "x"})).await.expect(403);
        }
        // Another consumer does not even see the case.
        act(&w, R::C2, id, "approve_first_compensation", json!({"amount_fen": 100})).await.expect(404);
        // A refusal needs reasons and reaches the consumer.
        act(&w, R::Fund, id, "refuse_first_compensation", json!({"refusal_category": "insufficient_evidence"})).await.expect(422);
        act(&w, R::Fund, id, "refuse_first_compensation", json!({"refusal_category": "insufficient_evidence", "reason": "材料不足"})).await.expect(200);
        assert!(w.inbox(R::C, id).await.contains(&"fc_refused".to_string()));
        // Accounts: one's own merchant, and staff.
        account(&w, None, a).await.expect(401);
        for r in [R::C, R::M2, R::Med, R::Arb] {
            account(&w, Some(r), a).await.expect(403);
        }
        account(&w, Some(R::M), b).await.expect(403);
        for r in [R::M, R::Fund, R::Reg, R::Adm] {
            account(&w, Some(r), a).await.expect(200);
        }
    }

    async fn the_public_ledger_lists_payouts_with_consumers_masked(app) {
        let w = World::new(app).await;
        top_up(&w, 1_000_000, "pool").await;
        deposit(&w, w.merchant_a, 50_000, "dep").await;
        let id = non_compliant(&w).await;
        act(&w, R::C, id, "apply_first_compensation", json!({})).await.expect(200);
        act(&w, R::Fund, id, "approve_first_compensation", json!({"amount_fen": 80_000})).await.expect(200);
        let r = w.app.send(Req::get("/api/v1/fund/ledger")).await.expect(200);
        assert!(!r.text().contains(CONSUMER_NAME), "{}", r.text());
        let v = r.json();
        assert_eq!(v["total"], 2);
        let rows = v["rows"].as_array().unwrap();
        let kinds: Vec<&str> = rows.iter().map(|r| r["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, vec!["recovery", "payout"]);
        let payout = &rows[1];
        assert_eq!(payout["consumer"], "王**");
        assert_eq!(payout["amount_fen"], 80_000);
        assert_eq!(payout["status"], "partly_recovered");
        assert_eq!(payout["merchant_id"], w.merchant_a);
        assert_eq!(payout["case_number"], w.view(R::Adm, id).await["number"]);
        // One merchant's figures; the other has none.
        let s = summary(&w, &format!("?merchant_id={}", w.merchant_a)).await;
        assert_eq!((s["paid_fen"].as_i64(), s["recovered_fen"].as_i64(), s["outstanding_fen"].as_i64()), (Some(80_000), Some(50_000), Some(30_000)));
        assert_eq!(s["available_fen"], Value::Null);
        let s = summary(&w, &format!("?merchant_id={}", w.merchant_b)).await;
        assert_eq!((s["paid_fen"].as_i64(), s["recovery_rate_bp"].clone()), (Some(0), Value::Null));
        // Pages.
        let v = w.app.send(Req::get("/api/v1/fund/ledger?per_page=1&page=2")).await.expect(200).json();
        assert_eq!(v["rows"][0]["kind"], "payout");
        w.app.send(Req::get("/api/v1/fund/ledger?page=x").lang("en")).await.expect(422);
    }

    async fn reconciliation_names_the_first_problem(app) {
        let w = World::new(app).await;
        top_up(&w, 1_000_000, "pool").await;
        let id = non_compliant(&w).await;
        act(&w, R::C, id, "apply_first_compensation", json!({})).await.expect(200);
        act(&w, R::Fund, id, "approve_first_compensation", json!({"amount_fen": 80_000})).await.expect(200);
        assert_eq!(check(&w).await.problem, None);
        let db = &w.app.svc.db;
        // A line edited by hand: that entry no longer balances.
        let line = ledger_line::Entity::find().filter(ledger_line::Column::Account.eq("payable")).one(db).await.unwrap().unwrap();
        db.execute_unprepared(&format!("UPDATE ledger_lines SET amount_fen = amount_fen + 1 WHERE id = {}", line.id)).await.unwrap();
        let c = check(&w).await;
        let p = c.problem.clone().unwrap_or_default();
        assert!(p.contains(&format!("entry {}", line.entry_id)) && p.contains("does not balance"), "{c}");
        db.execute_unprepared(&format!("UPDATE ledger_lines SET amount_fen = amount_fen - 1 WHERE id = {}", line.id)).await.unwrap();
        // A payout that differs from the case's approved amount.
        db.execute_unprepared("UPDATE ledger_entries SET amount_fen = 1 WHERE kind = 'payout'").await.unwrap();
        let c = check(&w).await;
        assert!(c.problem.clone().unwrap_or_default().contains("not what a payout posts"), "{c}");
        db.execute_unprepared("UPDATE ledger_entries SET amount_fen = 80000 WHERE kind = 'payout'").await.unwrap();
        assert_eq!(check(&w).await.problem, None);
        // Lines moved so that the pool paid more than it held.
        db.execute_unprepared("UPDATE ledger_entries SET amount_fen = 10 WHERE kind = 'fund_top_up'").await.unwrap();
        db.execute_unprepared("UPDATE ledger_lines SET amount_fen = CASE WHEN amount_fen > 0 THEN 10 ELSE -10 END WHERE entry_id = (SELECT id FROM ledger_entries WHERE kind = 'fund_top_up')").await.unwrap();
        let c = check(&w).await;
        assert!(c.problem.clone().unwrap_or_default().contains("not allowed by the balances"), "{c}");
    }

    async fn the_database_books_agree_with_the_pure_model_over_a_random_sequence(app) {
        // A fixed pseudo-random sequence of movements, valid and not, posted
        // through the HTTP API and, beside it, through `domain::fund::Books`.
        let w = World::new(app).await;
        let (a, b) = (w.merchant_a as i32, w.merchant_b as i32);
        let mut model = Books::default();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for i in 0..60 {
            let m = if next(2) == 0 { a } else { b };
            let amount = next(5_000) as i64 - 500;
            let (path, op) = match next(3) {
                0 => ("/api/v1/fund/top-up".to_string(), Operation::FundTopUp { amount: Fen(amount) }),
                1 => (format!("/api/v1/merchants/{m}/deposit"), Operation::DepositTopUp { merchant_id: m, amount: Fen(amount) }),
                _ => (format!("/api/v1/merchants/{m}/deposit/withdraw"), Operation::DepositWithdrawal { merchant_id: m, amount: Fen(amount) }),
            };
            let resp = post(&w, Some(R::Fund), &path, &mv(amount, &format!("seq-{i}"))).await;
            let expected = model.post(&op);
            assert_eq!(resp.status == 201, expected.is_ok(), "step {i} {op:?}: {} vs {expected:?}", resp.text());
        }
        for acc in [Account::EXTERNAL, Account::FUND_POOL, Account::deposit(a), Account::deposit(b)] {
            let stored = services::fund::books::balance(&w.app.svc.db, &acc).await.unwrap();
            assert_eq!(stored, model.balance(&acc), "{acc:?}");
        }
        assert_eq!(check(&w).await.problem, None);
    }
}
