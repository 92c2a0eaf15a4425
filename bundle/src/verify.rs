//! Checking a bundle, offline: the chain is recomputed entry by entry, the
//! evidence files are hashed, the manifest is compared with what the
//! bundle holds, and its signature is checked. The first thing that does
//! not match is named.

use std::io::{Read, Seek};

use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::chain::{Entry, verify_chain};
use crate::keys;
use crate::manifest::Manifest;

/// What a bundle that verifies says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub case_number: String,
    pub case_id: i32,
    pub entries: usize,
    pub head: String,
    pub evidence: usize,
    /// Entries whose body is withheld (personal data) but whose hash was
    /// still recomputed from the body's commitment.
    pub redacted: usize,
    /// Entries written before hash scheme 2 whose body is withheld: their
    /// links were checked, their content could not be.
    pub unchecked: Vec<i32>,
    pub view: String,
    pub issued_at: String,
    pub key_id: String,
    /// The signature was checked with the key inside the bundle only (no
    /// `--key`): it proves the bundle is whole, not who made it.
    pub key_from_bundle: bool,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "OK: case {} — {} trail entries (head {}), {} evidence file(s), {} view, signed {} by key {}",
            self.case_number,
            self.entries,
            self.head,
            self.evidence,
            self.view,
            self.issued_at,
            self.key_id
        )?;
        if self.redacted > 0 {
            writeln!(
                f,
                "   {} entr{} with personal data withheld, checked by their body's commitment",
                self.redacted,
                if self.redacted == 1 { "y" } else { "ies" }
            )?;
        }
        if !self.unchecked.is_empty() {
            writeln!(
                f,
                "   note: entries {:?} predate hash scheme 2 and their bodies are withheld: their links are checked, their content is not",
                self.unchecked
            )?;
        }
        if self.key_from_bundle {
            writeln!(
                f,
                "   note: checked with the key inside the bundle; compare key id {} with the one published at /.well-known/gongdao-signing-key, or pass it with --key",
                self.key_id
            )?;
        }
        Ok(())
    }
}

/// The most a text file of a bundle may take in memory.
const MAX_TEXT: u64 = 256 * 1024 * 1024;

fn read_text<R: Read + Seek>(z: &mut zip::ZipArchive<R>, name: &str) -> Result<Vec<u8>, String> {
    let f = z
        .by_name(name)
        .map_err(|_| format!("{name}: missing from the bundle"))?;
    let mut bytes = vec![];
    f.take(MAX_TEXT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{name}: unreadable ({e})"))?;
    if bytes.len() as u64 > MAX_TEXT {
        return Err(format!("{name}: larger than {MAX_TEXT} bytes"));
    }
    Ok(bytes)
}

fn sha256_of<R: Read + Seek>(
    z: &mut zip::ZipArchive<R>,
    name: &str,
) -> Result<Option<(String, u64)>, String> {
    let Ok(mut f) = z.by_name(name) else {
        return Ok(None);
    };
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| format!("{name}: unreadable ({e})"))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        size += n as u64;
    }
    Ok(Some((hex::encode(h.finalize()), size)))
}

