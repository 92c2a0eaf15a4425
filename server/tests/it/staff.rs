//! Staff tooling: case lists a page at a time with text search and
//! filters (and what they cannot widen), the workload view, internal notes
//! that the parties never read (trail, bundle, case page, notices) while
//! the whole chain still verifies, and recusal.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};

use serde_json::{Value, json};

use crate::bundle::{download, files, published, verify};
use crate::cases::{R, Stage, World, instant};
use crate::harness::{Req, backend_tests};

/// Every page of `query` as `r` sees it, following `next`: the ids of each page.
async fn pages(w: &World, r: R, query: &str) -> Vec<Vec<i64>> {
    let mut out = vec![];
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("{query}&cursor={}", urlencoding::encode(c)),
            None => query.to_string(),
        };
        let v = w.list(r, &q).await.expect(200).json();
        out.push(
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_i64().unwrap())
                .collect(),
        );
        match v["next"].as_str() {
            Some(n) => cursor = Some(n.to_string()),
            None => return out,
        }
        assert!(out.len() < 10, "{query}: paging does not end");
    }
}

fn sizes(p: &[Vec<i64>]) -> Vec<usize> {
    p.iter().map(Vec::len).collect()
}

fn flat(p: &[Vec<i64>]) -> Vec<i64> {
    p.iter().flatten().copied().collect()
}

/// `r` files a complaint against `merchant` with some fields changed.
async fn file_with(w: &World, r: R, merchant: i64, change: Value) -> i64 {
    let mut body = w.complaint(json!(merchant), &w.next_ref());
    for (k, v) in change.as_object().unwrap() {
        body[k] = v.clone();
    }
    w.file_as(r, &body).await.expect(201).json()["id"]
        .as_i64()
        .unwrap()
}

async fn note(w: &World, r: R, id: i64, text: &str) -> crate::harness::Resp {
    w.app
        .send(
            Req::post(&format!("/api/v1/cases/{id}/notes"))
                .json(&json!({ "note": text }))
                .bearer(w.token(r))
                .lang("en"),
        )
        .await
}

async fn recuse(w: &World, r: R, id: i64, reason: &str) -> crate::harness::Resp {
    w.app
        .send(
            Req::post(&format!("/api/v1/cases/{id}/recuse"))
                .json(&json!({ "reason": reason }))
                .bearer(w.token(r))
                .lang("en"),
        )
        .await
}

async fn workload(w: &World, r: R) -> crate::harness::Resp {
    w.app
        .send(
            Req::get("/api/v1/staff/workload")
                .bearer(w.token(r))
                .lang("en"),
        )
        .await
}

/// The load line of staff member `r` in the workload.
fn load_of(wl: &Value, w: &World, r: R) -> (u64, u64, u64) {
    let id = w.who(r).id;
    let line = ["mediators", "arbitrators"]
        .iter()
        .flat_map(|k| wl[*k].as_array().unwrap().iter())
        .find(|l| l["user_id"].as_i64() == Some(id))
        .unwrap_or_else(|| panic!("{r:?} not in {wl}"));
    (
        line["open"].as_u64().unwrap(),
        line["overdue"].as_u64().unwrap(),
        line["due_soon"].as_u64().unwrap(),
    )
}

/// The case's next stage deadline, as the admin's list says.
async fn next_deadline(w: &World, id: i64) -> DateTime<Utc> {
    let v = w
        .list(R::Adm, "role_view=all&limit=200")
        .await
        .expect(200)
        .json();
    let item = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"].as_i64() == Some(id))
        .cloned()
        .unwrap();
    instant(&item["next_deadline_at"])
}

