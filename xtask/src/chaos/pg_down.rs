//! Scenario 2, PostgreSQL restarted under load: while consumers file and
//! write, the database is stopped for a few seconds and started again. The
//! server answers 503 meanwhile (not a hang, not a 500, not a crash) and
//! serves again within 5 seconds of the database's return, without being
//! restarted itself; every acknowledged request is there afterwards.

use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use super::load::{self, Log};
use super::{Backend, Ctx, Outcome};
use crate::client::Failure;

/// `pg_ctlcluster <version> main <action>` on this machine's cluster.
fn cluster(action: &str) -> anyhow::Result<()> {
    let version = std::fs::read_dir("/etc/postgresql")
        .context("no /etc/postgresql: the PostgreSQL restart needs Debian's cluster tools")?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .max()
        .context("no cluster under /etc/postgresql")?;
    let mut cmd = Command::new("pg_ctlcluster");
    cmd.args(["--skip-systemctl-redirect", &version, "main", action]);
    if action == "stop" {
        cmd.args(["-m", "fast"]);
    }
    let s = cmd
        .stdout(Stdio::null())
        .status()
        .context("running pg_ctlcluster")?;
    if !s.success() {
        bail!("pg_ctlcluster {version} main {action} failed");
    }
    Ok(())
}

/// Starts the cluster again however the scenario ends.
struct Restart;

impl Drop for Restart {
    fn drop(&mut self) {
        let _ = cluster("start");
    }
}

/// One probe: when it was sent, how long it took, what came back (status or 0).
struct Probe {
    at: Duration,
    took: Duration,
    status: u16,
    hang: bool,
}

pub fn run(ctx: &Ctx) -> anyhow::Result<Outcome> {
    let name = "PostgreSQL restart under load".to_string();
    let dir = ctx.fresh_dir("pg-down");
    let (mut node, db) = ctx.node(&dir, Backend::Postgres, "pgdown")?;
    node.start()?;
    let w = load::world(&node.client, ctx.size.clients / 2, "pg")?;
    let c = node.client;

    let seconds = ctx.size.seconds.max(15);
    let down_for = ctx.size.pg_down;
    let stop = AtomicBool::new(false);
    let log = Log::default();
    let probes = Mutex::new(Vec::<Probe>::new());
    let started = Instant::now();
    let mut window = (Duration::ZERO, Duration::ZERO);
    let mut up_at = Duration::ZERO;
    std::thread::scope(|s| -> anyhow::Result<()> {
        s.spawn(|| load::run(c, &w, "pg", &stop, &log));
        // Three readers of the database, each every 100 ms: the user's view
        // of the outage (a read waits up to 3 s for a connection).
        for r in 0..3u64 {
            let (probes, stop, w) = (&probes, &stop, &w);
            s.spawn(move || {
                std::thread::sleep(Duration::from_millis(300 * r));
                let path = "/api/v1/cases?role_view=mine";
                while !stop.load(Ordering::Relaxed) {
                    let at = started.elapsed();
                    let t = Instant::now();
                    let res = c.get(path, Some(&w.consumers[0]));
                    let p = Probe {
                        at,
                        took: t.elapsed(),
                        status: res.as_ref().map(|a| a.status).unwrap_or(0),
                        hang: matches!(res, Err(Failure::Timeout)),
                    };
                    if let Ok(mut v) = probes.lock() {
                        v.push(p);
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            });
        }
        std::thread::sleep(Duration::from_secs(seconds / 3));
        let _guard = Restart;
        // Surely down from when `stop` returns to when `start` is called.
        cluster("stop")?;
        window.0 = started.elapsed();
        std::thread::sleep(Duration::from_secs(down_for));
        window.1 = started.elapsed();
        cluster("start")?;
        up_at = started.elapsed();
        if let Some(wait) = Duration::from_secs(seconds).checked_sub(started.elapsed()) {
            std::thread::sleep(wait);
        }
        stop.store(true, Ordering::Relaxed);
        Ok(())
    })?;

    let mut probes = probes.into_inner().unwrap_or_default();
    probes.sort_by_key(|p| p.at);
    // Probes sent and answered while the database was surely down.
    let during: Vec<&Probe> = probes
        .iter()
        .filter(|p| p.at >= window.0 && p.at + p.took <= window.1)
        .collect();
    let unavailable = during.iter().filter(|p| p.status == 503).count();
    let slowest = during.iter().map(|p| p.took).max().unwrap_or_default();
    // From the database accepting connections again (`start` returned).
    let recovered = probes
        .iter()
        .find(|p| p.at >= window.1 && p.status == 200)
        .map(|p| (p.at + p.took).saturating_sub(up_at));
    let tally = log.tally.lock().map(|t| t.clone()).unwrap_or_default();
    let acks = log.acks.lock().map(|v| v.clone()).unwrap_or_default();
    let found = load::check(&c, &w, &acks)?;
    let alive = node.alive();
    let panics = node.panics();

    let mut problems = vec![];
    if !alive || panics > 0 {
        problems.push(format!(
            "server alive: {alive}, panics in the log: {panics}"
        ));
    }
    if during.is_empty() || unavailable < during.len() {
        let other: Vec<String> = during
            .iter()
            .filter(|p| p.status != 503)
            .map(|p| format!("{} at {:.1} s", p.status, p.at.as_secs_f64()))
            .collect();
        problems.push(format!(
            "while the database was down ({:.1} s to {:.1} s) the reader got {} × 503 of {} (others: {})",
            window.0.as_secs_f64(),
            window.1.as_secs_f64(),
            unavailable,
            during.len(),
            other.join(" ")
        ));
    }
    if tally.hangs > 0 || during.iter().any(|p| p.hang) {
        problems.push(format!("{} requests hung", tally.hangs));
    }
    if tally.server_errors > 0 {
        problems.push(format!(
            "{} answers were 5xx other than 503",
            tally.server_errors
        ));
    }
    match recovered {
        Some(d) if d <= Duration::from_secs(5) => {}
        Some(d) => problems.push(format!("served again only {:.1} s after", d.as_secs_f64())),
        None => problems.push("never served again".into()),
    }
    let lost = found.acked - found.found;
    if lost > 0 {
        problems.push(format!("lost: {}", found.lost.join("; ")));
    }
    let figures = format!(
        "down {down_for} s: reader got 503 × {unavailable}/{} (slowest {:.1} s); served again {}; \
         load: {} ok, {} × 503, {} other 5xx, {} hangs; acked {} found {} lost {lost}",
        during.len(),
        slowest.as_secs_f64(),
        match recovered {
            Some(d) => format!("{:.2} s after the restart", d.as_secs_f64()),
            None => "never".into(),
        },
        tally.ok,
        tally.unavailable,
        tally.server_errors,
        tally.hangs,
        found.acked,
        found.found,
    );
    drop(node);
    ctx.drop_database(db.as_deref());
    Ok(Outcome::new(name, figures, problems))
}
