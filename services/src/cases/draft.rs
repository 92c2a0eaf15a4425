//! Filing drafts (投诉草稿): a consumer's filing kept half done on the
//! server — one per consumer, in the database (`filing_drafts`: the form's
//! text fields as JSON) and the blob store (`filing_draft_files`: the files
//! added so far, stored by SHA-256 like evidence) — so any server of several
//! finds it, with JavaScript on or off. Saved from the filing form (values
//! replaced, new files appended, all in one transaction: a refused file
//! keeps nothing of its post), reviewed (every check that needs no filing),
//! and confirmed: filed from what it holds, its files read back from the
//! store, and removed in the transaction that files the case. Kept until it
//! is filed or discarded, or the account is deleted, and at most
//! [`DRAFT_KEEP_DAYS`] after it was last saved (`expire`, run by the
//! deadline sweeper).
//!
//! A file removed from a draft (or a draft discarded) takes its stored file
//! with it unless evidence, a licence or another draft names the same
//! content (`blobs::discard`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::cases::{
    CaseView, ComplaintForm, ComplaintInput, DRAFT_KEEP_DAYS, DraftFileView, FilingDraftView,
    FilingReview,
};
use domain::{AppError, Role, UserView};
use entities::{filing_draft, filing_draft_file};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder,
};

use super::file::{
    EVIDENCE_FIELD, EvidenceFile, check_files, file_with_files, parties, store_checked,
};
use super::get_case;
use crate::Services;
use crate::db::internal_error;

/// The field that names the form's merchant in errors.
const MERCHANT_FIELD: &str = "merchant";

