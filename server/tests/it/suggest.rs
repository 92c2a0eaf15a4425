//! `GET /api/v1/merchants/suggest`: names offered while one is typed —
//! public, limited, parameters checked by name; the page's suggestion
//! function answers the same; and `/search` rendered on the server (what a
//! browser without JavaScript gets): results, facets as links, a wrong
//! parameter named in the reader's language.

use chrono::Utc;
use serde_json::Value;

use crate::cases::World;
use crate::harness::{Req, backend_tests};

async fn drain(w: &World) {
    let mut i = services::search::indexer::Indexer::new(&w.app.svc).unwrap();
    while i.apply_due(&w.app.svc, Utc::now()).await.unwrap() > 0 {}
}

fn ids(v: &Value) -> Vec<i64> {
    v["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items: {v}"))
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

fn enc(s: &str) -> String {
    urlencoding::encode(s).into_owned()
}

backend_tests! {
    async fn suggestions_are_public_limited_and_checked_by_name(app) {
        let w = World::new(app).await;
        drain(&w).await;
        // No session, no token: public.
        let v = w.app.send(Req::get(&format!("/api/v1/merchants/suggest?q={}", enc("海淀")))).await.expect(200).json();
        assert_eq!(ids(&v), vec![w.merchant_a], "{v}");
        let first = &v["items"][0];
        assert_eq!(first["name"], "北京海淀电器有限公司");
        assert_eq!((first["red_list"].as_bool(), first["black_list"].as_bool()), (Some(false), Some(false)));
        assert!(first["grade"].is_null(), "{first}");
        // Both start with 北京; the limit holds.
        let v = w.app.send(Req::get(&format!("/api/v1/merchants/suggest?q={}", enc("北京")))).await.expect(200).json();
        let mut both = ids(&v);
        both.sort();
        assert_eq!(both, vec![w.merchant_a, w.merchant_b]);
        let v = w.app.send(Req::get(&format!("/api/v1/merchants/suggest?q={}&limit=1", enc("北京")))).await.expect(200).json();
        assert_eq!(ids(&v).len(), 1);
        // Characters apart, and the start of the code.
        let v = w.app.send(Req::get(&format!("/api/v1/merchants/suggest?q={}", enc("东城货")))).await.expect(200).json();
        assert_eq!(ids(&v), vec![w.merchant_b]);
        let v = w.app.send(Req::get("/api/v1/merchants/suggest?q=911100001000")).await.expect(200).json();
        assert_eq!(ids(&v), vec![w.merchant_b]);
        // Nothing typed: nothing offered.
        for query in ["", "?q=", "?q=%20%20", "?q=%EF%BC%8C"] {
            let v = w.app.send(Req::get(&format!("/api/v1/merchants/suggest{query}"))).await.expect(200).json();
            assert_eq!(v["items"], serde_json::json!([]), "{query}");
        }
        // A wrong parameter is refused and named, in the caller's language.
        let long = enc(&"长".repeat(201));
        for (query, field, en) in [
            ("q=a&limit=0", "limit", "Number of suggestions: must be a whole number from 1 to 20"),
            ("q=a&limit=21", "limit", "Number of suggestions: must be a whole number from 1 to 20"),
            ("q=a&limit=x", "limit", "Number of suggestions: must be a whole number from 1 to 20"),
            (&format!("q={long}"), "q", "Search text: must be at most 200 characters"),
        ] {
            let r = w.app.send(Req::get(&format!("/api/v1/merchants/suggest?{query}")).lang("en")).await.expect(422);
            let (code, f, message) = r.error();
            assert_eq!((code.as_str(), f.as_deref(), message.as_str()), ("invalid", Some(field), en), "{query}");
        }
        let r = w.app.send(Req::get("/api/v1/merchants/suggest?q=a&limit=0")).await.expect(422);
        assert_eq!(r.error().2, "建议条数：须为 1 至 20 之间的整数");
    }

    async fn the_page_suggestion_function_answers_like_the_api(app) {
        let w = World::new(app).await;
        drain(&w).await;
        let r = w.app.send(
            Req::post("/api/merchants/suggest")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", "application/json")
                .same_origin()
                .body(format!("q={}", enc("海淀电"))),
        ).await.expect(200);
        let v = r.json();
        assert_eq!(v[0]["id"].as_i64(), Some(w.merchant_a), "{v}");
        assert_eq!(v[0]["name"], "北京海淀电器有限公司");
    }

    async fn the_search_page_renders_without_javascript(app) {
        let w = World::new(app).await;
        drain(&w).await;
        let page = |query: &str| {
            let req = Req::get(&format!("/search?{query}")).header("accept", "text/html").lang("en");
            let app = &w.app;
            async move { app.send(req).await.expect(200).text() }
        };
        // Results, total, facets as links that keep the text and go to page 1.
        let html = page(&format!("q={}&page=1", enc("北京"))).await;
        assert!(html.contains(&format!("data-merchant=\"{}\"", w.merchant_a)), "{html}");
        assert!(html.contains(&format!("data-merchant=\"{}\"", w.merchant_b)));
        assert!(html.contains("id=\"search-total\" data-total=\"2\""), "{html}");
        assert!(html.contains(&format!("href=\"/search?q={}&amp;province={}\"", enc("北京"), enc("北京市"))), "{html}");
        assert!(html.contains(&format!("href=\"/search?q={}&amp;verified=false\"", enc("北京"))), "{html}");
        assert!(html.contains(&format!("href=\"/search?q={}&amp;grade=none\"", enc("北京"))), "{html}");
        assert!(html.contains("id=\"page-of\" data-page=\"1\" data-pages=\"1\""), "{html}");
        // The form is a plain GET form with the text and filters in it.
        assert!(html.contains("action=\"/search\" method=\"get\""), "{html}");
        assert!(html.contains("name=\"q\" id=\"search-q\" value=\"北京\""), "{html}");
        // A filter set: only what fits, its link now clears it.
        let html = page(&format!("q={}&list=none&verified=false&grade=none&province={}", enc("北京"), enc("北京市"))).await;
        assert!(html.contains("data-total=\"2\""), "{html}");
        assert!(html.contains("id=\"clear-filters\""));
        let html = page("verified=true").await;
        assert!(html.contains("id=\"search-none\""), "{html}");
        // Wrong parameters: the field named, in the reader's language, and the form still there.
        for (query, message) in [
            ("grade=Z".to_string(), "Credit grade: must be A+, A, B, C, D or none (not graded)"),
            ("sort=best".to_string(), "Sort: must be relevance, credit or complaints"),
            ("list=grey".to_string(), "List: must be red, black or none"),
            ("verified=yes".to_string(), "Verification: must be true or false"),
            ("page=0".to_string(), "Page: must be a whole number from 1 to 10000"),
            (format!("q={}", enc(&"长".repeat(201))), "Search text: must be at most 200 characters"),
        ] {
            let html = page(&query).await;
            assert!(html.contains("id=\"search-error\""), "{query}: {html}");
            assert!(html.contains(message), "{query}: {message}");
            assert!(html.contains("id=\"search-form\""), "{query}");
            assert!(!html.contains("id=\"results\""), "{query}");
        }
        let html = w.app.send(Req::get("/search?page=x").header("accept", "text/html")).await.expect(200).text();
        assert!(html.contains("页码：须为 1 至 10000 之间的整数"), "{html}");
    }
}
