//! Hostile uploads (issue 13): what an attacker can send to the two upload
//! routes — `POST /api/v1/cases/{id}/evidence` and
//! `POST /api/v1/merchants/verifications/{id}/licence`, as API calls and as
//! plain HTML forms — gets a clear 4xx naming the field and saying why, and
//! leaves no file, temporary file, evidence row, licence or trail entry
//! behind. Oversized and endless bodies are cut off while read, compressed
//! bodies are never inflated, polyglots are served as their sniffed type
//! under a policy that cannot run them, file names are labels and never
//! paths, and arbitrary bytes (a property test) are stored exactly when
//! `blobs::sniff` recognises them.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use domain::{Lang, t};
use entities::{evidence, merchant_verification as mv};
use futures::StreamExt;
use proptest::prelude::*;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::Value;
use services::blobs::{MAX_BYTES, sniff};
use tower::ServiceExt;

use crate::cases::{R, USCC_UNKNOWN, World};
use crate::credit::{register, registration};
use crate::harness::{Backend, Req, Resp, backend_tests};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR hostile tests";
const BOUNDARY: &str = "hostile-test-boundary-7f3a";

// ---------------------------------------------------------------- bodies

/// One part of a multipart body: `name` and `filename` go into its
/// `Content-Disposition` as given (so they may be absent or hostile).
struct Part<'a> {
    name: Option<&'a str>,
    filename: Option<&'a str>,
    content_type: &'a str,
    bytes: &'a [u8],
}

fn file_part<'a>(filename: &'a str, bytes: &'a [u8]) -> Part<'a> {
    Part {
        name: Some("file"),
        filename: Some(filename),
        content_type: "image/png",
        bytes,
    }
}

/// A multipart body of `parts` (raw bytes for the headers, so a name may
/// hold anything) and its content type.
fn form(parts: &[Part]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data").as_bytes(),
        );
        if let Some(n) = p.name {
            body.extend_from_slice(format!("; name=\"{n}\"").as_bytes());
        }
        if let Some(f) = p.filename {
            body.extend_from_slice(b"; filename=\"");
            body.extend_from_slice(f.as_bytes());
            body.extend_from_slice(b"\"");
        }
        body.extend_from_slice(format!("\r\nContent-Type: {}\r\n\r\n", p.content_type).as_bytes());
        body.extend_from_slice(p.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// `bytes` as the only file, named `evidence.png`, declared `image/png`.
fn one_file(bytes: &[u8]) -> (String, Vec<u8>) {
    form(&[file_part("evidence.png", bytes)])
}

/// A PNG signature followed by `len - 8` zero bytes.
fn png_of(len: usize) -> Vec<u8> {
    let mut v = vec![0u8; len];
    v[..8].copy_from_slice(b"\x89PNG\r\n\x1a\n");
    v
}

/// `len` zero bytes, deflated (a compression bomb in miniature: about a
/// thousand to one).
fn deflated_zeros(len: usize) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(chunk.len());
        e.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    e.finish().unwrap()
}

/// A gzip file of `len` zero bytes.
// Level 9, not `fast()`: with the zlib-rs backend (which the bundle crate's
// zip switches flate2 to) level 1 deflates zeros only about 100:1.
fn gzip_of(bytes_len: usize, prefix: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(prefix).unwrap();
    let chunk = vec![0u8; 1 << 20];
    let mut left = bytes_len;
    while left > 0 {
        let n = left.min(chunk.len());
        e.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    e.finish().unwrap()
}

/// A well-formed zip archive holding `bomb.bin`: `len` zero bytes, deflated.
fn zip_of_zeros(len: usize) -> Vec<u8> {
    let data = deflated_zeros(len);
    let mut crc = flate2::Crc::new();
    let chunk = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(chunk.len());
        crc.update(&chunk[..n]);
        left -= n;
    }
    let name = b"bomb.bin";
    let (crc, csize, usize_) = (crc.sum(), data.len() as u32, len as u32);
    let mut z = Vec::new();
    let le16 = |z: &mut Vec<u8>, v: u16| z.extend_from_slice(&v.to_le_bytes());
    let le32 = |z: &mut Vec<u8>, v: u32| z.extend_from_slice(&v.to_le_bytes());
    // Local file header.
    le32(&mut z, 0x0403_4b50);
    for v in [20, 0, 8, 0, 0] {
        le16(&mut z, v);
    }
    for v in [crc, csize, usize_] {
        le32(&mut z, v);
    }
    le16(&mut z, name.len() as u16);
    le16(&mut z, 0);
    z.extend_from_slice(name);
    z.extend_from_slice(&data);
    // Central directory.
    let cd_at = z.len() as u32;
    le32(&mut z, 0x0201_4b50);
    for v in [20, 20, 0, 8, 0, 0] {
        le16(&mut z, v);
    }
    for v in [crc, csize, usize_] {
        le32(&mut z, v);
    }
    for v in [name.len() as u16, 0, 0, 0, 0] {
        le16(&mut z, v);
    }
    le32(&mut z, 0);
    le32(&mut z, 0);
    z.extend_from_slice(name);
    let cd_len = z.len() as u32 - cd_at;
    // End of central directory.
    le32(&mut z, 0x0605_4b50);
    for v in [0, 0, 1, 1] {
        le16(&mut z, v);
    }
    le32(&mut z, cd_len);
    le32(&mut z, cd_at);
    le16(&mut z, 0);
    z
}

