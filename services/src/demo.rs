//! Demo data, loaded on the first start when `GONGDAO_DEMO_DATA=1`: a few
//! hundred real merchants and one verified account per role, so a newcomer
//! can click through as everyone.

use domain::{Fen, Lang, Role, user::DemoAccount};
use entities::user;
use sea_orm::{EntityTrait, PaginatorTrait, QueryOrder};

use crate::{Services, accounts, merchants};

/// 300 rows of the public enterprise registry sample (see shared/data/README.md).
const MERCHANTS_CSV: &str = include_str!("../demo/merchants.csv");
pub const DEMO_PASSWORD: &str = "gongdao-demo";

/// The demo accounts, one per role.
pub fn accounts() -> Vec<DemoAccount> {
    Role::ALL
        .into_iter()
        .map(|role| DemoAccount {
            email: format!("{}@demo.gongdao.cn", role.as_str().replace('_', "-")),
            password: DEMO_PASSWORD.into(),
            role,
        })
        .collect()
}

fn demo_name(role: Role) -> &'static str {
    match role {
        Role::Consumer => "王小明",
        Role::Merchant => "辉腾印刷客服",
        Role::Mediator => "李调解",
        Role::Arbitrator => "张仲裁",
        Role::FundAdmin => "陈基金",
        Role::Regulator => "市场监管局刘科长",
        Role::Admin => "系统管理员",
    }
}

/// Loads the demo data when the database has no accounts yet. Returns whether it did.
pub async fn load_if_empty(svc: &Services) -> anyhow::Result<bool> {
    if user::Entity::find().count(&svc.db).await? > 0 {
        return Ok(false);
    }
    let report = merchants::import::import_merchants(svc, MERCHANTS_CSV.as_bytes()).await?;
    tracing::info!(
        "demo merchants: {}",
        report.to_string().lines().last().unwrap_or_default()
    );
    demo_logistics(svc).await?;
    let mut users = std::collections::HashMap::new();
    let mut merchant_account = None;
    for a in accounts() {
        let created = accounts::create_user(
            svc,
            accounts::NewUser {
                email: a.email,
                password: a.password,
                display_name: demo_name(a.role).into(),
                role: a.role.as_str().into(),
                lang: Lang::Zh,
            },
            true,
        )
        .await
        .map_err(|e| anyhow::anyhow!("creating demo account: {e}"))?;
        if a.role == Role::Merchant {
            merchant_account = Some(created.id);
        }
        users.insert(a.role, created);
    }
    // The demo consumer has a verified identity (实名认证), so first
    // compensation and arbitration are open to them as configured.
    if let Some(consumer) = users.get(&Role::Consumer) {
        let input = domain::identity::IdentityInput {
            real_name: demo_name(Role::Consumer).into(),
            resident_id: "11010519491231002X".into(),
        };
        accounts::identity::set(svc, consumer, &input)
            .await
            .map_err(|e| anyhow::anyhow!("the demo consumer's identity: {e}"))?;
    }
    // The demo merchant account claims the first demo merchant and the demo
    // regulator verifies it (实名认证), as a real merchant would be.
    let first = entities::merchant::Entity::find()
        .order_by_asc(entities::merchant::Column::Id)
        .one(&svc.db)
        .await?;
    if let (Some(m), Some(_)) = (first, merchant_account) {
        let e = |e: domain::AppError| anyhow::anyhow!("verifying the demo merchant: {e}");
        let merchant = users
            .get(&Role::Merchant)
            .ok_or_else(|| anyhow::anyhow!("demo merchant account missing"))?;
        let regulator = users
            .get(&Role::Regulator)
            .ok_or_else(|| anyhow::anyhow!("demo regulator account missing"))?;
        let request = merchants::verification::register(
            svc,
            merchant,
            &domain::merchant::RegistrationInput {
                uscc: m.uscc.clone(),
                name: m.name.clone(),
                entity_type: "enterprise".into(),
                kind: Some("shop".into()),
                registered_address: m.address.clone(),
                business_scope: m.business_scope.clone(),
                shop_names: vec![format!("{}官方旗舰店", m.name)],
                licence_valid_until: None,
            },
        )
        .await
        .map_err(e)?;
        merchants::verification::decide(svc, regulator, request.id, true, None)
            .await
            .map_err(e)?;
        demo_cases(svc, m.id, &users).await?;
        demo_fund(svc, m.id, &users).await?;
    }
    demo_risk_warnings(svc).await?;
    Ok(true)
}

