//! Two real `gongdao serve` processes on one PostgreSQL database, each with
//! its own data folder and port: a case filed through one is acted on
//! through the other, and when the server holding the sweeper's lease is
//! killed (SIGKILL) in the middle of a sweep, the other takes the lease over
//! once it expires and moves the case, exactly once.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Statement, TransactionTrait};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::cases::{R, World, deadline, instant};
use crate::harness::{Backend, run};

const SERVER_BIN: &str = env!("CARGO_BIN_EXE_gongdao");

/// One `gongdao serve`, killed when dropped; its log is in its data folder.
struct Proc {
    child: Child,
    port: u16,
    log: std::path::PathBuf,
}

impl Proc {
    /// Starts a server on `database_url` with its own folder under `root`,
    /// the clock fixed at `now`, sweeping every second under a 3-second lease,
    /// and waits until `/healthz` answers.
    async fn start(root: &Path, name: &str, database_url: &str, now: &str) -> Proc {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir).expect("server folder");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let log = dir.join("server.log");
        let out = std::fs::File::create(&log).expect("log file");
        let err = out.try_clone().expect("log file");
        let child = Command::new(SERVER_BIN)
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", database_url)
            .env("GONGDAO_ADDR", format!("127.0.0.1:{port}"))
            .env("GONGDAO_DATA_DIR", &dir)
            .env("GONGDAO_FILES_DIR", root.join("shared-files"))
            .env("GONGDAO_NOW", now)
            // Servers sharing a database share the personal-data key.
            .env(
                "GONGDAO_PII_KEY",
                "5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed",
            )
            .env("GONGDAO_SWEEP_EVERY_SECS", "1")
            .env("GONGDAO_LEASE_TTL_SECS", "3")
            .env("RUST_LOG", "info")
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .expect("starting gongdao serve");
        let mut p = Proc { child, port, log };
        let started = Instant::now();
        loop {
            if let Ok((200, _)) = p.http("GET", "/healthz", None, None).await {
                return p;
            }
            if let Ok(Some(status)) = p.child.try_wait() {
                panic!("{name} exited ({status}) while starting:\n{}", p.log_text());
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{name} did not answer /healthz within 60 s:\n{}",
                p.log_text()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL: no shutdown, no lease released, connections cut.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// One HTTP/1.1 request on its own connection; the status and body.
    async fn http(
        &self,
        method: &str,
        path: &str,
        bearer: Option<&str>,
        body: Option<&Value>,
    ) -> std::io::Result<(u16, String)> {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let exchange = async {
            let mut s = tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await?;
            let mut req = format!(
                "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1:{}\r\nconnection: close\r\naccept-language: en\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
                self.port,
                body.len()
            );
            if let Some(t) = bearer {
                req.push_str(&format!("authorization: Bearer {t}\r\n"));
            }
            req.push_str("\r\n");
            req.push_str(&body);
            s.write_all(req.as_bytes()).await?;
            let mut raw = Vec::new();
            s.read_to_end(&mut raw).await?;
            let text = String::from_utf8_lossy(&raw);
            let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
            let status = head
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            Ok((status, body.to_string()))
        };
        match tokio::time::timeout(Duration::from_secs(30), exchange).await {
            Ok(r) => r,
            Err(_) => Err(std::io::Error::other(format!(
                "{method} {path}: no answer within 30 s"
            ))),
        }
    }

    async fn json(
        &self,
        method: &str,
        path: &str,
        bearer: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let (status, text) = self
            .http(method, path, Some(bearer), body)
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let v = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, v)
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Who holds lease `name` now (an unexpired one).
async fn lease_holder(db: &DatabaseConnection, name: &str) -> Option<String> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT holder FROM lease WHERE name = $1 AND expires_at > $2",
            [name.into(), chrono::Utc::now().timestamp_millis().into()],
        ))
        .await
        .expect("reading the lease");
    row.and_then(|r| r.try_get::<String>("", "holder").ok())
}

/// Backends of this database waiting for a lock.
async fn waiting_on_locks(db: &DatabaseConnection) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT count(*) AS n FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        ))
        .await
        .expect("reading pg_stat_activity")
        .expect("a row");
    row.try_get::<i64>("", "n").expect("a count")
}

async fn status_of(db: &DatabaseConnection, id: i64) -> String {
    entities::case::Entity::find_by_id(id as i32)
        .one(db)
        .await
        .expect("reading the case")
        .expect("the case")
        .status
}

