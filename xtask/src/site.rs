//! Builds the site — the server binary and `target/site` — with cargo and
//! wasm-bindgen alone, doing the few steps `cargo leptos build` did for us:
//!
//! 1. the hydration entry (`frontend`) for `wasm32-unknown-unknown`;
//! 2. `wasm-bindgen --target web` into `target/site/pkg/gongdao.{js,wasm}`,
//!    then, for a release, binaryen's `wasm-opt -Oz` (from npm: Debian's
//!    breaks hydration);
//! 3. `style/main.css` to `pkg/gongdao.css`, `public/` to the site root;
//! 4. each of the three files renamed `gongdao.<hash>.<ext>` and the hashes
//!    written to `hash.txt` beside the binary, where the server looks
//!    (`server/src/lib.rs`, `hashed_assets`), so a browser never runs a stale
//!    script against a new server;
//! 5. for a release, `.gz` and `.br` beside each file, which the server
//!    sends as they are;
//! 6. the server binary, `cargo build -p server --bin gongdao`.
//!
//! Why not cargo-leptos: installing it compiles about 400 crates (13 minutes
//! on 2 cores, the largest part of a first `cargo xtask run`), and its debug
//! build sets `RUSTFLAGS=--cfg erase_components`, which made `cargo xtask
//! test` compile every dependency of the server a second time for the
//! browser tests. Here the cfg comes from `.cargo/config.toml` for every
//! debug build, so the server shares the test build's artifacts (server and
//! browser must agree on it: without it on both the debug module is 14 MB
//! of code and takes 10 s to hydrate; on one side only, hydration fails).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::StatusOk;
use crate::tools::{Env, Phases};

const NAME: &str = "gongdao";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// The debug profile the tests build too.
    Debug,
    /// Optimised: `--release` for the server, `wasm-release` (size, LTO) and
    /// `wasm-opt -Oz` for the browser's part.
    Release,
}

impl Profile {
    /// The folder of the server binary under the target directory.
    pub fn bin_dir(self) -> &'static str {
        match self {
            Profile::Debug => "debug",
            Profile::Release => "release",
        }
    }

    fn wasm_dir(self) -> &'static str {
        match self {
            Profile::Debug => "debug",
            Profile::Release => "wasm-release",
        }
    }
}

/// Builds everything and returns the server binary's path.
pub fn build(
    root: &Path,
    target: &Path,
    env: &Env,
    profile: Profile,
    phases: &mut Phases,
) -> anyhow::Result<PathBuf> {
    let site = root.join("target").join("site");
    let pkg = site.join("pkg");
    phases.time("site: wasm (frontend)", || {
        let mut c = env.cargo(root);
        c.args([
            "build",
            "--package",
            "frontend",
            "--lib",
            "--target",
            "wasm32-unknown-unknown",
        ]);
        if profile == Profile::Release {
            c.args(["--profile", "wasm-release"]);
            without_erasure(&mut c);
        }
        env.wasm_flags(&mut c);
        c.status_ok("building the frontend for wasm32")
    })?;
    phases.time("site: wasm-bindgen, style, assets", || {
        let _ = std::fs::remove_dir_all(&site);
        std::fs::create_dir_all(&pkg).with_context(|| format!("creating {}", pkg.display()))?;
        let wasm = target
            .join("wasm32-unknown-unknown")
            .join(profile.wasm_dir())
            .join("frontend.wasm");
        let mut bindgen = Command::new("wasm-bindgen");
        bindgen
            .env("PATH", env.path())
            .arg("--target=web")
            .arg(format!("--out-name={NAME}"))
            .arg("--out-dir")
            .arg(&pkg)
            .arg(&wasm);
        bindgen.status_ok("wasm-bindgen")?;
        std::fs::rename(
            pkg.join(format!("{NAME}_bg.wasm")),
            pkg.join(format!("{NAME}.wasm")),
        )
        .context("renaming the wasm-bindgen output")?;
        if profile == Profile::Release {
            let file = pkg.join(format!("{NAME}.wasm"));
            Command::new(root.join("node_modules/.bin/wasm-opt"))
                .args([
                    "-Oz",
                    "--enable-bulk-memory",
                    "--enable-nontrapping-float-to-int",
                ])
                .arg(&file)
                .arg("-o")
                .arg(&file)
                .status_ok("wasm-opt")?;
        }
        std::fs::copy(
            root.join("style").join("main.css"),
            pkg.join(format!("{NAME}.css")),
        )
        .context("copying style/main.css")?;
        copy_dir(&root.join("public"), &site)
    })?;
    let hashes = hash_files(&pkg)?;
    if profile == Profile::Release {
        phases.time("site: precompress", || precompress(&site))?;
    }
    phases.time("site: server binary", || {
        let mut c = env.cargo(root);
        c.args(["build", "--package", "server", "--bin", NAME]);
        if profile == Profile::Release {
            c.arg("--release");
            without_erasure(&mut c);
        }
        c.status_ok("building the server")
    })?;
    let bin_dir = target.join(profile.bin_dir());
    std::fs::write(bin_dir.join("hash.txt"), hashes).context("writing hash.txt")?;
    Ok(bin_dir.join(NAME))
}

