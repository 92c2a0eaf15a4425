//! `cargo xtask bench cases`: files complaints concurrently on PostgreSQL
//! through the whole service (validation, duplicate check, state machine,
//! guarded insert, trail entry, inbox and outbox mail, one transaction each)
//! and prints filings per second next to the raw insert rate of the same case
//! rows, measured in the same run on the same database.
//!
//! Settings (environment): BENCH_FILINGS (default 2000), BENCH_CONCURRENCY
//! (16), GONGDAO_TEST_PG_URL (postgres://postgres@127.0.0.1:5432/postgres).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use domain::cases::{Category, ComplaintInput, MerchantKey, Remedy};
use domain::{Fen, Lang, Role, UserView};
use entities::{case, user};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, Database};
use services::{Config, Services};

const MERCHANTS_CSV: &str = include_str!("../../services/demo/merchants.csv");
const CONSUMERS: usize = 200;

fn env_usize(k: &str, d: usize) -> usize {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n = env_usize("BENCH_FILINGS", 2000);
    let conc = env_usize("BENCH_CONCURRENCY", 16);
    let admin_url = std::env::var("GONGDAO_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("gongdao_bench_{}", std::process::id());
    let admin = Database::connect(admin_url.as_str()).await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await?;
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b.to_string())
        .unwrap_or(admin_url.clone());
    let url = format!("{base}/{name}");
    let result = run(&url, n, conc).await;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await?;
    result
}

async fn run(url: &str, n: usize, conc: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let db = services::db::connect(url).await?;
    services::db::migrate(&db).await?;
    let svc = Services::with_db(Config::for_tests(url, dir.path().to_path_buf()), db.clone());
    services::merchants::import::import_merchants(&svc, MERCHANTS_CSV.as_bytes()).await?;
    let hash = password_hash();
    let mut consumers = Vec::with_capacity(CONSUMERS);
    for i in 0..CONSUMERS {
        consumers.push(make_user(&svc, &format!("c{i}@bench.test"), Role::Consumer, &hash).await?);
    }
    // Half the merchants have an account, so filing also writes inbox entries and mail.
    for m in 1..=150 {
        let u = make_user(&svc, &format!("m{m}@bench.test"), Role::Merchant, &hash).await?;
        services::merchants::link_account(&svc, m, u.id)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let consumers = Arc::new(consumers);
    let today = domain::calendar::local_date(Utc::now())
        .format("%Y-%m-%d")
        .to_string();

    // Through the service.
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = vec![];
    for _ in 0..conc {
        let (svc, next, consumers, today) =
            (svc.clone(), next.clone(), consumers.clone(), today.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = vec![];
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return Ok::<_, anyhow::Error>(lat);
                }
                let complaint = ComplaintInput {
                    merchant_id: Some(MerchantKey::Id(((i * 7) % 300 + 1) as i32)),
                    merchant_uscc: None,
                    category: Category::Quality,
                    title: "商品质量问题".into(),
                    narrative: "收到的商品有明显质量问题，要求退款。".into(),
                    order_ref: format!("SVC-{i}"),
                    order_date: today.clone(),
                    amount_paid_fen: Fen(19900),
                    amount_claimed_fen: Fen(19900),
                    remedy: Remedy::Refund,
                    demand: None,
                    publish_narrative: false,
                    waybill: None,
                    logistics: None,
                };
                let t = Instant::now();
                services::cases::file_case(&svc, &consumers[i % CONSUMERS], &complaint, "merchant")
                    .await
                    .map_err(|e| anyhow::anyhow!("filing {i}: {e:?}"))?;
                lat.push(t.elapsed());
            }
        }));
    }
    let mut lat = vec![];
    for t in tasks {
        lat.extend(t.await??);
    }
    let service_secs = started.elapsed().as_secs_f64();
    lat.sort();

    // The same rows, inserted raw.
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = vec![];
    for _ in 0..conc {
        let (db, next, consumers) = (db.clone(), next.clone(), consumers.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return Ok::<_, anyhow::Error>(());
                }
                let now = Utc::now();
                case::ActiveModel {
                    number: Set(format!("RAW-{i}")),
                    consumer_id: Set(consumers[i % CONSUMERS].id),
                    merchant_id: Set(((i * 7) % 300 + 1) as i32),
                    category: Set("quality".into()),
                    title: Set("商品质量问题".into()),
                    narrative: Set("收到的商品有明显质量问题，要求退款。".into()),
                    order_ref: Set(format!("RAW-{i}")),
                    order_date: Set(now.date_naive()),
                    amount_paid_fen: Set(19900),
                    amount_claimed_fen: Set(19900),
                    remedy: Set("refund".into()),
                    publish_narrative: Set(false),
                    status: Set("awaiting_merchant".into()),
                    owner_id: Set(None),
                    next_deadline_at: Set(Some(now)),
                    state: Set("{}".into()),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&db)
                .await?;
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    let raw_secs = started.elapsed().as_secs_f64();
    let (svc_rate, raw_rate) = (n as f64 / service_secs, n as f64 / raw_secs);
    println!("case filing benchmark on PostgreSQL: {n} filings, {conc} concurrent clients");
    println!(
        "  through the service : {svc_rate:8.0} filings/s  (p50 {:.1} ms, p99 {:.1} ms)",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99)
    );
    println!("  raw case inserts    : {raw_rate:8.0} rows/s");
    println!("  ratio raw/service   : {:8.1}x", raw_rate / svc_rate);
    Ok(())
}

fn password_hash() -> String {
    password_auth::generate_hash("bench password")
}

async fn make_user(
    svc: &Services,
    email: &str,
    role: Role,
    hash: &str,
) -> anyhow::Result<UserView> {
    let u = user::ActiveModel {
        email: Set(email.into()),
        password_hash: Set(hash.into()),
        display_name: Set("测试".into()),
        role: Set(role.as_str().into()),
        lang: Set(Lang::Zh.code().into()),
        email_verified_at: Set(Some(Utc::now())),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&svc.db)
    .await?;
    Ok(services::accounts::view(&u))
}
