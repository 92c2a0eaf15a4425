//! `POST /api/v1/users`: self-registration and its errors.

use domain::Role;
use serde_json::json;

use crate::harness::{PASSWORD, Req, backend_tests, new_user};

backend_tests! {
    async fn registration_creates_the_account(app) {
        let r = app
            .send(Req::post("/api/v1/users").json(&new_user("  Li.Wei@Example.CN ", "merchant")))
            .await
            .expect(201);
        let v = r.json();
        assert!(v["id"].as_i64().unwrap() > 0, "{v}");
        assert_eq!(v["email"], "li.wei@example.cn", "stored trimmed and lower-cased");
        assert_eq!(v["role"], "merchant");
        assert_eq!(v.as_object().unwrap().len(), 3, "only id, email, role: {v}");

        let token = app.login("li.wei@example.cn").await;
        let me = app.send(Req::get("/api/v1/me").bearer(&token)).await.expect(200).json();
        assert_eq!(me["id"], v["id"]);
        assert_eq!(me["display_name"], "王小明");
        assert_eq!(me["email_verified"], false);
        assert!(me.get("password_hash").is_none(), "{me}");
    }

    async fn a_taken_email_is_409_whatever_its_case(app) {
        app.register("li.wei@example.cn", Role::Consumer).await;
        let r = app
            .send(Req::post("/api/v1/users").json(&new_user("LI.WEI@example.CN", "merchant")))
            .await
            .expect(409);
        let (code, field, message) = r.error();
        assert_eq!(code, "conflict");
        assert_eq!(field.as_deref(), Some("email"));
        assert_eq!(message, "该邮箱已注册");
    }

    async fn a_missing_or_invalid_field_is_422_naming_it_in_the_callers_language(app) {
        let mut cases = vec![];
        let without = |field: &str| {
            let mut b = new_user("a@example.cn", "consumer");
            b.as_object_mut().unwrap().remove(field);
            (b, field.to_string())
        };
        for f in ["email", "password", "display_name", "role"] {
            cases.push(without(f));
        }
        let with = |field: &str, value: serde_json::Value| {
            let mut b = new_user("a@example.cn", "consumer");
            b[field] = value;
            (b, field.to_string())
        };
        cases.push(with("email", json!("not-an-address")));
        cases.push(with("email", json!("   ")));
        cases.push(with("password", json!("short")));
        cases.push(with("password", json!("x".repeat(129))));
        cases.push(with("display_name", json!("   ")));
        cases.push(with("display_name", json!("名".repeat(51))));
        cases.push(with("role", json!("root")));
        // A field of the wrong type is named too.
        cases.push(with("role", json!(5)));

        for (body, field) in cases {
            let zh = app.send(Req::post("/api/v1/users").json(&body)).await.expect(422);
            let (code, f, zh_message) = zh.error();
            assert_eq!(code, "invalid", "{body}");
            assert_eq!(f.as_deref(), Some(field.as_str()), "{body}");
            let en = app
                .send(Req::post("/api/v1/users").json(&body).lang("en-US,en;q=0.9"))
                .await
                .expect(422);
            let (_, f, en_message) = en.error();
            assert_eq!(f.as_deref(), Some(field.as_str()), "{body}");
            let (zh_name, en_name) = match field.as_str() {
                "email" => ("邮箱", "Email"),
                "password" => ("密码", "Password"),
                "display_name" => ("名称", "Name"),
                "role" => ("账号类型", "Account type"),
                _ => ("请求内容", "Request body"),
            };
            assert!(zh_message.starts_with(zh_name), "{zh_message}");
            assert!(en_message.starts_with(en_name), "{en_message}");
            assert_ne!(zh_message, en_message);
        }
        // Precise messages for the common case.
        let r = app.send(Req::post("/api/v1/users").json(&without("password").0)).await;
        assert!(r.error().2.contains("此项必填"), "{}", r.text());
        let r = app
            .send(Req::post("/api/v1/users").json(&without("password").0).lang("en"))
            .await;
        assert!(r.error().2.contains("this field is required"), "{}", r.text());
        // The language cookie wins over Accept-Language.
        let r = app
            .send(
                Req::post("/api/v1/users")
                    .json(&without("password").0)
                    .lang("zh-CN")
                    .header("cookie", "gongdao_lang=en"),
            )
            .await;
        assert!(r.error().2.contains("this field is required"), "{}", r.text());
        // Nobody was created along the way.
        assert!(services::accounts::find_by_email(&app.svc, "a@example.cn").await.unwrap().is_none());
    }

    async fn staff_roles_cannot_self_register(app) {
        for role in Role::ALL.into_iter().filter(|r| r.is_staff()) {
            let email = format!("{}@example.cn", role.as_str());
            let r = app
                .send(Req::post("/api/v1/users").json(&new_user(&email, role.as_str())))
                .await
                .expect(422);
            let (code, field, message) = r.error();
            assert_eq!((code.as_str(), field.as_deref()), ("invalid", Some("role")), "{role}");
            assert!(message.contains("管理员"), "{message}");
            assert!(services::accounts::find_by_email(&app.svc, &email).await.unwrap().is_none());
            let r = app
                .send(Req::post("/api/v1/session").json(&json!({"email": email, "password": PASSWORD})))
                .await;
            assert_eq!(r.status, 401);
        }
    }

    async fn a_malformed_body_is_422(app) {
        for body in [&b"{\"email\": "[..], b"not json", b"", b"[1,2]", b"\xff\xfe"] {
            let r = app.send(Req::post("/api/v1/users").raw(body)).await.expect(422);
            let (code, field, message) = r.error();
            assert_eq!(code, "invalid");
            assert_eq!(field.as_deref(), Some("body"));
            assert!(message.contains("JSON"), "{message}");
        }
        let r = app.send(Req::post("/api/v1/session").raw("{oops").lang("en")).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("body"));
        assert!(r.error().2.starts_with("Request body"), "{}", r.text());
    }

    async fn a_body_over_64_kib_is_413_with_a_json_error(app) {
        // A registration padded to `len` bytes with spaces (valid JSON).
        let padded = |len: usize| {
            let mut b = serde_json::to_vec(&new_user("big@example.cn", "consumer")).unwrap();
            let close = b.pop().unwrap();
            b.resize(len - 1, b' ');
            b.push(close);
            assert_eq!(b.len(), len);
            b
        };
        // Exactly the limit is read (and this body is fine).
        app.send(Req::post("/api/v1/users").raw(padded(64 * 1024))).await.expect(201);
        // One byte more is refused, whether the size is announced or found while reading.
        for announced in [true, false] {
            let mut req = Req::post("/api/v1/users").raw(padded(64 * 1024 + 1));
            if !announced {
                req = req.without_content_length();
            }
            let r = app.send(req).await.expect(413);
            assert!(
                r.header("content-type").unwrap_or_default().starts_with("application/json"),
                "announced={announced}: {:?}",
                r.headers
            );
            let (code, _, message) = r.error();
            assert_eq!(code, "payload_too_large");
            assert_eq!(message, "请求内容过大。");
        }
        let r = app
            .send(Req::post("/api/v1/session").raw(vec![b' '; 100 * 1024]).lang("en"))
            .await
            .expect(413);
        assert_eq!(r.error().2, "The request is too large.");
    }
}
