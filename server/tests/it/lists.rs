//! Red and black lists (红黑名单) and the regulators' bulk export over HTTP:
//! a published serious finding proposes the black list, a regulator refuses
//! (nothing public) or confirms (public with date and reasons, on the
//! profile, new complaints straight to mediation); repeated non-compliance;
//! a red proposal only after 12 months at A+; authorisation of every
//! regulator route; the export in NDJSON and CSV.

use std::collections::BTreeMap;
use std::io::Read;

use chrono::{DateTime, Duration, Months, Utc};
use domain::credit::{CreditParams, Grade};
use entities::{merchant, outbox};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::cases::{R, Stage, USCC_A, USCC_B, USCC_UNKNOWN, World, deadline, instant, strings};
use crate::harness::{Req, Resp, backend_tests};

/// Every role but the regulator.
const NOT_REGULATORS: [R; 10] = [
    R::C,
    R::C2,
    R::M,
    R::M2,
    R::Med,
    R::Med2,
    R::Arb,
    R::Arb2,
    R::Adm,
    R::Fund,
];

async fn send(w: &World, r: Option<R>, req: Req) -> Resp {
    let req = req.lang("en");
    match r {
        Some(r) => w.app.send(req.bearer(w.token(r))).await,
        None => w.app.send(req).await,
    }
}

/// Runs the credit worker once (as the server does after each change).
async fn recompute(w: &World) {
    services::credit::score::run_due(&w.app.svc, w.now())
        .await
        .unwrap();
}

/// A regulator records serious misconduct (brushing) against `merchant`;
/// the objection period passes, the sweeper publishes it, the worker
/// recomputes.
async fn publish_finding(w: &World, merchant: i64) {
    let finding = json!({
        "kind": "brushing",
        "summary": "经核查，该店铺2026年10月组织刷单320笔。",
        "evidence": "平台交易数据比对报告",
        "occurred_on": "2026-10-15"
    });
    let path = format!("/api/v1/regulator/merchants/{merchant}/records");
    let r = send(w, Some(R::Reg), Req::post(&path).json(&finding))
        .await
        .expect(201)
        .json();
    assert_eq!(r["severity"], "serious");
    w.set_now(instant(&r["objection_until"]) + Duration::minutes(1));
    let report = services::cases::sweep::sweep(&w.app.svc, w.now())
        .await
        .unwrap();
    assert_eq!(report.records_published, 1);
    recompute(w).await;
    // A black-list proposal waits out the merchant's 5 working days to object.
    let until = proposals(w)
        .await
        .iter()
        .filter_map(|p| {
            p["objection_until"]
                .as_str()
                .map(|_| instant(&p["objection_until"]))
        })
        .max();
    if let Some(until) = until {
        w.set_now(until + Duration::minutes(1));
    }
}

async fn proposals_with(w: &World, token: &str) -> Vec<Value> {
    w.app
        .send(Req::get("/api/v1/regulator/lists/proposals").bearer(token))
        .await
        .expect(200)
        .items()
}

async fn proposals(w: &World) -> Vec<Value> {
    proposals_with(w, w.token(R::Reg)).await
}

fn decision_path(id: &Value) -> String {
    format!("/api/v1/regulator/lists/{id}/decision")
}

async fn decide(w: &World, r: Option<R>, id: &Value, body: &Value) -> Resp {
    send(w, r, Req::post(&decision_path(id)).json(body)).await
}

async fn public_list(w: &World, list: &str) -> Vec<Value> {
    let v = send(w, None, Req::get(&format!("/api/v1/lists/{list}")))
        .await
        .expect(200)
        .json();
    assert_eq!(v["list"], list);
    v["items"].as_array().unwrap().clone()
}

async fn profile(w: &World, id: i64) -> Value {
    send(w, None, Req::get(&format!("/api/v1/merchants/{id}")))
        .await
        .expect(200)
        .json()
}

async fn merchant_row(w: &World, id: i64) -> merchant::Model {
    merchant::Entity::find_by_id(id as i32)
        .one(&w.app.svc.db)
        .await
        .unwrap()
        .unwrap()
}

