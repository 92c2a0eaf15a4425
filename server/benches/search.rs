//! `cargo xtask bench search [--synthetic N]`: merchant search at scale.
//!
//! 1. Imports merchants into a fresh database (SQLite in a temporary folder,
//!    or PostgreSQL when `BENCH_SEARCH_PG_URL` is set): the 49,913 rows of
//!    `../shared/data/merchants-cn-sample.csv`, or with `--synthetic N` the
//!    sample's valid rows plus synthetic ones recombined from them (a name's
//!    region prefix + another's core + another's suffix, another's business
//!    scope; unique USCCs with a valid GB 32100 check character), N in all.
//!    Then gives a deterministic share of them a credit score and grade, a
//!    verification, a red- or black-list entry and complaints, so that the
//!    filters, facets and sorts have something to do.
//! 2. Rebuilds the index (`services::search::indexer::rebuild`) and prints
//!    its time, size on disk and document count.
//! 3. Starts the real server binary (`gongdao serve`) on that data, and runs
//!    a fixed mix of a few hundred queries taken from the data through
//!    `GET /api/v1/merchants` over one keep-alive TCP connection (a warm-up
//!    pass, then a measured pass), and the same queries against tantivy's own
//!    searcher (production's own `build_query`, `TopDocs` + `Count`), plus the
//!    layers in between, in this process.
//! 4. Freshness, with the server's own writer following the change log:
//!    1,000 merchants renamed here, each in a transaction that logs the
//!    change (as another server would), timed from commit until a search
//!    over HTTP returns the new name; p99 against 2 s.
//! 5. Prints the server process's peak and current RSS (`/proc/<pid>/status`)
//!    and each target as PASS or MISS (a miss does not fail the run).
//!
//! Settings: `--synthetic N`; environment `BENCH_SEARCH_IMPORT` (`service`,
//! the default: the CSV importer, fast enough for a million rows; or `bulk`:
//! batched multi-row inserts in transactions, without change-log rows),
//! `BENCH_SEARCH_PG_URL` (an admin URL: a database is created and dropped),
//! `BENCH_SEARCH_DIR` (use and keep this folder; a database already holding
//! merchants there is reused, skipping the import), `BENCH_SEARCH_PASSES`
//! (measured passes, default 1), `BENCH_SEARCH_CSV` (another sample file),
//! `BENCH_SEARCH_PROFILE=1` (also explain the slowest queries and split the
//! full reindex into its parts).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{NaiveDate, Utc};
use entities::{case, list_entry, merchant, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, Database, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use services::search::schema::{Fields, chars_analyser, schema, tokens, zh_analyser};
use services::search::{SearchQuery, SortBy};
use services::{Config, Services};
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::agg_result::AggregationResults;
use tantivy::aggregation::{AggContextParams, AggregationCollector, AggregationLimitsGuard};
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::{BooleanQuery, Query};
use tantivy::schema::TantivyDocument;
use tantivy::tokenizer::TokenizerManager;
use tantivy::{DocAddress, Index, IndexReader, Order, ReloadPolicy, Score, Searcher, Term};

const SAMPLE_CSV: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/merchants-cn-sample.csv"
);
const SERVER_BIN: &str = env!("CARGO_BIN_EXE_gongdao");
/// The scale the targets are set for.
const TARGET_SCALE: usize = 1_000_000;
const TARGET_HTTP_P99_MS: f64 = 20.0;
const TARGET_RATIO: f64 = 1.5;
const TARGET_REINDEX_S: f64 = 30.0;
const TARGET_RSS_MB: f64 = 400.0;
const TARGET_FRESHNESS_S: f64 = 2.0;
/// Changes timed from commit to searchable.
const FRESHNESS_CHANGES: usize = 1000;
/// Changes committed and not yet found at any time (a steady trickle, not a burst).
const FRESHNESS_IN_FLIGHT: usize = 10;
const FRESHNESS_GIVE_UP: Duration = Duration::from_secs(30);

// ------------------------------------------------------------------ main

struct Settings {
    synthetic: Option<usize>,
    bulk: bool,
    pg_admin: Option<String>,
    keep_dir: Option<PathBuf>,
    passes: usize,
    csv: PathBuf,
    profile: bool,
}

fn settings() -> anyhow::Result<Option<Settings>> {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs bench
    // targets without it: then this minutes-long benchmark does nothing.
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("the search benchmark runs under `cargo bench` (cargo xtask bench search)");
        return Ok(None);
    }
    let mut synthetic = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            // `cargo bench` passes this to every bench binary.
            "--bench" => {}
            "--synthetic" => {
                let n = args.next().unwrap_or_default();
                synthetic = Some(
                    n.replace('_', "")
                        .parse::<usize>()
                        .ok()
                        .filter(|n| *n > 0)
                        .with_context(|| format!("--synthetic {n:?}: a number of merchants"))?,
                );
            }
            other => bail!("unknown argument {other:?}; usage: search [--synthetic N]"),
        }
    }
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let bulk = match env("BENCH_SEARCH_IMPORT").as_deref() {
        None | Some("service") => false,
        Some("bulk") => true,
        Some(o) => bail!("BENCH_SEARCH_IMPORT={o:?}: service or bulk"),
    };
    Ok(Some(Settings {
        synthetic,
        bulk,
        pg_admin: env("BENCH_SEARCH_PG_URL"),
        keep_dir: env("BENCH_SEARCH_DIR").map(PathBuf::from),
        passes: env("BENCH_SEARCH_PASSES")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1usize)
            .max(1),
        profile: env("BENCH_SEARCH_PROFILE").is_some_and(|v| v != "0"),
        csv: env("BENCH_SEARCH_CSV")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(SAMPLE_CSV)),
    }))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Some(s) = settings()? else {
        return Ok(());
    };
    let tmp = tempfile::tempdir()?;
    let dir = match &s.keep_dir {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            std::fs::canonicalize(d)?
        }
        None => tmp.path().to_path_buf(),
    };
    match s.pg_admin.clone() {
        None => {
            let url = format!("sqlite://{}?mode=rwc", dir.join("gongdao.db").display());
            run(&s, &dir, &url, "SQLite").await
        }
        Some(admin_url) => {
            let name = format!("gongdao_bench_search_{}", std::process::id());
            let admin = Database::connect(admin_url.as_str()).await?;
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await?;
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap_or(admin_url.clone());
            let result = run(&s, &dir, &format!("{base}/{name}"), "PostgreSQL").await;
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await?;
            result
        }
    }
}

