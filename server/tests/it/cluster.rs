//! Two servers on one database (each its own pool, data folder and caches):
//! sweeping at the same instant moves a case and reminds once, a calendar
//! edit through one reaches the other's deadlines within a second, and an
//! evidence file uploaded through one is served through the other.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use domain::Role;
use serde_json::json;
use services::cases::sweep::{SweepReport, sweep};

use crate::cases::{R, World, beijing, deadline, instant};
use crate::harness::{Req, TestApp, backend_tests};

fn sum(a: &SweepReport, b: &SweepReport) -> (usize, usize) {
    (a.transitions + b.transitions, a.reminders + b.reminders)
}

fn form(endpoint: &str, fields: &[(&str, &str)]) -> Req {
    Req::server_fn(endpoint, fields)
}

async fn close(b: TestApp) {
    test_db::close(&b.svc.db).await;
}

backend_tests! {
    async fn two_servers_sweeping_at_the_same_instant_move_each_case_once_and_remind_once(app) {
        let w = World::new(app).await;
        let b = w.app.second_server().await;
        let mut cases = vec![];
        for _ in 0..3 {
            let v = w.file().await;
            cases.push((v["id"].as_i64().unwrap(), instant(&deadline(&v, "negotiate_until")["at"])));
        }
        let negotiate_until = cases[0].1;
        assert!(cases.iter().all(|(_, at)| *at == negotiate_until), "filed at one fixed instant");

        // The merchant's last day to answer: each case's reminder goes out once.
        let at = beijing("2026-11-25 09:00");
        let (ra, rb) = tokio::join!(sweep(&w.app.svc, at), sweep(&b.svc, at));
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert_eq!(sum(&ra, &rb), (0, 3), "{ra} / {rb}");
        // The deadline itself, both at once, twice over.
        for round in 0..2 {
            let (ra, rb) = tokio::join!(sweep(&w.app.svc, negotiate_until), sweep(&b.svc, negotiate_until));
            let (ra, rb) = (ra.unwrap(), rb.unwrap());
            let want = if round == 0 { 3 } else { 0 };
            assert_eq!(sum(&ra, &rb).0, want, "round {round}: {ra} / {rb}");
        }
        for (id, _) in &cases {
            let id = *id;
            assert_eq!(w.view(R::C, id).await["status"], "in_mediation");
            let kinds = w.trail_kinds(id).await;
            assert_eq!(kinds, ["filed", "deadline_elapsed"]);
            w.assert_trail_ok(id, 2).await;
            assert_eq!(w.inbox(R::M, id).await, ["filed", "reminder", "escalated"]);
            assert_eq!(w.inbox(R::C, id).await, ["escalated"]);
        }
        // One reminder mail per case reached the merchant.
        w.app.deliver_mail().await;
        let reminders = w
            .app
            .mail_to(&w.who(R::M).email)
            .into_iter()
            .filter(|m| m.message.subject.contains("期限将在一个工作日内到期"))
            .count();
        assert_eq!(reminders, 3);
        close(b).await;
    }

    async fn a_calendar_edit_through_one_server_reaches_the_others_deadlines_within_a_second(app) {
        let w = World::new(app).await;
        let b = w.app.second_server().await;
        let follower = tokio::spawn(services::settings::follow(b.svc.clone()));
        // Filed on Monday 23 November through B: two working days to answer.
        let file_through_b = || {
            let body = w.complaint(json!(w.merchant_a), &w.next_ref());
            b.send(Req::post("/api/v1/cases").json(&body).bearer(w.token(R::C)).lang("en"))
        };
        let v = file_through_b().await.expect(201).json();
        assert_eq!(instant(&deadline(&v, "respond_by")["at"]), beijing("2026-11-26 00:00"));

        // The admin makes Tuesday a holiday through A.
        let admin = w.app.create_staff(Role::Admin).await;
        let token = w.app.login(&admin).await;
        let edited = Instant::now();
        let r = w.app.send(form("admin/calendar/set", &[("day", "2026-11-24"), ("kind", "holiday"), ("note", "测试假日")]).cookie(&token)).await;
        assert!(r.status.is_success() || r.status.is_redirection(), "{}: {}", r.status, r.text());
        let tuesday = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        // A uses it at once.
        let cal = services::record::calendar::current(&w.app.svc, &w.app.svc.db).await.unwrap();
        assert!(!cal.is_working_day(tuesday));
        // B's next deadline, within a second.
        let v = loop {
            let v = file_through_b().await.expect(201).json();
            if instant(&deadline(&v, "respond_by")["at"]) == beijing("2026-11-27 00:00") {
                break v;
            }
            assert!(edited.elapsed() < Duration::from_secs(1), "B still computes with the old calendar: {v}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        eprintln!("B used the edited calendar after {:?}", edited.elapsed());
        assert_eq!(v["status"], "awaiting_merchant");
        follower.abort();
        close(b).await;
    }

    async fn evidence_uploaded_through_one_server_is_served_through_the_other(app) {
        let w = World::new(app).await;
        let shared = w.app.svc.config.data_dir.join("shared-files");
        // Both servers point GONGDAO_FILES_DIR at one folder; their data folders differ.
        let a = w.app.second_server_with(|c| c.files_dir = shared.clone()).await;
        let b = w.app.second_server_with(|c| c.files_dir = shared.clone()).await;
        assert_ne!(a.svc.config.data_dir, b.svc.config.data_dir);
        let id = w.file().await["id"].as_i64().unwrap();
        let png = b"\x89PNG\r\n\x1a\n shared folder evidence".to_vec();
        let boundary = "gongdao-test-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.png\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(&png);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let up = a
            .send(
                Req::post(&format!("/api/v1/cases/{id}/evidence"))
                    .header("content-type", &format!("multipart/form-data; boundary={boundary}"))
                    .body(body)
                    .bearer(w.token(R::C)),
            )
            .await
            .expect(201)
            .json();
        let evidence_id = up["id"].as_i64().unwrap();
        let got = b
            .send(Req::get(&format!("/api/v1/evidence/{evidence_id}")).bearer(w.token(R::M)))
            .await
            .expect(200);
        assert_eq!(got.body.to_vec(), png);
        assert!(!w.app.svc.config.files_dir.exists(), "nothing under the first server's own folder");
        close(a).await;
        close(b).await;
    }
}