/// C files a fresh complaint against `merchant`; its status.
async fn new_complaint_status(w: &World, merchant: i64) -> String {
    let body = w.complaint(json!(merchant), &w.next_ref());
    let v = w.file_as(R::C, &body).await.expect(201).json();
    v["status"].as_str().unwrap().to_string()
}

/// M2 registers a new business with its licence and a regulator verifies it.
async fn verified_new_merchant(w: &World) -> i64 {
    let body = json!({
        "uscc": USCC_UNKNOWN,
        "name": "北京辉腾印刷有限公司",
        "entity_type": "enterprise",
        "kind": "shop",
        "registered_address": "北京市西城区西直门南小街1号",
        "business_scope": "印刷、包装装潢印刷品",
        "shop_names": ["辉腾印刷旗舰店"],
        "licence_valid_until": "2040-12-31"
    });
    let v = send(w, Some(R::M2), Req::post("/api/v1/merchants").json(&body))
        .await
        .expect(201)
        .json();
    let id = v["id"].as_i64().unwrap();
    let boundary = "gongdao-lists-boundary";
    let mut upload = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"licence.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    upload.extend_from_slice(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR fake but recognised");
    upload.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    send(
        w,
        Some(R::M2),
        Req::post(&format!("/api/v1/merchants/verifications/{id}/licence"))
            .body(upload)
            .header(
                "content-type",
                &format!("multipart/form-data; boundary={boundary}"),
            ),
    )
    .await
    .expect(200);
    send(
        w,
        Some(R::Reg),
        Req::post(&format!("/api/v1/regulator/verifications/{id}/decision"))
            .json(&json!({"approve": true})),
    )
    .await
    .expect(200);
    v["merchant_id"].as_i64().unwrap()
}

/// A small RFC 4180 reader (quoted fields, doubled quotes, CRLF records),
/// independent of the `csv` crate the export writes with.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = vec![];
    let mut record = vec![];
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "a bare CR in {text:?}");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, '\n') => panic!("a record ends with LF, not CRLF: {text:?}"),
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && record.is_empty(),
        "the last record must end with CRLF"
    );
    records
}

async fn export(w: &World, query: &str, auth: Option<Req>) -> Resp {
    let req = auth.unwrap_or_else(|| Req::get(&format!("/api/v1/export/credit{query}")));
    w.app.send(req.lang("en")).await
}

