//! Merchant credit, first part, over HTTP: registration and verification
//! (实名登记) with the licence image, the public profile, commitments, the
//! credit file (case outcomes, regulator findings with their objection
//! period), and the score recomputed through the outbox.

use chrono::Duration;
use domain::credit::CreditParams;
use entities::{merchant, outbox};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::cases::{R, Stage, USCC_A, USCC_UNKNOWN, World, strings};
use crate::harness::{Req, Resp, backend_tests};

/// A valid code the fixture does not import.
const NEW_USCC: &str = USCC_UNKNOWN;
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR fake but recognised";

pub fn registration(uscc: &str) -> Value {
    json!({
        "uscc": uscc,
        "name": "北京辉腾印刷有限公司",
        "entity_type": "enterprise",
        "kind": "shop",
        "registered_address": "北京市西城区西直门南小街1号",
        "business_scope": "印刷、包装装潢印刷品",
        "shop_names": ["辉腾印刷旗舰店", "https://huiteng.example.cn"],
        "licence_valid_until": "2040-12-31"
    })
}

pub async fn send(w: &World, r: Option<R>, req: Req) -> Resp {
    let req = req.lang("en");
    match r {
        Some(r) => w.app.send(req.bearer(w.token(r))).await,
        None => w.app.send(req).await,
    }
}

pub async fn register(w: &World, r: R, body: &Value) -> Resp {
    send(w, Some(r), Req::post("/api/v1/merchants").json(body)).await
}

/// A multipart body with `bytes` as the PNG field `file`, and its content type.
pub fn multipart(bytes: &[u8]) -> (String, Vec<u8>) {
    multipart_file("licence.png", "image/png", bytes)
}

/// A multipart body with `bytes` as the field `file` named `name`, and its content type.
pub fn multipart_file(name: &str, content_type: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "gongdao-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub async fn upload_licence(w: &World, r: R, id: i64, bytes: &[u8]) -> Resp {
    let (ct, body) = multipart(bytes);
    send(
        w,
        Some(r),
        Req::post(&format!("/api/v1/merchants/verifications/{id}/licence"))
            .body(body)
            .header("content-type", &ct),
    )
    .await
}

pub async fn decide(w: &World, r: R, id: i64, body: &Value) -> Resp {
    send(
        w,
        Some(r),
        Req::post(&format!("/api/v1/regulator/verifications/{id}/decision")).json(body),
    )
    .await
}

pub async fn profile(w: &World, id: i64) -> Value {
    send(w, None, Req::get(&format!("/api/v1/merchants/{id}")))
        .await
        .expect(200)
        .json()
}

pub async fn records(w: &World, r: Option<R>, id: i64) -> Vec<Value> {
    send(w, r, Req::get(&format!("/api/v1/merchants/{id}/records")))
        .await
        .expect(200)
        .items()
}

pub fn kinds(rs: &[Value]) -> Vec<String> {
    rs.iter()
        .map(|r| r["kind"].as_str().unwrap().to_string())
        .collect()
}

/// Runs the credit worker once (as the server does after each change).
pub async fn recompute(w: &World) -> usize {
    services::credit::score::run_due(&w.app.svc, w.now())
        .await
        .unwrap()
}

/// Recomputations due now.
async fn credit_rows(w: &World) -> u64 {
    outbox::Entity::find()
        .filter(outbox::Column::Topic.eq("credit"))
        // Recomputations scheduled for when a record's display period ends are not due yet.
        .filter(outbox::Column::NextAttemptAt.lte(w.now()))
        .count(&w.app.svc.db)
        .await
        .unwrap()
}

/// M2 registers the new business, uploads its licence, a regulator verifies it.
pub async fn verified_new_merchant(w: &World) -> i64 {
    let v = register(w, R::M2, &registration(NEW_USCC))
        .await
        .expect(201)
        .json();
    let id = v["id"].as_i64().unwrap();
    upload_licence(w, R::M2, id, PNG).await.expect(200);
    decide(w, R::Reg, id, &json!({"approve": true}))
        .await
        .expect(200);
    v["merchant_id"].as_i64().unwrap()
}

