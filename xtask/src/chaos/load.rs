//! The users under load: consumers filing complaints and writing to their
//! cases, the demo merchant answering, all through the JSON API. Every
//! request that got a 2xx is remembered (an acknowledgement), and afterwards
//! each is looked for in what the server shows.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::client::{Answer, Client, Failure};

/// The accounts of a run: consumers registered for it, the demo merchant.
pub struct World {
    /// Bearer tokens of the consumers.
    pub consumers: Vec<String>,
    pub merchant: String,
    /// Businesses complained about: the demo merchant's and a few more.
    pub targets: Vec<i64>,
}

/// What a 2xx acknowledged.
#[derive(Debug, Clone)]
pub enum Ack {
    /// A case was filed (201) by consumer `by`.
    Filed {
        case: i64,
        by: usize,
        order_ref: String,
    },
    /// A message or response with text `marker` is on the case's trail;
    /// `by` is the consumer, or `None` for the merchant.
    Wrote {
        case: i64,
        by: Option<usize>,
        marker: String,
    },
    /// The consumer withdrew the case: it is over (`withdrawn`).
    Withdrew { case: i64, by: usize },
}

/// Counts of answers by kind, for the figures.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub ok: u64,
    /// 503: the database is out of reach (expected while it is).
    pub unavailable: u64,
    /// 500 and every 5xx but 503.
    pub server_errors: u64,
    /// No answer within the client's timeout.
    pub hangs: u64,
    /// Refused or cut connections (the server is down).
    pub cut: u64,
}

impl Tally {
    /// 4xx answers (a conflict after a lost reply, say) are not counted.
    fn count(&mut self, r: &Result<Answer, Failure>) {
        match r {
            Ok(a) if a.status < 300 => self.ok += 1,
            Ok(a) if a.status == 503 => self.unavailable += 1,
            Ok(a) if a.status >= 500 => self.server_errors += 1,
            Ok(_) => {}
            Err(Failure::Timeout) => self.hangs += 1,
            Err(Failure::Connection(_)) => self.cut += 1,
        }
    }
}

