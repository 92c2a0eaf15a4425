//! Platforms as participants: organisations and their API keys (made by an
//! admin, the key shown once and stored as a hash, scoped, revocable,
//! rate-limited, every call logged), the bulk intake of an e-commerce
//! platform's complaints (per-line results, idempotent by external id, the
//! new consumer invited by mail), the cases it reads back, and the credit
//! export for credit platforms.

use entities::{api_key, case};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::cases::{R, USCC_A, USCC_B, USCC_UNKNOWN, World};
use crate::harness::{Req, Resp, TestApp, backend_tests, link_token};

/// The e-commerce platform's own USCC (an organisation is not a merchant).
const PLATFORM_USCC: &str = "91330100799655058B";
const OTHER_PLATFORM_USCC: &str = "91110108551385082Q";
const CREDIT_USCC: &str = "12100000400010519X";

async fn admin(w: &World, method: &str, path: &str, body: Option<Value>) -> Resp {
    let uri = format!("/api/v1{path}");
    let mut req = match method {
        "get" => Req::get(&uri),
        _ => Req::post(&uri),
    };
    if let Some(b) = body {
        req = req.json(&b);
    }
    w.app.send(req.bearer(w.token(R::Adm)).lang("en")).await
}

/// An organisation; its id.
async fn organisation(w: &World, kind: &str, name: &str, uscc: &str) -> i64 {
    let body = json!({"kind": kind, "name": name, "uscc": uscc, "contact_email": "odr@platform.example.cn"});
    admin(w, "post", "/admin/organisations", Some(body))
        .await
        .expect(201)
        .json()["id"]
        .as_i64()
        .unwrap()
}

/// A key for organisation `org` with `scopes`: (the key, its id).
async fn key(w: &World, org: i64, scopes: &[&str]) -> (String, i64) {
    let r = admin(
        w,
        "post",
        &format!("/admin/organisations/{org}/keys"),
        Some(json!({"label": "订单系统", "scopes": scopes})),
    )
    .await
    .expect(201)
    .json();
    (
        r["key"].as_str().unwrap().to_string(),
        r["api_key"]["id"].as_i64().unwrap(),
    )
}

fn line(external_id: &str, uscc: &str, order_ref: &str, email: &str) -> Value {
    json!({
        "external_id": external_id,
        "merchant_uscc": uscc,
        "category": "quality",
        "title": "洗衣机漏水",
        "narrative": "收到的洗衣机第一次使用就漏水，联系客服要求退货被拒绝。",
        "order_ref": order_ref,
        "order_date": "2026-11-01",
        "amount_paid_fen": 259_900,
        "amount_claimed_fen": 259_900,
        "remedy": "refund",
        "consumer": {"email": email, "name": "赵六"},
    })
}

fn ndjson(lines: &[String]) -> String {
    lines.join("\n") + "\n"
}

async fn post_lines(app: &TestApp, key: &str, body: &str) -> Resp {
    app.send(
        Req::post("/api/v1/platform/complaints")
            .header("content-type", "application/x-ndjson")
            .bearer(key)
            .lang("en")
            .body(body.as_bytes().to_vec()),
    )
    .await
}

async fn get_as(app: &TestApp, path: &str, key: &str) -> Resp {
    app.send(Req::get(&format!("/api/v1{path}")).bearer(key).lang("en"))
        .await
}

/// (result, case_id, error field) of each line's result.
fn outcomes(items: &[Value]) -> Vec<(u64, String, Option<i64>, Option<String>)> {
    items
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["result"].as_str().unwrap().to_string(),
                r["case_id"].as_i64(),
                r["errors"][0]["field"].as_str().map(str::to_string),
            )
        })
        .collect()
}

