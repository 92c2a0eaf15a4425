//! The dashboard (`GET /api/v1/regulator/dashboard`) and the case and
//! complaint-record exports (`GET /api/v1/regulator/export/…`): exact
//! figures over a few cases in two categories, provinces and weeks; the
//! filters; bad ranges; CSV and NDJSON, masking, the cursor, the access-log
//! row of an unmasked export; who may read them.

use domain::Fen;
use domain::fund::Operation;
use entities::pii_access;
use sea_orm::{EntityTrait, TransactionTrait};
use serde_json::{Value, json};
use services::fund::books::{Posting, post};

use crate::cases::{CONSUMER_NAME, R, Stage, World, beijing};
use crate::harness::{Req, Resp, backend_tests};

async fn get(w: &World, r: R, path: &str) -> Resp {
    w.app
        .send(Req::get(path).bearer(w.token(r)).lang("en"))
        .await
}

async fn dashboard(w: &World, query: &str) -> Value {
    get(w, R::Reg, &format!("/api/v1/regulator/dashboard?{query}"))
        .await
        .expect(200)
        .json()
}

/// `(key, count)` pairs of a figure.
fn counts(v: &Value) -> Vec<(String, u64)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["key"].as_str().unwrap().to_string(),
                c["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn pairs(v: &[(&str, u64)]) -> Vec<(String, u64)> {
    v.iter().map(|(k, n)| (k.to_string(), *n)).collect()
}

/// Files as C against `merchant` in `category` at `at` (Beijing).
async fn file_at(w: &World, merchant: i64, category: &str, at: &str) -> i64 {
    w.set_now(beijing(at));
    let mut body = w.complaint(json!(merchant), &w.next_ref());
    body["category"] = json!(category);
    w.file_as(R::C, &body).await.expect(201).json()["id"]
        .as_i64()
        .unwrap()
}

