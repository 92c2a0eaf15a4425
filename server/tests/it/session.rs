//! `POST /api/v1/session`, `GET /api/v1/me`, `DELETE /api/v1/session`, the
//! CSRF guard on cookie-borne writes, and the sign-in rate limit.

use domain::Role;
use serde_json::json;

use crate::harness::{PASSWORD, Req, backend_tests, new_user};

/// li.wei@example.cn signs in with the right password from an address no
/// guess came from.
async fn owner_signs_in_from_home(app: &crate::harness::TestApp) -> crate::harness::Resp {
    app.send(
        Req::post("/api/v1/session")
            .json(&credentials("li.wei@example.cn", PASSWORD))
            .peer("198.51.100.20:50000"),
    )
    .await
}

fn credentials(email: &str, password: &str) -> serde_json::Value {
    json!({"email": email, "password": password})
}

backend_tests! {
    async fn signing_in_returns_a_token_and_a_session_cookie(app) {
        app.register("li.wei@example.cn", Role::Consumer).await;
        let r = app
            .send(Req::post("/api/v1/session").json(&credentials(" LI.WEI@example.cn", PASSWORD)))
            .await
            .expect(200);
        let v = r.json();
        let token = v["token"].as_str().unwrap();
        assert!(token.len() >= 40, "{token}");
        assert_eq!(v["user"]["email"], "li.wei@example.cn");
        assert_eq!(v["user"]["role"], "consumer");
        let cookies = r.set_cookies();
        let session = cookies
            .iter()
            .find(|c| c.starts_with("gongdao_session="))
            .unwrap_or_else(|| panic!("no session cookie in {cookies:?}"));
        assert!(session.starts_with(&format!("gongdao_session={token};")), "{session}");
        let attrs: Vec<&str> = session.split(';').map(str::trim).collect();
        assert!(attrs.contains(&"HttpOnly"), "{session}");
        assert!(attrs.contains(&"SameSite=Lax"), "{session}");
        assert!(attrs.contains(&"Path=/"), "{session}");
        assert!(!attrs.contains(&"Secure"), "plain http test config: {session}");
        // Every response carries the security headers.
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("x-frame-options"), Some("DENY"));
    }

    async fn a_wrong_password_and_an_unknown_email_get_the_same_401(app) {
        app.register("li.wei@example.cn", Role::Consumer).await;
        let wrong_password = app
            .send(Req::post("/api/v1/session").json(&credentials("li.wei@example.cn", "not the password")))
            .await
            .expect(401);
        let unknown_email = app
            .send(Req::post("/api/v1/session").json(&credentials("nobody@example.cn", "not the password")))
            .await
            .expect(401);
        assert_eq!(wrong_password.body, unknown_email.body);
        assert_eq!(wrong_password.error().0, "unauthorized");
        assert_eq!(wrong_password.error().2, "邮箱或密码不正确。");
        assert!(wrong_password.set_cookies().is_empty());
        // Missing fields are named, not guessed at.
        let r = app
            .send(Req::post("/api/v1/session").json(&json!({"email": "li.wei@example.cn"})))
            .await
            .expect(422);
        assert_eq!(r.error().1.as_deref(), Some("password"));
    }

    async fn me_answers_to_a_bearer_token_or_the_cookie_and_401_otherwise(app) {
        let created = app.register("li.wei@example.cn", Role::Merchant).await;
        let token = app.login("li.wei@example.cn").await;
        for req in [
            Req::get("/api/v1/me").bearer(&token),
            Req::get("/api/v1/me").cookie(&token),
        ] {
            let me = app.send(req).await.expect(200).json();
            assert_eq!(me["id"], created["id"]);
            assert_eq!(me["role"], "merchant");
        }
        for req in [
            Req::get("/api/v1/me"),
            Req::get("/api/v1/me").bearer("not-a-token"),
            Req::get("/api/v1/me").cookie("not-a-token"),
            Req::get("/api/v1/me").header("authorization", &format!("Basic {token}")),
        ] {
            let r = app.send(req).await.expect(401);
            assert_eq!(r.error().0, "unauthorized");
            assert_eq!(r.error().2, "请先登录。");
        }
        let r = app.send(Req::get("/api/v1/me").lang("en")).await.expect(401);
        assert_eq!(r.error().2, "Please sign in first.");
    }

    async fn signing_out_ends_the_session(app) {
        app.register("li.wei@example.cn", Role::Consumer).await;
        let a = app.login("li.wei@example.cn").await;
        let b = app.login("li.wei@example.cn").await;
        assert_ne!(a, b);
        let r = app.send(Req::delete("/api/v1/session").bearer(&a)).await.expect(204);
        let cleared = r.set_cookies();
        assert!(
            cleared.iter().any(|c| c.starts_with("gongdao_session=;") && c.contains("Max-Age=0")),
            "{cleared:?}"
        );
        app.send(Req::get("/api/v1/me").bearer(&a)).await.expect(401);
        app.send(Req::get("/api/v1/me").cookie(&a)).await.expect(401);
        // Only that session: the other one lives on.
        app.send(Req::get("/api/v1/me").bearer(&b)).await.expect(200);
        // By cookie, from our own pages.
        app.send(Req::delete("/api/v1/session").cookie(&b).same_origin()).await.expect(204);
        app.send(Req::get("/api/v1/me").bearer(&b)).await.expect(401);
    }

    async fn signing_in_never_adopts_a_session_id_the_client_brought(app) {
        app.register("li.wei@example.cn", Role::Consumer).await;
        // A session id planted in the browser before sign-in (fixation).
        let planted = "planted-by-someone-else-0123456789abcdef";
        let r = app
            .send(
                Req::post("/api/v1/session")
                    .json(&credentials("li.wei@example.cn", PASSWORD))
                    .cookie(planted)
                    .same_origin(),
            )
            .await
            .expect(200);
        let token = r.json()["token"].as_str().unwrap().to_string();
        assert_ne!(token, planted);
        assert!(r.set_cookies().iter().any(|c| c.starts_with(&format!("gongdao_session={token};"))));
        app.send(Req::get("/api/v1/me").cookie(planted)).await.expect(401);
        app.send(Req::get("/api/v1/me").cookie(&token)).await.expect(200);
    }

    async fn cookie_borne_writes_must_come_from_our_origin(app) {
        let admin = app.create_staff(Role::Admin).await;
        let token = app.login(&admin).await;
        let staff = |email: &str| {
            json!({"email": email, "password": PASSWORD, "display_name": "李调解", "role": "mediator"})
        };
        // Cookie, no Origin: refused, nothing done.
        let r = app
            .send(Req::post("/api/v1/admin/users").json(&staff("m1@gongdao.test")).cookie(&token).header("host", "gongdao.test"))
            .await
            .expect(403);
        assert_eq!(r.error().0, "forbidden");
        // Cookie from another site: refused.
        app.send(
            Req::post("/api/v1/admin/users")
                .json(&staff("m1@gongdao.test"))
                .cookie(&token)
                .header("host", "gongdao.test")
                .header("origin", "http://evil.example"),
        )
        .await
        .expect(403);
        // An Origin that merely starts with our host is another site.
        app.send(
            Req::post("/api/v1/admin/users")
                .json(&staff("m1@gongdao.test"))
                .cookie(&token)
                .header("host", "gongdao.test")
                .header("origin", "http://gongdao.test.evil.example"),
        )
        .await
        .expect(403);
        // Sign-out is a write too.
        app.send(Req::delete("/api/v1/session").cookie(&token)).await.expect(403);
        app.send(Req::get("/api/v1/me").cookie(&token)).await.expect(200);
        assert!(services::accounts::find_by_email(&app.svc, "m1@gongdao.test").await.unwrap().is_none());

        // Cookie with our Origin: passes.
        app.send(
            Req::post("/api/v1/admin/users")
                .json(&staff("m1@gongdao.test"))
                .cookie(&token)
                .same_origin(),
        )
        .await
        .expect(201);
        // Lacking Origin, a same-site Referer does too.
        app.send(
            Req::post("/api/v1/admin/users")
                .json(&staff("m2@gongdao.test"))
                .cookie(&token)
                .header("host", "gongdao.test")
                .header("referer", "http://gongdao.test/admin"),
        )
        .await
        .expect(201);
        // Bearer, no Origin: not exposed to CSRF, passes.
        app.send(Req::post("/api/v1/admin/users").json(&staff("m3@gongdao.test")).bearer(&token))
            .await
            .expect(201);
        // Reads are not guarded.
        app.send(Req::get("/api/v1/me").cookie(&token)).await.expect(200);
        // Anonymous writes carry no ambient authority and pass the guard.
        app.send(Req::post("/api/v1/users").json(&new_user("anon@example.cn", "consumer")))
            .await
            .expect(201);
    }

    async fn the_eleventh_sign_in_attempt_for_an_account_within_15_minutes_is_429(app) {
        app.register("li.wei@example.cn", Role::Consumer).await;
        app.register("other@example.cn", Role::Consumer).await;
        for i in 0..10 {
            let r = app
                .send(Req::post("/api/v1/session").json(&credentials("li.wei@example.cn", &format!("guess {i} ..."))))
                .await;
            assert_eq!(r.status, 401, "attempt {}: {}", i + 1, r.text());
        }
        // The right password no longer helps, in any spelling of the address.
        for email in ["li.wei@example.cn", "LI.WEI@EXAMPLE.CN"] {
            let r = app
                .send(Req::post("/api/v1/session").json(&credentials(email, PASSWORD)))
                .await
                .expect(429);
            assert_eq!(r.error().0, "rate_limited");
            assert_eq!(r.error().2, "尝试次数过多，请稍后再试。");
        }
        // Other accounts are not locked out.
        app.login("other@example.cn").await;
        // Nor is the owner, signing in from another address: a guesser
        // cannot lock someone out of their own account.
        owner_signs_in_from_home(&app).await.expect(200);
    }

    async fn guessing_spread_over_many_addresses_meets_a_ceiling_per_account(app) {
        app.register("li.wei@example.cn", Role::Consumer).await;
        // The test limit is 10 per account and address; the ceiling 100.
        let ceiling = 10 * services::accounts::sessions::ACCOUNT_CEILING_FACTOR;
        for i in 0..ceiling {
            let from = format!("203.0.113.{}:40000", i / 9 + 1);
            let r = app
                .send(Req::post("/api/v1/session").json(&credentials("li.wei@example.cn", "wrong guess")).peer(&from))
                .await;
            assert_eq!(r.status, 401, "attempt {} from {from}: {}", i + 1, r.text());
        }
        owner_signs_in_from_home(&app).await.expect(429);
    }

    async fn behind_a_trusted_proxy_sign_in_limits_count_the_forwarded_client(app) {
        let proxied = app
            .second_server_with(|c| {
                c.trusted_proxies = vec!["10.0.0.1".parse().unwrap()];
                c.limits.login_per_ip_per_minute = 3;
            })
            .await;
        app.register("li.wei@example.cn", Role::Consumer).await;
        // A different unknown account each time, so the per-account limit
        // never applies.
        let tries = std::sync::atomic::AtomicUsize::new(0);
        let attempt = |peer: &str, forwarded: Option<&str>| {
            let n = tries.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut r = Req::post("/api/v1/session")
                .json(&credentials(&format!("nobody{n}@example.cn"), "wrong password"))
                .peer(peer);
            if let Some(f) = forwarded {
                r = r.header("x-forwarded-for", f);
            }
            r
        };
        // The limit counts in fixed one-minute windows of the wall clock: start
        // early in one, so that the ten attempts below all fall in it (CI saw
        // the fourth one land in the next window and pass).
        while chrono::Timelike::second(&chrono::Utc::now()) >= 30 {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        // Three clients behind one proxy: each has its own allowance.
        for client in ["203.0.113.5", "203.0.113.6", "203.0.113.7"] {
            for _ in 0..3 {
                proxied.send(attempt("10.0.0.1:40000", Some(client))).await.expect(401);
            }
        }
        // The fourth attempt of one of them is refused, the others' are not
        // touched; an address the client wrote left of the proxy's own hop
        // does not help it.
        proxied
            .send(attempt("10.0.0.1:40000", Some("198.51.100.1, 203.0.113.5")))
            .await
            .expect(429);
        proxied
            .send(Req::post("/api/v1/session")
                .json(&credentials("li.wei@example.cn", PASSWORD))
                .peer("10.0.0.1:40000")
                .header("x-forwarded-for", "203.0.113.8"))
            .await
            .expect(200);
        // From a peer that is not a trusted proxy the header is ignored: a
        // new forged address on every attempt still counts as the peer.
        for i in 0..3 {
            proxied
                .send(attempt("192.0.2.9:5000", Some(&format!("203.0.113.{}", 100 + i))))
                .await
                .expect(401);
        }
        proxied
            .send(attempt("192.0.2.9:5000", Some("203.0.113.200")))
            .await
            .expect(429);
        test_db::close(&proxied.svc.db).await;
    }
}