backend_tests! {
    async fn a_merchant_registers_a_business_and_a_regulator_verifies_it(app) {
        let w = World::new(app).await;
        // The code is checked (GB 32100) and normalised.
        for (bad, why) in [("91340000148941325J", "check"), ("12345", "18"), ("", "required")] {
            let r = register(&w, R::M2, &registration(bad)).await.expect(422);
            let (_, field, msg) = r.error();
            assert_eq!(field.as_deref(), Some("uscc"), "{bad}");
            assert!(msg.to_lowercase().contains(why), "{bad}: {msg}");
        }
        let mut body = registration(&NEW_USCC.to_lowercase());
        body["entity_type"] = json!("company");
        assert_eq!(register(&w, R::M2, &body).await.expect(422).error().1.as_deref(), Some("entity_type"));
        body["entity_type"] = json!("enterprise");
        body["licence_valid_until"] = json!("2020-01-01");
        assert_eq!(register(&w, R::M2, &body).await.expect(422).error().1.as_deref(), Some("licence_valid_until"));
        body["licence_valid_until"] = json!("2040-12-31");
        // Only merchant accounts register.
        register(&w, R::C, &body).await.expect(403);
        send(&w, None, Req::post("/api/v1/merchants").json(&body)).await.expect(401);
        let v = register(&w, R::M2, &body).await.expect(201).json();
        assert_eq!((v["status"].as_str(), v["uscc"].as_str()), (Some("pending"), Some(NEW_USCC)));
        assert_eq!(v["shop_names"], json!(["辉腾印刷旗舰店", "https://huiteng.example.cn"]));
        let id = v["id"].as_i64().unwrap();
        let merchant = v["merchant_id"].as_i64().unwrap();
        register(&w, R::M2, &body).await.expect(409);
        // Unverified: no mark yet, and nobody answers for it.
        let p = profile(&w, merchant).await;
        assert_eq!((p["verified_at"].clone(), p["licence_url"].clone()), (Value::Null, Value::Null));

        // The licence image: only the applicant uploads, only images and PDFs.
        upload_licence(&w, R::M, id, PNG).await.expect(404);
        assert_eq!(upload_licence(&w, R::M2, id, b"MZ not an image").await.expect(422).error().1.as_deref(), Some("file"));
        let v = upload_licence(&w, R::M2, id, PNG).await.expect(200).json();
        assert!(v["licence_sha256"].is_string());
        let licence = format!("/api/v1/merchants/verifications/{id}/licence");
        send(&w, None, Req::get(&licence)).await.expect(404);
        send(&w, Some(R::Reg), Req::get(&licence)).await.expect(200);

        // The queue is the regulators' and admins'.
        for r in [R::C, R::Med, R::Arb, R::Fund] {
            send(&w, Some(r), Req::get("/api/v1/merchants/verifications?status=pending")).await.expect(403);
        }
        let q = send(&w, Some(R::Reg), Req::get("/api/v1/merchants/verifications?status=pending")).await.expect(200).json();
        assert_eq!(q["items"].as_array().unwrap().len(), 1);
        send(&w, Some(R::M), Req::get(&format!("/api/v1/merchants/verifications/{id}"))).await.expect(404);
        for r in [R::C, R::M, R::M2, R::Med, R::Arb, R::Fund] {
            decide(&w, r, id, &json!({"approve": true})).await.expect(403);
        }
        assert_eq!(decide(&w, R::Reg, id, &json!({"approve": false})).await.expect(422).error().1.as_deref(), Some("reason"));
        assert_eq!(decide(&w, R::Reg, id, &json!({"reason": "x"})).await.expect(422).error().1.as_deref(), Some("approve"));
        let v = decide(&w, R::Reg, id, &json!({"approve": true})).await.expect(200).json();
        assert_eq!(v["status"], "verified");
        decide(&w, R::Adm, id, &json!({"approve": false, "reason": "again"})).await.expect(409);

        // Verified: the mark, the licence in public, the account answers for it.
        let p = profile(&w, merchant).await;
        assert!(p["verified_at"].is_string());
        assert_eq!(p["shop_names"][0], "辉腾印刷旗舰店");
        assert_eq!(p["licence_valid_until"], "2040-12-31");
        assert_eq!(p["legal_form"], "enterprise");
        assert_eq!(send(&w, None, Req::get(&licence)).await.expect(200).body.as_ref(), PNG);
        let stored = merchant::Entity::find_by_id(merchant as i32).one(&w.app.svc.db).await.unwrap().unwrap();
        assert_eq!(stored.account_id, Some(w.who(R::M2).id as i32));
        // The applicant was told.
        let inbox = send(&w, Some(R::M2), Req::get("/api/v1/notifications")).await.expect(200).json();
        assert!(inbox["items"].as_array().unwrap().iter().any(|n| n["key"] == "verification_approved"), "{inbox}");
    }

    async fn a_business_verified_for_one_account_cannot_be_claimed_by_another(app) {
        let w = World::new(app).await;
        // Two accounts claim the registry's merchant B… (M2 already answers for it by fixture link,
        // but it is not verified: both may claim.)
        let other = w.app.create_account("third-shop@example.cn", domain::Role::Merchant, "第三家", domain::Lang::Zh).await;
        let third = w.app.login("third-shop@example.cn").await;
        let mine = register(&w, R::M, &registration(USCC_A)).await.expect(201).json();
        let theirs = w.app.send(Req::post("/api/v1/merchants").json(&registration(USCC_A)).bearer(&third).lang("en")).await.expect(201).json();
        assert_eq!(mine["merchant_id"], theirs["merchant_id"]);
        decide(&w, R::Reg, mine["id"].as_i64().unwrap(), &json!({"approve": true})).await.expect(200);
        // …the other claim lost, and a new one is refused.
        let v = send(&w, Some(R::Reg), Req::get(&format!("/api/v1/merchants/verifications/{}", theirs["id"]))).await.expect(200).json();
        assert_eq!(v["status"], "rejected");
        let r = w.app.send(Req::post("/api/v1/merchants").json(&registration(USCC_A)).bearer(&third).lang("en")).await.expect(409);
        assert_eq!(r.error().1.as_deref(), Some("uscc"));
        let _ = other;
    }

    async fn the_verified_merchant_signs_the_commitment_and_the_score_follows_through_the_outbox(app) {
        let w = World::new(app).await;
        let merchant = verified_new_merchant(&w).await;
        let path = format!("/api/v1/merchants/{merchant}/commitment");
        // The registry merchant A is linked but not verified.
        send(&w, Some(R::M), Req::post(&format!("/api/v1/merchants/{}/commitment", w.merchant_a)).json(&json!({"accept": true}))).await.expect(409);
        for r in [R::M, R::C, R::Reg, R::Adm] {
            send(&w, Some(r), Req::post(&path).json(&json!({"accept": true}))).await.expect(403);
        }
        send(&w, Some(R::M2), Req::post(&path).json(&json!({"accept": false}))).await.expect(422);
        recompute(&w).await;
        let before = profile(&w, merchant).await["credit"].clone();
        assert!(before.is_object(), "verification asked for a first score");
        let c = send(&w, Some(R::M2), Req::post(&path).json(&json!({"accept": true}))).await.expect(201).json();
        assert_eq!(c["version"], domain::merchant::COMMITMENT_VERSION);
        assert_eq!(c["text_sha256"], services::credit::commitments::text_sha256());
        let again = send(&w, Some(R::M2), Req::post(&path).json(&json!({"accept": true}))).await.expect(200).json();
        assert_eq!(again["id"], c["id"]);
        assert!(kinds(&records(&w, None, merchant).await).contains(&"commitment_signed".to_string()));
        // Not inline: the score changes only once the worker ran.
        assert_eq!(profile(&w, merchant).await["credit"], before);
        assert!(credit_rows(&w).await > 0);
        recompute(&w).await;
        assert_eq!(credit_rows(&w).await, 0);
        let after = profile(&w, merchant).await["credit"].clone();
        let factor = |v: &Value, key: &str| v["factors"].as_array().unwrap().iter().find(|f| f["key"] == key).unwrap()["points"].as_i64().unwrap();
        assert!(factor(&after, "credit.factor.commitment") > factor(&before, "credit.factor.commitment"), "{after}");
        assert!(after["score"].as_i64() > before["score"].as_i64());
        // Reproducible: the stored score is the formula over the inputs, again.
        let m = merchant::Entity::find_by_id(merchant as i32).one(&w.app.svc.db).await.unwrap().unwrap();
        let inputs = services::credit::score::inputs(&w.app.svc.db, &m, w.now()).await.unwrap();
        let again = domain::credit::score(&inputs, w.now(), &CreditParams::default());
        assert_eq!(serde_json::to_value(&again).unwrap(), after);
    }

    async fn a_finding_waits_out_the_objection_period_then_counts(app) {
        let w = World::new(app).await;
        let merchant = verified_new_merchant(&w).await;
        recompute(&w).await;
        let before = profile(&w, merchant).await["credit"]["score"].as_i64().unwrap();
        let path = format!("/api/v1/regulator/merchants/{merchant}/records");
        let finding = json!({"kind": "brushing", "summary": "经核查，该店铺2026年10月组织刷单320笔。", "evidence": "平台交易数据比对报告", "occurred_on": "2026-10-15"});
        for r in [R::C, R::M, R::M2, R::Med, R::Arb, R::Fund, R::Adm] {
            send(&w, Some(r), Req::post(&path).json(&finding)).await.expect(403);
        }
        send(&w, None, Req::post(&path).json(&finding)).await.expect(401);
        for (field, value) in [("kind", json!("settled")), ("kind", json!("nonsense")), ("severity", json!("huge")), ("summary", json!("短")), ("occurred_on", json!("2099-01-01"))] {
            let mut bad = finding.clone();
            bad[field] = value;
            assert_eq!(send(&w, Some(R::Reg), Req::post(&path).json(&bad)).await.expect(422).error().1.as_deref(), Some(field));
        }
        let r = send(&w, Some(R::Reg), Req::post(&path).json(&finding)).await.expect(201).json();
        assert_eq!((r["status"].as_str(), r["severity"].as_str()), (Some("pending"), Some("serious")));
        // Pending: the merchant and regulators see it, the public does not, the score ignores it.
        assert!(!kinds(&records(&w, None, merchant).await).contains(&"brushing".to_string()));
        let own = records(&w, Some(R::M2), merchant).await;
        assert_eq!(own.iter().find(|r| r["kind"] == "brushing").unwrap()["evidence"], "平台交易数据比对报告");
        assert!(kinds(&records(&w, Some(R::Reg), merchant).await).contains(&"brushing".to_string()));
        let inbox = send(&w, Some(R::M2), Req::get("/api/v1/notifications")).await.expect(200).json();
        assert!(inbox["items"].as_array().unwrap().iter().any(|n| n["key"] == "record_pending"));
        // After five working days the sweeper publishes it and the score drops.
        let until = crate::cases::instant(&r["objection_until"]);
        w.set_now(until - Duration::minutes(1));
        assert_eq!(services::cases::sweep::sweep(&w.app.svc, w.now()).await.unwrap().records_published, 0);
        w.set_now(until + Duration::minutes(1));
        assert_eq!(services::cases::sweep::sweep(&w.app.svc, w.now()).await.unwrap().records_published, 1);
        let public = records(&w, None, merchant).await;
        let b = public.iter().find(|r| r["kind"] == "brushing").unwrap();
        assert_eq!((b["public"].as_bool(), b["evidence"].clone()), (Some(true), Value::Null));
        recompute(&w).await;
        let after = profile(&w, merchant).await["credit"].clone();
        assert!(after["score"].as_i64().unwrap() < before, "{after}");
        let adverse = after["factors"].as_array().unwrap().iter().find(|f| f["key"] == "credit.factor.adverse_records").unwrap();
        assert!(adverse["points"].as_i64().unwrap() < 0, "{adverse}");
    }

    async fn case_outcomes_enter_the_credit_file_once(app) {
        let w = World::new(app).await;
        let settled = w.case_at(Stage::Settled).await;
        let decided = w.case_at(Stage::Decided).await;
        let rs = records(&w, None, w.merchant_a).await;
        let ks = kinds(&rs);
        assert!(ks.contains(&"settled".to_string()) && ks.contains(&"decided_against".to_string()), "{ks:?}");
        let numbers: Vec<String> = rs.iter().filter_map(|r| r["case_number"].as_str().map(String::from)).collect();
        for id in [settled, decided] {
            assert!(numbers.contains(&w.view(R::Adm, id).await["number"].as_str().unwrap().to_string()));
        }
        // Reopening and settling again does not write a second "settled" for the case.
        w.ok(R::C, settled, "reopen", Stage::Settled).await;
        assert_eq!(kinds(&records(&w, None, w.merchant_a).await).iter().filter(|k| *k == "settled").count(), 1);
        // The score reflects the decision against the merchant.
        recompute(&w).await;
        let credit = profile(&w, w.merchant_a).await["credit"].clone();
        let arbitration = credit["factors"].as_array().unwrap().iter().find(|f| f["key"] == "credit.factor.arbitration").unwrap();
        assert!(arbitration["points"].as_i64().unwrap() < 0, "{credit}");
        assert!(strings(&json!(["x"])).len() == 1);
    }

    async fn the_score_is_recomputed_when_a_record_leaves_its_display_period(app) {
        let w = World::new(app).await;
        let merchant = verified_new_merchant(&w).await;
        let path = format!("/api/v1/regulator/merchants/{merchant}/records");
        let finding = json!({"kind": "price_fraud", "severity": "minor", "summary": "虚构原价，先涨后降，经核查属实。", "occurred_on": "2026-11-20"});
        let r = send(&w, Some(R::Reg), Req::post(&path).json(&finding)).await.expect(201).json();
        w.set_now(crate::cases::instant(&r["objection_until"]) + Duration::minutes(1));
        services::cases::sweep::sweep(&w.app.svc, w.now()).await.unwrap();
        recompute(&w).await;
        let penalised = profile(&w, merchant).await["credit"]["score"].as_i64().unwrap();
        // A year on (minor: one year on display) the recomputation scheduled for that moment runs.
        let until = crate::cases::instant(&r["display_until"]);
        assert!(credit_rows(&w).await == 0, "nothing due before the end of the display period");
        w.set_now(until + Duration::minutes(1));
        assert!(credit_rows(&w).await > 0, "a recomputation is due when the period ends");
        recompute(&w).await;
        let restored = profile(&w, merchant).await["credit"]["score"].as_i64().unwrap();
        assert!(restored > penalised, "{restored} vs {penalised}");
    }
}
