//! The server functions behind the UI's forms refuse the wrong caller just
//! like the JSON API: anonymous callers, wrong roles, other origins.

use domain::Role;

use crate::harness::{PASSWORD, Req, backend_tests};

fn form(endpoint: &str, fields: &[(&str, &str)]) -> Req {
    Req::server_fn(endpoint, fields)
}

fn staff_fields(email: &str) -> Vec<(&str, &str)> {
    vec![
        ("email", email),
        ("password", PASSWORD),
        ("display_name", "李调解"),
        ("role", "mediator"),
    ]
}

backend_tests! {
    async fn only_admins_may_call_create_staff(app) {
        // Anonymous.
        let r = app.send(form("admin/create_staff", &staff_fields("m1@gongdao.test"))).await;
        assert!(r.text().contains("\"unauthorized\""), "{}: {}", r.status, r.text());

        // Every other role.
        app.register("c@example.cn", Role::Consumer).await;
        app.register("m@example.cn", Role::Merchant).await;
        let mut others = vec!["c@example.cn".to_string(), "m@example.cn".to_string()];
        for role in Role::ALL.into_iter().filter(|r| r.is_staff() && *r != Role::Admin) {
            others.push(app.create_staff(role).await);
        }
        for email in &others {
            let token = app.login(email).await;
            let r = app.send(form("admin/create_staff", &staff_fields("m1@gongdao.test")).cookie(&token)).await;
            assert!(r.text().contains("\"forbidden\""), "{email}: {}: {}", r.status, r.text());
        }
        assert!(services::accounts::find_by_email(&app.svc, "m1@gongdao.test").await.unwrap().is_none());

        // The admin, from another site: refused before the function runs (CSRF).
        let admin = app.create_staff(Role::Admin).await;
        let token = app.login(&admin).await;
        let mut evil = form("admin/create_staff", &staff_fields("m1@gongdao.test")).cookie(&token);
        evil.replace_header("origin", "http://evil.example");
        let r = app.send(evil).await.expect(403);
        assert_eq!(r.error().0, "forbidden");
        assert!(services::accounts::find_by_email(&app.svc, "m1@gongdao.test").await.unwrap().is_none());

        // The admin, from our page.
        let r = app.send(form("admin/create_staff", &staff_fields("m1@gongdao.test")).cookie(&token)).await;
        assert!(r.status.is_success() || r.status.is_redirection(), "{}: {}", r.status, r.text());
        let made = services::accounts::find_by_email(&app.svc, "m1@gongdao.test").await.unwrap().expect("created");
        assert_eq!(made.role, "mediator");
        assert!(made.email_verified_at.is_some());
    }

    async fn resending_verification_needs_a_signed_in_caller(app) {
        let r = app.send(form("auth/resend_verification", &[])).await;
        assert!(r.text().contains("\"unauthorized\""), "{}: {}", r.status, r.text());
        app.register("c@example.cn", Role::Consumer).await;
        assert_eq!(app.deliver_mail().await, 1);
        let token = app.login("c@example.cn").await;
        let r = app.send(form("auth/resend_verification", &[]).cookie(&token)).await;
        assert!(!r.text().contains("\"kind\""), "{}: {}", r.status, r.text());
        assert_eq!(app.deliver_mail().await, 1, "a second verification mail");
        assert_eq!(app.mail_to("c@example.cn").len(), 2);
    }

    async fn sign_in_through_the_form_sets_the_session_cookie(app) {
        app.register("c@example.cn", Role::Consumer).await;
        let r = app.send(form("auth/login", &[("email", "c@example.cn"), ("password", "wrong password")])).await;
        assert!(r.text().contains("err.login_failed"), "{}: {}", r.status, r.text());
        assert!(r.set_cookies().iter().all(|c| !c.starts_with("gongdao_session=")));
        let r = app.send(form("auth/login", &[("email", "c@example.cn"), ("password", PASSWORD)])).await;
        let cookie = r.set_cookies().into_iter().find(|c| c.starts_with("gongdao_session=")).expect("a session cookie");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        let token = cookie.trim_start_matches("gongdao_session=").split(';').next().unwrap().to_string();
        let me = app.send(Req::get("/api/v1/me").cookie(&token)).await.expect(200).json();
        assert_eq!(me["email"], "c@example.cn");
    }

    async fn only_admins_edit_the_working_day_calendar(app) {
        let set = |day: &'static str| form("admin/calendar/set", &[("day", day), ("kind", "holiday"), ("note", "测试假日")]);
        let r = app.send(set("2026-12-01")).await;
        assert!(r.text().contains("\"unauthorized\""), "{}: {}", r.status, r.text());
        app.register("c@example.cn", Role::Consumer).await;
        let mut others = vec!["c@example.cn".to_string()];
        for role in Role::ALL.into_iter().filter(|r| r.is_staff() && *r != Role::Admin) {
            others.push(app.create_staff(role).await);
        }
        for email in &others {
            let token = app.login(email).await;
            let r = app.send(set("2026-12-01").cookie(&token)).await;
            assert!(r.text().contains("\"forbidden\""), "{email}: {}", r.text());
            let r = app.send(form("admin/calendar", &[]).cookie(&token)).await;
            assert!(r.text().contains("\"forbidden\""), "{email}: {}", r.text());
        }
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let cal = services::record::calendar::load(&app.svc.db).await.unwrap();
        assert!(cal.is_working_day(day), "a Tuesday, not yet a holiday");

        let admin = app.create_staff(Role::Admin).await;
        let token = app.login(&admin).await;
        let r = app.send(set("2026-12-01").cookie(&token)).await;
        assert!(!r.text().contains("\"kind\""), "{}", r.text());
        let cal = services::record::calendar::load(&app.svc.db).await.unwrap();
        assert!(!cal.is_working_day(day), "now a holiday");
        // The seeded official calendar is there too.
        assert!(!cal.is_working_day(chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()));
        // A bad date is refused naming the field.
        let r = app.send(form("admin/calendar/set", &[("day", "2026-13-01"), ("kind", "holiday"), ("note", "")]).cookie(&token)).await;
        assert!(r.text().contains("\"day\""), "{}", r.text());
    }

    async fn the_signed_out_are_refused_by_case_server_functions(app) {
        // Filing is the page's own form (`POST /cases/new`, tests/it/filing.rs).
        let r = app.send(form("cases/act", &[("id", "1"), ("action", "respond"), ("message", "hi")])).await;
        assert!(r.text().contains("\"unauthorized\""), "{}", r.text());
        let r = app.send(form("inbox/list", &[])).await;
        assert!(r.text().contains("\"unauthorized\""), "{}", r.text());
    }
}
