//! A merchant's staff accounts: the main account invites by mail, the
//! invited person joins through the link (a new account, or signed in as an
//! existing one), answers the business's cases under their own name in the
//! trail, gets its notices, and loses all of it once removed; invitations
//! can be withdrawn and expire; who may do what.

use chrono::Duration;
use serde_json::{Value, json};

use crate::cases::{R, Stage, World};
use crate::harness::{PASSWORD, Req, Resp, backend_tests, link_token};

async fn send(w: &World, token: Option<&str>, req: Req) -> Resp {
    match token {
        Some(t) => w.app.send(req.bearer(t)).await,
        None => w.app.send(req).await,
    }
}

async fn invite(w: &World, token: &str, email: &str, name: &str) -> Resp {
    send(
        w,
        Some(token),
        Req::post("/api/v1/merchants/team/invitations")
            .json(&json!({"email": email, "name": name})),
    )
    .await
}

async fn join(w: &World, token: Option<&str>, body: Value) -> Resp {
    send(
        w,
        token,
        Req::post("/api/v1/merchants/team/join").json(&body),
    )
    .await
}

async fn team(w: &World, token: &str) -> Resp {
    send(w, Some(token), Req::get("/api/v1/merchants/team")).await
}

/// The token of the last invitation mailed to `email`.
async fn mailed_token(w: &World, email: &str) -> String {
    w.app.deliver_mail().await;
    let mails = w.app.mail_to(email);
    let last = mails.last().unwrap_or_else(|| panic!("no mail to {email}"));
    link_token(&last.message.body, "/merchants/team/join")
}

/// `by` (a main account) invites `email`, and the invitation is accepted
/// with a new account; returns (the new account's id, its session token).
pub(crate) async fn staff_member(w: &World, by: R, email: &str, name: &str) -> (i64, String) {
    invite(w, w.token(by), email, name).await.expect(201);
    let token = mailed_token(w, email).await;
    let u = join(
        w,
        None,
        json!({"token": token, "name": name, "password": PASSWORD}),
    )
    .await
    .expect(200)
    .json();
    (u["id"].as_i64().unwrap(), w.app.login(email).await)
}

