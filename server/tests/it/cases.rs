//! Cases through `/api/v1/cases`: filing and its validation (the tests of
//! this file), and `World`, the fixture every `cases_*` file shares: two
//! consumers, two merchants each with its account, two mediators, two
//! arbitrators, a regulator and an admin, all signed in, on a fixed clock
//! set to Monday 2026-11-23 10:00 Beijing time.

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, NaiveDateTime, Utc};
use domain::{Lang, Role};
use entities::{case, merchant, notification};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::harness::{Req, Resp, TestApp, backend_tests};

pub const USCC_A: &str = "91110106102167290A";
pub const USCC_B: &str = "9111000010000106X1";
/// A valid code no imported merchant has.
pub const USCC_UNKNOWN: &str = "91110102MA00CFMR4A";

pub const CONSUMER_NAME: &str = "王小明";
pub const TITLE: &str = "洗衣机第一次使用就漏水";

/// Monday 2026-11-23, 10:00 Beijing time.
pub fn t0() -> DateTime<Utc> {
    beijing("2026-11-23 10:00")
}

/// A Beijing wall-clock time (`YYYY-MM-DD HH:MM[:SS]`) as an instant.
pub fn beijing(s: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .unwrap_or_else(|e| panic!("{s}: {e}"));
    (naive - chrono::Duration::hours(8)).and_utc()
}

pub fn instant(v: &Value) -> DateTime<Utc> {
    v.as_str()
        .unwrap_or_else(|| panic!("not a timestamp: {v}"))
        .parse()
        .unwrap_or_else(|e| panic!("{v}: {e}"))
}

/// The roles of the authorisation matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum R {
    /// The consumer who filed.
    C,
    /// Another consumer.
    C2,
    /// The account that answers for the merchant complained about.
    M,
    /// The account of another merchant.
    M2,
    /// The mediator who takes the case.
    Med,
    Med2,
    /// The arbitrator who takes the case.
    Arb,
    Arb2,
    Reg,
    Adm,
    /// A fund administrator (first compensation; not in `ALL`, whose order
    /// the case matrix's expectation rows follow — the fund tests cover it).
    Fund,
}

impl R {
    pub const ALL: [R; 10] = [
        R::C,
        R::C2,
        R::M,
        R::M2,
        R::Med,
        R::Med2,
        R::Arb,
        R::Arb2,
        R::Reg,
        R::Adm,
    ];

    pub fn role(self) -> Role {
        match self {
            R::C | R::C2 => Role::Consumer,
            R::M | R::M2 => Role::Merchant,
            R::Med | R::Med2 => Role::Mediator,
            R::Arb | R::Arb2 => Role::Arbitrator,
            R::Reg => Role::Regulator,
            R::Adm => Role::Admin,
            R::Fund => Role::FundAdmin,
        }
    }
}

/// Where `World::case_at` brings a fresh case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    AwaitingMerchant,
    Negotiating,
    /// Negotiating, with the merchant's offer on the table.
    Offered,
    /// Settled in negotiation.
    Settled,
    /// Settled, and the merchant says it has fulfilled.
    Complied,
    Closed,
    Withdrawn,
    QueuedMediation,
    /// In mediation, taken by `R::Med`.
    Mediating,
    /// `R::Med` has proposed terms.
    Proposed,
    QueuedArbitration,
    /// In arbitration, taken by `R::Arb`.
    Arbitrating,
    /// `R::Arb` asked the consumer for evidence.
    EvidenceRequested,
    Decided,
}

