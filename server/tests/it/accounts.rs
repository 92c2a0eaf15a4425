//! Account administration and the holder's own settings: an admin lists,
//! deactivates, reactivates and moves staff between roles (with reasons, in
//! the audit log; never their own account, never the last admin, never a
//! staff member who owns open cases); an account holder changes the
//! password (other sessions end), the address (confirmed by the new one),
//! reads who saw their personal data, and deletes the account
//! (pseudonymised, refused while a case is open).

use serde_json::{Value, json};

use crate::cases::{CONSUMER_NAME, R, Stage, World};
use crate::harness::{PASSWORD, Req, Resp, backend_tests, link_token};

async fn send(w: &World, r: Option<R>, req: Req) -> Resp {
    match r {
        Some(r) => w.app.send(req.bearer(w.token(r))).await,
        None => w.app.send(req).await,
    }
}

fn id(w: &World, r: R) -> i64 {
    w.who(r).id
}

async fn status(w: &World, by: R, target: i64, active: bool) -> Resp {
    send(
        w,
        Some(by),
        Req::post(&format!("/api/v1/admin/users/{target}/status"))
            .json(&json!({"active": active, "reason": "离职交接完毕，停用账号"})),
    )
    .await
}

async fn role(w: &World, by: R, target: i64, role: &str) -> Resp {
    send(
        w,
        Some(by),
        Req::put(&format!("/api/v1/admin/users/{target}/role"))
            .json(&json!({"role": role, "reason": "岗位调整至仲裁庭"})),
    )
    .await
}

async fn audit(w: &World) -> Vec<Value> {
    send(w, Some(R::Adm), Req::get("/api/v1/admin/audit"))
        .await
        .expect(200)
        .items()
}