/// Checks a bundle. `keys`: the public keys to check the signature with
/// (the one the manifest names is used); `None` uses the key inside the
/// bundle and says so in the report.
pub fn verify<R: Read + Seek>(input: R, keys: Option<&[VerifyingKey]>) -> Result<Report, String> {
    let mut z = zip::ZipArchive::new(input).map_err(|e| format!("not a bundle (zip): {e}"))?;
    let manifest_bytes = read_text(&mut z, "manifest.txt")?;
    let manifest_text = String::from_utf8(manifest_bytes.clone())
        .map_err(|_| "manifest.txt: not UTF-8".to_string())?;
    let m = Manifest::parse(&manifest_text)?;

    // 1. The chain, entry by entry.
    let trail = read_text(&mut z, "trail.json")?;
    let entries: Vec<Entry> = serde_json::from_slice(&trail)
        .map_err(|e| format!("trail.json: not a list of trail entries ({e})"))?;
    let chain = verify_chain(m.case_id, &entries).map_err(|b| b.reason)?;
    if chain.length != m.trail_length {
        return Err(format!(
            "the trail has {} entries, the signed manifest says {} ({})",
            chain.length,
            m.trail_length,
            if chain.length < m.trail_length {
                "entries removed from the end?"
            } else {
                "entries added?"
            }
        ));
    }
    if chain.head != m.trail_head {
        return Err(format!(
            "the trail's last hash {} is not the signed chain head {} (the trail rewritten?)",
            chain.head, m.trail_head
        ));
    }

    // 2. The evidence files.
    let recorded: Vec<(String, bool)> = entries
        .iter()
        .filter(|e| e.kind == "evidence")
        .map(|e| {
            let sha = e
                .body
                .as_deref()
                .and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok())
                .and_then(|v| v["sha256"].as_str().map(str::to_string));
            (sha.clone().unwrap_or_default(), sha.is_some())
        })
        .collect();
    let all_readable = recorded.iter().all(|(_, readable)| *readable);
    for line in &m.evidence {
        let name = line.path.strip_prefix("evidence/").unwrap_or(&line.path);
        let (sha, size) = sha256_of(&mut z, &line.path)?
            .ok_or_else(|| format!("evidence {name}: missing from the bundle"))?;
        if sha != line.sha256 {
            return Err(format!(
                "evidence {name}: SHA-256 {sha} expected {} (file swapped or edited?)",
                line.sha256
            ));
        }
        if size != line.size {
            return Err(format!(
                "evidence {name}: {size} bytes, the manifest says {}",
                line.size
            ));
        }
        if all_readable && !recorded.iter().any(|(s, _)| *s == line.sha256) {
            return Err(format!(
                "evidence {name}: its SHA-256 {sha} is recorded on no trail entry"
            ));
        }
    }
    let listed: Vec<&str> = m.evidence.iter().map(|e| e.path.as_str()).collect();
    if let Some(extra) = z
        .file_names()
        .find(|n| n.starts_with("evidence/") && !listed.contains(n))
    {
        return Err(format!(
            "{extra}: not in the signed manifest (a file added?)"
        ));
    }

    // 3. The facts.
    let facts = read_text(&mut z, "case.json")?;
    let facts_sha = hex::encode(Sha256::digest(&facts));
    if facts_sha != m.facts_sha256 {
        return Err(format!(
            "case.json: SHA-256 {facts_sha} expected {} (the case facts edited?)",
            m.facts_sha256
        ));
    }

    // 4. The signature.
    let sig_bytes = read_text(&mut z, "manifest.sig")?;
    let sig = Signature::from_slice(&sig_bytes)
        .map_err(|_| "manifest.sig: not a 64-byte Ed25519 signature".to_string())?;
    let (candidates, from_bundle) = match keys {
        Some(k) => (k.to_vec(), false),
        None => {
            let pem = read_text(&mut z, "signing-key.pem")?;
            let k = keys::parse_public(&String::from_utf8_lossy(&pem))
                .map_err(|e| format!("signing-key.pem: {e}"))?;
            (k, true)
        }
    };
    let named: Vec<&VerifyingKey> = candidates
        .iter()
        .filter(|k| keys::key_id(k) == m.key_id)
        .collect();
    match named.first() {
        Some(k) => k.verify(manifest_text.as_bytes(), &sig).map_err(|_| {
            format!(
                "signature does not verify with key {} (manifest.txt or manifest.sig edited?)",
                m.key_id
            )
        })?,
        None => {
            let ids: Vec<String> = candidates.iter().map(keys::key_id).collect();
            return Err(format!(
                "signature does not verify with key {}: the bundle was signed with key {}",
                if ids.is_empty() {
                    "(none given)".into()
                } else {
                    ids.join(", ")
                },
                m.key_id
            ));
        }
    }

    Ok(Report {
        case_number: m.case_number,
        case_id: m.case_id,
        entries: chain.length,
        head: chain.head,
        evidence: m.evidence.len(),
        redacted: entries.iter().filter(|e| e.body.is_none()).count() - chain.unchecked.len(),
        unchecked: chain.unchecked,
        view: m.view,
        issued_at: m.issued_at,
        key_id: m.key_id,
        key_from_bundle: from_bundle,
    })
}

/// [`verify`] on a file.
pub fn verify_file(
    path: &std::path::Path,
    keys: Option<&[VerifyingKey]>,
) -> Result<Report, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    verify(std::io::BufReader::new(f), keys)
}
