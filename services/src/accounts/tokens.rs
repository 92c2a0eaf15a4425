//! Random tokens handed to users (session cookies, mailed links); only their
//! SHA-256 is stored.

use base64::Engine;
use sha2::{Digest, Sha256};

pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Stores a one-time mailed token of `purpose` for `user_id`, valid for
/// `ttl` from `now`, in `conn` (the caller's transaction); returns the token
/// to put in the link.
pub async fn issue<C: sea_orm::ConnectionTrait>(
    conn: &C,
    user_id: i32,
    purpose: &str,
    ttl: chrono::Duration,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String, domain::AppError> {
    use sea_orm::{ActiveModelTrait, Set};
    let token = new_token();
    entities::email_token::ActiveModel {
        token_hash: Set(hash_token(&token)),
        user_id: Set(user_id),
        purpose: Set(purpose.into()),
        expires_at: Set(now + ttl),
        used_at: Set(None),
        created_at: Set(now),
    }
    .insert(conn)
    .await
    .map_err(crate::db::internal_error)?;
    Ok(token)
}