/// The registry sample does not say what kind of business each is: the
/// demo takes those named as carriers (物流, 货运) for logistics companies
/// (寄递物流企业), so the kind filter and the complaints that name a
/// logistics company have subjects.
async fn demo_logistics(svc: &Services) -> anyhow::Result<()> {
    use entities::merchant;
    use sea_orm::{ColumnTrait, Condition, QueryFilter, QuerySelect, sea_query::Expr};
    let carriers = Condition::any()
        .add(merchant::Column::Name.contains("物流"))
        .add(merchant::Column::Name.contains("货运"));
    let ids: Vec<i32> = merchant::Entity::find()
        .select_only()
        .column(merchant::Column::Id)
        .filter(carriers.clone())
        .into_tuple()
        .all(&svc.db)
        .await?;
    merchant::Entity::update_many()
        .col_expr(
            merchant::Column::Kind,
            Expr::value(domain::merchant::MerchantKind::Logistics.as_str()),
        )
        .filter(carriers)
        .exec(&svc.db)
        .await?;
    let now = svc.clock.now();
    for id in ids {
        crate::changes::merchant_changed(&svc.db, id, now)
            .await
            .map_err(|e| anyhow::anyhow!("demo logistics company {id}: {e}"))?;
    }
    Ok(())
}

/// Demo merchants with an open risk warning (many ratings from one IP this
/// week), for people and for the browser specs (160: JavaScript on, 161: off).
pub const RISK_DEMO_MERCHANTS: [i32; 2] = [160, 161];

async fn demo_risk_warnings(svc: &Services) -> anyhow::Result<()> {
    let now = svc.clock.now();
    let p = &svc.config.risk;
    let period = domain::credit::risk::period_key(now);
    for id in RISK_DEMO_MERCHANTS {
        if entities::merchant::Entity::find_by_id(id)
            .one(&svc.db)
            .await?
            .is_none()
        {
            continue;
        }
        for s in domain::credit::risk::rating_signals(0, p.same_ip_min + 2, p) {
            crate::credit::risk::store(svc, id, &s, &period, now)
                .await
                .map_err(|e| anyhow::anyhow!("a demo risk warning: {e}"))?;
        }
    }
    Ok(())
}

/// How many first-compensation-ready demo cases there are (`先行赔付演示 #1…`):
/// filed three weeks ago, never answered by the merchant. The browser specs
/// use #1 (JavaScript on) and #2 (off); the rest are for people.
pub const FC_READY_CASES: usize = 4;

/// The fund: money in the pool, the demo merchant's deposit, one payout
/// already made (so the public ledger is not empty), and cases that qualify.
async fn demo_fund(
    svc: &Services,
    merchant_id: i32,
    users: &std::collections::HashMap<Role, domain::UserView>,
) -> anyhow::Result<()> {
    use crate::cases::{act, file_case};
    use crate::fund::{Direction, operations};
    use domain::cases::{
        ActionInput, ActionKind as K, Category, ComplaintInput, MerchantKey, Remedy,
    };
    use domain::fund::MovementInput;
    let who = |r: Role| {
        users
            .get(&r)
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("demo {r} account missing"))
    };
    let (consumer, fund) = (who(Role::Consumer)?, who(Role::FundAdmin)?);
    let e = |e: domain::AppError| anyhow::anyhow!("demo fund: {e}");
    let money = |fen: i64, key: &str| MovementInput {
        amount_fen: domain::Fen(fen),
        idempotency_key: key.into(),
        reason: None,
    };
    operations::fund_top_up(svc, &fund, &money(5_000_000, "demo-fund-1"))
        .await
        .map_err(e)?;
    operations::deposit(
        svc,
        &fund,
        merchant_id,
        Direction::In,
        &money(30_000, "demo-deposit-1"),
    )
    .await
    .map_err(e)?;
    // Three weeks ago: the merchant never answered these.
    let now = svc.clock.now();
    let then = now - chrono::Duration::days(21);
    let past = Services {
        clock: crate::Clock::fixed(then),
        ..svc.clone()
    };
    let order_date = domain::calendar::local_date(then - chrono::Duration::days(3))
        .format("%Y-%m-%d")
        .to_string();
    let mut paid_case = None;
    for n in 0..=FC_READY_CASES {
        let complaint = ComplaintInput {
            merchant_id: Some(MerchantKey::Id(merchant_id)),
            merchant_uscc: None,
            category: Category::Delivery,
            title: if n == 0 {
                "付款后一直未发货".into()
            } else {
                format!("先行赔付演示 #{n}")
            },
            narrative: "付款后商家一直没有发货，联系客服也没有任何回复，申请退款也不处理。".into(),
            order_ref: format!("DEMO-FC-{n}"),
            order_date: order_date.clone(),
            amount_paid_fen: Fen(50000),
            amount_claimed_fen: Fen(50000),
            remedy: Remedy::Refund,
            demand: None,
            publish_narrative: false,
            waybill: None,
            logistics: None,
        };
        let id = file_case(&past, &consumer, &complaint, "merchant")
            .await
            .map_err(e)?
            .id;
        if n == 0 {
            paid_case = Some(id);
        }
    }
    if let Some(id) = paid_case {
        let step = ActionInput::bare;
        act(svc, &consumer, id, step(K::ApplyFirstCompensation))
            .await
            .map_err(e)?;
        act(
            svc,
            &fund,
            id,
            ActionInput {
                amount_fen: Some(Fen(20000)),
                message: Some("商户逾期未答复，基金先行赔付退款。".into()),
                ..step(K::ApproveFirstCompensation)
            },
        )
        .await
        .map_err(e)?;
    }
    Ok(())
}

