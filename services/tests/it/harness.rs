//! A fresh database per test, on SQLite or PostgreSQL, and the `Services`
//! built on it. `backend_tests!` defines every test once per backend.

use std::future::Future;
use std::sync::Arc;

use sea_orm::DatabaseConnection;
use services::{Config, Services};
use tempfile::TempDir;

pub use test_db::{Backend, TestDb};

/// Connects to the test's database and migrates it.
pub async fn connect(tdb: &TestDb) -> DatabaseConnection {
    let db = services::db::connect(&tdb.url)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    services::db::migrate(&db)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    db
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
    let db = connect(&tdb).await;
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
