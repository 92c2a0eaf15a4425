//! Finds or installs what the build needs: the wasm32 target (rustup, or
//! Debian's rust-web packages when rustup cannot download), wasm-bindgen-cli
//! matching Cargo.lock, npm packages (binaryen's wasm-opt, Playwright,
//! axe-core) and Debian's Chromium (browser tests only). Each check is cheap,
//! so a second run installs nothing. The site itself is built by `site.rs`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::StatusOk;

/// How to drive the build once the tools are in place.
pub struct Env {
    /// Debian's rustc-web instead of rustup's wasm32 target.
    debian_wasm: bool,
    path: String,
}

impl Env {
    /// `cargo` in `root` with PATH set and xtask's own cargo variables removed.
    pub fn cargo(&self, root: &Path) -> Command {
        let mut c = Command::new("cargo");
        c.current_dir(root);
        scrub_cargo_env(&mut c);
        c.env("PATH", &self.path);
        c
    }

    /// What a wasm32 build needs on top (Debian's rustc-web: its own linker
    /// and the standard library built from source).
    pub fn wasm_flags(&self, c: &mut Command) {
        if self.debian_wasm {
            c.env("RUSTC_BOOTSTRAP", "1")
                .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", "wasm-ld-19")
                .arg("-Zbuild-std=std,panic_abort");
        }
    }

    /// PATH with `node_modules/.bin` and cargo's bin folder first.
    pub fn path(&self) -> &str {
        &self.path
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

pub fn fnv(bytes: &[u8]) -> u64 {
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