async fn run(s: &Settings, dir: &Path, url: &str, backend: &str) -> anyhow::Result<()> {
    let sample = read_sample(&s.csv)?;
    let db = services::db::connect(url).await?;
    services::db::migrate(&db).await?;
    let svc = Services::with_db(Config::for_tests(url, dir.to_path_buf()), db.clone());
    let mut out = Report::default();
    out.line(format!(
        "merchant search benchmark — {backend}, {} cores, data in {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        dir.display()
    ));

    let load_start = loadavg();
    // 1. Import.
    let existing = merchant::Entity::find().count(&db).await?;
    if existing > 0 {
        out.line(format!(
            "import: reusing the {existing} merchants already in {}",
            dir.display()
        ));
    } else {
        // The importer logs one change per merchant (the user's path: the
        // rebuild below starts its generation at the log's head, so the
        // server's writer has nothing of them to replay).
        import(s, &svc, &sample, dir, &mut out).await?;
        enrich(&db, &mut out).await?;
    }
    let merchants = merchant::Entity::find().count(&db).await? as usize;

    // 2. Full reindex.
    eprintln!("rebuilding the index…");
    let started = Instant::now();
    let indexed = services::search::indexer::rebuild(&svc, |done, total| {
        eprint!("\r  {done}/{total}");
    })
    .await?;
    eprintln!();
    let reindex_s = started.elapsed().as_secs_f64();
    let index_dir = svc.search.index().dir().to_path_buf();
    let index_bytes = dir_size(&index_dir)?;
    let gen_bytes = dir_size(index_dir.parent().unwrap_or(&index_dir))?;
    let searchable = svc.search.index().num_docs();
    let head = services::changes::head(&db).await?;
    let cursor = svc.search.current().cursor()?.unwrap_or(0);
    out.line(format!(
        "change log after the rebuild: head {head}, the new generation's cursor {cursor}: \
         {} changes left for the server's writer to replay",
        head - cursor
    ));
    out.line(format!(
        "full reindex (services::search::indexer::rebuild): {indexed} documents in {reindex_s:.1} s ({:.0} docs/s); \
         merchant index: {searchable} docs, {} on disk ({index_bytes} bytes; whole generation folder {})",
        indexed as f64 / reindex_s,
        mb(index_bytes),
        mb(gen_bytes),
    ));

    // 3. Queries.
    let queries = build_queries(&sample);
    let mut by_cat: BTreeMap<&str, usize> = BTreeMap::new();
    for q in &queries {
        *by_cat.entry(q.cat).or_default() += 1;
    }
    out.line(format!(
        "query mix: {} queries ({})",
        queries.len(),
        by_cat
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));

    let raw = Raw::open(&index_dir)?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut server = Server::start(dir, url, port)?;
    let rss_start = Mem::of(server.pid())?;
    let mut http = Http::connect(port)?;

    // Warm-up: every query once through each path, checking the answers agree.
    let mut mismatches = vec![];
    for q in &queries {
        let (status, body) = http.get(&q.url())?;
        if status != 200 {
            bail!("{} → {status}: {}", q.url(), String::from_utf8_lossy(&body));
        }
        let v: serde_json::Value = serde_json::from_slice(&body)?;
        let r = raw.search(&q.sq, Stages::FULL)?;
        let ids: Vec<u64> = v["items"]
            .as_array()
            .map(|a| a.iter().filter_map(|i| i["id"].as_u64()).collect())
            .unwrap_or_default();
        let total = v["total"].as_u64().unwrap_or(u64::MAX);
        if total != r.count as u64 || ids != raw.ids(&r.docs)? {
            mismatches.push(format!("{}: HTTP total {total}, raw {}", q.url(), r.count));
        }
        let direct = svc.search.index().search(&q.sq);
        if direct.as_ref().ok().map(|p| p.total) != Some(total) {
            mismatches.push(format!("{}: in-process search differs", q.url()));
        }
    }

    // Measured passes, one layer after another, the same queries each.
    let (busy0, me0, srv0, t0) = (
        cpu_busy(),
        cpu_of(std::process::id()),
        cpu_of(server.pid()),
        Instant::now(),
    );
    let mut layers: Vec<Layer> = vec![];
    let mut proposals: Vec<Layer> = vec![];
    let idx = svc.search.index();
    for (name, stages) in [
        ("raw tantivy: query + TopDocs + Count", Stages::RAW),
        ("raw + facet aggregation", Stages::FACETS),
        ("raw + stored-doc fetch", Stages::DOCS),
        ("raw + facets + docs", Stages::FULL),
    ] {
        let mut l = Layer::new(name);
        for _ in 0..s.passes {
            for q in &queries {
                let t = Instant::now();
                std::hint::black_box(raw.search(&q.sq, stages)?);
                l.push(q.cat, t.elapsed());
            }
        }
        layers.push(l);
    }
    if s.profile {
        for (name, stages) in [(
            "proposal: raw + facets + docs, browse facets cached",
            Stages::BROWSE_CACHED,
        )] {
            let mut l = Layer::new(name);
            for _ in 0..s.passes {
                for q in &queries {
                    let t = Instant::now();
                    std::hint::black_box(raw.search(&q.sq, stages)?);
                    l.push(q.cat, t.elapsed());
                }
            }
            proposals.push(l);
        }
    }
    let mut l = Layer::new("MerchantIndex::search (in process)");
    let mut json_l = Layer::new("  … + serde_json::to_vec of the page");
    for _ in 0..s.passes {
        for q in &queries {
            let t = Instant::now();
            let page = idx.search(&q.sq).map_err(|e| anyhow::anyhow!("{e:?}"))?;
            l.push(q.cat, t.elapsed());
            std::hint::black_box(serde_json::to_vec(&page)?);
            json_l.push(q.cat, t.elapsed());
        }
    }
    layers.push(l);
    layers.push(json_l);
    let mut l = Layer::new("services::search::search (spawn_blocking)");
    for _ in 0..s.passes {
        for q in &queries {
            let t = Instant::now();
            std::hint::black_box(
                services::search::search(&svc, q.sq.clone())
                    .await
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?,
            );
            l.push(q.cat, t.elapsed());
        }
    }
    layers.push(l);
    let mut l = Layer::new("HTTP GET /api/v1/merchants (server process)");
    let mut body_bytes = 0usize;
    for _ in 0..s.passes {
        for q in &queries {
            let url = q.url();
            let t = Instant::now();
            let (status, body) = http.get(&url)?;
            l.push(q.cat, t.elapsed());
            if status != 200 {
                bail!("{url} → {status}");
            }
            body_bytes += body.len();
        }
    }
    layers.push(l);
    let rss = Mem::of(server.pid())?;
    let server_pid = server.pid();
    // 5. Freshness: changes committed here (another process, as another
    // server would) until the server's own writer makes them searchable.
    eprintln!("freshness: {FRESHNESS_CHANGES} changes…");
    let fresh = freshness(&db, &mut http).await?;
    // Other processes' CPU use while we measured, in cores (2 = both busy).
    let ticks = 100.0; // USER_HZ on Linux
    let other_cores = (cpu_busy() - busy0)
        .saturating_sub(cpu_of(std::process::id()) - me0)
        .saturating_sub(cpu_of(server_pid) - srv0) as f64
        / ticks
        / t0.elapsed().as_secs_f64();
    server.stop();

    // 4. Figures.
    out.line(format!(
        "other processes during the query passes: {other_cores:.2} cores busy on average \
         (load average at the start {load_start}, after the queries {})",
        loadavg()
    ));
    out.line(format!(
        "query passes: 1 warm-up + {} measured; answers HTTP vs raw: {} of {} differ; mean HTTP body {:.1} KB",
        s.passes,
        mismatches.len(),
        queries.len(),
        body_bytes as f64 / (queries.len() * s.passes) as f64 / 1024.0
    ));
    for m in mismatches.iter().take(10) {
        out.line(format!("  differs: {m}"));
    }
    out.line("latency per layer (ms):                          p50     p99     max    mean".into());
    for l in &layers {
        out.line(l.summary());
    }
    for l in &proposals {
        out.line(l.summary());
    }
    let http_l = layers.last().context("layers")?;
    let raw_l = &layers[0];
    let http_p99 = http_l.pct(0.99);
    let ratio_p99 = http_p99 / raw_l.pct(0.99);
    let ratio_p50 = http_l.pct(0.5) / raw_l.pct(0.5);
    out.line(format!(
        "ratio HTTP/raw: p50 {ratio_p50:.2}x, p99 {ratio_p99:.2}x, mean {:.2}x",
        http_l.mean() / raw_l.mean()
    ));
    out.line(
        "by query kind (ms)                 n  raw p50  raw p99  in-process p50  p99  HTTP p50  HTTP p99  HTTP max"
            .into(),
    );
    let in_process = &layers[4];
    for cat in by_cat.keys() {
        let (r, m, h) = (raw_l.of(cat), in_process.of(cat), http_l.of(cat));
        out.line(format!(
            "  {cat:<30} {:>4} {:>8.2} {:>8.2} {:>15.2} {:>5.2} {:>9.2} {:>9.2} {:>9.2}",
            h.len(),
            pct(&r, 0.5),
            pct(&r, 0.99),
            pct(&m, 0.5),
            pct(&m, 0.99),
            pct(&h, 0.5),
            pct(&h, 0.99),
            pct(&h, 1.0),
        ));
    }
    out.line(format!(
        "server memory (pid {}): after start VmRSS {:.1} MB; after the queries VmHWM {:.1} MB, VmRSS {:.1} MB (anon {:.1} MB, file-backed {:.1} MB)",
        server_pid,
        rss_start.rss_mb,
        rss.hwm_mb,
        rss.rss_mb,
        rss.anon_mb,
        rss.file_mb
    ));
    out.line(format!(
        "freshness (commit → found over HTTP by the server's writer; {} changes, {FRESHNESS_IN_FLIGHT} in flight, \
         polled every ~{:.0} ms): p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms{}",
        fresh.latencies.len(),
        fresh.poll_ms,
        pct(&fresh.latencies, 0.5),
        pct(&fresh.latencies, 0.99),
        pct(&fresh.latencies, 1.0),
        if fresh.missed > 0 {
            format!("; {} not searchable within {FRESHNESS_GIVE_UP:?}", fresh.missed)
        } else {
            String::new()
        }
    ));
    let fresh_p99_s = pct(&fresh.latencies, 0.99) / 1000.0;
    let scale_note = if merchants == TARGET_SCALE {
        String::new()
    } else {
        format!(" (targets are set for {TARGET_SCALE} merchants; this run has {merchants})")
    };
    out.line(format!("targets{scale_note}:"));
    let verdict = |ok: bool| if ok { "PASS" } else { "MISS" };
    for (what, value, target, ok) in [
        (
            "HTTP p99",
            format!("{http_p99:.2} ms"),
            format!("≤ {TARGET_HTTP_P99_MS} ms"),
            http_p99 <= TARGET_HTTP_P99_MS,
        ),
        (
            "ratio HTTP/raw (p99)",
            format!("{ratio_p99:.2}x"),
            format!("≤ {TARGET_RATIO}x"),
            ratio_p99 <= TARGET_RATIO,
        ),
        (
            "full reindex",
            format!("{reindex_s:.1} s"),
            format!("≤ {TARGET_REINDEX_S} s"),
            reindex_s <= TARGET_REINDEX_S,
        ),
        (
            "freshness p99",
            format!("{fresh_p99_s:.2} s"),
            format!("≤ {TARGET_FRESHNESS_S} s"),
            fresh_p99_s <= TARGET_FRESHNESS_S && fresh.missed == 0,
        ),
        (
            "server peak RSS (VmHWM)",
            format!("{:.1} MB", rss.hwm_mb),
            format!("≤ {TARGET_RSS_MB} MB"),
            rss.hwm_mb <= TARGET_RSS_MB,
        ),
    ] {
        out.line(format!(
            "  {:<4} {what:<24} {value:>10}   target {target}",
            verdict(ok)
        ));
    }
    if s.profile {
        let slow = http_l.slowest(12);
        explain_slow(&raw, &queries, &slow, &mut out)?;
        reindex_parts(&svc, &mut out).await?;
    }
    Ok(())
}

