//! Scenario 8, backup and restore: `gongdao backup` is taken while the load
//! runs; `gongdao restore` puts it into an empty database (which checks every
//! trail and the fund's books), and a server started on the restored
//! database shows every request acknowledged before the backup began.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::bail;

use super::load::{self, Log};
use super::{Backend, Ctx, Outcome};

pub fn run(ctx: &Ctx, backend: Backend) -> anyhow::Result<Outcome> {
    let name = format!("backup and restore ({})", backend.name());
    let dir = ctx.fresh_dir(&format!("restore-{}", backend.name()));
    let (mut node, db) = ctx.node(&dir.join("live"), backend, "backup")?;
    node.start()?;
    let w = load::world(&node.client, ctx.size.clients / 2, backend.name())?;
    let c = node.client;
    let file = dir.join("gongdao.backup");

    let stop = AtomicBool::new(false);
    let log = Log::default();
    let seconds = ctx.size.seconds.clamp(10, 30);
    let mut before = 0;
    let mut took = Duration::ZERO;
    let backup_run = std::thread::scope(|s| {
        s.spawn(|| load::run(c, &w, "bk", &stop, &log));
        std::thread::sleep(Duration::from_secs(seconds / 2));
        before = log.acks.lock().map(|v| v.len()).unwrap_or(0);
        let t = Instant::now();
        let r = node.cli(&["backup", &file.to_string_lossy()]);
        took = t.elapsed();
        std::thread::sleep(Duration::from_secs(seconds / 2));
        stop.store(true, Ordering::Relaxed);
        r
    });
    let (backed_up, backup_said) = backup_run?;
    if !backed_up {
        bail!("gongdao backup failed: {backup_said}");
    }
    let acks = log.acks.lock().map(|v| v.clone()).unwrap_or_default();
    let total = acks.len();
    drop(node);

    // Into an empty database, then a server on it.
    let (mut restored, fresh) = ctx.node(&dir.join("restored"), backend, "restored")?;
    let t = Instant::now();
    let (ok, said) = restored.cli(&["restore", &file.to_string_lossy()])?;
    let restore_took = t.elapsed();
    let mut problems = vec![];
    if !ok {
        problems.push(format!("gongdao restore failed: {said}"));
    }
    // Restoring again over it is refused: nothing is overwritten.
    let (again, _) = restored.cli(&["restore", &file.to_string_lossy()])?;
    if again {
        problems.push("a second restore over the restored database was not refused".into());
    }
    let mut found = load::Found::default();
    if ok {
        restored.start()?;
        let rc = restored.client;
        found = load::check(&rc, &w, &acks[..before])?;
        if found.found < found.acked {
            problems.push(format!(
                "acknowledged before the backup but not restored: {}",
                found.lost.join("; ")
            ));
        }
    }
    if before < 10 {
        problems.push(format!(
            "only {before} requests acknowledged before the backup"
        ));
    }
    let figures = format!(
        "backup taken under load in {:.1} s ({}); restored and checked in {:.1} s: {}; \
         of {before} acknowledged before the backup {} found ({total} in all)",
        took.as_secs_f64(),
        backup_said
            .split('(')
            .nth(1)
            .map(|s| s.trim_end_matches(')'))
            .unwrap_or_default(),
        restore_took.as_secs_f64(),
        said.lines().last().unwrap_or_default(),
        found.found,
    );
    drop(restored);
    ctx.drop_database(db.as_deref());
    ctx.drop_database(fresh.as_deref());
    Ok(Outcome::new(name, figures, problems))
}
