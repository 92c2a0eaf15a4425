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
