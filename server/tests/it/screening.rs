//! Professional-claimant screening (职业索赔筛查) through the API on real-looking
//! data: each signal fires at its threshold and not below; the mark shows to
//! staff and the consumer, never to the merchant or the public; a flag never
//! hides a case or stops a deadline; the objection path (in time, late,
//! twice); a regulator decides, into the marked cases' trails and the
//! personal-data access log; a cleared consumer is not flagged again on the
//! same evidence.

use chrono::Duration;
use serde_json::{Value, json};

use crate::cases::{R, World, deadline, merchant_id};
use crate::harness::{Req, Resp, backend_tests};

/// Three more merchants from the enterprise-registry sample (real rows),
/// besides the fixture's A and B.
const MORE: &str = "name,uscc,registered_on,entity_type,registered_capital,business_scope,province,region,address\n\
中轻日用百货进出口有限公司,91110105101132029K,1987-12-24,N/A,243.3000(万元人民币),预包装食品销售，含冷藏冷冻食品；特殊食品销售，限婴幼儿配方乳粉,北京,朝阳,北京市朝阳区劲松九区910号8层\n\
西安建国饭店有限公司,916101036239001283,1987-08-23,N/A,N/A,住宿；大型餐馆；预包装食品的零售,陕西,西安,西安市互助路2号\n\
北京涵更药业有限公司,911101061014999127,1988-09-06,N/A,N/A,销售中成药、化学药制剂；经营保健食品；销售预包装食品,北京,丰台,北京市丰台区五里店259号316、318房间\n";

/// The fixture's two merchants and the three above.
async fn merchants(w: &World) -> Vec<i64> {
    let r = services::merchants::import::import_merchants(&w.app.svc, MORE.as_bytes())
        .await
        .unwrap();
    assert_eq!(r.imported, 3, "{r}");
    let mut v = vec![w.merchant_a, w.merchant_b];
    for u in [
        "91110105101132029K",
        "916101036239001283",
        "911101061014999127",
    ] {
        v.push(merchant_id(&w.app, u).await);
    }
    v
}

/// Distinct real-looking stories, one per filing.
const STORIES: [(&str, &str); 6] = [
    (
        "进口奶粉无中文标签",
        "购买的进口婴儿奶粉外包装没有中文标签，也没有检验检疫证明，担心孩子食用安全。",
    ),
    (
        "羽绒服含绒量不符",
        "羽绒服吊牌写含绒量90%，送检结果只有52%，商家说是批次差异，拒绝退货。",
    ),
    (
        "充电宝鼓包发烫",
        "充电宝用了两周就鼓包发烫，差点引起火灾，客服让我自己联系厂家。",
    ),
    (
        "蜂蜜疑似掺糖",
        "网购的土蜂蜜冬天完全不结晶，味道发酸，怀疑掺了糖浆，要求检测报告被拒。",
    ),
    (
        "床单材质与宣传不符",
        "宣传是百分之百纯棉的床单，洗一次就起球，燃烧测试有塑料味，明显是化纤。",
    ),
    (
        "保健品宣传治病",
        "直播间宣称这款保健品能降血压、治糖尿病，老人吃了一个月没有任何效果。",
    ),
];

fn complaint(w: &World, merchant: i64, i: usize, demand: Option<&str>) -> Value {
    let (title, narrative) = STORIES[i % STORIES.len()];
    let mut b = w.complaint(json!(merchant), &w.next_ref());
    b["title"] = json!(title);
    b["narrative"] = json!(narrative);
    b["category"] = json!("counterfeit");
    if let Some(d) = demand {
        b["demand"] = json!(d);
    }
    b
}

async fn file(w: &World, r: R, body: &Value) -> Value {
    w.file_as(r, body).await.expect(201).json()
}

async fn get(w: &World, r: Option<R>, path: &str) -> Resp {
    let mut req = Req::get(&format!("/api/v1{path}")).lang("en");
    if let Some(r) = r {
        req = req.bearer(w.token(r));
    }
    w.app.send(req).await
}

async fn post(w: &World, r: R, path: &str, body: Value) -> Resp {
    w.app
        .send(
            Req::post(&format!("/api/v1{path}"))
                .json(&body)
                .bearer(w.token(r))
                .lang("en"),
        )
        .await
}

/// The case page's HTML as `r` gets it.
async fn page(w: &World, r: R, id: i64) -> String {
    let req = Req::get(&format!("/cases/{id}")).cookie(w.token(r));
    w.app.send(req).await.expect(200).text()
}