backend_tests! {
    async fn a_published_serious_finding_proposes_the_black_list_and_a_refusal_publishes_nothing(app) {
        let w = World::new(app).await;
        let b = w.merchant_b;
        recompute(&w).await;
        assert!(proposals(&w).await.is_empty());
        publish_finding(&w, b).await;
        let ps = proposals(&w).await;
        assert_eq!(ps.len(), 1, "{ps:?}");
        let p = &ps[0];
        assert_eq!((p["list"].as_str(), p["status"].as_str()), (Some("black"), Some("proposed")));
        assert_eq!((p["merchant_id"].as_i64(), p["uscc"].as_str()), (Some(b), Some(USCC_B)));
        assert_eq!(p["name"], "北京东城百货有限公司");
        assert_eq!(strings(&p["reasons"]), vec!["lists.reason.serious_record"]);
        // Proposed, then the merchant's objection period ran out (publish_finding waited it out).
        assert!(instant(&p["proposed_at"]) < instant(&p["objection_until"]));
        assert!(instant(&p["objection_until"]) < w.now());
        // Proposed is not listed.
        assert!(public_list(&w, "black").await.is_empty());
        assert_eq!(profile(&w, b).await["black_list"], Value::Null);

        // A reason is required both ways, and the choice itself.
        for body in [json!({"confirm": false}), json!({"confirm": true, "reason": "  "}), json!({"confirm": false, "reason": null})] {
            assert_eq!(decide(&w, Some(R::Reg), &p["id"], &body).await.expect(422).error().1.as_deref(), Some("reason"), "{body}");
        }
        for body in [json!({"reason": "理由"}), json!({"confirm": "yes", "reason": "理由"})] {
            assert_eq!(decide(&w, Some(R::Reg), &p["id"], &body).await.expect(422).error().1.as_deref(), Some("confirm"), "{body}");
        }
        let long = "长".repeat(2001);
        assert_eq!(decide(&w, Some(R::Reg), &p["id"], &json!({"confirm": false, "reason": long})).await.expect(422).error().1.as_deref(), Some("reason"));
        let v = decide(&w, Some(R::Reg), &p["id"], &json!({"confirm": false, "reason": "刷单已整改，情节较轻，暂不列入。"})).await.expect(200).json();
        assert_eq!((v["status"].as_str(), v["decision_reason"].as_str()), (Some("refused"), Some("刷单已整改，情节较轻，暂不列入。")));
        assert_eq!(instant(&v["decided_at"]), w.now());
        decide(&w, Some(R::Reg), &p["id"], &json!({"confirm": true, "reason": "改主意"})).await.expect(409);

        // Nothing public, nothing changes for the merchant, and no new proposal right away.
        assert!(public_list(&w, "black").await.is_empty());
        assert!(public_list(&w, "red").await.is_empty());
        let prof = profile(&w, b).await;
        assert_eq!((prof["black_list"].clone(), prof["red_list"].clone()), (Value::Null, Value::Null));
        assert!(proposals(&w).await.is_empty());
        services::credit::score::recompute(&w.app.svc, b as i32).await.unwrap();
        assert!(proposals(&w).await.is_empty(), "refused: not proposed again within 90 days");
        let inbox = send(&w, Some(R::M2), Req::get("/api/v1/notifications")).await.expect(200).json();
        assert!(!inbox["items"].as_array().unwrap().iter().any(|n| n["key"] == "black_listed"), "{inbox}");
        assert_eq!(new_complaint_status(&w, b).await, "awaiting_merchant");
        // After the cooling-off period the system proposes again.
        w.set_now(instant(&v["decided_at"]) + Duration::days(90));
        services::credit::score::recompute(&w.app.svc, b as i32).await.unwrap();
        let again = proposals_with(&w, &w.app.login(&w.who(R::Reg).email).await).await;
        assert_eq!(again.len(), 1);
        assert_ne!(again[0]["id"], p["id"]);
    }

    async fn a_confirmed_black_listing_is_public_on_the_profile_and_sends_new_complaints_to_mediation(app) {
        // Served through the public page cache, as `gongdao serve` does.
        let mut w = World::new(app).await;
        w.app.start_page_cache().await;
        let a = w.merchant_a;
        let before = w.file().await["id"].as_i64().unwrap();
        publish_finding(&w, a).await;
        let ps = proposals(&w).await;
        assert_eq!(ps.len(), 1);
        // Read (and so kept in memory) before the decision.
        for _ in 0..2 {
            assert!(public_list(&w, "black").await.is_empty());
            assert_eq!(profile(&w, a).await["black_list"], Value::Null);
        }
        let reason = "组织刷单320笔，情节严重，列入黑名单。";
        let v = decide(&w, Some(R::Reg), &ps[0]["id"], &json!({"confirm": true, "reason": reason})).await.expect(200).json();
        assert_eq!(v["status"], "confirmed");
        let confirmed_at = w.now();
        assert!(proposals(&w).await.is_empty());

        // Public, with the date and the reasons.
        let list = public_list(&w, "black").await;
        assert_eq!(list.len(), 1);
        let e = &list[0];
        assert_eq!((e["merchant_id"].as_i64(), e["uscc"].as_str(), e["name"].as_str()), (Some(a), Some(USCC_A), Some("北京海淀电器有限公司")));
        assert_eq!(instant(&e["since"]), confirmed_at);
        assert_eq!(strings(&e["reasons"]), vec!["lists.reason.serious_record"]);
        assert_eq!(e["decision_reason"], reason);
        assert!(public_list(&w, "red").await.is_empty());
        // On the profile.
        let p = profile(&w, a).await;
        assert_eq!(instant(&p["black_list"]["since"]), confirmed_at);
        assert_eq!(strings(&p["black_list"]["reasons"]), vec!["lists.reason.serious_record"]);
        assert_eq!(p["red_list"], Value::Null);
        // The merchant's account was told.
        let inbox = send(&w, Some(R::M), Req::get("/api/v1/notifications")).await.expect(200).json();
        assert!(inbox["items"].as_array().unwrap().iter().any(|n| n["key"] == "black_listed"), "{inbox}");

        // A new complaint goes straight to mediation, into the mediators' queue;
        // the earlier one is untouched, and another merchant's is not affected.
        let v = w.file_as(R::C, &w.complaint(json!(a), &w.next_ref())).await.expect(201).json();
        assert_eq!(v["status"], "in_mediation", "{v}");
        let id = v["id"].as_i64().unwrap();
        assert!(w.list_ids(R::Med, "role_view=queue").await.contains(&id));
        assert_eq!(w.view(R::Adm, before).await["status"], "awaiting_merchant");
        assert_eq!(new_complaint_status(&w, w.merchant_b).await, "awaiting_merchant");
        // Recomputing again proposes nothing more while the entry stands.
        recompute(&w).await;
        services::credit::score::recompute(&w.app.svc, a as i32).await.unwrap();
        assert!(proposals(&w).await.is_empty());
        assert_eq!(public_list(&w, "black").await.len(), 1);
    }

    async fn repeated_non_compliance_proposes_the_black_list_on_the_third(app) {
        let w = World::new(app).await;
        // Two awards today, a third a day later; none honoured.
        let early = [w.case_at(Stage::Decided).await, w.case_at(Stage::Decided).await];
        w.set_now(w.now() + Duration::days(1));
        let late = w.case_at(Stage::Decided).await;
        let due = |v: Value| instant(&deadline(&v, "comply_by")["at"]);
        let (due_early, due_late) = (due(w.view(R::Adm, early[1]).await), due(w.view(R::Adm, late).await));
        assert!(due_early < due_late);
        w.set_now(due_early + Duration::minutes(1));
        services::cases::sweep::sweep(&w.app.svc, w.now()).await.unwrap();
        for id in early {
            assert_eq!(w.view(R::Adm, id).await["status"], "non_compliant");
        }
        recompute(&w).await;
        assert!(proposals(&w).await.is_empty(), "twice is not yet repeated");
        w.set_now(due_late + Duration::minutes(1));
        services::cases::sweep::sweep(&w.app.svc, w.now()).await.unwrap();
        assert_eq!(w.view(R::Adm, late).await["status"], "non_compliant");
        recompute(&w).await;
        let ps = proposals(&w).await;
        assert_eq!(ps.len(), 1, "{ps:?}");
        assert_eq!((ps[0]["list"].as_str(), ps[0]["merchant_id"].as_i64()), (Some("black"), Some(w.merchant_a)));
        assert_eq!(strings(&ps[0]["reasons"]), vec!["lists.reason.repeated_non_compliance"]);
    }

    async fn a_red_proposal_needs_twelve_months_at_a_plus(app) {
        let w = World::new(app).await;
        let m = verified_new_merchant(&w).await;
        send(&w, Some(R::M2), Req::post(&format!("/api/v1/merchants/{m}/commitment")).json(&json!({"accept": true}))).await.expect(201);
        // No merchant reaches 900 without declared order volumes, so the
        // test grades by a formula whose A+ starts at 700 (verified 700 +
        // commitment 30 = 730).
        let lenient = CreditParams { grade_a_plus: 700, ..CreditParams::default() };
        let regrade = || services::credit::score::recompute_with(&w.app.svc, m as i32, &lenient);
        let start = w.now();
        assert_eq!(regrade().await.unwrap().grade, Grade::APlus);
        assert_eq!(merchant_row(&w, m).await.a_plus_since, Some(start));
        // The anniversary is scheduled, so a quiet merchant is still proposed on time.
        let anniversary = start.checked_add_months(Months::new(12)).unwrap();
        let scheduled = outbox::Entity::find()
            .filter(outbox::Column::Topic.eq("credit"))
            .filter(outbox::Column::NextAttemptAt.eq(anniversary))
            .all(&w.app.svc.db)
            .await
            .unwrap();
        // (The commitment record's display period ends that day too.)
        assert!(!scheduled.is_empty(), "{scheduled:?}");
        assert!(proposals(&w).await.is_empty());

        // A day and a second short of a year: still A+ since the start, not yet proposed.
        w.set_now(start + Duration::days(30));
        regrade().await.unwrap();
        assert_eq!(merchant_row(&w, m).await.a_plus_since, Some(start), "kept while A+");
        w.set_now(anniversary - Duration::seconds(1));
        regrade().await.unwrap();
        let reg = w.app.login(&w.who(R::Reg).email).await;
        assert!(proposals_with(&w, &reg).await.is_empty());
        // Twelve months to the second: proposed, with every reason.
        w.set_now(anniversary);
        regrade().await.unwrap();
        let ps = proposals_with(&w, &reg).await;
        assert_eq!(ps.len(), 1, "{ps:?}");
        assert_eq!((ps[0]["list"].as_str(), ps[0]["merchant_id"].as_i64()), (Some("red"), Some(m)));
        assert_eq!(ps[0]["credit_grade"], "A+");
        assert_eq!(strings(&ps[0]["reasons"]), vec![
            "lists.reason.a_plus_12m", "lists.reason.verified", "lists.reason.commitment_signed",
            "lists.reason.no_serious_record", "lists.reason.compliant_12m",
        ]);
        let v = w.app.send(Req::post(&decision_path(&ps[0]["id"])).json(&json!({"confirm": true, "reason": "连续一年诚信经营。"})).bearer(&reg)).await.expect(200).json();
        assert_eq!(v["status"], "confirmed");
        let red = public_list(&w, "red").await;
        assert_eq!((red.len(), red[0]["merchant_id"].as_i64()), (1, Some(m)));
        assert_eq!(instant(&red[0]["since"]), anniversary);
        let p = profile(&w, m).await;
        assert_eq!(instant(&p["red_list"]["since"]), anniversary);
        assert_eq!(p["black_list"], Value::Null);
        regrade().await.unwrap();
        assert!(proposals_with(&w, &reg).await.is_empty());

        // By the published formula it is not A+: the clock stops.
        services::credit::score::recompute(&w.app.svc, m as i32).await.unwrap();
        assert_eq!(merchant_row(&w, m).await.a_plus_since, None);
    }

    async fn only_regulators_see_proposals_and_decide(app) {
        let w = World::new(app).await;
        publish_finding(&w, w.merchant_b).await;
        let ps = proposals(&w).await;
        let id = ps[0]["id"].clone();
        let body = json!({"confirm": true, "reason": "理由充分"});
        for r in NOT_REGULATORS {
            send(&w, Some(r), Req::get("/api/v1/regulator/lists/proposals")).await.expect(403);
            decide(&w, Some(r), &id, &body).await.expect(403);
        }
        send(&w, None, Req::get("/api/v1/regulator/lists/proposals")).await.expect(401);
        decide(&w, None, &id, &body).await.expect(401);
        // By cookie too (same origin, as the pages send).
        w.app.send(Req::get("/api/v1/regulator/lists/proposals").cookie(w.token(R::Adm))).await.expect(403);
        w.app.send(Req::get("/api/v1/regulator/lists/proposals").cookie(w.token(R::Reg))).await.expect(200);
        // Nothing was decided by anyone else.
        assert_eq!(proposals(&w).await, ps);
        decide(&w, Some(R::Reg), &json!(999_999), &body).await.expect(404);
        // The lists themselves are public.
        assert!(public_list(&w, "black").await.is_empty());
        decide(&w, Some(R::Reg), &id, &body).await.expect(200);
        assert_eq!(public_list(&w, "black").await.len(), 1);
    }

    async fn regulators_export_every_merchant_as_ndjson_and_csv(app) {
        let w = World::new(app).await;
        let (a, b) = (w.merchant_a, w.merchant_b);
        // A: two complaints; B: a published finding, confirmed on the black list.
        w.file().await;
        w.file().await;
        publish_finding(&w, b).await;
        let id = proposals(&w).await[0]["id"].clone();
        decide(&w, Some(R::Reg), &id, &json!({"confirm": true, "reason": "情节严重"})).await.expect(200);
        // A name that needs quoting.
        w.app.execute_sql(&format!("UPDATE merchants SET name = '东城\"百货\", 有限公司' WHERE id = {b}")).await;

        let r = export(&w, "", Some(Req::get("/api/v1/export/credit?format=ndjson").bearer(w.token(R::Reg)))).await.expect(200);
        assert_eq!(r.header("content-type"), Some("application/x-ndjson"));
        assert!(r.header("content-disposition").unwrap().starts_with("attachment; filename=\"gongdao-credit-"), "{:?}", r.headers);
        assert_eq!(r.header("content-length"), None, "streamed, not buffered");
        assert_eq!(r.header("cache-control"), Some("no-store"));
        let rows: Vec<Value> = r.text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(rows.iter().map(|r| r["id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![a, b]);
        let (ra, rb) = (&rows[0], &rows[1]);
        assert_eq!((ra["uscc"].as_str(), ra["kind"].as_str(), ra["province"].as_str(), ra["region"].as_str()), (Some(USCC_A), Some("shop"), Some("北京市"), Some("海淀区")));
        assert_eq!((ra["complaints_12m"].as_i64(), ra["public_records"].as_i64()), (Some(2), Some(0)));
        assert_eq!((ra["red_list"].as_bool(), ra["black_list"].as_bool()), (Some(false), Some(false)));
        assert_eq!(ra["verified_at"], Value::Null);
        assert_eq!((rb["complaints_12m"].as_i64(), rb["public_records"].as_i64()), (Some(0), Some(1)));
        assert_eq!((rb["red_list"].as_bool(), rb["black_list"].as_bool()), (Some(false), Some(true)));
        assert_eq!(rb["name"], "东城\"百货\", 有限公司");
        let stored = merchant_row(&w, b).await;
        assert_eq!(rb["credit_score"].as_i64(), stored.credit_score.map(i64::from));
        assert_eq!(rb["credit_grade"].as_str(), stored.credit_grade.as_deref());
        assert_eq!(instant(&rb["credit_computed_at"]), stored.credit_computed_at.unwrap());
        // Missing format: NDJSON.
        let again = export(&w, "", Some(Req::get("/api/v1/export/credit").bearer(w.token(R::Reg)))).await.expect(200);
        assert_eq!(again.text(), r.text());

        // CSV, by session cookie: a header row, RFC 4180 quoting, the same content.
        let r = export(&w, "", Some(Req::get("/api/v1/export/credit?format=csv").cookie(w.token(R::Reg)))).await.expect(200);
        assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
        assert!(r.header("content-disposition").unwrap().ends_with(".csv\""));
        assert_eq!(r.header("content-length"), None);
        let text = r.text();
        assert!(text.contains("\"东城\"\"百货\"\", 有限公司\""), "{text}");
        let records = parse_csv(&text);
        let header = &records[0];
        assert_eq!(header.join(","), "id,uscc,name,kind,province,region,verified_at,credit_score,credit_grade,credit_computed_at,red_list,black_list,complaints_12m,public_records");
        assert_eq!(records.len(), 3);
        let by_column: Vec<BTreeMap<&str, &str>> = records[1..]
            .iter()
            .map(|rec| header.iter().map(String::as_str).zip(rec.iter().map(String::as_str)).collect())
            .collect();
        for (csv_row, json_row) in by_column.iter().zip(&rows) {
            for (k, v) in csv_row {
                let expected = match &json_row[*k] {
                    Value::Null => String::new(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let same = if k.ends_with("_at") && !v.is_empty() {
                    v.parse::<DateTime<Utc>>().unwrap() == expected.parse::<DateTime<Utc>>().unwrap()
                } else {
                    *v == expected
                };
                assert!(same, "{k}: csv {v:?}, json {expected:?}");
            }
        }

        // Compressed on the way (a browser asks for br or gzip): the same bytes
        // once decoded, the stream ended cleanly.
        for enc in ["br", "gzip"] {
            let r = export(&w, "", Some(Req::get("/api/v1/export/credit?format=csv").cookie(w.token(R::Reg)).header("accept-encoding", enc))).await.expect(200);
            assert_eq!(r.header("content-encoding"), Some(enc));
            let mut decoded = Vec::new();
            if enc == "br" {
                brotli::Decompressor::new(&r.body[..], 4096).read_to_end(&mut decoded).unwrap();
            } else {
                flate2::read::GzDecoder::new(&r.body[..]).read_to_end(&mut decoded).unwrap();
            }
            assert_eq!(String::from_utf8(decoded).unwrap(), text, "{enc}");
        }

        // Regulators only; the format is checked once the caller may export.
        for r in NOT_REGULATORS {
            export(&w, "", Some(Req::get("/api/v1/export/credit?format=csv").bearer(w.token(r)))).await.expect(403);
            export(&w, "", Some(Req::get("/api/v1/export/credit?format=xml").bearer(w.token(r)))).await.expect(403);
        }
        export(&w, "?format=csv", None).await.expect(401);
        let bad = export(&w, "", Some(Req::get("/api/v1/export/credit?format=xml").bearer(w.token(R::Reg)))).await.expect(422);
        assert_eq!(bad.error().1.as_deref(), Some("format"));
        assert!(bad.error().2.contains("ndjson"), "{}", bad.error().2);
    }

    async fn export_pages_follow_the_id_cursor(app) {
        let w = World::new(app).await;
        let svc = &w.app.svc;
        let first = services::credit::export::page(&svc.db, 0, 1, w.now()).await.unwrap();
        assert_eq!(first.iter().map(|r| r.id as i64).collect::<Vec<_>>(), vec![w.merchant_a]);
        let second = services::credit::export::page(&svc.db, first[0].id, 1, w.now()).await.unwrap();
        assert_eq!(second.iter().map(|r| r.id as i64).collect::<Vec<_>>(), vec![w.merchant_b]);
        assert!(services::credit::export::page(&svc.db, second[0].id, 1, w.now()).await.unwrap().is_empty());
        let all = services::credit::export::page(&svc.db, 0, 500, w.now()).await.unwrap();
        assert_eq!(all.len(), 2);
    }

    async fn a_black_listing_waits_for_the_merchants_objection(app) {
        let w = World::new(app).await;
        // A finding against A, published; the recomputation proposes the black list.
        let f = send(&w, Some(R::Reg), Req::post(&format!("/api/v1/regulator/merchants/{}/records", w.merchant_a)).json(&json!({
            "kind": "counterfeit", "summary": "销售假冒品牌洗衣机，经鉴定为假冒产品。", "evidence": "鉴定报告", "occurred_on": "2026-11-01"
        }))).await.expect(201).json();
        w.set_now(instant(&f["objection_until"]) + Duration::minutes(1));
        services::cases::sweep::sweep(&w.app.svc, w.now()).await.unwrap();
        recompute(&w).await;
        let ps = proposals(&w).await;
        assert_eq!(ps.len(), 1);
        let p = &ps[0];
        assert!(p["objection_until"].is_string(), "{p}");
        // The merchant was told; confirming now is too early.
        let inbox = send(&w, Some(R::M), Req::get("/api/v1/notifications")).await.expect(200).json();
        assert!(inbox["items"].as_array().unwrap().iter().any(|n| n["key"] == "black_proposed"), "{inbox}");
        let r = decide(&w, Some(R::Reg), &p["id"], &json!({"confirm": true, "reason": "情节严重"})).await.expect(409);
        assert_eq!(r.error().1.as_deref(), Some("confirm"));
        // Only the merchant objects, once, with reasons.
        let path = format!("/api/v1/lists/{}/objection", p["id"]);
        let text = json!({"text": "涉案商品系供应商调包，我司已报警并召回全部批次。"});
        for r in [R::M2, R::C, R::Reg] {
            send(&w, Some(r), Req::post(&path).json(&text)).await.expect(403);
        }
        assert_eq!(send(&w, Some(R::M), Req::post(&path).json(&json!({"text": "不服"}))).await.expect(422).error().1.as_deref(), Some("text"));
        let v = send(&w, Some(R::M), Req::post(&path).json(&text)).await.expect(200).json();
        assert_eq!(v["objection"], text["text"]);
        send(&w, Some(R::M), Req::post(&path).json(&text)).await.expect(409);
        // Heard: the regulator may decide now.
        assert_eq!(proposals(&w).await[0]["objection"], text["text"]);
        decide(&w, Some(R::Reg), &p["id"], &json!({"confirm": true, "reason": "异议理由不成立，情节严重。"})).await.expect(200);
        assert_eq!(public_list(&w, "black").await.len(), 1);
    }
}