// ---------------------------------------------------------------- sending

fn evidence_url(case: i64) -> String {
    format!("/api/v1/cases/{case}/evidence")
}

fn licence_url(request: i64) -> String {
    format!("/api/v1/merchants/verifications/{request}/licence")
}

/// The consumer posts `body` (typed `content_type`) to the case's evidence.
async fn post_evidence(w: &World, case: i64, content_type: &str, body: Vec<u8>) -> Resp {
    post(w, R::C, &evidence_url(case), content_type, body).await
}

/// The applicant (M2) posts `body` to its verification request's licence.
async fn post_licence(w: &World, request: i64, content_type: &str, body: Vec<u8>) -> Resp {
    post(w, R::M2, &licence_url(request), content_type, body).await
}

async fn post(w: &World, r: R, url: &str, content_type: &str, body: Vec<u8>) -> Resp {
    w.app
        .send(
            Req::post(url)
                .header("content-type", content_type)
                .body(body)
                .bearer(w.token(r))
                .lang("en"),
        )
        .await
}

/// The same upload as a browser's plain form sends it: it is answered with
/// a redirect back to the page, the error in its query.
async fn post_form(w: &World, r: R, url: &str, content_type: &str, body: Vec<u8>) -> Resp {
    w.app
        .send(
            Req::post(url)
                .header("content-type", content_type)
                .header("accept", "text/html,application/xhtml+xml")
                .body(body)
                .bearer(w.token(r))
                .lang("en"),
        )
        .await
}

/// A pending verification request of M2 (for a business nobody holds).
async fn licence_request(w: &World) -> i64 {
    register(w, R::M2, &registration(USCC_UNKNOWN))
        .await
        .expect(201)
        .json()["id"]
        .as_i64()
        .unwrap()
}

// ---------------------------------------------------------------- what is kept

/// Every file under `dir`, temporary ones included, relative to it.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, root, out);
            } else {
                out.push(p.strip_prefix(root).unwrap_or(&p).to_path_buf());
            }
        }
    }
    let mut out = vec![];
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// What uploads may leave: files in the store, evidence rows, the case's
/// trail, and the licence of a verification request.
#[derive(Debug, PartialEq)]
struct Kept {
    files: Vec<PathBuf>,
    evidence_rows: u64,
    trail: usize,
    licences: Vec<Option<String>>,
}

async fn kept(w: &World, case: i64) -> Kept {
    Kept {
        files: files_under(&w.app.svc.config.files_dir),
        evidence_rows: evidence::Entity::find().count(&w.app.svc.db).await.unwrap(),
        trail: w.trail(case).await.len(),
        licences: mv::Entity::find()
            .all(&w.app.svc.db)
            .await
            .unwrap()
            .into_iter()
            .map(|v| v.licence_sha256)
            .collect(),
    }
}

