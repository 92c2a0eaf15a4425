//! What keeps cases honest: concurrent actions cannot both win, the deadline
//! sweeper acts once per deadline, an edited trail is caught, and the
//! people concerned hear of each step by mail, in their own language.

use chrono::Duration;
use domain::calendar::WorkingCalendar;
use entities::{case_reminder, case_trail};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::cases::{R, Stage, TITLE, USCC_B, World, beijing, deadline, instant};
use crate::harness::{Req, Resp, backend_tests, new_user};

/// One of two concurrent requests won (200), the other lost with a 409 that
/// says why (a conflicting change, or the status has moved on).
fn one_winner(a: &Resp, b: &Resp) {
    let mut codes = [a.status.as_u16(), b.status.as_u16()];
    codes.sort();
    assert_eq!(codes, [200, 409], "{} / {}", a.text(), b.text());
    let loser = if a.status == 409 { a } else { b };
    let code = loser.error().0;
    assert!(
        code == "conflict" || code == "not_allowed",
        "{}",
        loser.text()
    );
}

async fn sweep(w: &World, at: &str) -> services::cases::sweep::SweepReport {
    services::cases::sweep::sweep(&w.app.svc, beijing(at))
        .await
        .unwrap()
}

async fn reminders(w: &World, id: i64) -> Vec<case_reminder::Model> {
    case_reminder::Entity::find()
        .filter(case_reminder::Column::CaseId.eq(id as i32))
        .all(&w.app.svc.db)
        .await
        .unwrap()
}

