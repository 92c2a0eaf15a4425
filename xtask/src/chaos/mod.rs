//! `cargo xtask chaos [--short] [--only NAME,…]`: real `gongdao serve`
//! processes under load, crashes and outages, each scenario printing one line
//! with its figures and PASS or FAIL, then `N passed, N failed`.
//!
//! The full form builds the release binary and runs each scenario at the
//! size the README's "Reliability" figures come from; `--short` (what
//! `cargo xtask test` runs) uses the debug binary the tests built and bounds
//! each scenario well under two minutes.

mod disk;
mod index;
mod kill;
mod load;
mod mail;
mod node;
mod pg_down;
mod restore;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};

use crate::tools;

/// How big a run is.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    /// Seconds of load.
    pub seconds: u64,
    /// SIGKILLs during the load.
    pub kills: u32,
    /// Concurrent consumers (the merchant is one more).
    pub clients: usize,
    /// Seconds PostgreSQL stays down.
    pub pg_down: u64,
    /// Mails queued while the mail server is down, for how long, and the
    /// longest wait between retries (`GONGDAO_RETRY_MAX_SECS`).
    pub mails: usize,
    pub mail_down: u64,
    pub mail_retry_max: u64,
}

const FULL: Size = Size {
    seconds: 60,
    kills: 5,
    clients: 16,
    pg_down: 10,
    mails: 200,
    // Five minutes, with retries at most 30 s apart (the default is 10 minutes).
    mail_down: 300,
    mail_retry_max: 30,
};

