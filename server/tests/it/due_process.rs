//! Due process on the credit file: objections before publication (upheld →
//! withdrawn, refused → published at once, too late → refused) and credit
//! repair of a published finding (approved → out of public view and the
//! score; commitment renewed).

use chrono::Duration;
use serde_json::{Value, json};

use crate::cases::{R, Stage, World, instant};
use crate::credit::{kinds, profile, recompute, records, send, verified_new_merchant};
use crate::harness::{Req, Resp, backend_tests};

async fn finding(w: &World, merchant: i64) -> Value {
    send(
        w,
        Some(R::Reg),
        Req::post(&format!("/api/v1/regulator/merchants/{merchant}/records")).json(&json!({
            "kind": "false_advertising",
            "summary": "商品详情页宣称“全网最低价”，经核查与事实不符。",
            "evidence": "执法检查记录 2026-11-20",
            "occurred_on": "2026-11-10"
        })),
    )
    .await
    .expect(201)
    .json()
}

async fn request(w: &World, r: R, record: i64, what: &str, body: &Value) -> Resp {
    send(
        w,
        Some(r),
        Req::post(&format!("/api/v1/records/{record}/{what}")).json(body),
    )
    .await
}

async fn decide(w: &World, r: R, id: i64, body: &Value) -> Resp {
    send(
        w,
        Some(r),
        Req::post(&format!("/api/v1/regulator/requests/{id}/decision")).json(body),
    )
    .await
}

fn objection() -> Value {
    json!({"text": "宣传用语已于检查前下架，且“最低价”有比价截图为证。", "evidence": "比价截图说明"})
}

async fn sweep_after(w: &World, record: &Value) -> usize {
    w.set_now(instant(&record["objection_until"]) + Duration::minutes(1));
    services::cases::sweep::sweep(&w.app.svc, w.now())
        .await
        .unwrap()
        .records_published
}

fn find<'a>(rs: &'a [Value], id: &Value) -> Option<&'a Value> {
    rs.iter().find(|r| &r["id"] == id)
}