/// (category, remedy, title, narrative from a real review, paid fen, claimed fen, how far to take it)
const CASES: &[(&str, &str, &str, &str, i64, i64, &str)] = &[
    (
        "refund_refused",
        "refund",
        "平板配送三天未到且无人联系",
        "买了三个 还有一个三天了还没给我送 也没人联系我解释原因 物流也不显示配送员电话 是等着日期到了自动收货吗",
        129_900,
        129_900,
        "filed",
    ),
    (
        "counterfeit",
        "refund",
        "洗发水疑似假货",
        "到处都是灰尘，是从垃圾桶里捡出来的吗，怀疑是假货，京东能解释一下是咋回事？",
        8_900,
        17_800,
        "offered",
    ),
    (
        "not_as_pictured",
        "replacement",
        "洗发水分量与图片不符",
        "骗人，别买，买了四瓶，有三瓶离瓶肩有3、4厘米的距离，照片还看不出来，劝大家别上当！",
        19_600,
        19_600,
        "settled",
    ),
    (
        "false_advertising",
        "refund",
        "热水器宣传恒温实际不恒温",
        "客服骗人 不是恒温又说是恒温 噪音大 燃气的味道浓 10号开始使用 17号马上没有热水出 差差差差",
        249_900,
        249_900,
        "queued_mediation",
    ),
    (
        "quality",
        "compensation",
        "衣服质量与价格严重不符",
        "物流速度很慢就不说了！高高兴兴的去收货，拆开一看，布料差得我自己都不敢信！从来没发评价这么多字过！",
        29_900,
        15_000,
        "proposed",
    ),
    (
        "quality",
        "repair",
        "笔记本屏幕有坏点",
        "不是完美屏,有个红点,机身正面的烤漆面一摸就是一个手印,要是送个贴模就好啦",
        599_900,
        50_000,
        "queued_arbitration",
    ),
    (
        "price_fraud",
        "refund",
        "刚买一天就降价，价保失败",
        "不好，我刚买了一天就降价了，价格保护也失败，非常不好，非常不开心。",
        45_900,
        5_000,
        "decided",
    ),
    (
        "quality",
        "refund",
        "苹果味道异常",
        "不好吃，不晓得怎么回有那么多好评，一股奇怪的味道，皮也硬，第一次吃到苹果有那种味道。",
        6_800,
        6_800,
        "closed",
    ),
    (
        "service_breach",
        "apology",
        "平板赠品缺失",
        "老板你也太抠了，不给膜和保护套就算了，耳机也没有，更可气的是竟然送的数据线充不了电",
        189_900,
        0,
        "withdrawn",
    ),
];