backend_tests! {
    async fn an_admin_lists_and_deactivates_and_the_account_is_signed_out_everywhere(app) {
        let w = World::new(app).await;
        // Only admins.
        for r in [R::C, R::M, R::Med, R::Arb, R::Reg, R::Fund] {
            send(&w, Some(r), Req::get("/api/v1/admin/users")).await.expect(403);
            status(&w, r, id(&w, R::Med2), false).await.expect(403);
            role(&w, r, id(&w, R::Med2), "arbitrator").await.expect(403);
            send(&w, Some(r), Req::get("/api/v1/admin/audit")).await.expect(403);
        }
        send(&w, None, Req::get("/api/v1/admin/users")).await.expect(401);
        // The list: newest first, filtered by role and text, paged.
        let page = send(&w, Some(R::Adm), Req::get("/api/v1/admin/users?role=mediator")).await.expect(200).json();
        let names: Vec<&str> = page["items"].as_array().unwrap().iter().map(|a| a["display_name"].as_str().unwrap()).collect();
        assert_eq!(names, ["调解员乙", "调解员甲"]);
        assert!(page["next_before"].is_null());
        let found = send(&w, Some(R::Adm), Req::get("/api/v1/admin/users?q=MEDIATOR2")).await.expect(200).json();
        assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
        let all = send(&w, Some(R::Adm), Req::get("/api/v1/admin/users")).await.expect(200).json()["items"].as_array().unwrap().len();
        let newest = send(&w, Some(R::Adm), Req::get("/api/v1/admin/users")).await.expect(200).json()["items"][0]["id"].as_i64().unwrap();
        let older = send(&w, Some(R::Adm), Req::get(&format!("/api/v1/admin/users?before={newest}"))).await.expect(200).json();
        assert_eq!(older["items"].as_array().unwrap().len(), all - 1);
        for bad in ["role=boss", "before=abc", "before=0"] {
            send(&w, Some(R::Adm), Req::get(&format!("/api/v1/admin/users?{bad}"))).await.expect(422);
        }

        // A reason is required; one's own account is refused.
        let r = send(&w, Some(R::Adm), Req::post(&format!("/api/v1/admin/users/{}/status", id(&w, R::Med2))).json(&json!({"active": false, "reason": " "}))).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("reason"));
        assert_eq!(status(&w, R::Adm, id(&w, R::Adm), false).await.expect(409).error().1.as_deref(), Some("id"));
        status(&w, R::Adm, 999_999, false).await.expect(404);

        // Deactivated: its sessions end, sign-in is refused with the reason.
        send(&w, Some(R::Med2), Req::get("/api/v1/me")).await.expect(200);
        let v = status(&w, R::Adm, id(&w, R::Med2), false).await.expect(200).json();
        assert!(v["deactivated_at"].is_string(), "{v}");
        send(&w, Some(R::Med2), Req::get("/api/v1/me")).await.expect(401);
        let r = w.app.send(Req::post("/api/v1/session").json(&json!({"email": w.who(R::Med2).email, "password": PASSWORD}))).await.expect(401);
        assert!(r.error().2.contains("停用"), "{:?}", r.error());
        // The wrong password still gets the usual answer (nothing told).
        let r = w.app.send(Req::post("/api/v1/session").json(&json!({"email": w.who(R::Med2).email, "password": "wrong password!"}))).await.expect(401);
        assert!(!r.error().2.contains("停用"));
        // Asking again changes nothing and logs nothing.
        status(&w, R::Adm, id(&w, R::Med2), false).await.expect(200);
        // No case is handed to a deactivated mediator.
        let case = w.case_at(Stage::Mediating).await;
        let r = w.act(R::Med, case, &w.body("handover", Stage::Mediating)).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("to"));
        // Reactivated: sign-in works again.
        let v = status(&w, R::Adm, id(&w, R::Med2), true).await.expect(200).json();
        assert!(v["deactivated_at"].is_null());
        w.app.login(&w.who(R::Med2).email).await;

        let log = audit(&w).await;
        let acts: Vec<(&str, i64)> = log.iter().map(|e| (e["action"].as_str().unwrap(), e["user_id"].as_i64().unwrap())).collect();
        assert_eq!(acts, [("reactivated", id(&w, R::Med2)), ("deactivated", id(&w, R::Med2))]);
        assert_eq!(log[1]["admin_name"], "管理员");
        assert_eq!(log[1]["reason"], "离职交接完毕，停用账号");
    }

    async fn roles_change_between_staff_roles_only_and_never_strand_a_case(app) {
        let w = World::new(app).await;
        // Staff roles only, both ways; never one's own.
        assert_eq!(role(&w, R::Adm, id(&w, R::Med2), "consumer").await.expect(422).error().1.as_deref(), Some("role"));
        assert_eq!(role(&w, R::Adm, id(&w, R::C), "mediator").await.expect(409).error().1.as_deref(), Some("role"));
        assert_eq!(role(&w, R::Adm, id(&w, R::Adm), "regulator").await.expect(409).error().1.as_deref(), Some("id"));

        // A mediator who owns an open case keeps their role and stays active.
        let case = w.case_at(Stage::Mediating).await;
        let r = role(&w, R::Adm, id(&w, R::Med), "arbitrator").await.expect(409);
        assert_eq!(r.error().1.as_deref(), Some("id"));
        assert!(r.error().2.contains("移交"), "{:?}", r.error());
        status(&w, R::Adm, id(&w, R::Med), false).await.expect(409);
        send(&w, Some(R::Med), Req::get(&format!("/api/v1/cases/{case}"))).await.expect(200);
        // Another mediator, without cases, moves.
        let arbitrators = || send(&w, Some(R::Adm), Req::get("/api/v1/admin/users?role=arbitrator"));
        let before = arbitrators().await.expect(200).json()["items"].as_array().unwrap().len();
        let v = role(&w, R::Adm, id(&w, R::Med2), "arbitrator").await.expect(200).json();
        assert_eq!(v["role"], "arbitrator");
        assert_eq!(arbitrators().await.expect(200).json()["items"].as_array().unwrap().len(), before + 1);
        let log = audit(&w).await;
        assert_eq!((log[0]["action"].as_str(), log[0]["from_role"].as_str(), log[0]["to_role"].as_str()), (Some("role_changed"), Some("mediator"), Some("arbitrator")));

        // A second admin deactivates the first; a request of the first still
        // in flight (its account read before) cannot then leave no admin.
        role(&w, R::Adm, id(&w, R::Med2), "admin").await.expect(200);
        let second = w.app.login(&w.who(R::Med2).email).await;
        let first = services::accounts::find_by_id(&w.app.svc, id(&w, R::Adm) as i32).await.unwrap().unwrap();
        w.app.send(Req::post(&format!("/api/v1/admin/users/{}/status", id(&w, R::Adm))).bearer(&second).json(&json!({"active": false, "reason": "测试最后一位管理员"}))).await.expect(200);
        status(&w, R::Adm, id(&w, R::Med2), false).await.expect(401);
        let stale = domain::accounts::StatusInput { active: false, reason: "测试最后一位管理员".into() };
        let e = services::accounts::admin::set_status(&w.app.svc, &first, id(&w, R::Med2) as i32, &stale).await.unwrap_err();
        assert_eq!(e, domain::AppError::conflict("id", "err.admin.last_admin"));
        let stale = domain::accounts::RoleInput { role: "mediator".into(), reason: "测试最后一位管理员".into() };
        let e = services::accounts::admin::change_role(&w.app.svc, &first, id(&w, R::Med2) as i32, &stale).await.unwrap_err();
        assert_eq!(e, domain::AppError::conflict("id", "err.admin.last_admin"));
    }

    async fn accounts_an_admin_creates_are_in_the_audit_log(app) {
        let w = World::new(app).await;
        let body = json!({"email": "new-mediator@staff.gongdao.test", "password": PASSWORD, "display_name": "调解员丙", "role": "mediator"});
        send(&w, Some(R::Reg), Req::post("/api/v1/admin/users").json(&body)).await.expect(403);
        let created = send(&w, Some(R::Adm), Req::post("/api/v1/admin/users").json(&body)).await.expect(201).json();
        let log = audit(&w).await;
        assert_eq!(log.len(), 1);
        assert_eq!((log[0]["action"].as_str(), log[0]["to_role"].as_str(), &log[0]["user_id"]), (Some("created"), Some("mediator"), &created["id"]));
    }

    async fn the_password_changes_with_the_current_one_and_other_sessions_end(app) {
        let w = World::new(app).await;
        let other = w.app.login(&w.who(R::C).email).await;
        let put = |body: Value| Req::put("/api/v1/users/me/password").json(&body);
        send(&w, None, put(json!({"current_password": PASSWORD, "new_password": "a new password 42"}))).await.expect(401);
        let r = send(&w, Some(R::C), put(json!({"current_password": "not my password", "new_password": "a new password 42"}))).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("current_password"));
        let r = send(&w, Some(R::C), put(json!({"current_password": PASSWORD, "new_password": "short"}))).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("new_password"));
        send(&w, Some(R::C), put(json!({"current_password": PASSWORD, "new_password": PASSWORD}))).await.expect(422);
        send(&w, Some(R::C), put(json!({"current_password": PASSWORD, "new_password": "a new password 42"}))).await.expect(204);
        // This session stays, the other ended; the old password no longer signs in.
        send(&w, Some(R::C), Req::get("/api/v1/me")).await.expect(200);
        w.app.send(Req::get("/api/v1/me").bearer(&other)).await.expect(401);
        w.app.send(Req::post("/api/v1/session").json(&json!({"email": w.who(R::C).email, "password": PASSWORD}))).await.expect(401);
        w.app.login_with(&w.who(R::C).email, "a new password 42").await;
        // The address is told.
        w.app.deliver_mail().await;
        assert!(w.app.mail_to(&w.who(R::C).email).iter().any(|m| m.message.subject == "您的公道密码已修改"));
    }

    async fn a_new_address_counts_once_its_link_is_used(app) {
        let w = World::new(app).await;
        let put = |body: Value| Req::put("/api/v1/users/me/email").json(&body);
        let r = send(&w, Some(R::C), put(json!({"password": "not my password", "email": "wang.new@example.cn"}))).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("password"));
        let r = send(&w, Some(R::C), put(json!({"password": PASSWORD, "email": "not an address"}))).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("email"));
        let r = send(&w, Some(R::C), put(json!({"password": PASSWORD, "email": w.who(R::C2).email}))).await.expect(409);
        assert_eq!(r.error().1.as_deref(), Some("email"));
        let v = send(&w, Some(R::C), put(json!({"password": PASSWORD, "email": "Wang.New@Example.cn"}))).await.expect(202).json();
        assert_eq!(v["pending_email"], "wang.new@example.cn");
        // Nothing changed yet: the old address signs in, the new one does not.
        let me = send(&w, Some(R::C), Req::get("/api/v1/me")).await.expect(200).json();
        assert_eq!(me["email"], w.who(R::C).email.as_str());
        w.app.deliver_mail().await;
        assert!(w.app.mail_to(&w.who(R::C).email).iter().any(|m| m.message.body.contains("wang.new@example.cn")), "the old address is told");
        let link = &w.app.mail_to("wang.new@example.cn")[0].message.body;
        let token = link_token(link, "/account/email");
        // The link, once.
        let confirm = |t: &str| Req::post("/api/v1/users/email-confirmation").json(&json!({"token": t}));
        w.app.send(confirm("made-up")).await.expect(422);
        let u = w.app.send(confirm(&token)).await.expect(200).json();
        assert_eq!((u["email"].as_str(), u["email_verified"].as_bool()), (Some("wang.new@example.cn"), Some(true)));
        w.app.send(confirm(&token)).await.expect(422);
        w.app.login("wang.new@example.cn").await;
        w.app.send(Req::post("/api/v1/session").json(&json!({"email": w.who(R::C).email, "password": PASSWORD}))).await.expect(401);
    }

    async fn a_consumer_sees_who_read_their_personal_data_and_nobody_elses(app) {
        let w = World::new(app).await;
        let case = w.case_at(Stage::Negotiating).await;
        let mine = || send(&w, Some(R::C), Req::get("/api/v1/users/me/access-log"));
        assert!(mine().await.expect(200).items().is_empty());
        // A regulator reveals, with a reason.
        send(&w, Some(R::Reg), Req::get(&format!("/api/v1/cases/{case}?reveal=%E6%A0%B8%E6%9F%A5%E6%8A%95%E8%AF%89%E4%BA%BA%E8%BA%AB%E4%BB%BD"))).await.expect(200);
        let rows = mine().await.expect(200).items();
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0]["staff_name"].as_str(), rows[0]["staff_role"].as_str(), rows[0]["reason"].as_str()), (Some("市场监管局"), Some("regulator"), Some("核查投诉人身份")));
        // Another consumer's log stays empty; signed out, refused.
        assert!(send(&w, Some(R::C2), Req::get("/api/v1/users/me/access-log")).await.expect(200).items().is_empty());
        send(&w, None, Req::get("/api/v1/users/me/access-log")).await.expect(401);
    }

    async fn deleting_an_account_pseudonymises_it_and_keeps_the_cases(app) {
        let w = World::new(app).await;
        let del = |pw: &str| Req::delete("/api/v1/users/me").json(&json!({"password": pw}));
        // Staff are deactivated by an admin, not deleted; a merchant linked to a business asks the platform.
        send(&w, Some(R::Med), del(PASSWORD)).await.expect(403);
        let r = send(&w, Some(R::M), del(PASSWORD)).await.expect(409);
        assert_eq!(r.error().1.as_deref(), Some("account"));
        // An open case holds it back.
        let case = w.case_at(Stage::Negotiating).await;
        assert_eq!(send(&w, Some(R::C), del("wrong password")).await.expect(422).error().1.as_deref(), Some("password"));
        let r = send(&w, Some(R::C), del(PASSWORD)).await.expect(409);
        assert!(r.error().2.contains("未结束"), "{:?}", r.error());
        w.ok(R::C, case, "withdraw", Stage::Withdrawn).await;
        let email = w.who(R::C).email.clone();
        send(&w, Some(R::C), del(PASSWORD)).await.expect(204);
        // Signed out everywhere, the address free, the name a pseudonym on the case.
        send(&w, Some(R::C), Req::get("/api/v1/me")).await.expect(401);
        w.app.send(Req::post("/api/v1/session").json(&json!({"email": email, "password": PASSWORD}))).await.expect(401);
        let reveal = format!("/api/v1/cases/{case}?reveal=%E6%A0%B8%E6%9F%A5%E6%8A%95%E8%AF%89%E4%BA%BA%E8%BA%AB%E4%BB%BD");
        let c = send(&w, Some(R::Reg), Req::get(&reveal)).await.expect(200).json();
        assert_eq!(c["consumer_name"].as_str(), Some("已注销用户"), "{c}");
        assert_ne!(c["consumer_name"].as_str(), Some(CONSUMER_NAME));
        let accounts = send(&w, Some(R::Adm), Req::get("/api/v1/admin/users?role=consumer")).await.expect(200).json();
        let gone = accounts["items"].as_array().unwrap().iter().find(|a| a["id"].as_i64() == Some(id(&w, R::C))).unwrap().clone();
        assert!(gone["deleted_at"].is_string());
        assert_eq!(gone["display_name"], "已注销用户");
        assert!(!gone["email"].as_str().unwrap().contains("wang"), "{gone}");
        // The address can register again.
        w.app.send(Req::post("/api/v1/users").json(&crate::harness::new_user(&email, "consumer"))).await.expect(201);
        // And the mail said so.
        w.app.deliver_mail().await;
        assert!(w.app.mail_to(&email).iter().any(|m| m.message.subject == "您的公道账户已注销"));
    }
}