backend_tests! {
    async fn staff_join_by_mail_answer_cases_under_their_name_and_lose_access_when_removed(app) {
        let w = World::new(app).await;
        let m = w.token(R::M);
        // Bad and refused invitations name the field.
        let r = invite(&w, m, "not an address", "小王").await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("email"));
        let r = invite(&w, m, "xiaowang@shop.cn", " ").await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("name"));
        // A consumer's address, and another business's main account.
        let r = invite(&w, m, &w.who(R::C).email, "王").await.expect(409);
        assert_eq!(r.error().1.as_deref(), Some("email"));
        let r = invite(&w, m, &w.who(R::M2).email, "东城").await.expect(409);
        assert_eq!(r.error().1.as_deref(), Some("email"));
        // Only a merchant account answering for a business invites.
        invite(&w, w.token(R::C), "x@shop.cn", "X").await.expect(403);
        invite(&w, w.token(R::Med), "x@shop.cn", "X").await.expect(403);

        let inv = invite(&w, m, "XiaoWang@Shop.cn", "小王").await.expect(201).json();
        assert_eq!(inv["email"], "xiaowang@shop.cn");
        invite(&w, m, "xiaowang@shop.cn", "小王").await.expect(409);
        let t = team(&w, m).await.expect(200).json();
        assert_eq!(t["manages"], true);
        assert_eq!(t["members"].as_array().unwrap().len(), 1, "{t}");
        assert_eq!(t["members"][0]["main"], true);
        assert_eq!(t["invitations"][0]["id"], inv["id"]);
        // M2's team is its own.
        let t2 = team(&w, w.token(R::M2)).await.expect(200).json();
        assert!(t2["invitations"].as_array().unwrap().is_empty());

        // The mail names the business and carries the link.
        w.app.deliver_mail().await;
        let mail = &w.app.mail_to("xiaowang@shop.cn")[0].message;
        assert!(mail.subject.contains("北京海淀电器有限公司"), "{}", mail.subject);
        let token = link_token(&mail.body, "/merchants/team/join");
        let r = join(&w, None, json!({"token": "made-up"})).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("token"));
        let r = join(&w, None, json!({"token": token, "password": PASSWORD})).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("name"));
        let r = join(&w, None, json!({"token": token, "name": "小王", "password": "short"})).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("password"));
        let u = join(&w, None, json!({"token": token, "name": "小王", "password": PASSWORD})).await.expect(200).json();
        assert_eq!((u["role"].as_str(), u["email_verified"].as_bool()), (Some("merchant"), Some(true)));
        let r = join(&w, None, json!({"token": token, "name": "小王", "password": PASSWORD})).await.expect(409);
        assert_eq!(r.error().1.as_deref(), Some("token"));
        let staff_id = u["id"].as_i64().unwrap();
        let s = w.app.login("xiaowang@shop.cn").await;

        // The team as each sees it.
        let t = team(&w, &s).await.expect(200).json();
        assert_eq!(t["manages"], false);
        assert!(t["invitations"].as_array().unwrap().is_empty(), "staff see no invitations");
        let members: Vec<(i64, bool, bool)> = t["members"].as_array().unwrap().iter()
            .map(|m| (m["user_id"].as_i64().unwrap(), m["main"].as_bool().unwrap(), m["you"].as_bool().unwrap()))
            .collect();
        assert_eq!(members, vec![(w.who(R::M).id, true, false), (staff_id, false, true)]);
        // Staff do not manage the team.
        invite(&w, &s, "other@shop.cn", "另一位").await.expect(403);
        send(&w, Some(&s), Req::delete(&format!("/api/v1/merchants/team/members/{}", w.who(R::M).id))).await.expect(403);

        // A complaint against the business: the staff member is told, sees
        // it, answers it; the trail names who answered.
        let case = w.file().await["id"].as_i64().unwrap();
        let inbox = send(&w, Some(&s), Req::get("/api/v1/notifications")).await.expect(200).json();
        assert!(inbox["items"].as_array().unwrap().iter().any(|n| n["key"] == "filed" && n["case_id"] == case), "{inbox}");
        let listed: Vec<i64> = send(&w, Some(&s), Req::get("/api/v1/cases")).await.expect(200).json()["items"]
            .as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
        assert_eq!(listed, vec![case]);
        let respond = w.body("respond", Stage::AwaitingMerchant);
        send(&w, Some(&s), Req::post(&format!("/api/v1/cases/{case}/actions")).json(&respond)).await.expect(200);
        let entry = w.trail(case).await.into_iter().find(|e| e["kind"] == "respond").unwrap();
        assert_eq!((entry["actor_role"].as_str(), entry["actor_name"].as_str()), (Some("merchant"), Some("小王")));
        // The consumer's view of the trail names the account too.
        let seen = send(&w, Some(w.token(R::C)), Req::get(&format!("/api/v1/cases/{case}/trail"))).await.expect(200).json();
        assert!(seen["entries"].as_array().unwrap().iter().any(|e| e["actor_name"] == "小王"));
        // Credit matters stay with the main account.
        send(&w, Some(&s), Req::post(&format!("/api/v1/merchants/{}/commitment", w.merchant_a)).json(&json!({"accept": true}))).await.expect(403);

        // Removed: no case, no team, told once; the trail keeps the name.
        send(&w, Some(m), Req::delete(&format!("/api/v1/merchants/team/members/{}", w.who(R::M).id))).await.expect(409);
        send(&w, Some(w.token(R::M2)), Req::delete(&format!("/api/v1/merchants/team/members/{staff_id}"))).await.expect(404);
        send(&w, Some(m), Req::delete(&format!("/api/v1/merchants/team/members/{staff_id}"))).await.expect(204);
        send(&w, Some(m), Req::delete(&format!("/api/v1/merchants/team/members/{staff_id}"))).await.expect(404);
        send(&w, Some(&s), Req::get(&format!("/api/v1/cases/{case}"))).await.expect(404);
        team(&w, &s).await.expect(403);
        let listed = send(&w, Some(&s), Req::get("/api/v1/cases")).await.expect(200).json();
        assert!(listed["items"].as_array().unwrap().is_empty(), "{listed}");
        let inbox = send(&w, Some(&s), Req::get("/api/v1/notifications")).await.expect(200).json();
        assert!(inbox["items"].as_array().unwrap().iter().any(|n| n["key"] == "team_removed"), "{inbox}");
        let entry = w.trail(case).await.into_iter().find(|e| e["kind"] == "respond").unwrap();
        assert_eq!(entry["actor_name"], "小王");
        w.assert_trail_ok(case, w.trail(case).await.len()).await;
    }

    async fn invitations_are_withdrawn_expire_and_existing_accounts_join_signed_in(app) {
        let w = World::new(app).await;
        let m = w.token(R::M);
        // An existing merchant account without a business joins signed in.
        w.app.create_account("free@shop.cn", domain::Role::Merchant, "自由客服", domain::Lang::Zh).await;
        invite(&w, m, "free@shop.cn", "自由客服").await.expect(201);
        let token = mailed_token(&w, "free@shop.cn").await;
        let r = join(&w, None, json!({"token": token})).await.expect(409);
        assert_eq!(r.error().1.as_deref(), Some("token"));
        join(&w, Some(w.token(R::C2)), json!({"token": token})).await.expect(403);
        let free = w.app.login("free@shop.cn").await;
        join(&w, Some(&free), json!({"token": token})).await.expect(200);
        assert_eq!(team(&w, &free).await.expect(200).json()["members"].as_array().unwrap().len(), 2);
        // …and cannot be invited by another business meanwhile.
        let r = invite(&w, w.token(R::M2), "free@shop.cn", "自由客服").await.expect(409);
        assert_eq!(r.error().1.as_deref(), Some("email"));
        // It leaves on its own.
        let me = send(&w, Some(&free), Req::get("/api/v1/me")).await.expect(200).json();
        send(&w, Some(&free), Req::delete(&format!("/api/v1/merchants/team/members/{}", me["id"]))).await.expect(204);
        team(&w, &free).await.expect(403);

        // Withdrawn: the link stops working; another business cannot withdraw it.
        let inv = invite(&w, m, "late@shop.cn", "迟到").await.expect(201).json();
        let token = mailed_token(&w, "late@shop.cn").await;
        let path = format!("/api/v1/merchants/team/invitations/{}", inv["id"]);
        send(&w, Some(w.token(R::M2)), Req::delete(&path)).await.expect(404);
        send(&w, Some(m), Req::delete(&path)).await.expect(204);
        send(&w, Some(m), Req::delete(&path)).await.expect(404);
        join(&w, None, json!({"token": token, "name": "迟到", "password": PASSWORD})).await.expect(409);

        // Expired after 7 days.
        invite(&w, m, "slow@shop.cn", "慢").await.expect(201);
        let token = mailed_token(&w, "slow@shop.cn").await;
        w.set_now(w.now() + Duration::days(7) + Duration::minutes(1));
        let r = join(&w, None, json!({"token": token, "name": "慢", "password": PASSWORD})).await.expect(409);
        assert_eq!(r.error().1.as_deref(), Some("token"));
        assert!(team(&w, m).await.expect(200).json()["invitations"].as_array().unwrap().is_empty(), "expired ones are not pending");

        // At most 20 staff and pending invitations together.
        let mut sent = 0;
        loop {
            let r = invite(&w, m, &format!("n{sent}@shop.cn"), "员工").await;
            if r.status.as_u16() == 409 {
                assert_eq!(r.error().1.as_deref(), Some("email"));
                break;
            }
            r.expect(201);
            sent += 1;
            assert!(sent <= domain::merchant::team::MAX_STAFF, "no limit");
        }
        assert_eq!(sent, domain::merchant::team::MAX_STAFF);
    }
}
