//! Consumers' real-name identities (实名认证): adding one, reading it
//! masked, decrypting it for staff (the caller logs the read), and the
//! check the case steps configured in `GONGDAO_REAL_NAME_REQUIRED` make.
//!
//! The resident ID number is stored three ways, none of them in clear:
//! encrypted with ChaCha20-Poly1305 (so staff can reveal it), as an
//! HMAC-SHA256 in a unique index (one person, one account, found without
//! decrypting anything) and masked (`3301**********123X`) for display.
//! Both keys derive from one 32-byte key (`GONGDAO_PII_KEY`, or
//! `<data_dir>/pii.key` made on first start); the database keeps a check
//! value of it so a server with another key refuses to start.

use std::path::Path;

use anyhow::{Context, bail};
use base64::Engine;
use domain::identity::{IdentityInput, IdentityView, RevealedIdentity};
use domain::{AppError, Role, UserView};
use entities::{consumer_identity, pii_key_check};
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait,
};

use crate::Services;
use crate::config::{Config, SecretKey};
use crate::db::{conflict_on_unique, internal_error};

/// The keys derived from the configured personal-data key.
pub struct PiiKeys {
    hash: hmac::Key,
    seal: LessSafeKey,
    check: String,
}

impl std::fmt::Debug for PiiKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PiiKeys(check {})", &self.check[..8])
    }
}

fn derive(master: &hmac::Key, label: &str) -> [u8; 32] {
    let tag = hmac::sign(master, label.as_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(&tag.as_ref()[..32]);
    out
}

impl PiiKeys {
    pub fn new(key: &SecretKey) -> PiiKeys {
        let master = hmac::Key::new(hmac::HMAC_SHA256, &key.0);
        let hash = hmac::Key::new(
            hmac::HMAC_SHA256,
            &derive(&master, "gongdao/resident_id/hash/v1"),
        );
        let seal_key = derive(&master, "gongdao/resident_id/seal/v1");
        let seal = match UnboundKey::new(&CHACHA20_POLY1305, &seal_key) {
            Ok(k) => LessSafeKey::new(k),
            // 32 bytes is ChaCha20-Poly1305's key length: cannot happen.
            Err(_) => unreachable!("a 32-byte key"),
        };
        let check = hex::encode(derive(&master, "gongdao/pii-key-check/v1"));
        PiiKeys { hash, seal, check }
    }

    /// The configured key, or the one in `<data_dir>/pii.key` (made there,
    /// readable by its owner only, on first start, with a warning).
    pub fn from_config(config: &Config) -> anyhow::Result<PiiKeys> {
        if let Some(k) = &config.pii_key {
            return Ok(PiiKeys::new(k));
        }
        let path = config.data_dir.join("pii.key");
        Ok(PiiKeys::new(&load_or_make(&path)?))
    }

    fn hash(&self, number: &str) -> String {
        hex::encode(hmac::sign(&self.hash, number.as_bytes()).as_ref())
    }

    fn seal(&self, user_id: i32, number: &str) -> Result<String, AppError> {
        let mut nonce = [0u8; 12];
        SystemRandom::new().fill(&mut nonce).map_err(|_| {
            tracing::error!("no randomness for a nonce");
            AppError::Internal
        })?;
        let mut buf = number.as_bytes().to_vec();
        self.seal
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(user_id.to_be_bytes()),
                &mut buf,
            )
            .map_err(|_| AppError::Internal)?;
        let mut out = nonce.to_vec();
        out.extend(buf);
        Ok(base64::engine::general_purpose::STANDARD.encode(out))
    }

    fn open(&self, user_id: i32, sealed: &str) -> Result<String, AppError> {
        let fail = || {
            tracing::error!(user_id, "a stored resident ID number does not decrypt");
            AppError::Internal
        };
        let raw = base64::engine::general_purpose::STANDARD
            .decode(sealed)
            .map_err(|_| fail())?;
        if raw.len() < 12 {
            return Err(fail());
        }
        let (nonce, rest) = raw.split_at(12);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| fail())?;
        let mut buf = rest.to_vec();
        let plain = self
            .seal
            .open_in_place(nonce, Aad::from(user_id.to_be_bytes()), &mut buf)
            .map_err(|_| fail())?;
        String::from_utf8(plain.to_vec()).map_err(|_| fail())
    }
}

fn load_or_make(path: &Path) -> anyhow::Result<SecretKey> {
    if let Ok(text) = std::fs::read_to_string(path) {
        return SecretKey::parse(&text)
            .with_context(|| format!("{} does not hold a 32-byte hex key", path.display()));
    }
    let mut bytes = [0u8; 32];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| anyhow::anyhow!("no randomness for the personal-data key"))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    match open.open(path) {
        Ok(mut f) => {
            use std::io::Write;
            f.write_all(hex::encode(bytes).as_bytes())
                .and_then(|_| f.sync_all())
                .with_context(|| format!("writing {}", path.display()))?;
            tracing::warn!(
                "GONGDAO_PII_KEY is not set: made a personal-data key in {}. Keep it with the \
                 database's backups; every server sharing the database needs the same \
                 (set GONGDAO_PII_KEY to its contents).",
                path.display()
            );
            Ok(SecretKey(bytes))
        }
        // Another process made it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = std::fs::read_to_string(path)?;
            SecretKey::parse(&text)
                .with_context(|| format!("{} does not hold a 32-byte hex key", path.display()))
        }
        Err(e) => Err(e).with_context(|| format!("creating {}", path.display())),
    }
}

