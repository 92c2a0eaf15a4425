//! The schema migrations: idempotent, and a database from a newer binary is refused.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use crate::harness::{backend_tests, run_raw};

async fn strings(db: &DatabaseConnection, sql: &str) -> Vec<String> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            let v: String = r.try_get_by_index(0).unwrap();
            v
        })
        .collect()
}

async fn tables(db: &DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        DbBackend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'index') \
             AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        _ => {
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' \
             UNION ALL SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"
        }
    };
    strings(db, sql).await
}

async fn applied(db: &DatabaseConnection) -> Vec<String> {
    strings(
        db,
        "SELECT version || ' ' || CAST(applied_at AS TEXT) FROM seaql_migrations ORDER BY version",
    )
    .await
}

backend_tests! {
    runner = run_raw;

    async fn applying_the_migrations_twice_changes_nothing(db, _url) {
        services::db::migrate(&db).await.unwrap();
        let versions: Vec<String> = applied(&db)
            .await
            .iter()
            .map(|v| v.split(' ').next().unwrap().to_string())
            .collect();
        let known: Vec<String> = Migrator::migrations()
            .iter()
            .map(|m| m.name().to_string())
            .collect();
        assert_eq!(versions, known, "every migration is applied, once");
        for t in ["users", "sessions", "email_tokens", "outbox", "merchants"] {
            assert!(tables(&db).await.iter().any(|n| n == t), "table {t} exists");
        }
        let (tables_before, applied_before) = (tables(&db).await, applied(&db).await);

        services::db::migrate(&db).await.unwrap();
        assert_eq!(applied(&db).await, applied_before, "no migration ran again");
        assert_eq!(tables(&db).await, tables_before, "no table or index changed");
        assert_eq!(Migrator::get_pending_migrations(&db).await.unwrap().len(), 0);
    }

    async fn a_schema_from_a_newer_binary_is_refused(db, url) {
        // A fresh database (no migration table yet) is fine.
        services::db::check_not_ahead(&db).await.unwrap();
        services::db::migrate(&db).await.unwrap();
        services::db::check_not_ahead(&db).await.unwrap();

        db.execute_unprepared(
            "INSERT INTO seaql_migrations (version, applied_at) \
             VALUES ('m29991231_000001_from_the_future', 0)",
        )
        .await
        .unwrap();
        let e = services::db::check_not_ahead(&db).await.unwrap_err().to_string();
        assert!(e.contains("ahead"), "{e}");
        assert!(e.contains("m29991231_000001_from_the_future"), "{e}");
        let e = format!("{:#}", services::db::migrate(&db).await.unwrap_err());
        assert!(e.contains("ahead"), "migrate refuses too: {e}");
        let config = services::Config::for_tests(&url, std::env::temp_dir());
        let e = match services::Services::start(config).await {
            Ok(_) => panic!("the server must not start on a schema from the future"),
            Err(e) => format!("{e:#}"),
        };
        assert!(e.contains("ahead"), "start refuses too: {e}");
    }
}