// ------------------------------------------------------------------ freshness

struct Freshness {
    /// Commit to searchable, sorted.
    latencies: Vec<Duration>,
    missed: usize,
    /// The mean time of one round of polls (the resolution of the figures).
    poll_ms: f64,
}

/// Renames `FRESHNESS_CHANGES` merchants spread over the table, each in its
/// own transaction that logs the change (as the services do), keeping
/// `FRESHNESS_IN_FLIGHT` of them pending, and times each from its commit
/// until a USCC search over HTTP returns the new name.
async fn freshness(db: &DatabaseConnection, http: &mut Http) -> anyhow::Result<Freshness> {
    let ids: Vec<i32> = merchant::Entity::find()
        .select_only()
        .column(merchant::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let step = (ids.len() / FRESHNESS_CHANGES).max(1);
    let picked: Vec<i32> = ids
        .iter()
        .step_by(step)
        .take(FRESHNESS_CHANGES)
        .copied()
        .collect();
    let mut pending: Vec<(String, String, Instant)> = vec![];
    let mut latencies = vec![];
    let (mut missed, mut rounds, mut polling) = (0usize, 0u32, Duration::ZERO);
    let mut next = picked.iter().enumerate();
    loop {
        while pending.len() < FRESHNESS_IN_FLIGHT {
            let Some((i, &id)) = next.next() else { break };
            let m = merchant::Entity::find_by_id(id)
                .one(db)
                .await?
                .context("merchant")?;
            let name = format!("鲜度测试{i}号{}", m.name);
            let txn = db.begin().await?;
            merchant::Entity::update_many()
                .col_expr(merchant::Column::Name, Expr::value(name.clone()))
                .filter(merchant::Column::Id.eq(id))
                .exec(&txn)
                .await?;
            services::changes::merchant_changed(&txn, id, Utc::now())
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            txn.commit().await?;
            pending.push((m.uscc, name, Instant::now()));
        }
        if pending.is_empty() {
            break;
        }
        let round = Instant::now();
        let mut still = vec![];
        for (uscc, name, at) in pending.drain(..) {
            let (status, body) = http.get(&format!("/api/v1/merchants?q={uscc}&per_page=1"))?;
            let v: serde_json::Value = serde_json::from_slice(&body)?;
            if status == 200 && v["items"][0]["name"].as_str() == Some(name.as_str()) {
                latencies.push(at.elapsed());
            } else if at.elapsed() > FRESHNESS_GIVE_UP {
                missed += 1;
                latencies.push(at.elapsed());
            } else {
                still.push((uscc, name, at));
            }
        }
        polling += round.elapsed();
        rounds += 1;
        pending = still;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    latencies.sort();
    Ok(Freshness {
        latencies,
        missed,
        poll_ms: polling.as_secs_f64() * 1000.0 / f64::from(rounds.max(1)) + 5.0,
    })
}

/// The figures, printed as they come.
#[derive(Default)]
struct Report(Vec<String>);

impl Report {
    fn line(&mut self, l: String) {
        println!("{l}");
        self.0.push(l);
    }
}

/// CPU time, in clock ticks: the whole machine's busy time (`/proc/stat`)
/// and a process's own (`/proc/<pid>/stat`, user + system).
fn cpu_busy() -> u64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let v: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal
    [0, 1, 2, 5, 6, 7].iter().filter_map(|i| v.get(*i)).sum()
}

fn cpu_of(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // After the command name in parentheses: state is field 3, utime 14, stime 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0)
}

/// `/proc/loadavg`'s first three figures: other work on the machine skews timings.
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_048_576.0)
}

fn dir_size(dir: &Path) -> anyhow::Result<u64> {
    let mut total = 0;
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let m = e.metadata()?;
        total += if m.is_dir() {
            dir_size(&e.path())?
        } else {
            m.len()
        };
    }
    Ok(total)
}

// ------------------------------------------------------------------ data

/// One row of the registry layout, as in the file.
#[derive(Clone)]
struct Row {
    name: String,
    uscc: String,
    registered_on: String,
    entity_type: String,
    registered_capital: String,
    business_scope: String,
    province: String,
    region: String,
    address: String,
}

const HEADER: [&str; 9] = [
    "name",
    "uscc",
    "registered_on",
    "entity_type",
    "registered_capital",
    "business_scope",
    "province",
    "region",
    "address",
];

fn read_sample(path: &Path) -> anyhow::Result<Vec<Row>> {
    let mut r = csv::Reader::from_path(path).with_context(|| format!("{}", path.display()))?;
    let mut rows = vec![];
    for rec in r.records() {
        let rec = rec?;
        let f = |i: usize| rec.get(i).unwrap_or("").to_string();
        rows.push(Row {
            name: f(0),
            uscc: f(1),
            registered_on: f(2),
            entity_type: f(3),
            registered_capital: f(4),
            business_scope: f(5),
            province: f(6),
            region: f(7),
            address: f(8),
        });
    }
    Ok(rows)
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

const USCC_CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u64; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The GB 32100 check character of the first 17 characters.
fn uscc_check(first17: &[u8]) -> u8 {
    let sum: u64 = first17
        .iter()
        .zip(USCC_WEIGHTS)
        .map(|(c, w)| USCC_CHARSET.iter().position(|x| x == c).unwrap_or(0) as u64 * w)
        .sum();
    USCC_CHARSET[((31 - sum % 31) % 31) as usize]
}

/// `head` (registration authority, entity type, division code: 8
/// characters of a real code) + 9 characters numbering `serial` + check.
fn synthetic_uscc(head: &str, serial: u64) -> String {
    const SPACE: u64 = 31u64.pow(9);
    // A bijection on 0..31^9 (1,000,003 is prime to 31), so codes look mixed.
    let mut x = serial.wrapping_mul(1_000_003) % SPACE;
    let mut code: Vec<u8> = head.as_bytes()[..8].to_vec();
    let mut body = [b'0'; 9];
    for b in body.iter_mut().rev() {
        *b = USCC_CHARSET[(x % 31) as usize];
        x /= 31;
    }
    code.extend_from_slice(&body);
    code.push(uscc_check(&code));
    String::from_utf8(code).unwrap_or_default()
}

/// Legal-form endings, longest first.
const SUFFIXES: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "专业合作社",
    "有限公司",
    "分公司",
    "合作社",
    "加油站",
    "经营部",
    "门市部",
    "营业厅",
    "批发部",
    "商行",
    "商店",
    "超市",
    "药房",
    "餐厅",
    "公司",
    "中心",
    "厂",
    "店",
    "行",
    "部",
    "所",
];