/// The regulators' queue.
async fn queue(w: &World) -> Vec<Value> {
    get(w, Some(R::Reg), "/regulator/screening")
        .await
        .expect(200)
        .items()
}

async fn signals(w: &World) -> Vec<String> {
    queue(w)
        .await
        .iter()
        .filter(|f| f["status"] == "under_review")
        .flat_map(|f| {
            f["signals"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["signal"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// C files five punitive claims against three merchants: a flag on the 5th.
async fn flag_by_punitive_claims(w: &World, ms: &[i64]) -> Vec<i64> {
    let mut ids = vec![];
    for i in 0..5_usize {
        let demand = if i.is_multiple_of(2) {
            "punitive_3x"
        } else {
            "punitive_10x"
        };
        let v = file(w, R::C, &complaint(w, ms[i % 3], i, Some(demand))).await;
        ids.push(v["id"].as_i64().unwrap());
    }
    ids
}

backend_tests! {
    async fn punitive_claims_fire_at_five_against_three_merchants_and_not_below(app) {
        let w = World::new(app).await;
        let ms = merchants(&w).await;
        // Four punitive claims against three merchants, and a fifth against
        // the same three that is not punitive: nothing.
        for i in 0..4 {
            let v = file(&w, R::C, &complaint(&w, ms[i % 3], i, Some("punitive_3x"))).await;
            assert_eq!(v["demand"], "punitive_3x");
            assert!(v.get("screening").is_none(), "{v}");
        }
        let plain = file(&w, R::C, &complaint(&w, ms[2], 4, None)).await;
        assert_eq!(plain["demand"], "refund", "no demand: the remedy");
        assert!(queue(&w).await.is_empty());
        // Five punitive claims, but against two merchants (C2): nothing.
        for i in 0..5 {
            file(&w, R::C2, &complaint(&w, ms[3 + i % 2], i, Some("punitive_10x"))).await;
        }
        assert!(queue(&w).await.is_empty());
        // C's fifth punitive claim: flagged, and the new case is marked.
        let v = file(&w, R::C, &complaint(&w, ms[1], 5, Some("punitive_10x"))).await;
        assert_eq!(signals(&w).await, vec!["punitive_claims"]);
        assert_eq!(v["screening"]["status"], "under_review", "{v}");
        assert_eq!(v["screening"]["signals"], json!([]), "the consumer sees no signals");
        assert_eq!(v["screening"]["may_object"], true);
        let q = queue(&w).await;
        assert_eq!(q[0]["signals"][0]["count"], 5);
        assert_eq!(q[0]["signals"][0]["merchants"], 3);
        assert_eq!(q[0]["consumer_name"], "王**");
        assert_eq!(q[0]["case_ids"], json!([v["id"]]));
    }

    async fn repeated_narratives_fire_at_three_across_merchants_and_not_below(app) {
        let w = World::new(app).await;
        let ms = merchants(&w).await;
        let story = |i: usize| {
            // The same story, with different order numbers, spacing and punctuation.
            let mut b = complaint(&w, ms[i], 0, None);
            b["narrative"] = json!(format!(
                "本人于{}月在贵店购买的进口奶粉，外包装无中文标签{}违反《食品安全法》第97条。订单号 {}，要求依法处理！",
                i + 9,
                if i.is_multiple_of(2) { "，" } else { " , " },
                8_800_000 + i
            ));
            b
        };
        // Three identical stories to one merchant: not the pattern.
        for _ in 0..3 {
            let mut b = story(0);
            b["order_ref"] = json!(w.next_ref());
            file(&w, R::C2, &b).await;
        }
        assert!(queue(&w).await.is_empty());
        file(&w, R::C, &story(1)).await;
        file(&w, R::C, &story(2)).await;
        assert!(queue(&w).await.is_empty(), "two: below");
        let v = file(&w, R::C, &story(3)).await;
        assert_eq!(signals(&w).await, vec!["repeated_narratives"]);
        assert_eq!(v["screening"]["status"], "under_review");
    }

    async fn bought_after_complaining_elsewhere_fires_at_two_and_not_below(app) {
        let w = World::new(app).await;
        let ms = merchants(&w).await;
        let on = |m: usize, title: &str, order_date: &str, i: usize| {
            let mut b = complaint(&w, ms[m], i, None);
            b["title"] = json!(title);
            b["order_date"] = json!(order_date);
            b
        };
        // The first complaint, today (2026-11-23 in the fixture).
        file(&w, R::C, &on(0, "进口奶粉无中文标签", "2026-11-01", 0)).await;
        w.set_now(w.now() + Duration::days(3));
        // Bought before complaining: not the pattern.
        file(&w, R::C, &on(1, "进口奶粉没有中文标签", "2026-11-20", 1)).await;
        // Bought after complaining about the same product: one.
        file(&w, R::C, &on(2, "奶粉无中文标签", "2026-11-24", 2)).await;
        assert!(queue(&w).await.is_empty(), "one: below");
        // Another product bought after: not the pattern.
        file(&w, R::C, &on(3, "羽绒服含绒量不符", "2026-11-25", 3)).await;
        assert!(queue(&w).await.is_empty());
        let v = file(&w, R::C, &on(4, "婴儿进口奶粉无中文标签", "2026-11-25", 4)).await;
        assert_eq!(signals(&w).await, vec!["bought_to_claim"]);
        assert_eq!(queue(&w).await[0]["signals"][0]["count"], 2);
        assert_eq!(v["screening"]["status"], "under_review");
    }

    async fn merchants_malicious_flags_fire_at_two_merchants_and_not_below(app) {
        let w = World::new(app).await;
        let ms = merchants(&w).await;
        // C withdraws two answered complaints against A and one against B;
        // the merchants rate them, flagging them malicious (恶意投诉).
        let mut done = vec![];
        for (i, m) in [(0, ms[0]), (1, ms[0]), (2, ms[1])] {
            let id = file(&w, R::C, &complaint(&w, m, i, None)).await["id"].as_i64().unwrap();
            let who = if m == ms[0] { R::M } else { R::M2 };
            w.ok(who, id, "respond", crate::cases::Stage::AwaitingMerchant).await;
            w.ok(R::C, id, "withdraw", crate::cases::Stage::Negotiating).await;
            done.push((id, who));
        }
        let flag = |text: &str| json!({"text": text, "flag_malicious": true});
        for (id, who) in &done[..2] {
            w.rate(*who, *id, &flag("该消费者多次以相同理由投诉并要求高额赔偿。")).await.expect(201);
        }
        // Two flags from one merchant: below.
        file(&w, R::C, &complaint(&w, ms[3], 3, None)).await;
        assert!(queue(&w).await.is_empty());
        let (id, who) = done[2];
        w.rate(who, id, &flag("消费者收货后调包，恶意投诉。")).await.expect(201);
        let v = file(&w, R::C, &complaint(&w, ms[4], 4, None)).await;
        assert_eq!(signals(&w).await, vec!["malicious_flags"]);
        assert_eq!(v["screening"]["status"], "under_review");
    }

    async fn a_flag_never_hides_a_case_nor_stops_a_deadline_and_only_staff_and_the_consumer_see_it(app) {
        let w = World::new(app).await;
        let ms = merchants(&w).await;
        let ids = flag_by_punitive_claims(&w, &ms).await;
        let flagged = *ids.last().unwrap();
        // Against merchant A (ms[0]) so that M answers for it.
        let v = file(&w, R::C, &complaint(&w, ms[0], 1, Some("punitive_3x"))).await;
        let marked = v["id"].as_i64().unwrap();
        assert_eq!(v["screening"]["status"], "under_review", "joins the open flag");
        let plain = file(&w, R::C2, &complaint(&w, ms[0], 1, None)).await;
        // Same status and deadlines as anyone's.
        assert_eq!(v["status"], plain["status"]);
        assert_eq!(deadline(&v, "respond_by")["at"], deadline(&plain, "respond_by")["at"]);
        // Staff who may read the case see the mark with its signals.
        for r in [R::Med, R::Arb, R::Reg, R::Adm] {
            let s = w.view(r, marked).await;
            assert_eq!(s["screening"]["signals"][0]["signal"], "punitive_claims", "{r:?}");
        }
        // The merchant does not, anywhere.
        let m = w.view(R::M, marked).await;
        assert!(m.get("screening").is_none(), "{m}");
        assert!(!w.get(R::M, marked).await.text().contains("screening"));
        // The case page: the mark for staff, the notice for the consumer,
        // neither for the merchant.
        assert!(page(&w, R::Med, marked).await.contains("screening-mark"));
        let own = page(&w, R::C, marked).await;
        assert!(own.contains("screening-notice") && !own.contains("screening-mark"));
        let theirs = page(&w, R::M, marked).await;
        assert!(theirs.contains("case-number"), "the merchant's case page renders");
        assert!(!theirs.contains("screening"), "nothing of the screening on the merchant's page");
        let listed = w.list_ids(R::M, "").await;
        assert!(listed.contains(&marked), "the case is listed for the merchant");
        assert_eq!(get(&w, Some(R::M), "/screening").await.status, 403);
        assert_eq!(get(&w, Some(R::M), "/regulator/screening").await.status, 403);
        assert_eq!(get(&w, None, "/screening").await.status, 401);
        let open = get(&w, None, &format!("/merchants/{}/complaints/open", ms[0])).await.expect(200);
        assert!(!open.text().contains("screening"));
        // The merchant answers and the case moves as any other; an elapsed
        // deadline moves it too (the sweeper).
        w.ok(R::M, marked, "respond", crate::cases::Stage::AwaitingMerchant).await;
        let at = crate::cases::instant(&deadline(&w.view(R::C, marked).await, "negotiate_until")["at"]);
        w.set_now(at + Duration::minutes(1));
        services::cases::sweep::sweep(&w.app.svc, w.now()).await.unwrap();
        assert_eq!(w.view(R::Adm, marked).await["status"], "in_mediation");
        // The flagged case is in the consumer's list and the mediators' queue.
        assert!(w.list_ids(R::C, "").await.contains(&flagged));
        assert!(w.list_ids(R::Med, "role_view=queue").await.contains(&marked));
    }

    async fn the_consumer_objects_in_time_once_and_a_regulator_decides_into_the_trail_and_the_log(app) {
        let w = World::new(app).await;
        let ms = merchants(&w).await;
        let ids = flag_by_punitive_claims(&w, &ms).await;
        let case = *ids.last().unwrap();
        // Told once, in plain words, in the inbox and by mail.
        assert_eq!(
            w.inbox(R::C, case).await.iter().filter(|k| *k == "screening_flagged").count(),
            1
        );
        w.app.deliver_mail().await;
        let mails = w.app.mail_to("wang@example.cn");
        assert!(mails.iter().any(|m| m.message.body.contains("5个工作日")), "{mails:?}");
        let own = get(&w, Some(R::C), "/screening").await.expect(200).json();
        assert_eq!(own["items"][0]["may_object"], true);
        assert!(own["items"][0].get("signals").is_none());
        // C2 has nothing to object to.
        let e = post(&w, R::C2, "/screening/objection", json!({"statement": "我没有被标注，但想试试。"})).await.expect(409);
        assert_eq!(e.error().1.as_deref(), Some("screening"));
        // Too short: named.
        let e = post(&w, R::C, "/screening/objection", json!({"statement": "不"})).await.expect(422);
        assert_eq!(e.error().1.as_deref(), Some("statement"));
        let statement = "我是普通消费者，这几次购买都是给家里老人用的，问题确实存在，有检测报告。";
        let v = post(&w, R::C, "/screening/objection", json!({"statement": statement})).await.expect(200).json();
        assert_eq!(v["objection"], statement);
        assert_eq!(v["may_object"], false);
        post(&w, R::C, "/screening/objection", json!({"statement": statement})).await.expect(409);
        // The regulator sees the objection in the queue and decides.
        let q = queue(&w).await;
        assert_eq!(q[0]["objection"], statement);
        let id = q[0]["id"].as_i64().unwrap();
        let path = format!("/regulator/screening/{id}/decision");
        post(&w, R::Med, &path, json!({"uphold": true, "reason": "理由充分"})).await.expect(403);
        post(&w, R::Reg, &path, json!({"uphold": true, "reason": ""})).await.expect(422);
        let reason = "消费者提供了检测报告，投诉属实，属于正常维权。";
        let d = post(&w, R::Reg, &path, json!({"uphold": false, "reason": reason})).await.expect(200).json();
        assert_eq!(d["status"], "cleared");
        post(&w, R::Reg, &path, json!({"uphold": true, "reason": reason})).await.expect(409);
        // Into the trail (staff and the consumer see it; the merchant not),
        // and the access log.
        let trail = w.trail(case).await;
        let topics: Vec<(&str, &str)> = trail
            .iter()
            .map(|e| (e["kind"].as_str().unwrap(), e["body"]["topic"].as_str().unwrap_or("")))
            .collect();
        assert!(
            topics.ends_with(&[("internal", "screening_objection"), ("internal", "screening_decision")]),
            "{topics:?}"
        );
        let last = trail.last().unwrap();
        assert_eq!(last["body"]["decision"], "cleared");
        assert_eq!(last["body"]["reason"], reason);
        w.assert_trail_ok(case, trail.len()).await;
        let as_c = get(&w, Some(R::C), &format!("/cases/{case}/trail")).await.expect(200).text();
        assert!(as_c.contains("screening_decision"));
        // Merchant A answers for ms[0]; the flagged case (5th) is against ms[1] (B).
        let as_m = get(&w, Some(R::M2), &format!("/cases/{case}/trail")).await.expect(200).text();
        assert!(!as_m.contains("screening") && !as_m.contains("\"internal\""), "{as_m}");
        // The merchant's bundle keeps the whole chain, so it verifies; the
        // internal entries are there withheld: nothing says what they are about.
        let zip = crate::bundle::download(&w.app, w.token(R::M2), case, "").await.expect(200).body.to_vec();
        let (_, keys) = crate::bundle::published(&w.app).await;
        let report = crate::bundle::verify(&zip, &keys).unwrap();
        assert_eq!(report.view, "masked");
        for (name, bytes) in crate::bundle::files(&zip) {
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("screening") && !text.contains(reason) && !text.contains(statement), "{name}: {text}");
        }
        // The consumer's own bundle has them in full.
        let own = crate::bundle::download(&w.app, w.token(R::C), case, "").await.expect(200).body.to_vec();
        crate::bundle::verify(&own, &keys).unwrap();
        assert!(String::from_utf8_lossy(&crate::bundle::files(&own)["trail.json"]).contains(reason));
        let log = get(&w, Some(R::Adm), "/admin/pii-log").await.expect(200).text();
        assert!(log.contains(reason), "{log}");
        // Told of the decision.
        assert!(w.inbox(R::C, case).await.contains(&"screening_cleared".to_string()));
        // Cleared: the same evidence never flags again; new evidence does.
        w.set_now(w.now() + Duration::minutes(1));
        file(&w, R::C, &complaint(&w, ms[3], 1, Some("punitive_3x"))).await;
        assert!(queue(&w).await.iter().all(|f| f["status"] != "under_review"));
        for i in 0..4 {
            file(&w, R::C, &complaint(&w, ms[i % 3], i + 2, Some("punitive_10x"))).await;
        }
        assert_eq!(signals(&w).await, vec!["punitive_claims"], "five new claims after the decision");
    }

    async fn a_late_objection_is_refused_and_the_regulator_still_decides(app) {
        let w = World::new(app).await;
        let ms = merchants(&w).await;
        let ids = flag_by_punitive_claims(&w, &ms).await;
        let own = get(&w, Some(R::C), "/screening").await.expect(200).json();
        let due = crate::cases::instant(&own["items"][0]["objection_due_at"]);
        // 5 working days: at least a week later on the calendar.
        assert!(due - w.now() >= Duration::days(6), "{due}");
        w.set_now(due + Duration::minutes(1));
        let e = post(&w, R::C, "/screening/objection", json!({"statement": "我之前出差了，现在才看到通知。"}))
            .await
            .expect(409);
        assert_eq!(e.error().1.as_deref(), Some("statement"));
        assert!(e.error().2.contains("5 working days"), "{:?}", e.error());
        let q = queue(&w).await;
        assert_eq!(q[0]["objection_period_over"], true);
        assert_eq!(q[0]["objection"], Value::Null);
        let id = q[0]["id"].as_i64().unwrap();
        let d = post(&w, R::Reg, &format!("/regulator/screening/{id}/decision"),
            json!({"uphold": true, "reason": "五次惩罚性索赔均针对标签瑕疵，且未提出异议。"}))
            .await
            .expect(200)
            .json();
        assert_eq!(d["status"], "upheld");
        let case = *ids.last().unwrap();
        assert_eq!(w.trail(case).await.last().unwrap()["body"]["decision"], "upheld");
        assert!(w.inbox(R::C, case).await.contains(&"screening_upheld".to_string()));
        // Upheld: new cases join the upheld flag, with no new review.
        let v = file(&w, R::C, &complaint(&w, ms[3], 0, Some("punitive_3x"))).await;
        assert_eq!(v["screening"]["status"], "upheld");
        assert_eq!(v["screening"]["may_object"], false);
        assert_eq!(queue(&w).await.iter().filter(|f| f["status"] == "under_review").count(), 0);
        // Still proceeds as any case.
        assert_eq!(v["status"], "awaiting_merchant");
    }
}
