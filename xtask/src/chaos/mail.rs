//! Scenario 3, the mail server down: a real SMTP server (aiosmtpd from PyPI,
//! writing a Maildir) is stopped while people register, each registration
//! queueing a verification mail; the gongdao server is killed and started
//! again in the middle of the outage. Once the mail server is back, every
//! mail arrives exactly once (counted by Message-ID and by recipient).

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::json;

use super::node::Node;
use super::{Ctx, Outcome};
use crate::client::{Client, free_port};
use crate::tools;

const AIOSMTPD: &str = "aiosmtpd==1.4.6";

/// A running aiosmtpd, killed when dropped.
struct Smtp(Child);

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn smtp(python: &Path, port: u16, maildir: &Path) -> anyhow::Result<Smtp> {
    let child = Command::new(python)
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting aiosmtpd")?;
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(20) {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(Smtp(child));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("aiosmtpd did not listen on {port} within 20 s")
}

/// Every message in the Maildir: (Message-ID, recipient).
fn received(maildir: &Path) -> Vec<(String, String)> {
    let mut out = vec![];
    for sub in ["new", "cur"] {
        let Ok(dir) = std::fs::read_dir(maildir.join(sub)) else {
            continue;
        };
        for f in dir.filter_map(Result::ok) {
            let text = std::fs::read_to_string(f.path()).unwrap_or_default();
            let header = |name: &str| {
                text.lines()
                    .take_while(|l| !l.is_empty())
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
                    })
                    .unwrap_or_default()
            };
            let to = header("To");
            let address = match to.rsplit_once('<') {
                Some((_, a)) => a.trim_end_matches('>').to_string(),
                None => to,
            };
            out.push((header("Message-ID"), address.to_lowercase()));
        }
    }
    out
}

fn register(c: &Client, email: &str) -> bool {
    let body = json!({"email": email, "password": "chaos-password-2026", "display_name": "收信人", "role": "consumer"});
    matches!(c.post("/api/v1/users", None, &body), Ok(a) if a.status == 201)
}

pub fn run(ctx: &Ctx) -> anyhow::Result<Outcome> {
    let name = "mail server down".to_string();
    let bin = tools::ensure_pip(&ctx.target, "chaos-venv", AIOSMTPD)?;
    let python = bin.join("python");
    let dir = ctx.work.join("mail");
    let _ = std::fs::remove_dir_all(&dir);
    let maildir = dir.join("maildir");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub))?;
    }
    let port = free_port()?;
    let port_s = port.to_string();
    let retry_max = ctx.size.mail_retry_max.to_string();
    let mut env = ctx.base_env();
    env.extend([
        ("GONGDAO_SMTP_HOST", "127.0.0.1"),
        ("GONGDAO_SMTP_PORT", port_s.as_str()),
        ("GONGDAO_SMTP_TLS", "none"),
        ("GONGDAO_RETRY_MAX_SECS", retry_max.as_str()),
    ]);
    let mut node = Node::new(&ctx.bin, &dir.join("server"), &env)?;
    let mut server = Some(smtp(&python, port, &maildir)?);
    node.start()?;
    let c = node.client;

    // The path works: one registration, one mail.
    let first = "chaos-mail-first@example.cn";
    if !register(&c, first) {
        bail!("registering {first} failed");
    }
    let arrived = |who: &str| received(&maildir).iter().any(|(_, to)| to == who);
    let t = Instant::now();
    while !arrived(first) && t.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(100));
    }
    if !arrived(first) {
        bail!(
            "the first mail never reached aiosmtpd:\n{}",
            node.log_tail()
        );
    }

    // The mail server goes away; people keep registering.
    drop(server.take());
    let outage = Instant::now();
    let mut accepted = vec![];
    for i in 0..ctx.size.mails {
        let email = format!("chaos-mail-{i}@example.cn");
        if register(&c, &email) {
            accepted.push(email);
        }
    }
    // Halfway through the outage the gongdao server dies and comes back.
    let outage_for = Duration::from_secs(ctx.size.mail_down);
    if let Some(wait) = (outage_for / 2).checked_sub(outage.elapsed()) {
        std::thread::sleep(wait);
    }
    node.kill();
    node.start()?;
    if let Some(wait) = outage_for.checked_sub(outage.elapsed()) {
        std::thread::sleep(wait);
    }
    let outage_took = outage.elapsed();
    server = Some(smtp(&python, port, &maildir)?);
    let back = Instant::now();
    let limit = Duration::from_secs(ctx.size.mail_retry_max + 60);
    let mut last_arrival = Duration::ZERO;
    while back.elapsed() < limit {
        let got = received(&maildir);
        let waiting = accepted
            .iter()
            .filter(|e| !got.iter().any(|(_, to)| to == *e))
            .count();
        if waiting == 0 {
            last_arrival = back.elapsed();
            // Anything sent twice would arrive about now: wait a beat.
            std::thread::sleep(Duration::from_secs(2));
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(server);

    let got = received(&maildir);
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut by_to: HashMap<String, usize> = HashMap::new();
    for (id, to) in &got {
        *by_id.entry(id.as_str()).or_default() += 1;
        *by_to.entry(to.clone()).or_default() += 1;
    }
    let duplicates = got.len() - by_id.len();
    let missing: Vec<&String> = accepted
        .iter()
        .filter(|e| !by_to.contains_key(*e))
        .collect();
    let twice = accepted
        .iter()
        .filter(|e| by_to.get(*e).is_some_and(|n| *n > 1))
        .count();
    let no_id = got.iter().filter(|(id, _)| id.is_empty()).count();
    let mut problems = vec![];
    if accepted.len() < ctx.size.mails {
        problems.push(format!(
            "only {} of {} registrations were accepted",
            accepted.len(),
            ctx.size.mails
        ));
    }
    if !missing.is_empty() {
        problems.push(format!(
            "{} mails never arrived (first: {})",
            missing.len(),
            missing[0]
        ));
    }
    if duplicates > 0 || twice > 0 || no_id > 0 {
        problems.push(format!(
            "{duplicates} duplicate Message-IDs, {twice} people mailed twice, {no_id} without a Message-ID"
        ));
    }
    if node.panics() > 0 {
        problems.push("panics in the log".into());
    }
    let figures = format!(
        "down {:.0} s with a gongdao kill -9 inside, retries ≤ {} s apart: {} verification mails queued, {} delivered once, {} duplicates, {} missing ({} mails in all); the last arrived {:.1} s after the mail server returned",
        outage_took.as_secs_f64(),
        ctx.size.mail_retry_max,
        accepted.len(),
        accepted.len() - missing.len() - twice,
        duplicates,
        missing.len(),
        got.len(),
        last_arrival.as_secs_f64()
    );
    Ok(Outcome::new(name, figures, problems))
}