async fn movement(w: &World, op: Operation, key: &str, at: &str) {
    let txn = w.app.svc.db.begin().await.unwrap();
    post(
        &txn,
        &Posting {
            op,
            key,
            memo: Some("test"),
            by: None,
            at: beijing(at),
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{key}: {e:?}"));
    txn.commit().await.unwrap();
}

/// Five cases: 1 (A, quality, week of 11-23, answered after 3 h), 2 (B,
/// counterfeit, 11-30, answered after 5 h), 3 (A, quality, 12-01,
/// answered after 2 h, settled and closed two days after filing), 4 (B,
/// counterfeit, 12-02, withdrawn unanswered), 5 (A, quality, 12-01, never
/// answered: its deadline missed). Merchant B is in 上海市. The fund paid
/// ¥500 in November, recovered ¥200 and wrote off ¥100 in December. The
/// clock ends at 2026-12-07 10:00.
async fn seeded(w: &World) -> Vec<i64> {
    w.app
        .execute_sql(&format!(
            "UPDATE merchants SET province = '上海市' WHERE id = {}",
            w.merchant_b
        ))
        .await;
    let (a, b) = (w.merchant_a, w.merchant_b);
    let c1 = file_at(w, a, "quality", "2026-11-23 10:00").await;
    w.set_now(beijing("2026-11-23 13:00"));
    w.ok(R::M, c1, "respond", Stage::AwaitingMerchant).await;
    let c2 = file_at(w, b, "counterfeit", "2026-11-30 10:00").await;
    w.set_now(beijing("2026-11-30 15:00"));
    w.ok(R::M2, c2, "respond", Stage::AwaitingMerchant).await;
    let c3 = file_at(w, a, "quality", "2026-12-01 10:00").await;
    let c5 = file_at(w, a, "quality", "2026-12-01 10:30").await;
    w.set_now(beijing("2026-12-01 12:00"));
    w.ok(R::M, c3, "respond", Stage::AwaitingMerchant).await;
    w.ok(R::M, c3, "offer", Stage::Negotiating).await;
    w.ok(R::C, c3, "accept_offer", Stage::Offered).await;
    w.ok(R::M, c3, "comply", Stage::Settled).await;
    let c4 = file_at(w, b, "counterfeit", "2026-12-02 09:00").await;
    w.ok(R::C, c4, "withdraw", Stage::AwaitingMerchant).await;
    w.set_now(beijing("2026-12-03 10:00"));
    w.ok(R::C, c3, "confirm_fulfilment", Stage::Complied).await;
    assert_eq!(w.view(R::Adm, c3).await["status"], "closed");

    movement(
        w,
        Operation::FundTopUp {
            amount: Fen(100_000),
        },
        "dash-top-up",
        "2026-12-03 10:00",
    )
    .await;
    // Posted in order (the books refuse a repayment before its payout);
    // the entries' own times put the payout in November.
    movement(
        w,
        Operation::Payout {
            case_id: c1 as i32,
            merchant_id: a as i32,
            amount: Fen(50_000),
        },
        "dash-payout",
        "2026-11-25 10:00",
    )
    .await;
    movement(
        w,
        Operation::Repayment {
            case_id: c1 as i32,
            merchant_id: a as i32,
            amount: Fen(20_000),
        },
        "dash-repayment",
        "2026-12-03 11:00",
    )
    .await;
    movement(
        w,
        Operation::WriteOff {
            case_id: c1 as i32,
            merchant_id: a as i32,
            amount: Fen(10_000),
        },
        "dash-write-off",
        "2026-12-03 12:00",
    )
    .await;
    w.set_now(beijing("2026-12-07 10:00"));
    vec![c1, c2, c3, c4, c5]
}

fn csv_rows(text: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .collect()
}

fn ndjson(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

backend_tests! {
    async fn the_figures_are_exact_and_the_filters_change_them(app) {
        let w = World::new(app).await;
        let ids = seeded(&w).await;
        let d = dashboard(&w, "from=2026-11-23&to=2026-12-06").await;
        let c = &d["cases"];
        assert_eq!(c["total"], 5, "{d}");
        assert_eq!(
            counts(&c["weekly"]),
            pairs(&[("2026-11-23", 1), ("2026-11-30", 4)])
        );
        assert_eq!(counts(&c["by_category"]), pairs(&[("quality", 3), ("counterfeit", 2)]));
        assert_eq!(counts(&c["by_province"]), pairs(&[("北京市", 3), ("上海市", 2)]));
        assert_eq!(
            counts(&c["by_outcome"]),
            pairs(&[("open", 3), ("negotiated", 1), ("withdrawn", 1)])
        );
        // Answers after 3 h, 5 h and 2 h: the median is 3 h.
        assert_eq!(c["first_response_median_minutes"], 180);
        // The one closed case: two days.
        assert_eq!(c["resolution_median_minutes"], 2 * 24 * 60);
        // Three first responses in time, case 5's missed; case 4 was
        // withdrawn before any answer was due and does not count.
        assert_eq!(c["deadlines_due"], 4);
        assert_eq!(c["deadlines_met"], 3);
        assert_eq!(c["deadlines_met_permille"], 750);
        let top: Vec<(i64, u64)> = c["top_merchants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["merchant_id"].as_i64().unwrap(), m["count"].as_u64().unwrap()))
            .collect();
        assert_eq!(top, vec![(w.merchant_a, 3), (w.merchant_b, 2)]);
        assert_eq!(d["provinces"], json!(["上海市", "北京市"]));

        // The fund's months (the date range only).
        let d = dashboard(&w, "from=2026-11-01&to=2026-12-31&category=quality").await;
        assert_eq!(
            d["fund"],
            json!([
                {"month": "2026-11", "paid_fen": 50_000, "recovered_fen": 0, "written_off_fen": 0},
                {"month": "2026-12", "paid_fen": 0, "recovered_fen": 20_000, "written_off_fen": 10_000},
            ])
        );

        // Filters.
        let d = dashboard(&w, "from=2026-11-23&to=2026-12-06&category=counterfeit").await;
        assert_eq!(d["cases"]["total"], 2);
        assert_eq!(counts(&d["cases"]["weekly"]), pairs(&[("2026-11-23", 0), ("2026-11-30", 2)]));
        assert_eq!(counts(&d["cases"]["by_province"]), pairs(&[("上海市", 2)]));
        assert_eq!(d["cases"]["first_response_median_minutes"], 300);
        let d = dashboard(&w, "from=2026-11-23&to=2026-12-06&province=%E5%8C%97%E4%BA%AC%E5%B8%82").await;
        assert_eq!(d["cases"]["total"], 3);
        assert_eq!(d["cases"]["top_merchants"][0]["merchant_id"], w.merchant_a);
        let d = dashboard(&w, "from=2026-11-30&to=2026-11-30").await;
        assert_eq!(d["cases"]["total"], 1);
        // The default: the 12 weeks to today (2026-12-07).
        let d = dashboard(&w, "").await;
        assert_eq!(d["filter"]["to"], "2026-12-07");
        assert_eq!(d["filter"]["from"], "2026-09-15");
        assert_eq!(d["cases"]["total"], 5);
        assert_eq!(d["cases"]["weekly"].as_array().unwrap().len(), 13);
        assert_eq!(ids.len(), 5);

        // The admin reads the same; the fund administrator the fund only.
        let adm = get(&w, R::Adm, "/api/v1/regulator/dashboard?from=2026-11-23&to=2026-12-06").await.expect(200).json();
        assert_eq!(adm["cases"]["total"], 5);
        let fund = get(&w, R::Fund, "/api/v1/regulator/dashboard?from=2026-11-01&to=2026-12-31").await.expect(200).json();
        assert!(fund["cases"].is_null(), "{fund}");
        assert_eq!(fund["fund"][0]["paid_fen"], 50_000);
        for r in [R::C, R::M, R::Med, R::Arb] {
            get(&w, r, "/api/v1/regulator/dashboard").await.expect(403);
        }
        w.app.send(Req::get("/api/v1/regulator/dashboard")).await.expect(401);
    }

    async fn bad_filters_are_named(app) {
        let w = World::new(app).await;
        for (query, field) in [
            ("from=2026-12-01&to=2026-11-01", "to"),
            ("from=2024-01-01&to=2026-11-01", "from"),
            ("from=2026-02-30", "from"),
            ("to=tomorrow", "to"),
            ("category=weather", "category"),
        ] {
            let r = get(&w, R::Reg, &format!("/api/v1/regulator/dashboard?{query}")).await.expect(422);
            assert_eq!(r.error().1.as_deref(), Some(field), "{query}: {}", r.text());
        }
        // About two years is allowed.
        get(&w, R::Reg, "/api/v1/regulator/dashboard?from=2024-12-07&to=2026-12-07").await.expect(200);
        // The page shows the error beside its field, no 500.
        let page = w.app
            .send(Req::get("/regulator/dashboard?from=2026-12-01&to=2026-11-01").cookie(w.token(R::Reg)))
            .await;
        assert_eq!(page.status, 200);
        assert!(page.text().contains("id=\"err-to\""), "{}", page.text());
    }

    async fn the_case_export_is_masked_paged_and_logged_when_unmasked(app) {
        let w = World::new(app).await;
        let ids = seeded(&w).await;
        let base = "/api/v1/regulator/export/cases";
        let r = get(&w, R::Reg, &format!("{base}?format=csv&from=2026-11-01&to=2026-12-31")).await.expect(200);
        assert!(r.header("content-type").unwrap().starts_with("text/csv"));
        let text = r.text();
        assert!(text.starts_with("id,number,filed_at,"), "{text}");
        let rows = csv_rows(&text);
        assert_eq!(rows.len(), 5);
        assert!(!text.contains(CONSUMER_NAME), "{text}");
        assert!(!text.contains("wang@example.cn"), "{text}");
        assert_eq!(&rows[0][11], "王**");
        assert_eq!(&rows[0][12], "w***@example.cn");
        assert!(rows[0][13].contains('*'), "{text}");

        let r = get(&w, R::Reg, &format!("{base}?format=ndjson")).await.expect(200);
        assert_eq!(r.header("content-type"), Some("application/x-ndjson"));
        let lines = ndjson(&r.text());
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[2]["outcome"], "negotiated");
        assert_eq!(lines[0]["consumer_name"], "王**");
        let got: Vec<i64> = lines.iter().map(|l| l["id"].as_i64().unwrap()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(got, sorted);

        // The cursor and the range.
        let after = sorted[2];
        let lines = ndjson(&get(&w, R::Reg, &format!("{base}?after={after}")).await.expect(200).text());
        assert_eq!(lines.iter().map(|l| l["id"].as_i64().unwrap()).collect::<Vec<_>>(), sorted[3..].to_vec());
        let lines = ndjson(&get(&w, R::Reg, &format!("{base}?from=2026-11-30&to=2026-12-01")).await.expect(200).text());
        assert_eq!(lines.len(), 3);
        // An empty CSV is its header.
        let text = get(&w, R::Reg, &format!("{base}?format=csv&from=2026-01-01&to=2026-01-31")).await.expect(200).text();
        assert_eq!(csv_rows(&text).len(), 0);
        assert!(text.starts_with("id,number"), "{text}");
        assert!(pii_access::Entity::find().all(&w.app.svc.db).await.unwrap().is_empty());

        // Unmasked with a reason: one access-log row.
        let reason = "执法检查需要核对消费者联系方式";
        let r = get(&w, R::Reg, &format!("{base}?format=ndjson&reveal_reason={}", urlencode(reason))).await.expect(200);
        let lines = ndjson(&r.text());
        assert_eq!(lines[0]["consumer_name"], CONSUMER_NAME);
        assert_eq!(lines[0]["consumer_email"], "wang@example.cn");
        let log = pii_access::Entity::find().all(&w.app.svc.db).await.unwrap();
        assert_eq!(log.len(), 1, "{log:?}");
        assert_eq!(log[0].reason, reason);
        assert_eq!(log[0].staff_id as i64, w.who(R::Reg).id);
        assert!(log[0].fields.starts_with("export:cases"), "{}", log[0].fields);

        // A reason too short, a bad format, a bad cursor, a bad range.
        for (q, field) in [
            ("reveal_reason=abc", "reveal_reason"),
            ("format=xml", "format"),
            ("after=x", "after"),
            ("from=2026-12-02&to=2026-12-01", "to"),
        ] {
            let r = get(&w, R::Reg, &format!("{base}?{q}")).await.expect(422);
            assert_eq!(r.error().1.as_deref(), Some(field), "{q}");
        }
        assert_eq!(pii_access::Entity::find().all(&w.app.svc.db).await.unwrap().len(), 1);

        // Regulators only.
        for r in [R::C, R::M, R::Med, R::Arb, R::Adm, R::Fund] {
            get(&w, r, base).await.expect(403);
            get(&w, r, "/api/v1/regulator/export/complaints").await.expect(403);
        }
        w.app.send(Req::get(base)).await.expect(401);
    }

    async fn the_complaint_record_export_is_what_the_public_sees(app) {
        let w = World::new(app).await;
        let ids = seeded(&w).await;
        let base = "/api/v1/regulator/export/complaints";
        let lines = ndjson(&get(&w, R::Reg, base).await.expect(200).text());
        // Only case 3 is closed (and published).
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert_eq!(lines[0]["id"], ids[2]);
        assert_eq!(lines[0]["outcome"], "negotiated");
        assert_eq!(lines[0]["closed_on"], "2026-12-03");
        assert_eq!(lines[0]["category"], "quality");
        let text = get(&w, R::Reg, &format!("{base}?format=csv")).await.expect(200).text();
        assert_eq!(csv_rows(&text).len(), 1);
        assert!(!text.contains(CONSUMER_NAME));
        let after = ids[2];
        assert!(ndjson(&get(&w, R::Reg, &format!("{base}?after={after}")).await.expect(200).text()).is_empty());
        let lines = ndjson(&get(&w, R::Reg, &format!("{base}?to=2026-11-30")).await.expect(200).text());
        assert!(lines.is_empty());
    }
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}
