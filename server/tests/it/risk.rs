//! Risk warnings: stored by the sweeper when a signal arises — one per
//! merchant, signal and week, with one inbox entry per regulator, however
//! many sweeps (two at once included) — read by regulators and admins, open
//! first, and acknowledged once by a regulator with a note.

use chrono::Duration;
use entities::{notification, risk_warning, user};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::cases::{R, World};
use crate::harness::{Req, Resp, backend_tests};

const URI: &str = "/api/v1/regulator/risk-warnings";

async fn warnings(w: &World, r: R, query: &str) -> Resp {
    w.app
        .send(
            Req::get(&format!("{URI}{query}"))
                .bearer(w.token(r))
                .lang("en"),
        )
        .await
}

async fn items(w: &World, query: &str) -> Vec<Value> {
    warnings(w, R::Reg, query).await.expect(200).json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn sweep(w: &World) -> usize {
    services::cases::sweep::sweep(&w.app.svc, w.now())
        .await
        .unwrap()
        .risk_warnings
}

async fn acknowledge(w: &World, r: R, id: i64, body: Value) -> Resp {
    w.app
        .send(
            Req::post(&format!("{URI}/{id}/acknowledge"))
                .json(&body)
                .bearer(w.token(r))
                .lang("en"),
        )
        .await
}

/// The regulators' accounts, and how many `risk_warning` inbox entries each has.
async fn regulator_notices(w: &World) -> Vec<u64> {
    let db = &w.app.svc.db;
    let regulators = user::Entity::find()
        .filter(user::Column::Role.eq("regulator"))
        .all(db)
        .await
        .unwrap();
    assert!(!regulators.is_empty());
    let mut out = vec![];
    for u in regulators {
        out.push(
            notification::Entity::find()
                .filter(notification::Column::UserId.eq(u.id))
                .filter(notification::Column::Key.eq("risk_warning"))
                .count(db)
                .await
                .unwrap(),
        );
    }
    out
}

/// Three complaints three weeks ago (a baseline of 0.25 a week, floored at
/// 0.5), then three within a week: merchant A's complaint spike.
async fn spike(w: &World) {
    for _ in 0..3 {
        w.file().await;
    }
    w.set_now(w.now() + Duration::days(21));
    assert_eq!(sweep(w).await, 0, "no spike yet");
    for _ in 0..3 {
        w.file().await;
    }
}

/// A warning stored directly (the authorisation matrices' object).
pub(crate) async fn stored_warning(w: &World) -> i64 {
    let m = risk_warning::Entity::insert(risk_warning::ActiveModel {
        merchant_id: Set(w.merchant_a as i32),
        signal: Set("rating_same_ip".into()),
        period: Set("2026-W01".into()),
        detail: Set("3 ratings / 7d from one IP".into()),
        figures: Set(r#"{"most_ratings_from_one_ip_7d":3}"#.into()),
        raised_at: Set(w.now()),
        ..Default::default()
    })
    .exec(&w.app.svc.db)
    .await
    .unwrap();
    i64::from(m.last_insert_id)
}

backend_tests! {
    async fn a_spike_raises_one_warning_and_one_notice_per_regulator_once(app) {
        let w = World::new(app).await;
        for r in [R::C, R::M, R::Med, R::Arb, R::Fund] {
            warnings(&w, r, "").await.expect(403);
        }
        w.app.send(Req::get(URI)).await.expect(401);
        assert!(items(&w, "").await.is_empty());
        spike(&w).await;
        // Not computed on request: nothing until the sweeper runs.
        assert!(items(&w, "").await.is_empty());
        assert_eq!(sweep(&w).await, 1);
        let v = items(&w, "").await;
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0]["merchant_id"], w.merchant_a);
        assert_eq!(v[0]["kind"], "complaint_spike");
        assert!(v[0]["detail"].as_str().unwrap().starts_with("3 / 7d"), "{v:?}");
        assert_eq!(v[0]["figures"]["complaints_7d"], 3);
        assert!(v[0]["period"].as_str().unwrap().contains("-W"), "{v:?}");
        assert!(v[0]["acknowledged_at"].is_null());
        assert!(regulator_notices(&w).await.iter().all(|n| *n == 1), "{:?}", regulator_notices(&w).await);
        // Admins read them too.
        assert_eq!(warnings(&w, R::Adm, "").await.expect(200).json()["items"].as_array().unwrap().len(), 1);
        // The signal is still there: a second sweep (later the same week) raises nothing.
        w.set_now(w.now() + Duration::hours(1));
        assert_eq!(sweep(&w).await, 0);
        assert_eq!(items(&w, "").await.len(), 1);
        assert!(regulator_notices(&w).await.iter().all(|n| *n == 1));
    }

    async fn two_sweeps_at_once_raise_a_warning_once(app) {
        let w = World::new(app).await;
        spike(&w).await;
        let (a, b) = futures::future::join(
            services::cases::sweep::sweep(&w.app.svc, w.now()),
            services::cases::sweep::sweep(&w.app.svc, w.now()),
        )
        .await;
        assert_eq!(a.unwrap().risk_warnings + b.unwrap().risk_warnings, 1);
        assert_eq!(risk_warning::Entity::find().count(&w.app.svc.db).await.unwrap(), 1);
        assert!(regulator_notices(&w).await.iter().all(|n| *n == 1), "{:?}", regulator_notices(&w).await);
    }

    async fn a_regulator_acknowledges_once_with_a_note(app) {
        let w = World::new(app).await;
        spike(&w).await;
        sweep(&w).await;
        let id = items(&w, "").await[0]["id"].as_i64().unwrap();
        // Others may not.
        for r in [R::C, R::M, R::Med, R::Arb, R::Fund, R::Adm] {
            acknowledge(&w, r, id, json!({"note": "已约谈"})).await.expect(403);
        }
        w.app.send(Req::post(&format!("{URI}/{id}/acknowledge")).json(&json!({"note": "x"}))).await.expect(401);
        // The note is required and bounded, errors naming it in both languages.
        for body in [json!({}), json!({"note": "  "}), json!({"note": "长".repeat(2001)}), json!({"note": 5})] {
            let r = acknowledge(&w, R::Reg, id, body.clone()).await.expect(422);
            assert_eq!(r.error().1.as_deref(), Some("note"), "{body}");
        }
        let r = w.app.send(Req::post(&format!("{URI}/{id}/acknowledge")).json(&json!({})).bearer(w.token(R::Reg)).lang("zh-CN")).await.expect(422);
        assert!(r.error().2.contains("必填"), "{}", r.error().2);
        acknowledge(&w, R::Reg, 999_999, json!({"note": "已约谈"})).await.expect(404);
        assert!(items(&w, "?state=acknowledged").await.is_empty());
        // Once.
        let v = acknowledge(&w, R::Reg, id, json!({"note": " 已约谈商户负责人，要求说明投诉激增原因。 "})).await.expect(200).json();
        assert_eq!(v["note"], "已约谈商户负责人，要求说明投诉激增原因。");
        assert_eq!(v["acknowledged_by"], w.who(R::Reg).id);
        assert!(v["acknowledged_at"].is_string());
        assert!(v["acknowledged_by_name"].is_string());
        let r = acknowledge(&w, R::Reg, id, json!({"note": "再次确认"})).await.expect(409);
        assert!(r.error().2.contains("already been acknowledged"), "{}", r.error().2);
        // The filters.
        assert!(items(&w, "?state=open").await.is_empty());
        let done = items(&w, "?state=acknowledged").await;
        assert_eq!(done.len(), 1);
        assert_eq!(done[0]["note"], "已约谈商户负责人，要求说明投诉激增原因。");
        assert_eq!(items(&w, "?state=").await.len(), 1, "blank is absent");
        let r = warnings(&w, R::Reg, "?state=closed").await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("state"));
        // Open ones come first.
        stored_warning(&w).await;
        let all = items(&w, "").await;
        assert_eq!(all.len(), 2);
        assert!(all[0]["acknowledged_at"].is_null() && all[1]["acknowledged_at"].is_string(), "{all:?}");
    }

    async fn a_burst_of_five_star_ratings_from_new_accounts_is_flagged(app) {
        let w = World::new(app).await;
        for _ in 0..5 {
            let id = w.case_at(crate::cases::Stage::Closed).await;
            w.rate(R::C, id, &json!({"action": "rate", "stars": 5, "text": "非常好"})).await.expect(201);
        }
        sweep(&w).await;
        let v = items(&w, "").await;
        assert!(v.iter().any(|s| s["kind"] == "rating_burst" && s["detail"].as_str().unwrap().starts_with("5 ×") && s["merchant_id"] == w.merchant_a), "{v:?}");
    }
}
