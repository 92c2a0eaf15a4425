//! Webhooks for e-commerce platforms, against a real local receiver (an
//! axum server on 127.0.0.1:0 in the test): the platform registers an
//! endpoint (the secret shown once), its case events arrive signed
//! (checked here with an HMAC written independently of the server's), a
//! receiver that fails twice gets three attempts, all logged, the third
//! delivered; a replay sends the same event id again. URLs that are not
//! https, carry credentials or point to private addresses are refused in
//! the caller's language; scopes and owners are enforced.

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::cases::{R, Stage, USCC_A, World};
use crate::harness::{Req, Resp, TestApp, backend_tests};

const PLATFORM_USCC: &str = "91330100799655058B";
const OTHER_PLATFORM_USCC: &str = "91110108551385082Q";

/// What the receiver got: headers and body of each request, in order.
type Inbox = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// A receiver on 127.0.0.1 that answers 500 to the first `failures`
/// requests, then 200; its URL and what it received.
async fn receiver(failures: usize) -> (String, Inbox) {
    let inbox: Inbox = Arc::default();
    let seen = inbox.clone();
    let app = axum::Router::new().route(
        "/hooks/gongdao",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let seen = seen.clone();
            async move {
                let n = {
                    let mut v = seen.lock().unwrap();
                    v.push((headers, body));
                    v.len()
                };
                if n <= failures {
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "receiver down for maintenance",
                    )
                } else {
                    (StatusCode::OK, "thanks")
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hooks/gongdao?src=gongdao"), inbox)
}

/// HMAC-SHA256 (RFC 2104) over SHA-256, written out here so the test does
/// not trust the server's own signing code.
fn hmac_sha256(key: &[u8], msg: &[u8]) -> String {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let ipad: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::digest([ipad.as_slice(), msg].concat());
    hex::encode(Sha256::digest([opad.as_slice(), inner.as_slice()].concat()))
}

/// Checks one received request as a receiver should; returns its body.
fn verify(headers: &HeaderMap, body: &str, secret: &str) -> Value {
    assert_eq!(headers["content-type"], "application/json");
    let sig = headers["gongdao-signature"].to_str().unwrap();
    let (t, v1) = sig
        .split_once(",v1=")
        .and_then(|(t, v)| Some((t.strip_prefix("t=")?, v)))
        .unwrap_or_else(|| panic!("signature header {sig}"));
    let t: i64 = t.parse().unwrap();
    assert!((chrono::Utc::now().timestamp() - t).abs() < 300, "fresh t");
    assert_eq!(
        v1,
        hmac_sha256(secret.as_bytes(), format!("{t}.{body}").as_bytes()),
        "the signature verifies with the secret"
    );
    assert_ne!(
        v1,
        hmac_sha256(b"whsec_wrong", format!("{t}.{body}").as_bytes())
    );
    let v: Value = serde_json::from_str(body).unwrap();
    assert_eq!(headers["gongdao-event-id"].to_str().unwrap(), v["id"]);
    v
}

async fn admin_post(w: &World, path: &str, body: Value) -> Value {
    w.app
        .send(
            Req::post(&format!("/api/v1{path}"))
                .json(&body)
                .bearer(w.token(R::Adm)),
        )
        .await
        .expect(201)
        .json()
}

/// An e-commerce platform and a key of it with `scopes`: (org id, key).
async fn platform(w: &World, uscc: &str, scopes: &[&str]) -> (i64, String) {
    let org = admin_post(
        w,
        "/admin/organisations",
        json!({"kind": "ecommerce_platform", "name": format!("商城{}", &uscc[..4]), "uscc": uscc, "contact_email": "odr@platform.example.cn"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let key = admin_post(
        w,
        &format!("/admin/organisations/{org}/keys"),
        json!({"label": "推送", "scopes": scopes}),
    )
    .await["key"]
        .as_str()
        .unwrap()
        .to_string();
    (org, key)
}

async fn call(app: &TestApp, method: &str, path: &str, key: &str, body: Option<Value>) -> Resp {
    let uri = format!("/api/v1/platform{path}");
    let mut req = match method {
        "get" => Req::get(&uri),
        "delete" => Req::delete(&uri),
        _ => Req::post(&uri),
    };
    if let Some(b) = body {
        req = req.json(&b);
    }
    app.send(req.bearer(key).lang("en")).await
}

/// Files one complaint through the platform's intake; the case id.
async fn intake(app: &TestApp, key: &str, external_id: &str) -> i64 {
    let line = json!({
        "external_id": external_id, "merchant_uscc": USCC_A, "category": "quality",
        "title": "洗衣机漏水", "narrative": "收到的洗衣机第一次使用就漏水，联系客服要求退货被拒绝。",
        "order_ref": format!("O-{external_id}"), "order_date": "2026-11-01",
        "amount_paid_fen": 259_900, "amount_claimed_fen": 259_900, "remedy": "refund",
        "consumer": {"email": format!("{}@buyer.example.cn", external_id.to_lowercase()), "name": "赵六"},
    });
    let r = app
        .send(
            Req::post("/api/v1/platform/complaints")
                .header("content-type", "application/x-ndjson")
                .bearer(key)
                .body(format!("{line}\n").into_bytes()),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(r["items"][0]["result"], "created", "{r}");
    r["items"][0]["case_id"].as_i64().unwrap()
}

/// One pass of the webhook worker, as if an hour from now (so back-off
/// never holds a retry back); how many sends it worked on.
async fn send_due(app: &TestApp) -> usize {
    services::webhooks::worker::deliver_due(
        &app.svc,
        chrono::Utc::now() + chrono::Duration::hours(1),
    )
    .await
    .unwrap()
}

/// The event id of the first request the receiver got (its signature is
/// checked by the other tests).
fn verify_any(inbox: &Inbox) -> String {
    let got = inbox.lock().unwrap();
    got[0].0["gongdao-event-id"].to_str().unwrap().to_string()
}

fn private_allowed(app: TestApp) -> TestApp {
    app.with_config(|c| c.webhooks.allow_private = true)
}

backend_tests! {
    async fn a_platform_gets_signed_case_events_retried_logged_and_replayed(app) {
        let w = World::new(private_allowed(app)).await;
        let (url, inbox) = receiver(2).await;
        let (_, key) = platform(&w, PLATFORM_USCC, &["cases:write", "webhooks:manage"]).await;

        let created = call(&w.app, "post", "/webhooks", &key, Some(json!({"url": url})))
            .await
            .expect(201)
            .json();
        let secret = created["secret"].as_str().unwrap().to_string();
        assert!(secret.starts_with("whsec_") && secret.len() == 70, "{secret}");
        let endpoint = created["endpoint"]["id"].as_i64().unwrap();
        // Listed without its secret.
        let listed = call(&w.app, "get", "/webhooks", &key, None).await.expect(200).json();
        assert_eq!(listed["items"][0]["url"], url.as_str());
        assert!(!listed.to_string().contains(&secret));

        // A filing through the intake is an event, queued in its transaction.
        let case_id = intake(&w.app, &key, "HW-WH-1").await;
        assert!(inbox.lock().unwrap().is_empty(), "sent by the worker, not inline");

        // 500, 500, then 200: three attempts, each signed, the same event.
        for n in 1..=3 {
            assert_eq!(send_due(&w.app).await, 1, "attempt {n}");
            assert_eq!(inbox.lock().unwrap().len(), n);
        }
        assert_eq!(send_due(&w.app).await, 0, "nothing left once delivered");
        let got = inbox.lock().unwrap().clone();
        let events: Vec<Value> = got.iter().map(|(h, b)| verify(h, b, &secret)).collect();
        assert!(events.iter().all(|e| e["id"] == events[0]["id"]), "one event id for every retry");
        let e = &events[0];
        assert!(e["id"].as_str().unwrap().starts_with("evt_"));
        assert_eq!(e["type"], "case.filed");
        assert_eq!(e["case"]["id"].as_i64(), Some(case_id));
        assert_eq!(e["case"]["external_id"], "HW-WH-1");
        assert_eq!(e["case"]["status"], "awaiting_merchant");
        assert!(e["case"]["number"].as_str().unwrap().starts_with("GD"));
        chrono::DateTime::parse_from_rfc3339(e["occurred_at"].as_str().unwrap()).unwrap();
        // No consumer data in the body.
        assert!(!got[0].1.contains("buyer.example.cn") && !got[0].1.contains("赵六"));

        // The delivery log: three attempts with status, duration, excerpt.
        let log = call(&w.app, "get", "/webhooks/deliveries", &key, None).await.expect(200).json();
        let d = &log["items"][0];
        assert_eq!(d["state"], "delivered");
        assert_eq!(d["attempts"], 3);
        assert_eq!(d["endpoint_id"].as_i64(), Some(endpoint));
        let codes: Vec<i64> = d["attempt_log"].as_array().unwrap().iter()
            .map(|a| a["status_code"].as_i64().unwrap()).collect();
        assert_eq!(codes, [500, 500, 200]);
        assert_eq!(d["attempt_log"][0]["response_excerpt"], "receiver down for maintenance");
        assert_eq!(d["attempt_log"][2]["response_excerpt"], "thanks");
        let delivery = d["id"].as_i64().unwrap();

        // Replay: the same event id and body, freshly signed.
        let r = call(&w.app, "post", &format!("/webhooks/deliveries/{delivery}/replay"), &key, None)
            .await.expect(202).json();
        assert_eq!(r["state"], "pending");
        // A second replay before it went out is refused, not sent twice.
        call(&w.app, "post", &format!("/webhooks/deliveries/{delivery}/replay"), &key, None)
            .await.expect(409);
        assert_eq!(send_due(&w.app).await, 1);
        let got = inbox.lock().unwrap().clone();
        assert_eq!(got.len(), 4);
        let replayed = verify(&got[3].0, &got[3].1, &secret);
        assert_eq!(replayed, events[0]);
        let log = call(&w.app, "get", "/webhooks/deliveries", &key, None).await.expect(200).json();
        assert_eq!(log["items"][0]["attempts"], 4);
        assert_eq!(log["items"][0]["state"], "delivered");

        // The merchant's response to the case is the next event.
        w.ok(R::M, case_id, "respond", Stage::AwaitingMerchant).await;
        assert_eq!(send_due(&w.app).await, 1);
        let got = inbox.lock().unwrap().clone();
        let responded = verify(&got[4].0, &got[4].1, &secret);
        assert_eq!(responded["type"], "case.merchant_responded");
        assert_eq!(responded["case"]["status"], "negotiating");
        assert_ne!(responded["id"], events[0]["id"]);

        // A consumer's own filing (no platform) sends nothing.
        w.file().await;
        assert_eq!(send_due(&w.app).await, 0);

        // Rotating the secret: the next send is signed with the new one only.
        let rotated = call(&w.app, "post", &format!("/webhooks/{endpoint}/secret-rotation"), &key, None)
            .await.expect(200).json();
        let new_secret = rotated["secret"].as_str().unwrap().to_string();
        assert_ne!(new_secret, secret);
        call(&w.app, "post", &format!("/webhooks/deliveries/{delivery}/replay"), &key, None)
            .await.expect(202);
        assert_eq!(send_due(&w.app).await, 1);
        let got = inbox.lock().unwrap().clone();
        verify(&got[5].0, &got[5].1, &new_secret);

        // Another platform sees none of it: 404, not 403.
        let (_, other) = platform(&w, OTHER_PLATFORM_USCC, &["webhooks:manage"]).await;
        call(&w.app, "post", &format!("/webhooks/deliveries/{delivery}/replay"), &other, None).await.expect(404);
        call(&w.app, "post", &format!("/webhooks/{endpoint}/secret-rotation"), &other, None).await.expect(404);
        call(&w.app, "delete", &format!("/webhooks/{endpoint}"), &other, None).await.expect(404);
        let theirs = call(&w.app, "get", "/webhooks/deliveries", &other, None).await.expect(200).json();
        assert_eq!(theirs["items"], json!([]));
        assert_eq!(call(&w.app, "get", "/webhooks", &other, None).await.expect(200).json()["items"], json!([]));

        // Deleted: nothing more is sent to it; the log stays.
        call(&w.app, "delete", &format!("/webhooks/{endpoint}"), &key, None).await.expect(204);
        intake(&w.app, &key, "HW-WH-2").await;
        assert_eq!(send_due(&w.app).await, 0);
        assert_eq!(inbox.lock().unwrap().len(), 6);
        let log = call(&w.app, "get", "/webhooks/deliveries", &key, None).await.expect(200).json();
        assert_eq!(log["items"].as_array().unwrap().len(), 2);
    }

    async fn a_receiver_that_never_answers_2xx_is_given_up_after_the_last_attempt(app) {
        let w = World::new(
            app.with_config(|c| {
                c.webhooks.allow_private = true;
                c.webhooks.max_attempts = 3;
            }),
        )
        .await;
        let (url, inbox) = receiver(usize::MAX).await;
        let (_, key) = platform(&w, PLATFORM_USCC, &["cases:write", "webhooks:manage"]).await;
        call(&w.app, "post", "/webhooks", &key, Some(json!({"url": url}))).await.expect(201);
        intake(&w.app, &key, "HW-WH-9").await;
        for _ in 0..3 {
            assert_eq!(send_due(&w.app).await, 1);
        }
        assert_eq!(send_due(&w.app).await, 0, "given up after 3 attempts");
        assert_eq!(inbox.lock().unwrap().len(), 3);
        let log = call(&w.app, "get", "/webhooks/deliveries", &key, None).await.expect(200).json();
        assert_eq!(log["items"][0]["state"], "failed");
        assert_eq!(log["items"][0]["attempts"], 3);
        // A failed delivery can be replayed.
        let id = log["items"][0]["id"].as_i64().unwrap();
        call(&w.app, "post", &format!("/webhooks/deliveries/{id}/replay"), &key, None).await.expect(202);
        assert_eq!(send_due(&w.app).await, 1);
        assert_eq!(inbox.lock().unwrap().len(), 4);
    }

    async fn the_admin_page_shows_the_log_and_replays_without_javascript(app) {
        let w = World::new(private_allowed(app)).await;
        let (url, inbox) = receiver(0).await;
        let (org, key) = platform(&w, PLATFORM_USCC, &["cases:write", "webhooks:manage"]).await;
        call(&w.app, "post", "/webhooks", &key, Some(json!({"url": url}))).await.expect(201);
        intake(&w.app, &key, "HW-WH-5").await;
        assert_eq!(send_due(&w.app).await, 1);
        let event_id = verify_any(&inbox);
        let page_as = |r: R| {
            Req::get(&format!("/admin/organisations?webhooks={org}"))
                .header("accept", "text/html")
                .header("cookie", &format!("gongdao_session={}", w.token(r)))
        };
        let page = w.app.send(page_as(R::Adm)).await.expect(200).text();
        for needle in [url.as_str(), "case.filed", event_id.as_str(), "HTTP 200", "thanks", "name=\"delivery\""] {
            assert!(page.contains(&needle.replace('&', "&amp;")) || page.contains(needle), "{needle} not on the page");
        }
        // Nobody else sees the log.
        for r in [R::C, R::M, R::Reg] {
            let other = w.app.send(page_as(r)).await.text();
            assert!(!other.contains(&event_id), "{r:?} saw the log");
        }
        // The replay button is a plain form: no JavaScript needed.
        let delivery = call(&w.app, "get", "/webhooks/deliveries", &key, None).await.expect(200).json()["items"][0]["id"]
            .as_i64().unwrap();
        let mut post = Req::server_fn(
            "admin/replay_webhook",
            &[("organisation", org.to_string()), ("delivery", delivery.to_string())],
        )
        .cookie(w.token(R::Adm));
        post.replace_header("accept", "text/html");
        post = post.header("referer", &format!("http://{}/admin/organisations", crate::harness::HOST));
        let r = w.app.send(post).await;
        assert!(r.status.is_redirection(), "{}: {}", r.status, r.text());
        assert!(r.header("location").unwrap().starts_with("/admin/organisations?notice=replayed"));
        assert_eq!(send_due(&w.app).await, 1);
        let got = inbox.lock().unwrap().clone();
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].0["gongdao-event-id"].to_str().unwrap(), event_id);
        // A merchant's session cannot replay through the server function.
        let r = w.app.send(
            Req::server_fn(
                "admin/replay_webhook",
                &[("organisation", org.to_string()), ("delivery", delivery.to_string())],
            )
            .cookie(w.token(R::M)),
        ).await;
        assert!(r.header("serverfnerror").is_some(), "{}", r.status);
        assert_eq!(r.json()["kind"], "forbidden", "{}", r.text());
        assert_eq!(send_due(&w.app).await, 0);
    }

    async fn two_servers_sending_at_once_send_each_attempt_once(app) {
        let w = World::new(private_allowed(app)).await;
        let b = w.app.second_server().await;
        let (url, inbox) = receiver(0).await;
        let (_, key) = platform(&w, PLATFORM_USCC, &["cases:write", "webhooks:manage"]).await;
        call(&w.app, "post", "/webhooks", &key, Some(json!({"url": url}))).await.expect(201);
        for n in 0..3 {
            intake(&w.app, &key, &format!("HW-WH-2S-{n}")).await;
        }
        let later = chrono::Utc::now() + chrono::Duration::hours(1);
        let (ra, rb) = tokio::join!(
            services::webhooks::worker::deliver_due(&w.app.svc, later),
            services::webhooks::worker::deliver_due(&b.svc, later),
        );
        assert_eq!(ra.unwrap() + rb.unwrap(), 3, "each send claimed by one server");
        assert_eq!(send_due(&w.app).await + send_due(&b).await, 0);
        let got = inbox.lock().unwrap().clone();
        let mut ids: Vec<String> = got.iter().map(|(h, _)| h["gongdao-event-id"].to_str().unwrap().to_string()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!((got.len(), ids.len()), (3, 3), "three events, each sent once");
        test_db::close(&b.svc.db).await;
    }

    async fn webhook_urls_must_be_https_and_public_and_the_scope_is_required(app) {
        let w = World::new(app).await;
        let (_, key) = platform(&w, PLATFORM_USCC, &["cases:write", "webhooks:manage"]).await;
        for (url, en) in [
            ("http://hooks.example.cn/in", "must start with https://"),
            ("https://127.0.0.1/in", "private, loopback or reserved address"),
            ("https://169.254.169.254/latest/meta-data", "private, loopback or reserved address"),
            ("https://[::1]:8443/in", "private, loopback or reserved address"),
            ("https://localhost/in", "private, loopback or reserved address"),
            ("https://ops:hunter2@1.1.1.1/in", "must not contain a user name or password"),
            ("ftp://1.1.1.1/in", "must start with https://"),
            ("not a url", "is not a valid URL"),
        ] {
            let r = call(&w.app, "post", "/webhooks", &key, Some(json!({"url": url}))).await.expect(422).json();
            assert_eq!(r["error"]["field"], "url", "{url}");
            let msg = r["error"]["message"].as_str().unwrap();
            assert!(msg.starts_with("Endpoint URL: ") && msg.contains(en), "{url}: {msg}");
        }
        // Chinese first: the same refusal in the caller's language.
        let r = w.app.send(
            Req::post("/api/v1/platform/webhooks").json(&json!({"url": "http://127.0.0.1:9/in"})).bearer(&key).lang("zh"),
        ).await.expect(422).json();
        assert_eq!(r["error"]["message"], "推送地址：必须以 https:// 开头（推送只发往加密地址）");
        // A public https address is taken (registering does not connect).
        call(&w.app, "post", "/webhooks", &key, Some(json!({"url": "https://1.1.1.1/gongdao"}))).await.expect(201);

        // Without webhooks:manage every webhook route is 403.
        let (_, narrow) = platform(&w, OTHER_PLATFORM_USCC, &["cases:write", "cases:read:own"]).await;
        for (method, path, body) in [
            ("post", "/webhooks", Some(json!({"url": "https://1.1.1.1/x"}))),
            ("get", "/webhooks", None),
            ("delete", "/webhooks/1", None),
            ("post", "/webhooks/1/secret-rotation", None),
            ("get", "/webhooks/deliveries", None),
            ("post", "/webhooks/deliveries/1/replay", None),
        ] {
            call(&w.app, method, path, &narrow, body).await.expect(403);
        }
        // A session (consumer, merchant, even the admin) is no key: 401.
        for r in [R::C, R::M, R::Adm] {
            w.app.send(Req::get("/api/v1/platform/webhooks").bearer(w.token(r))).await.expect(401);
        }
        // A credit platform cannot be given the scope.
        let credit = admin_post(&w, "/admin/organisations", json!({"kind": "credit_platform", "name": "信用平台", "uscc": "12100000400010519X", "contact_email": "odr@credit.example.cn"})).await["id"].as_i64().unwrap();
        w.app.send(
            Req::post(&format!("/api/v1/admin/organisations/{credit}/keys"))
                .json(&json!({"label": "x", "scopes": ["webhooks:manage"]}))
                .bearer(w.token(R::Adm)),
        ).await.expect(422);
    }
}

/// For the server functions' matrix: a key of e-commerce platform `org`
/// with webhooks, an endpoint on a public address (registering does not
/// connect), and a case it sent: the id of that event's delivery, pending.
pub(crate) async fn pending_delivery(w: &World, org: i64) -> i64 {
    let key = admin_post(
        w,
        &format!("/admin/organisations/{org}/keys"),
        json!({"label": "推送", "scopes": ["cases:write", "webhooks:manage"]}),
    )
    .await["key"]
        .as_str()
        .unwrap()
        .to_string();
    call(
        &w.app,
        "post",
        "/webhooks",
        &key,
        Some(json!({"url": "https://1.1.1.1/matrix"})),
    )
    .await
    .expect(201);
    intake(&w.app, &key, "MATRIX-WH-1").await;
    let log = call(&w.app, "get", "/webhooks/deliveries", &key, None)
        .await
        .expect(200)
        .json();
    assert_eq!(log["items"][0]["state"], "pending");
    log["items"][0]["id"].as_i64().unwrap()
}
