//! Mutual ratings (信用互评) over HTTP: `POST /cases/{id}/ratings` and
//! `/cases/{id}/ratings/follow-up`, who may rate and when, the merchant's
//! malicious-complaint flag going to the regulators, the regulator hiding a
//! rating with a reason that is shown, the public list with masked names —
//! and that no route deletes a rating.

use axum::http::Method;
use chrono::Duration;
use entities::{outbox, rating};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::cases::{CONSUMER_NAME, R, Stage, World};
use crate::harness::{Req, Resp, backend_tests};

fn rate(stars: Value, text: &str) -> Value {
    json!({"action": "rate", "stars": stars, "text": text})
}

fn flag(text: &str) -> Value {
    json!({"action": "rate", "flag_malicious": true, "text": text})
}

fn follow_up(text: &str) -> Value {
    json!({"action": "follow_up", "text": text})
}

async fn send(w: &World, r: Option<R>, req: Req) -> Resp {
    let req = req.lang("en");
    match r {
        Some(r) => w.app.send(req.bearer(w.token(r))).await,
        None => w.app.send(req).await,
    }
}

/// Asserts a 422 naming `field`.
#[track_caller]
fn invalid(resp: Resp, field: &str) {
    let resp = resp.expect(422);
    let (code, f, _) = resp.error();
    assert_eq!(code, "invalid");
    assert_eq!(f.as_deref(), Some(field), "{}", resp.text());
}

/// Asserts a 409 (`conflict`) and returns its message.
#[track_caller]
fn conflict(resp: Resp) -> String {
    let resp = resp.expect(409);
    let (code, _, message) = resp.error();
    assert_eq!(code, "conflict", "{}", resp.text());
    message
}

async fn rows(w: &World) -> Vec<rating::Model> {
    rating::Entity::find().all(&w.app.svc.db).await.unwrap()
}

async fn credit_jobs(w: &World) -> u64 {
    outbox::Entity::find()
        .filter(outbox::Column::Topic.eq("credit"))
        .count(&w.app.svc.db)
        .await
        .unwrap()
}

async fn public_list(w: &World, merchant: i64) -> Vec<Value> {
    let v = send(
        w,
        None,
        Req::get(&format!("/api/v1/merchants/{merchant}/ratings")),
    )
    .await
    .expect(200)
    .json();
    v["items"].as_array().unwrap().clone()
}

async fn hide(w: &World, r: R, id: i64, body: &Value) -> Resp {
    send(
        w,
        Some(r),
        Req::post(&format!("/api/v1/regulator/ratings/{id}/hide")).json(body),
    )
    .await
}

/// `r` follows a rating up with a fresh sign-in (sessions last 30 days; the clock moved on).
async fn follow_up_later(w: &World, r: R, id: i64, body: &Value) -> Resp {
    let token = w.app.login(&w.who(r).email).await;
    w.app
        .send(
            Req::post(&format!("/api/v1/cases/{id}/ratings/follow-up"))
                .json(&json!({"text": body["text"]}))
                .bearer(&token)
                .lang("en"),
        )
        .await
}