/// The answer is the API error `invalid` on the field `file` with the
/// (English) text of `key`, and the upload left nothing.
#[track_caller]
fn assert_refused(resp: &Resp, status: u16, key: &str, what: &str) {
    assert_eq!(resp.status.as_u16(), status, "{what}: {}", resp.text());
    let (code, field, message) = resp.error();
    if status == 413 {
        assert_eq!(code, "payload_too_large", "{what}");
        assert_eq!(message, t(Lang::En, key), "{what}");
    } else {
        assert_eq!(code, "invalid", "{what}");
        assert_eq!(field.as_deref(), Some("file"), "{what}");
        assert_eq!(message, format!("File: {}", t(Lang::En, key)), "{what}");
    }
}

/// The form's redirect back to `page` carries the error's text.
#[track_caller]
fn assert_form_refused(resp: &Resp, page: &str, param: &str, key: &str, what: &str) {
    assert_eq!(resp.status.as_u16(), 303, "{what}: {}", resp.text());
    let location = resp.header("location").unwrap_or_default();
    assert!(location.starts_with(page), "{what}: {location}");
    let message = format!("File: {}", t(Lang::En, key));
    let want = format!("{param}={}", urlencoding::encode(&message));
    assert!(location.contains(&want), "{what}: {location} lacks {want}");
}

/// Sends each body to both upload routes (and the evidence route as a
/// form), expecting `status` and `key` and nothing kept.
async fn refused_everywhere(
    w: &World,
    case: i64,
    request: i64,
    bodies: Vec<(&str, String, Vec<u8>)>,
    status: u16,
    key: &str,
) {
    let before = kept(w, case).await;
    for (what, ct, body) in bodies {
        let r = post_evidence(w, case, &ct, body.clone()).await;
        assert_refused(&r, status, key, &format!("evidence, {what}"));
        let r = post_licence(w, request, &ct, body.clone()).await;
        assert_refused(&r, status, key, &format!("licence, {what}"));
        if status == 422 {
            let r = post_form(w, R::C, &evidence_url(case), &ct, body.clone()).await;
            assert_form_refused(
                &r,
                &format!("/cases/{case}?"),
                "evidence_error",
                key,
                &format!("evidence form, {what}"),
            );
            let r = post_form(w, R::M2, &licence_url(request), &ct, body).await;
            assert_form_refused(
                &r,
                "/merchants/register?",
                "licence_error",
                key,
                &format!("licence form, {what}"),
            );
        }
        assert_eq!(kept(w, case).await, before, "{what} left something behind");
    }
}

/// An upload the server took: 201 (evidence) or 200 (licence).
async fn upload_ok(w: &World, case: i64, bytes: &[u8], filename: &str) -> Value {
    let (ct, body) = form(&[file_part(filename, bytes)]);
    post_evidence(w, case, &ct, body).await.expect(201).json()
}

/// The download's headers make the browser save the file, never render
/// it as a page of ours.
#[track_caller]
fn assert_served_inert(resp: &Resp, content_type: &str, disposition: &str, what: &str) {
    assert_eq!(resp.header("content-type"), Some(content_type), "{what}");
    assert_eq!(
        resp.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    let csp = resp.header("content-security-policy").unwrap_or_default();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("sandbox"),
        "{what}: Content-Security-Policy {csp:?}"
    );
    let d = resp.header("content-disposition").unwrap_or_default();
    assert!(
        d.starts_with(disposition),
        "{what}: Content-Disposition {d:?}"
    );
}

// ---------------------------------------------------------------- streaming

/// A request body of `total` bytes in 64 KiB chunks (a PNG signature
/// first, zeros after), counting what the server pulled.
fn counted_body(total: usize, prefix: Vec<u8>) -> (Body, Arc<AtomicUsize>) {
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = pulled.clone();
    const CHUNK: usize = 64 * 1024;
    let first =
        futures::stream::once(
            async move { Ok::<_, std::io::Error>(axum::body::Bytes::from(prefix)) },
        );
    let rest = futures::stream::iter(0..total.div_ceil(CHUNK)).map(move |_| {
        counter.fetch_add(CHUNK, Ordering::SeqCst);
        Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![0u8; CHUNK]))
    });
    (Body::from_stream(first.chain(rest)), pulled)
}

/// The multipart head of a file part, before its content.
fn part_head() -> Vec<u8> {
    let mut v = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    v.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    v
}

