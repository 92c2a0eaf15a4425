//! The full-process trail (全程留痕): an append-only, hash-chained log per
//! case. Each entry's hash is SHA-256 over the previous entry's hash and this
//! entry's own fields, so editing or deleting any row breaks the chain from
//! there on, which `verify` reports.

use chrono::{DateTime, SubsecRound, Utc};
use domain::AppError;
use entities::case_trail;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::internal_error;

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an entry's hash covers besides its predecessor's hash.
pub struct Content<'a> {
    pub case_id: i32,
    pub seq: i32,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i32>,
    pub actor_role: &'a str,
    pub kind: &'a str,
    pub body: &'a str,
}

impl<'a> Content<'a> {
    fn of(e: &'a case_trail::Model) -> Self {
        Content {
            case_id: e.case_id,
            seq: e.seq,
            at: e.at,
            actor_id: e.actor_id,
            actor_role: &e.actor_role,
            kind: &e.kind,
            body: &e.body,
        }
    }
}

/// The SHA-256 of an entry: its predecessor's hash and its own content.
pub fn entry_hash(prev: &str, c: &Content) -> String {
    let mut h = Sha256::new();
    for part in [
        prev.to_string(),
        c.case_id.to_string(),
        c.seq.to_string(),
        c.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        c.actor_id.map(|a| a.to_string()).unwrap_or_default(),
        c.actor_role.to_string(),
        c.kind.to_string(),
        c.body.to_string(),
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
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
    let hash = entry_hash(
        &prev,
        &Content {
            case_id,
            seq,
            at,
            actor_id,
            actor_role,
            kind,
            body: &body,
        },
    );
    case_trail::ActiveModel {
        case_id: Set(case_id),
        seq: Set(seq),
        at: Set(at),
        actor_id: Set(actor_id),
        actor_role: Set(actor_role.into()),
        kind: Set(kind.into()),
        body: Set(body),
        prev_hash: Set(prev),
        hash: Set(hash),
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
    let mut prev = GENESIS.to_string();
    for (i, e) in entries.iter().enumerate() {
        let expected_seq = i as i32 + 1;
        let broken = |reason: &str| Verification {
            case_id,
            entries: entries.len(),
            ok: false,
            first_broken_seq: Some(e.seq),
            reason: Some(reason.to_string()),
        };
        if e.seq != expected_seq {
            return broken("an entry is missing before this one");
        }
        if e.prev_hash != prev {
            return broken("prev_hash does not match the previous entry");
        }
        let h = entry_hash(&prev, &Content::of(e));
        if h != e.hash {
            return broken("the entry's content does not match its hash");
        }
        prev = e.hash.clone();
    }
    Verification {
        case_id,
        entries: entries.len(),
        ok: true,
        first_broken_seq: None,
        reason: None,
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
