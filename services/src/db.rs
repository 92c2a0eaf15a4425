//! The database beneath every service: connecting to SQLite or PostgreSQL,
//! keeping the schema in step with the binary, starting write transactions,
//! and the one reading of database errors (hidden from users as
//! `AppError::Internal`, or recognised as a unique violation or SQLite's
//! write lock).

use anyhow::{Context, bail};
use domain::AppError;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, Statement,
};

/// The URL with any password replaced, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Opens a pool. For SQLite, the file's folder is created and every
/// connection has WAL, foreign keys and a 10-second busy timeout.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    if let Some(path) = sqlite_path(url)
        && let Some(dir) = std::path::Path::new(&path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating database folder {}", dir.display()))?;
    }
    let sqlite = is_sqlite(url);
    let mut opt = ConnectOptions::new(url.to_string());
    opt.sqlx_logging(false)
        .max_connections(if sqlite { 4 } else { 10 });
    // Every pooled SQLite connection waits up to 10 s for the write lock
    // (a PRAGMA run once would reach only the connection that ran it).
    opt.map_sqlx_sqlite_opts(|o| {
        o.busy_timeout(std::time::Duration::from_secs(10))
            .foreign_keys(true)
            .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
    });
    if !sqlite {
        // While PostgreSQL is down or restarting, a request waits this long
        // for a connection and then gets a 503 (not a 30-second hang).
        opt.acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_timeout(ACQUIRE_TIMEOUT);
    }
    let db = Database::connect(opt).await.with_context(|| {
        format!(
            "cannot open the database at {} — check DATABASE_URL",
            redact(url)
        )
    })?;
    Ok(db)
}

/// Does `url` name a SQLite database (else PostgreSQL)?
pub fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// The file of a SQLite URL (`None` for PostgreSQL or `:memory:`).
pub fn sqlite_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

/// Refuses a database that was migrated by a newer binary.
pub async fn check_not_ahead(db: &DatabaseConnection) -> anyhow::Result<()> {
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_string())
        .collect();
    let rows = match db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT version FROM seaql_migrations",
        ))
        .await
    {
        Ok(rows) => rows,
        // No migration table yet: a fresh database.
        Err(_) => return Ok(()),
    };
    for row in rows {
        let version: String = row.try_get("", "version")?;
        if !known.contains(&version) {
            bail!(
                "the database schema is ahead of this binary: migration {version} is applied but unknown here; \
                 run a newer gongdao or restore a matching backup"
            );
        }
    }
    Ok(())
}

/// Checks the schema is not ahead, applies pending migrations, and seeds the
/// reference data a fresh database needs (the official holiday calendar).
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    check_not_ahead(db).await?;
    Migrator::up(db, None)
        .await
        .context("applying migrations")?;
    seed_calendar_if_empty(db)
        .await
        .context("seeding the holiday calendar")?;
    Ok(())
}

/// Seeds the official holidays and make-up workdays when the `holidays`
/// table is empty (admins edit it afterwards). Returns whether it did.
pub async fn seed_calendar_if_empty<C: ConnectionTrait>(conn: &C) -> anyhow::Result<bool> {
    use entities::holiday;
    use sea_orm::ActiveValue::Set;
    if holiday::Entity::find().count(conn).await? > 0 {
        return Ok(false);
    }
    let rows = domain::calendar::official_days()
        .into_iter()
        .map(|(day, kind)| holiday::ActiveModel {
            day: Set(day),
            kind: Set(kind.as_str().into()),
            note: Set(String::new()),
        });
    holiday::Entity::insert_many(rows)
        .exec_without_returning(conn)
        .await?;
    Ok(true)
}

/// Starts a transaction that will write. On SQLite it takes the write lock
/// at once (`BEGIN IMMEDIATE`), waiting its turn behind other writers: a
/// deferred transaction that read first would instead be refused when it
/// tries to write after another writer committed (a spurious conflict).
/// PostgreSQL transactions start as usual.
pub async fn begin(
    db: &sea_orm::DatabaseConnection,
) -> Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        db.begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await
    } else {
        db.begin().await
    }
}

/// How long a request waits for a PostgreSQL connection before it is told
/// the database is unavailable.
pub const ACQUIRE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// Logs a database failure once and hides it from the user: the database
/// being unreachable is `Unavailable` (503, try again), anything else
/// `Internal` (500).
pub fn internal_error(e: DbErr) -> AppError {
    if is_unavailable(&e) {
        tracing::warn!("database unavailable: {e}");
        AppError::Unavailable
    } else {
        tracing::error!("database: {e}");
        AppError::Internal
    }
}

/// Is this the database being out of reach (down, restarting, its
/// connections cut, no connection free in time) rather than a fault in the
/// request or in our code?
pub fn is_unavailable(e: &DbErr) -> bool {
    if matches!(e, DbErr::ConnectionAcquire(_)) {
        return true;
    }
    let s = e.to_string().to_lowercase();
    [
        "pool timed out",
        "connection refused",
        "connection reset",
        "broken pipe",
        "connection closed",
        "terminating connection",
        "the database system is",
        "unexpected eof",
        "error communicating with database",
    ]
    .iter()
    .any(|sign| s.contains(sign))
}

/// Is this error a unique-constraint violation (SQLite or PostgreSQL)?
pub fn is_unique_violation(e: &DbErr) -> bool {
    if let Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) = e.sql_err() {
        return true;
    }
    let s = e.to_string().to_lowercase();
    s.contains("unique constraint") || s.contains("duplicate key")
}

/// For `map_err` on an insert that a unique index guards: its violation is
/// the 409 `field`/`key` (the thing exists already), anything else is
/// logged and hidden.
pub fn conflict_on_unique(field: &'static str, key: &'static str) -> impl Fn(DbErr) -> AppError {
    move |e| {
        if is_unique_violation(&e) {
            AppError::conflict(field, key)
        } else {
            internal_error(e)
        }
    }
}

/// Did SQLite refuse this write because another transaction holds (or took)
/// the write lock since this one read? For a guarded update this means the
/// row changed under us, as when the version guard matches no row
/// (PostgreSQL waits and then matches none).
pub fn is_write_locked(e: &DbErr) -> bool {
    let s = e.to_string().to_lowercase();
    s.contains("database is locked") || s.contains("database table is locked")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_pooled_sqlite_connection_waits_for_the_write_lock() {
        use sea_orm::TransactionTrait;
        let dir = std::env::temp_dir().join(format!("gongdao-db-test-{}", std::process::id()));
        let url = format!("sqlite://{}/g.db?mode=rwc", dir.display());
        let db = connect(&url).await.unwrap();
        // Four transactions hold the pool's four connections at once.
        let mut held = vec![];
        for _ in 0..4 {
            held.push(db.begin().await.unwrap());
        }
        for txn in &held {
            for (pragma, want) in [("busy_timeout", 10_000i64), ("foreign_keys", 1)] {
                let row = txn
                    .query_one_raw(Statement::from_string(
                        sea_orm::DbBackend::Sqlite,
                        format!("PRAGMA {pragma}"),
                    ))
                    .await
                    .unwrap()
                    .unwrap();
                let got: i64 = row.try_get_by_index(0).unwrap();
                assert_eq!(got, want, "{pragma}");
            }
        }
        drop(held);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("sqlite://data/g.db"), "sqlite://data/g.db");
    }

    #[test]
    fn sqlite_paths_are_found() {
        assert_eq!(
            sqlite_path("sqlite://data/g.db?mode=rwc").as_deref(),
            Some("data/g.db")
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://x"), None);
    }
}