backend_tests! {
    async fn an_admin_makes_organisations_and_keys_shown_once_and_stored_as_a_hash(app) {
        let w = World::new(app).await;
        // Only admins.
        let body = json!({"kind": "ecommerce_platform", "name": "好物商城", "uscc": PLATFORM_USCC, "contact_email": "odr@haowu.cn"});
        for r in [R::C, R::M, R::Reg] {
            w.app.send(Req::post("/api/v1/admin/organisations").json(&body).bearer(w.token(r))).await.expect(403);
        }
        // Checked fields, named.
        let mut bad = body.clone();
        bad["uscc"] = json!("91330100799655058C");
        assert_eq!(admin(&w, "post", "/admin/organisations", Some(bad)).await.expect(422).error().1.as_deref(), Some("uscc"));
        let mut bad = body.clone();
        bad["kind"] = json!("bank");
        assert_eq!(admin(&w, "post", "/admin/organisations", Some(bad)).await.expect(422).error().1.as_deref(), Some("kind"));
        let org = admin(&w, "post", "/admin/organisations", Some(body.clone())).await.expect(201).json();
        assert_eq!(org["kind"], "ecommerce_platform");
        assert_eq!(org["active"], true);
        admin(&w, "post", "/admin/organisations", Some(body)).await.expect(409);
        let id = org["id"].as_i64().unwrap();

        // Scopes fit the kind.
        let refused = admin(&w, "post", &format!("/admin/organisations/{id}/keys"), Some(json!({"label": "x", "scopes": ["credit:read"]}))).await;
        assert_eq!(refused.expect(422).error().1.as_deref(), Some("scopes"));
        let refused = admin(&w, "post", &format!("/admin/organisations/{id}/keys"), Some(json!({"label": "x", "scopes": ["admin"]}))).await;
        assert_eq!(refused.expect(422).error().1.as_deref(), Some("scopes"));
        admin(&w, "post", "/admin/organisations/99999/keys", Some(json!({"label": "x", "scopes": ["cases:write"]}))).await.expect(404);

        let (k, key_id) = key(&w, id, &["cases:write", "cases:read:own"]).await;
        assert!(k.starts_with("gd_live_"), "{k}");
        assert_eq!(k.len(), "gd_live_".len() + 12 + 1 + 64);
        // The list shows the prefix, never the key.
        let list = admin(&w, "get", "/admin/organisations", None).await.expect(200);
        assert!(!list.text().contains(&k), "the key is shown again: {}", list.text());
        let keys = &list.items()[0]["keys"];
        assert_eq!(keys[0]["prefix"].as_str().unwrap(), &k[..20]);
        assert_eq!(keys[0]["scopes"], json!(["cases:write", "cases:read:own"]));
        // Stored: the SHA-256 of the key, not the key.
        let row = api_key::Entity::find_by_id(key_id as i32).one(&w.app.svc.db).await.unwrap().unwrap();
        assert_ne!(row.key_hash, k);
        assert!(!row.key_hash.contains(&k[20..]));
        assert_eq!(row.key_hash, hex::encode(Sha256::digest(k.as_bytes())));
        // It works.
        get_as(&w.app, "/platform/cases", &k).await.expect(200);

        // A deactivated organisation's keys are refused at once; no new key.
        admin(&w, "post", &format!("/admin/organisations/{id}/status"), Some(json!({"active": false}))).await.expect(200);
        get_as(&w.app, "/platform/cases", &k).await.expect(401);
        admin(&w, "post", &format!("/admin/organisations/{id}/keys"), Some(json!({"label": "x", "scopes": ["cases:write"]}))).await.expect(409);
        admin(&w, "post", &format!("/admin/organisations/{id}/status"), Some(json!({"active": true}))).await.expect(200);
        get_as(&w.app, "/platform/cases", &k).await.expect(200);
    }

    async fn the_bulk_intake_files_good_lines_rejects_bad_ones_and_files_nothing_twice(app) {
        let w = World::new(app).await;
        let org = organisation(&w, "ecommerce_platform", "好物商城", PLATFORM_USCC).await;
        let (k, _) = key(&w, org, &["cases:write", "cases:read:own"]).await;
        let new_consumer = "zhao.liu@example.cn";
        let mut negative = line("HW-5", USCC_A, "HW-O-5", new_consumer);
        negative["amount_paid_fen"] = json!(-1);
        let mut no_consumer = line("HW-7", USCC_B, "HW-O-7", new_consumer);
        no_consumer.as_object_mut().unwrap().remove("consumer");
        let lines = vec![
            line("HW-1", USCC_A, "HW-O-1", new_consumer).to_string(),
            line("HW-2", USCC_UNKNOWN, "HW-O-2", new_consumer).to_string(),
            String::new(),
            line("HW-4", USCC_B, "HW-O-4", &w.who(R::C).email).to_string(),
            negative.to_string(),
            "{not json".into(),
            no_consumer.to_string(),
            // The same complaint again within the file.
            line("HW-1", USCC_A, "HW-O-1", new_consumer).to_string(),
        ];
        let first = post_lines(&w.app, &k, &ndjson(&lines)).await.expect(200).items();
        let got = outcomes(&first);
        let c1 = got[0].2.expect("line 1 filed");
        let c4 = got[2].2.expect("line 4 filed");
        assert_eq!(got, vec![
            (1, "created".into(), Some(c1), None),
            (2, "rejected".into(), None, Some("merchant_uscc".into())),
            (4, "created".into(), Some(c4), None),
            (5, "rejected".into(), None, Some("amount_paid_fen".into())),
            (6, "rejected".into(), None, Some("body".into())),
            (7, "rejected".into(), None, Some("consumer".into())),
            (8, "duplicate".into(), Some(c1), None),
        ], "{first:#?}");
        assert_eq!(first[0]["external_id"], "HW-1");
        assert_eq!(first[1]["external_id"], "HW-2");
        assert_eq!(first[4]["external_id"], Value::Null);
        // The reason in the caller's language, naming the field.
        let msg = first[3]["errors"][0]["message"].as_str().unwrap();
        assert!(msg.contains("Amount paid"), "{msg}");

        // The same file again: nothing new, the same cases.
        let again = post_lines(&w.app, &k, &ndjson(&lines)).await.expect(200).items();
        let got = outcomes(&again);
        assert_eq!(got[0], (1, "duplicate".into(), Some(c1), None));
        assert_eq!(got[2], (4, "duplicate".into(), Some(c4), None));
        assert_eq!(got[1].1, "rejected");
        assert_eq!(got[6], (8, "duplicate".into(), Some(c1), None));
        let filed = case::Entity::find()
            .filter(case::Column::SourceOrgId.eq(org as i32))
            .count(&w.app.svc.db)
            .await
            .unwrap();
        assert_eq!(filed, 2);

        // The existing consumer's case: it is theirs and says where it came from.
        let c = w.app.send(Req::get(&format!("/api/v1/cases/{c4}")).bearer(w.token(R::C))).await.expect(200).json();
        assert_eq!(c["consumer_id"].as_i64(), Some(w.who(R::C).id));
        assert_eq!(c["received_via"], "好物商城");
        assert_eq!(c["merchant_id"].as_i64(), Some(w.merchant_b));
        let staff = w.app.send(Req::get(&format!("/api/v1/cases/{c1}")).bearer(w.token(R::Reg))).await.expect(200).json();
        assert_eq!(staff["received_via"], "好物商城");
        // The trail records the channel.
        let trail = w.app.send(Req::get(&format!("/api/v1/cases/{c4}/trail")).bearer(w.token(R::C))).await.expect(200).text();
        assert!(trail.contains("好物商城") && trail.contains("HW-4"), "{trail}");

        // The new consumer: an account without a password, invited by mail.
        w.app.deliver_mail().await;
        let mails = w.app.mail_to(new_consumer);
        let invite = mails.iter().find(|m| m.message.body.contains("/reset?token=")).expect("an invitation");
        assert!(invite.message.body.contains("好物商城"), "{}", invite.message.body);
        let number = staff["number"].as_str().unwrap();
        assert!(invite.message.body.contains(number), "{}", invite.message.body);
        assert_eq!(mails.iter().filter(|m| m.message.body.contains("/reset?token=")).count(), 1, "invited once");
        w.app.send(Req::post("/api/v1/session").json(&json!({"email": new_consumer, "password": "!invited"}))).await.expect(401);
        let token = link_token(&invite.message.body, "/reset");
        services::accounts::reset_password(&w.app.svc, &token, "a new strong password").await.unwrap();
        let session = w.app.login_with(new_consumer, "a new strong password").await;
        let mine = w.app.send(Req::get(&format!("/api/v1/cases/{c1}")).bearer(&session)).await.expect(200).json();
        assert_eq!(mine["received_via"], "好物商城");

        // A staff address is not taken as a consumer.
        let staff_line = line("HW-9", USCC_A, "HW-O-9", &w.who(R::Med).email).to_string();
        let r = post_lines(&w.app, &k, &ndjson(&[staff_line])).await.expect(200).items();
        assert_eq!(outcomes(&r), vec![(1, "rejected".into(), None, Some("consumer.email".into()))]);
    }

    async fn intake_limits_are_413_and_422(app) {
        let w = World::new(app).await;
        let org = organisation(&w, "ecommerce_platform", "好物商城", PLATFORM_USCC).await;
        let (k, _) = key(&w, org, &["cases:write"]).await;
        let many = "{}\n".repeat(domain::platforms::MAX_LINES + 1);
        let r = post_lines(&w.app, &k, &many).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("body"));
        post_lines(&w.app, &k, "\n \n").await.expect(422);
        let huge = "x".repeat(domain::platforms::MAX_BODY_BYTES + 1);
        post_lines(&w.app, &k, &huge).await.expect(413);
        // Beyond the ordinary API limit (64 KB) but within 5 MB: read.
        let padded = format!("{}\n{}", " ".repeat(100 * 1024), line("HW-1", USCC_A, "HW-O-1", "a@example.cn"));
        let r = post_lines(&w.app, &k, &padded).await.expect(200).items();
        assert_eq!(r[0]["result"], "created");
    }

    async fn keys_are_scoped_organisations_see_only_their_cases_and_users_and_keys_never_mix(app) {
        let w = World::new(app).await;
        let a = organisation(&w, "ecommerce_platform", "好物商城", PLATFORM_USCC).await;
        let b = organisation(&w, "ecommerce_platform", "优选商城", OTHER_PLATFORM_USCC).await;
        let credit = organisation(&w, "credit_platform", "信用中国（试点）", CREDIT_USCC).await;
        let (ka, _) = key(&w, a, &["cases:write", "cases:read:own"]).await;
        let (ka_write, _) = key(&w, a, &["cases:write"]).await;
        let (kb, kb_id) = key(&w, b, &["cases:write", "cases:read:own"]).await;
        let (kc, _) = key(&w, credit, &["credit:read"]).await;
        let one = |id: &str, r: &str| ndjson(&[line(id, USCC_A, r, "buyer@example.cn").to_string()]);
        post_lines(&w.app, &ka, &one("X-1", "A-1")).await.expect(200);
        let rb = post_lines(&w.app, &kb, &one("X-1", "B-1")).await.expect(200).items();
        // The same external id from another organisation is its own case.
        assert_eq!(rb[0]["result"], "created");

        // Each sees only its own cases.
        let pa = get_as(&w.app, "/platform/cases", &ka).await.expect(200).json();
        let items = pa["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["external_id"], "X-1");
        assert_ne!(items[0]["id"], rb[0]["case_id"]);
        assert_eq!(items[0]["status"], "awaiting_merchant");
        assert!(!items[0]["deadlines"].as_array().unwrap().is_empty());
        let pb = get_as(&w.app, "/platform/cases", &kb).await.expect(200).json();
        assert_eq!(pb["items"][0]["id"], rb[0]["case_id"]);
        // Paged by id.
        post_lines(&w.app, &ka, &one("X-2", "A-2")).await.expect(200);
        let p1 = get_as(&w.app, "/platform/cases?limit=1", &ka).await.expect(200).json();
        assert_eq!(p1["items"].as_array().unwrap().len(), 1);
        let next = p1["next_after"].as_i64().unwrap();
        let p2 = get_as(&w.app, &format!("/platform/cases?after={next}&limit=1"), &ka).await.expect(200).json();
        assert_eq!(p2["items"][0]["external_id"], "X-2");
        assert_eq!(p2["next_after"], Value::Null);
        get_as(&w.app, "/platform/cases?limit=0", &ka).await.expect(422);

        // Wrong scope: 403.
        get_as(&w.app, "/platform/cases", &ka_write).await.expect(403);
        get_as(&w.app, "/platform/credit", &ka).await.expect(403);
        post_lines(&w.app, &kc, &one("X-3", "C-3")).await.expect(403);
        get_as(&w.app, "/platform/cases", &kc).await.expect(403);
        // The credit platform reads the regulators' export.
        let export = get_as(&w.app, "/platform/credit", &kc).await.expect(200);
        assert_eq!(export.header("content-type"), Some("application/x-ndjson"));
        assert!(export.text().contains(USCC_A));

        // No key, a made-up key, a user's session token: 401 on platform routes.
        w.app.send(Req::get("/api/v1/platform/cases")).await.expect(401);
        get_as(&w.app, "/platform/cases", &format!("gd_live_000000000000_{}", "0".repeat(64))).await.expect(401);
        get_as(&w.app, "/platform/cases", &ka[..ka.len() - 1]).await.expect(401);
        for r in [R::C, R::Adm, R::Reg] {
            get_as(&w.app, "/platform/cases", w.token(r)).await.expect(401);
            w.app.send(Req::get("/api/v1/platform/cases").cookie(w.token(r))).await.expect(401);
        }
        // A key on user routes: 401 (it is no session).
        get_as(&w.app, "/me", &ka).await.expect(401);
        get_as(&w.app, "/cases", &ka).await.expect(401);
        get_as(&w.app, "/export/credit", &kc).await.expect(401);
        get_as(&w.app, "/admin/organisations", &ka).await.expect(401);

        // Revoked: 401 at once, on this server and on another.
        let second = w.app.second_server().await;
        get_as(&second, "/platform/cases", &kb).await.expect(200);
        admin(&w, "post", &format!("/admin/api-keys/{kb_id}/revocation"), None).await.expect(200);
        get_as(&w.app, "/platform/cases", &kb).await.expect(401);
        get_as(&second, "/platform/cases", &kb).await.expect(401);
        let again = admin(&w, "post", &format!("/admin/api-keys/{kb_id}/revocation"), None).await.expect(200).json();
        assert!(again["revoked_at"].is_string());
        drop(second);
    }

    async fn a_key_over_its_limit_gets_429_and_every_call_is_logged(app) {
        let app = app.with_config(|c| c.limits.api_key_per_minute = 3);
        let w = World::new(app).await;
        let org = organisation(&w, "ecommerce_platform", "好物商城", PLATFORM_USCC).await;
        let (k, key_id) = key(&w, org, &["cases:read:own"]).await;
        let (other, _) = key(&w, org, &["cases:read:own"]).await;
        // A minute's window may turn between calls: then the run starts over.
        let mut statuses = vec![];
        for _ in 0..3 {
            statuses.clear();
            for _ in 0..4 {
                let r = get_as(&w.app, "/platform/cases", &k).await;
                if r.status == 429 {
                    let after: i64 = r.header("retry-after").expect("Retry-After").parse().unwrap();
                    assert!((1..=60).contains(&after), "{after}");
                    assert_eq!(r.error().0, "rate_limited");
                }
                statuses.push(r.status.as_u16());
            }
            if statuses == [200, 200, 200, 429] {
                break;
            }
        }
        assert_eq!(statuses, [200, 200, 200, 429]);
        // Per key: another key of the same organisation is not throttled.
        get_as(&w.app, "/platform/cases", &other).await.expect(200);

        let calls = admin(&w, "get", &format!("/admin/organisations/{org}/calls"), None).await.expect(200).items();
        let mine: Vec<&Value> = calls.iter().filter(|c| c["key_id"].as_i64() == Some(key_id)).collect();
        assert!(mine.len() >= 4);
        assert_eq!(mine[0]["status"], 429);
        assert_eq!(mine[0]["method"], "GET");
        assert_eq!(mine[0]["path"], "/platform/cases");
        assert_eq!(mine[1]["status"], 200);
        // Only admins read them.
        w.app.send(Req::get(&format!("/api/v1/admin/organisations/{org}/calls")).bearer(w.token(R::Reg))).await.expect(403);
        admin(&w, "get", "/admin/organisations/99999/calls", None).await.expect(404);
    }

    async fn the_page_shows_a_new_key_once_without_javascript(app) {
        let w = World::new(app).await;
        let org = organisation(&w, "ecommerce_platform", "好物商城", PLATFORM_USCC).await;
        let admin_session = w.token(R::Adm).to_string();
        // The form as a browser without JavaScript posts it.
        let mut post = Req::server_fn(
            "admin/create_api_key",
            &[("organisation", org.to_string().as_str()), ("label", "订单系统"), ("cases_write", "on")],
        )
        .cookie(&admin_session);
        post.replace_header("accept", "text/html");
        post = post.header("referer", &format!("http://{}/admin/organisations", crate::harness::HOST));
        let r = w.app.send(post).await;
        assert!(r.status.is_redirection(), "{}: {}", r.status, r.text());
        let location = r.header("location").unwrap().to_string();
        assert!(location.starts_with("/admin/organisations?notice=key"), "{location}");
        let cookie = r
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("gongdao_new_key="))
            .expect("the key's cookie");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
        let key = cookie.trim_start_matches("gongdao_new_key=").split(';').next().unwrap().to_string();
        assert!(key.starts_with("gd_live_"), "{key}");
        // Stored: only its hash.
        let row = api_key::Entity::find().one(&w.app.svc.db).await.unwrap().unwrap();
        assert_eq!(row.key_hash, hex::encode(Sha256::digest(key.as_bytes())));

        // The page shows it and clears the cookie.
        let page = |with_key: bool| {
            let mut cookies = format!("gongdao_session={admin_session}");
            if with_key {
                cookies.push_str(&format!("; gongdao_new_key={key}"));
            }
            Req::get(&location).header("accept", "text/html").header("cookie", &cookies)
        };
        let shown = w.app.send(page(true)).await.expect(200);
        assert!(shown.text().contains(&key), "the key is not on the page");
        assert!(
            shown.set_cookies().iter().any(|c| c.starts_with("gongdao_new_key=;") && c.contains("Max-Age=0")),
            "{:?}",
            shown.set_cookies()
        );
        // Once: after that (the browser dropped the cookie) the page says so.
        let again = w.app.send(page(false)).await.expect(200).text();
        assert!(!again.contains(&key));
        assert!(again.contains("new-key-gone"), "{again}");
        // The key works.
        get_as(&w.app, "/platform/cases", &key).await.expect(403);
        post_lines(&w.app, &key, &ndjson(&[line("P-1", USCC_A, "P-O-1", "p@example.cn").to_string()]))
            .await
            .expect(200);
    }
}
