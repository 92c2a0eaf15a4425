//! A fresh database per test, on SQLite or PostgreSQL, and the `Services`
//! built on it. `backend_tests!` defines every test once per backend.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};
use services::{Config, Services};
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
fn with_database(url: &str, name: &str) -> String {
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

async fn pg_admin() -> DatabaseConnection {
    let url = pg_admin_url();
    let mut opt = ConnectOptions::new(url.clone());
    opt.sqlx_logging(false)
        .max_connections(1)
        .acquire_timeout(std::time::Duration::from_secs(5))
        .connect_timeout(std::time::Duration::from_secs(5));
    match Database::connect(opt).await {
        Ok(db) => db,
        Err(e) => panic!(
            "PostgreSQL is not reachable at {} ({e}). The PostgreSQL half of the \
             tests needs it: start PostgreSQL or point GONGDAO_TEST_PG_URL at one.",
            services::db::redact(&url)
        ),
    }
}

/// One test's database: a temporary SQLite file, or a PostgreSQL database
/// created for the test and dropped afterwards.
pub struct TestDb {
    pub url: String,
    pg_name: Option<String>,
    /// Holds the SQLite file and the data folder (mailbox).
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
                let _ = admin.close().await;
                TestDb {
                    url: with_database(&pg_admin_url(), &name),
                    pg_name: Some(name),
                    dir,
                }
            }
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Connects and migrates.
    pub async fn connect(&self) -> DatabaseConnection {
        let db = services::db::connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
        services::db::migrate(&db)
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
        db
    }

    /// Closes `db` (all clones share its pool) and drops the database.
    pub async fn destroy(self, db: &DatabaseConnection) {
        let _ = db.close_by_ref().await;
        if let Some(name) = &self.pg_name {
            let admin = pg_admin().await;
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await
                .unwrap_or_else(|e| panic!("dropping test database {name}: {e}"));
            let _ = admin.close().await;
        }
    }
}

/// The test configuration: file mailbox under the test's folder.
pub fn config(tdb: &TestDb) -> Config {
    Config::for_tests(&tdb.url, tdb.data_dir())
}

/// Runs `test` against a fresh, migrated database on `backend` with
/// `config`, then drops the database, also when the test panics.
pub async fn run_with<F, Fut>(backend: Backend, config: impl FnOnce(&TestDb) -> Config, test: F)
where
    F: FnOnce(Services, Arc<TempDir>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let tdb = TestDb::create(backend).await;
    let db = tdb.connect().await;
    let svc = Services::with_db(config(&tdb), db.clone());
    let outcome = tokio::spawn(test(svc, tdb.dir.clone())).await;
    tdb.destroy(&db).await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Runs `test` on a fresh database that is connected but not migrated.
pub async fn run_raw<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(DatabaseConnection, String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let tdb = TestDb::create(backend).await;
    let db = services::db::connect(&tdb.url)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let outcome = tokio::spawn(test(db.clone(), tdb.url.clone())).await;
    tdb.destroy(&db).await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// [`run_with`] the default test configuration.
pub async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(Services) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_with(backend, config, |svc, _dir| test(svc)).await
}

/// Defines each test twice, as `sqlite::name` and `postgres::name`:
///
/// - `async fn name(svc) { … }` runs the body through [`run`] (or through the
///   runner given first as `runner = path;`, whose closure takes the listed arguments);
/// - `per_backend name;` calls the parent module's `async fn name(backend: Backend)`.
macro_rules! backend_tests {
    (per_backend $($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::harness::Backend::Sqlite).await
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::harness::Backend::Postgres).await
                }
            )+
        }
    };
    (runner = $runner:path; $( $(#[$meta:meta])* async fn $name:ident($($arg:ident),*) $body:block )*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                $(#[$meta])*
                #[tokio::test]
                async fn $name() {
                    $runner($crate::harness::Backend::Sqlite, |$($arg),*| async move $body).await
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                $(#[$meta])*
                #[tokio::test]
                async fn $name() {
                    $runner($crate::harness::Backend::Postgres, |$($arg),*| async move $body).await
                }
            )*
        }
    };
    ($($tests:tt)*) => {
        $crate::harness::backend_tests!(runner = $crate::harness::run; $($tests)*);
    };
}
pub(crate) use backend_tests;

#[test]
fn database_urls_are_rewritten() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        with_database("postgres://u:p@h/db?sslmode=disable", "x"),
        "postgres://u:p@h/x?sslmode=disable"
    );
    assert_eq!(
        with_database("postgres://h:5432", "x"),
        "postgres://h:5432/x"
    );
}
