//! `cargo xtask run` and `cargo xtask test`: the two commands a newcomer types.
//!
//! Both first make sure the build tools are present (installing what is
//! missing, never re-installing), then build incrementally.

mod api_check;
mod chaos;
mod client;
mod serve_bench;
mod site;
mod tools;

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("tools") => tools::ensure(&root()).map(|_| ()),
        Some("bench") => bench(&args[1..]),
        Some("chaos") => {
            let root = root();
            match chaos::run(&root, &target_dir(&root), &args[1..]) {
                Ok((_, 0)) => Ok(()),
                Ok((_, failed)) => Err(anyhow::anyhow!("{failed} chaos scenarios failed")),
                Err(e) => Err(e),
            }
        }
        Some("api-check") => {
            let root = root();
            match api_check::run(&root, &target_dir(&root), &args[1..]) {
                Ok((_, 0)) => Ok(()),
                Ok((_, failed)) => Err(anyhow::anyhow!("schemathesis failed for {failed} roles")),
                Err(e) => Err(e),
            }
        }
        _ => {
            eprintln!(
                "usage: cargo xtask run [--release] | test [--no-e2e] [--no-chaos] [--no-api-check] | test --e2e-only [playwright args] | bench cases | bench search [--synthetic N] | bench serve | chaos [--short] [--only NAME,NAME] | api-check [--role R,R] [--max-examples N] [--scenarios N] | tools"
            );
            return std::process::ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The workspace root (the folder above `xtask/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| ".".into())
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// `cargo xtask run [--release]`: install what is missing, build the site,
/// migrate, load demo data on first start, serve. The default build is the
/// debug profile the tests build too (a newcomer who then runs `cargo xtask
/// test` builds nothing twice); `--release` builds the optimised site to
/// deploy. Each phase's time is printed, and all of them once the site answers.
fn run(args: &[String]) -> anyhow::Result<()> {
    let root = root();
    let release = args.iter().any(|a| a == "--release");
    let mut phases = tools::Phases::default();
    let env = tools::ensure_for(&root, tools::Needs::Build, &mut phases)?;
    let profile = if release {
        site::Profile::Release
    } else {
        site::Profile::Debug
    };
    println!(
        "==> building the site ({} profile; incremental after the first time)",
        profile.bin_dir()
    );
    let bin = site::build(&root, &target_dir(&root), &env, profile, &mut phases)?;
    let addr = std::env::var("GONGDAO_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let port = addr
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .context("GONGDAO_ADDR must be host:port")?;
    println!("==> starting http://{addr} (migrates; loads demo data on first start)");
    let mut cmd = Command::new(bin);
    cmd.current_dir(&root)
        .arg("serve")
        .env("GONGDAO_DEMO_DATA", "1")
        .env("LEPTOS_SITE_ROOT", root.join("target").join("site"));
    cmd.env("GONGDAO_ADDR", &addr);
    tools::scrub_cargo_env(&mut cmd);
    let mut server = ServerGuard(cmd.spawn().context("starting gongdao serve")?);
    phases.time("start (migrate, demo data)", || {
        client::Client::new(port).wait_for("/healthz", Duration::from_secs(600))
    })?;
    println!("{}", phases.summary());
    println!("==> serving http://{addr} (Ctrl-C stops)");
    let status = server.0.wait().context("waiting for gongdao serve")?;
    if !status.success() {
        bail!("gongdao serve stopped ({status})");
    }
    Ok(())
}

/// `cargo xtask bench cases` and `cargo xtask bench search [--synthetic N]`:
/// the benchmarks print their own figures.
fn bench(args: &[String]) -> anyhow::Result<()> {
    match args.first().map(String::as_str) {
        Some("serve") => {
            let root = root();
            let env = tools::ensure(&root)?;
            serve_bench::run(&root, &env, &target_dir(&root))
        }
        Some("cases") => cargo(&root(), &["bench", "-p", "server", "--bench", "cases"])
            .status_ok("the case filing benchmark"),
        Some("search") => {
            // `--synthetic N` and the like go to the benchmark itself.
            let mut cmd = cargo(
                &root(),
                &["bench", "-p", "server", "--bench", "search", "--"],
            );
            cmd.args(&args[1..]);
            cmd.status_ok("the search benchmark")
        }
        _ => bail!(
            "usage: cargo xtask bench cases    (BENCH_FILINGS, BENCH_CONCURRENCY, GONGDAO_TEST_PG_URL)\n       \
             cargo xtask bench serve    (BENCH_SERVE_SECONDS, GONGDAO_TEST_PG_URL)\n       \
             cargo xtask bench search [--synthetic N]    (BENCH_SEARCH_IMPORT=service|bulk, \
             BENCH_SEARCH_PG_URL, BENCH_SEARCH_DIR, BENCH_SEARCH_PASSES, BENCH_SEARCH_PROFILE)"
        ),
    }
}

/// Counts of one suite's results.
#[derive(Default, Debug)]
struct Tally {
    passed: u64,
    failed: u64,
    failures: Vec<String>,
}

impl Tally {
    /// Adds a suite's (passed, failed), or one failure when it could not run.
    fn suite(&mut self, name: &str, result: anyhow::Result<(u64, u64)>) {
        match result {
            Ok((passed, failed)) => {
                self.passed += passed;
                self.failed += failed;
                if failed > 0 {
                    self.failures.push(name.into());
                }
            }
            Err(e) => {
                eprintln!("{name} could not run: {e:#}");
                self.step(name, false);
            }
        }
    }

    fn step(&mut self, name: &str, ok: bool) {
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
            self.failures.push(name.to_string());
        }
    }
}

/// `cargo xtask test`: fmt, clippy, unit and integration tests (SQLite and
/// PostgreSQL), Playwright in Chromium with JavaScript on and off.
fn test(args: &[String]) -> anyhow::Result<()> {
    let started = Instant::now();
    let root = root();
    let e2e = !args.iter().any(|a| a == "--no-e2e");
    // `--e2e-only [playwright args…]`: just the browser suite, e.g. one spec file.
    if let Some(i) = args.iter().position(|a| a == "--e2e-only") {
        let env = tools::ensure(&root)?;
        let (passed, failed) = end_to_end(&root, &env, &args[i + 1..])?;
        println!("end-to-end: {passed} passed, {failed} failed");
        return if failed == 0 {
            Ok(())
        } else {
            bail!("{failed} browser tests failed")
        };
    }
    let mut phases = tools::Phases::default();
    let env = tools::ensure_for(&root, tools::Needs::BuildAndBrowser, &mut phases)?;
    let pg = std::env::var("GONGDAO_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    if TcpStream::connect_timeout(&pg_addr(&pg), Duration::from_secs(3)).is_err() {
        bail!(
            "PostgreSQL is not reachable at {} (GONGDAO_TEST_PG_URL). The tests run against SQLite AND PostgreSQL; \
             start it (e.g. `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`) and run again.",
            pg_addr(&pg)
        );
    }
    let mut tally = Tally::default();

    println!("==> cargo fmt --check");
    let ok = phases.time("fmt", || {
        cargo(&root, &["fmt", "--all", "--", "--check"])
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    });
    tally.step("cargo fmt --check", ok);

    println!("==> cargo clippy -D warnings");
    let ok = phases.time("clippy", || {
        cargo(
            &root,
            &[
                "clippy",
                "--workspace",
                "--exclude",
                "frontend",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        )
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
    });
    tally.step("cargo clippy", ok);

    println!("==> cargo test (SQLite and PostgreSQL)");
    let mut cmd = cargo(
        &root,
        &[
            "test",
            "--workspace",
            "--exclude",
            "frontend",
            "--no-fail-fast",
        ],
    );
    cmd.env("GONGDAO_TEST_PG_URL", &pg);
    let (ok, counts) = phases.time("cargo test", || run_counting(cmd, parse_cargo_test_line))?;
    tally.passed += counts.0;
    tally.failed += counts.1;
    if !ok && counts.1 == 0 {
        tally.step("cargo test (build or harness failure)", false);
    } else if !ok {
        tally.failures.push("cargo test".into());
    }

    if !args.iter().any(|a| a == "--no-chaos") {
        println!("==> chaos, short form: crashes and outages under load");
        let result = phases.time("chaos", || {
            chaos::run(&root, &target_dir(&root), &["--short".to_string()])
        });
        tally.suite("chaos", result);
    }

    if !args.iter().any(|a| a == "--no-api-check") {
        println!("==> api-check, short form: schemathesis as four roles");
        let short: Vec<String> = [
            "--role",
            "anonymous,consumer,merchant,regulator",
            "--max-examples",
            "10",
            "--scenarios",
            "60",
        ]
        .map(String::from)
        .to_vec();
        let result = phases.time("api-check", || {
            api_check::run(&root, &target_dir(&root), &short)
        });
        tally.suite("api-check", result);
    }

    if e2e {
        println!("==> end-to-end: Playwright in Chromium, JavaScript on and off");
        let result = phases.time("playwright", || end_to_end(&root, &env, &[]));
        tally.suite("playwright", result);
    }

    println!();
    if !tally.failures.is_empty() {
        println!("failed: {}", tally.failures.join(", "));
    }
    println!("{}", phases.summary());
    println!("took {:.0} s", started.elapsed().as_secs_f64());
    println!("{} passed, {} failed", tally.passed, tally.failed);
    if tally.failed > 0 || !tally.failures.is_empty() {
        bail!("the test suite failed");
    }
    Ok(())
}

fn pg_addr(url: &str) -> std::net::SocketAddr {
    let host_port = url
        .split('@')
        .nth(1)
        .unwrap_or("127.0.0.1:5432")
        .split('/')
        .next()
        .unwrap_or("127.0.0.1:5432");
    let with_port = if host_port.contains(':') {
        host_port.to_string()
    } else {
        format!("{host_port}:5432")
    };
    let with_port = with_port.replace("localhost", "127.0.0.1");
    with_port
        .parse()
        .unwrap_or_else(|_| ([127, 0, 0, 1], 5432).into())
}

fn cargo(root: &Path, args: &[&str]) -> Command {
    let mut c = Command::new("cargo");
    c.current_dir(root).args(args);
    tools::scrub_cargo_env(&mut c);
    c
}

/// Runs a command, echoing its output, and sums the (passed, failed) that
/// `parse` finds in its lines.
fn run_counting(
    mut cmd: Command,
    parse: fn(&str) -> Option<(u64, u64)>,
) -> anyhow::Result<(bool, (u64, u64))> {
    cmd.stdout(Stdio::piped());
    let mut child = cmd.spawn().context("starting the test command")?;
    let mut totals = (0, 0);
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("{line}");
            if let Some((p, f)) = parse(&line) {
                totals.0 += p;
                totals.1 += f;
            }
        }
    }
    Ok((child.wait()?.success(), totals))
}

/// `test result: ok. 12 passed; 0 failed; …`
fn parse_cargo_test_line(line: &str) -> Option<(u64, u64)> {
    let rest = line.strip_prefix("test result: ")?;
    let num = |word: &str| -> Option<u64> {
        rest.split(';').find_map(|part| {
            let part = part
                .trim()
                .trim_start_matches("ok.")
                .trim_start_matches("FAILED.")
                .trim();
            part.strip_suffix(word).and_then(|n| n.trim().parse().ok())
        })
    };
    Some((num("passed")?, num("failed")?))
}

/// Playwright's summary lines: `  12 passed (30s)`, `  1 failed`.
fn parse_playwright_line(line: &str) -> Option<(u64, u64)> {
    let l = line.trim();
    let mut words = l.split_whitespace();
    let n: u64 = words.next()?.parse().ok()?;
    match words.next()? {
        "passed" => Some((n, 0)),
        "failed" => Some((0, n)),
        _ => None,
    }
}

/// Builds the site (debug profile, sharing the test build's dependencies),
/// starts it on a free port with a fresh database and demo data, runs
/// Playwright against it, stops it.
fn end_to_end(root: &Path, env: &tools::Env, extra: &[String]) -> anyhow::Result<(u64, u64)> {
    site::build(
        root,
        &target_dir(root),
        env,
        site::Profile::Debug,
        &mut tools::Phases::default(),
    )?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let data = root.join("target").join("e2e-data");
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data)?;
    let mut cmd = Command::new(target_dir(root).join("debug").join("gongdao"));
    cmd.current_dir(root)
        .arg("serve")
        .env("GONGDAO_ADDR", format!("127.0.0.1:{port}"))
        .env("GONGDAO_DATA_DIR", &data)
        .env("GONGDAO_DEMO_DATA", "1")
        // The browser specs sign the demo accounts in dozens of times a minute.
        .env("GONGDAO_LOGIN_LIMIT_PER_IP", "1000")
        .env("GONGDAO_LOGIN_LIMIT_PER_ACCOUNT", "1000")
        .env("LEPTOS_SITE_ROOT", root.join("target").join("site"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null());
    tools::scrub_cargo_env(&mut cmd);
    let server = ServerGuard(cmd.spawn().context("starting gongdao serve")?);
    let base = format!("http://127.0.0.1:{port}");
    client::Client::new(port).wait_for("/healthz", Duration::from_secs(60))?;
    let mut pw = Command::new(root.join("node_modules/.bin/playwright"));
    pw.current_dir(root.join("end2end"))
        .args(["test", "--reporter=list"])
        .args(extra)
        .env("GONGDAO_E2E_URL", &base);
    let (_, counts) = run_counting(pw, parse_playwright_line)?;
    drop(server);
    Ok(counts)
}

struct ServerGuard(Child);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

trait StatusOk {
    fn status_ok(&mut self, what: &str) -> anyhow::Result<()>;
}

impl StatusOk for Command {
    fn status_ok(&mut self, what: &str) -> anyhow::Result<()> {
        let s = self.status().with_context(|| format!("starting {what}"))?;
        if !s.success() {
            bail!("{what} failed ({s})");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_summaries_are_counted() {
        assert_eq!(
            parse_cargo_test_line(
                "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s"
            ),
            Some((12, 0))
        );
        assert_eq!(
            parse_cargo_test_line("test result: FAILED. 3 passed; 2 failed; 0 ignored"),
            Some((3, 2))
        );
        assert_eq!(parse_cargo_test_line("running 3 tests"), None);
    }

    #[test]
    fn playwright_summaries_are_counted() {
        assert_eq!(parse_playwright_line("  8 passed (21.3s)"), Some((8, 0)));
        assert_eq!(parse_playwright_line("  2 failed"), Some((0, 2)));
        assert_eq!(parse_playwright_line("  ✓  1 [js] › auth.spec.ts"), None);
    }

    #[test]
    fn postgres_address_comes_from_the_url() {
        assert_eq!(
            pg_addr("postgres://postgres@127.0.0.1:5432/postgres").to_string(),
            "127.0.0.1:5432"
        );
        assert_eq!(
            pg_addr("postgres://u:p@localhost/db").to_string(),
            "127.0.0.1:5432"
        );
    }
}
