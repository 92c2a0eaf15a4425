//! Uploaded files (case evidence, licence images): images and PDFs
//! recognised by their first bytes (not the name or the declared type),
//! stored once under `GONGDAO_FILES_DIR` (default `$GONGDAO_DATA_DIR/evidence`)
//! by SHA-256, and checked against that hash when read back. Several servers
//! may share the folder: a file appears whole (temporary name, then rename in
//! the same folder) and the same content always lands under the same name.

use std::path::PathBuf;

use domain::AppError;
use sha2::{Digest, Sha256};

use crate::Services;

// The file rule (types by their first bytes, sizes) lives in `domain`.
pub use domain::files::{MAX_BYTES, check, sniff};

/// The longest file name kept, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// A sent file name made safe to show and to offer back as a download's
/// name (it is never a path: files are stored by hash): no folders (`/`,
/// `\`), no control characters, no invisible or direction-changing ones
/// (U+202E would show `photo\u{202E}gnp.exe` as `photoexe.png`), no quotes,
/// at most [`MAX_NAME_CHARS`] characters keeping a short extension, and
/// `fallback` for a name left blank or only dots.
pub fn clean_name(name: &str, fallback: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let kept: String = base
        .chars()
        .filter(|&c| !c.is_control() && !invisible(c) && c != '"')
        .collect();
    let kept = kept.trim();
    if kept.chars().all(|c| c == '.') {
        return fallback.into();
    }
    if kept.chars().count() <= MAX_NAME_CHARS {
        return kept.into();
    }
    // Too long: cut the stem, keep an extension of up to 10 characters.
    let ext = kept
        .rfind('.')
        .map(|i| &kept[i..])
        .filter(|e| e.chars().count() <= 10)
        .unwrap_or("");
    let stem: String = kept
        .chars()
        .take(MAX_NAME_CHARS - ext.chars().count())
        .collect();
    format!("{}{ext}", stem.trim_end())
}

/// Characters that show nothing or reorder what follows: bidirectional
/// marks, embeddings, overrides and isolates, zero-width characters, the
/// byte-order mark, the soft hyphen, line and paragraph separators.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{2069}'
        | '\u{FEFF}'
    )
}

/// Where the file of `sha` is stored.
pub(crate) fn path(svc: &Services, sha: &str) -> PathBuf {
    svc.config.files_dir.join(&sha[..2]).join(sha)
}

/// Stores the bytes (once: the same content is the same file) and returns
/// their SHA-256. Written and flushed to disk under a temporary name in the
/// same folder, then renamed: a reader on any server sees the whole file or
/// none, and a crash never leaves a half file under the real name.
pub async fn store(svc: &Services, bytes: &[u8]) -> Result<String, AppError> {
    Ok(store_fresh(svc, bytes).await?.0)
}

/// [`store`], also saying whether this call wrote the file (it was not
/// stored before): what a refused filing wrote, and only that, it takes
/// back with [`discard`].
pub async fn store_fresh(svc: &Services, bytes: &[u8]) -> Result<(String, bool), AppError> {
    let sha = hex::encode(Sha256::digest(bytes));
    let path = path(svc, &sha);
    let fresh = !path.exists();
    if fresh {
        let dir = path.parent().ok_or(AppError::Internal)?;
        tokio::fs::create_dir_all(dir).await.map_err(io_error)?;
        let tmp = dir.join(format!(".{sha}.{}", rand::random::<u32>()));
        // A failed write (a full disk, say) leaves nothing behind.
        let written = match write_synced(&tmp, bytes).await {
            Ok(()) => tokio::fs::rename(&tmp, &path).await,
            Err(e) => Err(e),
        };
        if let Err(e) = written {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(io_error(e));
        }
    }
    Ok((sha, fresh))
}

