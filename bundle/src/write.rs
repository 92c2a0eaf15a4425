//! Writing a bundle: one zip file holding
//!
//! | file | what it is |
//! |---|---|
//! | `README.txt` | what is inside and how to check it (中文 / English) |
//! | `manifest.txt` | the signed manifest ([`crate::manifest`]) |
//! | `manifest.sig` | its Ed25519 signature, 64 raw bytes |
//! | `signing-key.pem` | the public key that signed it (compare its id with the published one) |
//! | `case.json` | the case's facts as the reader may see them |
//! | `trail.json` | every trail entry with everything its hash covers ([`crate::chain::Entry`]) |
//! | `evidence/<id>-<name>` | the evidence files, byte for byte |

use std::io::{Read, Seek, Write};
use std::path::PathBuf;

use ed25519_dalek::{Signer, SigningKey};
use sha2::{Digest, Sha256};
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use crate::chain::Entry;
use crate::keys;
use crate::manifest::{EvidenceLine, Manifest};

/// One evidence file to put in the bundle, read from `file` and checked
/// against `sha256` on the way in.
pub struct EvidenceSource {
    pub id: i32,
    pub file_name: String,
    pub sha256: String,
    pub size: u64,
    pub file: PathBuf,
}

/// Where an evidence file goes in the bundle: `evidence/<id>-<name>`, the
/// name's spaces and path separators made `_` (a manifest line is split
/// at spaces).
pub fn evidence_path(id: i32, file_name: &str) -> String {
    let name: String = file_name
        .chars()
        .map(|c| {
            if c.is_whitespace() || c.is_control() || c == '/' || c == '\\' {
                '_'
            } else {
                c
            }
        })
        .collect();
    format!("evidence/{id}-{name}")
}

/// What a bundle holds.
pub struct Contents<'a> {
    pub case_number: &'a str,
    pub case_id: i32,
    /// The facts as JSON, as the reader may see them.
    pub facts_json: &'a [u8],
    pub entries: &'a [Entry],
    pub evidence: &'a [EvidenceSource],
    /// `full` or `masked`.
    pub view: &'a str,
    /// RFC 3339, microseconds, `Z`.
    pub issued_at: &'a str,
}

const README: &str = include_str!("bundle-readme.txt");

/// Writes the bundle to `out`, signing its manifest with `key`. Fails
/// (writing nothing usable) when an evidence file no longer hashes to
/// what was recorded.
pub fn write<W: Write + Seek>(out: W, c: &Contents, key: &SigningKey) -> Result<W, String> {
    let io = |e: std::io::Error| format!("writing the bundle: {e}");
    let zerr = |e: zip::result::ZipError| format!("writing the bundle: {e}");
    let mut zip = zip::ZipWriter::new(out);
    let text = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    // Images and PDFs are compressed already.
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .large_file(true);

    zip.start_file("README.txt", text).map_err(zerr)?;
    zip.write_all(README.as_bytes()).map_err(io)?;
    zip.start_file("case.json", text).map_err(zerr)?;
    zip.write_all(c.facts_json).map_err(io)?;
    let trail = serde_json::to_vec_pretty(c.entries).map_err(|e| e.to_string())?;
    zip.start_file("trail.json", text).map_err(zerr)?;
    zip.write_all(&trail).map_err(io)?;

    let mut lines = vec![];
    for e in c.evidence {
        let path = evidence_path(e.id, &e.file_name);
        zip.start_file(path.as_str(), stored).map_err(zerr)?;
        let mut f =
            std::fs::File::open(&e.file).map_err(|err| format!("evidence {}: {err}", e.sha256))?;
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        let mut size = 0u64;
        loop {
            let n = f.read(&mut buf).map_err(io)?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
            zip.write_all(&buf[..n]).map_err(io)?;
            size += n as u64;
        }
        let sha = hex::encode(h.finalize());
        if sha != e.sha256 || size != e.size {
            return Err(format!(
                "stored evidence file {} no longer matches its SHA-256 (now {sha}, {size} bytes)",
                e.sha256
            ));
        }
        lines.push(EvidenceLine {
            sha256: sha,
            size,
            path,
        });
    }

    let public = key.verifying_key();
    let manifest = Manifest {
        case_number: c.case_number.into(),
        case_id: c.case_id,
        facts_sha256: hex::encode(Sha256::digest(c.facts_json)),
        trail_length: c.entries.len(),
        trail_head: c
            .entries
            .last()
            .map_or(crate::chain::GENESIS.to_string(), |e| e.hash.clone()),
        evidence: lines,
        view: c.view.into(),
        issued_at: c.issued_at.into(),
        key_id: keys::key_id(&public),
    }
    .to_text();
    let signature = key.sign(manifest.as_bytes());
    zip.start_file("manifest.txt", text).map_err(zerr)?;
    zip.write_all(manifest.as_bytes()).map_err(io)?;
    zip.start_file("manifest.sig", stored).map_err(zerr)?;
    zip.write_all(&signature.to_bytes()).map_err(io)?;
    zip.start_file("signing-key.pem", text).map_err(zerr)?;
    zip.write_all(keys::public_pem(&public).as_bytes())
        .map_err(io)?;
    zip.finish().map_err(zerr)
}

/// Rewrites a bundle with `change` applied to its files (name → bytes; a
/// `None` drops the file): how the tests play the tamperer.
pub fn rewrite<R: Read + Seek, W: Write + Seek>(
    input: R,
    out: W,
    mut change: impl FnMut(&str, Vec<u8>) -> Option<Vec<u8>>,
) -> Result<W, String> {
    let mut archive = zip::ZipArchive::new(input).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipWriter::new(out);
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).map_err(|e| e.to_string())?;
        let name = f.name().to_string();
        let mut bytes = vec![];
        f.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
        if let Some(bytes) = change(&name, bytes) {
            zip.start_file(name.as_str(), opts)
                .map_err(|e| e.to_string())?;
            zip.write_all(&bytes).map_err(|e| e.to_string())?;
        }
    }
    zip.finish().map_err(|e| e.to_string())
}
