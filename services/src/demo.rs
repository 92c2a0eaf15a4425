//! Demo data, loaded on the first start when `GONGDAO_DEMO_DATA=1`: a few
//! hundred real merchants and one verified account per role, so a newcomer
//! can click through as everyone.

use domain::{Lang, Role, user::DemoAccount};
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
    }
    // The demo merchant account answers for the first demo merchant.
    let first = entities::merchant::Entity::find()
        .order_by_asc(entities::merchant::Column::Id)
        .one(&svc.db)
        .await?;
    if let (Some(m), Some(user_id)) = (first, merchant_account) {
        merchants::link_account(svc, m.id, user_id)
            .await
            .map_err(|e| anyhow::anyhow!("linking the demo merchant: {e}"))?;
    }
    Ok(true)
}