backend_tests! {
    async fn an_upheld_objection_withdraws_the_finding_before_anyone_sees_it(app) {
        let w = World::new(app).await;
        let merchant = verified_new_merchant(&w).await;
        let f = finding(&w, merchant).await;
        let id = f["id"].as_i64().unwrap();
        // Only the merchant's own account objects, with reasons.
        for r in [R::M, R::C, R::Reg, R::Adm, R::Fund] {
            request(&w, r, id, "objection", &objection()).await.expect(403);
        }
        assert_eq!(request(&w, R::M2, id, "objection", &json!({"text": "不服"})).await.expect(422).error().1.as_deref(), Some("text"));
        let o = request(&w, R::M2, id, "objection", &objection()).await.expect(201).json();
        assert_eq!((o["kind"].as_str(), o["status"].as_str()), (Some("objection"), Some("pending")));
        request(&w, R::M2, id, "objection", &objection()).await.expect(409);
        // The regulators' queue has it; the period ending does not publish it while it waits.
        let q = send(&w, Some(R::Reg), Req::get("/api/v1/records/requests?status=pending")).await.expect(200).json();
        assert_eq!(q["items"].as_array().unwrap().len(), 1);
        for r in [R::C, R::Med, R::Arb, R::Fund] {
            send(&w, Some(r), Req::get("/api/v1/records/requests")).await.expect(403);
        }
        assert_eq!(sweep_after(&w, &f).await, 0);
        assert!(find(&records(&w, None, merchant).await, &f["id"]).is_none());
        // Decided by a regulator, with reasons.
        let oid = o["id"].as_i64().unwrap();
        for r in [R::M2, R::C, R::Adm, R::Fund, R::Arb] {
            decide(&w, r, oid, &json!({"grant": true, "reason": "x"})).await.expect(403);
        }
        assert_eq!(decide(&w, R::Reg, oid, &json!({"grant": true})).await.expect(422).error().1.as_deref(), Some("reason"));
        assert_eq!(decide(&w, R::Reg, oid, &json!({"reason": "理由"})).await.expect(422).error().1.as_deref(), Some("grant"));
        let d = decide(&w, R::Reg, oid, &json!({"grant": true, "reason": "证据表明宣传已下架，不予记录。"})).await.expect(200).json();
        assert_eq!((d["status"].as_str(), d["record"]["status"].as_str()), (Some("upheld"), Some("withdrawn")));
        decide(&w, R::Reg, oid, &json!({"grant": false, "reason": "again"})).await.expect(409);
        assert_eq!(sweep_after(&w, &f).await, 0);
        assert!(find(&records(&w, None, merchant).await, &f["id"]).is_none());
        let inbox = send(&w, Some(R::M2), Req::get("/api/v1/notifications")).await.expect(200).json();
        assert!(inbox["items"].as_array().unwrap().iter().any(|n| n["key"] == "record_objection_upheld"), "{inbox}");
    }

    async fn a_refused_objection_publishes_at_once_and_a_late_one_is_refused(app) {
        let w = World::new(app).await;
        let merchant = verified_new_merchant(&w).await;
        let f = finding(&w, merchant).await;
        let o = request(&w, R::M2, f["id"].as_i64().unwrap(), "objection", &objection()).await.expect(201).json();
        decide(&w, R::Reg, o["id"].as_i64().unwrap(), &json!({"grant": false, "reason": "截图不能证明下架时间。"})).await.expect(200);
        let public = records(&w, None, merchant).await;
        assert_eq!(find(&public, &f["id"]).unwrap()["public"], true);
        // Another finding: objecting after its period is too late.
        let g = finding(&w, merchant).await;
        w.set_now(instant(&g["objection_until"]) + Duration::minutes(1));
        let r = request(&w, R::M2, g["id"].as_i64().unwrap(), "objection", &objection()).await.expect(409);
        assert_eq!(r.error().1.as_deref(), Some("record"));
    }

    async fn credit_repair_takes_a_published_finding_out_of_view_and_the_score(app) {
        let w = World::new(app).await;
        let merchant = verified_new_merchant(&w).await;
        let f = finding(&w, merchant).await;
        let id = f["id"].as_i64().unwrap();
        // Not before it is published.
        let repair = json!({"text": "已全面整改：下架违规宣传，建立广告审核制度。", "evidence": "整改报告", "renew_commitment": true});
        request(&w, R::M2, id, "repair", &repair).await.expect(409);
        assert_eq!(sweep_after(&w, &f).await, 1);
        recompute(&w).await;
        let penalised = profile(&w, merchant).await["credit"]["score"].as_i64().unwrap();
        let mut no_commitment = repair.clone();
        no_commitment["renew_commitment"] = json!(false);
        assert_eq!(request(&w, R::M2, id, "repair", &no_commitment).await.expect(422).error().1.as_deref(), Some("renew_commitment"));
        request(&w, R::M, id, "repair", &repair).await.expect(403);
        let a = request(&w, R::M2, id, "repair", &repair).await.expect(201).json();
        // Refused once, then approved on a second application.
        decide(&w, R::Reg, a["id"].as_i64().unwrap(), &json!({"grant": false, "reason": "整改报告缺少制度文件。"})).await.expect(200);
        assert_eq!(find(&records(&w, None, merchant).await, &f["id"]).unwrap()["public"], true);
        let a = request(&w, R::M2, id, "repair", &repair).await.expect(201).json();
        let d = decide(&w, R::Reg, a["id"].as_i64().unwrap(), &json!({"grant": true, "reason": "整改到位，准予修复。"})).await.expect(200).json();
        assert_eq!(d["status"], "approved");
        assert!(d["record"]["repaired_at"].is_string());
        // Out of public view; the regulator and the merchant still see it, marked repaired.
        assert!(find(&records(&w, None, merchant).await, &f["id"]).is_none());
        let reg = records(&w, Some(R::Reg), merchant).await;
        let kept = find(&reg, &f["id"]).unwrap();
        assert_eq!((kept["public"].as_bool(), kept["repaired_at"].is_string()), (Some(false), true));
        recompute(&w).await;
        let p = profile(&w, merchant).await;
        assert!(p["credit"]["score"].as_i64().unwrap() > penalised, "{}", p["credit"]);
        // The commitment was renewed with the repair.
        assert!(p["commitments"].as_array().unwrap().iter().any(|c| c["broken_at"].is_null()));
        request(&w, R::M2, id, "repair", &repair).await.expect(409);
    }

    async fn commendations_and_broken_commitments_take_a_findings_due_process(app) {
        let w = World::new(app).await;
        let merchant = verified_new_merchant(&w).await;
        let today = domain::calendar::local_date(w.now()).to_string();
        let post = |kind: &str, severity: Option<&str>| {
            let mut body = json!({
                "kind": kind,
                "summary": "在 2026 年“双十二”消费维权专项行动中表现突出，主动先行赔付。",
                "evidence": "市场监管局通报 2026 第 12 号",
                "occurred_on": today,
            });
            if let Some(s) = severity {
                body["severity"] = json!(s);
            }
            Req::post(&format!("/api/v1/regulator/merchants/{merchant}/records")).json(&body)
        };
        // Only regulators record them; a commendation has no severity; case
        // outcomes and signatures are not entered by hand.
        for r in [R::M2, R::C, R::Med, R::Arb, R::Fund, R::Adm] {
            send(&w, Some(r), post("commendation", None)).await.expect(403);
        }
        assert_eq!(send(&w, Some(R::Reg), post("commendation", Some("serious"))).await.expect(422).error().1.as_deref(), Some("severity"));
        for kind in ["settled", "commitment_signed", "fc_paid"] {
            assert_eq!(send(&w, Some(R::Reg), post(kind, None)).await.expect(422).error().1.as_deref(), Some("kind"), "{kind}");
        }
        // A commitment can only be broken once signed.
        let r = send(&w, Some(R::Reg), post("commitment_broken", None)).await.expect(409);
        assert_eq!(r.error().1.as_deref(), Some("kind"));
        let sign = Req::post(&format!("/api/v1/merchants/{merchant}/commitment")).json(&json!({"accept": true}));
        send(&w, Some(R::M2), sign).await.expect(201);
        recompute(&w).await;
        let signed = profile(&w, merchant).await;
        let factor = |p: &Value, key: &str| p["credit"]["factors"].as_array().unwrap().iter().find(|f| f["key"] == key).unwrap()["points"].as_i64().unwrap();
        assert!(factor(&signed, "credit.factor.commitment") > 0, "{}", signed["credit"]);
        assert_eq!(factor(&signed, "credit.factor.commendations"), 0);

        // Both wait out the objection period, out of public view.
        let c = send(&w, Some(R::Reg), post("commendation", None)).await.expect(201).json();
        assert_eq!((c["status"].as_str(), c["severity"].as_str()), (Some("pending"), Some("minor")));
        let b = send(&w, Some(R::Reg), post("commitment_broken", None)).await.expect(201).json();
        assert_eq!((b["status"].as_str(), b["severity"].as_str()), (Some("pending"), Some("serious")));
        let public = records(&w, None, merchant).await;
        assert!(find(&public, &c["id"]).is_none() && find(&public, &b["id"]).is_none());
        let inbox = send(&w, Some(R::M2), Req::get("/api/v1/notifications")).await.expect(200).json();
        let keys: Vec<&str> = inbox["items"].as_array().unwrap().iter().filter_map(|n| n["key"].as_str()).collect();
        assert!(keys.contains(&"record_commendation_pending") && keys.contains(&"record_pending"), "{keys:?}");
        // Pending, the commitment still stands.
        let p = profile(&w, merchant).await;
        assert!(p["commitments"].as_array().unwrap().iter().all(|c| c["broken_at"].is_null()), "{}", p["commitments"]);

        // The merchant objects to the broken commitment; refused, it is
        // published at once and ends the commitment.
        let o = request(&w, R::M2, b["id"].as_i64().unwrap(), "objection", &objection()).await.expect(201).json();
        decide(&w, R::Reg, o["id"].as_i64().unwrap(), &json!({"grant": false, "reason": "承诺的先行赔付未在期限内兑现。"})).await.expect(200);
        let p = profile(&w, merchant).await;
        let cs = p["commitments"].as_array().unwrap();
        assert!(cs.iter().all(|c| c["broken_at"].is_string()), "{cs:?}");
        assert!(find(&records(&w, None, merchant).await, &b["id"]).unwrap()["public"].as_bool().unwrap());
        // Nothing left to break until the merchant signs again.
        send(&w, Some(R::Reg), post("commitment_broken", None)).await.expect(409);
        // The commendation is published when its period ends, and counts.
        assert_eq!(sweep_after(&w, &c).await, 1);
        recompute(&w).await;
        let after = profile(&w, merchant).await;
        assert!(find(&records(&w, None, merchant).await, &c["id"]).unwrap()["public"].as_bool().unwrap());
        assert_eq!(factor(&after, "credit.factor.commendations"), 15, "{}", after["credit"]);
        assert_eq!(factor(&after, "credit.factor.commitment"), 0, "{}", after["credit"]);
        assert!(factor(&after, "credit.factor.adverse_records") < 0, "{}", after["credit"]);
        // A commendation is not repaired; a broken commitment may be.
        let repair = json!({"text": "已整改并重新建立先行赔付制度，申请修复。", "renew_commitment": true});
        request(&w, R::M2, c["id"].as_i64().unwrap(), "repair", &repair).await.expect(409);
        request(&w, R::M2, b["id"].as_i64().unwrap(), "repair", &repair).await.expect(201);
        // Signing again puts a commitment back in force.
        let sign = Req::post(&format!("/api/v1/merchants/{merchant}/commitment")).json(&json!({"accept": true}));
        send(&w, Some(R::M2), sign).await.expect(201);
    }

    async fn case_outcomes_are_not_objected_to_or_repaired_here(app) {
        let w = World::new(app).await;
        let _ = w.case_at(Stage::Decided).await;
        let rs = records(&w, Some(R::M), w.merchant_a).await;
        assert!(kinds(&rs).contains(&"decided_against".to_string()));
        let id = rs.iter().find(|r| r["kind"] == "decided_against").unwrap()["id"].as_i64().unwrap();
        request(&w, R::M, id, "objection", &objection()).await.expect(409);
        let repair = json!({"text": "已按裁决履行，申请修复记录。", "renew_commitment": true});
        request(&w, R::M, id, "repair", &repair).await.expect(409);
    }
}
