//! Logistics companies (寄递物流企业, merchants of kind `logistics`) as
//! subjects of complaints: the `kind` filter of merchant search, the
//! waybill number (运单号) on complaints, and one complaint against a
//! merchant and a logistics company filed as two linked cases, each
//! answered (and its credit consequence borne) by its own subject.

use chrono::Utc;
use entities::{case, credit_record};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::cases::{R, USCC_B, World};
use crate::harness::{Req, backend_tests};

/// Makes merchant B (answered for by `R::M2`) a logistics company, and
/// brings the search index up to date.
async fn b_is_logistics(w: &World) {
    let svc = &w.app.svc;
    svc.db
        .execute_unprepared(&format!(
            "UPDATE merchants SET kind = 'logistics' WHERE id = {}",
            w.merchant_b
        ))
        .await
        .unwrap();
    services::changes::merchant_changed(&svc.db, w.merchant_b as i32, Utc::now())
        .await
        .unwrap();
    let mut i = services::search::indexer::Indexer::new(svc).unwrap();
    while i.apply_due(svc, Utc::now()).await.unwrap() > 0 {}
}

async fn search(w: &World, query: &str) -> Value {
    w.app
        .send(Req::get(&format!("/api/v1/merchants?{query}")).lang("en"))
        .await
        .expect(200)
        .json()
}

fn ids(v: &Value) -> Vec<i64> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

const WAYBILL: &str = "SF1234567890";

/// A complaint against merchant A for the goods (¥2,000 of ¥2,599 paid)
/// and against `logistics` for the delivery (¥599).
fn linked_body(w: &World, logistics: Value, order_ref: &str) -> Value {
    let mut b = w.complaint(json!(w.merchant_a), order_ref);
    b["amount_claimed_fen"] = json!(200_000);
    b["waybill"] = json!(WAYBILL);
    b["logistics"] = json!({
        "merchant_id": logistics,
        "amount_claimed_fen": 59_900,
        "narrative": "外箱严重破损，洗衣机在运输途中被摔坏，快递公司拒绝赔偿。",
    });
    b
}

async fn case_count(w: &World) -> u64 {
    case::Entity::find().count(&w.app.svc.db).await.unwrap()
}

async fn get(w: &World, r: R, id: i64) -> u16 {
    w.app
        .send(Req::get(&format!("/api/v1/cases/{id}")).bearer(w.token(r)))
        .await
        .status
        .as_u16()
}