impl Stage {
    pub fn status(self) -> &'static str {
        use Stage::*;
        match self {
            AwaitingMerchant => "awaiting_merchant",
            Negotiating | Offered => "negotiating",
            Settled | Complied => "settled",
            Closed => "closed",
            Withdrawn => "withdrawn",
            QueuedMediation | Mediating | Proposed => "in_mediation",
            QueuedArbitration | Arbitrating | EvidenceRequested => "in_arbitration",
            Decided => "decided",
        }
    }

    /// The actions that bring a freshly filed case here.
    pub fn steps(self) -> &'static [(R, &'static str)] {
        use R::*;
        use Stage::*;
        match self {
            AwaitingMerchant => &[],
            Negotiating => &[(M, "respond")],
            Offered => &[(M, "respond"), (M, "offer")],
            Settled => &[(M, "respond"), (M, "offer"), (C, "accept_offer")],
            Complied => &[
                (M, "respond"),
                (M, "offer"),
                (C, "accept_offer"),
                (M, "comply"),
            ],
            Closed => &[
                (M, "respond"),
                (M, "offer"),
                (C, "accept_offer"),
                (M, "comply"),
                (C, "confirm_fulfilment"),
            ],
            Withdrawn => &[(C, "withdraw")],
            QueuedMediation => &[(M, "respond"), (C, "escalate")],
            Mediating => &[(M, "respond"), (C, "escalate"), (Med, "take")],
            Proposed => &[
                (M, "respond"),
                (C, "escalate"),
                (Med, "take"),
                (Med, "propose"),
            ],
            QueuedArbitration => &[
                (M, "respond"),
                (C, "escalate"),
                (Med, "take"),
                (Med, "escalate"),
            ],
            Arbitrating => &[
                (M, "respond"),
                (C, "escalate"),
                (Med, "take"),
                (Med, "escalate"),
                (Arb, "take"),
            ],
            EvidenceRequested => &[
                (M, "respond"),
                (C, "escalate"),
                (Med, "take"),
                (Med, "escalate"),
                (Arb, "take"),
                (Arb, "request_evidence"),
            ],
            Decided => &[
                (M, "respond"),
                (C, "escalate"),
                (Med, "take"),
                (Med, "escalate"),
                (Arb, "take"),
                (Arb, "decide"),
            ],
        }
    }

    /// Whether the case is (or was last) with mediators rather than arbitrators.
    fn in_arbitration(self) -> bool {
        matches!(
            self,
            Stage::QueuedArbitration
                | Stage::Arbitrating
                | Stage::EvidenceRequested
                | Stage::Decided
        )
    }
}

/// A signed-in account.
pub struct Who {
    pub id: i64,
    pub email: String,
    pub token: String,
}

pub struct World {
    pub app: TestApp,
    people: Vec<(R, Who)>,
    /// The merchant complained about (answered for by `R::M`).
    pub merchant_a: i64,
    /// Another merchant (answered for by `R::M2`).
    pub merchant_b: i64,
    refs: AtomicUsize,
}

/// The merchants the fixture imports, in the registry's CSV layout.
pub fn merchants_csv() -> String {
    format!(
        "name,uscc,registered_on,entity_type,registered_capital,business_scope,province,region,address\n\
         北京海淀电器有限公司,{USCC_A},2001-05-01,有限责任公司,1000万元人民币,家用电器销售,北京市,海淀区,北京市海淀区中关村大街1号\n\
         北京东城百货有限公司,{USCC_B},1998-03-12,股份有限公司,5000万元人民币,日用百货零售,北京市,东城区,北京市东城区王府井大街2号\n"
    )
}

