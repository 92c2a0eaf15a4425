//! The public page cache (`server::cache`): anonymous reads of public pages
//! come from memory with an ETag and `no-cache`; after each kind of change
//! the page shows it on the next request (a write through this server) or
//! within the follower's poll (a background job, another server).

use std::io::Read;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::cases::{R, Stage, World, instant};
use crate::complaints::{case_with, drain};
use crate::harness::{Req, Resp, TestApp, backend_tests};

async fn get(app: &TestApp, path: &str) -> Resp {
    app.send(Req::get(path).lang("zh")).await
}

fn cached(r: &Resp) -> &str {
    r.header("x-cache").unwrap_or("none")
}

/// GETs `path` until the answer differs from `before` (at most 2 s: the
/// follower reads the log every 200 ms).
async fn until_changed(app: &TestApp, path: &str, before: &Resp) -> Resp {
    let started = Instant::now();
    loop {
        let r = get(app, path).await.expect(200);
        if r.body != before.body {
            return r;
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{path} still shows what it showed before the change"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Reads `path` twice and checks the second answer came from memory.
async fn warm(app: &TestApp, path: &str) -> Resp {
    get(app, path).await.expect(200);
    let r = get(app, path).await.expect(200);
    assert_eq!(cached(&r), "hit", "{path}");
    r
}

async fn new_cached_world(app: TestApp) -> World {
    let mut w = World::new(app).await;
    w.app.start_page_cache().await;
    w
}

backend_tests! {
    async fn anonymous_reads_of_public_pages_come_from_memory_and_revalidate(app) {
        let w = new_cached_world(app).await;
        let a = w.merchant_a;
        for path in [
            format!("/merchants/{a}"),
            format!("/api/v1/merchants/{a}"),
            format!("/api/v1/merchants/{a}/ratings"),
            "/".to_string(),
            "/lists/red".to_string(),
            "/api/v1/lists/black".to_string(),
            "/api/v1/fund/ledger".to_string(),
        ] {
            let first = get(&w.app, &path).await.expect(200);
            assert_eq!(cached(&first), "miss", "{path}");
            let second = get(&w.app, &path).await.expect(200);
            assert_eq!(cached(&second), "hit", "{path}");
            assert_eq!(first.body, second.body, "{path}");
            assert_eq!(second.header("cache-control"), Some("no-cache"), "{path}");
            assert!(second.header("vary").unwrap_or("").contains("cookie"), "{path}");
            assert_eq!(second.header("x-content-type-options"), Some("nosniff"), "{path}");
            let etag = second.header("etag").expect("an ETag").to_string();
            assert_eq!(first.header("etag"), Some(etag.as_str()), "{path}");
            // Revalidation: 304 without a body.
            let r = w.app.send(Req::get(&path).lang("zh").header("if-none-match", &etag)).await;
            assert_eq!(r.status.as_u16(), 304, "{path}");
            assert!(r.body.is_empty());
            let r = w.app.send(Req::get(&path).lang("zh").header("if-none-match", "\"other\"")).await;
            assert_eq!(r.status.as_u16(), 200, "{path}");
            // Compressed copies say the same.
            let r = w.app.send(Req::get(&path).lang("zh").header("accept-encoding", "gzip, br")).await.expect(200);
            assert_eq!(r.header("content-encoding"), Some("br"), "{path}");
            let mut body = Vec::new();
            brotli::Decompressor::new(&r.body[..], 4096).read_to_end(&mut body).unwrap();
            assert_eq!(body, first.body.to_vec(), "{path}");
            let r = w.app.send(Req::get(&path).lang("zh").header("accept-encoding", "gzip")).await.expect(200);
            assert_eq!(r.header("content-encoding"), Some("gzip"), "{path}");
            let mut body = Vec::new();
            flate2::read::GzDecoder::new(&r.body[..]).read_to_end(&mut body).unwrap();
            assert_eq!(body, first.body.to_vec(), "{path}");
            // HEAD from memory: the headers, no body.
            let r = w.app.send(Req::new(axum::http::Method::HEAD, &path).lang("zh")).await.expect(200);
            assert_eq!(cached(&r), "hit", "{path}");
            assert!(r.body.is_empty());
        }
        // Each language is its own entry.
        let page = format!("/merchants/{a}");
        let zh = get(&w.app, &page).await;
        let en = w.app.send(Req::get(&page).lang("en")).await.expect(200);
        assert_eq!(cached(&en), "miss");
        assert_ne!(zh.body, en.body);
        // Signed in: rendered for the viewer, never stored, never kept downstream.
        let mine = w.app.send(Req::get(&page).bearer(w.token(R::M))).await.expect(200);
        assert_eq!(cached(&mine), "bypass");
        assert_eq!(mine.header("cache-control"), Some("private, no-store"));
        let me = w.app.send(Req::get("/api/v1/me").bearer(w.token(R::C))).await.expect(200);
        assert_eq!(me.header("cache-control"), Some("private, no-store"));
        assert_eq!(me.header("x-cache"), None);
        // Not public: not looked up.
        let r = get(&w.app, "/login").await.expect(200);
        assert_eq!(r.header("x-cache"), None);
        assert_eq!(r.header("cache-control"), Some("private, no-store"));
        // Unknown merchants are not stored.
        for _ in 0..2 {
            let r = get(&w.app, "/api/v1/merchants/999999").await.expect(404);
            assert_eq!(cached(&r), "miss");
        }
    }

    async fn without_its_follower_the_cache_is_not_used(app) {
        let w = World::new(app).await;
        let path = format!("/api/v1/merchants/{}", w.merchant_a);
        for _ in 0..2 {
            let r = get(&w.app, &path).await.expect(200);
            assert_eq!(cached(&r), "bypass");
            assert_eq!(r.header("cache-control"), Some("no-cache"));
        }
    }

    async fn a_filing_a_rating_and_a_case_action_show_on_the_next_request(app) {
        let w = new_cached_world(app).await;
        let a = w.merchant_a;
        let profile = format!("/api/v1/merchants/{a}");
        let before = warm(&w.app, &profile).await;
        assert_eq!(before.json()["stats"]["complaints_12m"], 0);
        let page = format!("/merchants/{a}");
        let page_before = warm(&w.app, &page).await;
        // Another merchant's pages stay in memory through it all.
        let other = format!("/api/v1/merchants/{}", w.merchant_b);
        warm(&w.app, &other).await;
        // A filing (through this server): the very next request shows it.
        let closed = w.case_at(Stage::Closed).await;
        let after = get(&w.app, &profile).await.expect(200);
        assert_eq!(after.json()["stats"]["complaints_12m"], 1);
        assert_ne!(get(&w.app, &page).await.body, page_before.body);
        assert_eq!(cached(&get(&w.app, &other).await), "hit");
        // A rating on the closed case.
        let ratings = format!("/api/v1/merchants/{a}/ratings");
        let before = warm(&w.app, &ratings).await;
        w.rate(R::C, closed, &json!({"action": "rate", "stars": 2, "text": "发货太慢，客服态度一般"}))
            .await
            .expect(201);
        let after = get(&w.app, &ratings).await.expect(200);
        assert_ne!(after.body, before.body, "the new rating is not shown");
        assert!(after.text().contains("发货太慢"));
        assert_eq!(cached(&get(&w.app, &other).await), "hit");
    }

    async fn the_ledger_a_new_merchant_and_a_background_job_show_within_the_poll(app) {
        let w = new_cached_world(app).await;
        // The fund: a top-up through this server shows at once.
        let ledger = "/api/v1/fund/summary";
        let before = warm(&w.app, ledger).await;
        warm(&w.app, "/api/v1/fund/ledger").await;
        w.app
            .send(
                Req::post("/api/v1/fund/top-up")
                    .json(&json!({"amount_fen": 500_000, "idempotency_key": "cache-top-up-1"}))
                    .bearer(w.token(R::Fund)),
            )
            .await
            .expect(201);
        let after = get(&w.app, ledger).await.expect(200);
        assert_eq!(cached(&after), "miss");
        assert_ne!(after.body, before.body);
        assert_eq!(cached(&get(&w.app, "/api/v1/fund/ledger").await), "miss");
        // A merchant imported by the command line (not through this server):
        // every page counts merchants, so the home page shows it within the poll.
        let home = warm(&w.app, "/").await;
        let uscc = "0123456789ABCDEFGHJKLMNPQRTUWXY"
            .chars()
            .map(|c| format!("91310000MA1FL0001{c}"))
            .find(|u| domain::uscc::Uscc::parse(u).is_ok())
            .unwrap();
        let csv = format!(
            "name,uscc,registered_on,entity_type,registered_capital,business_scope,province,region,address\n\
             上海新开商贸有限公司,{uscc},2020-01-01,有限责任公司,100万元人民币,日用百货,上海市,浦东新区,上海市浦东新区1号\n"
        );
        let report = services::merchants::import::import_merchants(&w.app.svc, csv.as_bytes()).await.unwrap();
        assert_eq!(report.imported, 1, "{report}");
        until_changed(&w.app, "/", &home).await;
        // A credit record published by the sweeper shows on the profile.
        let a = w.merchant_a;
        let records = format!("/api/v1/merchants/{a}/records");
        let finding = json!({
            "kind": "false_advertising",
            "summary": "宣传的产品功效与实际不符，经核查属实。",
            "evidence": "抽检报告",
            "occurred_on": "2026-10-15"
        });
        let r = w.app
            .send(
                Req::post(&format!("/api/v1/regulator/merchants/{a}/records"))
                    .json(&finding)
                    .bearer(w.token(R::Reg)),
            )
            .await
            .expect(201)
            .json();
        let before = warm(&w.app, &records).await;
        w.set_now(instant(&r["objection_until"]) + chrono::Duration::minutes(1));
        let report = services::cases::sweep::sweep(&w.app.svc, w.now()).await.unwrap();
        assert_eq!(report.records_published, 1);
        let after = until_changed(&w.app, &records, &before).await;
        assert!(after.text().contains("宣传的产品功效"));
    }

    async fn a_withdrawn_complaint_record_and_a_calendar_edit_drop_what_they_touch(app) {
        let w = new_cached_world(app).await;
        // A public complaint record: the consumer withdraws publication, and
        // no anonymous read finds it after that.
        let id = case_with(&w, "收到的手机屏幕有划痕，商家拒绝退货。", "quality", true, Stage::Closed).await;
        drain(&w).await;
        let record = format!("/api/v1/complaints/{id}");
        let page = format!("/complaints/{id}");
        warm(&w.app, &record).await;
        let page_before = warm(&w.app, &page).await;
        let other = format!("/api/v1/merchants/{}", w.merchant_b);
        warm(&w.app, &other).await;
        w.app
            .send(Req::post(&format!("/api/v1/cases/{id}/publication")).json(&json!({"publish": false})).bearer(w.token(R::C)))
            .await
            .expect(200);
        // Records are read from the search index: once it has the change,
        // the cached copies keyed on the older index are never answered.
        drain(&w).await;
        w.app.send(Req::get(&record).lang("zh")).await.expect(404);
        // The page of a withdrawn record is a 404 now, like the API's, and
        // a 404 is never cached.
        let r = get(&w.app, &page).await.expect(404);
        assert_ne!(cached(&r), "hit");
        assert_ne!(r.body, page_before.body, "the withdrawn record is still shown");
        assert_eq!(cached(&get(&w.app, &other).await), "hit", "another merchant's page was dropped");
        // The working-day calendar, edited outside this server's requests:
        // every page may show a deadline, so all go within the poll.
        warm(&w.app, &other).await;
        warm(&w.app, "/").await;
        let day = domain::calendar::local_date(w.now()) + chrono::Days::new(3);
        services::record::calendar::edit(&w.app.svc, day, Some(domain::calendar::DayKind::Holiday), "测试假日").await.unwrap();
        let started = Instant::now();
        for path in [other.as_str(), "/"] {
            while cached(&get(&w.app, path).await) == "hit" {
                assert!(started.elapsed() < Duration::from_secs(2), "{path} still comes from memory after the calendar edit");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }

    async fn site_files_named_by_their_hash_are_kept_a_year_the_rest_revalidated(app) {
        let site = app.svc.config.data_dir.join("site");
        let pkg = site.join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        let hashed = "gongdao.AbCdEfGhIjKlMnOpQrSt-_.css";
        std::fs::write(pkg.join(hashed), "body { color: #222 }").unwrap();
        std::fs::write(pkg.join("gongdao.css"), "body { color: #222 }").unwrap();
        let b = app.second_server_with(|c| c.site_root = site.clone()).await;
        let r = b.send(Req::get(&format!("/pkg/{hashed}"))).await.expect(200);
        assert_eq!(r.header("cache-control"), Some("public, max-age=31536000, immutable"));
        assert_eq!(r.text(), "body { color: #222 }");
        let r = b.send(Req::get("/pkg/gongdao.css")).await.expect(200);
        assert_eq!(r.header("cache-control"), Some("no-cache"));
        assert!(r.header("last-modified").is_some());
        // A hashed name that is not there is not kept.
        let r = b.send(Req::get("/pkg/gongdao.ZZZZZZZZZZZZZZZZZZZZZZ.css")).await;
        assert_eq!(r.status.as_u16(), 404);
        assert_eq!(r.header("cache-control"), Some("no-cache"));
        test_db::close(&b.svc.db).await;
    }

    async fn a_change_through_another_server_shows_on_this_one_within_the_poll(app) {
        let w = new_cached_world(app).await;
        let mut b = w.app.second_server().await;
        b.start_page_cache().await;
        let a = w.merchant_a;
        let profile = format!("/api/v1/merchants/{a}");
        let on_b = warm(&b, &profile).await;
        assert_eq!(on_b.json()["stats"]["complaints_12m"], 0);
        // Filed through A (the World's server).
        w.file().await;
        let after = until_changed(&b, &profile, &on_b).await;
        assert_eq!(after.json()["stats"]["complaints_12m"], 1);
        test_db::close(&b.svc.db).await;
    }
}
