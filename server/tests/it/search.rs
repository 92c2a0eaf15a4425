//! `GET /api/v1/merchants`: search over HTTP — words, USCC, filters, sorts,
//! parameters checked by name; and freshness: with the server's writer
//! running, a change is searchable within 2 seconds.

use std::time::{Duration, Instant};

use chrono::Utc;
use sea_orm::ConnectionTrait;
use serde_json::Value;

use crate::cases::{R, USCC_A, World};
use crate::harness::{Req, backend_tests};

async fn search(w: &World, query: &str) -> Value {
    w.app
        .send(Req::get(&format!("/api/v1/merchants?{query}")).lang("en"))
        .await
        .expect(200)
        .json()
}

async fn drain(w: &World) {
    let mut i = services::search::indexer::Indexer::new(&w.app.svc).unwrap();
    while i.apply_due(&w.app.svc, Utc::now()).await.unwrap() > 0 {}
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
    async fn merchants_are_searched_by_words_and_uscc_with_checked_parameters(app) {
        let w = World::new(app).await;
        drain(&w).await;
        let v = search(&w, "q=%E6%B5%B7%E6%B7%80%E7%94%B5%E5%99%A8").await; // 海淀电器
        assert_eq!(ids(&v)[0], w.merchant_a, "{v}");
        assert_eq!(v["items"][0]["uscc"], USCC_A);
        let v = search(&w, &format!("q={}", USCC_A.to_lowercase())).await;
        assert_eq!((v["total"].as_u64(), ids(&v)), (Some(1), vec![w.merchant_a]));
        // Browsing everything, by complaints: A has one, B none.
        w.file().await;
        services::credit::score::run_due(&w.app.svc, w.now()).await.unwrap();
        drain(&w).await;
        let v = search(&w, "sort=complaints").await;
        assert_eq!(ids(&v), vec![w.merchant_a, w.merchant_b]);
        assert_eq!(v["items"][0]["complaints_12m"], 1);
        assert!(v["facets"]["province"].to_string().contains("北京市"), "{v}");
        // Filters.
        let v = search(&w, "verified=true").await;
        assert_eq!(v["total"], 0);
        for (query, field) in [("sort=best", "sort"), ("list=grey", "list"), ("verified=yes", "verified"), ("grade=Z", "grade"), ("page=0", "page"), ("per_page=x", "per_page")] {
            let r = w.app.send(Req::get(&format!("/api/v1/merchants?{query}")).lang("en")).await.expect(422);
            assert_eq!(r.error().1.as_deref(), Some(field), "{query}");
        }
        let _ = R::C;
    }

    async fn a_change_is_searchable_within_two_seconds_with_the_writer_running(app) {
        let w = World::new(app).await;
        let svc = w.app.svc.clone();
        let writer = tokio::spawn(services::search::indexer::run(svc.clone()));
        svc.db.execute_unprepared(&format!("UPDATE merchants SET name = '北京新名字电器有限公司' WHERE id = {}", w.merchant_a)).await.unwrap();
        services::changes::merchant_changed(&svc.db, w.merchant_a as i32, Utc::now()).await.unwrap();
        svc.outbox_wake.notify_one();
        let started = Instant::now();
        let found = loop {
            let v = search(&w, "q=%E6%96%B0%E5%90%8D%E5%AD%97").await; // 新名字
            if v["items"].as_array().unwrap().iter().any(|i| i["name"] == "北京新名字电器有限公司") {
                break true;
            }
            if started.elapsed() > Duration::from_secs(2) {
                break false;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        writer.abort();
        assert!(found, "not searchable within 2 s");
    }
}
