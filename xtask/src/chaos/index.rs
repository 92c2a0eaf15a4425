//! Scenario 4b, the disk under the search index fills up: the index folder
//! is a small tmpfs, filled to the last byte while complaints are filed.
//! Filing goes on (the database is elsewhere: nothing a user sent waits on
//! the index), searches keep answering from the last committed index, and
//! once there is room again the index catches up on its own — no restart,
//! nothing skipped — and opens whole after a restart.

use std::io::Write;
use std::time::Duration;

use anyhow::Context;
use serde_json::json;

use super::disk::Tmpfs;
use super::load;
use super::node::Node;
use super::{Ctx, Outcome};

/// Writes zeros into `path` until the file system refuses; bytes written.
fn fill(path: &std::path::Path) -> anyhow::Result<u64> {
    let mut f = std::fs::File::create(path)?;
    let chunk = vec![0u8; 64 * 1024];
    let mut written = 0u64;
    loop {
        match f.write(&chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => written += n as u64,
        }
    }
    // What is left in the last, partly written block.
    while let Ok(n) = f.write(&chunk[..512]) {
        if n == 0 {
            break;
        }
        written += n as u64;
    }
    let _ = f.sync_all();
    Ok(written)
}

pub fn run(ctx: &Ctx) -> anyhow::Result<Outcome> {
    let name = "search index disk full".to_string();
    let dir = ctx.work.join("index-full");
    let data = dir.join("server");
    let index_dir = data.join("search");
    Tmpfs::clear(&index_dir);
    let _ = std::fs::remove_dir_all(&dir);
    let store = Tmpfs::mount(&index_dir, "48m")?;
    let mut node = Node::new(&ctx.bin, &data, &ctx.base_env())?;
    node.start()?;
    let c = node.client;
    let w = load::world(&c, 1, "index")?;
    let token = w.consumers[0].clone();
    let file = |n: usize| {
        let body = json!({
            "merchant_id": w.targets[n % w.targets.len()], "category": "quality",
            "title": "索引满时投诉",
            "narrative": "收到的电饭煲第二天就无法加热，联系客服要求退货被拒绝。",
            "order_ref": format!("INDEX-{n}"), "order_date": "2026-11-01",
            "amount_paid_fen": 39_900, "amount_claimed_fen": 39_900, "remedy": "refund",
            "publish_narrative": false,
        });
        c.post("/api/v1/cases", Some(&token), &body)
            .map(|a| a.status)
            .unwrap_or(0)
    };
    let mut problems = vec![];
    if load::search_catches_up(&c, &w, Duration::from_secs(30)).is_none() {
        problems.push("the index had not caught up before the disk was filled".into());
    }

    // Fill the index's disk, then file while it is full.
    let filler = index_dir.join("filler");
    let filled = fill(&filler)?;
    let filings = 20;
    let mut accepted = 0;
    let mut search_answers = (0, 0);
    for n in 0..filings {
        if file(n) == 201 {
            accepted += 1;
        }
        let s = c.get("/api/v1/merchants?q=电器", None);
        match s.map(|a| a.status) {
            Ok(200) => search_answers.0 += 1,
            _ => search_answers.1 += 1,
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    // Let the indexer try (and fail) a few more times on the full disk.
    std::thread::sleep(Duration::from_secs(2));
    let stale = load::search_catches_up(&c, &w, Duration::from_millis(300)).is_none();
    let refused_writes = node.log_lines("No space left");
    if accepted != filings {
        problems.push(format!(
            "{accepted} of {filings} complaints accepted while the index's disk was full"
        ));
    }
    if search_answers.1 > 0 {
        problems.push(format!(
            "{} searches failed while the index's disk was full",
            search_answers.1
        ));
    }
    if !stale {
        problems.push(
            "the index kept up on a full disk: the scenario did not fill what the index writes"
                .into(),
        );
    }

    // Room again: the index catches up by itself.
    std::fs::remove_file(&filler).context("removing the filler")?;
    let caught_up = load::search_catches_up(&c, &w, Duration::from_secs(5));
    if caught_up.is_none() {
        problems.push("the index had not caught up 5 s after the disk had room again".into());
    }
    let alive = node.alive() && node.panics() == 0;
    if !alive {
        problems.push("the server died or panicked".into());
    }
    // And what it wrote opens whole after a restart.
    node.kill();
    node.start()?;
    let reopened = load::search_catches_up(&node.client, &w, Duration::from_secs(10)).is_some();
    if !reopened {
        problems.push("after a restart the index did not agree with the database".into());
    }
    if node.panics() > 0 {
        problems.push("the server panicked after the restart".into());
    }
    let figures = format!(
        "48 MiB index disk filled ({:.1} MiB of filler); {accepted} of {filings} complaints \
         accepted meanwhile, searches {} answered 200, {} failed; index stale while full: {stale} \
         ({refused_writes} log lines on the full disk, the indexer backing off); caught up {} after room returned; \
         consistent after a restart: {reopened}",
        filled as f64 / 1_048_576.0,
        search_answers.0,
        search_answers.1,
        caught_up.map_or("never".into(), |d| format!("in {:.2} s", d.as_secs_f64())),
    );
    drop(node);
    drop(store);
    Ok(Outcome::new(name, figures, problems))
}
