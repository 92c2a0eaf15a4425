//! The public complaint records over HTTP: closed cases whose consumer
//! allowed publication, filed with real narratives (CFPB, Chinese reviews)
//! carrying planted personal data, come out searchable and masked; open or
//! unpublished cases never do; filters and parameter errors; and only the
//! consumer who filed may give or withdraw publication.

use serde_json::{Value, json};

use crate::cases::{CONSUMER_NAME, R, Stage, World};
use crate::harness::{Req, backend_tests};

fn shared_data() -> std::path::PathBuf {
    std::env::var_os("GONGDAO_SHARED_DATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("/work/shared/data"))
}

/// The first CFPB narrative of the sample shorter than 1,500 characters,
/// and the first negative review about a phone (手机), as filed texts.
fn real_texts() -> (String, String) {
    let mut r = csv::Reader::from_path(shared_data().join("complaints-cfpb-sample.csv")).unwrap();
    let col = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "Consumer complaint narrative")
        .unwrap();
    let cfpb = r
        .records()
        .map(|rec| rec.unwrap()[col].to_string())
        .find(|t| t.len() > 200 && t.chars().count() < 1500)
        .unwrap();
    let mut r = csv::Reader::from_path(shared_data().join("reviews-cn-sample.csv")).unwrap();
    let review = r
        .records()
        .map(Result::unwrap)
        .find(|rec| &rec[0] == "手机" && &rec[1] == "0" && rec[2].chars().count() > 30)
        .map(|rec| rec[2].to_string())
        .unwrap();
    (cfpb, review)
}

async fn search(w: &World, query: &str) -> Value {
    w.app
        .send(Req::get(&format!("/api/v1/complaints?{query}")).lang("en"))
        .await
        .expect(200)
        .json()
}

pub(crate) async fn drain(w: &World) {
    let mut i = services::search::indexer::Indexer::new(&w.app.svc).unwrap();
    while i.apply_due(&w.app.svc, chrono::Utc::now()).await.unwrap() > 0 {}
}

/// Files a complaint with `narrative` and brings it to `stage`.
pub(crate) async fn case_with(
    w: &World,
    narrative: &str,
    category: &str,
    publish: bool,
    stage: Stage,
) -> i64 {
    let mut body = w.complaint(json!(w.merchant_a), &w.next_ref());
    body["narrative"] = json!(narrative);
    body["category"] = json!(category);
    body["publish_narrative"] = json!(publish);
    let id = w.file_as(R::C, &body).await.expect(201).json()["id"]
        .as_i64()
        .unwrap();
    let mut at = Stage::AwaitingMerchant;
    for (r, action) in stage.steps() {
        w.ok(*r, id, action, at).await;
        at = stage;
    }
    id
}

fn ids(v: &Value) -> Vec<i64> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

