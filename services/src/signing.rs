//! The server's Ed25519 signing key, which signs case bundles. One key for
//! every server on the database: `GONGDAO_SIGNING_KEY_FILE` when the
//! operator keeps their own, else key 1 of the `signing_key` table, made by
//! whichever server first needs it (insert if absent, then read back: two
//! servers starting together both read the one row that won). Every key is
//! published at `/.well-known/gongdao-signing-key`, so a bundle signed
//! before a rotation keeps verifying.

use bundle::{SigningKey, VerifyingKey, keys};
use chrono::{DateTime, Utc};
use domain::AppError;
use entities::signing_key;
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::Services;
use crate::db::internal_error;

/// A published public key.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PublishedKey {
    pub key_id: String,
    pub algorithm: &'static str,
    pub public_key_hex: String,
    pub public_key_pem: String,
    /// `file` (`GONGDAO_SIGNING_KEY_FILE`) or `database`.
    pub source: &'static str,
    pub created_at: Option<DateTime<Utc>>,
    pub retired_at: Option<DateTime<Utc>>,
}

fn published(k: &VerifyingKey, source: &'static str) -> PublishedKey {
    PublishedKey {
        key_id: keys::key_id(k),
        algorithm: "Ed25519",
        public_key_hex: hex::encode(k.as_bytes()),
        public_key_pem: keys::public_pem(k),
        source,
        created_at: None,
        retired_at: None,
    }
}

/// The operator's key file, read and parsed (errors say which file and why).
pub fn key_from_file(path: &std::path::Path) -> anyhow::Result<SigningKey> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("GONGDAO_SIGNING_KEY_FILE {}: {e}", path.display()))?;
    keys::parse_secret(&text)
        .map_err(|e| anyhow::anyhow!("GONGDAO_SIGNING_KEY_FILE {}: {e}", path.display()))
}

fn model_key(m: &signing_key::Model) -> Result<SigningKey, AppError> {
    keys::parse_secret(&m.secret_key).map_err(|e| {
        tracing::error!("signing key {} in the database: {e}", m.key_id);
        AppError::Internal
    })
}

async fn newest<C: ConnectionTrait>(conn: &C) -> Result<Option<signing_key::Model>, AppError> {
    signing_key::Entity::find()
        .filter(signing_key::Column::RetiredAt.is_null())
        .order_by_desc(signing_key::Column::Id)
        .one(conn)
        .await
        .map_err(internal_error)
}

/// The key kept in the database, made now if there is none.
async fn database_key(svc: &Services) -> Result<SigningKey, AppError> {
    if let Some(m) = newest(&svc.db).await? {
        return model_key(&m);
    }
    let k = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
    let public = k.verifying_key();
    let insert = Query::insert()
        .into_table(signing_key::Entity)
        .columns([
            signing_key::Column::Id,
            signing_key::Column::KeyId,
            signing_key::Column::Algorithm,
            signing_key::Column::PublicKey,
            signing_key::Column::SecretKey,
            signing_key::Column::CreatedAt,
        ])
        .values([
            1.into(),
            keys::key_id(&public).into(),
            "Ed25519".into(),
            hex::encode(public.as_bytes()).into(),
            hex::encode(k.to_bytes()).into(),
            svc.clock.now().into(),
        ])
        .map_err(|_| AppError::Internal)?
        .on_conflict(
            OnConflict::column(signing_key::Column::Id)
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    svc.db.execute(&insert).await.map_err(internal_error)?;
    // Whichever server's insert won, everyone reads the same row.
    let m = newest(&svc.db).await?.ok_or(AppError::Internal)?;
    if m.id == 1 && m.key_id == keys::key_id(&public) {
        tracing::info!(
            "made the bundle signing key {} (kept in the database)",
            m.key_id
        );
    }
    model_key(&m)
}

/// The key that signs bundles now.
/// `key_from_file` for a request: the cause logged, a 500 answered.
fn configured_key(path: &std::path::Path) -> Result<SigningKey, AppError> {
    key_from_file(path).map_err(|e| {
        tracing::error!("{e:#}");
        AppError::Internal
    })
}

pub async fn current(svc: &Services) -> Result<SigningKey, AppError> {
    match &svc.config.signing_key_file {
        Some(path) => configured_key(path),
        None => database_key(svc).await,
    }
}

/// Every key to publish, the signing one first: the operator's key (if
/// configured), then the database's, newest first (retired ones too: the
/// bundles they signed still verify).
pub async fn published_keys(svc: &Services) -> Result<Vec<PublishedKey>, AppError> {
    let mut out = vec![];
    if svc.config.signing_key_file.is_some() {
        out.push(published(&current(svc).await?.verifying_key(), "file"));
    } else {
        database_key(svc).await?;
    }
    let rows = signing_key::Entity::find()
        .order_by_desc(signing_key::Column::Id)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    for m in rows {
        let k = model_key(&m)?.verifying_key();
        if out.iter().any(|p| p.key_id == keys::key_id(&k)) {
            continue;
        }
        out.push(PublishedKey {
            created_at: Some(m.created_at),
            retired_at: m.retired_at,
            ..published(&k, "database")
        });
    }
    Ok(out)
}

/// The public keys this server signs or signed with, read only (for
/// `gongdao verify-bundle` without `--key`): the operator's key file, then
/// every key in the database.
pub async fn known_keys(svc: &Services) -> Result<Vec<VerifyingKey>, AppError> {
    let mut out = vec![];
    if let Some(path) = &svc.config.signing_key_file {
        out.push(configured_key(path)?.verifying_key());
    }
    for m in signing_key::Entity::find()
        .all(&svc.db)
        .await
        .map_err(internal_error)?
    {
        out.push(model_key(&m)?.verifying_key());
    }
    Ok(out)
}
