//! Personal data: phones, ID numbers, emails and names are masked for the
//! merchant, other consumers, staff without a stated need and the public;
//! every unmasked read by staff is logged (who, what, when, why) and only
//! admins read the log.

use serde_json::{Value, json};

use crate::cases::{CONSUMER_NAME, R, Stage, World};
use crate::harness::{Req, backend_tests};

const PHONE: &str = "13912345678";
const ID_NUMBER: &str = "110101199003074518";

async fn get(w: &World, r: R, uri: &str) -> Value {
    w.app
        .send(Req::get(uri).bearer(w.token(r)))
        .await
        .expect(200)
        .json()
}

async fn log(w: &World, r: R) -> crate::harness::Resp {
    w.app
        .send(
            Req::get("/api/v1/admin/pii-log")
                .bearer(w.token(r))
                .lang("en"),
        )
        .await
}

backend_tests! {
    async fn the_merchant_never_sees_the_consumers_phone_and_staff_reads_are_logged(app) {
        let w = World::new(app).await;
        let mut body = w.complaint(json!(w.merchant_a), &w.next_ref());
        body["narrative"] = json!(format!("洗衣机漏水，请尽快联系我，电话{PHONE}，身份证{ID_NUMBER}。"));
        let id = w.file_as(R::C, &body).await.expect(201).json()["id"].as_i64().unwrap();
        w.act(R::C, id, &json!({"action": "message", "message": format!("我的手机 {PHONE}")})).await.expect(200);
        let case = format!("/api/v1/cases/{id}");
        let trail = format!("/api/v1/cases/{id}/trail");
        // The consumer sees their own data.
        let own = get(&w, R::C, &case).await;
        assert!(own["narrative"].as_str().unwrap().contains(PHONE));
        assert_eq!(own["personal_data_masked"], false);
        // The merchant: masked everywhere, the trail included.
        for uri in [&case, &trail] {
            let v = get(&w, R::M, uri).await.to_string();
            assert!(!v.contains(PHONE) && !v.contains(ID_NUMBER) && !v.contains(CONSUMER_NAME), "{uri}: {v}");
            assert!(v.contains("139****5678"), "{v}");
        }
        // Staff without a reason see it masked, and may reveal with one.
        let reg = get(&w, R::Reg, &case).await;
        assert_eq!((reg["personal_data_masked"].as_bool(), reg["may_reveal"].as_bool()), (Some(true), Some(true)));
        assert!(!reg.to_string().contains(PHONE));
        assert!(log(&w, R::Adm).await.expect(200).json()["items"].as_array().unwrap().is_empty(), "masked reads are not logged");
        let revealed = get(&w, R::Reg, &format!("{case}?reveal=%E6%A0%B8%E6%9F%A5%E6%8A%95%E8%AF%89%E4%BA%BA%E8%BA%AB%E4%BB%BD")).await;
        assert_eq!(revealed["consumer_name"], CONSUMER_NAME);
        assert!(revealed["narrative"].as_str().unwrap().contains(PHONE));
        // The handler sees it as part of the job, also logged.
        w.ok(R::M, id, "respond", Stage::AwaitingMerchant).await;
        w.ok(R::C, id, "escalate", Stage::Negotiating).await;
        w.ok(R::Med, id, "take", Stage::QueuedMediation).await;
        let med = get(&w, R::Med, &trail).await.to_string();
        assert!(med.contains(PHONE), "{med}");
        // The log: who, what, when, why — admins only.
        for r in [R::C, R::M, R::Med, R::Reg, R::Fund] {
            log(&w, r).await.expect(403);
        }
        w.app.send(Req::get("/api/v1/admin/pii-log")).await.expect(401);
        let items = log(&w, R::Adm).await.expect(200).items();
        // The regulator's reveal, the case returned to the mediator who took it, the trail read.
        assert_eq!(items.len(), 3, "{items:?}");
        let (med_read, reg_read) = (&items[0], &items[2]);
        assert_eq!((items[1]["staff_id"].as_i64(), items[1]["fields"].as_str()), (Some(w.who(R::Med).id), Some("name,narrative")));
        assert_eq!((med_read["staff_id"].as_i64(), med_read["fields"].as_str(), med_read["reason"].as_str()), (Some(w.who(R::Med).id), Some("trail"), Some("case handler")));
        assert_eq!((reg_read["staff_role"].as_str(), reg_read["fields"].as_str(), reg_read["reason"].as_str()), (Some("regulator"), Some("name,narrative"), Some("核查投诉人身份")));
        assert_eq!(reg_read["case_id"], id);
        assert!(reg_read["at"].is_string());
    }

    async fn anonymous_visitors_never_see_a_name_or_a_phone(app) {
        let w = World::new(app).await;
        let mut body = w.complaint(json!(w.merchant_a), &w.next_ref());
        body["narrative"] = json!(format!("商品质量问题，联系电话{PHONE}，我是王小明。"));
        body["title"] = json!(format!("漏水 {PHONE}"));
        w.file_as(R::C, &body).await.expect(201);
        let public = w.app.send(Req::get(&format!("/api/v1/merchants/{}/complaints/open", w.merchant_a))).await.expect(200).text();
        assert!(!public.contains(PHONE), "{public}");
        assert!(public.contains("139****5678"), "{public}");
        let profile = w.app.send(Req::get(&format!("/api/v1/merchants/{}", w.merchant_a))).await.expect(200).text();
        assert!(!profile.contains(CONSUMER_NAME) && !profile.contains(PHONE));
        let ledger = w.app.send(Req::get("/api/v1/fund/ledger")).await.expect(200).text();
        assert!(!ledger.contains(CONSUMER_NAME));
    }
}
