//! Case bundles (`GET /api/v1/cases/{id}/bundle`): one zip anyone can check
//! offline. A bundle verifies with the published key; each kind of
//! tampering (an edited body, a removed entry, a swapped evidence file,
//! edited facts, an edited manifest, the wrong key) is named; the merchant's
//! bundle holds none of the consumer's personal data and still verifies;
//! every server on the database signs with the same key.

use std::collections::BTreeMap;
use std::io::Cursor;

use bundle::VerifyingKey;
use serde_json::{Value, json};

use crate::cases::{CONSUMER_NAME, R, Stage, World};
use crate::harness::{Req, Resp, TestApp, backend_tests};

const PHONE: &str = "13912345678";
const ID_NUMBER: &str = "110101199003074518";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR a receipt";
const PDF: &[u8] = b"%PDF-1.7\n% an invoice\n";

fn multipart(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    crate::credit::multipart_file(name, "application/octet-stream", bytes)
}

async fn upload(w: &World, r: R, id: i64, name: &str, bytes: &[u8]) {
    let (ct, body) = multipart(name, bytes);
    w.app
        .send(
            Req::post(&format!("/api/v1/cases/{id}/evidence"))
                .body(body)
                .header("content-type", &ct)
                .bearer(w.token(r)),
        )
        .await
        .expect(201);
}

/// A case with personal data in its narrative, a message and an evidence
/// file's name, answered by the merchant, with two evidence files.
async fn case_with_personal_data(w: &World) -> i64 {
    let mut body = w.complaint(json!(w.merchant_a), &w.next_ref());
    body["narrative"] = json!(format!(
        "洗衣机漏水，请联系我，电话{PHONE}，身份证{ID_NUMBER}。"
    ));
    let id = w.file_as(R::C, &body).await.expect(201).json()["id"]
        .as_i64()
        .unwrap();
    w.act(
        R::C,
        id,
        &json!({"action": "message", "message": format!("我的手机 {PHONE}")}),
    )
    .await
    .expect(200);
    w.ok(R::M, id, "respond", Stage::AwaitingMerchant).await;
    upload(w, R::C, id, "receipt.png", PNG).await;
    upload(w, R::C, id, &format!("发票{PHONE}.pdf"), PDF).await;
    id
}

pub(crate) async fn download(app: &TestApp, token: &str, id: i64, query: &str) -> Resp {
    app.send(Req::get(&format!("/api/v1/cases/{id}/bundle{query}")).bearer(token))
        .await
}

pub(crate) async fn published(app: &TestApp) -> (Value, Vec<VerifyingKey>) {
    let r = app
        .send(Req::get("/.well-known/gongdao-signing-key"))
        .await
        .expect(200);
    let keys = bundle::keys::parse_public(&r.text()).unwrap();
    (r.json(), keys)
}

pub(crate) fn verify(zip: &[u8], keys: &[VerifyingKey]) -> Result<bundle::verify::Report, String> {
    bundle::verify::verify(Cursor::new(zip), Some(keys))
}

/// The bundle with `change` applied to its files.
pub(crate) fn tamper(zip: &[u8], change: impl FnMut(&str, Vec<u8>) -> Option<Vec<u8>>) -> Vec<u8> {
    bundle::write::rewrite(Cursor::new(zip), Cursor::new(vec![]), change)
        .unwrap()
        .into_inner()
}

/// Every file of the bundle, uncompressed.
pub(crate) fn files(zip: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    tamper(zip, |name, bytes| {
        out.insert(name.to_string(), bytes.clone());
        Some(bytes)
    });
    out
}

fn trail_of(zip: &[u8]) -> Vec<Value> {
    serde_json::from_slice(&files(zip)["trail.json"]).unwrap()
}

/// The bundle with its trail changed by `edit`.
fn edit_trail(zip: &[u8], mut edit: impl FnMut(&mut Vec<Value>)) -> Vec<u8> {
    tamper(zip, |name, bytes| {
        if name != "trail.json" {
            return Some(bytes);
        }
        let mut entries: Vec<Value> = serde_json::from_slice(&bytes).unwrap();
        edit(&mut entries);
        Some(serde_json::to_vec(&entries).unwrap())
    })
}

async fn pii_log(w: &World) -> Vec<Value> {
    w.app
        .send(Req::get("/api/v1/admin/pii-log").bearer(w.token(R::Adm)))
        .await
        .expect(200)
        .items()
}

#[track_caller]
fn fails_naming(zip: &[u8], keys: &[VerifyingKey], what: &str) {
    match verify(zip, keys) {
        Ok(r) => panic!("expected a failure naming {what:?}, it verified: {r}"),
        Err(e) => assert!(e.contains(what), "expected {what:?} in: {e}"),
    }
}

