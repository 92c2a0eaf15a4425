//! Finds or installs what the build needs: the wasm32 target (rustup, or
//! Debian's rust-web packages when rustup cannot download), cargo-leptos
//! (`no_downloads`), wasm-bindgen-cli matching Cargo.lock, npm packages
//! (binaryen's wasm-opt, Playwright) and Debian's Chromium. Each check is
//! cheap, so a second run installs nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::StatusOk;

const CARGO_LEPTOS: &str = "0.3.11";
/// cargo-leptos's lockfile needs this Rust at least.
const CARGO_LEPTOS_RUST: &str = "1.96.0";

/// How to drive the build once the tools are in place.
pub struct Env {
    /// Debian's rustc-web instead of rustup's wasm32 target.
    debian_wasm: bool,
    path: String,
}

impl Env {
    /// `cargo leptos <args>` with PATH and flags set.
    pub fn leptos(&self, root: &Path, args: &[&str]) -> Command {
        let mut c = Command::new("cargo");
        c.current_dir(root).arg("leptos").args(args);
        scrub_cargo_env(&mut c);
        c.env("PATH", &self.path);
        if self.debian_wasm {
            c.env("RUSTC_BOOTSTRAP", "1")
                .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", "wasm-ld-19")
                .arg("--lib-cargo-args=-Zbuild-std=std,panic_abort");
        }
        c
    }
}

/// Removes the variables cargo sets for the xtask process, so the cargo we
/// start picks its own toolchain and paths.
pub fn scrub_cargo_env(c: &mut Command) {
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().to_string();
        if (k.starts_with("CARGO_") && k != "CARGO_TARGET_DIR" && k != "CARGO_HOME")
            || k == "CARGO"
            || k == "RUSTUP_TOOLCHAIN"
            || k.starts_with("RUSTC")
            || k == "RUSTDOC"
        {
            c.env_remove(&k);
        }
    }
}

fn quiet(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).to_string())
}

fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| "/root".into())
}

/// What a command needs beyond the build: the browser only for the browser tests.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    Build,
    BuildAndBrowser,
}

/// How long each phase of a command took, printed as it ends and summed at
/// the end (`cargo xtask run` on a fresh machine spends most of its time
/// installing and building once; these lines say where).
#[derive(Default)]
pub struct Phases {
    done: Vec<(String, Duration)>,
}

impl Phases {
    /// Runs `f` as the phase `name`, printing its time when it took more than a second.
    pub fn time<T>(&mut self, name: &str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        let took = start.elapsed();
        if took >= Duration::from_secs(1) {
            println!("    ({name}: {})", minutes(took));
        }
        self.done.push((name.to_string(), took));
        out
    }

    /// One line per phase that took a second or more, and the total.
    pub fn summary(&self) -> String {
        let total: Duration = self.done.iter().map(|(_, d)| *d).sum();
        let mut out = String::from("phases:");
        for (name, took) in self
            .done
            .iter()
            .filter(|(_, d)| *d >= Duration::from_secs(1))
        {
            out.push_str(&format!("\n  {name:<34} {:>9}", minutes(*took)));
        }
        out.push_str(&format!("\n  {:<34} {:>9}", "total", minutes(total)));
        out
    }
}

/// `12 min 05 s`, `42 s`.
fn minutes(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{} min {:02} s", s / 60, s % 60)
    } else {
        format!("{s} s")
    }
}

pub fn ensure(root: &Path) -> anyhow::Result<Env> {
    ensure_for(root, Needs::BuildAndBrowser, &mut Phases::default())
}

/// Installs what `needs` asks for that is missing, timing each install in `phases`.
pub fn ensure_for(root: &Path, needs: Needs, phases: &mut Phases) -> anyhow::Result<Env> {
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".cargo"))
        .join("bin");
    let path = format!(
        "{}:{}:{}",
        root.join("node_modules/.bin").display(),
        cargo_bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let debian_wasm = phases.time("wasm32 target", ensure_wasm_target)?;
    phases.time("cargo-leptos", || ensure_cargo_leptos(debian_wasm))?;
    phases.time("wasm-bindgen-cli", || ensure_wasm_bindgen(root))?;
    phases.time("npm ci", || ensure_npm(root))?;
    if needs == Needs::BuildAndBrowser {
        phases.time("chromium", || ensure_apt("/usr/bin/chromium", "chromium"))?;
    }
    Ok(Env { debian_wasm, path })
}

/// true when the Debian fallback is in use.
fn ensure_wasm_target() -> anyhow::Result<bool> {
    if let Some(list) = quiet("rustup", &["target", "list", "--installed"])
        && list.lines().any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(false);
    }
    println!("==> installing the wasm32-unknown-unknown target");
    if Command::new("rustup")
        .args(["target", "add", "wasm32-unknown-unknown"])
        .status()
        .is_ok_and(|s| s.success())
    {
        return Ok(false);
    }
    println!(
        "==> rustup could not download; falling back to Debian's rustc-web (see ../shared/STACK.md)"
    );
    ensure_apt(
        "/usr/share/doc/rust-web-src",
        "rustc-web cargo-web rust-web-src lld-19",
    )?;
    Ok(true)
}