backend_tests! {
    async fn merchant_search_filters_by_kind_and_shows_it(app) {
        let w = World::new(app).await;
        b_is_logistics(&w).await;
        let v = search(&w, "kind=logistics").await;
        assert_eq!(ids(&v), vec![w.merchant_b], "{v}");
        assert_eq!(v["items"][0]["kind"], "logistics");
        let v = search(&w, "kind=shop").await;
        assert_eq!(ids(&v), vec![w.merchant_a], "{v}");
        assert_eq!(v["items"][0]["kind"], "shop");
        assert_eq!(search(&w, "kind=platform").await["total"], 0);
        // With words and another filter; blank is no filter.
        let v = search(&w, "q=%E4%B8%9C%E5%9F%8E&kind=logistics&list=none").await; // 东城
        assert_eq!(ids(&v), vec![w.merchant_b], "{v}");
        assert_eq!(search(&w, "q=%E4%B8%9C%E5%9F%8E&kind=shop").await["total"], 0);
        assert_eq!(search(&w, "kind=").await["total"], 2);
        for bad in ["courier", "Logistics", "shop,logistics"] {
            let r = w.app.send(Req::get(&format!("/api/v1/merchants?kind={bad}")).lang("en")).await.expect(422);
            assert_eq!(r.error().1.as_deref(), Some("kind"), "{bad}");
        }
        // The profile names the kind too.
        let p = w.app.send(Req::get(&format!("/api/v1/merchants/{}", w.merchant_b))).await.expect(200).json();
        assert_eq!(p["kind"], "logistics", "{p}");
    }

    async fn a_waybill_is_checked_stored_and_required_against_a_logistics_company(app) {
        let w = World::new(app).await;
        b_is_logistics(&w).await;
        // Checked: named, in Chinese and in English.
        for bad in ["SF12", "SF 1234567", "顺丰1234567", &"9".repeat(41)] {
            let mut b = w.complaint(json!(w.merchant_a), &w.next_ref());
            b["waybill"] = json!(bad);
            let r = w.file_as(R::C, &b).await.expect(422);
            assert_eq!(r.error().1.as_deref(), Some("waybill"), "{bad}");
            assert!(r.error().2.contains("6–40"), "{}", r.error().2);
            let zh = w.app.send(Req::post("/api/v1/cases").json(&b).bearer(w.token(R::C)).lang("zh-CN")).await.expect(422);
            assert!(zh.error().2.contains("运单号"), "{}", zh.error().2);
        }
        // Optional against a shop; trimmed and stored.
        let mut b = w.complaint(json!(w.merchant_a), &w.next_ref());
        b["waybill"] = json!(format!("  {WAYBILL} "));
        let v = w.file_as(R::C, &b).await.expect(201).json();
        assert_eq!(v["waybill"], WAYBILL);
        let stored = case::Entity::find_by_id(v["id"].as_i64().unwrap() as i32).one(&w.app.svc.db).await.unwrap().unwrap();
        assert_eq!(stored.waybill.as_deref(), Some(WAYBILL));
        assert_eq!(w.file().await["waybill"], Value::Null);
        // Required against a logistics company.
        let before = case_count(&w).await;
        let mut b = w.complaint(json!(USCC_B), &w.next_ref());
        let r = w.file_as(R::C, &b).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("waybill"));
        assert_eq!(case_count(&w).await, before);
        b["waybill"] = json!("YT-9988776655");
        let v = w.file_as(R::C, &b).await.expect(201).json();
        assert_eq!((v["merchant_id"].as_i64(), v["waybill"].as_str()), (Some(w.merchant_b), Some("YT-9988776655")));
        assert_eq!(v["linked_case"], Value::Null);
    }

    async fn a_complaint_against_a_merchant_and_a_logistics_company_files_two_linked_cases_or_none(app) {
        let w = World::new(app).await;
        b_is_logistics(&w).await;
        // Bad logistics parts create neither case.
        let order = w.next_ref();
        let mut no_waybill = linked_body(&w, json!(w.merchant_b), &order);
        no_waybill.as_object_mut().unwrap().remove("waybill");
        let mut too_much = linked_body(&w, json!(w.merchant_b), &order);
        too_much["logistics"]["amount_claimed_fen"] = json!(59_901);
        let mut short = linked_body(&w, json!(w.merchant_b), &order);
        short["logistics"]["narrative"] = json!("丢了");
        let mut shop_as_carrier = w.complaint(json!(w.merchant_b), &order);
        shop_as_carrier["waybill"] = json!(WAYBILL);
        shop_as_carrier["logistics"] = json!({"merchant_id": w.merchant_a, "amount_claimed_fen": 0, "narrative": "快递丢件，物流公司拒绝赔偿。"});
        for (body, field, code) in [
            (linked_body(&w, json!(w.merchant_a), &order), "logistics.merchant_id", 422),
            (linked_body(&w, json!(999_999), &order), "logistics.merchant_id", 422),
            (linked_body(&w, json!("x"), &order), "logistics.merchant_id", 422),
            (shop_as_carrier, "logistics.merchant_id", 422),
            (no_waybill, "waybill", 422),
            (too_much, "logistics.amount_claimed_fen", 422),
            (short, "logistics.narrative", 422),
        ] {
            let r = w.file_as(R::C, &body).await.expect(code);
            assert_eq!(r.error().1.as_deref(), Some(field), "{body}");
        }
        assert_eq!(case_count(&w).await, 0);

        // A good one: two cases, one transaction, each pointing at the other.
        let v = w.file_as(R::C, &linked_body(&w, json!(USCC_B), &order)).await.expect(201).json();
        assert_eq!(case_count(&w).await, 2);
        let goods = v["id"].as_i64().unwrap();
        assert_eq!(v["merchant_id"].as_i64(), Some(w.merchant_a));
        assert_eq!(v["amount_claimed_fen"], 200_000);
        let link = &v["linked_case"];
        assert_eq!(link["merchant_id"].as_i64(), Some(w.merchant_b), "{v}");
        assert_eq!(link["merchant_kind"], "logistics");
        assert_eq!(link["status"], "awaiting_merchant");
        let delivery = link["id"].as_i64().unwrap();
        let d = w.app.send(Req::get(&format!("/api/v1/cases/{delivery}")).bearer(w.token(R::C))).await.expect(200).json();
        assert_eq!(d["category"], "delivery");
        assert_eq!(d["remedy"], "compensation");
        assert_eq!(d["amount_claimed_fen"], 59_900);
        assert_eq!(d["amount_paid_fen"], 259_900);
        assert_eq!((d["order_ref"].clone(), d["waybill"].clone()), (v["order_ref"].clone(), json!(WAYBILL)));
        assert_eq!(d["linked_case"]["id"].as_i64(), Some(goods));
        assert!(d["narrative"].as_str().unwrap().contains("运输途中"));
        let rows = case::Entity::find().all(&w.app.svc.db).await.unwrap();
        for r in &rows {
            let other = rows.iter().find(|o| o.id != r.id).unwrap();
            assert_eq!(r.linked_case_id, Some(other.id));
        }
        // The consumer's list shows both.
        let mine: Vec<i64> = w.app.send(Req::get("/api/v1/cases").bearer(w.token(R::C))).await.expect(200)
            .items().iter().map(|c| c["id"].as_i64().unwrap()).collect();
        assert!(mine.contains(&goods) && mine.contains(&delivery), "{mine:?}");
        // The same order again: refused, nothing more filed.
        let r = w.file_as(R::C, &linked_body(&w, json!(w.merchant_b), &order)).await.expect(409);
        assert_eq!(r.error().1.as_deref(), Some("order_ref"));
        assert_eq!(case_count(&w).await, 2);
    }

    async fn each_subject_sees_only_its_own_case(app) {
        let w = World::new(app).await;
        b_is_logistics(&w).await;
        let v = w.file_as(R::C, &linked_body(&w, json!(w.merchant_b), &w.next_ref())).await.expect(201).json();
        let goods = v["id"].as_i64().unwrap();
        let delivery = v["linked_case"]["id"].as_i64().unwrap();
        // The merchant: its case, without the link; not the logistics company's.
        assert_eq!(get(&w, R::M, delivery).await, 404);
        let m = w.app.send(Req::get(&format!("/api/v1/cases/{goods}")).bearer(w.token(R::M))).await.expect(200).json();
        assert_eq!(m["linked_case"], Value::Null, "{m}");
        // The logistics company: its case only, and no link to the merchant's.
        assert_eq!(get(&w, R::M2, goods).await, 404);
        let l = w.app.send(Req::get(&format!("/api/v1/cases/{delivery}")).bearer(w.token(R::M2))).await.expect(200).json();
        assert_eq!(l["linked_case"], Value::Null, "{l}");
        let theirs: Vec<i64> = w.app.send(Req::get("/api/v1/cases").bearer(w.token(R::M2))).await.expect(200)
            .items().iter().map(|c| c["id"].as_i64().unwrap()).collect();
        assert_eq!(theirs, vec![delivery]);
        let ours: Vec<i64> = w.app.send(Req::get("/api/v1/cases").bearer(w.token(R::M))).await.expect(200)
            .items().iter().map(|c| c["id"].as_i64().unwrap()).collect();
        assert_eq!(ours, vec![goods]);
        // Neither may act on the other's case, nor read its trail.
        let r = w.act(R::M2, goods, &w.body("respond", crate::cases::Stage::AwaitingMerchant)).await;
        assert_eq!(r.status.as_u16(), 404, "{}", r.text());
        let r = w.act(R::M, delivery, &w.body("respond", crate::cases::Stage::AwaitingMerchant)).await;
        assert_eq!(r.status.as_u16(), 404, "{}", r.text());
        let r = w.app.send(Req::get(&format!("/api/v1/cases/{goods}/trail")).bearer(w.token(R::M2))).await;
        assert_eq!(r.status.as_u16(), 404);
        // Another consumer sees neither; staff see both with the link.
        assert_eq!(get(&w, R::C2, goods).await, 404);
        assert_eq!(get(&w, R::C2, delivery).await, 404);
        let s = w.app.send(Req::get(&format!("/api/v1/cases/{goods}")).bearer(w.token(R::Reg))).await.expect(200).json();
        assert_eq!(s["linked_case"]["id"].as_i64(), Some(delivery));
    }

    async fn the_logistics_company_settles_its_part_and_bears_its_record_alone(app) {
        let w = World::new(app).await;
        b_is_logistics(&w).await;
        let v = w.file_as(R::C, &linked_body(&w, json!(w.merchant_b), &w.next_ref())).await.expect(201).json();
        let goods = v["id"].as_i64().unwrap();
        let delivery = v["linked_case"]["id"].as_i64().unwrap();
        let offer = json!({"action": "offer", "amount_fen": 59_900, "remedy": "compensation", "fulfil_within_days": 3});
        for (r, body) in [
            (R::M2, json!({"action": "respond", "message": "已收到，正在核实运单。"})),
            (R::M2, offer),
            (R::C, json!({"action": "accept_offer"})),
        ] {
            w.act(r, delivery, &body).await.expect(200);
        }
        let d = w.app.send(Req::get(&format!("/api/v1/cases/{delivery}")).bearer(w.token(R::C))).await.expect(200).json();
        assert_eq!(d["status"], "settled");
        for (r, body) in [
            (R::M2, json!({"action": "comply", "message": "赔款已转账。"})),
            (R::C, json!({"action": "confirm_fulfilment"})),
        ] {
            w.act(r, delivery, &body).await.expect(200);
        }
        let d = w.app.send(Req::get(&format!("/api/v1/cases/{delivery}")).bearer(w.token(R::C))).await.expect(200).json();
        assert_eq!(d["status"], "closed");
        // The merchant's case has not moved; the link shows the other's state.
        let g = w.app.send(Req::get(&format!("/api/v1/cases/{goods}")).bearer(w.token(R::C))).await.expect(200).json();
        assert_eq!(g["status"], "awaiting_merchant");
        assert_eq!(g["linked_case"]["status"], "closed");
        // The settlement's credit record is the logistics company's, and only its.
        let records = credit_record::Entity::find()
            .filter(credit_record::Column::CaseId.is_in([goods as i32, delivery as i32]))
            .all(&w.app.svc.db).await.unwrap();
        assert!(!records.is_empty());
        for r in &records {
            assert_eq!((r.merchant_id as i64, r.case_id), (w.merchant_b, Some(delivery as i32)), "{r:?}");
        }
        assert!(records.iter().any(|r| r.kind == "settled"), "{records:?}");
        let a_records = credit_record::Entity::find()
            .filter(credit_record::Column::MerchantId.eq(w.merchant_a as i32))
            .count(&w.app.svc.db).await.unwrap();
        assert_eq!(a_records, 0);
    }
}