backend_tests! {
    async fn a_bundle_verifies_and_each_kind_of_tampering_is_named(app) {
        let w = World::new(app).await;
        let id = case_with_personal_data(&w).await;
        let r = download(&w.app, w.token(R::C), id, "").await.expect(200);
        assert_eq!(r.header("content-type"), Some("application/zip"));
        let number = w.view(R::C, id).await["number"].as_str().unwrap().to_string();
        assert_eq!(r.header("content-disposition").unwrap(), format!("attachment; filename=\"gongdao-{number}.zip\""));
        let zip = r.body.to_vec();
        let (doc, keys) = published(&w.app).await;
        assert_eq!(doc["algorithm"], "Ed25519");
        assert_eq!(doc["keys"][0]["key_id"], doc["current"]);

        let report = verify(&zip, &keys).unwrap();
        let trail = w.trail(id).await;
        assert_eq!((report.entries, report.evidence, report.redacted), (trail.len(), 2, 0));
        assert_eq!((report.case_number.as_str(), report.view.as_str()), (number.as_str(), "full"));
        assert_eq!(report.head, trail.last().unwrap()["hash"].as_str().unwrap());
        assert_eq!(Some(report.key_id.as_str()), doc["current"].as_str());
        assert!(!report.key_from_bundle);
        // The consumer's own bundle is whole: their data, every body, the files byte for byte.
        let all = files(&zip);
        assert!(String::from_utf8_lossy(&all["case.json"]).contains(PHONE));
        assert!(all.values().any(|f| f == PNG) && all.values().any(|f| f == PDF));
        for f in ["README.txt", "manifest.txt", "manifest.sig", "signing-key.pem"] {
            assert!(all.contains_key(f), "{f}: {:?}", all.keys());
        }
        // Without a key the one inside is used, and the report says so.
        assert!(bundle::verify::verify(Cursor::new(&zip), None).unwrap().key_from_bundle);

        // An edited body.
        let edited = edit_trail(&zip, |e| e[1]["body"] = json!("{\"message\":\"我们从未收到投诉\"}"));
        fails_naming(&edited, &keys, "entry 2: hash does not match its content (body edited?)");
        // An edited body rehashed: the next entry no longer links to it.
        let rehashed = edit_trail(&zip, |e| {
            e[1]["actor_role"] = json!("mediator");
            let mut entry: bundle::chain::Entry = serde_json::from_value(e[1].clone()).unwrap();
            entry.hash = entry.recompute(id as i32).unwrap().unwrap();
            e[1] = serde_json::to_value(entry).unwrap();
        });
        fails_naming(&rehashed, &keys, "entry 3: its previous hash");
        // A removed entry.
        let removed = edit_trail(&zip, |e| { e.remove(2); });
        fails_naming(&removed, &keys, "entry 3 missing: entry 4 follows entry 2");
        // The last entry removed: the chain holds, the signed head does not.
        let n = trail.len();
        let cut = edit_trail(&zip, |e| { e.pop(); });
        fails_naming(&cut, &keys, &format!("the trail has {} entries, the signed manifest says {n}", n - 1));
        // A swapped evidence file.
        let swapped = tamper(&zip, |name, bytes| Some(if name.ends_with("receipt.png") { PDF.to_vec() } else { bytes }));
        fails_naming(&swapped, &keys, "-receipt.png: SHA-256 ");
        fails_naming(&swapped, &keys, "(file swapped or edited?)");
        // An evidence file taken out, another slipped in.
        let gone = tamper(&zip, |name, bytes| (!name.ends_with("receipt.png")).then_some(bytes));
        fails_naming(&gone, &keys, "-receipt.png: missing from the bundle");
        // Edited facts.
        let facts = tamper(&zip, |name, bytes| Some(if name == "case.json" { String::from_utf8(bytes).unwrap().replace("洗衣机", "电视机").into_bytes() } else { bytes }));
        fails_naming(&facts, &keys, "case.json: SHA-256");
        // An edited manifest (a later issue time): the signature no longer holds.
        let manifest = tamper(&zip, |name, bytes| Some(if name == "manifest.txt" { String::from_utf8(bytes).unwrap().replace("issued 2026", "issued 2027").into_bytes() } else { bytes }));
        fails_naming(&manifest, &keys, "signature does not verify with key");
        // The wrong key.
        let stranger = bundle::SigningKey::from_bytes(&[9u8; 32]).verifying_key();
        fails_naming(&zip, &[stranger], &format!("signature does not verify with key {}: the bundle was signed with key {}", bundle::keys::key_id(&stranger), report.key_id));
        // A forger's own key inside the bundle is named too, once the published key is given.
        let forger = bundle::SigningKey::from_bytes(&[5u8; 32]);
        let forged = tamper(&edited, |name, bytes| Some(match name {
            "signing-key.pem" => bundle::keys::public_pem(&forger.verifying_key()).into_bytes(),
            _ => bytes,
        }));
        fails_naming(&forged, &keys, "entry 2: hash does not match");

        // `gongdao verify-bundle`: the same checks from the command line, exit code and words.
        let dir = tempfile::tempdir().unwrap();
        let (good, bad) = (dir.path().join("good.zip"), dir.path().join("bad.zip"));
        std::fs::write(&good, &zip).unwrap();
        std::fs::write(&bad, &swapped).unwrap();
        let key_hex = doc["keys"][0]["public_key_hex"].as_str().unwrap();
        let run = |file: &std::path::Path, key: &str| {
            std::process::Command::new(env!("CARGO_BIN_EXE_gongdao"))
                .args(["verify-bundle", file.to_str().unwrap(), "--key", key])
                .env("GONGDAO_DATA_DIR", dir.path())
                .env_remove("DATABASE_URL")
                .output()
                .unwrap()
        };
        let ok = run(&good, key_hex);
        assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
        assert!(String::from_utf8_lossy(&ok.stdout).starts_with(&format!("OK: case {number}")));
        let failed = run(&bad, key_hex);
        assert!(!failed.status.success());
        assert!(String::from_utf8_lossy(&failed.stderr).contains("receipt.png: SHA-256"), "{}", String::from_utf8_lossy(&failed.stderr));
        // Without --key: this server's own keys, read from its database.
        let own_keys = std::process::Command::new(env!("CARGO_BIN_EXE_gongdao"))
            .args(["verify-bundle", good.to_str().unwrap()])
            .env("GONGDAO_DATA_DIR", dir.path())
            .env("DATABASE_URL", &w.app.svc.config.database_url)
            .output()
            .unwrap();
        assert!(own_keys.status.success(), "{}", String::from_utf8_lossy(&own_keys.stderr));
        assert!(!String::from_utf8_lossy(&own_keys.stdout).contains("inside the bundle"));
        let wrong = run(&good, &hex::encode(stranger.as_bytes()));
        assert!(!wrong.status.success());
        assert!(String::from_utf8_lossy(&wrong.stderr).contains("signature does not verify with key"));
    }

    async fn the_merchants_bundle_verifies_without_the_consumers_personal_data(app) {
        let w = World::new(app).await;
        let id = case_with_personal_data(&w).await;
        let (_, keys) = published(&w.app).await;
        let zip = download(&w.app, w.token(R::M), id, "").await.expect(200).body.to_vec();
        let report = verify(&zip, &keys).unwrap();
        assert_eq!(report.view, "masked");
        assert!(report.redacted >= 3, "the filing, the message and the second file's record: {report}");
        assert!(report.unchecked.is_empty(), "every entry is scheme 2: {report}");
        for (name, bytes) in files(&zip) {
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(PHONE) && !text.contains(ID_NUMBER) && !text.contains(CONSUMER_NAME), "{name}: {text}");
            assert!(!name.contains(PHONE), "{name}");
        }
        // What the merchant may read is there, masked; the salts of withheld bodies are not.
        let trail = trail_of(&zip);
        let filed = &trail[0];
        assert!(filed["body"].is_null() && filed["body_salt"].is_null(), "{filed}");
        assert!(filed["body_redacted"].as_str().unwrap().contains("139****5678"), "{filed}");
        assert_eq!(filed["body_commitment"].as_str().unwrap().len(), 64);
        assert!(trail.iter().any(|e| e["body"].is_string()), "bodies without personal data are whole");
        // Editing a redacted entry's commitment is found like an edited body.
        let edited = edit_trail(&zip, |e| e[0]["body_commitment"] = json!("0".repeat(64)));
        fails_naming(&edited, &keys, "entry 1: hash does not match its content");
        // The consumer's bundle of the same case has the same chain head.
        let own = download(&w.app, w.token(R::C), id, "").await.expect(200).body.to_vec();
        assert_eq!(verify(&own, &keys).unwrap().head, report.head);

        // Staff: masked without a reason (not logged), whole with one (logged as `bundle`).
        let masked = download(&w.app, w.token(R::Reg), id, "").await.expect(200).body.to_vec();
        assert_eq!(verify(&masked, &keys).unwrap().view, "masked");
        assert!(pii_log(&w).await.is_empty());
        let whole = download(&w.app, w.token(R::Reg), id, "?reveal=%E6%B3%95%E9%99%A2%E8%B0%83%E5%8F%96").await.expect(200).body.to_vec();
        assert_eq!(verify(&whole, &keys).unwrap().view, "full");
        assert!(String::from_utf8_lossy(&files(&whole)["case.json"]).contains(PHONE));
        let items = pii_log(&w).await;
        assert_eq!(items.len(), 1, "{items:?}");
        assert_eq!((items[0]["fields"].as_str(), items[0]["reason"].as_str()), (Some("bundle"), Some("法院调取")));
        // Who may not read the case learns nothing.
        for r in [R::C2, R::M2] {
            download(&w.app, w.token(r), id, "").await.expect(404);
        }
        w.app.send(Req::get(&format!("/api/v1/cases/{id}/bundle"))).await.expect(401);
    }

    async fn every_server_on_the_database_signs_with_the_one_key(app) {
        let w = World::new(app).await;
        let id = w.case_at(Stage::Negotiating).await;
        // Two servers start together on a database without a key: one key results.
        let b = w.app.second_server().await;
        let (one, two) = tokio::join!(published(&w.app), published(&b));
        assert_eq!(one.0["keys"], two.0["keys"]);
        assert_eq!(one.0["keys"].as_array().unwrap().len(), 1);
        // A bundle made on one verifies with the key published by the other.
        let zip = download(&b, w.token(R::C), id, "").await.expect(200).body.to_vec();
        verify(&zip, &one.1).unwrap();
        // After a restart (a new process on the same database), the same key.
        let c = w.app.second_server().await;
        assert_eq!(published(&c).await.0["current"], one.0["current"]);
        verify(&download(&c, w.token(R::C), id, "").await.expect(200).body, &one.1).unwrap();
        // The PEM form, for openssl.
        let pem = c.send(Req::get("/.well-known/gongdao-signing-key.pem")).await.expect(200).text();
        assert_eq!(bundle::keys::parse_public(&pem).unwrap(), one.1);

        // An operator's own key file: it signs, and the database's key stays published.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("signing.pem");
        let own = bundle::SigningKey::from_bytes(&[3u8; 32]);
        std::fs::write(&path, bundle::keys::secret_pem(&own)).unwrap();
        let d = w.app.second_server_with(|c| c.signing_key_file = Some(path.clone())).await;
        let (doc, keys) = published(&d).await;
        assert_eq!(doc["current"].as_str(), Some(bundle::keys::key_id(&own.verifying_key()).as_str()));
        assert_eq!((doc["keys"][0]["source"].as_str(), doc["keys"][1]["source"].as_str()), (Some("file"), Some("database")));
        let signed = download(&d, w.token(R::C), id, "").await.expect(200).body.to_vec();
        assert_eq!(verify(&signed, &[own.verifying_key()]).unwrap().key_id, bundle::keys::key_id(&own.verifying_key()));
        // The JSON lists both: bundles signed before the switch still verify with it.
        verify(&zip, &keys).unwrap();
        fails_naming(&signed, &one.1, "signature does not verify with key");
        for s in [b, c, d] {
            s.svc.db.clone().close().await.unwrap();
        }
    }

    async fn entries_written_before_scheme_2_still_verify(app) {
        let w = World::new(app).await;
        let id = case_with_personal_data(&w).await;
        // Rewrite the case's chain as the old rule made it (scheme 1, no salt).
        let rows = services::record::trail::entries(&w.app.svc.db, id as i32).await.unwrap();
        let mut prev = bundle::chain::GENESIS.to_string();
        for r in &rows {
            let at = services::record::trail::at_text(r.at);
            let c = bundle::chain::Content { case_id: r.case_id, seq: r.seq, at: &at, actor_id: r.actor_id, actor_role: &r.actor_role, kind: &r.kind };
            let h = bundle::chain::entry_hash(1, &prev, &c, &r.body).unwrap();
            w.app.execute_sql(&format!(
                "UPDATE case_trail SET hash_scheme = 1, body_salt = NULL, prev_hash = '{prev}', hash = '{h}' WHERE id = {}", r.id
            )).await;
            prev = h;
        }
        w.assert_trail_ok(id, rows.len()).await;
        let (_, keys) = published(&w.app).await;
        // A new entry after them is scheme 2 and links to the old head.
        w.act(R::C, id, &json!({"action": "message", "message": "还在等回复"})).await.expect(200);
        w.assert_trail_ok(id, rows.len() + 1).await;
        let whole = download(&w.app, w.token(R::C), id, "").await.expect(200).body.to_vec();
        let r = verify(&whole, &keys).unwrap();
        assert_eq!((r.entries, r.unchecked.len()), (rows.len() + 1, 0));
        // The merchant's: old entries with personal data cannot be recomputed
        // without their bodies; their links are checked and the report says which.
        let masked = download(&w.app, w.token(R::M), id, "").await.expect(200).body.to_vec();
        let r = verify(&masked, &keys).unwrap();
        assert!(r.unchecked.contains(&1) && r.unchecked.contains(&2), "{r}");
        assert!(r.to_string().contains("predate hash scheme 2"), "{r}");
        let text = files(&masked).values().map(|b| String::from_utf8_lossy(b).into_owned()).collect::<String>();
        assert!(!text.contains(PHONE) && !text.contains(ID_NUMBER));
    }
}