backend_tests! {
    async fn closed_published_cases_are_found_with_personal_data_masked(app) {
        let w = World::new(app).await;
        let (cfpb, review) = real_texts();
        let english = format!("My name is John Smith. {cfpb} Reach me at 13800138000 or john.smith@example.com.");
        let chinese = format!("我叫{CONSUMER_NAME}，身份证110101199003074518。{review}");
        let a = case_with(&w, &english, "service_breach", true, Stage::Closed).await;
        let b = case_with(&w, &chinese, "quality", true, Stage::Closed).await;
        // Never public: an open case, and a closed one without permission.
        let open = case_with(&w, &chinese, "quality", true, Stage::Negotiating).await;
        let private = case_with(&w, &chinese, "quality", false, Stage::Closed).await;
        drain(&w).await;
        let all = search(&w, "").await;
        assert_eq!(all["total"], 2, "{all}");
        let mut found = ids(&all);
        found.sort();
        assert_eq!(found, vec![a, b]);
        // Full records: masked, the rest of the real text intact.
        let rec: Value = w.app.send(Req::get(&format!("/api/v1/complaints/{a}"))).await.expect(200).json();
        let text = rec["narrative"].as_str().unwrap();
        for raw in ["John", "Smith", "13800138000", "john.smith@"] {
            assert!(!text.contains(raw), "{raw} in {text}");
        }
        assert!(text.contains("My name is J*** S****") && text.contains("138****8000") && text.contains("j***@example.com"), "{text}");
        assert!(text.contains(&cfpb[..200]), "the real narrative is kept");
        assert_eq!((rec["outcome"].as_str(), rec["category"].as_str()), (Some("negotiated"), Some("service_breach")));
        let rec: Value = w.app.send(Req::get(&format!("/api/v1/complaints/{b}"))).await.expect(200).json();
        let text = rec["narrative"].as_str().unwrap();
        assert!(!text.contains(CONSUMER_NAME) && !text.contains("110101199003074518"), "{text}");
        assert!(text.contains("我叫王**") && text.contains("1101**********4518") && text.ends_with(review.as_str()), "{text}");
        for hidden in [open, private] {
            w.app.send(Req::get(&format!("/api/v1/complaints/{hidden}"))).await.expect(404);
        }
        // Words of the Chinese review find it; the merchant's name finds both.
        let word: String = review.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).take(2).collect();
        let v = search(&w, &format!("q={}", urlencoding::encode(&word))).await;
        assert!(ids(&v).contains(&b), "{word}: {v}");
        assert_eq!(search(&w, &format!("q={}", urlencoding::encode("海淀电器"))).await["total"], 2);
        // Filters and facets.
        assert_eq!(ids(&search(&w, "category=quality").await), vec![b]);
        assert_eq!(search(&w, "outcome=negotiated").await["total"], 2);
        assert_eq!(search(&w, "outcome=decided").await["total"], 0);
        assert_eq!(search(&w, &format!("merchant={}", w.merchant_b)).await["total"], 0);
        let today = domain::calendar::local_date(w.now());
        assert_eq!(search(&w, &format!("from={today}&to={today}")).await["total"], 2);
        assert_eq!(search(&w, &format!("from={}", today.succ_opt().unwrap())).await["total"], 0);
        let v = search(&w, "").await;
        assert!(v["facets"]["category"].to_string().contains("quality"), "{v}");
        // A merchant renamed: its public records carry the new name.
        use sea_orm::ConnectionTrait;
        w.app.svc.db.execute_unprepared(&format!("UPDATE merchants SET name = '北京海淀改名电器有限公司' WHERE id = {}", w.merchant_a)).await.unwrap();
        services::changes::merchant_changed(&w.app.svc.db, w.merchant_a as i32, w.now()).await.unwrap();
        drain(&w).await;
        let rec: Value = w.app.send(Req::get(&format!("/api/v1/complaints/{b}"))).await.expect(200).json();
        assert_eq!(rec["merchant_name"], "北京海淀改名电器有限公司");
        for (query, field) in [
            ("outcome=won", "outcome"),
            ("category=nope", "category"),
            ("from=2026-13-01", "from"),
            ("from=2026-12-02&to=2026-12-01", "to"),
            ("merchant=x", "merchant"),
            ("page=0", "page"),
        ] {
            let r = w.app.send(Req::get(&format!("/api/v1/complaints?{query}")).lang("en")).await.expect(422);
            assert_eq!(r.error().1.as_deref(), Some(field), "{query}");
        }
    }

    async fn only_the_consumer_who_filed_gives_or_withdraws_publication(app) {
        let w = World::new(app).await;
        let id = case_with(&w, "收到的手机屏幕有划痕，商家拒绝退货。", "quality", true, Stage::Closed).await;
        drain(&w).await;
        w.app.send(Req::get(&format!("/api/v1/complaints/{id}"))).await.expect(200);
        let set = |r: Option<R>, body: Value| {
            let mut req = Req::post(&format!("/api/v1/cases/{id}/publication")).json(&body).lang("en");
            if let Some(r) = r {
                req = req.bearer(w.token(r));
            }
            w.app.send(req)
        };
        set(None, json!({"publish": false})).await.expect(401);
        for r in [R::M, R::Med, R::Reg, R::Adm] {
            set(Some(r), json!({"publish": false})).await.expect(403);
        }
        // Who may not read the case learns nothing of it, not even that it exists.
        set(Some(R::C2), json!({"publish": false})).await.expect(404);
        let bad = set(Some(R::C), json!({"publish": "no"})).await.expect(422);
        assert_eq!(bad.error().1.as_deref(), Some("publish"));
        w.app.send(Req::post("/api/v1/cases/999999/publication").json(&json!({"publish": false})).bearer(w.token(R::C))).await.expect(404);
        drain(&w).await;
        w.app.send(Req::get(&format!("/api/v1/complaints/{id}"))).await.expect(200);
        // Withdrawn: gone from search; on the case's trail.
        set(Some(R::C), json!({"publish": false})).await.expect(200);
        drain(&w).await;
        w.app.send(Req::get(&format!("/api/v1/complaints/{id}"))).await.expect(404);
        assert_eq!(search(&w, "").await["total"], 0);
        assert!(w.trail_kinds(id).await.contains(&"publication".to_string()));
        // Given again: back.
        set(Some(R::C), json!({"publish": true})).await.expect(200);
        drain(&w).await;
        assert_eq!(ids(&search(&w, "").await), vec![id]);
    }
}