/// A name as (region prefix, core, legal-form suffix).
fn split_name(r: &Row) -> (&str, &str, &str) {
    let name = r.name.as_str();
    let mut start = 0;
    for p in [&r.region, &r.province] {
        if !p.is_empty() && p != "N/A" && name.starts_with(p.as_str()) {
            start = p.len();
            for s in ["自治区", "自治州", "省", "市", "县", "区", "盟"] {
                if name[start..].starts_with(s) {
                    start += s.len();
                    break;
                }
            }
            break;
        }
    }
    let rest = &name[start..];
    for s in SUFFIXES {
        if let Some(core) = rest.strip_suffix(s)
            && core.chars().count() >= 2
        {
            return (&name[..start], core, s);
        }
    }
    (&name[..start], rest, "")
}

/// The sample's valid rows, then synthetic ones up to `n` in all.
fn synthesise(sample: &[Row], n: usize) -> Vec<Row> {
    let valid: Vec<&Row> = sample
        .iter()
        .filter(|r| domain::Uscc::parse(&r.uscc).is_ok())
        .collect();
    // The sample repeats a few codes: keep each code's first row, so N rows
    // make N merchants.
    let mut usccs: HashSet<String> = HashSet::new();
    let mut out: Vec<Row> = valid
        .iter()
        .filter(|r| usccs.insert(r.uscc.to_uppercase()))
        .take(n)
        .map(|r| (*r).clone())
        .collect();
    let mut names: HashSet<String> = out.iter().map(|r| r.name.clone()).collect();
    let parts: Vec<(&str, &str, &str)> = valid.iter().map(|r| split_name(r)).collect();
    let cores: Vec<&str> = parts
        .iter()
        .map(|p| p.1)
        .filter(|c| (2..=16).contains(&c.chars().count()))
        .collect();
    let suffixes: Vec<&str> = parts
        .iter()
        .map(|p| p.2)
        .filter(|s| !s.is_empty())
        .collect();
    let mut rng = Rng(0x5EA4C4);
    let mut serial = 0u64;
    while out.len() < n {
        let home = rng.below(valid.len());
        let r = valid[home];
        let name = format!(
            "{}{}{}",
            parts[home].0,
            rng.pick(&cores),
            rng.pick(&suffixes)
        );
        if !names.insert(name.clone()) {
            continue;
        }
        let uscc = loop {
            serial += 1;
            let u = synthetic_uscc(&r.uscc.to_uppercase(), serial);
            if usccs.insert(u.clone()) {
                break u;
            }
        };
        let scope = &valid[rng.below(valid.len())].business_scope;
        out.push(Row {
            name,
            uscc,
            registered_on: r.registered_on.clone(),
            entity_type: r.entity_type.clone(),
            registered_capital: r.registered_capital.clone(),
            business_scope: scope.clone(),
            province: r.province.clone(),
            region: r.region.clone(),
            address: r.address.clone(),
        });
    }
    out
}

async fn import(
    s: &Settings,
    svc: &Services,
    sample: &[Row],
    dir: &Path,
    out: &mut Report,
) -> anyhow::Result<()> {
    let rows: Vec<Row> = match s.synthetic {
        None => sample.to_vec(),
        Some(n) => {
            let t = Instant::now();
            let rows = synthesise(sample, n);
            let real = sample
                .iter()
                .filter_map(|r| domain::Uscc::parse(&r.uscc).ok())
                .collect::<HashSet<_>>()
                .len()
                .min(rows.len());
            out.line(format!(
                "synthetic data: {} rows ({real} real rows with valid, distinct USCCs + {} recombined) made in {:.1} s",
                rows.len(),
                rows.len() - real,
                t.elapsed().as_secs_f64()
            ));
            for r in rows.iter().skip(real).step_by(200_000).take(3) {
                out.line(format!(
                    "  e.g. {} {} {}/{}",
                    r.name, r.uscc, r.province, r.region
                ));
            }
            rows
        }
    };
    let started = Instant::now();
    if s.bulk {
        let n = bulk_insert(&svc.db, &rows).await?;
        let secs = started.elapsed().as_secs_f64();
        out.line(format!(
            "import (bulk: batched multi-row INSERTs, 1,000 rows each, one transaction per 50,000): {n} merchants in {secs:.1} s ({:.0} rows/s)",
            n as f64 / secs
        ));
    } else {
        // The file as given, or the synthetic rows written as one.
        let path = match s.synthetic {
            None => s.csv.clone(),
            Some(_) => {
                let p = dir.join("merchants-synthetic.csv");
                let mut w = csv::Writer::from_path(&p)?;
                w.write_record(HEADER)?;
                for r in &rows {
                    w.write_record([
                        &r.name,
                        &r.uscc,
                        &r.registered_on,
                        &r.entity_type,
                        &r.registered_capital,
                        &r.business_scope,
                        &r.province,
                        &r.region,
                        &r.address,
                    ])?;
                }
                w.flush()?;
                p
            }
        };
        let started = Instant::now();
        let f = std::fs::File::open(&path)?;
        let report =
            services::merchants::import::import_merchants(svc, std::io::BufReader::new(f)).await?;
        let secs = started.elapsed().as_secs_f64();
        if s.synthetic.is_some() {
            let _ = std::fs::remove_file(&path);
        }
        out.line(format!(
            "import (services::merchants::import::import_merchants): read {}, imported {}, updated {}, rejected {} in {secs:.1} s ({:.0} rows/s)",
            report.read,
            report.imported,
            report.updated,
            report.rejected.len(),
            report.read as f64 / secs
        ));
    }
    Ok(())
}

/// Batched multi-row inserts, bypassing the importer (and its change-log rows).
async fn bulk_insert(db: &DatabaseConnection, rows: &[Row]) -> anyhow::Result<usize> {
    let now = Utc::now();
    let na = |s: &str, max: usize| -> String {
        let s = s.trim();
        if s == "N/A" {
            String::new()
        } else {
            s.chars().take(max).collect()
        }
    };
    let (mut n, mut seen) = (0, HashSet::new());
    for chunk in rows.chunks(50_000) {
        let txn = db.begin().await?;
        for batch in chunk.chunks(1_000) {
            let models: Vec<merchant::ActiveModel> = batch
                .iter()
                .filter_map(|r| {
                    let uscc = domain::Uscc::parse(&r.uscc).ok()?;
                    // A code the file repeats: its first row only.
                    if !seen.insert(uscc.to_string()) {
                        return None;
                    }
                    Some(merchant::ActiveModel {
                        uscc: Set(uscc.to_string()),
                        name: Set(r.name.trim().to_string()),
                        kind: Set("shop".into()),
                        entity_type: Set(na(&r.entity_type, 100)),
                        registered_on: Set(NaiveDate::parse_from_str(
                            r.registered_on.trim(),
                            "%Y-%m-%d",
                        )
                        .ok()),
                        registered_capital: Set(na(&r.registered_capital, 100)),
                        business_scope: Set(na(&r.business_scope, usize::MAX)),
                        province: Set(na(&r.province, 20)),
                        region: Set(na(&r.region, 50)),
                        address: Set(na(&r.address, usize::MAX)),
                        created_at: Set(now),
                        updated_at: Set(now),
                        ..Default::default()
                    })
                })
                .collect();
            n += models.len();
            if !models.is_empty() {
                merchant::Entity::insert_many(models)
                    .exec_without_returning(&txn)
                    .await?;
            }
        }
        txn.commit().await?;
        eprint!("\r  inserted {n}");
    }
    eprintln!();
    Ok(n)
}

