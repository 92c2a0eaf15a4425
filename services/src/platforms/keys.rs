//! API keys: `gd_live_<12 hex>_<64 hex>`, 256 random bits after the public
//! prefix. Only the prefix (to find the key) and the SHA-256 of the whole key
//! are stored; the key is shown once, in the answer that creates it.
//! Every check reads the database, so a revoked key or a deactivated
//! organisation is refused at once on every server.

use domain::platforms::{ApiKeyView, CallView, CreatedKey, KEY_PREFIX, KeyInput, Scope};
use domain::{AppError, UserView};
use entities::{api_key, api_key_call, organisation};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use sha2::{Digest, Sha256};

use super::organisations::{find, kind_of};
use super::{OrgCaller, require_admin};
use crate::Services;
use crate::db::internal_error;

/// A new key for organisation `org_id`, with scopes its kind may hold; the
/// organisation must be active (409 otherwise).
pub async fn create(
    svc: &Services,
    admin: &UserView,
    org_id: i32,
    input: &KeyInput,
) -> Result<CreatedKey, AppError> {
    require_admin(admin)?;
    let o = find(&svc.db, org_id).await?;
    let (label, scopes) = input.check(kind_of(&o))?;
    if o.deactivated_at.is_some() {
        return Err(AppError::conflict(
            "organisation",
            "err.platform.org_inactive",
        ));
    }
    let prefix = format!("{KEY_PREFIX}{}", hex::encode(rand::random::<[u8; 6]>()));
    let key = format!("{prefix}_{}", hex::encode(rand::random::<[u8; 32]>()));
    let k = api_key::ActiveModel {
        organisation_id: Set(o.id),
        prefix: Set(prefix),
        key_hash: Set(hash(&key)),
        scopes: Set(Scope::join(&scopes)),
        label: Set(label),
        created_by: Set(admin.id),
        created_at: Set(svc.clock.now()),
        revoked_at: Set(None),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(&svc.db)
    .await
    .map_err(internal_error)?;
    tracing::info!(
        admin = admin.id,
        organisation = o.id,
        key = k.id,
        "API key created"
    );
    Ok(CreatedKey {
        key,
        api_key: view(&k),
    })
}

/// Revokes a key (refused from the next call). Revoking again changes nothing.
pub async fn revoke(svc: &Services, admin: &UserView, key_id: i32) -> Result<ApiKeyView, AppError> {
    require_admin(admin)?;
    let k = api_key::Entity::find_by_id(key_id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    if k.revoked_at.is_some() {
        return Ok(view(&k));
    }
    let mut am = k.into_active_model();
    am.revoked_at = Set(Some(svc.clock.now()));
    let k = am.update(&svc.db).await.map_err(internal_error)?;
    tracing::info!(admin = admin.id, key = key_id, "API key revoked");
    Ok(view(&k))
}

/// The organisation behind `token`, when it is a live key of an active
/// organisation; `None` for anything else (a user's session token too).
pub async fn authenticate(svc: &Services, token: &str) -> Result<Option<OrgCaller>, AppError> {
    let Some(prefix) = domain::platforms::key_lookup_prefix(token) else {
        return Ok(None);
    };
    let Some(k) = api_key::Entity::find()
        .filter(api_key::Column::Prefix.eq(prefix))
        .one(&svc.db)
        .await
        .map_err(internal_error)?
    else {
        return Ok(None);
    };
    if !same(&hash(token), &k.key_hash) || k.revoked_at.is_some() {
        return Ok(None);
    }
    let Some(o) = organisation::Entity::find_by_id(k.organisation_id)
        .filter(organisation::Column::DeactivatedAt.is_null())
        .one(&svc.db)
        .await
        .map_err(internal_error)?
    else {
        return Ok(None);
    };
    Ok(Some(OrgCaller {
        key_id: k.id,
        organisation_id: o.id,
        kind: kind_of(&o),
        name: o.name,
        scopes: Scope::split(&k.scopes),
    }))
}

/// Logs one call of `key` (and when it was last used).
pub async fn log_call(
    svc: &Services,
    key: &OrgCaller,
    method: &str,
    path: &str,
    status: u16,
) -> Result<(), AppError> {
    let now = svc.clock.now();
    let path: String = path.chars().take(300).collect();
    api_key_call::ActiveModel {
        key_id: Set(key.key_id),
        organisation_id: Set(key.organisation_id),
        method: Set(method.chars().take(10).collect()),
        path: Set(path),
        status: Set(i32::from(status)),
        at: Set(now),
        ..Default::default()
    }
    .insert(&svc.db)
    .await
    .map_err(internal_error)?;
    api_key::Entity::update_many()
        .col_expr(api_key::Column::LastUsedAt, Expr::value(now))
        .filter(api_key::Column::Id.eq(key.key_id))
        .exec(&svc.db)
        .await
        .map_err(internal_error)?;
    Ok(())
}

/// The organisation's most recent calls, newest first (at most `limit`).
pub async fn calls(
    svc: &Services,
    admin: &UserView,
    org_id: i32,
    limit: u64,
) -> Result<Vec<CallView>, AppError> {
    require_admin(admin)?;
    find(&svc.db, org_id).await?;
    let rows = api_key_call::Entity::find()
        .filter(api_key_call::Column::OrganisationId.eq(org_id))
        .order_by_desc(api_key_call::Column::Id)
        .limit(limit)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let keys = api_key::Entity::find()
        .filter(api_key::Column::OrganisationId.eq(org_id))
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    Ok(rows
        .into_iter()
        .map(|c| CallView {
            id: c.id,
            key_id: c.key_id,
            key_prefix: keys
                .iter()
                .find(|k| k.id == c.key_id)
                .map(|k| k.prefix.clone())
                .unwrap_or_default(),
            method: c.method,
            path: c.path,
            status: c.status,
            at: c.at,
        })
        .collect())
}

pub(super) fn view(k: &api_key::Model) -> ApiKeyView {
    ApiKeyView {
        id: k.id,
        organisation_id: k.organisation_id,
        prefix: k.prefix.clone(),
        label: k.label.clone(),
        scopes: Scope::split(&k.scopes)
            .into_iter()
            .map(|s| s.as_str().to_string())
            .collect(),
        created_at: k.created_at,
        revoked_at: k.revoked_at,
        last_used_at: k.last_used_at,
    }
}

fn hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Equal strings, compared in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
