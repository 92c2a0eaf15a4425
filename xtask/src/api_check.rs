//! `cargo xtask api-check`: schemathesis (from PyPI, pinned) against the
//! OpenAPI document of a demo server, signed in as each role in turn and
//! anonymously. Every check runs (`--checks all`): no server error, every
//! status and body as documented, every schema-valid request accepted and
//! every schema-violating one refused. The repository's `schemathesis.toml`
//! names, per operation and with the reason, the refusals a schema cannot
//! express (a merchant that must exist, a file that must really be an
//! image). Prints one line per role and `N passed, N failed`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};

use crate::client::{Client, free_port};
use crate::serve_bench::Proc;
use crate::tools;

/// The schemathesis release the checks were written against.
const SCHEMATHESIS: &str = "schemathesis==4.32.5";

/// The demo accounts (`services::demo`), one per role, and anonymous.
const ROLES: [&str; 8] = [
    "anonymous",
    "consumer",
    "merchant",
    "mediator",
    "arbitrator",
    "fund-admin",
    "regulator",
    "admin",
];

/// Runs the checks; (roles passed, roles failed).
pub fn run(root: &Path, target: &Path, args: &[String]) -> anyhow::Result<(u64, u64)> {
    let examples = args
        .iter()
        .position(|a| a == "--max-examples")
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| "30".into());
    let scenarios = args
        .iter()
        .position(|a| a == "--scenarios")
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| "200".into());
    let only: Vec<&str> = args
        .iter()
        .position(|a| a == "--role")
        .and_then(|i| args.get(i + 1))
        .map(|r| r.split(',').collect())
        .unwrap_or_else(|| ROLES.to_vec());
    let st = ensure_schemathesis(target)?;
    println!("==> building gongdao (debug)");
    let mut build = Command::new("cargo");
    build
        .current_dir(root)
        .args(["build", "-p", "server", "--bin", "gongdao"]);
    tools::scrub_cargo_env(&mut build);
    if !build.status().context("cargo build")?.success() {
        bail!("cargo build -p server --bin gongdao failed");
    }
    let work = target.join("api-check");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    // The repository's rules plus this run's sizes: examples per operation
    // in the fuzzing phase, scenarios in the stateful phase (which follows
    // the document's links, `openapi::LINKS`, up to 10 calls deep). On the
    // command line `--max-examples` would set both.
    let config = work.join("schemathesis.toml");
    std::fs::write(
        &config,
        std::fs::read_to_string(root.join("schemathesis.toml"))?
            + &format!(
                "\n[phases.fuzzing]\ngeneration.max-examples = {examples}\n\n\
                 [phases.stateful]\nmax-steps = 10\ngeneration.max-examples = {scenarios}\n"
            ),
    )?;
    let port = free_port()?;
    let log = std::fs::File::create(work.join("server.log"))?;
    println!(
        "==> demo server on 127.0.0.1:{port} (log {})",
        work.join("server.log").display()
    );
    let mut serve = Command::new(target.join("debug").join("gongdao"));
    serve
        .current_dir(root)
        .arg("serve")
        .env("GONGDAO_DEMO_DATA", "1")
        .env("GONGDAO_DATA_DIR", work.join("data"))
        .env("GONGDAO_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", work.join("no-site"))
        // Thousands of generated sign-ins and registrations from one address.
        .env("GONGDAO_LOGIN_LIMIT_PER_IP", "1000000")
        .env("GONGDAO_LOGIN_LIMIT_PER_ACCOUNT", "1000000")
        .env("GONGDAO_REGISTER_LIMIT_PER_IP", "1000000")
        .env("RUST_LOG", "warn")
        .stdout(log.try_clone()?)
        .stderr(log);
    tools::scrub_cargo_env(&mut serve);
    let _server = Proc(serve.spawn().context("starting gongdao serve")?);
    let client = Client::new(port);
    client.wait_for("/healthz", Duration::from_secs(120))?;
    let base = format!("http://127.0.0.1:{port}");
    let (mut passed, mut failed) = (0, 0);
    for role in only {
        let mut cmd = Command::new(&st);
        // Run in the work folder (schemathesis keeps a cache where it runs),
        // with the repository's configuration.
        cmd.current_dir(&work)
            .arg("--config-file")
            .arg(&config)
            .args(["run", &format!("{base}/api/v1/openapi.json")])
            .args(["--checks", "all", "--generation-deterministic"])
            .args(["--suppress-health-check", "all"])
            // Signing in and out is what gives the run its token.
            .args(["--exclude-path", "/session"]);
        if role != "anonymous" {
            let token = client.sign_in(&format!("{role}@demo.gongdao.cn"), "gongdao-demo")?;
            cmd.args(["-H", &format!("Authorization: Bearer {token}")]);
        }
        let out = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .context("running schemathesis")?;
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        std::fs::write(work.join(format!("{role}.log")), &text)?;
        let summary = text
            .lines()
            .rev()
            .find(|l| l.contains("passed") || l.contains("failed") || l.contains("error"))
            .unwrap_or("(no summary)")
            .trim()
            .to_string();
        // The stateful phase's own figures: scenarios run, links followed.
        let stateful: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("Scenarios:") || l.starts_with("API Links:"))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        let summary = if stateful.is_empty() {
            summary
        } else {
            format!("{summary}; stateful: {}", stateful.join(", "))
        };
        let ok = out.status.success();
        println!(
            "{:<11} {} {summary}   (log {})",
            role,
            if ok { "PASS" } else { "FAIL" },
            work.join(format!("{role}.log")).display()
        );
        if ok {
            passed += 1;
        } else {
            failed += 1;
            for l in text
                .lines()
                .filter(|l| l.starts_with("- ") || l.contains("___ "))
            {
                println!("    {l}");
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    Ok((passed, failed))
}

/// A venv under the target folder with the pinned schemathesis (installed once).
fn ensure_schemathesis(target: &Path) -> anyhow::Result<std::path::PathBuf> {
    Ok(tools::ensure_pip(target, "schemathesis-venv", SCHEMATHESIS)?.join("schemathesis"))
}
