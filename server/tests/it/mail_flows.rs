//! Mailed links: email verification at registration, password reset.

use domain::Role;
use serde_json::json;

use crate::harness::{PASSWORD, Req, backend_tests, link_token, new_user};

backend_tests! {
    async fn registration_mails_a_verification_link_that_works_once(app) {
        let created = app.register("li.wei@example.cn", Role::Consumer).await;
        assert!(app.mailbox().is_empty(), "queued, not sent, until the worker runs");
        assert_eq!(app.deliver_mail().await, 1);
        assert_eq!(app.deliver_mail().await, 0, "sent once, then gone from the outbox");
        let mails = app.mail_to("li.wei@example.cn");
        assert_eq!(mails.len(), 1);
        let m = &mails[0].message;
        assert_eq!(m.subject, "请验证您的公道邮箱");
        assert!(m.body.contains("王小明"), "{}", m.body);
        let token = link_token(&m.body, "/verify");

        let user = services::accounts::verify_email(&app.svc, &token).await.unwrap();
        assert_eq!(serde_json::json!(user.id), created["id"]);
        assert!(user.email_verified);
        let e = services::accounts::verify_email(&app.svc, &token).await.unwrap_err();
        assert_eq!(e.field(), Some("token"), "a link works once: {e:?}");
        let e = services::accounts::verify_email(&app.svc, "made-up").await.unwrap_err();
        assert_eq!(e.field(), Some("token"));

        let session = app.login("li.wei@example.cn").await;
        let me = app.send(Req::get("/api/v1/me").bearer(&session)).await.expect(200).json();
        assert_eq!(me["email_verified"], true);
    }

    async fn the_verification_mail_is_in_the_registrants_language(app) {
        app.send(
            Req::post("/api/v1/users")
                .json(&new_user("jane@example.com", "merchant"))
                .lang("en-GB,en;q=0.8"),
        )
        .await
        .expect(201);
        app.deliver_mail().await;
        let mails = app.mail_to("jane@example.com");
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].message.subject, "Verify your Gongdao email address");
        assert!(mails[0].message.body.starts_with("Hello 王小明,"), "{}", mails[0].message.body);
        link_token(&mails[0].message.body, "/verify");
    }

    async fn a_password_reset_link_sets_a_new_password_once_and_ends_every_session(app) {
        app.register("li.wei@example.cn", Role::Consumer).await;
        app.deliver_mail().await;
        let old_session = app.login("li.wei@example.cn").await;

        services::accounts::request_password_reset(&app.svc, "Li.Wei@example.cn", "198.51.100.1")
            .await
            .unwrap();
        assert_eq!(app.deliver_mail().await, 1);
        let resets: Vec<_> = app
            .mail_to("li.wei@example.cn")
            .into_iter()
            .filter(|m| m.message.body.contains("/reset?token="))
            .collect();
        assert_eq!(resets.len(), 1);
        assert_eq!(resets[0].message.subject, "重设您的公道密码");
        let token = link_token(&resets[0].message.body, "/reset");

        // A weak password is refused and leaves the link usable.
        let e = services::accounts::reset_password(&app.svc, &token, "short").await.unwrap_err();
        assert_eq!(e.field(), Some("password"));
        // A verification token is not a reset token.
        let verify_mail = app
            .mail_to("li.wei@example.cn")
            .into_iter()
            .find(|m| m.message.body.contains("/verify?token="))
            .unwrap();
        let verify_token = link_token(&verify_mail.message.body, "/verify");
        services::accounts::reset_password(&app.svc, &verify_token, "a brand new password")
            .await
            .unwrap_err();

        services::accounts::reset_password(&app.svc, &token, "a brand new password").await.unwrap();
        app.send(Req::get("/api/v1/me").bearer(&old_session)).await.expect(401);
        let r = app
            .send(Req::post("/api/v1/session").json(&json!({"email": "li.wei@example.cn", "password": PASSWORD})))
            .await;
        assert_eq!(r.status, 401, "the old password is gone");
        let new_session = app.login_with("li.wei@example.cn", "a brand new password").await;
        let me = app.send(Req::get("/api/v1/me").bearer(&new_session)).await.expect(200).json();
        assert_eq!(me["email_verified"], true, "a reset link proves the address");

        let e = services::accounts::reset_password(&app.svc, &token, "yet another password")
            .await
            .unwrap_err();
        assert_eq!(e.field(), Some("token"), "the link works once: {e:?}");
        app.login_with("li.wei@example.cn", "a brand new password").await;
    }

    async fn a_reset_request_for_an_unknown_address_succeeds_and_sends_nothing(app) {
        services::accounts::request_password_reset(&app.svc, "nobody@example.cn", "198.51.100.1")
            .await
            .unwrap();
        assert_eq!(app.deliver_mail().await, 0);
        assert!(app.mailbox().is_empty());
        let e = services::accounts::request_password_reset(&app.svc, "not an address", "198.51.100.1")
            .await
            .unwrap_err();
        assert_eq!(e.field(), Some("email"));
    }
}