backend_tests! {
    async fn two_accepts_at_once_settle_once(app) {
        let w = World::new(app).await;
        for _ in 0..3 {
            let id = w.case_at(Stage::Offered).await;
            let body = w.body("accept_offer", Stage::Offered);
            let (a, b) = tokio::join!(w.act(R::C, id, &body), w.act(R::C, id, &body));
            one_winner(&a, &b);
            let kinds = w.trail_kinds(id).await;
            assert_eq!(kinds, ["filed", "respond", "offer", "accept_offer"]);
            assert_eq!(w.view(R::C, id).await["status"], "settled");
            assert_eq!(w.inbox(R::M, id).await, ["filed", "settled"], "told once");
            w.assert_trail_ok(id, 4).await;
        }
        // Accepting and rejecting at once: one of them happened, not both.
        let id = w.case_at(Stage::Offered).await;
        let (accept, reject) = (w.body("accept_offer", Stage::Offered), w.body("reject_offer", Stage::Offered));
        let (a, b) = tokio::join!(w.act(R::C, id, &accept), w.act(R::C, id, &reject));
        one_winner(&a, &b);
        let status = if a.status == 200 { "settled" } else { "negotiating" };
        assert_eq!(w.view(R::C, id).await["status"], status);
        assert_eq!(w.trail(id).await.len(), 4);
        w.assert_trail_ok(id, 4).await;
    }

    async fn two_mediators_taking_at_once_leave_one_owner(app) {
        let w = World::new(app).await;
        for _ in 0..3 {
            let id = w.case_at(Stage::QueuedMediation).await;
            let body = w.body("take", Stage::QueuedMediation);
            let (a, b) = tokio::join!(w.act(R::Med, id, &body), w.act(R::Med2, id, &body));
            one_winner(&a, &b);
            let winner = if a.status == 200 { R::Med } else { R::Med2 };
            let v = w.view(R::Adm, id).await;
            assert_eq!(v["owner_id"], w.who(winner).id);
            let takes = w.trail_kinds(id).await.iter().filter(|k| *k == "take").count();
            assert_eq!(takes, 1);
            assert!(w.list_ids(winner, "role_view=mine").await.contains(&id));
            assert!(w.list_ids(R::Med, "role_view=queue").await.is_empty());
            assert_eq!(w.inbox(R::C, id).await, ["responded", "taken"], "told once");
            w.assert_trail_ok(id, 4).await;
        }
    }

    async fn the_sweeper_reminds_once_then_moves_the_case_once_when_negotiation_ends(app) {
        let w = World::new(app).await;
        let v = w.file().await;
        let id = v["id"].as_i64().unwrap();
        let number = v["number"].as_str().unwrap().to_string();
        let respond_by = instant(&deadline(&v, "respond_by")["at"]);
        let negotiate_until = instant(&deadline(&v, "negotiate_until")["at"]);
        assert_eq!(negotiate_until, beijing("2026-12-08 00:00"));

        // Nothing on the day of filing, nor while two working days are left.
        for at in ["2026-11-23 10:00", "2026-11-24 23:59"] {
            let r = sweep(&w, at).await;
            assert_eq!((r.transitions, r.reminders, r.conflicts), (0, 0, 0), "{at}");
        }
        // Wednesday, the merchant's last day to answer: reminded, once.
        let r = sweep(&w, "2026-11-25 09:00").await;
        assert_eq!((r.transitions, r.reminders), (0, 1));
        for at in ["2026-11-25 09:00", "2026-11-25 18:00"] {
            let r = sweep(&w, at).await;
            assert_eq!((r.transitions, r.reminders), (0, 0), "{at}: once only");
        }
        let rows = reminders(&w, id).await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].deadline_key, "deadline.respond_by");
        assert_eq!(rows[0].deadline_at, respond_by);
        assert_eq!(w.inbox(R::M, id).await, ["filed", "reminder"]);
        assert!(w.inbox(R::C, id).await.is_empty(), "the case waits on the merchant only");
        w.app.deliver_mail().await;
        let mails: Vec<_> = w
            .app
            .mail_to(&w.who(R::M).email)
            .into_iter()
            .filter(|m| m.message.subject.contains("期限将在一个工作日内到期"))
            .collect();
        assert_eq!(mails.len(), 1);
        assert!(mails[0].message.subject.contains(&number), "{}", mails[0].message.subject);
        assert!(w.app.mail_to(&w.who(R::C).email).is_empty());
        assert_eq!(w.trail_kinds(id).await, ["filed"], "reminders are not trail entries");

        // The last minute of negotiation: still not due (the last day's reminder goes out).
        let r = services::cases::sweep::sweep(&w.app.svc, negotiate_until - Duration::minutes(1)).await.unwrap();
        assert_eq!((r.transitions, r.reminders), (0, 1));
        assert_eq!(w.view(R::C, id).await["status"], "awaiting_merchant");

        // At the deadline: to mediation, once, however often the sweeper runs.
        let r = services::cases::sweep::sweep(&w.app.svc, negotiate_until).await.unwrap();
        assert_eq!((r.transitions, r.conflicts), (1, 0));
        let r = services::cases::sweep::sweep(&w.app.svc, negotiate_until).await.unwrap();
        assert_eq!((r.transitions, r.reminders, r.conflicts), (0, 0, 0));
        let r = services::cases::sweep::sweep(&w.app.svc, negotiate_until + Duration::days(3)).await.unwrap();
        assert_eq!(r.transitions, 0);

        let v = w.view(R::C, id).await;
        assert_eq!(v["status"], "in_mediation");
        assert_eq!(v["owner_id"], serde_json::Value::Null);
        assert_eq!(
            instant(&deadline(&v, "mediate_until")["at"]),
            WorkingCalendar::official().deadline(negotiate_until, 45)
        );
        let trail = w.trail(id).await;
        assert_eq!(trail.len(), 2);
        let elapsed: Vec<_> = trail.iter().filter(|e| e["kind"] == "deadline_elapsed").collect();
        assert_eq!(elapsed.len(), 1);
        assert_eq!(elapsed[0]["actor_role"], "system");
        assert_eq!(instant(&elapsed[0]["at"]), negotiate_until);
        assert_eq!(elapsed[0]["body"], json!({"from_status": "awaiting_merchant", "to_status": "in_mediation"}));
        w.assert_trail_ok(id, 2).await;
        assert_eq!(reminders(&w, id).await.len(), 2);
        assert_eq!(w.inbox(R::C, id).await, ["escalated"]);
        assert_eq!(w.inbox(R::M, id).await, ["filed", "reminder", "reminder", "escalated"]);
        assert_eq!(w.inbox(R::Med, id).await, ["queued_mediation"]);
        assert_eq!(w.inbox(R::Med2, id).await, ["queued_mediation"]);
        assert_eq!(w.list_ids(R::Med, "role_view=queue").await, [id]);
    }

    async fn the_sweeper_enforces_fulfilment_and_confirmation_deadlines(app) {
        let w = World::new(app).await;
        // Both settled on Monday with three working days to fulfil (end of Thursday).
        let unpaid = w.case_at(Stage::Settled).await;
        let paid = w.case_at(Stage::Complied).await;
        let busy = w.case_at(Stage::Negotiating).await;
        let r = sweep(&w, "2026-11-26 23:59").await;
        assert_eq!(r.transitions, 0);
        let r = sweep(&w, "2026-11-27 00:00").await;
        assert_eq!(r.transitions, 1, "only the settlement nobody claimed to fulfil");
        let v = w.view(R::C, unpaid).await;
        assert_eq!(v["status"], "non_compliant");
        assert_eq!(v["waiting_on"], json!(["merchant"]));
        assert_eq!(w.inbox(R::C, unpaid).await.last().unwrap(), "non_compliant_fc");
        assert_eq!(w.view(R::C, paid).await["status"], "settled");
        // Fulfilment claimed on Monday: five working days for the consumer to object.
        let r = sweep(&w, "2026-12-01 00:00").await;
        assert_eq!(r.transitions, 1);
        let v = w.view(R::C, paid).await;
        assert_eq!(v["status"], "closed", "silence confirms");
        assert_eq!(w.inbox(R::C, paid).await.last().unwrap(), "closed");
        assert_eq!(w.inbox(R::M, paid).await.last().unwrap(), "closed");
        let r = sweep(&w, "2026-12-01 00:00").await;
        assert_eq!(r.transitions, 0);
        for id in [unpaid, paid] {
            let kinds = w.trail_kinds(id).await;
            assert_eq!(kinds.iter().filter(|k| *k == "deadline_elapsed").count(), 1, "{kinds:?}");
        }
        assert_eq!(w.view(R::C, busy).await["status"], "negotiating");
        // The merchant may still make good on the non-compliant settlement.
        w.ok(R::M, unpaid, "comply", Stage::Settled).await;
        w.ok(R::C, unpaid, "confirm_fulfilment", Stage::Settled).await;
        assert_eq!(w.view(R::C, unpaid).await["status"], "closed");
    }

    async fn an_edited_trail_row_breaks_the_chain_from_there(app) {
        let w = World::new(app).await;
        let a = w.case_at(Stage::Offered).await;
        let b = w.case_at(Stage::Negotiating).await;
        w.assert_trail_ok(a, 3).await;
        w.assert_trail_ok(b, 2).await;
        let (checked, broken) = services::record::trail::verify_all(&w.app.svc.db).await.unwrap();
        assert_eq!((checked, broken), (2, None));

        // Someone with database access rewrites the merchant's answer.
        let n = w
            .app
            .execute_sql(&format!(
                "UPDATE case_trail SET body = '{{\"message\":\"我们从未收到投诉\",\"from_status\":\"awaiting_merchant\",\"to_status\":\"negotiating\"}}' WHERE case_id = {a} AND seq = 2"
            ))
            .await;
        assert_eq!(n, 1);
        assert_eq!(w.trail(a).await[1]["body"]["message"], "我们从未收到投诉");
        for r in [R::Adm, R::C, R::M, R::Reg] {
            let v = w
                .app
                .send(Req::get(&format!("/api/v1/cases/{a}/trail/verify")).bearer(w.token(r)))
                .await
                .expect(200)
                .json();
            assert_eq!(v["ok"], false, "{r:?}: {v}");
            assert_eq!(v["first_broken_seq"], 2, "{v}");
            assert_eq!(v["entries"], 3);
            assert_eq!(v["case_id"], a);
            assert!(v["reason"].as_str().unwrap().contains("hash"), "{v}");
        }
        w.assert_trail_ok(b, 2).await;
        let (checked, broken) = services::record::trail::verify_all(&w.app.svc.db).await.unwrap();
        let broken = broken.expect("verify_all finds the edit");
        assert_eq!(checked, 1, "it stops at the first broken case");
        assert_eq!(broken.case_id as i64, a);
        assert_eq!(broken.first_broken_seq, Some(2));

        // Recomputing the edited row's hash does not help: the next row no longer links to it.
        let row = case_trail::Entity::find()
            .filter(case_trail::Column::CaseId.eq(a as i32))
            .filter(case_trail::Column::Seq.eq(2))
            .one(&w.app.svc.db)
            .await
            .unwrap()
            .unwrap();
        let rehash = services::record::trail::recompute(&row).unwrap();
        assert_ne!(rehash, row.hash);
        w.app
            .execute_sql(&format!("UPDATE case_trail SET hash = '{rehash}' WHERE case_id = {a} AND seq = 2"))
            .await;
        let v = w.verify(a).await;
        assert_eq!((v["ok"].clone(), v["first_broken_seq"].clone()), (json!(false), json!(3)), "{v}");

        // A deleted row is found too.
        w.app.execute_sql(&format!("DELETE FROM case_trail WHERE case_id = {b} AND seq = 1")).await;
        let v = w.verify(b).await;
        assert_eq!((v["ok"].clone(), v["first_broken_seq"].clone()), (json!(false), json!(2)), "{v}");
        assert!(v["reason"].as_str().unwrap().contains("missing"), "{v}");
        // Non-parties still learn nothing about the case.
        w.app
            .send(Req::get(&format!("/api/v1/cases/{a}/trail/verify")).bearer(w.token(R::C2)))
            .await
            .expect(404);
    }

    async fn filing_mails_the_merchant_in_its_own_language(app) {
        let w = World::new(app).await;
        // An English-speaking account answers for merchant B.
        let jane = w
            .app
            .send(Req::post("/api/v1/users").json(&new_user("jane@example.com", "merchant")).lang("en-GB,en;q=0.8"))
            .await
            .expect(201)
            .json();
        let jane_id = jane["id"].as_i64().unwrap();
        services::merchants::link_account(&w.app.svc, w.merchant_b as i32, jane_id as i32).await.unwrap();

        let v = w.file_as(R::C, &w.complaint(json!(USCC_B), "TB-77")).await.expect(201).json();
        let id = v["id"].as_i64().unwrap();
        let number = v["number"].as_str().unwrap().to_string();
        assert!(w.app.mailbox().is_empty(), "queued, sent by the worker");
        assert_eq!(w.app.deliver_mail().await, 2, "jane's verification and the complaint");
        assert_eq!(w.app.deliver_mail().await, 0);
        let mails: Vec<_> = w
            .app
            .mail_to("jane@example.com")
            .into_iter()
            .filter(|m| m.message.subject.contains(&number))
            .collect();
        assert_eq!(mails.len(), 1);
        let m = &mails[0].message;
        assert_eq!(m.subject, format!("[Gongdao] case {number}: a new complaint against you"));
        let lines: Vec<&str> = m.body.lines().collect();
        assert_eq!(lines.first(), Some(&"Hello 王小明,"), "{:?}", m.body);
        assert!(
            lines.contains(&format!("There is news on case {number} ({TITLE}): a new complaint against you.").as_str()),
            "{:?}",
            m.body
        );
        assert!(lines.contains(&format!("http://gongdao.test/cases/{id}").as_str()), "{:?}", m.body);
        // Nobody else: not the consumer who filed, not merchant B's former account.
        assert!(w.app.mail_to(&w.who(R::C).email).is_empty());
        assert!(w.app.mail_to(&w.who(R::M2).email).is_empty());
        let inbox: Vec<String> = entities::notification::Entity::find()
            .filter(entities::notification::Column::UserId.eq(jane_id as i32))
            .all(&w.app.svc.db)
            .await
            .unwrap()
            .into_iter()
            .map(|n| n.key)
            .collect();
        assert_eq!(inbox, ["filed"]);

        // A Chinese-speaking merchant account hears in Chinese.
        let v = w.file().await;
        let zh_number = v["number"].as_str().unwrap().to_string();
        assert_eq!(w.app.deliver_mail().await, 1);
        let mails = w.app.mail_to(&w.who(R::M).email);
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].message.subject, format!("[公道] 案件 {zh_number}：您收到一件新投诉"));
        assert!(mails[0].message.body.starts_with("您好，海淀电器客服：\n\n"), "{:?}", mails[0].message.body);

        // And when the English-speaking merchant answers, the consumer hears in Chinese.
        let token = w.app.login("jane@example.com").await;
        w.app
            .send(Req::post(&format!("/api/v1/cases/{id}/actions")).json(&w.body("respond", Stage::AwaitingMerchant)).bearer(&token))
            .await
            .expect(200);
        assert_eq!(w.app.deliver_mail().await, 1);
        let mails = w.app.mail_to(&w.who(R::C).email);
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].message.subject, format!("[公道] 案件 {number}：商户已回应"));
        assert!(mails[0].message.body.contains(&format!("http://gongdao.test/cases/{id}")));
    }

    async fn a_missed_decision_deadline_is_overdue_for_staff_and_counted(app) {
        let w = World::new(app).await;
        let stats = |r: R| {
            let w = &w;
            async move {
                w.app
                    .send(Req::get("/api/v1/statistics/cases").bearer(w.token(r)).lang("en"))
                    .await
            }
        };
        // Parties never see the staff statistics.
        for r in [R::C, R::M] {
            let resp = stats(r).await;
            assert_eq!(resp.status, 403, "{r:?}: {}", resp.text());
        }
        let before = stats(R::Reg).await.expect(200).json();
        assert_eq!(before["decisions_overdue"], 0);

        let id = w.case_at(Stage::Arbitrating).await;
        let v = w.view(R::Arb, id).await;
        let decide_by = instant(&deadline(&v, "decide_by")["at"]);
        assert!(v["decision_overdue_at"].is_null());
        // The sweeper looks at it when the decision is due, not before.
        let r = services::cases::sweep::sweep(&w.app.svc, decide_by - Duration::seconds(1)).await.unwrap();
        assert_eq!(r.transitions, 0);
        let r = services::cases::sweep::sweep(&w.app.svc, decide_by).await.unwrap();
        assert_eq!(r.transitions, 1);
        let r = services::cases::sweep::sweep(&w.app.svc, decide_by + Duration::days(3)).await.unwrap();
        assert_eq!(r.transitions, 0, "marked once");

        // Still in arbitration, still the arbitrator's to decide; overdue.
        let v = w.view(R::Arb, id).await;
        assert_eq!(v["status"], "in_arbitration");
        assert_eq!(instant(&v["decision_overdue_at"]), decide_by);
        assert!(w.allowed(R::Arb, id).await.contains(&"decide".to_string()));
        assert_eq!(w.trail_kinds(id).await.last().map(String::as_str), Some("deadline_elapsed"));
        w.assert_trail_ok(id, w.trail(id).await.len()).await;
        // The arbitrator is alerted; both parties are told it is being followed up.
        assert!(w.inbox(R::Arb, id).await.contains(&"decision_overdue".to_string()));
        for r in [R::C, R::M] {
            assert!(w.inbox(r, id).await.contains(&"decision_overdue_party".to_string()), "{r:?}");
        }
        // The arbitrator's list marks it; the statistics count it, by owner.
        let list = w.list(R::Arb, "role_view=mine").await.expect(200).json();
        let row = list["items"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap().clone();
        assert_eq!(row["decision_overdue"], true);
        for r in [R::Reg, R::Arb, R::Med, R::Adm, R::Fund] {
            let s = stats(r).await.expect(200).json();
            assert_eq!(s["decisions_overdue"], 1, "{r:?}");
            assert_eq!(s["decisions_overdue_by_owner"][0]["owner_id"], w.who(R::Arb).id);
            assert_eq!(s["decisions_overdue_by_owner"][0]["count"], 1);
        }
        // Decided late: no longer overdue, counted as late.
        w.act(R::Arb, id, &w.body("decide", Stage::Arbitrating)).await.expect(200);
        let s = stats(R::Reg).await.expect(200).json();
        assert_eq!(s["decisions_overdue"], 0);
        assert_eq!(s["decided_late"], 1);
        let list = w.list(R::Arb, "role_view=mine").await.expect(200).json();
        let row = list["items"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap().clone();
        assert_eq!(row["decision_overdue"], false);
    }
}