pub async fn merchant_id(app: &TestApp, uscc: &str) -> i64 {
    merchant::Entity::find()
        .filter(merchant::Column::Uscc.eq(uscc))
        .one(&app.svc.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no merchant {uscc}"))
        .id as i64
}

impl World {
    /// The fixture on `app`, its clock fixed at `t0()`.
    pub async fn new(app: TestApp) -> World {
        let app = app.at(t0());
        let report =
            services::merchants::import::import_merchants(&app.svc, merchants_csv().as_bytes())
                .await
                .unwrap();
        assert_eq!(report.imported, 2, "{report}");
        let merchant_a = merchant_id(&app, USCC_A).await;
        let merchant_b = merchant_id(&app, USCC_B).await;
        let accounts = [
            (R::C, "wang@example.cn", CONSUMER_NAME),
            (R::C2, "li@example.cn", "李四"),
            (R::M, "shop@example.cn", "海淀电器客服"),
            (R::M2, "other-shop@example.cn", "东城百货客服"),
            (R::Med, "mediator@staff.gongdao.test", "调解员甲"),
            (R::Med2, "mediator2@staff.gongdao.test", "调解员乙"),
            (R::Arb, "arbitrator@staff.gongdao.test", "仲裁员甲"),
            (R::Arb2, "arbitrator2@staff.gongdao.test", "仲裁员乙"),
            (R::Reg, "regulator@staff.gongdao.test", "市场监管局"),
            (R::Adm, "admin@staff.gongdao.test", "管理员"),
            (R::Fund, "fund@staff.gongdao.test", "基金管理员"),
        ];
        let mut people = vec![];
        for (r, email, name) in accounts {
            let id = app.create_account(email, r.role(), name, Lang::Zh).await;
            let token = app.login(email).await;
            people.push((
                r,
                Who {
                    id: id as i64,
                    email: email.into(),
                    token,
                },
            ));
        }
        let w = World {
            app,
            people,
            merchant_a,
            merchant_b,
            refs: AtomicUsize::new(1000),
        };
        services::merchants::link_account(&w.app.svc, merchant_a as i32, w.who(R::M).id as i32)
            .await
            .unwrap();
        services::merchants::link_account(&w.app.svc, merchant_b as i32, w.who(R::M2).id as i32)
            .await
            .unwrap();
        w
    }

    pub fn who(&self, r: R) -> &Who {
        &self.people.iter().find(|(x, _)| *x == r).unwrap().1
    }

    pub fn token(&self, r: R) -> &str {
        &self.who(r).token
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.app.svc.clock.now()
    }

    /// Moves the fixed clock forward to `at`.
    pub fn set_now(&self, at: DateTime<Utc>) {
        let by = at - self.now();
        assert!(
            by >= chrono::Duration::zero(),
            "the clock only moves forward"
        );
        self.app.svc.clock.advance(by);
    }

    pub fn next_ref(&self) -> String {
        format!("JD-{}", self.refs.fetch_add(1, Ordering::SeqCst))
    }

    /// A valid complaint against `merchant` (an id or a USCC).
    pub fn complaint(&self, merchant: Value, order_ref: &str) -> Value {
        json!({
            "merchant_id": merchant,
            "category": "quality",
            "title": TITLE,
            "narrative": "收到的洗衣机第一次使用就漏水，联系客服要求退货被拒绝。",
            "order_ref": order_ref,
            "order_date": "2026-11-01",
            "amount_paid_fen": 259_900,
            "amount_claimed_fen": 259_900,
            "remedy": "refund",
            "publish_narrative": true,
        })
    }

    pub async fn file_as(&self, r: R, body: &Value) -> Resp {
        self.app
            .send(
                Req::post("/api/v1/cases")
                    .json(body)
                    .bearer(self.token(r))
                    .lang("en"),
            )
            .await
    }

    /// The consumer files a fresh complaint against merchant A; the case as returned.
    pub async fn file(&self) -> Value {
        let body = self.complaint(json!(self.merchant_a), &self.next_ref());
        self.file_as(R::C, &body).await.expect(201).json()
    }

    /// A valid body for `action` on a case at `stage` (hand-overs go to the
    /// second mediator or arbitrator).
    pub fn body(&self, action: &str, stage: Stage) -> Value {
        let terms = |amount: i64, days: u32| json!({"amount_fen": amount, "remedy": "refund", "fulfil_within_days": days});
        let mut b = match action {
            "respond" => json!({"message": "您好，我们已收到投诉，正在核实订单。"}),
            "message" => json!({"message": "请提供漏水部位的照片。"}),
            "offer" => terms(100_000, 3),
            "propose" => terms(150_000, 5),
            "decide" => {
                let mut t = terms(200_000, 10);
                t["reason"] = json!("商品存在质量问题，商户应当退款。");
                t
            }
            "reject_offer" | "reject_proposal" => json!({"reason": "金额太低"}),
            "escalate" => json!({"reason": "协商没有结果"}),
            "withdraw" => json!({"reason": "已与商户私下解决"}),
            "reopen" => json!({"reason": "商户没有按约定退款"}),
            "handover" => {
                let to = if stage.in_arbitration() {
                    R::Arb2
                } else {
                    R::Med2
                };
                json!({"to": self.who(to).id, "reason": "需要回避"})
            }
            "request_evidence" => {
                json!({"party": "consumer", "within_days": 5, "message": "请补充漏水照片和购买凭证。"})
            }
            "provide_evidence" => json!({"message": "照片和发票已上传。"}),
            "comply" => json!({"message": "退款已原路退回。"}),
            "accept_offer" | "accept_proposal" | "take" | "confirm_fulfilment" => json!({}),
            other => panic!("no body for {other}"),
        };
        b["action"] = json!(action);
        b
    }

    pub async fn act(&self, r: R, id: i64, body: &Value) -> Resp {
        self.app
            .send(
                Req::post(&format!("/api/v1/cases/{id}/actions"))
                    .json(body)
                    .bearer(self.token(r))
                    .lang("en"),
            )
            .await
    }

    /// `r` rates (`{"action": "rate", …}`) or follows a rating up
    /// (`{"action": "follow_up", …}`) through the ratings endpoints.
    pub async fn rate(&self, r: R, id: i64, body: &Value) -> Resp {
        let mut body = body.clone();
        let action = body.as_object_mut().and_then(|o| o.remove("action"));
        let path = match action.as_ref().and_then(Value::as_str) {
            Some("follow_up") => format!("/api/v1/cases/{id}/ratings/follow-up"),
            _ => format!("/api/v1/cases/{id}/ratings"),
        };
        self.app
            .send(
                Req::post(&path)
                    .json(&body)
                    .bearer(self.token(r))
                    .lang("en"),
            )
            .await
    }

    /// `r` does `action` (with `body(action, stage)`); asserts 200 and returns the case.
    pub async fn ok(&self, r: R, id: i64, action: &str, stage: Stage) -> Value {
        let v = self.act(r, id, &self.body(action, stage)).await;
        assert_eq!(
            v.status,
            200,
            "{action} by {r:?} on case {id}: {}",
            v.text()
        );
        v.json()
    }

    /// A fresh case brought to `stage`.
    pub async fn case_at(&self, stage: Stage) -> i64 {
        let id = self.file().await["id"].as_i64().unwrap();
        let mut at = Stage::AwaitingMerchant;
        for (r, action) in stage.steps() {
            self.ok(*r, id, action, at).await;
            // Only hand-overs care about the stage; name the arbitration half.
            if *action == "escalate" && *r == R::Med {
                at = Stage::QueuedArbitration;
            }
        }
        let v = self.view(R::Adm, id).await;
        assert_eq!(v["status"], stage.status(), "case {id} at {stage:?}: {v}");
        id
    }

    pub async fn get(&self, r: R, id: i64) -> Resp {
        self.app
            .send(Req::get(&format!("/api/v1/cases/{id}")).bearer(self.token(r)))
            .await
    }

    /// The case as `r` sees it; asserts 200.
    pub async fn view(&self, r: R, id: i64) -> Value {
        self.get(r, id).await.expect(200).json()
    }

    pub async fn allowed(&self, r: R, id: i64) -> Vec<String> {
        strings(&self.view(r, id).await["allowed_actions"])
    }

    pub async fn list(&self, r: R, query: &str) -> Resp {
        self.app
            .send(
                Req::get(&format!("/api/v1/cases?{query}"))
                    .bearer(self.token(r))
                    .lang("en"),
            )
            .await
    }

    /// The ids a list shows, in order.
    pub async fn list_ids(&self, r: R, query: &str) -> Vec<i64> {
        let v = self.list(r, query).await.expect(200).json();
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    }

    /// The trail as the admin reads it.
    pub async fn trail(&self, id: i64) -> Vec<Value> {
        let v = self
            .app
            .send(Req::get(&format!("/api/v1/cases/{id}/trail")).bearer(self.token(R::Adm)))
            .await
            .expect(200)
            .json();
        v["entries"].as_array().unwrap().clone()
    }

    /// The kinds of the trail's entries, in order.
    pub async fn trail_kinds(&self, id: i64) -> Vec<String> {
        self.trail(id)
            .await
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_string())
            .collect()
    }

    /// The keys of `r`'s inbox entries about case `id`, oldest first.
    pub async fn inbox(&self, r: R, id: i64) -> Vec<String> {
        notification::Entity::find()
            .filter(notification::Column::UserId.eq(self.who(r).id as i32))
            .filter(notification::Column::CaseId.eq(id as i32))
            .order_by_asc(notification::Column::Id)
            .all(&self.app.svc.db)
            .await
            .unwrap()
            .into_iter()
            .map(|n| n.key)
            .collect()
    }

    pub async fn verify(&self, id: i64) -> Value {
        self.app
            .send(Req::get(&format!("/api/v1/cases/{id}/trail/verify")).bearer(self.token(R::Adm)))
            .await
            .expect(200)
            .json()
    }

    /// Asserts the trail's chain is intact and has `entries` entries.
    pub async fn assert_trail_ok(&self, id: i64, entries: usize) {
        let v = self.verify(id).await;
        assert_eq!(v["ok"], true, "{v}");
        assert_eq!(v["entries"], entries, "{v}");
        assert_eq!(v["first_broken_seq"], Value::Null, "{v}");
    }
}

pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// The deadline of a case view with `key` (`respond_by`, …).
pub fn deadline<'a>(view: &'a Value, key: &str) -> &'a Value {
    view["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["key"] == format!("deadline.{key}"))
        .unwrap_or_else(|| panic!("no {key} deadline in {}", view["deadlines"]))
}

async fn cases_stored(w: &World) -> u64 {
    case::Entity::find().count(&w.app.svc.db).await.unwrap()
}

backend_tests! {
    async fn a_consumer_files_a_case_with_a_number_and_working_day_deadlines(app) {
        let w = World::new(app).await;
        let body = w.complaint(json!(w.merchant_a), "jd-20261101-88");
        let v = w.file_as(R::C, &body).await.expect(201).json();
        assert_eq!(v["number"], "GD20261123-000001", "{v}");
        assert_eq!(v["status"], "awaiting_merchant");
        assert_eq!(v["merchant_id"], w.merchant_a);
        assert_eq!(v["merchant_name"], "北京海淀电器有限公司");
        assert_eq!(v["consumer_id"], w.who(R::C).id);
        assert_eq!(v["consumer_name"], CONSUMER_NAME, "the consumer sees their own name");
        assert_eq!(v["order_ref"], "JD-20261101-88", "order references are kept upper-case");
        assert_eq!(v["order_date"], "2026-11-01");
        assert_eq!(v["amount_paid_fen"], 259_900);
        assert_eq!(v["amount_claimed_fen"], 259_900);
        assert_eq!(v["category"], "quality");
        assert_eq!(v["remedy"], "refund");
        assert_eq!(v["publish_narrative"], true);
        assert_eq!(v["owner_id"], Value::Null);
        assert_eq!(v["paused"], false);
        assert_eq!(v["waiting_on"], json!(["merchant"]));
        assert_eq!(strings(&v["allowed_actions"]), ["message", "withdraw"]);
        // Nothing waits on the consumer: talking is what is left to do.
        assert_eq!(v["next_action"], "message");
        assert_eq!(v["viewer_party"], "consumer");

        // Filed Monday 10:00: the merchant has until the end of Wednesday (2
        // working days after today), negotiation until the end of Monday
        // 7 December (10 working days); today counts while it lasts.
        let keys: Vec<&str> = v["deadlines"].as_array().unwrap().iter().map(|d| d["key"].as_str().unwrap()).collect();
        assert_eq!(keys, ["deadline.respond_by", "deadline.negotiate_until"]);
        let respond = deadline(&v, "respond_by");
        assert_eq!(instant(&respond["at"]), beijing("2026-11-26 00:00"));
        assert_eq!(respond["at_local"], "2026-11-25 24:00", "the end of Wednesday");
        assert_eq!(respond["working_days_left"], 3);
        let negotiate = deadline(&v, "negotiate_until");
        assert_eq!(instant(&negotiate["at"]), beijing("2026-12-08 00:00"));
        assert_eq!(negotiate["working_days_left"], 11);

        // The same case, read back, by id.
        let id = v["id"].as_i64().unwrap();
        let again = w.view(R::C, id).await;
        assert_eq!(again, v);
        assert_eq!(w.trail_kinds(id).await, ["filed"]);
        let filed = &w.trail(id).await[0];
        assert_eq!(filed["actor_role"], "consumer");
        assert_eq!(filed["body"]["order_ref"], "JD-20261101-88");
        assert_eq!(filed["body"]["status"], "awaiting_merchant");
        w.assert_trail_ok(id, 1).await;

        // The merchant may answer; the days left count down with the clock.
        assert_eq!(w.allowed(R::M, id).await, ["respond", "message", "offer"]);
        let m = w.view(R::M, id).await;
        assert_eq!(m["next_action"], "respond", "the first response is what is expected");
        assert_eq!(m["viewer_party"], "merchant");
        w.set_now(beijing("2026-11-25 10:00"));
        let v = w.view(R::C, id).await;
        assert_eq!(deadline(&v, "respond_by")["working_days_left"], 1);
        assert_eq!(deadline(&v, "negotiate_until")["working_days_left"], 9);
        // Once the merchant is late, the consumer may escalate at once, or
        // ask the fund to pay the claim first.
        w.set_now(beijing("2026-11-26 09:00"));
        let v = w.view(R::C, id).await;
        assert_eq!(deadline(&v, "respond_by")["working_days_left"], 0);
        assert_eq!(
            strings(&v["allowed_actions"]),
            ["message", "escalate", "withdraw", "apply_first_compensation"]
        );
        assert_eq!(v["next_action"], "apply_first_compensation", "the fund, not escalation, comes first");
        assert_eq!(v["first_compensation_limit_fen"], 259_900);

        // The merchant may be named by USCC (any case, spaces ignored) or by
        // its id as text; the number carries the day of filing.
        for key in [json!(USCC_A), json!(" 91110106102167290a "), json!(w.merchant_a.to_string())] {
            let v = w.file_as(R::C, &w.complaint(key.clone(), &w.next_ref())).await.expect(201).json();
            assert_eq!(v["merchant_id"], w.merchant_a, "{key}");
            let n = v["id"].as_i64().unwrap();
            assert_eq!(v["number"], format!("GD20261126-{n:06}"));
        }
        let v = w.file_as(R::C, &w.complaint(json!(USCC_B), &w.next_ref())).await.expect(201).json();
        assert_eq!(v["merchant_id"], w.merchant_b);
        assert_eq!(v["merchant_name"], "北京东城百货有限公司");
        assert_eq!(cases_stored(&w).await, 5);
    }

    async fn filing_names_each_bad_field(app) {
        let w = World::new(app).await;
        let bad: Vec<(&str, Value, &str)> = vec![
            ("category", json!("food"), "category"),
            ("category", json!(""), "category"),
            ("title", json!("   "), "title"),
            ("title", json!("漏水"), "title"),
            ("title", json!("很".repeat(101)), "title"),
            ("narrative", json!("太差了"), "narrative"),
            ("narrative", Value::Null, "narrative"),
            ("order_ref", json!(""), "order_ref"),
            ("order_ref", json!("X".repeat(101)), "order_ref"),
            ("order_date", json!("2026-11-24"), "order_date"),
            ("order_date", json!("2026-13-01"), "order_date"),
            ("order_date", json!("2026-02-30"), "order_date"),
            ("order_date", json!("yesterday"), "order_date"),
            ("order_date", json!("1999-12-31"), "order_date"),
            ("order_date", json!(20261101), "order_date"),
            ("amount_paid_fen", json!(-1), "amount_paid_fen"),
            ("amount_paid_fen", json!(12.5), "amount_paid_fen"),
            ("amount_paid_fen", json!("12.5"), "amount_paid_fen"),
            ("amount_paid_fen", json!("12 元"), "amount_paid_fen"),
            ("amount_paid_fen", json!(""), "amount_paid_fen"),
            ("amount_claimed_fen", json!(-500), "amount_claimed_fen"),
            ("amount_claimed_fen", json!(10_000_000_001_i64), "amount_claimed_fen"),
            ("amount_claimed_fen", json!([100]), "amount_claimed_fen"),
            ("remedy", json!("money_back"), "remedy"),
            ("merchant_id", json!(999_999), "merchant_id"),
            ("merchant_id", json!("91110106102167290B"), "merchant_id"),
            ("merchant_id", json!(USCC_UNKNOWN), "merchant_id"),
            ("merchant_id", json!("not a merchant"), "merchant_id"),
            ("merchant_id", json!(""), "merchant_id"),
            ("publish_narrative", json!("yes"), "publish_narrative"),
        ];
        for (key, value, field) in bad {
            let mut body = w.complaint(json!(w.merchant_a), &w.next_ref());
            body[key] = value.clone();
            let r = w.file_as(R::C, &body).await;
            assert_eq!(r.status, 422, "{key} = {value}: {}", r.text());
            let (code, f, message) = r.error();
            assert_eq!(code, "invalid", "{key} = {value}");
            assert_eq!(f.as_deref(), Some(field), "{key} = {value}: {message}");
            assert!(!message.is_empty());
        }
        // Missing fields are named too.
        for key in ["merchant_id", "category", "title", "narrative", "order_ref", "order_date", "amount_paid_fen", "amount_claimed_fen", "remedy"] {
            let mut body = w.complaint(json!(w.merchant_a), &w.next_ref());
            body.as_object_mut().unwrap().remove(key);
            let r = w.file_as(R::C, &body).await.expect(422);
            assert_eq!(r.error().1.as_deref(), Some(key), "without {key}");
        }
        // Messages are in the caller's language and name the field.
        let mut body = w.complaint(json!(w.merchant_a), &w.next_ref());
        body["order_date"] = json!("2026-11-24");
        let r = w.file_as(R::C, &body).await.expect(422);
        assert!(r.error().2.starts_with("Order date: "), "{}", r.error().2);
        let r = w
            .app
            .send(Req::post("/api/v1/cases").json(&body).bearer(w.token(R::C)))
            .await
            .expect(422);
        assert!(r.error().2.starts_with("下单日期："), "{}", r.error().2);
        body["order_date"] = json!("2026-11-23");
        body["amount_paid_fen"] = json!(0);
        body["amount_claimed_fen"] = json!(10_000_000_000_i64);
        assert_eq!(cases_stored(&w).await, 0, "nothing refused was stored");
        // The edges themselves are accepted: ordered today, nothing paid, ¥100,000,000 claimed.
        w.file_as(R::C, &body).await.expect(201);
        // Not JSON, or not an object.
        for raw in ["[]", "\"case\"", "{", ""] {
            let r = w
                .app
                .send(Req::post("/api/v1/cases").raw(raw).bearer(w.token(R::C)))
                .await
                .expect(422);
            assert_eq!(r.error().1.as_deref(), Some("body"), "{raw:?}");
        }
        assert_eq!(cases_stored(&w).await, 1);
    }

    async fn only_signed_in_consumers_file(app) {
        let w = World::new(app).await;
        let body = w.complaint(json!(w.merchant_a), "JD-1");
        let r = w.app.send(Req::post("/api/v1/cases").json(&body)).await.expect(401);
        assert_eq!(r.error().0, "unauthorized");
        w.app.send(Req::post("/api/v1/cases").json(&body).bearer("forged")).await.expect(401);
        w.app.send(Req::get("/api/v1/cases")).await.expect(401);
        w.app.send(Req::get("/api/v1/cases/1")).await.expect(401);
        w.app.send(Req::post("/api/v1/cases/1/actions").json(&json!({"action": "take"}))).await.expect(401);
        w.app.send(Req::get("/api/v1/cases/1/trail")).await.expect(401);
        w.app.send(Req::get("/api/v1/cases/1/trail/verify")).await.expect(401);
        for r in [R::M, R::M2, R::Med, R::Arb, R::Reg, R::Adm] {
            let resp = w.file_as(r, &body).await;
            assert_eq!(resp.status, 403, "{r:?}: {}", resp.text());
            assert_eq!(resp.error().0, "forbidden");
        }
        let fund = w.app.create_staff(Role::FundAdmin).await;
        let token = w.app.login(&fund).await;
        w.app.send(Req::post("/api/v1/cases").json(&body).bearer(&token)).await.expect(403);
        assert_eq!(cases_stored(&w).await, 0);
        w.file_as(R::C, &body).await.expect(201);
        w.file_as(R::C2, &body).await.expect(201);
        assert_eq!(cases_stored(&w).await, 2);
    }

    async fn a_duplicate_open_complaint_is_refused_until_the_first_is_withdrawn(app) {
        let w = World::new(app).await;
        let first = w.file_as(R::C, &w.complaint(json!(w.merchant_a), "JD-1001")).await.expect(201).json();
        let first_id = first["id"].as_i64().unwrap();
        // Same consumer, merchant and order, however written: refused.
        for (merchant, order_ref) in [
            (json!(w.merchant_a), "JD-1001"),
            (json!(w.merchant_a), "jd-1001"),
            (json!(USCC_A), " Jd-1001 "),
        ] {
            let r = w.file_as(R::C, &w.complaint(merchant, order_ref)).await.expect(409);
            let (code, field, message) = r.error();
            assert_eq!(code, "conflict");
            assert_eq!(field.as_deref(), Some("order_ref"), "{order_ref}");
            assert!(!message.is_empty());
        }
        assert_eq!(cases_stored(&w).await, 1);
        // Another consumer, or another merchant: a different complaint.
        w.file_as(R::C2, &w.complaint(json!(w.merchant_a), "JD-1001")).await.expect(201);
        w.file_as(R::C, &w.complaint(json!(w.merchant_b), "JD-1001")).await.expect(201);
        // Still open while it moves on.
        w.ok(R::M, first_id, "respond", Stage::AwaitingMerchant).await;
        w.file_as(R::C, &w.complaint(json!(w.merchant_a), "jd-1001")).await.expect(409);
        // Withdrawn: the consumer may complain about the order again, once.
        w.ok(R::C, first_id, "withdraw", Stage::Negotiating).await;
        let second = w.file_as(R::C, &w.complaint(json!(w.merchant_a), "jd-1001")).await.expect(201).json();
        assert_ne!(second["id"], first["id"]);
        assert_ne!(second["number"], first["number"]);
        assert_eq!(second["status"], "awaiting_merchant");
        w.file_as(R::C, &w.complaint(json!(w.merchant_a), "JD-1001")).await.expect(409);
        // Closed counts as over too.
        let closed = w.case_at(Stage::Closed).await;
        let order_ref = w.view(R::C, closed).await["order_ref"].as_str().unwrap().to_string();
        w.file_as(R::C, &w.complaint(json!(w.merchant_a), &order_ref)).await.expect(201);
    }
}