fn consumer_only(user: &UserView) -> Result<(), AppError> {
    if user.role == Role::Consumer {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn find<C: ConnectionTrait>(
    conn: &C,
    consumer_id: i32,
) -> Result<Option<filing_draft::Model>, AppError> {
    filing_draft::Entity::find()
        .filter(filing_draft::Column::ConsumerId.eq(consumer_id))
        .one(conn)
        .await
        .map_err(internal_error)
}

async fn files_of<C: ConnectionTrait>(
    conn: &C,
    draft_id: i32,
) -> Result<Vec<filing_draft_file::Model>, AppError> {
    filing_draft_file::Entity::find()
        .filter(filing_draft_file::Column::DraftId.eq(draft_id))
        .order_by_asc(filing_draft_file::Column::Id)
        .all(conn)
        .await
        .map_err(internal_error)
}

fn sizes(files: &[filing_draft_file::Model]) -> Vec<usize> {
    files
        .iter()
        .map(|f| usize::try_from(f.size).unwrap_or(usize::MAX))
        .collect()
}

fn values_of(d: &filing_draft::Model) -> Result<BTreeMap<String, String>, AppError> {
    serde_json::from_str(&d.form_values).map_err(|e| {
        tracing::error!("filing draft {}: its values do not read: {e}", d.id);
        AppError::Internal
    })
}

fn file_view(f: filing_draft_file::Model) -> DraftFileView {
    DraftFileView {
        id: f.id,
        file_name: f.file_name,
        content_type: f.content_type,
        size: f.size,
        sha256: f.sha256,
        created_at: f.created_at,
    }
}

fn view(
    d: &filing_draft::Model,
    files: Vec<filing_draft_file::Model>,
) -> Result<FilingDraftView, AppError> {
    Ok(FilingDraftView {
        values: values_of(d)?,
        files: files.into_iter().map(file_view).collect(),
        version: d.version,
        created_at: d.created_at,
        updated_at: d.updated_at,
    })
}

/// The consumer's draft, if they keep one.
pub async fn load(svc: &Services, user: &UserView) -> Result<Option<FilingDraftView>, AppError> {
    consumer_only(user)?;
    let Some(d) = find(&svc.db, user.id).await? else {
        return Ok(None);
    };
    let files = files_of(&svc.db, d.id).await?;
    Ok(Some(view(&d, files)?))
}

/// Saves the filing form as the consumer's draft: its text fields replace
/// what the draft held (only the form's fields, each bounded), `files` are
/// added to those it holds. The files are checked first — with those kept,
/// at most `MAX_FILING_FILES` and `MAX_FILING_BYTES`, each by the evidence
/// rule, a refused one named (field `evidence`) — and the whole post is
/// refused if one fails: nothing of it is kept, values neither. Then they
/// are stored and the draft written in one transaction, where the limits
/// are checked again (two saves at once cannot pass them together).
pub async fn save(
    svc: &Services,
    user: &UserView,
    values: &BTreeMap<String, String>,
    files: &[EvidenceFile],
) -> Result<FilingDraftView, AppError> {
    consumer_only(user)?;
    let values = domain::cases::draft_values(values)?;
    let json = serde_json::to_string(&values).map_err(|_| AppError::Internal)?;
    let now = svc.clock.now();
    let kept = match find(&svc.db, user.id).await? {
        Some(d) => sizes(&files_of(&svc.db, d.id).await?),
        None => vec![],
    };
    let checked = check_files(files, &kept)?;
    let mut written = Vec::new();
    let result = async {
        let stored = store_checked(svc, &checked, &mut written).await?;
        let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
        let d = upsert(&txn, user.id, &json, now).await?;
        if !stored.is_empty() {
            // The draft's row is locked by the upsert: the files kept are
            // counted again, after any save that ran at the same time.
            let mut all = sizes(&files_of(&txn, d.id).await?);
            all.extend(stored.iter().map(|s| s.2));
            domain::files::check_filing(&all, EVIDENCE_FIELD)?;
        }
        for (name, content_type, size, sha) in &stored {
            filing_draft_file::ActiveModel {
                draft_id: Set(d.id),
                file_name: Set(name.to_string()),
                content_type: Set((*content_type).into()),
                size: Set(i64::try_from(*size).map_err(|_| AppError::Internal)?),
                sha256: Set(sha.clone()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(internal_error)?;
        }
        let files = files_of(&txn, d.id).await?;
        txn.commit().await.map_err(internal_error)?;
        view(&d, files)
    }
    .await;
    if result.is_err() {
        crate::blobs::discard(svc, &written).await;
    }
    result
}

/// The consumer's draft row with `json` as its values, made if missing,
/// its version moved on.
async fn upsert(
    txn: &DatabaseTransaction,
    consumer_id: i32,
    json: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<filing_draft::Model, AppError> {
    filing_draft::Entity::insert(filing_draft::ActiveModel {
        consumer_id: Set(consumer_id),
        form_values: Set(json.to_string()),
        version: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(filing_draft::Column::ConsumerId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await
    .map_err(internal_error)?;
    filing_draft::Entity::update_many()
        .col_expr(filing_draft::Column::FormValues, Expr::value(json))
        .col_expr(filing_draft::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            filing_draft::Column::Version,
            Expr::col(filing_draft::Column::Version).add(1),
        )
        .filter(filing_draft::Column::ConsumerId.eq(consumer_id))
        .exec(txn)
        .await
        .map_err(internal_error)?;
    find(txn, consumer_id).await?.ok_or(AppError::Internal)
}

/// The consumer's draft checked as it would be filed, in plain words for
/// the review page: the complaint's fields (`ComplaintInput::from_form`,
/// `check`), and what the database knows without filing — the merchants
/// exist and fit (a logistics company's waybill, the delivery part's
/// company), no open complaint about the same order. Its files were checked
/// when they were added. Errors name the form's fields; no draft is 404.
pub async fn review(svc: &Services, user: &UserView) -> Result<FilingReview, AppError> {
    let draft = load(svc, user).await?.ok_or(AppError::NotFound)?;
    let now = svc.clock.now();
    let complaint = ComplaintInput::from_form(&ComplaintForm::from_values(&draft.values))?
        .check(now, MERCHANT_FIELD)?;
    let p = parties(&svc.db, user, &complaint, MERCHANT_FIELD).await?;
    let merchant = crate::merchants::standing_of(&svc.db, &p.merchant, now).await?;
    let logistics = match &p.logistics {
        Some((lm, _)) => Some(crate::merchants::standing_of(&svc.db, lm, now).await?),
        None => None,
    };
    Ok(FilingReview::new(draft, &complaint, merchant, logistics))
}

/// Files the consumer's draft: its values checked as at review, its files
/// read back from the store (each must still be there and hash to its
/// name, and pass the evidence rule again), then the case, its evidence
/// and the draft's removal in one transaction ([`take`]). With `reviewed`
/// (the version the review page showed), a draft changed since is refused
/// (409) rather than filed unseen. Refused, the draft stays as it was.
pub async fn confirm(
    svc: &Services,
    user: &UserView,
    reviewed: Option<i32>,
) -> Result<CaseView, AppError> {
    consumer_only(user)?;
    let now = svc.clock.now();
    let d = find(&svc.db, user.id)
        .await?
        .ok_or_else(|| AppError::conflict("step", "err.filing.no_draft"))?;
    if reviewed.is_some_and(|v| v != d.version) {
        return Err(AppError::conflict("step", "err.filing.draft_changed"));
    }
    let rows = files_of(&svc.db, d.id).await?;
    let complaint = ComplaintInput::from_form(&ComplaintForm::from_values(&values_of(&d)?))?
        .check(now, MERCHANT_FIELD)?;
    domain::files::check_filing(&sizes(&rows), EVIDENCE_FIELD)?;
    for r in &rows {
        let missing = || AppError::InvalidFile {
            field: EVIDENCE_FIELD.into(),
            file_name: r.file_name.clone(),
            key: "err.filing.file_missing".into(),
        };
        if !crate::blobs::path(svc, &r.sha256).exists() {
            return Err(missing());
        }
        let bytes = crate::blobs::read(svc, &r.sha256)
            .await
            .map_err(|_| missing())?;
        domain::files::check_named(&bytes, EVIDENCE_FIELD, &r.file_name)?;
    }
    let files: Vec<super::evidence::Stored<'_>> = rows
        .iter()
        .map(|r| super::evidence::Stored {
            name: &r.file_name,
            content_type: &r.content_type,
            size: usize::try_from(r.size).unwrap_or(usize::MAX),
            sha256: &r.sha256,
        })
        .collect();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    take(&txn, &d).await?;
    let id = file_with_files(svc, &txn, user, &complaint, &files, MERCHANT_FIELD, now).await?;
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    get_case(svc, user, id).await
}

/// Removes draft `d` — as it was read, at its version — in `txn`: a save in
/// between (or, for the transaction that files it, a second confirmation
/// from another tab or server) finds it gone or changed (409), so one draft
/// files one case and an expiring draft saved meanwhile is kept. Its stored
/// files stay: the evidence names them, or the caller discards them.
pub(crate) async fn take(
    txn: &DatabaseTransaction,
    d: &filing_draft::Model,
) -> Result<(), AppError> {
    let taken = filing_draft::Entity::delete_many()
        .filter(filing_draft::Column::Id.eq(d.id))
        .filter(filing_draft::Column::Version.eq(d.version))
        .exec(txn)
        .await
        .map_err(internal_error)?
        .rows_affected;
    if taken != 1 {
        return Err(AppError::conflict("step", "err.filing.draft_changed"));
    }
    filing_draft_file::Entity::delete_many()
        .filter(filing_draft_file::Column::DraftId.eq(d.id))
        .exec(txn)
        .await
        .map_err(internal_error)?;
    Ok(())
}

/// Removes file `file_id` from the consumer's draft (404 when their draft
/// holds no such file), and its stored file unless something else names it.
pub async fn remove_file(
    svc: &Services,
    user: &UserView,
    file_id: i32,
) -> Result<FilingDraftView, AppError> {
    consumer_only(user)?;
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let d = find(&txn, user.id).await?.ok_or(AppError::NotFound)?;
    let f = filing_draft_file::Entity::find_by_id(file_id)
        .filter(filing_draft_file::Column::DraftId.eq(d.id))
        .one(&txn)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    filing_draft_file::Entity::delete_by_id(f.id)
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    filing_draft::Entity::update_many()
        .col_expr(filing_draft::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            filing_draft::Column::Version,
            Expr::col(filing_draft::Column::Version).add(1),
        )
        .filter(filing_draft::Column::Id.eq(d.id))
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    let d = find(&txn, user.id).await?.ok_or(AppError::Internal)?;
    let files = files_of(&txn, d.id).await?;
    txn.commit().await.map_err(internal_error)?;
    crate::blobs::discard(svc, &[f.sha256]).await;
    view(&d, files)
}

/// Discards the consumer's draft, if any: its values, its files and their
/// stored files (unless something else names them).
pub async fn discard(svc: &Services, user: &UserView) -> Result<(), AppError> {
    consumer_only(user)?;
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let shas = remove_all(&txn, user.id).await?;
    txn.commit().await.map_err(internal_error)?;
    crate::blobs::discard(svc, &shas).await;
    Ok(())
}

/// Deletes the drafts last saved more than [`DRAFT_KEEP_DAYS`] before
/// `now`, with their files (and the stored files nothing else names); how
/// many went. Each at the version it was read, in its own transaction
/// (`take`): a draft saved meanwhile (on any server) is kept.
pub async fn expire(svc: &Services, now: DateTime<Utc>) -> Result<usize, AppError> {
    let before = now - chrono::Duration::days(DRAFT_KEEP_DAYS);
    let old = filing_draft::Entity::find()
        .filter(filing_draft::Column::UpdatedAt.lt(before))
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let mut gone = 0;
    for d in old {
        let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
        let shas: Vec<String> = files_of(&txn, d.id)
            .await?
            .into_iter()
            .map(|f| f.sha256)
            .collect();
        match take(&txn, &d).await {
            Ok(()) => {}
            // Saved since it was read: kept, its time begun again.
            Err(AppError::Conflict { .. }) => continue,
            Err(e) => return Err(e),
        }
        txn.commit().await.map_err(internal_error)?;
        crate::blobs::discard(svc, &shas).await;
        gone += 1;
    }
    Ok(gone)
}

/// Removes `consumer_id`'s draft in `txn` and returns the SHA-256 of its
/// files, for `blobs::discard` once the transaction is committed.
async fn remove_all(txn: &DatabaseTransaction, consumer_id: i32) -> Result<Vec<String>, AppError> {
    let Some(d) = find(txn, consumer_id).await? else {
        return Ok(vec![]);
    };
    let files = files_of(txn, d.id).await?;
    filing_draft_file::Entity::delete_many()
        .filter(filing_draft_file::Column::DraftId.eq(d.id))
        .exec(txn)
        .await
        .map_err(internal_error)?;
    filing_draft::Entity::delete_by_id(d.id)
        .exec(txn)
        .await
        .map_err(internal_error)?;
    Ok(files.into_iter().map(|f| f.sha256).collect())
}

/// A file of the consumer's draft and its bytes (for its thumbnail on the
/// review page). Only the draft's consumer: another consumer finds nothing
/// (404), anyone else is refused (403).
pub async fn fetch_file(
    svc: &Services,
    user: &UserView,
    file_id: i32,
) -> Result<(DraftFileView, Vec<u8>), AppError> {
    consumer_only(user)?;
    let d = find(&svc.db, user.id).await?.ok_or(AppError::NotFound)?;
    let f = filing_draft_file::Entity::find_by_id(file_id)
        .filter(filing_draft_file::Column::DraftId.eq(d.id))
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    let bytes = crate::blobs::read(svc, &f.sha256).await?;
    Ok((file_view(f), bytes))
}