/// Removes the files `written` by [`store_fresh`] for a write that was then
/// refused (its transaction rolled back), or those a filing draft no longer
/// names (a file removed from it, a draft discarded), unless a record refers
/// to one by now — evidence, a licence, a draft's file (the same content,
/// stored meanwhile by another request or kept by another draft): no file
/// is left behind that nothing names, and none is taken from a record.
pub async fn discard(svc: &Services, written: &[String]) {
    use entities::{evidence, filing_draft_file, merchant, merchant_verification};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    for sha in written {
        let referred = async {
            let n = evidence::Entity::find()
                .filter(evidence::Column::Sha256.eq(sha.as_str()))
                .count(&svc.db)
                .await?
                + merchant::Entity::find()
                    .filter(merchant::Column::LicenceSha256.eq(sha.as_str()))
                    .count(&svc.db)
                    .await?
                + merchant_verification::Entity::find()
                    .filter(merchant_verification::Column::LicenceSha256.eq(sha.as_str()))
                    .count(&svc.db)
                    .await?
                + filing_draft_file::Entity::find()
                    .filter(filing_draft_file::Column::Sha256.eq(sha.as_str()))
                    .count(&svc.db)
                    .await?;
            Ok::<_, sea_orm::DbErr>(n > 0)
        }
        .await;
        match referred {
            Ok(false) => {
                if let Err(e) = tokio::fs::remove_file(path(svc, sha)).await {
                    tracing::warn!("removing the unreferenced file {sha}: {e}");
                }
            }
            Ok(true) => {}
            // Keep the file: an unreferenced file costs disk, a removed
            // referenced one loses evidence.
            Err(e) => tracing::warn!("checking the unreferenced file {sha}: {e}"),
        }
    }
}

/// The stored bytes of `sha`, refused if they no longer hash to it.
pub async fn read(svc: &Services, sha: &str) -> Result<Vec<u8>, AppError> {
    let bytes = tokio::fs::read(path(svc, sha)).await.map_err(io_error)?;
    if hex::encode(Sha256::digest(&bytes)) != sha {
        tracing::error!("stored file {sha} no longer matches its SHA-256");
        return Err(AppError::Internal);
    }
    Ok(bytes)
}

/// Writes and fsyncs the whole file, or fails. Plain blocking writes on the
/// blocking pool: tokio's `File` writes in the background and reports a
/// failed write (a full disk) only to a later `flush`, never to `sync_all`,
/// so a short file could otherwise pass for a stored one.
async fn write_synced(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let (path, bytes) = (path.to_path_buf(), bytes.to_vec());
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut f = std::fs::File::create(&path)?;
        f.write_all(&bytes)?;
        f.sync_all()
    })
    .await
    .map_err(std::io::Error::other)?
}

fn io_error(e: std::io::Error) -> AppError {
    if e.kind() == std::io::ErrorKind::StorageFull {
        tracing::warn!("file storage: {e}");
        return AppError::StorageFull;
    }
    tracing::error!("file storage: {e}");
    AppError::Internal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_folders_control_and_invisible_characters() {
        let e = |n: &str| clean_name(n, "evidence");
        assert_eq!(e("../../etc/passwd"), "passwd");
        assert_eq!(e("C:\\发票.pdf"), "发票.pdf");
        assert_eq!(e("a\nb\".pdf"), "ab.pdf");
        assert_eq!(e("a\0b.png"), "ab.png");
        assert_eq!(e(""), "evidence");
        assert_eq!(e(".."), "evidence");
        assert_eq!(e("x/.."), "evidence");
        assert_eq!(e(" . "), "evidence");
        assert_eq!(e("photo\u{202E}gnp.exe"), "photognp.exe");
        assert_eq!(e("\u{2067}a\u{200B}b\u{2069}.png"), "ab.png");
        assert_eq!(e(&"长".repeat(1000)), "长".repeat(200));
        let long = format!("{}.png", "a".repeat(500));
        assert_eq!(e(&long), format!("{}.png", "a".repeat(196)));
        let odd = format!("{}.{}", "b".repeat(300), "c".repeat(20));
        assert_eq!(e(&odd).chars().count(), 200);
    }
}
