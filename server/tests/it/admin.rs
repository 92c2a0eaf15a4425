//! `POST /api/v1/admin/users`: only admins create accounts of any role.

use domain::Role;
use serde_json::json;

use crate::harness::{PASSWORD, Req, backend_tests};

fn staff(email: &str, role: &str) -> serde_json::Value {
    json!({"email": email, "password": PASSWORD, "display_name": "张仲裁", "role": role})
}

backend_tests! {
    async fn only_admins_create_staff_accounts(app) {
        let body = staff("arbitrator@gongdao.test", "arbitrator");
        app.send(Req::post("/api/v1/admin/users").json(&body)).await.expect(401);
        app.send(Req::post("/api/v1/admin/users").json(&body).bearer("forged")).await.expect(401);

        app.register("consumer@example.cn", Role::Consumer).await;
        app.register("merchant@example.cn", Role::Merchant).await;
        let mut refused = vec!["consumer@example.cn".to_string(), "merchant@example.cn".to_string()];
        for role in Role::ALL.into_iter().filter(|r| r.is_staff() && *r != Role::Admin) {
            refused.push(app.create_staff(role).await);
        }
        assert_eq!(refused.len(), 6);
        for email in &refused {
            let token = app.login(email).await;
            let r = app
                .send(Req::post("/api/v1/admin/users").json(&body).bearer(&token))
                .await
                .expect(403);
            assert_eq!(r.error().0, "forbidden", "{email}");
            assert_eq!(r.error().2, "您没有权限执行此操作。");
        }
        assert!(services::accounts::find_by_email(&app.svc, "arbitrator@gongdao.test").await.unwrap().is_none());

        let admin = app.create_staff(Role::Admin).await;
        let token = app.login(&admin).await;
        let created = app
            .send(Req::post("/api/v1/admin/users").json(&body).bearer(&token))
            .await
            .expect(201)
            .json();
        assert_eq!(created["email"], "arbitrator@gongdao.test");
        assert_eq!(created["role"], "arbitrator");
        assert_eq!(created.as_object().unwrap().len(), 3, "{created}");

        // The new account can sign in at once, verified, with its role.
        let staff_token = app.login("arbitrator@gongdao.test").await;
        let me = app.send(Req::get("/api/v1/me").bearer(&staff_token)).await.expect(200).json();
        assert_eq!(me["id"], created["id"]);
        assert_eq!(me["role"], "arbitrator");
        assert_eq!(me["email_verified"], true);
        // No verification mail for an admin-made account.
        assert_eq!(app.deliver_mail().await, 2, "only the two self-registrations are mailed");
        assert!(app.mail_to("arbitrator@gongdao.test").is_empty());

        // The admin gets the same validation as everyone.
        let r = app
            .send(Req::post("/api/v1/admin/users").json(&body).bearer(&token))
            .await
            .expect(409);
        assert_eq!(r.error().1.as_deref(), Some("email"));
        let r = app
            .send(Req::post("/api/v1/admin/users").json(&staff("x@gongdao.test", "root")).bearer(&token).lang("en"))
            .await
            .expect(422);
        assert_eq!(r.error().1.as_deref(), Some("role"));
        assert!(r.error().2.contains("unknown role"), "{}", r.text());
        // Every role can be created, admins included.
        for role in Role::ALL {
            let email = format!("made-{}@gongdao.test", role.as_str());
            app.send(Req::post("/api/v1/admin/users").json(&staff(&email, role.as_str())).bearer(&token))
                .await
                .expect(201);
        }
    }
}
