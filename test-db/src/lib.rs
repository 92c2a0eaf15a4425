//! A fresh database per test: a temporary SQLite file, or a PostgreSQL
//! database created for the test (at `GONGDAO_TEST_PG_URL`, default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and dropped afterwards.
//! When PostgreSQL cannot be reached the test fails, saying so; it never skips.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};
use tempfile::TempDir;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the PostgreSQL server is; the tests create and drop their own databases there.
pub fn pg_admin_url() -> String {
    std::env::var("GONGDAO_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// `url` with its database name replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
            None => url.to_string(),
        },
        _ => url.to_string(),
    }
}

async fn pg_admin() -> DatabaseConnection {
    let url = pg_admin_url();
    let mut opt = ConnectOptions::new(url.clone());
    opt.sqlx_logging(false)
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .connect_timeout(Duration::from_secs(5));
    match Database::connect(opt).await {
        Ok(db) => db,
        Err(e) => panic!(
            "PostgreSQL is not reachable at {} ({e}). The PostgreSQL half of the \
             tests needs it: start PostgreSQL or point GONGDAO_TEST_PG_URL at one.",
            redact(&url)
        ),
    }
}

/// One test's database and its temporary folder.
pub struct TestDb {
    pub url: String,
    pg_name: Option<String>,
    /// Holds the SQLite file and the test's data folder.
    pub dir: Arc<TempDir>,
}

impl TestDb {
    pub async fn create(backend: Backend) -> TestDb {
        let dir = Arc::new(tempfile::tempdir().expect("temporary folder"));
        match backend {
            Backend::Sqlite => TestDb {
                url: format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display()),
                pg_name: None,
                dir,
            },
            Backend::Postgres => {
                let name = format!("gongdao_test_{}", hex::encode(rand::random::<[u8; 8]>()));
                let admin = pg_admin().await;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .unwrap_or_else(|e| panic!("creating test database {name}: {e}"));
                close(&admin).await;
                TestDb {
                    url: with_database(&pg_admin_url(), &name),
                    pg_name: Some(name),
                    dir,
                }
            }
        }
    }

    /// The test's data folder (mailbox, evidence).
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Closes `db` (all clones share its pool) and drops the database.
    pub async fn destroy(self, db: &DatabaseConnection) {
        close(db).await;
        if let Some(name) = &self.pg_name {
            let admin = pg_admin().await;
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await
                .unwrap_or_else(|e| panic!("dropping test database {name}: {e}"));
            close(&admin).await;
        }
    }
}

/// Closes a test's connection pool, waiting at most 5 s. sqlx's `close`
/// waits for every connection to come back, and a connection returned to
/// the pool while it closes (its drop hands it back from a spawned task) can
/// be missed, so `close` waits forever (launchbadge/sqlx#3217; seen here as
/// a test run stuck once in ~10 loops). The database is dropped with FORCE
/// (PostgreSQL) or deleted with its folder (SQLite) either way.
pub async fn close(db: &DatabaseConnection) {
    if tokio::time::timeout(Duration::from_secs(5), db.close_by_ref())
        .await
        .is_err()
    {
        eprintln!("test-db: a connection pool did not close within 5 s; dropped instead");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_swapped_in_urls() {
        assert_eq!(
            with_database("postgres://u@h:5432/postgres", "t1"),
            "postgres://u@h:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u@h/postgres?sslmode=disable", "t1"),
            "postgres://u@h/t1?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "t1"), "postgres://u@h/t1");
        assert_eq!(redact("postgres://u:pw@h/db"), "postgres://u:***@h/db");
    }
}
