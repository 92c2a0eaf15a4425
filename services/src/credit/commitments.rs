//! Credit commitments (信用承诺): the verified merchant signs the standard
//! text of the current version; signatures are public, versioned, hashed;
//! signing twice is one signature. Signing is itself a credit record.

use domain::merchant::{COMMITMENT_VERSION, COMMITMENT_ZH, CommitmentView};
use domain::{AppError, Role, UserView};
use entities::{credit_commitment as cc, merchant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};

use crate::Services;
use crate::db::internal_error;

/// SHA-256 of the standard text now in force (the Chinese text is the one signed).
pub fn text_sha256() -> String {
    hex::encode(Sha256::digest(COMMITMENT_ZH.as_bytes()))
}

fn view(c: cc::Model) -> CommitmentView {
    CommitmentView {
        id: c.id,
        version: c.version,
        text_sha256: c.text_sha256,
        signed_at: c.signed_at,
        broken_at: c.broken_at,
        broken_reason: c.broken_reason,
    }
}

/// The merchant's account holder signs the current standard commitment.
/// Returns the signature and whether it is new.
pub async fn sign(
    svc: &Services,
    user: &UserView,
    merchant_id: i32,
    accept: bool,
) -> Result<(CommitmentView, bool), AppError> {
    let m = merchant::Entity::find_by_id(merchant_id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    if user.role != Role::Merchant || m.account_id != Some(user.id) {
        return Err(AppError::Forbidden);
    }
    if m.verified_at.is_none() {
        return Err(AppError::conflict("merchant", "err.commitment.unverified"));
    }
    if !accept {
        return Err(AppError::invalid("accept", "err.commitment.accept"));
    }
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let current = cc::Entity::find()
        .filter(cc::Column::MerchantId.eq(merchant_id))
        .filter(cc::Column::Version.eq(COMMITMENT_VERSION))
        .filter(cc::Column::BrokenAt.is_null())
        .one(&txn)
        .await
        .map_err(internal_error)?;
    if let Some(c) = current {
        return Ok((view(c), false));
    }
    let c = record_signature(&txn, merchant_id, user.id, now).await?;
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    Ok((view(c), true))
}

/// Writes a signature of the current text by `signed_by`, its credit
/// record, and asks for a recomputation — in the caller's transaction.
pub(crate) async fn record_signature<C: sea_orm::ConnectionTrait>(
    conn: &C,
    merchant_id: i32,
    signed_by: i32,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<cc::Model, AppError> {
    let c = cc::ActiveModel {
        merchant_id: Set(merchant_id),
        version: Set(COMMITMENT_VERSION.into()),
        text_sha256: Set(text_sha256()),
        signed_by: Set(signed_by),
        signed_at: Set(now),
        broken_at: Set(None),
        broken_reason: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map_err(internal_error)?;
    super::records::system_record(
        conn,
        merchant_id,
        domain::credit::RecordKind::CommitmentSigned,
        &format!("签署信用承诺（{COMMITMENT_VERSION} 版）"),
        now,
        Some(signed_by),
    )
    .await?;
    super::recompute_later(conn, merchant_id, now).await?;
    Ok(c)
}

/// Every signature of a merchant, newest first (public).
pub async fn list<C: sea_orm::ConnectionTrait>(
    conn: &C,
    merchant_id: i32,
) -> Result<Vec<CommitmentView>, AppError> {
    Ok(cc::Entity::find()
        .filter(cc::Column::MerchantId.eq(merchant_id))
        .order_by_desc(cc::Column::SignedAt)
        .order_by_desc(cc::Column::Id)
        .all(conn)
        .await
        .map_err(internal_error)?
        .into_iter()
        .map(view)
        .collect())
}

/// Is the current standard commitment signed and unbroken?
pub async fn in_force<C: sea_orm::ConnectionTrait>(
    conn: &C,
    merchant_id: i32,
) -> Result<bool, AppError> {
    Ok(list(conn, merchant_id)
        .await?
        .iter()
        .any(|c| c.version == COMMITMENT_VERSION && c.broken_at.is_none()))
}