/// The optimised site is built without the `erase_components` of
/// `.cargo/config.toml` (a set `RUSTFLAGS` replaces it), server and browser
/// alike: type erasure is for short debug builds.
fn without_erasure(c: &mut Command) {
    c.env("RUSTFLAGS", std::env::var("RUSTFLAGS").unwrap_or_default());
}

/// Renames `gongdao.{js,wasm,css}` in `pkg` to `gongdao.<hash>.<ext>` and
/// returns the lines of `hash.txt` (`js: <hash>` …). Files in `snippets/`
/// keep their names: the wasm loads them by name.
fn hash_files(pkg: &Path) -> anyhow::Result<String> {
    let mut out = String::new();
    for ext in ["js", "wasm", "css"] {
        let plain = pkg.join(format!("{NAME}.{ext}"));
        let bytes =
            std::fs::read(&plain).with_context(|| format!("reading {}", plain.display()))?;
        let hash = format!("{:016x}", crate::tools::fnv(&bytes));
        std::fs::rename(&plain, pkg.join(format!("{NAME}.{hash}.{ext}")))
            .with_context(|| format!("renaming {}", plain.display()))?;
        out.push_str(&format!("{ext}: {hash}\n"));
    }
    Ok(out)
}

/// Writes `<file>.gz` and `<file>.br` (best compression) beside every file
/// under `dir`.
fn precompress(dir: &Path) -> anyhow::Result<()> {
    use std::io::Write;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            precompress(&path)?;
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes)?;
        std::fs::write(with_suffix(&path, "gz"), gz.finish()?)?;
        let mut br = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut &bytes[..], &mut br, &params)?;
        std::fs::write(with_suffix(&path, "br"), br)?;
    }
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    if !from.is_dir() {
        bail!("{} is not a folder", from.display());
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &dest)?;
        } else {
            std::fs::copy(entry.path(), &dest)
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_follow_content_and_hash_txt_names_them() {
        let dir = std::env::temp_dir().join(format!("gongdao-site-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (ext, body) in [("js", "js"), ("wasm", "wasm"), ("css", "css")] {
            std::fs::write(dir.join(format!("{NAME}.{ext}")), body).unwrap();
        }
        let lines = hash_files(&dir).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        let mut want: Vec<String> = lines
            .lines()
            .map(|l| {
                let (ext, hash) = l.split_once(": ").unwrap();
                format!("{NAME}.{hash}.{ext}")
            })
            .collect();
        want.sort();
        assert_eq!(names, want);
        assert_eq!(lines.lines().count(), 3);
        assert_ne!(
            lines.lines().next(),
            lines.lines().nth(1),
            "different content, different hash"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