const SHORT: Size = Size {
    seconds: 20,
    kills: 2,
    clients: 16,
    pg_down: 8,
    mails: 200,
    mail_down: 20,
    mail_retry_max: 3,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// What every scenario is given.
pub struct Ctx {
    pub bin: PathBuf,
    pub target: PathBuf,
    /// Scenario folders go here (recreated by each).
    pub work: PathBuf,
    /// A PostgreSQL URL with the right to create databases.
    pub pg_admin: String,
    pub size: Size,
    seed: u64,
}

impl Ctx {
    /// The environment of every server: login and registration limits out
    /// of the way of the load's many accounts, demo data at first start.
    pub fn base_env(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("GONGDAO_DEMO_DATA", "1"),
            ("GONGDAO_LOGIN_LIMIT_PER_IP", "100000"),
            ("GONGDAO_LOGIN_LIMIT_PER_ACCOUNT", "100000"),
            ("GONGDAO_REGISTER_LIMIT_PER_IP", "100000"),
            // Every server on one database shares the personal-data key.
            (
                "GONGDAO_PII_KEY",
                "5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed",
            ),
        ]
    }

    /// A fresh PostgreSQL database for `name` (its URL), or `None` on SQLite.
    pub fn database(&self, backend: Backend, name: &str) -> anyhow::Result<Option<String>> {
        match backend {
            Backend::Sqlite => Ok(None),
            Backend::Postgres => Ok(Some(crate::serve_bench::fresh_pg_database(
                &self.pg_admin,
                &format!("gongdao_chaos_{name}"),
            )?)),
        }
    }

    /// The scenario's folder under the work folder, emptied.
    pub fn fresh_dir(&self, name: &str) -> PathBuf {
        let dir = self.work.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    /// A server (not started) in `dir` on a fresh database of `backend`
    /// named after `db`, and that database's URL (for `drop_database`).
    pub fn node(
        &self,
        dir: &Path,
        backend: Backend,
        db: &str,
    ) -> anyhow::Result<(node::Node, Option<String>)> {
        let url = self.database(backend, db)?;
        let mut env = self.base_env();
        if let Some(u) = &url {
            env.push(("DATABASE_URL", u.as_str()));
        }
        Ok((node::Node::new(&self.bin, dir, &env)?, url))
    }

    pub fn drop_database(&self, url: Option<&str>) {
        if let Some(db) = url.and_then(|u| u.rsplit('/').next()) {
            let _ = crate::serve_bench::drop_pg_database(&self.pg_admin, db);
        }
    }

    /// A random sequence for kill moments (its seed is printed).
    pub fn rng(&self) -> Rng {
        Rng(self.seed)
    }
}

/// xorshift64*: enough to scatter kills, reproducible from the printed seed.
pub struct Rng(u64);

impl Rng {
    /// In [0, 1).
    pub fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// One scenario's result line.
pub struct Outcome {
    name: String,
    figures: String,
    problems: Vec<String>,
}

impl Outcome {
    pub fn new(name: String, figures: String, problems: Vec<String>) -> Outcome {
        Outcome {
            name,
            figures,
            problems,
        }
    }
}

const SCENARIOS: [&str; 8] = [
    "kill-sqlite",
    "kill-postgres",
    "pg-restart",
    "mail-down",
    "disk-full",
    "index-full",
    "restore-sqlite",
    "restore-postgres",
];

/// `cargo xtask chaos`; also the short form inside `cargo xtask test`.
/// Returns (passed, failed).
pub fn run(root: &Path, target: &Path, args: &[String]) -> anyhow::Result<(u64, u64)> {
    let short = args.iter().any(|a| a == "--short");
    let only: Vec<String> = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.split(',').map(str::to_string).collect())
        .unwrap_or_else(|| SCENARIOS.iter().map(|s| s.to_string()).collect());
    if let Some(bad) = only.iter().find(|s| !SCENARIOS.contains(&s.as_str())) {
        bail!("no scenario {bad:?}; there are {}", SCENARIOS.join(", "));
    }
    let profile = if short { "debug" } else { "release" };
    println!("==> building gongdao ({profile})");
    let mut build = Command::new("cargo");
    build
        .current_dir(root)
        .args(["build", "-p", "server", "--bin", "gongdao"]);
    if !short {
        build.arg("--release");
    }
    tools::scrub_cargo_env(&mut build);
    if !build.status().context("cargo build")?.success() {
        bail!("cargo build -p server --bin gongdao failed");
    }
    let seed = std::env::var("CHAOS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
                | 1
        });
    let ctx = Ctx {
        bin: target.join(profile).join("gongdao"),
        target: target.to_path_buf(),
        work: target.join("chaos"),
        pg_admin: std::env::var("GONGDAO_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into()),
        size: if short { SHORT } else { FULL },
        seed,
    };
    println!(
        "==> chaos ({}, CHAOS_SEED={seed}): {}",
        if short { "short" } else { "full" },
        only.join(", ")
    );
    let (mut passed, mut failed) = (0, 0);
    for name in &only {
        let t = Instant::now();
        let result = match name.as_str() {
            "kill-sqlite" => kill::run(&ctx, Backend::Sqlite),
            "kill-postgres" => kill::run(&ctx, Backend::Postgres),
            "pg-restart" => pg_down::run(&ctx),
            "mail-down" => mail::run(&ctx),
            "disk-full" => disk::run(&ctx),
            "index-full" => index::run(&ctx),
            "restore-sqlite" => restore::run(&ctx, Backend::Sqlite),
            _ => restore::run(&ctx, Backend::Postgres),
        };
        let o = result.unwrap_or_else(|e| {
            Outcome::new(
                name.clone(),
                String::new(),
                vec![format!("could not run: {e:#}")],
            )
        });
        let verdict = if o.problems.is_empty() {
            passed += 1;
            "PASS"
        } else {
            failed += 1;
            "FAIL"
        };
        println!(
            "chaos {verdict} {} [{:.0} s] {}",
            o.name,
            t.elapsed().as_secs_f64(),
            o.figures
        );
        for p in &o.problems {
            println!("      {p}");
        }
    }
    println!("chaos: {passed} passed, {failed} failed");
    Ok((passed, failed))
}
