//! The merchant's public profile: 12315-style statistics computed from its
//! cases, shown to anyone, with no consumer's name in it.

use chrono::Duration;
use serde_json::json;

use crate::cases::{CONSUMER_NAME, R, Stage, World, deadline, instant};
use crate::credit::profile;
use crate::harness::backend_tests;

backend_tests! {
    async fn the_profile_counts_responses_resolutions_and_deadlines(app) {
        let w = World::new(app).await;
        let fresh = profile(&w, w.merchant_a).await;
        assert_eq!(fresh["stats"], json!({
            "complaints_12m": 0, "response_rate_bp": null, "resolution_rate_bp": null,
            "mediation_success_bp": null, "avg_days_to_resolve_x10": null, "deadlines_met_bp": null
        }));
        // Closed after fulfilment, settled in mediation (proposal accepted by both), and one never answered.
        let closed = w.case_at(Stage::Closed).await;
        let proposed = w.case_at(Stage::Proposed).await;
        w.ok(R::C, proposed, "accept_proposal", Stage::Proposed).await;
        w.ok(R::M, proposed, "accept_proposal", Stage::Proposed).await;
        let silent = w.file().await["id"].as_i64().unwrap();
        let respond_by = instant(&deadline(&w.view(R::Adm, silent).await, "respond_by")["at"]);
        w.set_now(respond_by + Duration::minutes(1));
        let p = profile(&w, w.merchant_a).await;
        let s = &p["stats"];
        assert_eq!(s["complaints_12m"], 3);
        // Two of three first responses in time.
        assert_eq!(s["response_rate_bp"], 6667);
        // The one ended case was resolved.
        assert_eq!(s["resolution_rate_bp"], 10_000);
        // One case went to mediation and settled there.
        assert_eq!(s["mediation_success_bp"], 10_000);
        assert!(s["avg_days_to_resolve_x10"].as_u64().is_some());
        // Deadlines: 2 of 3 responses + the closed case's fulfilment in time (the mediated one is not yet due).
        assert_eq!(s["deadlines_met_bp"], 7500);
        // The merchant B has none of it.
        assert_eq!(profile(&w, w.merchant_b).await["stats"]["complaints_12m"], 0);
        assert!(!p.to_string().contains(CONSUMER_NAME));
        let _ = closed;
    }
}
