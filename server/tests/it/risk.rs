//! Risk warnings: a complaint spike against a merchant's own baseline is
//! flagged with its numbers; only regulators and admins see warnings.

use chrono::Duration;
use serde_json::json;

use crate::cases::{R, World};
use crate::harness::{Req, backend_tests};

backend_tests! {
    async fn a_complaint_spike_is_flagged_with_its_numbers(app) {
        let w = World::new(app).await;
        let uri = "/api/v1/regulator/risk-warnings";
        let warnings = |r: R| w.app.send(Req::get(uri).bearer(w.token(r)).lang("en"));
        for r in [R::C, R::M, R::Med, R::Arb, R::Fund] {
            warnings(r).await.expect(403);
        }
        w.app.send(Req::get(uri)).await.expect(401);
        assert!(warnings(R::Reg).await.expect(200).json()["items"].as_array().unwrap().is_empty());
        // Three complaints three weeks ago (baseline 0.25/week → its floor 0.5), then three in a week.
        for _ in 0..3 {
            w.file().await;
        }
        w.set_now(w.now() + Duration::days(21));
        assert!(warnings(R::Reg).await.expect(200).json()["items"].as_array().unwrap().is_empty());
        for _ in 0..3 {
            w.file().await;
        }
        let items = warnings(R::Adm).await.expect(200).json()["items"].clone();
        assert_eq!(items.as_array().unwrap().len(), 1, "{items}");
        assert_eq!(items[0]["merchant_id"], w.merchant_a);
        assert_eq!(items[0]["signals"][0]["kind"], "complaint_spike");
        assert!(items[0]["signals"][0]["detail"].as_str().unwrap().starts_with("3 / 7d"), "{items}");
        // Merchant B is quiet.
        assert!(!items.to_string().contains(&format!("\"merchant_id\":{}", w.merchant_b)));
        let _ = json!(null);
    }

    async fn a_burst_of_five_star_ratings_from_new_accounts_is_flagged(app) {
        let w = World::new(app).await;
        for _ in 0..5 {
            let id = w.case_at(crate::cases::Stage::Closed).await;
            w.rate(R::C, id, &json!({"action": "rate", "stars": 5, "text": "非常好"})).await.expect(201);
        }
        let items = w.app.send(Req::get("/api/v1/regulator/risk-warnings").bearer(w.token(R::Reg))).await.expect(200).json()["items"].clone();
        let signals = items[0]["signals"].as_array().unwrap();
        assert!(signals.iter().any(|s| s["kind"] == "rating_burst" && s["detail"].as_str().unwrap().starts_with("5 ×")), "{items}");
        assert_eq!(items[0]["merchant_id"], w.merchant_a);
    }
}