/// Gives a deterministic share of the merchants what the filters, facets and
/// sorts look at: 3 in 4 a credit score (0–1000, graded by the default
/// thresholds), 1 in 8 a verification, 1 in 200 a red-list and 1 in 200 a
/// black-list entry (confirmed), 1 in 50 between 1 and 5 complaints filed
/// within the last 300 days.
async fn enrich(db: &DatabaseConnection, out: &mut Report) -> anyhow::Result<()> {
    let t = Instant::now();
    let now = Utc::now();
    let p = domain::credit::CreditParams::default();
    let score = "(((id % 1001) * 912) % 1001)";
    let grade = format!(
        "CASE WHEN {score} >= {} THEN 'A+' WHEN {score} >= {} THEN 'A' WHEN {score} >= {} THEN 'B' WHEN {score} >= {} THEN 'C' ELSE 'D' END",
        p.grade_a_plus, p.grade_a, p.grade_b, p.grade_c
    );
    merchant::Entity::update_many()
        .col_expr(merchant::Column::CreditScore, Expr::cust(score))
        .col_expr(merchant::Column::CreditGrade, Expr::cust(grade))
        .col_expr(merchant::Column::CreditComputedAt, Expr::value(now))
        .filter(Expr::cust("id % 4 <> 0"))
        .exec(db)
        .await?;
    merchant::Entity::update_many()
        .col_expr(merchant::Column::VerifiedAt, Expr::value(now))
        .filter(Expr::cust("id % 8 = 0"))
        .exec(db)
        .await?;
    let listed: Vec<i32> = merchant::Entity::find()
        .select_only()
        .column(merchant::Column::Id)
        .filter(Expr::cust("id % 200 IN (1, 2)"))
        .into_tuple()
        .all(db)
        .await?;
    for batch in listed.chunks(1_000) {
        let models: Vec<list_entry::ActiveModel> = batch
            .iter()
            .map(|id| list_entry::ActiveModel {
                merchant_id: Set(*id),
                list: Set(if id % 200 == 1 { "red" } else { "black" }.into()),
                status: Set("confirmed".into()),
                reasons: Set("[]".into()),
                proposed_at: Set(now),
                decided_at: Set(Some(now)),
                created_at: Set(now),
                ..Default::default()
            })
            .collect();
        list_entry::Entity::insert_many(models)
            .exec_without_returning(db)
            .await?;
    }
    let consumer = user::ActiveModel {
        email: Set("bench-consumer@bench.test".into()),
        password_hash: Set("!".into()),
        display_name: Set("测试".into()),
        role: Set("consumer".into()),
        lang: Set("zh".into()),
        email_verified_at: Set(Some(now)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let complained: Vec<i32> = merchant::Entity::find()
        .select_only()
        .column(merchant::Column::Id)
        .filter(Expr::cust("id % 50 = 3"))
        .into_tuple()
        .all(db)
        .await?;
    let mut cases = vec![];
    for m in &complained {
        for k in 0..=(m % 5) {
            let at = now - chrono::Duration::days(i64::from((m + k * 37) % 300));
            cases.push(case::ActiveModel {
                number: Set(format!("BENCH-{m}-{k}")),
                consumer_id: Set(consumer.id),
                merchant_id: Set(*m),
                category: Set("quality".into()),
                title: Set("商品质量问题".into()),
                narrative: Set("收到的商品有明显质量问题，要求退款。".into()),
                order_ref: Set(format!("B{m}-{k}")),
                order_date: Set(at.date_naive()),
                amount_paid_fen: Set(19900),
                amount_claimed_fen: Set(19900),
                remedy: Set("refund".into()),
                publish_narrative: Set(false),
                // Closed, no deadline: the server's sweeper leaves them alone.
                status: Set("closed".into()),
                owner_id: Set(None),
                next_deadline_at: Set(None),
                state: Set("{}".into()),
                version: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            });
        }
    }
    let n_cases = cases.len();
    let txn = db.begin().await?;
    while !cases.is_empty() {
        let rest = cases.split_off(cases.len().saturating_sub(500));
        case::Entity::insert_many(rest)
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    let total = merchant::Entity::find().count(db).await?;
    let verified = merchant::Entity::find()
        .filter(merchant::Column::VerifiedAt.is_not_null())
        .count(db)
        .await?;
    let scored = merchant::Entity::find()
        .filter(merchant::Column::CreditScore.is_not_null())
        .count(db)
        .await?;
    out.line(format!(
        "enrichment ({:.1} s): of {total} merchants {scored} scored, {verified} verified, {} listed (half red, half black), {} with complaints ({n_cases} cases)",
        t.elapsed().as_secs_f64(),
        listed.len(),
        complained.len(),
    ));
    Ok(())
}

// ------------------------------------------------------------------ queries

struct BenchQuery {
    cat: &'static str,
    sq: SearchQuery,
}

impl BenchQuery {
    fn url(&self) -> String {
        let q = &self.sq;
        let mut u = format!("/api/v1/merchants?q={}", urlencoding::encode(&q.q));
        match q.sort {
            SortBy::Relevance => {}
            SortBy::Credit => u.push_str("&sort=credit"),
            SortBy::Complaints => u.push_str("&sort=complaints"),
        }
        for (k, v) in [
            ("province", &q.province),
            ("grade", &q.grade),
            ("list", &q.list),
        ] {
            if let Some(v) = v {
                u.push_str(&format!("&{k}={}", urlencoding::encode(v)));
            }
        }
        if let Some(v) = q.verified {
            u.push_str(&format!("&verified={v}"));
        }
        if q.page != 1 {
            u.push_str(&format!("&page={}", q.page));
        }
        if q.per_page != 20 {
            u.push_str(&format!("&per_page={}", q.per_page));
        }
        u
    }
}

const SCOPE_WORDS: &[&str] = &[
    "电器",
    "软件",
    "餐饮",
    "服装",
    "食品",
    "建材",
    "物流",
    "五金",
    "汽车",
    "家具",
    "化妆品",
    "电子产品",
    "医疗器械",
    "咨询",
    "化肥",
    "农药",
    "日用百货",
    "烟酒",
    "预包装食品",
    "水果",
    "手机",
    "计算机",
    "酒店",
    "家用电器",
    "技术开发",
    "房地产",
    "煤炭",
    "广告",
    "装饰",
    "养殖",
];
const ONE_CHAR: &[&str] = &["电", "鑫", "华", "农", "京", "海", "美", "源"];
const TWO_CHARS: &[&str] = &[
    "北京", "上海", "电子", "科技", "商贸", "广州", "深圳", "建设",
];
const PROVINCES: &[&str] = &[
    "浙江", "江苏", "广东", "北京", "上海", "四川", "河南", "湖北", "山东", "福建",
];
const GRADES: &[&str] = &["A+", "A", "B", "C", "D"];

fn sq(q: &str) -> SearchQuery {
    SearchQuery {
        q: q.to_string(),
        page: 1,
        per_page: 20,
        ..Default::default()
    }
}

/// About 400 queries, the same for any data size: taken from the sample's
/// valid rows with a fixed seed (the synthetic data keeps those rows).
fn build_queries(sample: &[Row]) -> Vec<BenchQuery> {
    let valid: Vec<&Row> = sample
        .iter()
        .filter(|r| domain::Uscc::parse(&r.uscc).is_ok())
        .collect();
    let mut rng = Rng(0xB0A7);
    let mut v: Vec<BenchQuery> = vec![];
    let mut add = |cat: &'static str, sq: SearchQuery| v.push(BenchQuery { cat, sq });
    // Words of names (the distinctive core), as typed: whole or the first four characters.
    for i in 0..60 {
        let r: &&Row = rng.pick(&valid);
        let (_, core, _) = split_name(r);
        let word: String = if i % 2 == 0 {
            core.chars().take(4).collect()
        } else {
            core.to_string()
        };
        add("name word", sq(&word));
    }
    for _ in 0..40 {
        add("full name", sq(&rng.pick(&valid).name));
    }
    for w in SCOPE_WORDS {
        add("scope word", sq(w));
    }
    // Regions, the most frequent first.
    let mut regions: HashMap<&str, usize> = HashMap::new();
    for r in &valid {
        if r.region != "N/A" && !r.region.is_empty() {
            *regions.entry(&r.region).or_default() += 1;
        }
    }
    let mut regions: Vec<(&str, usize)> = regions.into_iter().collect();
    regions.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (r, _) in regions.iter().take(30) {
        add("region", sq(r));
    }
    for i in 0..40 {
        let u = rng.pick(&valid).uscc.to_uppercase();
        let q = match i % 4 {
            0 | 1 => u,
            2 => u.to_lowercase(),
            _ => format!(" {} {} {} {} ", &u[..4], &u[4..8], &u[8..14], &u[14..]),
        };
        add("uscc", sq(&q));
    }
    for w in ONE_CHAR.iter().chain(TWO_CHARS) {
        add("1-2 characters", sq(w));
    }
    // Filters on word queries.
    for i in 0..40 {
        let r = rng.pick(&valid);
        let mut s = sq(if i % 2 == 0 {
            SCOPE_WORDS[i % SCOPE_WORDS.len()]
        } else {
            split_name(r).1
        });
        match i % 5 {
            0 => s.province = Some(r.province.clone()),
            1 => s.grade = Some(GRADES[i % GRADES.len()].into()),
            2 => s.list = Some(if i % 2 == 0 { "red" } else { "black" }.into()),
            3 => s.verified = Some(true),
            _ => {
                s.province = Some(r.province.clone());
                s.grade = Some("A".into());
                s.verified = Some(i % 2 == 0);
            }
        }
        add("words + filters", s);
    }
    // Sorted word queries.
    for i in 0..40 {
        let mut s = sq(SCOPE_WORDS[(i * 7) % SCOPE_WORDS.len()]);
        if i % 3 == 0 {
            s.q = TWO_CHARS[i % TWO_CHARS.len()].into();
        }
        s.sort = if i % 2 == 0 {
            SortBy::Credit
        } else {
            SortBy::Complaints
        };
        add("words, sort=credit|complaints", s);
    }
    // Further pages.
    for i in 0..30 {
        let mut s = sq(if i % 2 == 0 {
            SCOPE_WORDS[(i * 3) % SCOPE_WORDS.len()]
        } else {
            regions[i % regions.len()].0
        });
        s.page = 2 + (i as u64 % 3);
        if i % 5 == 0 {
            s.per_page = 50;
        }
        add("page 2-4", s);
    }
    // Browsing without words: everything, by credit or complaints, filtered.
    for i in 0..30 {
        let mut s = sq("");
        s.sort = if i % 3 == 0 {
            SortBy::Complaints
        } else {
            SortBy::Credit
        };
        match i % 6 {
            0 => {}
            1 => s.province = Some(PROVINCES[i % PROVINCES.len()].into()),
            2 => s.grade = Some(GRADES[i % GRADES.len()].into()),
            3 => s.list = Some(if i % 4 == 3 { "red" } else { "black" }.into()),
            4 => s.verified = Some(true),
            _ => s.page = 2 + (i as u64 % 4),
        }
        add("browse (no words)", s);
    }
    v
}

// ------------------------------------------------------------------ raw tantivy

/// tantivy's own searcher on the same folder, with the query built the way
/// `MerchantIndex::search` builds it (same analysers, fields, boosts,
/// filters, order), without our code around it.
struct Raw {
    reader: IndexReader,
    fields: Fields,
}

/// What a raw search does besides ranking: count the hits, compute the
/// facets (tantivy's aggregation, as the service does), fetch the page's
/// stored documents; `cached_browse`: proposed, facets of a browse without
/// words or filters come from a cache (kept per index reload).
#[derive(Clone, Copy)]
struct Stages {
    count: bool,
    facets: FacetWay,
    docs: bool,
    cached_browse: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum FacetWay {
    None,
    Aggregation,
}

impl Stages {
    const RAW: Stages = Stages {
        count: true,
        facets: FacetWay::None,
        docs: false,
        cached_browse: false,
    };
    const FACETS: Stages = Stages {
        facets: FacetWay::Aggregation,
        ..Stages::RAW
    };
    const DOCS: Stages = Stages {
        docs: true,
        ..Stages::RAW
    };
    const FULL: Stages = Stages {
        facets: FacetWay::Aggregation,
        docs: true,
        ..Stages::RAW
    };
    const TOP_ONLY: Stages = Stages {
        count: false,
        ..Stages::RAW
    };
    const BROWSE_CACHED: Stages = Stages {
        cached_browse: true,
        ..Stages::FULL
    };
}

struct RawOut {
    docs: Vec<DocAddress>,
    count: usize,
    #[allow(dead_code)]
    facets: Option<AggregationResults>,
    #[allow(dead_code)]
    fetched: Vec<TantivyDocument>,
}

impl Raw {
    fn open(dir: &Path) -> anyhow::Result<Raw> {
        let index = Index::open_in_dir(dir)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Raw {
            reader,
            fields: schema().1,
        })
    }

    /// The query `MerchantIndex::search` makes of `sq`: production's own builder.
    fn query(&self, sq: &SearchQuery) -> Option<BooleanQuery> {
        services::search::index::build_query(&self.fields, &self.reader.searcher(), sq)
    }

    fn search(&self, sq: &SearchQuery, st: Stages) -> anyhow::Result<RawOut> {
        let Some(query) = self.query(sq) else {
            return Ok(RawOut {
                docs: vec![],
                count: 0,
                facets: None,
                fetched: vec![],
            });
        };
        let per_page = sq.per_page.clamp(1, domain::search::MAX_PER_PAGE) as usize;
        let page = sq.page.clamp(1, 10_000) as usize;
        let top = TopDocs::with_limit(per_page).and_offset((page - 1) * per_page);
        let searcher = self.reader.searcher();
        let browse = sq.q.trim().is_empty()
            && sq.province.is_none()
            && sq.grade.is_none()
            && sq.list.is_none()
            && sq.verified.is_none();
        let st = if st.cached_browse && browse {
            Stages {
                facets: FacetWay::None,
                ..st
            }
        } else {
            st
        };
        let (docs, count, facets) = match (sq.sort, sq.q.trim().is_empty()) {
            (SortBy::Relevance, false) => {
                let ranked = top.tweak_score(|segment: &tantivy::SegmentReader| {
                    let list = segment
                        .fast_fields()
                        .u64("list_code")
                        .ok()
                        .map(|c| c.first_or_default_col(0));
                    move |doc: tantivy::DocId, score: Score| match list
                        .as_ref()
                        .map(|c| c.get_val(doc))
                    {
                        Some(1) => score * 1.5,
                        Some(2) => score * 0.5,
                        _ => score,
                    }
                });
                collect(&searcher, &query, ranked, st)?
            }
            (SortBy::Complaints, _) => collect(
                &searcher,
                &query,
                top.order_by_fast_field::<u64>("complaints", Order::Desc),
                st,
            )?,
            _ => collect(
                &searcher,
                &query,
                top.order_by_fast_field::<i64>("score", Order::Desc),
                st,
            )?,
        };
        let mut fetched = vec![];
        if st.docs {
            for a in &docs {
                fetched.push(searcher.doc::<TantivyDocument>(*a)?);
            }
        }
        Ok(RawOut {
            docs,
            count,
            facets,
            fetched,
        })
    }

    /// The merchant ids of `docs` (for checking answers; not timed).
    fn ids(&self, docs: &[DocAddress]) -> anyhow::Result<Vec<u64>> {
        use tantivy::schema::Value;
        let searcher = self.reader.searcher();
        docs.iter()
            .map(|a| {
                let d: TantivyDocument = searcher.doc(*a)?;
                Ok(d.get_first(self.fields.id)
                    .and_then(|v| v.as_u64())
                    .unwrap_or(0))
            })
            .collect()
    }
}

type Collected = (Vec<DocAddress>, usize, Option<AggregationResults>);

fn collect<T, C>(
    searcher: &Searcher,
    query: &dyn Query,
    ranked: C,
    st: Stages,
) -> anyhow::Result<Collected>
where
    C: Collector<Fruit = Vec<(T, DocAddress)>>,
    T: 'static,
{
    if st.facets == FacetWay::Aggregation {
        let (docs, n, fc) = searcher.search(query, &(ranked, Count, facets()?))?;
        Ok((docs.into_iter().map(|(_, a)| a).collect(), n, Some(fc)))
    } else if !st.count {
        let docs = searcher.search(query, &ranked)?;
        Ok((docs.into_iter().map(|(_, a)| a).collect(), 0, None))
    } else {
        let (docs, n) = searcher.search(query, &(ranked, Count))?;
        Ok((docs.into_iter().map(|(_, a)| a).collect(), n, None))
    }
}

/// The same aggregation request as the service's facets.
fn facets() -> anyhow::Result<AggregationCollector> {
    let req: Aggregations = serde_json::from_value(serde_json::json!({
        "province": {"terms": {"field": "province", "size": 50}},
        "grade": {"terms": {"field": "grade", "size": 10}},
        "list": {"terms": {"field": "list", "size": 5}},
        "verified": {"terms": {"field": "verified", "size": 5}},
    }))?;
    Ok(AggregationCollector::from_aggs(
        req,
        AggContextParams::new(
            AggregationLimitsGuard::default(),
            TokenizerManager::default(),
        ),
    ))
}

// ------------------------------------------------------------------ timing

struct Layer {
    name: &'static str,
    all: Vec<Duration>,
    by_cat: HashMap<&'static str, Vec<Duration>>,
}

impl Layer {
    fn new(name: &'static str) -> Layer {
        Layer {
            name,
            all: vec![],
            by_cat: HashMap::new(),
        }
    }
    fn push(&mut self, cat: &'static str, d: Duration) {
        self.all.push(d);
        self.by_cat.entry(cat).or_default().push(d);
    }
    fn pct(&self, p: f64) -> f64 {
        let mut v = self.all.clone();
        v.sort();
        pct(&v, p)
    }
    fn mean(&self) -> f64 {
        self.all.iter().map(Duration::as_secs_f64).sum::<f64>() * 1000.0
            / self.all.len().max(1) as f64
    }
    /// The query numbers of the `n` slowest measurements (first pass).
    fn slowest(&self, n: usize) -> Vec<(usize, Duration)> {
        let mut v: Vec<(usize, Duration)> = self.all.iter().copied().enumerate().collect();
        v.sort_by_key(|b| std::cmp::Reverse(b.1));
        v.truncate(n);
        v
    }
    fn of(&self, cat: &str) -> Vec<Duration> {
        let mut v = self.by_cat.get(cat).cloned().unwrap_or_default();
        v.sort();
        v
    }
    fn summary(&self) -> String {
        format!(
            "  {:<44} {:>7.2} {:>7.2} {:>7.2} {:>7.2}",
            self.name,
            self.pct(0.5),
            self.pct(0.99),
            self.pct(1.0),
            self.mean()
        )
    }
}

/// The nearest-rank percentile of sorted durations, in milliseconds.
fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

// ------------------------------------------------------------------ server

/// The real `gongdao serve` on the benchmark's data, stopped on drop.
struct Server(Option<Child>);

impl Server {
    fn start(dir: &Path, url: &str, port: u16) -> anyhow::Result<Server> {
        let child = Command::new(SERVER_BIN)
            .arg("serve")
            .current_dir(dir)
            .env("GONGDAO_CONFIG", "/dev/null")
            .env("GONGDAO_DATA_DIR", dir)
            .env("DATABASE_URL", url)
            .env("GONGDAO_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            // Every query searched, not answered from the page cache: the
            // measured pass repeats the warm-up's queries, which the cache
            // would answer in ~0.02 ms without touching the index.
            .env("GONGDAO_PAGE_CACHE", "off")
            .stdout(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {SERVER_BIN}"))?;
        let server = Server(Some(child));
        let started = Instant::now();
        loop {
            if let Ok(mut h) = Http::connect(port)
                && let Ok((200, _)) = h.get("/healthz")
            {
                eprintln!(
                    "server up (pid {}) in {:.1} s",
                    server.pid(),
                    started.elapsed().as_secs_f64()
                );
                return Ok(server);
            }
            if started.elapsed() > Duration::from_secs(120) {
                bail!("the server did not answer /healthz on port {port} within 2 minutes");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn pid(&self) -> u32 {
        self.0.as_ref().map_or(0, Child::id)
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

struct Mem {
    hwm_mb: f64,
    rss_mb: f64,
    anon_mb: f64,
    file_mb: f64,
}

impl Mem {
    fn of(pid: u32) -> anyhow::Result<Mem> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let kb = |key: &str| -> f64 {
            status
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<f64>()
                        .ok()
                })
                .unwrap_or(0.0)
                / 1024.0
        };
        Ok(Mem {
            hwm_mb: kb("VmHWM:"),
            rss_mb: kb("VmRSS:"),
            anon_mb: kb("RssAnon:"),
            file_mb: kb("RssFile:"),
        })
    }
}

/// A minimal HTTP/1.1 client on one kept-alive connection (`Content-Length`
/// and chunked bodies), so the client adds next to nothing to the timings.
struct Http {
    conn: BufReader<TcpStream>,
    port: u16,
}

impl Http {
    fn connect(port: u16) -> anyhow::Result<Http> {
        let s = TcpStream::connect(("127.0.0.1", port))?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(Duration::from_secs(60)))?;
        Ok(Http {
            conn: BufReader::new(s),
            port,
        })
    }

    fn get(&mut self, path: &str) -> anyhow::Result<(u16, Vec<u8>)> {
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAccept: application/json\r\n\r\n",
            self.port
        );
        self.conn.get_mut().write_all(req.as_bytes())?;
        let mut line = String::new();
        self.conn.read_line(&mut line)?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("bad status line {line:?}"))?;
        let (mut length, mut chunked, mut close) = (None, false, false);
        loop {
            line.clear();
            self.conn.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            let (k, v) = l.split_once(':').unwrap_or((l, ""));
            let v = v.trim();
            match k.to_ascii_lowercase().as_str() {
                "content-length" => length = v.parse::<usize>().ok(),
                "transfer-encoding" => chunked = v.eq_ignore_ascii_case("chunked"),
                "connection" => close = v.eq_ignore_ascii_case("close"),
                _ => {}
            }
        }
        let mut body = vec![];
        if chunked {
            loop {
                line.clear();
                self.conn.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)?;
                let start = body.len();
                body.resize(start + size, 0);
                self.conn.read_exact(&mut body[start..])?;
                line.clear();
                self.conn.read_line(&mut line)?;
                if size == 0 {
                    break;
                }
            }
        } else if let Some(n) = length {
            body.resize(n, 0);
            self.conn.read_exact(&mut body)?;
        } else {
            self.conn.read_to_end(&mut body)?;
            close = true;
        }
        if close {
            *self = Http::connect(self.port)?;
        }
        Ok((status, body))
    }
}

// ------------------------------------------------------------------ profile

/// The median of `runs` timings of `f`, in milliseconds.
fn median_ms(runs: usize, mut f: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<f64> {
    let mut v = vec![];
    for _ in 0..runs {
        let t = Instant::now();
        f()?;
        v.push(t.elapsed());
    }
    v.sort();
    Ok(v[v.len() / 2].as_secs_f64() * 1000.0)
}

/// For the slowest HTTP queries: what the index does for them, each part
/// timed alone (median of 5 runs), and as proposed (browse facets cached).
fn explain_slow(
    raw: &Raw,
    queries: &[BenchQuery],
    slow: &[(usize, Duration)],
    out: &mut Report,
) -> anyhow::Result<()> {
    let searcher = raw.reader.searcher();
    let f = raw.fields;
    out.line(format!(
        "profile: the {} slowest HTTP queries, each part alone (median of 5 runs, ms):",
        slow.len()
    ));
    out.line(
        "    HTTP |    hits | top+count  count  top(list tweak)  top(plain BM25)  facets  top+count+facets+docs  browse cached | query"
            .into(),
    );
    for (i, d) in slow {
        let q = &queries[*i % queries.len()];
        let Some(query) = raw.query(&q.sq) else {
            continue;
        };
        let per = q.sq.per_page.clamp(1, 100) as usize;
        let off = (q.sq.page.clamp(1, 10_000) as usize - 1) * per;
        let hits = searcher.search(&query, &Count)?;
        let t_raw = median_ms(5, || raw.search(&q.sq, Stages::RAW).map(|_| ()))?;
        let t_count = median_ms(5, || {
            searcher
                .search(&query, &Count)
                .map(|_| ())
                .map_err(Into::into)
        })?;
        let t_top = median_ms(5, || raw.search(&q.sq, Stages::TOP_ONLY).map(|_| ()))?;
        let t_plain = median_ms(5, || {
            searcher
                .search(
                    &query,
                    &TopDocs::with_limit(per).and_offset(off).order_by_score(),
                )
                .map(|_| ())
                .map_err(Into::into)
        })?;
        let t_facets = median_ms(5, || {
            searcher
                .search(&query, &facets()?)
                .map(|_| ())
                .map_err(Into::into)
        })?;
        let t_full = median_ms(5, || raw.search(&q.sq, Stages::FULL).map(|_| ()))?;
        let t_cached = median_ms(5, || raw.search(&q.sq, Stages::BROWSE_CACHED).map(|_| ()))?;
        let url = q.url();
        out.line(format!(
            "  {:>6.2} | {hits:>7} | {t_raw:>9.2} {t_count:>6.2} {t_top:>16.2} {t_plain:>16.2} {t_facets:>7.2} {t_full:>22.2} {t_cached:>16.2} | {} {}",
            d.as_secs_f64() * 1000.0,
            q.cat,
            urlencoding::decode(&url).unwrap_or_default()
        ));
        // Which words make the union large.
        let words = tokens(&mut zh_analyser(), q.sq.q.trim());
        if !words.is_empty() && domain::Uscc::parse(&q.sq.q).is_err() {
            let mut dfs = vec![];
            for w in &words {
                dfs.push(format!(
                    "{w} {}/{}",
                    searcher.doc_freq(&Term::from_field_text(f.name, w))?,
                    searcher.doc_freq(&Term::from_field_text(f.scope, w))?
                ));
            }
            out.line(format!(
                "            words (documents with it in name/scope): {}",
                dfs.join(", ")
            ));
        }
    }
    Ok(())
}

/// The full reindex in parts: reading the database (pages of 5,000 and
/// `load_docs`), analysing the text (jieba and characters, one thread), and
/// tantivy indexing the same documents into RAM (the writer's own threads).
async fn reindex_parts(svc: &Services, out: &mut Report) -> anyhow::Result<()> {
    use sea_orm::QueryOrder;
    use services::search::index::{MerchantDoc, MerchantIndex};
    use services::search::schema::DropPunctuation;
    use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, TextAnalyzer};
    let now = Utc::now();
    let page = |after: i32| {
        merchant::Entity::find()
            .filter(merchant::Column::Id.gt(after))
            .order_by_asc(merchant::Column::Id)
            .limit(5000)
            .all(&svc.db)
    };
    // What `rebuild` reads, piece by piece (nothing kept).
    let (mut after, mut n_rows) = (0, 0usize);
    let (mut t_pages, mut t_lists, mut t_cases, mut t_load) = (
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
    );
    loop {
        let t = Instant::now();
        let rows = page(after).await?;
        t_pages += t.elapsed();
        let Some(last) = rows.last() else { break };
        after = last.id;
        n_rows += rows.len();
        // The two look-ups `load_docs` makes per page, timed alone…
        let ids: Vec<i32> = rows.iter().map(|m| m.id).collect();
        let t = Instant::now();
        services::credit::lists::statuses(&svc.db, &ids)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        t_lists += t.elapsed();
        let t = Instant::now();
        let _: Vec<i32> = case::Entity::find()
            .select_only()
            .column(case::Column::MerchantId)
            .filter(case::Column::MerchantId.is_in(ids.clone()))
            .filter(case::Column::CreatedAt.gte(now - chrono::Duration::days(365)))
            .into_tuple()
            .all(&svc.db)
            .await?;
        t_cases += t.elapsed();
        // …and `load_docs` itself.
        let t = Instant::now();
        std::hint::black_box(services::search::indexer::load_docs(&svc.db, rows, now).await?);
        t_load += t.elapsed();
    }
    let mut docs: Vec<MerchantDoc> = vec![];
    let mut after = 0;
    loop {
        let rows = page(after).await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        docs.extend(services::search::indexer::load_docs(&svc.db, rows, now).await?);
    }
    // The analysis alone, one thread: names, then scopes as indexed, then
    // scopes with jieba's HMM off, then scopes cut without search mode.
    let jieba = |t: tantivy_jieba::JiebaTokenizer| {
        TextAnalyzer::builder(t)
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(DropPunctuation)
            .build()
    };
    let timed = |a: &mut TextAnalyzer, field: fn(&MerchantDoc) -> &str| {
        let t = Instant::now();
        let n: usize = docs.iter().map(|d| tokens(a, field(d)).len()).sum();
        (t.elapsed().as_secs_f64(), n)
    };
    let (t_names, n_names) = timed(&mut zh_analyser(), |d| &d.name);
    let (t_chars, _) = timed(&mut chars_analyser(), |d| &d.name);
    let (t_scope, n_scope) = timed(&mut zh_analyser(), |d| &d.scope);
    let (t_scope_nohmm, n_scope_nohmm) = timed(
        &mut jieba(tantivy_jieba::JiebaTokenizer::with_hmm(false)),
        |d| &d.scope,
    );
    let (t_scope_cut, n_scope_cut) = timed(
        &mut jieba(tantivy_jieba::JiebaTokenizer::with_search_mode(false)),
        |d| &d.scope,
    );
    let index = MerchantIndex::in_memory()?;
    let mut w = index.writer()?;
    let t = Instant::now();
    for d in &docs {
        w.add_document(index.document(d))?;
    }
    let t_add = t.elapsed().as_secs_f64();
    let t = Instant::now();
    w.commit()?;
    let t_commit = t.elapsed().as_secs_f64();
    let t = Instant::now();
    w.wait_merging_threads()?;
    let t_merge = t.elapsed().as_secs_f64();
    out.line(format!(
        "profile: full reindex in parts ({n_rows} merchants), each alone: reading pages of 5,000 merchants \
         (all columns) {:.1} s; list statuses by IN (5,000 ids) {:.1} s; complaint counts by IN (5,000 ids) {:.1} s; \
         load_docs (those two and the documents) {:.1} s",
        t_pages.as_secs_f64(),
        t_lists.as_secs_f64(),
        t_cases.as_secs_f64(),
        t_load.as_secs_f64(),
    ));
    out.line(format!(
        "  text analysis, one thread: names (jieba) {t_names:.1} s ({n_names} tokens), names by character {t_chars:.1} s, \
         scopes (jieba search mode + HMM, as indexed) {t_scope:.1} s ({n_scope} tokens); \
         scopes with HMM off {t_scope_nohmm:.1} s ({n_scope_nohmm} tokens); scopes cut without search mode {t_scope_cut:.1} s ({n_scope_cut} tokens)"
    ));
    out.line(format!(
        "  tantivy indexing the same documents into RAM (its own threads, analysis included): \
         add_document {t_add:.1} s + commit {t_commit:.1} s + waiting for merges {t_merge:.1} s",
    ));
    Ok(())
}
