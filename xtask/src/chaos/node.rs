//! One `gongdao serve` process under test: started, killed with SIGKILL and
//! started again on the same data folder and database, and the operator
//! commands (`verify-trails`, `fund check`) run against what it left.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::client::{Client, free_port};

pub struct Node {
    bin: PathBuf,
    pub dir: PathBuf,
    env: Vec<(String, String)>,
    child: Option<Child>,
    pub client: Client,
}

impl Node {
    /// A server in `dir` (its data folder; the SQLite database too unless
    /// `env` sets `DATABASE_URL`), on a port of its own. Not started yet.
    pub fn new(bin: &Path, dir: &Path, env: &[(&str, &str)]) -> anyhow::Result<Node> {
        std::fs::create_dir_all(dir)?;
        let port = free_port()?;
        let mut all: Vec<(String, String)> = vec![
            ("GONGDAO_ADDR".into(), format!("127.0.0.1:{port}")),
            ("GONGDAO_DATA_DIR".into(), dir.display().to_string()),
            ("RUST_LOG".into(), "warn".into()),
        ];
        all.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        Ok(Node {
            bin: bin.to_path_buf(),
            dir: dir.to_path_buf(),
            env: all,
            child: None,
            client: Client::new(port),
        })
    }

    fn command(&self) -> anyhow::Result<Command> {
        let mut cmd = Command::new(&self.bin);
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("server.log"))?;
        cmd.stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log));
        Ok(cmd)
    }

    /// Starts the server and waits until `/healthz` answers 200; how long that took.
    pub fn start(&mut self) -> anyhow::Result<Duration> {
        let t = Instant::now();
        let child = self
            .command()?
            .arg("serve")
            .spawn()
            .context("starting gongdao serve")?;
        self.child = Some(child);
        while t.elapsed() < Duration::from_secs(120) {
            if let Ok(a) = self.client.get("/healthz", None)
                && a.status == 200
            {
                return Ok(t.elapsed());
            }
            if !self.alive() {
                bail!("gongdao serve exited while starting:\n{}", self.log_tail());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        bail!(
            "gongdao serve did not answer /healthz within 2 minutes:\n{}",
            self.log_tail()
        )
    }

    /// SIGKILL: no shutdown, nothing flushed, connections cut.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Is the process still running (it has not exited or panicked out)?
    pub fn alive(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// `gongdao <args>` against the same database and folder: success and output.
    pub fn cli(&self, args: &[&str]) -> anyhow::Result<(bool, String)> {
        let mut cmd = self.command()?;
        let out = cmd
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .with_context(|| format!("running gongdao {}", args.join(" ")))?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Ok((out.status.success(), text.trim().to_string()))
    }

    /// The last lines of the server's log (all its starts).
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// Lines of the log that report a panic.
    pub fn panics(&self) -> usize {
        self.log_lines("panicked at")
    }

    /// Lines of the log (all its starts) that contain `needle`.
    pub fn log_lines(&self, needle: &str) -> usize {
        std::fs::read_to_string(self.dir.join("server.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains(needle))
            .count()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}