/// Waits for the demo data, registers `consumers` consumers (tagged `tag`),
/// signs everyone in.
pub fn world(c: &Client, consumers: usize, tag: &str) -> anyhow::Result<World> {
    let t = Instant::now();
    let targets = loop {
        let a = c
            .get("/api/v1/merchants?per_page=4", None)
            .context("searching merchants")?;
        let ids: Vec<i64> = a.body["items"]
            .as_array()
            .map(|v| v.iter().filter_map(|m| m["id"].as_i64()).collect())
            .unwrap_or_default();
        if ids.len() >= 3 {
            break ids;
        }
        if t.elapsed() > Duration::from_secs(120) {
            bail!("the demo merchants were not searchable within 2 minutes");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let mut tokens = vec![];
    for i in 0..consumers {
        let email = format!("chaos-{tag}-{i}@example.cn");
        let a = c
            .post(
                "/api/v1/users",
                None,
                &json!({"email": email, "password": PASSWORD, "display_name": format!("顾客{i}"), "role": "consumer"}),
            )
            .with_context(|| format!("registering {email}"))?;
        if a.status != 201 {
            bail!("registering {email}: {} {}", a.status, a.body);
        }
        tokens.push(c.sign_in(&email, PASSWORD)?);
    }
    let merchant = c.sign_in("merchant@demo.gongdao.cn", "gongdao-demo")?;
    let listed = c
        .get("/api/v1/cases?role_view=mine", Some(&merchant))
        .context("the merchant's cases")?;
    let any_case = listed.body["items"][0]["id"]
        .as_i64()
        .context("the demo merchant has no case to learn its business from")?;
    let case = c
        .get(&format!("/api/v1/cases/{any_case}"), Some(&merchant))
        .with_context(|| format!("reading case {any_case}"))?;
    let merchant_id = case.body["merchant_id"]
        .as_i64()
        .context("a case without merchant_id")?;
    let mut all = vec![merchant_id];
    all.extend(targets.into_iter().filter(|t| *t != merchant_id).take(2));
    Ok(World {
        consumers: tokens,
        merchant,
        targets: all,
    })
}

const PASSWORD: &str = "chaos-password-2026";

/// Shared by the load threads: the acknowledgements and the answer counts.
#[derive(Default)]
pub struct Log {
    pub acks: Mutex<Vec<Ack>>,
    pub tally: Mutex<Tally>,
}

impl Log {
    fn ack(&self, a: Ack) {
        if let Ok(mut v) = self.acks.lock() {
            v.push(a);
        }
    }
}

/// One request, counted; a refused or cut connection backs off a little.
fn call(log: &Log, f: impl FnOnce() -> Result<Answer, Failure>) -> Option<Answer> {
    let r = f();
    if let Ok(mut tally) = log.tally.lock() {
        tally.count(&r);
    }
    match r {
        Ok(a) => Some(a),
        Err(_) => {
            std::thread::sleep(Duration::from_millis(50));
            None
        }
    }
}

/// Runs the consumers and the merchant until `stop`; returns when all have.
pub fn run(c: Client, w: &World, run_tag: &str, stop: &AtomicBool, log: &Log) {
    std::thread::scope(|s| {
        for (i, token) in w.consumers.iter().enumerate() {
            s.spawn(move || consumer(c, w, i, token, run_tag, stop, log));
        }
        s.spawn(move || merchant(c, w, run_tag, stop, log));
    });
}

fn consumer(
    c: Client,
    w: &World,
    i: usize,
    token: &str,
    run_tag: &str,
    stop: &AtomicBool,
    log: &Log,
) {
    let mut n = 0usize;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let order_ref = format!("CHAOS-{run_tag}-{i}-{n}");
        let merchant = w.targets[(i + n) % w.targets.len()];
        let body = json!({
            "merchant_id": merchant,
            "category": "quality",
            "title": format!("故障演练投诉 {i}-{n}"),
            "narrative": "收到的电饭煲第二天就无法加热，联系客服要求退货被拒绝。",
            "order_ref": order_ref,
            "order_date": "2026-11-01",
            "amount_paid_fen": 39_900,
            "amount_claimed_fen": 39_900,
            "remedy": "refund",
            "publish_narrative": true,
        });
        let Some(a) = call(log, || c.post("/api/v1/cases", Some(token), &body)) else {
            continue;
        };
        let Some(case) = a.body["id"].as_i64().filter(|_| a.status == 201) else {
            continue;
        };
        log.ack(Ack::Filed {
            case,
            by: i,
            order_ref,
        });
        let marker = format!("chaos-{run_tag}-c{i}-{n}");
        let msg = json!({"action": "message", "message": format!("请尽快处理（{marker}）")});
        let path = format!("/api/v1/cases/{case}/actions");
        if let Some(a) = call(log, || c.post(&path, Some(token), &msg))
            && a.status == 200
        {
            log.ack(Ack::Wrote {
                case,
                by: Some(i),
                marker,
            });
        }
        if n.is_multiple_of(3) {
            let body = json!({"action": "withdraw", "reason": "已与商户私下解决"});
            if let Some(a) = call(log, || c.post(&path, Some(token), &body))
                && a.status == 200
            {
                log.ack(Ack::Withdrew { case, by: i });
            }
        }
    }
}

fn merchant(c: Client, w: &World, run_tag: &str, stop: &AtomicBool, log: &Log) {
    let mut n = 0usize;
    while !stop.load(Ordering::Relaxed) {
        let Some(a) = call(log, || {
            c.get(
                "/api/v1/cases?role_view=mine&status=awaiting_merchant",
                Some(&w.merchant),
            )
        }) else {
            continue;
        };
        let waiting: Vec<i64> = a.body["items"]
            .as_array()
            .map(|v| v.iter().filter_map(|x| x["id"].as_i64()).take(5).collect())
            .unwrap_or_default();
        for case in waiting {
            n += 1;
            let marker = format!("chaos-{run_tag}-m-{n}");
            let body =
                json!({"action": "respond", "message": format!("已收到，正在核实（{marker}）")});
            let path = format!("/api/v1/cases/{case}/actions");
            if let Some(a) = call(log, || c.post(&path, Some(&w.merchant), &body))
                && a.status == 200
            {
                log.ack(Ack::Wrote {
                    case,
                    by: None,
                    marker,
                });
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// What the server shows of the acknowledgements.
#[derive(Debug, Default)]
pub struct Found {
    pub acked: usize,
    pub found: usize,
    /// What is missing, for the report (at most 5).
    pub lost: Vec<String>,
}

/// Looks up every acknowledgement through the API as the party who made it.
pub fn check(c: &Client, w: &World, acks: &[Ack]) -> anyhow::Result<Found> {
    let mut f = Found {
        acked: acks.len(),
        ..Found::default()
    };
    let token = |by: Option<usize>| match by {
        Some(i) => w.consumers[i].as_str(),
        None => w.merchant.as_str(),
    };
    let read = |path: &str, who: &str| -> anyhow::Result<Value> {
        for _ in 0..3 {
            match c.get(path, Some(who)) {
                Ok(a) if a.status == 200 => return Ok(a.body),
                Ok(a) if a.status == 404 => return Ok(Value::Null),
                _ => std::thread::sleep(Duration::from_millis(200)),
            }
        }
        bail!("GET {path} kept failing")
    };
    for a in acks {
        let (ok, what) = match a {
            Ack::Filed {
                case,
                by,
                order_ref,
            } => {
                let v = read(&format!("/api/v1/cases/{case}"), token(Some(*by)))?;
                (
                    // Order numbers are kept in capitals.
                    v["order_ref"].as_str() == Some(order_ref.to_uppercase().as_str()),
                    format!(
                        "filed case {case} ({order_ref}; the server has {})",
                        v["order_ref"]
                    ),
                )
            }
            Ack::Wrote { case, by, marker } => {
                let v = read(&format!("/api/v1/cases/{case}/trail"), token(*by))?;
                (
                    v.to_string().contains(marker.as_str()),
                    format!("{marker} on case {case}"),
                )
            }
            Ack::Withdrew { case, by } => {
                let v = read(&format!("/api/v1/cases/{case}"), token(Some(*by)))?;
                (
                    v["status"] == "withdrawn",
                    format!("withdrawal of case {case}"),
                )
            }
        };
        if ok {
            f.found += 1;
        } else if f.lost.len() < 5 {
            f.lost.push(what);
        }
    }
    Ok(f)
}

/// Polls until every target merchant's complaint count in the search index
/// equals its profile's (read from the database): every filing has reached
/// the index. How long that took, or `None` if not within `limit`.
pub fn search_catches_up(c: &Client, w: &World, limit: Duration) -> Option<Duration> {
    let t = Instant::now();
    let mut merchants: Vec<i64> = w.targets.clone();
    while t.elapsed() < limit {
        merchants.retain(|m| !merchant_indexed(c, *m).unwrap_or(false));
        if merchants.is_empty() {
            return Some(t.elapsed());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

/// Does the index's complaint count of merchant `id` equal its profile's?
fn merchant_indexed(c: &Client, id: i64) -> anyhow::Result<bool> {
    let p = c.get(&format!("/api/v1/merchants/{id}"), None)?;
    let uscc = p.body["uscc"].as_str().unwrap_or_default().to_string();
    let want = p.body["stats"]["complaints_12m"].as_u64();
    let s = c.get(&format!("/api/v1/merchants?q={uscc}"), None)?;
    let have = s.body["items"]
        .as_array()
        .and_then(|v| v.iter().find(|m| m["id"].as_i64() == Some(id)))
        .and_then(|m| m["complaints_12m"].as_u64());
    Ok(want.is_some() && want == have)
}
