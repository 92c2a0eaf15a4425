//! The home page as an anonymous visitor reads it (from the public page
//! cache): the live figures (cases resolved, the median days to resolution,
//! what the fund paid first) and the latest public complaint records follow
//! each change, on this server at once and on another within the poll; and
//! its "file a complaint" link goes through the login, which comes back to
//! the form.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::cases::{R, Stage, World};
use crate::complaints::{case_with, drain};
use crate::fund::{act, deposit, non_compliant, top_up};
use crate::harness::{Req, Resp, TestApp, backend_tests};

async fn home(app: &TestApp, lang: &str) -> Resp {
    app.send(Req::get("/").lang(lang)).await.expect(200)
}

/// The text of the element with `id` on the page (its first text node).
fn figure(r: &Resp, id: &str) -> String {
    let text = r.text();
    let start = format!("id=\"{id}\"");
    let at = text
        .find(&start)
        .unwrap_or_else(|| panic!("no #{id} on the home page"));
    let rest = &text[at..];
    let open = rest.find('>').unwrap() + 1;
    let close = rest[open..].find('<').unwrap();
    rest[open..open + close].to_string()
}

/// GETs the home page until `ok` holds (at most 5 s: the follower reads the
/// change log every 200 ms).
async fn until(app: &TestApp, what: &str, ok: impl Fn(&Resp) -> bool) -> Resp {
    let started = Instant::now();
    loop {
        let r = home(app, "zh").await;
        if ok(&r) {
            return r;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the home page does not show {what}: {}",
            r.text()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn shows_record(r: &Resp, id: i64) -> bool {
    r.text().contains(&format!("href=\"/complaints/{id}\""))
}

backend_tests! {
    async fn the_home_page_shows_live_figures_and_a_newly_published_record(app) {
        let mut w = World::new(app).await;
        w.app.start_page_cache().await;
        let mut b = w.app.second_server().await;
        let b_cache = b.start_page_cache().await;
        // Nothing resolved yet; the page is kept in memory.
        let r = home(&w.app, "zh").await;
        assert_eq!(figure(&r, "figure-resolved"), "0");
        assert_eq!(figure(&r, "figure-median-days"), "—");
        assert_eq!(figure(&r, "figure-fund-paid"), "¥0.00");
        assert!(r.text().contains("id=\"home-latest-none\""));
        assert_eq!(home(&w.app, "zh").await.header("x-cache"), Some("hit"));
        assert_eq!(home(&b, "zh").await.header("x-cache"), Some("miss"));
        assert_eq!(home(&b, "zh").await.header("x-cache"), Some("hit"));

        // A complaint filed, settled and closed two days later, its
        // narrative published: its record and the figures show on the next
        // request once the index has it.
        let id = case_with(&w, "收到的手机屏幕有划痕，商家同意退货并已退款。", "quality", true, Stage::Complied).await;
        w.set_now(w.now() + chrono::Duration::days(2));
        w.ok(R::C, id, "confirm_fulfilment", Stage::Complied).await;
        drain(&w).await;
        let r = home(&w.app, "zh").await;
        assert!(shows_record(&r, id), "{}", r.text());
        assert_eq!(figure(&r, "figure-resolved"), "1");
        assert_eq!(figure(&r, "figure-median-days"), "2.0");
        // The other server shows the figures within the poll, but its own
        // index has not the record yet: that page is kept, and keyed on the
        // index's version, so once the index has the record it is not
        // answered again (not even for the cache's minute).
        let r = until(&b, "the closing", |r| figure(r, "figure-resolved") == "1").await;
        assert!(!shows_record(&r, id));
        // That page may have been made before B's follower read the last of
        // the closing's changes (which then dropped it): once B has read the
        // log to its head and nothing else is written, its page is kept.
        b_cache.catch_up(&b.svc).await.unwrap();
        home(&b, "zh").await;
        assert_eq!(home(&b, "zh").await.header("x-cache"), Some("hit"));
        let mut i = services::search::indexer::Indexer::new(&b.svc).unwrap();
        while i.apply_due(&b.svc, chrono::Utc::now()).await.unwrap() > 0 {}
        until(&b, "the new record", |r| shows_record(r, id)).await;

        // A case closed without publication is resolved all the same: the
        // other server's copy goes within the poll (the closing is on the
        // change log, as its merchant's change), and the median moves to
        // (2 + 4) / 2 days.
        let quiet = case_with(&w, "快递丢件，商家补发后确认收到。", "delivery", false, Stage::Complied).await;
        w.set_now(w.now() + chrono::Duration::days(4));
        // B has read the filing's changes (to the log's head, as its
        // follower would within a poll) and keeps its page again: only the
        // closing itself can drop that copy now.
        b_cache.catch_up(&b.svc).await.unwrap();
        home(&b, "zh").await;
        let kept = home(&b, "zh").await;
        assert_eq!(kept.header("x-cache"), Some("hit"));
        assert_eq!(figure(&kept, "figure-resolved"), "1");
        w.ok(R::C, quiet, "confirm_fulfilment", Stage::Complied).await;
        let r = until(&b, "two resolved cases", |r| figure(r, "figure-resolved") == "2").await;
        assert_eq!(figure(&r, "figure-median-days"), "3.0");
        assert!(!shows_record(&r, quiet), "an unpublished case is listed");

        // First compensation paid by the fund (¥800.00): a fund posting
        // drops every page.
        top_up(&w, 1_000_000, "home-pool").await;
        deposit(&w, w.merchant_a, 50_000, "home-dep").await;
        let paid = non_compliant(&w).await;
        act(&w, R::C, paid, "apply_first_compensation", json!({})).await.expect(200);
        act(&w, R::Fund, paid, "approve_first_compensation", json!({"amount_fen": 80_000})).await.expect(200);
        assert_eq!(figure(&home(&w.app, "zh").await, "figure-fund-paid"), "¥800.00");
        until(&b, "the payout", |r| figure(r, "figure-fund-paid") == "¥800.00").await;

        // Both languages; the way in for whoever is signed out.
        let en = home(&w.app, "en").await;
        for text in ["Cases resolved", "Median days to resolution", "First compensation paid", "Latest public complaint records"] {
            assert!(en.text().contains(text), "{text}");
        }
        assert!(en.text().contains("href=\"/login?next=%2Fcases%2Fnew\""), "{}", en.text());
        let zh = home(&w.app, "zh").await;
        for text in ["投诉", "协商 / 调解", "解决 / 先行赔付", "已解决案件"] {
            assert!(zh.text().contains(text), "{text}");
        }
        // Signed in (never from the cache), straight to the form.
        let r = w.app.send(Req::get("/").lang("zh").bearer(w.token(R::C))).await.expect(200);
        assert_ne!(r.header("x-cache"), Some("hit"));
        assert!(r.text().contains("href=\"/cases/new\" id=\"home-file\"") || r.text().contains("id=\"home-file\" href=\"/cases/new\""), "{}", r.text());
        test_db::close(&b.svc.db).await;
    }

    async fn the_login_goes_back_to_a_path_on_this_site_only(app) {
        let w = World::new(app).await;
        let email = w.who(R::C).email.clone();
        for (next, to) in [
            ("/cases/new", "/cases/new"),
            ("//evil.example/x", "/dashboard"),
            ("https://evil.example/x", "/dashboard"),
            ("", "/dashboard"),
        ] {
            let mut req = Req::server_fn("auth/login", &[("email", email.as_str()), ("password", crate::harness::PASSWORD), ("next", next)]);
            req.replace_header("accept", "text/html");
            let r = w.app.send(req).await;
            assert_eq!(r.header("location"), Some(to), "next={next}: {} {}", r.status, r.text());
        }
    }
}
