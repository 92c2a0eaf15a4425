//! Scenario 1, kill -9 under load: consumers file and write, the merchant
//! answers, and the server is killed with SIGKILL at random moments and
//! started again. Afterwards every acknowledged request is found, every
//! trail verifies, the fund's books reconcile, and the search index catches
//! up with the database within 5 seconds.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::load::{self, Log};
use super::{Backend, Ctx, Outcome};

pub fn run(ctx: &Ctx, backend: Backend) -> anyhow::Result<Outcome> {
    let name = format!("kill -9 under load ({})", backend.name());
    let dir = ctx.fresh_dir(&format!("kill-{}", backend.name()));
    let (mut node, db) = ctx.node(&dir, backend, "kill")?;
    node.start()?;
    let w = load::world(&node.client, ctx.size.clients, backend.name())?;
    let c = node.client;

    let stop = AtomicBool::new(false);
    let log = Log::default();
    let mut restarts = vec![];
    let seconds = ctx.size.seconds;
    let kills = ctx.size.kills;
    let mut rng = ctx.rng();
    std::thread::scope(|s| -> anyhow::Result<()> {
        s.spawn(|| load::run(c, &w, backend.name(), &stop, &log));
        // One kill at a random moment in each equal slice of the run.
        let started = Instant::now();
        let slice = Duration::from_secs(seconds) / kills.max(1);
        for k in 0..kills {
            let at = slice * k + slice.mul_f64(0.2 + 0.6 * rng.unit());
            if let Some(wait) = at.checked_sub(started.elapsed()) {
                std::thread::sleep(wait);
            }
            node.kill();
            restarts.push(node.start()?);
        }
        if let Some(wait) = Duration::from_secs(seconds).checked_sub(started.elapsed()) {
            std::thread::sleep(wait);
        }
        stop.store(true, Ordering::Relaxed);
        Ok(())
    })?;
    let last_write = Instant::now();

    let acks = log.acks.lock().map(|v| v.clone()).unwrap_or_default();
    let tally = log.tally.lock().map(|t| t.clone()).unwrap_or_default();
    // First the index, timed from the last write; then everything else.
    let caught_up = load::search_catches_up(&c, &w, Duration::from_secs(5));
    let caught_up_after = caught_up.map(|_| last_write.elapsed());
    let found = load::check(&c, &w, &acks)?;
    let (trails_ok, trails) = node.cli(&["verify-trails"])?;
    let (fund_ok, fund) = node.cli(&["fund", "check"])?;
    let panics = node.panics();

    let slowest_start = restarts.iter().max().copied().unwrap_or_default();
    let lost = found.acked - found.found;
    let mut problems = vec![];
    if lost > 0 {
        problems.push(format!("lost: {}", found.lost.join("; ")));
    }
    if !trails_ok {
        problems.push(format!("verify-trails: {trails}"));
    }
    if !fund_ok {
        problems.push(format!("fund check: {fund}"));
    }
    if caught_up.is_none() {
        problems.push("the search index had not caught up 5 s after the load".into());
    }
    if tally.server_errors > 0 || panics > 0 {
        problems.push(format!(
            "{} server errors, {panics} panics in the log",
            tally.server_errors
        ));
    }
    if found.acked < 50 {
        problems.push(format!("only {} requests acknowledged", found.acked));
    }
    let figures = format!(
        "{seconds} s, {} clients, {kills} kills: acked {} found {} lost {lost}; \
         restarts ≤ {:.1} s to healthy; {} cut connections; search caught up {}; {}",
        w.consumers.len() + 1,
        found.acked,
        found.found,
        slowest_start.as_secs_f64(),
        tally.cut,
        match caught_up_after {
            Some(d) => format!("{:.2} s after the last write", d.as_secs_f64()),
            None => "never".into(),
        },
        trails.lines().last().unwrap_or_default()
    );
    drop(node);
    ctx.drop_database(db.as_deref());
    Ok(Outcome::new(name, figures, problems))
}
