//! The standalone verifier, as a court's clerk would run it: a bundle made
//! here (no server, no database), checked by the `gongdao-verify-bundle`
//! binary with the published key; a tampered one fails, naming what.

use std::io::Cursor;
use std::process::Command;

use bundle::SigningKey;
use bundle::chain::{Entry, GENESIS};
use bundle::write::{Contents, EvidenceSource, write};

fn sample(dir: &std::path::Path, key: &SigningKey) -> Vec<u8> {
    let receipt = dir.join("receipt");
    std::fs::write(&receipt, b"%PDF-1.7 receipt").unwrap();
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b"%PDF-1.7 receipt"));
    let mut entries: Vec<Entry> = vec![];
    for (seq, (kind, body)) in [
        ("filed", r#"{"title":"漏水"}"#.to_string()),
        (
            "evidence",
            format!(r#"{{"file_name":"receipt.pdf","sha256":"{sha}"}}"#),
        ),
        ("message", r#"{"message":"请尽快处理"}"#.to_string()),
    ]
    .into_iter()
    .enumerate()
    {
        let mut e = Entry {
            seq: seq as i32 + 1,
            at: format!("2026-12-0{}T08:00:00.000000Z", seq + 1),
            actor_id: Some(4),
            actor_role: "consumer".into(),
            kind: kind.into(),
            hash_scheme: 2,
            body: Some(body),
            body_salt: Some(format!("{seq:032}")),
            body_commitment: None,
            body_redacted: None,
            prev_hash: entries.last().map_or(GENESIS.into(), |p| p.hash.clone()),
            hash: String::new(),
        };
        e.hash = e.recompute(12).unwrap().unwrap();
        entries.push(e);
    }
    let evidence = [EvidenceSource {
        id: 3,
        file_name: "receipt copy.pdf".into(),
        sha256: sha,
        size: 16,
        file: receipt,
    }];
    write(
        Cursor::new(vec![]),
        &Contents {
            case_number: "GD2026-000012",
            case_id: 12,
            facts_json: br#"{"number":"GD2026-000012"}"#,
            entries: &entries,
            evidence: &evidence,
            view: "full",
            issued_at: "2026-12-06T12:00:00.000000Z",
        },
        key,
    )
    .unwrap()
    .into_inner()
}

fn run(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gongdao-verify-bundle"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn the_binary_verifies_a_bundle_and_names_what_was_changed() {
    let dir = tempfile::tempdir().unwrap();
    let key = SigningKey::from_bytes(&[1u8; 32]);
    let zip = sample(dir.path(), &key);
    let file = dir.path().join("bundle.zip");
    std::fs::write(&file, &zip).unwrap();
    let f = file.to_str().unwrap();
    let pem = dir.path().join("key.pem");
    std::fs::write(&pem, bundle::keys::public_pem(&key.verifying_key())).unwrap();
    let key_hex = hex::encode(key.verifying_key().as_bytes());

    let (ok, out) = run(&[f, "--key", pem.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert!(
        out.starts_with("OK: case GD2026-000012 — 3 trail entries"),
        "{out}"
    );
    let (ok, out) = run(&[f, "--key", &key_hex]);
    assert!(ok && !out.contains("inside the bundle"), "{out}");
    // Without a key: whole, but the report says whose key it was not checked against.
    let (ok, out) = run(&[f]);
    assert!(
        ok && out.contains("checked with the key inside the bundle"),
        "{out}"
    );

    let edited = bundle::write::rewrite(Cursor::new(&zip), Cursor::new(vec![]), |name, bytes| {
        Some(if name == "trail.json" {
            String::from_utf8(bytes)
                .unwrap()
                .replace("请尽快处理", "已经处理")
                .into_bytes()
        } else {
            bytes
        })
    })
    .unwrap()
    .into_inner();
    std::fs::write(&file, &edited).unwrap();
    let (ok, out) = run(&[f, "--key", &key_hex]);
    assert!(!ok);
    assert_eq!(
        out.trim(),
        "FAILED: entry 3: hash does not match its content (body edited?)"
    );

    std::fs::write(&file, &zip).unwrap();
    let other = hex::encode(
        SigningKey::from_bytes(&[2u8; 32])
            .verifying_key()
            .as_bytes(),
    );
    let (ok, out) = run(&[f, "--key", &other]);
    assert!(
        !ok && out.contains("signature does not verify with key"),
        "{out}"
    );
    let (ok, out) = run(&[]);
    assert!(!ok && out.contains("usage"), "{out}");
}

/// The README's second recipe: Python's standard library and openssl.
#[test]
fn the_python_and_openssl_recipe_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let key = SigningKey::from_bytes(&[1u8; 32]);
    let zip = sample(dir.path(), &key);
    let file = dir.path().join("bundle.zip");
    let pem = dir.path().join("key.pem");
    std::fs::write(&pem, bundle::keys::public_pem(&key.verifying_key())).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/verify_bundle.py");
    let py = |zip: &[u8], pem: &std::path::Path| {
        std::fs::write(&file, zip).unwrap();
        let out = Command::new("python3")
            .args([script, file.to_str().unwrap(), pem.to_str().unwrap()])
            .output()
            .expect("python3 runs");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
        )
    };
    assert_eq!(py(&zip, &pem), (true, "OK".to_string()));
    let swapped = bundle::write::rewrite(Cursor::new(&zip), Cursor::new(vec![]), |name, bytes| {
        Some(if name.starts_with("evidence/") {
            b"%PDF-1.7 another".to_vec()
        } else {
            bytes
        })
    })
    .unwrap()
    .into_inner();
    let (ok, out) = py(&swapped, &pem);
    assert!(
        !ok && out.starts_with("FAILED: evidence 3-receipt_copy.pdf: SHA-256"),
        "{out}"
    );
    let other = dir.path().join("other.pem");
    std::fs::write(
        &other,
        bundle::keys::public_pem(&SigningKey::from_bytes(&[2u8; 32]).verifying_key()),
    )
    .unwrap();
    let (ok, out) = py(&zip, &other);
    assert!(
        !ok && out.starts_with("FAILED: signature does not verify"),
        "{out}"
    );
}