fn ensure_cargo_leptos(debian: bool) -> anyhow::Result<()> {
    if quiet("cargo", &["leptos", "--version"]).is_some_and(|v| v.contains(CARGO_LEPTOS)) {
        return Ok(());
    }
    println!(
        "==> installing cargo-leptos {CARGO_LEPTOS} (no_downloads; about 13 minutes on 2 cores, once)"
    );
    let args = [
        "install",
        "cargo-leptos",
        "--version",
        CARGO_LEPTOS,
        "--locked",
        "--features",
        "no_downloads",
    ];
    if debian {
        return Command::new("/usr/bin/cargo")
            .args(args)
            .status_ok("installing cargo-leptos");
    }
    let rustc = quiet("rustc", &["--version"]).unwrap_or_default();
    if version_at_least(&rustc, CARGO_LEPTOS_RUST) {
        return Command::new("cargo")
            .args(args)
            .status_ok("installing cargo-leptos");
    }
    Command::new("rustup")
        .args([
            "toolchain",
            "install",
            CARGO_LEPTOS_RUST,
            "--profile",
            "minimal",
        ])
        .status_ok("installing the Rust toolchain cargo-leptos needs")?;
    Command::new("cargo")
        .arg(format!("+{CARGO_LEPTOS_RUST}"))
        .args(args)
        .status_ok("installing cargo-leptos")
}

/// `rustc 1.95.0 (…)` ≥ `1.96.0`?
fn version_at_least(rustc_version: &str, want: &str) -> bool {
    let parse = |s: &str| -> Vec<u64> {
        s.split('.')
            .filter_map(|p| p.split('-').next()?.parse().ok())
            .collect()
    };
    let have = rustc_version
        .split_whitespace()
        .nth(1)
        .map(parse)
        .unwrap_or_default();
    have >= parse(want)
}

fn ensure_wasm_bindgen(root: &Path) -> anyhow::Result<()> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    let version = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"wasm-bindgen\"\n"))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = \"")))
        .map(|v| v.trim_end_matches('"').to_string())
        .context("wasm-bindgen is not in Cargo.lock")?;
    if quiet("wasm-bindgen", &["--version"]).is_some_and(|v| v.trim().ends_with(&version)) {
        return Ok(());
    }
    println!(
        "==> installing wasm-bindgen-cli {version} (matches Cargo.lock; about 4 minutes, once)"
    );
    Command::new("cargo")
        .args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &version,
            "--force",
        ])
        .status_ok("installing wasm-bindgen-cli")
}

/// `npm ci` when node_modules is missing or older than package-lock.json.
fn ensure_npm(root: &Path) -> anyhow::Result<()> {
    let stamp = root.join("node_modules/.gongdao-stamp");
    let lock =
        std::fs::read(root.join("package-lock.json")).context("reading package-lock.json")?;
    let want = format!("{:x}", fnv(&lock));
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == want) {
        return Ok(());
    }
    println!("==> npm ci (binaryen's wasm-opt, Playwright)");
    Command::new("npm")
        .current_dir(root)
        .args(["ci", "--no-audit", "--no-fund"])
        .status_ok("npm ci")?;
    std::fs::write(&stamp, want)?;
    Ok(())
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
    })
}

/// Installs Debian `packages` unless `marker` exists.
pub fn ensure_apt(marker: &str, packages: &str) -> anyhow::Result<()> {
    if Path::new(marker).exists() {
        return Ok(());
    }
    println!("==> apt-get install {packages}");
    let mut c = Command::new("apt-get");
    c.args(["install", "-y", "--no-install-recommends"])
        .args(packages.split_whitespace())
        .env("DEBIAN_FRONTEND", "noninteractive");
    if c.status().is_ok_and(|s| s.success()) {
        return Ok(());
    }
    Command::new("apt-get")
        .arg("update")
        .status_ok("apt-get update")?;
    let mut c = Command::new("apt-get");
    c.args(["install", "-y", "--no-install-recommends"])
        .args(packages.split_whitespace())
        .env("DEBIAN_FRONTEND", "noninteractive");
    if !c.status().is_ok_and(|s| s.success()) {
        bail!("could not install {packages} with apt-get (are you root?)");
    }
    Ok(())
}

/// A Python package from PyPI (`name==version`) in its own virtual
/// environment under `target/<venv>`, installed once; the environment's
/// `bin` folder.
pub fn ensure_pip(target: &Path, venv: &str, spec: &str) -> anyhow::Result<PathBuf> {
    let venv = target.join(venv);
    let bin = venv.join("bin");
    let (name, wanted) = spec.split_once("==").unwrap_or((spec, ""));
    let have = Command::new(bin.join("pip"))
        .args(["show", name])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l == format!("Version: {wanted}"))
        })
        .unwrap_or(false);
    if have {
        return Ok(bin);
    }
    println!("==> installing {spec} into {}", venv.display());
    let ok = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .context("python3 -m venv")?
        .success()
        && Command::new(bin.join("pip"))
            .args(["install", "-q", spec])
            .status()
            .with_context(|| format!("pip install {spec}"))?
            .success();
    if !ok {
        bail!("could not install {spec} (needs python3 with venv and PyPI)");
    }
    Ok(bin)
}

#[cfg(test)]
mod tests {
    use super::version_at_least;

    #[test]
    fn rustc_versions_compare() {
        assert!(!version_at_least(
            "rustc 1.95.0 (59807616e 2026-04-14)",
            "1.96.0"
        ));
        assert!(version_at_least("rustc 1.96.0 (x)", "1.96.0"));
        assert!(version_at_least("rustc 1.100.1 (x)", "1.96.0"));
    }
}
