//! `gongdao backup FILE` and `gongdao restore FILE`: a consistent copy of
//! the database taken while the server runs, and its restoration into an
//! empty database, checked (trails and books) before the command says so.
//!
//! SQLite: `VACUUM INTO` (one transaction's view of the whole file).
//! PostgreSQL: `pg_dump --format=custom` and `pg_restore` (the client tools
//! of the server's major version must be on PATH). A backup restores into
//! the engine it came from. Uploaded files are immutable and named by their
//! SHA-256: copy `GONGDAO_FILES_DIR` after the database backup (every file
//! the backup refers to was stored before the row that refers to it).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use services::{Config, Services, db};

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
const PG_MAGIC: &[u8] = b"PGDMP";

/// Writes the backup to `file` (not overwriting one that exists).
pub async fn backup(config: &Config, file: &Path) -> anyhow::Result<String> {
    if file.exists() {
        bail!("{} exists; choose a new file name", file.display());
    }
    let tmp = partial(file);
    let _ = std::fs::remove_file(&tmp);
    let started = std::time::Instant::now();
    if db::is_sqlite(&config.database_url) {
        let conn = db::connect(&config.database_url).await?;
        let target = tmp.to_string_lossy().replace('\'', "''");
        conn.execute_unprepared(&format!("VACUUM INTO '{target}'"))
            .await
            .context("VACUUM INTO")?;
    } else {
        let out = Command::new("pg_dump")
            .args(["--format=custom", "--no-owner", "--file"])
            .arg(&tmp)
            .arg(&config.database_url)
            .output()
            .context("running pg_dump (install PostgreSQL's client tools)")?;
        if !out.status.success() {
            let _ = std::fs::remove_file(&tmp);
            bail!(
                "pg_dump failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
    }
    std::fs::rename(&tmp, file).with_context(|| format!("renaming to {}", file.display()))?;
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    Ok(format!(
        "backup of {} written to {} ({:.1} MB in {:.1} s)",
        db::redact(&config.database_url),
        file.display(),
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    ))
}

/// Restores `file` into the configured database, which must be empty, then
/// verifies every trail and reconciles the fund's books.
pub async fn restore(config: Config, file: &Path) -> anyhow::Result<String> {
    let mut head = [0u8; 16];
    {
        use std::io::Read;
        let mut f =
            std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
        let n = f.read(&mut head)?;
        if n < PG_MAGIC.len() {
            bail!("{} is not a gongdao backup", file.display());
        }
    }
    let sqlite = db::is_sqlite(&config.database_url);
    match (
        sqlite,
        head.starts_with(SQLITE_MAGIC),
        head.starts_with(PG_MAGIC),
    ) {
        (true, true, _) => {
            let path = db::sqlite_path(&config.database_url)
                .context("DATABASE_URL names no SQLite file")?;
            let path = PathBuf::from(path);
            if !sqlite_is_empty(&path) {
                bail!(
                    "{} already holds a database; restore into a new, empty one",
                    path.display()
                );
            }
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            let tmp = partial(&path);
            std::fs::copy(file, &tmp).context("copying the backup")?;
            std::fs::rename(&tmp, &path)?;
        }
        (false, _, true) => {
            let conn = db::connect(&config.database_url).await?;
            let row = conn
                .query_one_raw(Statement::from_string(
                    DbBackend::Postgres,
                    "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema()",
                ))
                .await?
                .context("counting tables")?;
            let tables: i64 = row.try_get("", "n")?;
            if tables > 0 {
                bail!(
                    "{} already has {tables} tables; restore into a new, empty database",
                    db::redact(&config.database_url)
                );
            }
            drop(conn);
            let out = Command::new("pg_restore")
                .args([
                    "--no-owner",
                    "--exit-on-error",
                    "--single-transaction",
                    "--dbname",
                ])
                .arg(&config.database_url)
                .arg(file)
                .output()
                .context("running pg_restore (install PostgreSQL's client tools)")?;
            if !out.status.success() {
                bail!(
                    "pg_restore failed (nothing was restored): {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
            }
        }
        (true, _, _) => bail!(
            "{} is not a SQLite backup, and DATABASE_URL is SQLite",
            file.display()
        ),
        (false, _, _) => bail!(
            "{} is not a PostgreSQL backup (pg_dump --format=custom), and DATABASE_URL is PostgreSQL",
            file.display()
        ),
    }
    // Bring an older backup's schema up to this binary, then check it.
    let svc = Services::start(config).await?;
    let (checked, broken) = services::record::trail::verify_all(&svc.db).await?;
    if let Some(v) = broken {
        bail!(
            "restored, but case {} trail is broken at entry {}: {}",
            v.case_id,
            v.first_broken_seq.unwrap_or_default(),
            v.reason.unwrap_or_default()
        );
    }
    let books = services::fund::check(&svc).await?;
    if books.problem.is_some() {
        bail!("restored, but the books do not reconcile: {books}");
    }
    Ok(format!(
        "restored {} into {}: {checked} case trails verified; {books}",
        file.display(),
        db::redact(&svc.config.database_url)
    ))
}

fn partial(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// No file, or an empty one.
fn sqlite_is_empty(path: &Path) -> bool {
    match std::fs::metadata(path) {
        Err(_) => true,
        Ok(m) => m.len() == 0,
    }
}
