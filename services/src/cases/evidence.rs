//! Evidence files: images and PDFs up to 10 MB, checked by their first bytes
//! (not the name or the declared type), stored once under the data folder by
//! SHA-256, recorded on the trail, served only to the case's parties and staff.

use domain::cases::Status;
use domain::{AppError, UserView};
use entities::evidence;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use crate::Services;
use crate::db::internal_error;
use crate::record::{self, trail};

/// The largest evidence file accepted.
pub use crate::blobs::{MAX_BYTES, sniff};

pub use domain::cases::EvidenceView;

fn view(e: evidence::Model) -> EvidenceView {
    EvidenceView {
        id: e.id,
        case_id: e.case_id,
        file_name: e.file_name,
        content_type: e.content_type,
        size: e.size,
        sha256: e.sha256,
        uploader_id: e.uploader_id,
        created_at: e.created_at,
    }
}

/// Stores a file for case `case_id` from `user` (a party, or the staff
/// member who owns the case). Refused files leave nothing behind.
pub async fn upload(
    svc: &Services,
    user: &UserView,
    case_id: i32,
    file_name: &str,
    bytes: &[u8],
) -> Result<EvidenceView, AppError> {
    let content_type = crate::blobs::check(bytes, "file")?;
    let (c, m) = record::load_readable(&svc.db, user, case_id).await?;
    let is_party = (user.role == domain::Role::Consumer && c.consumer_id == user.id)
        || record::answers_for(&svc.db, user, &m).await?;
    if !is_party && c.owner_id != Some(user.id) {
        return Err(AppError::Forbidden);
    }
    if Status::parse(&c.status).is_none_or(Status::is_final) {
        return Err(AppError::NotAllowed {
            status: c.status.clone(),
            allowed: vec![],
        });
    }
    let sha = crate::blobs::store(svc, bytes).await?;
    let now = svc.clock.now();
    let name = crate::blobs::clean_name(file_name, "evidence");
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let file = Stored {
        name: &name,
        content_type,
        size: bytes.len(),
        sha256: &sha,
    };
    let row = attach(&txn, user, case_id, &file, now).await?;
    txn.commit().await.map_err(internal_error)?;
    Ok(row)
}

/// A checked file already in the store, to be recorded on a case.
pub(crate) struct Stored<'a> {
    /// Cleaned ([`crate::blobs::clean_name`]).
    pub name: &'a str,
    pub content_type: &'a str,
    pub size: usize,
    pub sha256: &'a str,
}

/// Records `file` on case `case_id` in `txn`: its row and its trail entry.
/// The caller has checked that `user` may add it, and commits.
pub(crate) async fn attach(
    txn: &sea_orm::DatabaseTransaction,
    user: &UserView,
    case_id: i32,
    file: &Stored<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<EvidenceView, AppError> {
    let row = evidence::ActiveModel {
        case_id: Set(case_id),
        uploader_id: Set(user.id),
        file_name: Set(file.name.into()),
        content_type: Set(file.content_type.into()),
        size: Set(file.size as i64),
        sha256: Set(file.sha256.into()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(internal_error)?;
    #[derive(Serialize)]
    struct Record<'a> {
        evidence_id: i32,
        file_name: &'a str,
        content_type: &'a str,
        size: usize,
        sha256: &'a str,
    }
    trail::append(
        txn,
        case_id,
        now,
        Some(user.id),
        user.role.as_str(),
        "evidence",
        &Record {
            evidence_id: row.id,
            file_name: file.name,
            content_type: file.content_type,
            size: file.size,
            sha256: file.sha256,
        },
    )
    .await?;
    Ok(view(row))
}

pub async fn list(
    svc: &Services,
    user: &UserView,
    case_id: i32,
) -> Result<Vec<EvidenceView>, AppError> {
    record::load_readable(&svc.db, user, case_id).await?;
    Ok(evidence::Entity::find()
        .filter(evidence::Column::CaseId.eq(case_id))
        .order_by_asc(evidence::Column::Id)
        .all(&svc.db)
        .await
        .map_err(internal_error)?
        .into_iter()
        .map(view)
        .collect())
}

/// The file and its bytes, for a reader of its case.
pub async fn fetch(
    svc: &Services,
    user: &UserView,
    evidence_id: i32,
) -> Result<(EvidenceView, Vec<u8>), AppError> {
    let e = evidence::Entity::find_by_id(evidence_id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    record::load_readable(&svc.db, user, e.case_id).await?;
    // The stored bytes must still be what was uploaded.
    let bytes = crate::blobs::read(svc, &e.sha256).await?;
    Ok((view(e), bytes))
}