backend_tests! {
    async fn a_hundred_and_twenty_cases_come_in_pages_of_50_50_20_without_duplicates_or_gaps(app) {
        let w = World::new(app).await;
        let mut mine = vec![];
        let mut theirs = vec![];
        // Four days of filings, so that the deadlines differ and tie within a day.
        for day in 0..4 {
            if day > 0 {
                w.set_now(w.now() + Duration::days(1));
            }
            for i in 0..30 {
                if i % 6 == 5 {
                    theirs.push(file_with(&w, R::C2, w.merchant_b, json!({})).await);
                } else {
                    mine.push(file_with(&w, R::C, w.merchant_a, json!({})).await);
                }
            }
        }
        assert_eq!((mine.len(), theirs.len()), (100, 20));
        let mut all: Vec<i64> = mine.iter().chain(&theirs).copied().collect();
        all.sort();

        // Newest first: ids descending, 50/50/20.
        let newest = pages(&w, R::Adm, "role_view=all&sort=newest").await;
        assert_eq!(sizes(&newest), vec![50, 50, 20]);
        let mut want = all.clone();
        want.reverse();
        assert_eq!(flat(&newest), want);
        // `before=<id>` is the same page as the cursor.
        assert_eq!(w.list_ids(R::Adm, &format!("role_view=all&before={}", want[49])).await, want[50..100].to_vec());

        // Nearest deadline first, ties by id: every case once.
        let by_deadline = pages(&w, R::Adm, "role_view=all").await;
        assert_eq!(sizes(&by_deadline), vec![50, 50, 20]);
        let listed = flat(&by_deadline);
        assert_eq!(listed.iter().copied().collect::<BTreeSet<_>>().len(), 120, "no duplicates");
        let mut sorted = listed.clone();
        sorted.sort();
        assert_eq!(sorted, all, "no gaps");
        let mut keyed = vec![];
        for i in w.list(R::Adm, "role_view=all&limit=200").await.expect(200).json()["items"].as_array().unwrap() {
            keyed.push((instant(&i["next_deadline_at"]), i["id"].as_i64().unwrap()));
        }
        keyed.sort();
        assert_eq!(keyed.iter().map(|k| k.0).collect::<BTreeSet<_>>().len(), 4, "one deadline a day");
        assert_eq!(listed, keyed.iter().map(|k| k.1).collect::<Vec<_>>());
        // The first day's 30 cases share a deadline: the 50-case page boundary falls inside the next day's tie.
        assert_eq!(by_deadline[0][..30].iter().copied().collect::<BTreeSet<_>>(), all[..30].iter().copied().collect());

        // A larger page, and the limits.
        let one = w.list(R::Adm, "role_view=all&limit=200").await.expect(200).json();
        assert_eq!((one["items"].as_array().unwrap().len(), one["next"].is_null()), (120, true));
        assert_eq!(w.list(R::Adm, "role_view=all&limit=201").await.expect(422).error().1.as_deref(), Some("limit"));
        assert_eq!(w.list(R::Adm, "role_view=all&limit=0").await.expect(422).error().1.as_deref(), Some("limit"));
        assert_eq!(w.list(R::Adm, "role_view=all&cursor=bogus").await.expect(422).error().1.as_deref(), Some("cursor"));
        assert_eq!(w.list(R::Adm, "role_view=all&sort=deadline&before=5").await.expect(422).error().1.as_deref(), Some("cursor"));

        // Parties page through their own cases only, whatever they ask.
        let c = pages(&w, R::C, "").await;
        assert_eq!(sizes(&c), vec![50, 50]);
        assert_eq!(flat(&c).into_iter().collect::<BTreeSet<_>>(), mine.iter().copied().collect());
        let c2 = pages(&w, R::C2, "sort=newest").await;
        assert_eq!(sizes(&c2), vec![20]);
        let m = pages(&w, R::M, "limit=200").await;
        assert_eq!(flat(&m).into_iter().collect::<BTreeSet<_>>(), mine.iter().copied().collect());
        // A cursor from the admin's list does not widen a party's.
        let admin_cursor = w.list(R::Adm, "role_view=all&sort=newest").await.expect(200).json()["next"].as_str().unwrap().to_string();
        let after = w.list_ids(R::C2, &format!("sort=newest&cursor={admin_cursor}")).await;
        assert!(after.iter().all(|id| theirs.contains(id)), "{after:?}");
        // The assignee filter is for staff; the views stay per role.
        for r in [R::C, R::M] {
            w.list(r, "assignee=none").await.expect(403);
            w.list(r, "role_view=all").await.expect(403);
        }
    }

    async fn search_finds_chinese_substrings_order_references_numbers_and_merchants_case_insensitively(app) {
        let w = World::new(app).await;
        let noisy = file_with(&w, R::C, w.merchant_a, json!({"title": "空调外机噪音太大", "narrative": "安装后空调外机噪音很大，晚上无法入睡，要求更换。"})).await;
        let odd_ref = file_with(&w, R::C, w.merchant_a, json!({"order_ref": "TB-2026_99%Xy"})).await;
        let plain = file_with(&w, R::C, w.merchant_a, json!({"order_ref": "TB-2026-99aXy"})).await;
        let other = file_with(&w, R::C2, w.merchant_b, json!({"title": "毛衣起球严重", "narrative": "新买的毛衣洗一次就起球，外机不相关。"})).await;
        let ids = |q: &str| {
            let w = &w;
            let q = format!("role_view=all&sort=newest&q={}", urlencoding::encode(q));
            async move { w.list_ids(R::Adm, &q).await }
        };
        // The complaint's title and narrative, by a Chinese substring.
        assert_eq!(ids("外机噪音").await, vec![noisy]);
        assert_eq!(ids("无法入睡").await, vec![noisy]);
        assert_eq!(ids("外机").await, vec![other, noisy]);
        // The order reference, Latin letters in any case; `_` and `%` match only themselves.
        assert_eq!(ids("tb-2026_99%xY").await, vec![odd_ref]);
        assert_eq!(ids("_99").await, vec![odd_ref]);
        assert_eq!(ids("%").await, vec![odd_ref]);
        assert_eq!(ids("2026-99AXY").await, vec![plain]);
        // The merchant's name, and the case number in lower case.
        assert_eq!(ids("东城百货").await, vec![other]);
        let number = w.view(R::Adm, noisy).await["number"].as_str().unwrap().to_lowercase();
        assert_eq!(ids(&number).await, vec![noisy]);
        assert!(ids("没有这样的案件").await.is_empty());
        // Search only narrows what the caller may see.
        assert_eq!(w.list_ids(R::C2, &format!("q={}", urlencoding::encode("外机"))).await, vec![other]);
        assert!(w.list_ids(R::C2, &format!("q={}", urlencoding::encode("噪音"))).await.is_empty());
        assert!(w.list_ids(R::M2, "q=TB-2026").await.is_empty());
        assert_eq!(w.list_ids(R::M, "q=tb-2026&sort=newest").await, vec![plain, odd_ref]);
        // Blank is absent; too long is refused naming the field.
        assert_eq!(w.list_ids(R::C2, "q=%20%20").await, vec![other]);
        assert_eq!(w.list(R::Adm, &format!("q={}", urlencoding::encode(&"长".repeat(101)))).await.expect(422).error().1.as_deref(), Some("q"));
    }

    async fn filters_by_status_deadline_and_assignee(app) {
        let w = World::new(app).await;
        let early = w.case_at(Stage::AwaitingMerchant).await;
        let taken = w.case_at(Stage::Mediating).await;
        let queued = w.case_at(Stage::QueuedMediation).await;
        let arbitrating = w.case_at(Stage::Arbitrating).await;
        w.set_now(w.now() + Duration::days(3));
        let late = w.case_at(Stage::AwaitingMerchant).await;
        let all = |q: &str| {
            let w = &w;
            let q = format!("role_view=all&sort=newest&{q}");
            async move { w.list_ids(R::Adm, &q).await }
        };
        // Status.
        assert_eq!(all("status=in_mediation").await, vec![queued, taken]);
        assert_eq!(all("status=awaiting_merchant").await, vec![late, early]);
        // Assignee: me, nobody, a given staff member.
        assert_eq!(w.list_ids(R::Med, "role_view=all&assignee=me").await, vec![taken]);
        assert_eq!(all(&format!("assignee={}", w.who(R::Arb).id)).await, vec![arbitrating]);
        assert_eq!(all("assignee=none&status=in_mediation").await, vec![queued]);
        assert_eq!(all("assignee=none").await, vec![late, queued, early]);
    }

    async fn deadline_filters_count_working_days(app) {
        let w = World::new(app).await;
        // Filed Monday 2026-11-23: negotiation (the stage deadline while the
        // case awaits the merchant) ends with the 10th working day, Monday 7 December.
        let early = w.case_at(Stage::AwaitingMerchant).await;
        // Filed Wednesday: it ends on Wednesday 9 December.
        w.set_now(w.now() + Duration::days(2));
        let late = w.case_at(Stage::AwaitingMerchant).await;
        let (d_early, d_late) = (next_deadline(&w, early).await, next_deadline(&w, late).await);
        assert_eq!(d_early, crate::cases::beijing("2026-12-08 00:00"), "the end of Monday 7 December");
        assert_eq!(d_late, crate::cases::beijing("2026-12-10 00:00"), "the end of Wednesday 9 December");
        let ids = |q: &'static str| {
            let w = &w;
            async move { w.list_ids(R::Adm, &format!("role_view=all&sort=newest&{q}")).await }
        };
        assert!(ids("deadline=overdue").await.is_empty());
        assert!(ids("due_within_days=5").await.is_empty(), "Wednesday 25 November: both are further off");
        w.set_now(crate::cases::beijing("2026-12-07 10:00"));
        // Monday 7 December: within 1 working day (by the end of Tuesday) only
        // the early case; within 2 (by the end of Wednesday) both.
        assert_eq!(ids("due_within_days=1").await, vec![early]);
        assert_eq!(ids("due_within_days=2").await, vec![late, early]);
        assert_eq!(ids("deadline=due").await, vec![late, early]);
        // Tuesday: the early case is overdue, and no longer "due".
        w.set_now(d_early + Duration::minutes(1));
        assert_eq!(ids("deadline=overdue").await, vec![early]);
        assert_eq!(ids("due_within_days=1").await, vec![late]);
        assert_eq!(w.list(R::Adm, "deadline=overdue&due_within_days=2").await.expect(422).error().1.as_deref(), Some("due_within_days"));
        assert_eq!(w.list(R::Adm, "deadline=soon").await.expect(422).error().1.as_deref(), Some("deadline"));
        assert_eq!(w.list(R::Adm, "due_within_days=61").await.expect(422).error().1.as_deref(), Some("due_within_days"));
        assert_eq!(w.list(R::Adm, "assignee=x").await.expect(422).error().1.as_deref(), Some("assignee"));
        // A party filters its own cases by deadline too.
        assert_eq!(w.list_ids(R::C, "deadline=overdue").await, vec![early]);
        assert!(w.list_ids(R::C2, "deadline=overdue").await.is_empty());
    }

    async fn lists_show_working_days_left_and_mark_what_is_new_to_each_reader(app) {
        let w = World::new(app).await;
        let id = w.case_at(Stage::AwaitingMerchant).await;
        let item = |r: R| {
            let w = &w;
            async move {
                let v = w.list(r, "sort=newest").await.expect(200).json();
                v["items"].as_array().unwrap().iter().find(|i| i["id"] == id).cloned().unwrap()
            }
        };
        let left = |v: &Value| (v["working_days_left"].as_i64(), v["deadline_passed"].as_bool().unwrap());
        // The merchant has not opened the consumer's new complaint; the
        // consumer filed it and has nothing new.
        assert_eq!(item(R::M).await["unread"], true);
        assert_eq!(item(R::C).await["unread"], false);
        w.view(R::M, id).await;
        assert_eq!(item(R::M).await["unread"], false, "read once opened");
        // The merchant answers: new for the consumer, not for the merchant.
        w.ok(R::M, id, "respond", Stage::AwaitingMerchant).await;
        assert_eq!(item(R::C).await["unread"], true);
        assert_eq!(item(R::M).await["unread"], false);
        w.view(R::C, id).await;
        assert_eq!(item(R::C).await["unread"], false);
        // A mediator's internal note is new to staff, never to the parties.
        note(&w, R::Reg, id, "监管部门已关注。").await.expect(201);
        assert_eq!(item(R::C).await["unread"], false);
        assert_eq!(item(R::M).await["unread"], false);
        let staff = w.list(R::Adm, "role_view=all&sort=newest").await.expect(200).json();
        assert_eq!(staff["items"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap()["unread"], true);
        // Working days left to the stage deadline (the end of a working day,
        // holidays and weekends skipped), counting today: on Friday 4
        // December, Friday and Monday 7 December are left; on the Monday, 1.
        let deadline = next_deadline(&w, id).await;
        w.set_now(crate::cases::beijing("2026-12-04 10:00"));
        assert_eq!(deadline, crate::cases::beijing("2026-12-08 00:00"), "the end of Monday 7 December");
        assert_eq!(left(&item(R::C).await), (Some(2), false), "Friday and Monday");
        w.set_now(deadline - Duration::hours(2));
        assert_eq!(left(&item(R::M).await), (Some(1), false), "the last working day");
        w.set_now(deadline + Duration::minutes(1));
        assert_eq!(left(&item(R::M).await), (None, true), "past the deadline");
        // The same in a stranger's list: the case is not there at all.
        let other = w.list(R::C2, "sort=newest").await.expect(200).json();
        assert!(other["items"].as_array().unwrap().iter().all(|i| i["id"] != id));
    }

    async fn the_workload_counts_each_mediators_and_arbitrators_cases(app) {
        let w = World::new(app).await;
        let a = w.case_at(Stage::Mediating).await;
        let b = w.case_at(Stage::Mediating).await;
        let c = w.case_at(Stage::QueuedMediation).await;
        w.ok(R::Med2, c, "take", Stage::QueuedMediation).await;
        w.case_at(Stage::QueuedMediation).await;
        w.case_at(Stage::QueuedMediation).await;
        w.case_at(Stage::Arbitrating).await;
        w.case_at(Stage::QueuedArbitration).await;
        w.case_at(Stage::Closed).await;
        let wl = workload(&w, R::Med).await.expect(200).json();
        assert_eq!(load_of(&wl, &w, R::Med), (2, 0, 0), "{wl}");
        assert_eq!(load_of(&wl, &w, R::Med2), (1, 0, 0));
        assert_eq!(load_of(&wl, &w, R::Arb), (1, 0, 0));
        assert_eq!(load_of(&wl, &w, R::Arb2), (0, 0, 0));
        assert_eq!((wl["mediation_queue"].as_u64(), wl["arbitration_queue"].as_u64()), (Some(2), Some(1)));
        assert_eq!(wl["mediators"].as_array().unwrap().len(), 2);
        assert_eq!(wl["arbitrators"].as_array().unwrap().len(), 2);
        assert_eq!(wl["due_within_days"], 3);
        for r in [R::C, R::C2, R::M, R::Reg, R::Fund] {
            workload(&w, r).await.expect(403);
        }
        w.app.send(Req::get("/api/v1/staff/workload")).await.expect(401);
        // The mediation deadline of a, b, c (all filed and taken at once)
        // comes near, then passes (sessions of two months ago have expired: sign in again).
        let mediate_until = next_deadline(&w, a).await;
        assert_eq!(next_deadline(&w, c).await, mediate_until);
        w.set_now(mediate_until - Duration::hours(30));
        let arb = w.app.login(&w.who(R::Arb).email).await;
        let wl = w.app.send(Req::get("/api/v1/staff/workload").bearer(&arb)).await.expect(200).json();
        assert_eq!(load_of(&wl, &w, R::Med), (2, 0, 2), "{wl}");
        assert_eq!(load_of(&wl, &w, R::Med2), (1, 0, 1));
        w.set_now(mediate_until + Duration::minutes(1));
        let adm = w.app.login(&w.who(R::Adm).email).await;
        let wl = w.app.send(Req::get("/api/v1/staff/workload").bearer(&adm)).await.expect(200).json();
        assert_eq!(load_of(&wl, &w, R::Med), (2, 2, 0), "{wl}");
        assert_eq!(load_of(&wl, &w, R::Med2), (1, 1, 0));
        assert_eq!(load_of(&wl, &w, R::Arb).0, 1);
        // The list the workload links to agrees.
        let overdue = w.app.send(Req::get(&format!("/api/v1/cases?role_view=all&sort=newest&deadline=overdue&assignee={}", w.who(R::Med).id)).bearer(&adm)).await.expect(200).json();
        let ids: Vec<i64> = overdue["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect();
        assert_eq!(ids, vec![b, a]);
    }

    async fn internal_notes_are_read_by_staff_only_and_the_chain_still_verifies(app) {
        let w = World::new(app).await;
        let id = w.case_at(Stage::Mediating).await;
        let secret = "商家法务私下承认批次质量问题（内部）";
        let inbox_before = (w.inbox(R::C, id).await, w.inbox(R::M, id).await);
        let e = note(&w, R::Med, id, secret).await.expect(201).json();
        assert_eq!((e["kind"].as_str(), e["body"]["topic"].as_str(), e["body"]["note"].as_str()), (Some("internal"), Some("staff_note"), Some(secret)));
        note(&w, R::Reg, id, "监管部门已关注。").await.expect(201);
        // Parties and strangers may not add one; the note is checked.
        for r in [R::C, R::C2, R::M, R::M2] {
            note(&w, r, id, "我也想写备注").await.expect(403);
        }
        assert_eq!(note(&w, R::Med, id, "  ").await.expect(422).error().1.as_deref(), Some("note"));
        assert_eq!(note(&w, R::Med, id, &"字".repeat(2001)).await.expect(422).error().1.as_deref(), Some("note"));
        note(&w, R::Med, id, &"字".repeat(2000)).await.expect(201);
        note(&w, R::Med2, 999_999, "无此案").await.expect(404);
        // Staff read the notes in the trail.
        let staff_trail = w.trail(id).await;
        let total = staff_trail.len();
        assert!(staff_trail.iter().any(|e| e["body"]["note"] == secret));
        // The parties never do: not in the trail, not on the case page, not in the bundle, not in a notice.
        for r in [R::C, R::M] {
            let t = w.app.send(Req::get(&format!("/api/v1/cases/{id}/trail")).bearer(w.token(r))).await.expect(200);
            assert!(!t.text().contains(secret) && !t.text().contains("staff_note"), "{r:?}: {}", t.text());
            assert_eq!(t.json()["entries"].as_array().unwrap().len(), total - 3, "{r:?}");
            let page = w.app.send(Req::server_fn("cases/get", &[("id", id.to_string())]).cookie(w.token(r))).await.expect(200);
            assert!(!page.text().contains(secret), "{r:?} case page");
            let v = w.app.send(Req::get(&format!("/api/v1/cases/{id}/trail/verify")).bearer(w.token(r))).await.expect(200).json();
            assert_eq!((v["ok"].as_bool(), v["entries"].as_u64()), (Some(true), Some(total as u64)), "{r:?}: {v}");
        }
        assert_eq!((w.inbox(R::C, id).await, w.inbox(R::M, id).await), inbox_before);
        let (_, keys) = published(&w.app).await;
        for r in [R::C, R::M] {
            let zip = download(&w.app, w.token(r), id, "").await.expect(200).body.to_vec();
            let report = verify(&zip, &keys).unwrap_or_else(|e| panic!("{r:?}: {e}"));
            assert_eq!(report.entries, total, "{r:?}: {report}");
            for (name, bytes) in files(&zip) {
                assert!(!String::from_utf8_lossy(&bytes).contains(secret), "{r:?} {name}");
            }
            let trail: Vec<Value> = serde_json::from_slice(&files(&zip)["trail.json"]).unwrap();
            let withheld = trail.iter().filter(|e| e["body_redacted"] == "{\"withheld\":\"internal\"}").count();
            assert_eq!(withheld, 3, "{r:?}");
        }
        // Staff's bundle holds the note, and verifies too.
        let zip = download(&w.app, w.token(R::Med), id, "").await.expect(200).body.to_vec();
        verify(&zip, &keys).unwrap();
        assert!(String::from_utf8_lossy(&files(&zip)["trail.json"]).contains(secret));
        // `gongdao verify-trails` checks every chain, notes included.
        let (checked, broken) = services::record::trail::verify_all(&w.app.svc.db).await.unwrap();
        assert_eq!((checked, broken.map(|b| b.case_id)), (1, None));
    }

    async fn the_owner_recuses_and_may_not_take_the_case_again(app) {
        let w = World::new(app).await;
        let id = w.case_at(Stage::Mediating).await;
        let queued = w.case_at(Stage::QueuedMediation).await;
        // Only the owner, only with a reason.
        recuse(&w, R::Med2, id, "回避").await.expect(403);
        recuse(&w, R::Arb, id, "回避").await.expect(403);
        recuse(&w, R::C, id, "回避").await.expect(403);
        recuse(&w, R::Adm, id, "回避").await.expect(403);
        recuse(&w, R::Med, queued, "回避").await.expect(403);
        recuse(&w, R::Med, 999_999, "回避").await.expect(404);
        assert_eq!(recuse(&w, R::Med, id, " ").await.expect(422).error().1.as_deref(), Some("reason"));
        let queued_notices = |keys: Vec<String>| keys.iter().filter(|k| *k == "queued_mediation").count();
        let before = queued_notices(w.inbox(R::Med2, id).await);
        let v = recuse(&w, R::Med, id, "本人曾在该商家任职").await.expect(200).json();
        assert_eq!((v["status"].as_str(), v["owner_id"].is_null()), (Some("in_mediation"), true));
        let last = w.trail(id).await.last().cloned().unwrap();
        assert_eq!((last["kind"].as_str(), last["body"]["reason"].as_str()), (Some("recuse"), Some("本人曾在该商家任职")));
        assert_eq!(w.verify(id).await["ok"], true);
        // Back in the queue; the other mediators are told.
        assert!(w.list_ids(R::Med2, "role_view=queue").await.contains(&id));
        assert_eq!(queued_notices(w.inbox(R::Med2, id).await), before + 1);
        assert_eq!(w.inbox(R::C, id).await.last().map(String::as_str), Some("taken"), "the parties are not told");
        // The recused mediator may not take it again, nor be handed it.
        assert!(!w.allowed(R::Med, id).await.contains(&"take".to_string()));
        w.act(R::Med, id, &w.body("take", Stage::QueuedMediation)).await.expect(403);
        recuse(&w, R::Med, id, "再次").await.expect(403);
        w.ok(R::Med2, id, "take", Stage::QueuedMediation).await;
        let handover = json!({"action": "handover", "to": w.who(R::Med).id, "reason": "工作量"});
        assert_eq!(w.act(R::Med2, id, &handover).await.expect(422).error().1.as_deref(), Some("to"));
        // Arbitrators alike.
        let arb = w.case_at(Stage::Arbitrating).await;
        recuse(&w, R::Arb2, arb, "回避").await.expect(403);
        recuse(&w, R::Arb, arb, "与消费者相识").await.expect(200);
        w.act(R::Arb, arb, &w.body("take", Stage::QueuedArbitration)).await.expect(403);
        w.ok(R::Arb2, arb, "take", Stage::QueuedArbitration).await;
        // Through the page's form too.
        let third = w.case_at(Stage::Mediating).await;
        let r = w.app.send(Req::server_fn("cases/recuse", &[("id", third.to_string()), ("reason", "利益冲突".to_string())]).cookie(w.token(R::Med))).await;
        assert!(r.status.as_u16() < 400, "{}", r.text());
        assert!(w.view(R::Adm, third).await["owner_id"].is_null());
    }

    async fn an_admin_reassigns_a_departed_mediators_cases_and_may_then_deactivate_them(app) {
        let w = World::new(app).await;
        let reassign = |r: R, id: i64, to: Value, reason: &str| {
            let w = &w;
            let body = json!({"to": to, "reason": reason});
            async move {
                w.app
                    .send(Req::post(&format!("/api/v1/cases/{id}/reassignment")).json(&body).bearer(w.token(r)).lang("en"))
                    .await
            }
        };
        let id = w.case_at(Stage::Mediating).await;
        let med2 = json!(w.who(R::Med2).id);
        // Only an admin; the case must exist.
        for r in [R::C, R::M, R::Med, R::Med2, R::Arb, R::Reg, R::Fund] {
            reassign(r, id, med2.clone(), "离职").await.expect(403);
        }
        reassign(R::Adm, 999_999, med2.clone(), "离职").await.expect(404);
        // To an active account of the stage's kind, with a reason.
        let field = |resp: crate::harness::Resp| resp.expect(422).error().1;
        assert_eq!(field(reassign(R::Adm, id, json!(w.who(R::Arb).id), "离职").await).as_deref(), Some("to"));
        assert_eq!(field(reassign(R::Adm, id, json!(w.who(R::C).id), "离职").await).as_deref(), Some("to"));
        assert_eq!(field(reassign(R::Adm, id, json!(w.who(R::Med).id), "离职").await).as_deref(), Some("to"), "already theirs");
        assert_eq!(field(reassign(R::Adm, id, json!(987_654), "离职").await).as_deref(), Some("to"));
        assert_eq!(field(reassign(R::Adm, id, json!(null), "离职").await).as_deref(), Some("to"));
        assert_eq!(field(reassign(R::Adm, id, med2.clone(), "  ").await).as_deref(), Some("reason"));
        // Not before mediation.
        let early = w.case_at(Stage::AwaitingMerchant).await;
        reassign(R::Adm, early, med2.clone(), "离职").await.expect(409);
        // The mediator cannot be deactivated while owning the case…
        let status = |active: bool| {
            let w = &w;
            let uri = format!("/api/v1/admin/users/{}/status", w.who(R::Med).id);
            async move { w.app.send(Req::post(&uri).json(&json!({"active": active, "reason": "该调解员已离职，不再承办案件"})).bearer(w.token(R::Adm))).await }
        };
        status(false).await.expect(409);
        // …so the admin gives it to another: the trail says who had it, who has it and why.
        let handed = |keys: Vec<String>| keys.iter().filter(|k| *k == "handed_over").count();
        let before = handed(w.inbox(R::Med2, id).await);
        let v = reassign(R::Adm, id, med2.clone(), "原承办人已离职").await.expect(200).json();
        assert_eq!((v["status"].as_str(), v["owner_id"].as_i64()), (Some("in_mediation"), Some(w.who(R::Med2).id)));
        let last = w.trail(id).await.last().cloned().unwrap();
        assert_eq!(last["kind"], "reassign");
        assert_eq!((last["body"]["from"].as_i64(), last["body"]["to"].as_i64()), (Some(w.who(R::Med).id), Some(w.who(R::Med2).id)));
        assert_eq!(last["body"]["reason"], "原承办人已离职");
        assert_eq!(w.verify(id).await["ok"], true);
        assert_eq!(handed(w.inbox(R::Med2, id).await), before + 1, "the new owner is told");
        // The new owner works the case; the old one no longer can.
        w.act(R::Med, id, &w.body("propose", Stage::Mediating)).await.expect(403);
        w.ok(R::Med2, id, "propose", Stage::Mediating).await;
        // A queued case can be given too; never to one who recused from it.
        let queued = w.case_at(Stage::QueuedMediation).await;
        reassign(R::Adm, queued, med2.clone(), "分派").await.expect(200);
        recuse(&w, R::Med2, queued, "本人曾在该商家任职").await.expect(200);
        assert_eq!(field(reassign(R::Adm, queued, med2.clone(), "再分派").await).as_deref(), Some("to"));
        // Arbitration alike, to an arbitrator.
        let arb = w.case_at(Stage::Arbitrating).await;
        assert_eq!(field(reassign(R::Adm, arb, med2.clone(), "离职").await).as_deref(), Some("to"));
        reassign(R::Adm, arb, json!(w.who(R::Arb2).id), "离职").await.expect(200);
        // Nothing left to the departed mediator: now they can be deactivated,
        // and a deactivated account is no one to give a case to.
        status(false).await.expect(200);
        assert_eq!(field(reassign(R::Adm, queued, json!(w.who(R::Med).id), "回来").await).as_deref(), Some("to"));
    }
}