/// Polls `f` every 100 ms until it is true (true) or `within` has passed (false).
async fn until<F, Fut>(within: Duration, mut f: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let t = Instant::now();
    while t.elapsed() < within {
        if f().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn two_processes_share_cases_and_a_killed_sweeper_hands_its_lease_on() {
    run(Backend::Postgres, |app| async move {
        let w = World::new(app).await;
        let db = w.app.svc.db.clone();
        let url = w.app.svc.config.database_url.clone();
        let root = w.app.svc.config.data_dir.join("processes");

        // A case filed in-process at t0; both servers' clocks stand a minute
        // after its negotiation deadline, so the next sweep must move it.
        // Unpublished: a published case's save takes the change-log lock
        // before its row (`record::save`), so a sweep blocked on one would
        // hold up every other writer for as long as it waits.
        let mut body = w.complaint(json!(w.merchant_a), &w.next_ref());
        body["publish_narrative"] = json!(false);
        let due = w.file_as(R::C, &body).await.expect(201).json();
        let due_id = due["id"].as_i64().expect("an id");
        let negotiate_until = instant(&deadline(&due, "negotiate_until")["at"]);
        let now = (negotiate_until + chrono::Duration::minutes(1)).to_rfc3339();

        // Hold the case's row so that the first sweep blocks half-way, inside
        // its transaction, with the lease held and renewed.
        let blocker = db.begin().await.expect("a transaction");
        blocker
            .execute_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                "SELECT id FROM cases WHERE id = $1 FOR UPDATE",
                [(due_id as i32).into()],
            ))
            .await
            .expect("locking the case");

        let mut a = Proc::start(&root, "a", &url, &now).await;
        let a_holder = format!("{}-", a.pid());
        let (dbr, ah) = (&db, a_holder.as_str());
        let held = until(Duration::from_secs(20), || async move {
            lease_holder(dbr, "sweeper")
                .await
                .is_some_and(|h| h.starts_with(ah))
                && waiting_on_locks(dbr).await > 0
        })
        .await;
        assert!(
            held,
            "A never held the sweeper's lease mid-sweep:\n{}",
            a.log_text()
        );

        let b = Proc::start(&root, "b", &url, &now).await;
        let b_holder = format!("{}-", b.pid());

        // Filed through A, answered through B, seen through A.
        let body = w.complaint(json!(w.merchant_a), &w.next_ref());
        let (status, filed) = a
            .json("POST", "/api/v1/cases", w.token(R::C), Some(&body))
            .await;
        assert_eq!(status, 201, "{filed}");
        let id = filed["id"].as_i64().expect("an id");
        let (status, v) = b
            .json(
                "POST",
                &format!("/api/v1/cases/{id}/actions"),
                w.token(R::M),
                Some(&w.body("respond", crate::cases::Stage::Negotiating)),
            )
            .await;
        assert_eq!(status, 200, "{v}");
        let (status, v) = a
            .json("GET", &format!("/api/v1/cases/{id}"), w.token(R::C), None)
            .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["status"], "negotiating", "{v}");

        // While A lives it keeps renewing: B never takes the lease over,
        // however long A's sweep waits.
        tokio::time::sleep(Duration::from_secs(4)).await;
        let h = lease_holder(&db, "sweeper").await;
        assert!(
            h.as_deref().is_some_and(|h| h.starts_with(&a_holder)),
            "holder {h:?}"
        );
        assert_eq!(status_of(&db, due_id).await, "awaiting_merchant");

        // Kill A mid-sweep, then let the row go. A's transaction dies with it.
        a.kill();
        let killed = Instant::now();
        blocker.rollback().await.expect("releasing the case");
        let moved = until(Duration::from_secs(15), || async move {
            status_of(dbr, due_id).await == "in_mediation"
        })
        .await;
        assert!(
            moved,
            "B never swept the case after A died:\n{}",
            b.log_text()
        );
        let took = killed.elapsed();
        let h = lease_holder(&db, "sweeper").await;
        assert!(
            h.as_deref().is_some_and(|h| h.starts_with(&b_holder)),
            "holder {h:?}"
        );
        // Not before A's lease ran out (3 s), and within it plus a beat or two.
        assert!(
            took >= Duration::from_secs(2),
            "B moved the case {took:?} after the kill: before A's lease expired"
        );
        eprintln!("B swept the case {took:?} after A was killed");
        assert_eq!(w.trail_kinds(due_id).await, ["filed", "deadline_elapsed"]);
        w.assert_trail_ok(due_id, 2).await;
        assert_eq!(w.trail_kinds(id).await, ["filed", "respond"]);
        w.assert_trail_ok(id, 2).await;
        drop(b);
    })
    .await;
}