/// Sends a streamed request straight to a router on the app's services;
/// returns the status, the error and how many bytes the server pulled.
async fn send_stream(
    w: &World,
    uri: &str,
    content_type: &str,
    content_length: Option<u64>,
    total: usize,
    prefix: Vec<u8>,
    token: Option<&str>,
) -> (StatusCode, Value, usize) {
    let (body, pulled) = counted_body(total, prefix);
    let mut b = Request::post(uri)
        .header("content-type", content_type)
        .header("accept-language", "en");
    if let Some(n) = content_length {
        b = b.header("content-length", n);
    }
    if let Some(token) = token {
        b = b.header("authorization", format!("Bearer {token}"));
    }
    let resp = server::router(w.app.svc.clone())
        .oneshot(b.body(body).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let bytes = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .unwrap()
        .to_bytes();
    let v: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, v["error"].clone(), pulled.load(Ordering::SeqCst))
}

backend_tests! {
    async fn an_empty_file_is_refused_on_every_route(app) {
        let w = World::new(app).await;
        let case = w.file().await["id"].as_i64().unwrap();
        let request = licence_request(&w).await;
        let (ct, body) = one_file(b"");
        refused_everywhere(&w, case, request, vec![("empty file", ct, body)], 422, "err.file_empty").await;
    }

    async fn files_up_to_10_mib_are_taken_and_one_byte_more_is_refused(app) {
        let w = World::new(app).await;
        let case = w.file().await["id"].as_i64().unwrap();
        let request = licence_request(&w).await;
        let (ct, body) = one_file(&png_of(MAX_BYTES + 1));
        refused_everywhere(&w, case, request, vec![("10 MiB + 1 byte", ct, body)], 422, "err.file_too_large").await;

        // What the README promises: up to 10 MB, on both routes.
        for len in [3 * 1024 * 1024, MAX_BYTES] {
            let (ct, body) = one_file(&png_of(len));
            let v = post_evidence(&w, case, &ct, body.clone()).await.expect(201).json();
            assert_eq!(v["size"].as_u64(), Some(len as u64));
            post_licence(&w, request, &ct, body).await.expect(200);
        }
    }

    async fn a_body_over_the_request_limit_is_refused_before_it_is_read(app) {
        let w = World::new(app).await;
        let case = w.file().await["id"].as_i64().unwrap();
        let request = licence_request(&w).await;
        let limit = MAX_BYTES + 64 * 1024;
        // Said up front: refused on the Content-Length alone.
        let (ct, big) = one_file(&png_of(limit));
        refused_everywhere(&w, case, request, vec![("body over the limit", ct.clone(), big.clone())], 413, "err.too_large").await;
        let lying = Req::post(&evidence_url(case))
            .header("content-type", &ct)
            .header("content-length", "5000000000")
            .body(PNG.to_vec())
            .bearer(w.token(R::C))
            .lang("en");
        assert_refused(&w.app.send(lying).await, 413, "err.too_large", "Content-Length of 5 GB");

        // Not said (chunked): cut off while read.
        let before = kept(&w, case).await;
        let r = w.app.send(
            Req::post(&evidence_url(case)).header("content-type", &ct).body(big).bearer(w.token(R::C)).lang("en").without_content_length(),
        ).await;
        assert_refused(&r, 422, "err.file_too_large", "chunked body over the limit");

        // 50 MiB streamed: chunked, and with a Content-Length that lies
        // (says 100 bytes). The server stops pulling at its limit.
        let head = part_head();
        for (what, length) in [("chunked", None), ("Content-Length: 100", Some(100))] {
            let (status, error, pulled) = send_stream(
                &w, &evidence_url(case), &format!("multipart/form-data; boundary={BOUNDARY}"),
                length, 50 << 20, head.clone(), Some(w.token(R::C)),
            ).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {error}");
            assert_eq!((error["code"].as_str(), error["field"].as_str()), (Some("invalid"), Some("file")), "{what}: {error}");
            assert!(pulled <= limit + 64 * 1024, "{what}: the server read {pulled} bytes of 50 MiB");
            eprintln!("{what}: 50 MiB offered, {:.1} MiB read", pulled as f64 / (1 << 20) as f64);
        }
        // Other routes stop at 64 KiB.
        let (status, error, pulled) = send_stream(
            &w, "/api/v1/cases", "application/json", None, 50 << 20, b"{\"title\": \"".to_vec(), Some(w.token(R::C)),
        ).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{error}");
        assert!(pulled <= 2 * 64 * 1024, "JSON: the server read {pulled} bytes");
        // A caller who is not signed in is refused before the body is read.
        let (status, _, pulled) = send_stream(
            &w, &evidence_url(case), &format!("multipart/form-data; boundary={BOUNDARY}"),
            None, 50 << 20, head, None,
        ).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(pulled <= 64 * 1024, "anonymous: the server read {pulled} bytes");
        assert_eq!(kept(&w, case).await, before, "nothing of the streamed bodies is kept");
    }

    async fn archives_posing_as_images_are_refused_as_the_wrong_type(app) {
        let w = World::new(app).await;
        let case = w.file().await["id"].as_i64().unwrap();
        let request = licence_request(&w).await;
        // 8 MiB of zeros, each about 8 KiB compressed; nothing inflates them.
        let zip = zip_of_zeros(8 << 20);
        let gz = gzip_of(8 << 20, b"");
        assert!(zip.len() < 64 * 1024 && gz.len() < 64 * 1024, "{} {}", zip.len(), gz.len());
        let (c1, b1) = one_file(&zip);
        let (c2, b2) = one_file(&gz);
        // A gzip whose content starts like a PNG is still a gzip.
        let (c3, b3) = one_file(&gzip_of(1 << 20, b"\x89PNG\r\n\x1a\n"));
        refused_everywhere(&w, case, request, vec![("zip", c1, b1), ("gzip", c2, b2), ("gzip of a PNG", c3, b3)], 422, "err.file_type").await;
    }

    async fn a_gzip_encoded_request_body_is_never_inflated(app) {
        let w = World::new(app).await;
        let case = w.file().await["id"].as_i64().unwrap();
        let before = kept(&w, case).await;
        // A multipart body holding a 32 MiB "PNG", gzip-compressed to a few
        // dozen KiB and sent with Content-Encoding: gzip. Were it inflated it
        // would be 413 (or stored); it is read as the bytes sent, which are
        // no multipart body.
        let (ct, inner) = one_file(PNG);
        let mut pre = inner[..inner.len() - PNG.len() - BOUNDARY.len() - 8].to_vec();
        pre.extend_from_slice(&png_of(8));
        let gz = gzip_of(32 << 20, &pre);
        assert!(gz.len() < 256 * 1024, "{}", gz.len());
        let r = w.app.send(
            Req::post(&evidence_url(case))
                .header("content-type", &ct)
                .header("content-encoding", "gzip")
                .body(gz)
                .bearer(w.token(R::C))
                .lang("en"),
        ).await;
        assert_refused(&r, 422, "err.multipart", "Content-Encoding: gzip");
        assert_eq!(kept(&w, case).await, before);
    }

    async fn polyglots_are_served_as_their_sniffed_type_and_never_run(app) {
        let w = World::new(app).await;
        let case = w.file().await["id"].as_i64().unwrap();
        let script = b"<html><body><script>fetch('/api/v1/session').then(r=>r.text()).then(alert)</script></body></html>";
        let cases: [(&[u8], &str); 4] = [
            (b"GIF89a", "image/gif"),
            (b"\x89PNG\r\n\x1a\n", "image/png"),
            (b"%PDF-1.7\n", "application/pdf"),
            (b"\xFF\xD8\xFF\xE0", "image/jpeg"),
        ];
        for (magic, sniffed) in cases {
            let mut bytes = magic.to_vec();
            bytes.extend_from_slice(script);
            // Declared as HTML, named .html: the bytes decide.
            let (ct, body) = form(&[Part { name: Some("file"), filename: Some("page.html"), content_type: "text/html", bytes: &bytes }]);
            let v = post_evidence(&w, case, &ct, body).await.expect(201).json();
            assert_eq!(v["content_type"], sniffed, "{v}");
            let id = v["id"].as_i64().unwrap();
            let got = w.app.send(Req::get(&format!("/api/v1/evidence/{id}")).bearer(w.token(R::M))).await.expect(200);
            assert_eq!(got.body.as_ref(), bytes.as_slice());
            assert_served_inert(&got, sniffed, "attachment", &format!("evidence {sniffed}"));
        }

        // The licence is public once verified; it is shown (images) but
        // never as a page of ours, and a PDF is a download.
        let request = licence_request(&w).await;
        for (magic, sniffed, disposition) in [(&b"GIF89a"[..], "image/gif", "inline"), (b"%PDF-1.4\n", "application/pdf", "attachment")] {
            let mut bytes = magic.to_vec();
            bytes.extend_from_slice(script);
            let (ct, body) = one_file(&bytes);
            post_licence(&w, request, &ct, body).await.expect(200);
            let got = w.app.send(Req::get(&licence_url(request)).bearer(w.token(R::M2))).await.expect(200);
            assert_eq!(got.body.as_ref(), bytes.as_slice());
            assert_served_inert(&got, sniffed, disposition, &format!("licence {sniffed}"));
        }
    }

    async fn html_and_svg_claiming_to_be_images_are_refused(app) {
        let w = World::new(app).await;
        let case = w.file().await["id"].as_i64().unwrap();
        let request = licence_request(&w).await;
        let hostile: [(&str, &[u8]); 7] = [
            ("HTML", b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"),
            ("SVG", b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script></svg>"),
            ("XML SVG", b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"),
            ("HTML after a BOM", b"\xEF\xBB\xBF<html><script>alert(1)</script></html>"),
            ("PNG magic after a space", b" \x89PNG\r\n\x1a\n<script>alert(1)</script>"),
            ("half a PNG signature", b"\x89PNG<script>alert(1)</script>"),
            ("RIFF that is no WebP", b"RIFF\0\0\0\0WAVEfmt <script>"),
        ];
        let bodies = hostile.iter().map(|(what, bytes)| {
            let (ct, body) = one_file(bytes);
            (*what, ct, body)
        }).collect();
        refused_everywhere(&w, case, request, bodies, 422, "err.file_type").await;
    }

    async fn hostile_file_names_are_kept_only_as_clean_labels(app) {
        let w = World::new(app).await;
        let case = w.file().await["id"].as_i64().unwrap();
        let long = "长".repeat(1000);
        let long_kept = "长".repeat(200);
        let names: Vec<(String, String)> = vec![
            ("../../etc/passwd.png".into(), "passwd.png".into()),
            ("..\\..\\x.png".into(), "x.png".into()),
            ("/abs/path/to/photo.png".into(), "photo.png".into()),
            ("dir/sub/名字.png".into(), "名字.png".into()),
            ("..".into(), "evidence".into()),
            ("../..".into(), "evidence".into()),
            ("photo\u{202E}gnp.exe".into(), "photognp.exe".into()),
            ("\u{2067}inv\u{200F}oice\u{2069}.png".into(), "invoice.png".into()),
            ("tab\there.png".into(), "tabhere.png".into()),
            (long, long_kept),
            (format!("{}.png", "a".repeat(500)), format!("{}.png", "a".repeat(196))),
            ("   ".into(), "evidence".into()),
        ];
        for (i, (sent, want)) in names.iter().enumerate() {
            let bytes = format!("GIF89a name test {i}");
            let v = upload_ok(&w, case, bytes.as_bytes(), sent).await;
            assert_eq!(v["file_name"], want.as_str(), "sent {sent:?}");
            let id = v["id"].as_i64().unwrap();
            let got = w.app.send(Req::get(&format!("/api/v1/evidence/{id}")).bearer(w.token(R::C))).await.expect(200);
            let d = got.header("content-disposition").unwrap_or_default().to_string();
            assert!(d.starts_with(&format!("attachment; filename=\"evidence-{id}\"; filename*=UTF-8''")), "{d}");
            assert_eq!(d.rsplit("''").next().map(|s| urlencoding::decode(s).unwrap().into_owned()), Some(want.clone()), "{d}");
        }
        // The trail and the list say the same clean names.
        let listed = w.app.send(Req::get(&evidence_url(case)).bearer(w.token(R::C))).await.expect(200).json();
        let listed: Vec<&str> = listed["items"].as_array().unwrap().iter().map(|e| e["file_name"].as_str().unwrap()).collect();
        assert_eq!(listed, names.iter().map(|(_, w)| w.as_str()).collect::<Vec<_>>());

        // A NUL in a part's header is no multipart at all; a line break ends
        // the part's headers, so the rest of the "name" is the content, no image.
        for (sent, key) in [("a\0b.png", "err.multipart"), ("a\r\nContent-Type: text/html\r\n\r\n.png", "err.file_type")] {
            let before = kept(&w, case).await;
            let (ct, body) = form(&[file_part(sent, b"GIF89a nul")]);
            let r = post_evidence(&w, case, &ct, body).await;
            assert_refused(&r, 422, key, &format!("name {sent:?}"));
            assert_eq!(kept(&w, case).await, before);
        }

        // Files live only under the store, by hash: no name was used as a path.
        let data = w.app.svc.config.data_dir.clone();
        for f in files_under(&data) {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            assert!(!name.contains("passwd") && !name.contains(".png") && !name.contains('长') && !name.contains("aaa"), "{}", f.display());
        }
        let store = files_under(&w.app.svc.config.files_dir);
        assert_eq!(store.len(), names.len());
        for f in &store {
            let parts: Vec<String> = f.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            assert!(parts.len() == 2 && parts[1].len() == 64 && parts[1].starts_with(&parts[0]), "{}", f.display());
        }
    }

    async fn malformed_multipart_bodies_are_a_clear_422(app) {
        let w = World::new(app).await;
        let case = w.file().await["id"].as_i64().unwrap();
        let request = licence_request(&w).await;
        let (ct, good) = one_file(PNG);
        let truncated = good[..good.len() - 30].to_vec();
        let no_end = good[..good.len() - BOUNDARY.len() - 6].to_vec();
        let nameless = form(&[Part { name: None, filename: Some("x.png"), content_type: "image/png", bytes: PNG }]).1;
        let no_disposition = format!("--{BOUNDARY}\r\nContent-Type: image/png\r\n\r\n\u{1}\r\n--{BOUNDARY}--\r\n").into_bytes();
        let headers_cut = format!("--{BOUNDARY}\r\nContent-Disposition: form-da").into_bytes();
        let tiny: Vec<Vec<u8>> = (0..5000).map(|i| format!("{i}").into_bytes()).collect();
        let names: Vec<String> = (0..5000).map(|i| format!("f{i}")).collect();
        let mut many: Vec<Part> = names.iter().zip(&tiny).map(|(n, b)| Part { name: Some(n), filename: None, content_type: "text/plain", bytes: b }).collect();
        many.push(file_part("evidence.png", PNG));
        let many = form(&many).1;
        let bodies = vec![
            ("no boundary", "multipart/form-data".to_string(), good.clone()),
            ("another boundary", "multipart/form-data; boundary=not-this-one".to_string(), good.clone()),
            ("not multipart", "application/json".to_string(), good.clone()),
            ("no content type", String::new(), good.clone()),
            ("truncated in the file", ct.clone(), truncated),
            ("no closing boundary", ct.clone(), no_end),
            ("a part without a name", ct.clone(), nameless),
            ("a part without Content-Disposition", ct.clone(), no_disposition),
            ("headers cut off", ct.clone(), headers_cut),
            ("garbage", ct.clone(), b"\0\x01\x02 not a form at all".to_vec()),
        ];
        refused_everywhere(&w, case, request, bodies, 422, "err.multipart").await;
        refused_everywhere(&w, case, request, vec![("5,000 tiny parts", ct.clone(), many)], 422, "err.multipart_parts").await;

        let two = form(&[file_part("a.png", PNG), file_part("b.png", b"GIF89a second")]);
        refused_everywhere(&w, case, request, vec![("two file fields", two.0, two.1)], 422, "err.file_one").await;
        let none = form(&[Part { name: Some("other"), filename: Some("a.png"), content_type: "image/png", bytes: PNG }]);
        refused_everywhere(&w, case, request, vec![("no file field", none.0, none.1)], 422, "err.required").await;

        // A few other fields beside the file are allowed (and ignored): 16
        // parts in all, not 17.
        let mut sixteen: Vec<Part> = names[..15].iter().zip(&tiny).map(|(n, b)| Part { name: Some(n), filename: None, content_type: "text/plain", bytes: b }).collect();
        sixteen.push(file_part("ok.png", PNG));
        let (ct16, body16) = form(&sixteen);
        sixteen.insert(0, Part { name: Some("one-more"), filename: None, content_type: "text/plain", bytes: b"x" });
        let (ct17, body17) = form(&sixteen);
        refused_everywhere(&w, case, request, vec![("17 parts", ct17, body17)], 422, "err.multipart_parts").await;
        post_evidence(&w, case, &ct16, body16.clone()).await.expect(201);
        post_licence(&w, request, &ct16, body16).await.expect(200);
    }
}

// ---------------------------------------------------------------- property

/// Bytes an uploader might send: anything, anything after a signature we
/// accept, and signatures cut short or nearly right.
fn file_bytes() -> impl Strategy<Value = Vec<u8>> {
    let magic = prop_oneof![
        Just(b"\xFF\xD8\xFF".to_vec()),
        Just(b"\x89PNG\r\n\x1a\n".to_vec()),
        Just(b"RIFF\0\0\0\0WEBP".to_vec()),
        Just(b"GIF87a".to_vec()),
        Just(b"GIF89a".to_vec()),
        Just(b"%PDF-".to_vec()),
        Just(b"PK\x03\x04".to_vec()),
        Just(b"\x1f\x8b\x08".to_vec()),
        Just(b"<svg".to_vec()),
    ];
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..512),
        (
            magic.clone(),
            proptest::collection::vec(any::<u8>(), 0..512)
        )
            .prop_map(|(m, rest)| [m, rest].concat()),
        // A signature cut short, or with one byte changed.
        (
            magic,
            any::<prop::sample::Index>(),
            any::<u8>(),
            any::<bool>()
        )
            .prop_map(|(m, at, b, cut)| {
                let i = at.index(m.len());
                let mut m = m;
                if cut {
                    m.truncate(i);
                } else {
                    m[i] = b;
                }
                m
            }),
    ]
}

/// Arbitrary bytes as the uploaded file: never a 5xx; 201 and stored (and
/// served back unchanged) exactly when `blobs::sniff` accepts them, else a
/// 422 on `file` and nothing kept.
async fn arbitrary_bytes(backend: Backend) {
    crate::harness::run(backend, |app| async move {
        let w = World::new(app).await;
        let case = w.file().await["id"].as_i64().unwrap();
        let handle = tokio::runtime::Handle::current();
        let (accepted, refused) = (AtomicUsize::new(0), AtomicUsize::new(0));
        tokio::task::block_in_place(|| {
            let config = ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() };
            proptest!(config, |(bytes in file_bytes())| {
                handle.block_on(async {
                    let before = kept(&w, case).await;
                    let (ct, body) = one_file(&bytes);
                    let r = post_evidence(&w, case, &ct, body).await;
                    prop_assert!(!r.status.is_server_error(), "{}: {}", r.status, r.text());
                    let after = kept(&w, case).await;
                    match sniff(&bytes) {
                        Some(sniffed) => {
                            prop_assert_eq!(r.status.as_u16(), 201, "{}", r.text());
                            let v = r.json();
                            prop_assert_eq!(v["content_type"].as_str(), Some(sniffed));
                            prop_assert_eq!(after.evidence_rows, before.evidence_rows + 1);
                            let id = v["id"].as_i64().unwrap_or_default();
                            let got = w.app.send(Req::get(&format!("/api/v1/evidence/{id}")).bearer(w.token(R::C))).await;
                            prop_assert_eq!(got.status.as_u16(), 200);
                            prop_assert_eq!(got.body.as_ref(), bytes.as_slice());
                            accepted.fetch_add(1, Ordering::Relaxed);
                        }
                        None => {
                            prop_assert_eq!(r.status.as_u16(), 422, "{}", r.text());
                            let (code, field, _) = r.error();
                            prop_assert_eq!((code.as_str(), field.as_deref()), ("invalid", Some("file")));
                            prop_assert_eq!(&after, &before);
                            refused.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    Ok::<(), TestCaseError>(())
                })?;
            });
        });
        eprintln!(
            "{backend:?}: {} accepted, {} refused",
            accepted.load(Ordering::Relaxed),
            refused.load(Ordering::Relaxed)
        );
    })
    .await
}

mod property {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_arbitrary_bytes_are_stored_exactly_when_recognised() {
        arbitrary_bytes(Backend::Sqlite).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_arbitrary_bytes_are_stored_exactly_when_recognised() {
        arbitrary_bytes(Backend::Postgres).await
    }
}
