//! Ed25519 keys: their ids, their PEM forms (what `openssl` reads and
//! writes) and reading a key a person hands the verifier.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

pub use ed25519_dalek::{Signature, Signer, Verifier};

/// DER before the 32 key bytes: SubjectPublicKeyInfo, id-Ed25519 (RFC 8410).
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];
/// DER before the 32 seed bytes: PKCS#8 v1 PrivateKeyInfo, id-Ed25519 (what
/// `openssl genpkey -algorithm ed25519` writes).
const PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// The key id: the first 16 hex digits of SHA-256 of the raw public key.
pub fn key_id(k: &VerifyingKey) -> String {
    hex::encode(Sha256::digest(k.as_bytes()))[..16].to_string()
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The public key as PEM (`-----BEGIN PUBLIC KEY-----`), for `openssl pkeyutl -verify -pubin`.
pub fn public_pem(k: &VerifyingKey) -> String {
    pem("PUBLIC KEY", &[&SPKI_PREFIX[..], k.as_bytes()].concat())
}

/// The secret key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
pub fn secret_pem(k: &SigningKey) -> String {
    pem("PRIVATE KEY", &[&PKCS8_PREFIX[..], k.as_bytes()].concat())
}

/// The DER inside the first PEM block labelled `label`.
fn pem_der(text: &str, label: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let from = text.find(&begin)? + begin.len();
    let to = from + text[from..].find(&end)?;
    let b64: String = text[from..to]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    STANDARD.decode(b64).ok()
}

fn thirty_two(bytes: &[u8]) -> Option<[u8; 32]> {
    bytes.try_into().ok()
}

/// A secret key from a PKCS#8 PEM file (`openssl genpkey -algorithm
/// ed25519`) or 64 hex digits (the seed).
pub fn parse_secret(text: &str) -> Result<SigningKey, String> {
    let t = text.trim();
    if let Some(der) = pem_der(t, "PRIVATE KEY") {
        return der
            .strip_prefix(&PKCS8_PREFIX[..])
            .and_then(thirty_two)
            .map(|b| SigningKey::from_bytes(&b))
            .ok_or_else(|| "not an Ed25519 private key (PKCS#8)".to_string());
    }
    hex::decode(t)
        .ok()
        .and_then(|b| thirty_two(&b))
        .map(|b| SigningKey::from_bytes(&b))
        .ok_or_else(|| "neither a PEM Ed25519 private key nor 64 hex digits".to_string())
}

fn public_from_raw(bytes: &[u8]) -> Result<VerifyingKey, String> {
    let b = thirty_two(bytes).ok_or("an Ed25519 public key has 32 bytes")?;
    VerifyingKey::from_bytes(&b).map_err(|_| "not a valid Ed25519 public key".to_string())
}

/// Public keys from what a person hands the verifier: 64 hex digits, a PEM
/// public key, or the JSON published at `/.well-known/gongdao-signing-key`
/// (every key it lists).
pub fn parse_public(text: &str) -> Result<Vec<VerifyingKey>, String> {
    let t = text.trim();
    if t.starts_with('{') {
        let v: serde_json::Value = serde_json::from_str(t).map_err(|e| format!("not JSON: {e}"))?;
        let keys = v["keys"].as_array().ok_or("JSON without a \"keys\" list")?;
        return keys
            .iter()
            .map(|k| {
                let h = k["public_key_hex"]
                    .as_str()
                    .ok_or("a key without public_key_hex")?;
                public_from_raw(&hex::decode(h).map_err(|_| "public_key_hex is not hex")?)
            })
            .collect();
    }
    if let Some(der) = pem_der(t, "PUBLIC KEY") {
        let raw = der
            .strip_prefix(&SPKI_PREFIX[..])
            .ok_or("not an Ed25519 public key (SubjectPublicKeyInfo)")?;
        return Ok(vec![public_from_raw(raw)?]);
    }
    let raw = hex::decode(t).map_err(|_| {
        "neither 64 hex digits, a PEM public key nor the JSON of /.well-known/gongdao-signing-key"
            .to_string()
    })?;
    Ok(vec![public_from_raw(&raw)?])
}

/// `--key FILE_OR_HEX`: 64 hex digits as they are, else the file's content.
pub fn read_key_arg(arg: &str) -> Result<Vec<VerifyingKey>, String> {
    let a = arg.trim();
    if a.len() == 64 && a.chars().all(|c| c.is_ascii_hexdigit()) {
        return parse_public(a);
    }
    let text = std::fs::read_to_string(a).map_err(|e| format!("{a}: {e}"))?;
    parse_public(&text).map_err(|e| format!("{a}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_survive_their_pem_and_hex_forms() {
        let k = SigningKey::from_bytes(&[7u8; 32]);
        let p = k.verifying_key();
        assert_eq!(
            parse_secret(&secret_pem(&k)).unwrap().to_bytes(),
            k.to_bytes()
        );
        assert_eq!(
            parse_secret(&hex::encode([7u8; 32])).unwrap().to_bytes(),
            k.to_bytes()
        );
        assert_eq!(parse_public(&public_pem(&p)).unwrap(), vec![p]);
        assert_eq!(parse_public(&hex::encode(p.as_bytes())).unwrap(), vec![p]);
        let json = serde_json::json!({"keys": [{"key_id": key_id(&p), "public_key_hex": hex::encode(p.as_bytes())}]});
        assert_eq!(parse_public(&json.to_string()).unwrap(), vec![p]);
        assert_eq!(key_id(&p).len(), 16);
        assert!(parse_public("hello").is_err());
        // The PEM openssl writes for this seed (`openssl pkey -pubout`).
        assert!(public_pem(&p).starts_with("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"));
    }
}
