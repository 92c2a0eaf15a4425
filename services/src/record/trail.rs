//! The full-process trail (全程留痕): an append-only, hash-chained log per
//! case. Each entry's hash is SHA-256 over the previous entry's hash and this
//! entry's own fields, so editing or deleting any row breaks the chain from
//! there on, which `verify` reports.

use std::collections::HashMap;

use chrono::{DateTime, SubsecRound, Utc};
use domain::AppError;
use entities::case_trail;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;

use crate::db::internal_error;

/// The trail kind of entries only staff and the case's own consumer read
/// (`record::reads_internal`; today screening objections and decisions): a
/// neutral kind, so that a reader who gets such an entry withheld — the
/// merchant's bundle keeps the whole chain — learns only that an internal
/// entry exists, not what it is about. Its body's `topic` says what it is.
pub const INTERNAL: &str = "internal";

/// The hash rule itself is `bundle::chain`, shared with the offline verifier.
pub use bundle::chain::{CURRENT_SCHEME, Entry, GENESIS};

/// How an entry's time is hashed: RFC 3339, microseconds, `Z`.
pub fn at_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// A stored entry with everything its hash covers.
pub fn as_entry(e: &case_trail::Model) -> Entry {
    Entry {
        seq: e.seq,
        at: at_text(e.at),
        actor_id: e.actor_id,
        actor_role: e.actor_role.clone(),
        kind: e.kind.clone(),
        hash_scheme: e.hash_scheme,
        body: Some(e.body.clone()),
        body_salt: e.body_salt.clone(),
        body_commitment: None,
        body_redacted: None,
        prev_hash: e.prev_hash.clone(),
        hash: e.hash.clone(),
    }
}

/// The hash a stored entry's content hashes to now (what someone who
/// edited it would have to write into `hash`).
pub fn recompute(e: &case_trail::Model) -> Option<String> {
    as_entry(e).recompute(e.case_id).ok().flatten()
}

/// Appends an entry in `conn` (the transaction of the change it records).
/// The (case, seq) unique index makes a concurrent append fail rather than fork the chain.
pub async fn append<C: ConnectionTrait>(
    conn: &C,
    case_id: i32,
    at: DateTime<Utc>,
    actor_id: Option<i32>,
    actor_role: &str,
    kind: &str,
    body: &impl Serialize,
) -> Result<case_trail::Model, AppError> {
    let last = case_trail::Entity::find()
        .filter(case_trail::Column::CaseId.eq(case_id))
        .order_by_desc(case_trail::Column::Seq)
        .one(conn)
        .await
        .map_err(internal_error)?;
    let (seq, prev) = match last {
        Some(l) => (l.seq + 1, l.hash),
        None => (1, GENESIS.to_string()),
    };
    // Stored timestamps keep microseconds on every database: hash what is stored.
    let at = at.trunc_subsecs(6);
    let body = serde_json::to_string(body).map_err(|_| AppError::Internal)?;
    let salt = hex::encode(rand::random::<[u8; 16]>());
    let mut entry = Entry {
        seq,
        at: at_text(at),
        actor_id,
        actor_role: actor_role.into(),
        kind: kind.into(),
        hash_scheme: CURRENT_SCHEME,
        body: Some(body),
        body_salt: Some(salt),
        body_commitment: None,
        body_redacted: None,
        prev_hash: prev,
        hash: String::new(),
    };
    entry.hash = entry
        .recompute(case_id)
        .ok()
        .flatten()
        .ok_or(AppError::Internal)?;
    case_trail::ActiveModel {
        case_id: Set(case_id),
        seq: Set(seq),
        at: Set(at),
        actor_id: Set(actor_id),
        actor_role: Set(actor_role.into()),
        kind: Set(entry.kind),
        body: Set(entry.body.unwrap_or_default()),
        prev_hash: Set(entry.prev_hash),
        hash: Set(entry.hash),
        hash_scheme: Set(entry.hash_scheme),
        body_salt: Set(entry.body_salt),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map_err(internal_error)
}

pub async fn entries<C: ConnectionTrait>(
    conn: &C,
    case_id: i32,
) -> Result<Vec<case_trail::Model>, AppError> {
    case_trail::Entity::find()
        .filter(case_trail::Column::CaseId.eq(case_id))
        .order_by_asc(case_trail::Column::Seq)
        .all(conn)
        .await
        .map_err(internal_error)
}

pub use domain::cases::TrailVerification as Verification;

/// Recomputes a case's chain from the first entry.
pub fn verify_entries(case_id: i32, entries: &[case_trail::Model]) -> Verification {
    let all: Vec<Entry> = entries.iter().map(as_entry).collect();
    let (ok, first_broken_seq, reason) = match bundle::chain::verify_chain(case_id, &all) {
        Ok(_) => (true, None, None),
        Err(b) => (false, Some(b.seq), Some(b.reason)),
    };
    Verification {
        case_id,
        entries: entries.len(),
        ok,
        first_broken_seq,
        reason,
    }
}

pub async fn verify<C: ConnectionTrait>(conn: &C, case_id: i32) -> Result<Verification, AppError> {
    Ok(verify_entries(case_id, &entries(conn, case_id).await?))
}

/// Verifies every case's chain; returns how many were checked and the first broken one.
pub async fn verify_all<C: ConnectionTrait>(
    conn: &C,
) -> Result<(usize, Option<Verification>), AppError> {
    use sea_orm::QuerySelect;
    let ids: Vec<i32> = entities::case::Entity::find()
        .select_only()
        .column(entities::case::Column::Id)
        .order_by_asc(entities::case::Column::Id)
        .into_tuple()
        .all(conn)
        .await
        .map_err(internal_error)?;
    for (i, id) in ids.iter().enumerate() {
        let v = verify(conn, *id).await?;
        if !v.ok {
            return Ok((i + 1, Some(v)));
        }
    }
    Ok((ids.len(), None))
}

/// When each case last moved to `closed`, from its trail.
pub async fn closing_times<C: ConnectionTrait>(
    conn: &C,
    ids: &[i32],
) -> anyhow::Result<HashMap<i32, DateTime<Utc>>> {
    let entries: Vec<(i32, DateTime<Utc>, String)> = case_trail::Entity::find()
        .select_only()
        .column(case_trail::Column::CaseId)
        .column(case_trail::Column::At)
        .column(case_trail::Column::Body)
        .filter(case_trail::Column::CaseId.is_in(ids.iter().copied()))
        .filter(case_trail::Column::Body.contains("\"closed\""))
        .order_by_asc(case_trail::Column::Seq)
        .into_tuple()
        .all(conn)
        .await?;
    let mut out = HashMap::new();
    for (case_id, at, body) in entries {
        let to_closed = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .is_some_and(|b| b["to_status"] == "closed");
        if to_closed {
            out.insert(case_id, at);
        }
    }
    Ok(out)
}