/// One demo case in each state, so every role has something to look at.
async fn demo_cases(
    svc: &Services,
    merchant_id: i32,
    users: &std::collections::HashMap<Role, domain::UserView>,
) -> anyhow::Result<()> {
    use crate::cases::{act, file_case};
    use domain::cases::{
        ActionInput, ActionKind as K, Category, ComplaintInput, MerchantKey, Remedy,
    };
    let who = |r: Role| {
        users
            .get(&r)
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("demo {r} account missing"))
    };
    let (consumer, merchant, mediator, arbitrator) = (
        who(Role::Consumer)?,
        who(Role::Merchant)?,
        who(Role::Mediator)?,
        who(Role::Arbitrator)?,
    );
    let order_date = (domain::calendar::local_date(svc.clock.now()) - chrono::Duration::days(10))
        .format("%Y-%m-%d")
        .to_string();
    let e = |e: domain::AppError| anyhow::anyhow!("demo case: {e}");
    let step = ActionInput::bare;
    for (i, (category, remedy, title, narrative, paid, claimed, target)) in CASES.iter().enumerate()
    {
        let unknown = || anyhow::anyhow!("demo case {i}: unknown category or remedy");
        let remedy = Remedy::parse(remedy).ok_or_else(unknown)?;
        let complaint = ComplaintInput {
            merchant_id: Some(MerchantKey::Id(merchant_id)),
            merchant_uscc: None,
            category: Category::parse(category).ok_or_else(unknown)?,
            title: (*title).into(),
            narrative: (*narrative).into(),
            order_ref: format!("DEMO-{:04}", i + 1),
            order_date: order_date.clone(),
            amount_paid_fen: Fen(*paid),
            amount_claimed_fen: Fen(*claimed),
            remedy,
            demand: None,
            publish_narrative: i % 2 == 0 || *target == "closed",
            waybill: None,
            logistics: None,
        };
        let id = file_case(svc, &consumer, &complaint, "merchant")
            .await
            .map_err(e)?
            .id;
        let remedy = Some(remedy);
        let offer = ActionInput {
            amount_fen: Some(Fen(claimed / 2)),
            remedy,
            fulfil_within_days: Some(5),
            message: Some("您好，我们愿意先退一半，您看可以吗？".into()),
            ..step(K::Offer)
        };
        let respond = ActionInput {
            message: Some("已收到，正在核实。".into()),
            ..step(K::Respond)
        };
        let escalate = ActionInput {
            reason: Some("商户方案不合理".into()),
            ..step(K::Escalate)
        };
        let mut plan: Vec<(&domain::UserView, ActionInput)> = vec![];
        match *target {
            "filed" => {}
            "offered" => plan.extend([(&merchant, respond), (&merchant, offer)]),
            "settled" | "closed" => {
                plan.extend([
                    (&merchant, respond),
                    (&merchant, offer),
                    (&consumer, step(K::AcceptOffer)),
                ]);
                if *target == "closed" {
                    plan.extend([
                        (
                            &merchant,
                            ActionInput {
                                message: Some("已退款".into()),
                                ..step(K::Comply)
                            },
                        ),
                        (&consumer, step(K::ConfirmFulfilment)),
                    ]);
                }
            }
            "queued_mediation" | "proposed" | "queued_arbitration" | "decided" => {
                plan.extend([(&merchant, respond), (&consumer, escalate)]);
                if *target != "queued_mediation" {
                    plan.push((&mediator, step(K::Take)));
                }
                if *target == "proposed" {
                    plan.push((
                        &mediator,
                        ActionInput {
                            amount_fen: Some(Fen(*claimed)),
                            remedy,
                            fulfil_within_days: Some(7),
                            message: Some("建议商户全额赔偿。".into()),
                            ..step(K::Propose)
                        },
                    ));
                }
                if matches!(*target, "queued_arbitration" | "decided") {
                    plan.push((
                        &mediator,
                        ActionInput {
                            reason: Some("双方分歧较大，调解不成".into()),
                            ..step(K::Escalate)
                        },
                    ));
                }
                if *target == "decided" {
                    plan.push((&arbitrator, step(K::Take)));
                    plan.push((
                        &arbitrator,
                        ActionInput {
                            amount_fen: Some(Fen(*claimed)),
                            remedy,
                            fulfil_within_days: Some(10),
                            reason: Some("商户承诺价格保护而未履行，应予退还差价。".into()),
                            ..step(K::Decide)
                        },
                    ));
                }
            }
            "withdrawn" => plan.push((
                &consumer,
                ActionInput {
                    reason: Some("已与商户协商解决".into()),
                    ..step(K::Withdraw)
                },
            )),
            other => anyhow::bail!("unknown demo target {other}"),
        }
        for (user, action) in plan {
            act(svc, user, id, action).await.map_err(e)?;
        }
    }
    Ok(())
}