/// The rating of `side` in the case as `r` sees it.
async fn rating_in_case(w: &World, r: R, case: i64, side: &str) -> Value {
    let v = w.view(r, case).await;
    v["ratings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["side"] == side)
        .cloned()
        .unwrap_or_else(|| panic!("no {side} rating in {}", v["ratings"]))
}

backend_tests! {
    async fn ratings_open_once_the_case_is_over(app) {
        let w = World::new(app).await;
        let open = w.case_at(Stage::Negotiating).await;
        let msg = conflict(w.rate(R::C, open, &rate(json!(5), "")).await);
        assert!(msg.contains("over"), "{msg}");
        conflict(w.rate(R::M, open, &flag("恶意投诉，反复索要高额赔偿。")).await);
        for stage in [Stage::Settled, Stage::Decided] {
            let id = w.case_at(stage).await;
            conflict(w.rate(R::C, id, &rate(json!(4), "")).await);
        }
        // Withdrawn before the merchant answered: nothing to rate for the
        // consumer; the merchant may still flag the complaint.
        let quick = w.case_at(Stage::Withdrawn).await;
        conflict(w.rate(R::C, quick, &rate(json!(1), "差")).await);
        w.rate(R::M, quick, &flag("投诉后立即撤回，疑似恶意投诉。")).await.expect(201);
        // Withdrawn after an answer: both may rate.
        let answered = w.file().await["id"].as_i64().unwrap();
        w.ok(R::M, answered, "respond", Stage::AwaitingMerchant).await;
        w.ok(R::C, answered, "withdraw", Stage::Negotiating).await;
        w.rate(R::C, answered, &rate(json!(4), "私下已解决")).await.expect(201);
        let closed = w.case_at(Stage::Closed).await;
        let v = w.rate(R::C, closed, &rate(json!(5), "处理及时")).await.expect(201).json();
        assert_eq!(v["stars"], 5, "{v}");
        assert_eq!(rows(&w).await.len(), 3);
    }

    async fn stars_and_texts_are_checked_by_name(app) {
        let w = World::new(app).await;
        let id = w.case_at(Stage::Closed).await;
        for stars in [json!(0), json!(6), json!("x"), json!(-1), json!("")] {
            invalid(w.rate(R::C, id, &rate(stars.clone(), "")).await, "stars");
        }
        invalid(w.rate(R::C, id, &json!({"action": "rate", "text": "没打星"})).await, "stars");
        invalid(w.rate(R::C, id, &rate(json!(2.5), "")).await, "stars");
        invalid(w.rate(R::C, id, &rate(json!(5), &"长".repeat(2001))).await, "text");
        invalid(
            w.rate(R::C, id, &json!({"action": "rate", "stars": 1, "flag_malicious": true})).await,
            "flag_malicious",
        );
        // The merchant gives no stars, and its text is required.
        invalid(w.rate(R::M, id, &json!({"action": "rate", "stars": 5, "text": "好顾客"})).await, "stars");
        invalid(w.rate(R::M, id, &json!({"action": "rate", "flag_malicious": true})).await, "text");
        invalid(w.rate(R::M, id, &json!({"action": "rate", "flag_malicious": "maybe", "text": "x"})).await, "flag_malicious");
        // The Chinese message names the field.
        let zh = w.app.send(
            Req::post(&format!("/api/v1/cases/{id}/ratings"))
                .json(&json!({"stars": 9}))
                .bearer(w.token(R::C))
                .lang("zh"),
        ).await.expect(422);
        assert!(zh.error().2.starts_with("评分"), "{}", zh.text());
        assert!(rows(&w).await.is_empty());
        // JSON numbers come as numbers: a number as text is refused by name.
        invalid(w.rate(R::C, id, &rate(json!("3"), "")).await, "stars");
        w.rate(R::C, id, &rate(json!(3), "")).await.expect(201);
    }

    async fn the_consumer_rates_once_and_it_is_on_the_trail(app) {
        let w = World::new(app).await;
        let id = w.case_at(Stage::Closed).await;
        let trail_before = w.trail(id).await.len();
        let jobs = credit_jobs(&w).await;
        let v = w.rate(R::C, id, &rate(json!(5), "  退款很快，客服态度好。 ")).await.expect(201).json();
        let case = w.view(R::C, id).await;
        assert_eq!(case["status"], "closed", "rating does not move the case");
        assert_eq!(case["ratings"][0], v, "the case carries the rating");
        let r = &v;
        assert_eq!(r["side"], "consumer");
        assert_eq!(r["stars"], 5);
        assert_eq!(r["text"], "退款很快，客服态度好。");
        assert_eq!(r["author_name"], "王**");
        assert_eq!(r["flag_malicious"], false);
        assert_eq!(r["case_number"], case["number"]);
        assert_eq!(r["hidden_reason"], Value::Null);
        // Trail: one `rate` entry with the text's hash, the chain intact.
        let trail = w.trail(id).await;
        assert_eq!(trail.len(), trail_before + 1);
        let last = trail.last().unwrap();
        assert_eq!(last["kind"], "rate");
        assert_eq!(last["actor_role"], "consumer");
        assert_eq!(last["body"]["stars"], 5);
        assert_eq!(last["body"]["text_sha256"].as_str().unwrap().len(), 64);
        w.assert_trail_ok(id, trail_before + 1).await;
        // A credit recomputation was asked for in the same transaction.
        assert_eq!(credit_jobs(&w).await, jobs + 1);
        let stored = rows(&w).await;
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].author_id as i64, w.who(R::C).id);
        assert_eq!(stored[0].merchant_id as i64, w.merchant_a);
        assert!(!stored[0].author_ip.is_empty());
        // Once per side.
        let msg = conflict(w.rate(R::C, id, &rate(json!(1), "改成差评")).await);
        assert!(msg.contains("already rated"), "{msg}");
        assert_eq!(rows(&w).await, stored);
        // The merchant sees the same rating in the case, name masked.
        let seen = rating_in_case(&w, R::M, id, "consumer").await;
        assert_eq!(seen["author_name"], "王**");
        assert_eq!(seen["text"], "退款很快，客服态度好。");
        // The case's readers also get it from its own route.
        let list = send(&w, Some(R::Med), Req::get(&format!("/api/v1/cases/{id}/ratings"))).await.expect(200).json();
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
    }

    async fn the_merchant_flags_a_malicious_complaint_and_the_regulators_are_told(app) {
        let w = World::new(app).await;
        let id = w.case_at(Stage::Closed).await;
        let v = w.rate(R::M, id, &flag("该消费者多次以差评相威胁索要赔偿。")).await.expect(201).json();
        let r = &v;
        assert_eq!(r["side"], "merchant");
        assert_eq!(r["flag_malicious"], true);
        assert_eq!(r["stars"], Value::Null);
        assert_eq!(r["author_name"], "北京海淀电器有限公司");
        assert!(w.inbox(R::Reg, id).await.contains(&"rating_flagged".to_string()));
        for r in [R::C, R::M, R::Med, R::Adm] {
            assert!(!w.inbox(r, id).await.contains(&"rating_flagged".to_string()), "{r:?}");
        }
        assert!(
            w.app.svc.db.query_one_raw(sea_orm::Statement::from_string(
                w.app.svc.db.get_database_backend(),
                "SELECT id FROM outbox WHERE topic = 'mail' AND payload LIKE '%regulator@staff.gongdao.test%'",
            )).await.unwrap().is_some(),
            "the regulator is mailed"
        );
        assert_eq!(w.trail(id).await.last().unwrap()["body"]["flag_malicious"], true);
        conflict(w.rate(R::M, id, &json!({"action": "rate", "text": "再评一次"})).await);
        // The consumer sees the merchant's rating of the case; the public does not.
        assert_eq!(rating_in_case(&w, R::C, id, "merchant").await["flag_malicious"], true);
        assert!(public_list(&w, w.merchant_a).await.is_empty());
        // The consumer's rating is independent of the merchant's.
        w.rate(R::C, id, &rate(json!(2), "")).await.expect(201);
        assert_eq!(w.view(R::C, id).await["ratings"].as_array().unwrap().len(), 2);
        // A plain merchant rating (no flag) tells nobody.
        let other = w.case_at(Stage::Closed).await;
        w.rate(R::M, other, &json!({"action": "rate", "text": "沟通顺畅", "flag_malicious": false})).await.expect(201);
        assert!(w.inbox(R::Reg, other).await.is_empty());
    }

    async fn only_the_parties_rate(app) {
        let w = World::new(app).await;
        let id = w.case_at(Stage::Closed).await;
        for body in [rate(json!(5), "好"), flag("恶意投诉的理由"), follow_up("追评")] {
            // The case does not exist for another consumer or another merchant.
            for r in [R::C2, R::M2] {
                w.rate(r, id, &body).await.expect(404);
            }
            for r in [R::Med, R::Arb, R::Reg, R::Adm, R::Fund] {
                w.rate(r, id, &body).await.expect(403);
            }
        }
        assert!(rows(&w).await.is_empty());
        // Unknown case.
        w.rate(R::C, 999_999, &rate(json!(5), "")).await.expect(404);
        // Without signing in.
        send(&w, None, Req::post(&format!("/api/v1/cases/{id}/ratings")).json(&json!({"stars": 5}))).await.expect(401);
        send(&w, None, Req::post(&format!("/api/v1/cases/{id}/ratings/follow-up")).json(&json!({"text": "x"}))).await.expect(401);
        // Others may not read a case's ratings either.
        send(&w, Some(R::C2), Req::get(&format!("/api/v1/cases/{id}/ratings"))).await.expect(404);
    }

    async fn one_follow_up_within_ninety_days(app) {
        let w = World::new(app).await;
        let id = w.case_at(Stage::Closed).await;
        // Nothing to follow up yet.
        conflict(w.rate(R::C, id, &follow_up("补充")).await);
        w.rate(R::C, id, &rate(json!(3), "退款慢")).await.expect(201);
        // The merchant has not rated: it has nothing to follow up.
        conflict(w.rate(R::M, id, &follow_up("补充")).await);
        invalid(w.rate(R::C, id, &json!({"action": "follow_up"})).await, "text");
        invalid(w.rate(R::C, id, &follow_up(&"长".repeat(2001))).await, "text");
        let late = w.case_at(Stage::Closed).await;
        w.rate(R::C, late, &rate(json!(4), "")).await.expect(201);
        let rated_at = w.now();
        // 89 days later: accepted once.
        w.set_now(rated_at + Duration::days(89));
        let v = follow_up_later(&w, R::C, id, &follow_up("  三个月后洗衣机仍正常使用。 ")).await.expect(200).json();
        let r = &v;
        assert_eq!(r["follow_up_text"], "三个月后洗衣机仍正常使用。");
        assert_eq!(r["text"], "退款慢", "the rating itself is unchanged");
        assert_eq!(r["stars"], 3);
        assert!(r["follow_up_at"].is_string());
        let kinds: Vec<String> = entities::case_trail::Entity::find()
            .filter(entities::case_trail::Column::CaseId.eq(id as i32))
            .all(&w.app.svc.db)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(kinds.last().map(String::as_str), Some("follow_up"), "{kinds:?}");
        let before = rows(&w).await;
        let msg = conflict(follow_up_later(&w, R::C, id, &follow_up("再追评")).await);
        assert!(msg.contains("one follow-up"), "{msg}");
        assert_eq!(rows(&w).await, before);
        // After 90 days: refused.
        w.set_now(rated_at + Duration::days(90) + Duration::minutes(1));
        let msg = conflict(follow_up_later(&w, R::C, late, &follow_up("太晚了")).await);
        assert!(msg.contains("90 days"), "{msg}");
        // Staff never follow up.
        follow_up_later(&w, R::Reg, late, &follow_up("监管追评")).await.expect(403);
    }

    async fn only_a_regulator_hides_a_rating_and_the_reason_is_shown(app) {
        let w = World::new(app).await;
        let id = w.case_at(Stage::Closed).await;
        let text = "客服张三电话13800000000，态度恶劣";
        let v = w.rate(R::C, id, &rate(json!(1), text)).await.expect(201).json();
        let rid = v["id"].as_i64().unwrap();
        let reason = "含有他人个人信息（《个人信息保护法》第十三条）";
        for r in [R::C, R::C2, R::M, R::Med, R::Arb, R::Adm, R::Fund] {
            hide(&w, r, rid, &json!({"reason": reason})).await.expect(403);
        }
        send(&w, None, Req::post(&format!("/api/v1/regulator/ratings/{rid}/hide")).json(&json!({"reason": reason}))).await.expect(401);
        invalid(hide(&w, R::Reg, rid, &json!({})).await, "reason");
        invalid(hide(&w, R::Reg, rid, &json!({"reason": "  "})).await, "reason");
        hide(&w, R::Reg, 999_999, &json!({"reason": reason})).await.expect(404);
        assert!(rows(&w).await[0].hidden_at.is_none());
        let h = hide(&w, R::Reg, rid, &json!({"reason": reason})).await.expect(200).json();
        assert_eq!(h["hidden_reason"], reason);
        assert_eq!(h["text"], text, "the regulator still reads it");
        // The public sees the reason in place of the text.
        let public = public_list(&w, w.merchant_a).await;
        assert_eq!(public.len(), 1, "hidden, not removed");
        assert_eq!(public[0]["hidden_reason"], reason);
        assert_eq!(public[0]["text"], Value::Null);
        assert_eq!(public[0]["stars"], 1);
        assert!(public[0]["hidden_at"].is_string());
        let raw = send(&w, None, Req::get(&format!("/api/v1/merchants/{}/ratings", w.merchant_a))).await.text();
        assert!(!raw.contains("13800000000"), "{raw}");
        // So does the merchant; the author and admins still read their text.
        assert_eq!(rating_in_case(&w, R::M, id, "consumer").await["text"], Value::Null);
        assert_eq!(rating_in_case(&w, R::C, id, "consumer").await["text"], text);
        assert_eq!(rating_in_case(&w, R::Adm, id, "consumer").await["text"], text);
        // The trail records the hiding; the author is told.
        let last = w.trail(id).await.last().unwrap().clone();
        assert_eq!(last["kind"], "rating_hidden");
        assert_eq!(last["actor_role"], "regulator");
        assert_eq!(last["body"]["reason"], reason);
        w.assert_trail_ok(id, w.trail(id).await.len()).await;
        assert!(w.inbox(R::C, id).await.contains(&"rating_hidden".to_string()));
        // Once; and a hidden rating takes no follow-up.
        conflict(hide(&w, R::Reg, rid, &json!({"reason": "再次屏蔽"})).await);
        conflict(w.rate(R::C, id, &follow_up("补充")).await);
        let stored = rows(&w).await;
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].text, text);
        assert_eq!(stored[0].hidden_by.map(|x| x as i64), Some(w.who(R::Reg).id));
    }

    async fn the_public_list_masks_the_consumer(app) {
        let w = World::new(app).await;
        let first = w.case_at(Stage::Closed).await;
        let second = w.case_at(Stage::Closed).await;
        w.rate(R::C, first, &rate(json!(2), "等了两周才退款")).await.expect(201);
        w.rate(R::C, second, &rate(json!(5), "这次很快")).await.expect(201);
        w.rate(R::M, second, &json!({"action": "rate", "text": "感谢理解"})).await.expect(201);
        let list = public_list(&w, w.merchant_a).await;
        assert_eq!(list.len(), 2, "consumers' ratings only: {list:?}");
        assert!(list.iter().all(|r| r["author_name"] == "王**" && r["side"] == "consumer"));
        assert_eq!(list[0]["text"], "这次很快", "newest first");
        let raw = send(&w, None, Req::get(&format!("/api/v1/merchants/{}/ratings", w.merchant_a))).await.text();
        assert!(!raw.contains(CONSUMER_NAME), "{raw}");
        assert!(!raw.contains("author_ip") && !raw.contains("author_id"), "{raw}");
        // Signed-in viewers see the same masking.
        let as_m = send(&w, Some(R::M), Req::get(&format!("/api/v1/merchants/{}/ratings", w.merchant_a))).await.text();
        assert!(!as_m.contains(CONSUMER_NAME), "{as_m}");
        assert!(public_list(&w, w.merchant_b).await.is_empty());
        send(&w, None, Req::get("/api/v1/merchants/999999/ratings")).await.expect(404);
    }

    async fn no_route_deletes_a_rating(app) {
        let w = World::new(app).await;
        let id = w.case_at(Stage::Closed).await;
        let v = w.rate(R::C, id, &rate(json!(1), "很差")).await.expect(201).json();
        w.rate(R::M, id, &flag("恶意投诉")).await.expect(201);
        w.rate(R::C, id, &follow_up("仍未解决")).await.expect(200);
        let rid = v["id"].as_i64().unwrap();
        let m = w.merchant_a;
        let before = rows(&w).await;
        assert_eq!(before.len(), 2);
        let paths = [
            format!("/api/v1/ratings/{rid}"),
            "/api/v1/ratings".to_string(),
            format!("/api/v1/merchants/{m}/ratings"),
            format!("/api/v1/merchants/{m}/ratings/{rid}"),
            format!("/api/v1/cases/{id}/ratings"),
            format!("/api/v1/cases/{id}/ratings/{rid}"),
            format!("/api/v1/regulator/ratings/{rid}"),
            format!("/api/v1/regulator/ratings/{rid}/hide"),
            format!("/api/v1/cases/{id}/actions"),
            format!("/api/v1/cases/{id}"),
        ];
        for path in &paths {
            for method in [Method::DELETE, Method::PUT, Method::PATCH] {
                for r in [R::C, R::M, R::Reg, R::Adm] {
                    let resp = send(&w, Some(r), Req::new(method.clone(), path).json(&json!({"action": "rate", "stars": 5, "text": "改", "reason": "删除"}))).await;
                    assert!(
                        matches!(resp.status.as_u16(), 404 | 405),
                        "{method} {path} as {r:?}: {} {}", resp.status, resp.text()
                    );
                }
            }
        }
        // Nor any action that sounds like it.
        for action in ["delete", "delete_rating", "unrate", "hide", "edit_rating", "withdraw_rating"] {
            for r in [R::C, R::M] {
                invalid(w.act(r, id, &json!({"action": action, "reason": "删除评价"})).await, "action");
            }
        }
        // Rating again does not replace.
        conflict(w.rate(R::C, id, &rate(json!(5), "改成好评")).await);
        conflict(w.rate(R::M, id, &json!({"action": "rate", "text": "撤回标记", "flag_malicious": false})).await);
        assert_eq!(rows(&w).await, before, "every rating still there, unchanged");
        // Not even by hand: the database refuses a DELETE.
        let db = &w.app.svc.db;
        assert!(db.execute_unprepared("DELETE FROM ratings").await.is_err());
        assert!(db.execute_unprepared(&format!("DELETE FROM ratings WHERE id = {rid}")).await.is_err());
        assert_eq!(rows(&w).await, before);
        // Hiding keeps the row too.
        hide(&w, R::Reg, rid, &json!({"reason": "依法屏蔽"})).await.expect(200);
        let after = rows(&w).await;
        assert_eq!(after.len(), 2);
        assert_eq!(after.iter().find(|r| r.id as i64 == rid).unwrap().text, "很差");
    }
}