/// Records the key's check value if the database has none, and refuses a
/// key other than the one the database was written with.
pub async fn check_key(db: &DatabaseConnection, keys: &PiiKeys) -> anyhow::Result<()> {
    use sea_orm::sea_query::OnConflict;
    pii_key_check::Entity::insert(pii_key_check::ActiveModel {
        id: Set(1),
        check_value: Set(keys.check.clone()),
    })
    .on_conflict(
        OnConflict::column(pii_key_check::Column::Id)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    let stored = pii_key_check::Entity::find_by_id(1)
        .one(db)
        .await?
        .map(|r| r.check_value)
        .unwrap_or_default();
    if stored != keys.check {
        bail!(
            "the personal-data key (GONGDAO_PII_KEY, or pii.key in the data directory) is not the \
             one this database was written with: every server sharing a database needs the same \
             key. Refusing to start rather than write resident ID numbers the others cannot read."
        );
    }
    Ok(())
}

fn view(row: &consumer_identity::Model) -> IdentityView {
    IdentityView {
        real_name: row.real_name.clone(),
        resident_id_masked: row.resident_id_masked.clone(),
        verified_at: row.verified_at,
    }
}

/// The identity of account `user_id`, masked.
pub async fn of_user<C: ConnectionTrait>(
    conn: &C,
    user_id: i32,
) -> Result<Option<IdentityView>, AppError> {
    Ok(consumer_identity::Entity::find_by_id(user_id)
        .one(conn)
        .await
        .map_err(internal_error)?
        .as_ref()
        .map(view))
}

/// The identity of account `user_id` in full, for staff whose reason the
/// caller logged.
pub async fn reveal<C: ConnectionTrait>(
    svc: &Services,
    conn: &C,
    user_id: i32,
) -> Result<Option<RevealedIdentity>, AppError> {
    let Some(row) = consumer_identity::Entity::find_by_id(user_id)
        .one(conn)
        .await
        .map_err(internal_error)?
    else {
        return Ok(None);
    };
    Ok(Some(RevealedIdentity {
        resident_id: svc.pii.open(user_id, &row.resident_id_cipher)?,
        real_name: row.real_name,
        verified_at: row.verified_at,
    }))
}

/// The consumer `viewer` adds their identity. Sending the same identity
/// again answers it unchanged; a different one once verified is refused
/// (409 `identity`: support corrects it); a number another account holds
/// is refused (409 `resident_id`) without saying which account.
pub async fn set(
    svc: &Services,
    viewer: &UserView,
    input: &IdentityInput,
) -> Result<IdentityView, AppError> {
    if viewer.role != Role::Consumer {
        return Err(AppError::Forbidden);
    }
    let now = svc.clock.now();
    let today = now
        .with_timezone(&domain::calendar::shanghai())
        .date_naive();
    let (name, number) = input.parse(today)?;
    let hash = svc.pii.hash(number.as_str());
    let taken = || AppError::conflict("resident_id", "err.identity.taken");
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    if let Some(row) = consumer_identity::Entity::find_by_id(viewer.id)
        .one(&txn)
        .await
        .map_err(internal_error)?
    {
        if row.resident_id_hash == hash && row.real_name == name.as_str() {
            return Ok(view(&row));
        }
        return Err(AppError::conflict(
            "identity",
            "err.identity.change_by_support",
        ));
    }
    {
        use sea_orm::{ColumnTrait, QueryFilter};
        let holder = consumer_identity::Entity::find()
            .filter(consumer_identity::Column::ResidentIdHash.eq(&hash))
            .one(&txn)
            .await
            .map_err(internal_error)?;
        if holder.is_some() {
            return Err(taken());
        }
    }
    let row = consumer_identity::ActiveModel {
        user_id: Set(viewer.id),
        real_name: Set(name.as_str().into()),
        resident_id_hash: Set(hash),
        resident_id_cipher: Set(svc.pii.seal(viewer.id, number.as_str())?),
        resident_id_masked: Set(number.masked()),
        verified_at: Set(now),
    }
    // Two accounts racing with one number: the unique index decides.
    .insert(&txn)
    .await
    .map_err(conflict_on_unique("resident_id", "err.identity.taken"))?;
    txn.commit().await.map_err(internal_error)?;
    tracing::info!(user_id = viewer.id, "identity verified");
    Ok(view(&row))
}

/// Refuses step `step` of the consumer `consumer_id` when the
/// configuration requires an identity for it and they have none.
pub async fn require_for<C: ConnectionTrait>(
    svc: &Services,
    conn: &C,
    consumer_id: i32,
    step: domain::identity::GuardedStep,
) -> Result<(), AppError> {
    if !svc.config.real_name_required.contains(&step) {
        return Ok(());
    }
    let found = consumer_identity::Entity::find_by_id(consumer_id)
        .one(conn)
        .await
        .map_err(internal_error)?;
    match found {
        Some(_) => Ok(()),
        None => Err(step.refusal()),
    }
}
