//! Filing with evidence (`POST /api/v1/cases/filing`, and the filing page's
//! form posting the same to `POST /cases/new`): the complaint and its files
//! are accepted together or not at all; a refused file is named in the
//! error; a refusal leaves no case, no evidence row and no stored file; the
//! page's form answers a refusal with the page, the typed fields kept; the
//! evidence files are served only to the case's parties and staff.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::cases::{R, World};
use crate::harness::{Req, Resp, backend_tests};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR filed with the complaint";
const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF a photo of the label";
const PDF: &[u8] = b"%PDF-1.7\n% the invoice\n";
const EXE: &[u8] = b"MZ\x90\x00 not evidence";

/// The filing form's text fields for a complaint against `merchant`.
pub fn fields(merchant: i64, order_ref: &str) -> Vec<(&'static str, String)> {
    vec![
        ("merchant", merchant.to_string()),
        ("category", "quality".into()),
        ("title", "洗衣机第一次使用就漏水".into()),
        (
            "narrative",
            "收到的洗衣机第一次使用就漏水，联系客服要求退货被拒绝。".into(),
        ),
        ("order_ref", order_ref.into()),
        ("order_date", "2026-11-01".into()),
        ("amount_paid", "2599.00".into()),
        ("amount_claimed", "2599".into()),
        ("remedy", "refund".into()),
        ("demand", String::new()),
        ("waybill", String::new()),
    ]
}

/// A multipart body with `fields` and each file as a part `evidence`, and
/// its content type.
pub fn form(fields: &[(&str, String)], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "gongdao-filing-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn file_api(w: &World, r: R, fields: &[(&str, String)], files: &[(&str, &[u8])]) -> Resp {
    let (ct, body) = form(fields, files);
    w.app
        .send(
            Req::post("/api/v1/cases/filing")
                .body(body)
                .header("content-type", &ct)
                .bearer(w.token(r))
                .lang("en"),
        )
        .await
}

/// The filing page's form as a browser without JavaScript posts it.
async fn file_page(w: &World, fields: &[(&str, String)], files: &[(&str, &[u8])]) -> Resp {
    let (ct, body) = form(fields, files);
    w.app
        .send(
            Req::post("/cases/new")
                .body(body)
                .header("content-type", &ct)
                .header("accept", "text/html,application/xhtml+xml")
                .cookie(w.token(R::C))
                .same_origin(),
        )
        .await
}

fn stored_path(w: &World, bytes: &[u8]) -> std::path::PathBuf {
    let sha = hex::encode(Sha256::digest(bytes));
    w.app.svc.config.files_dir.join(&sha[..2]).join(sha)
}

async fn count(w: &World, table: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let row = w
        .app
        .svc
        .db
        .query_one_raw(Statement::from_string(
            w.app.svc.db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn evidence_of(w: &World, r: R, case: i64) -> Vec<Value> {
    w.app
        .send(Req::get(&format!("/api/v1/cases/{case}/evidence")).bearer(w.token(r)))
        .await
        .expect(200)
        .items()
}

backend_tests! {
    async fn a_complaint_and_its_evidence_are_filed_together(app) {
        let w = World::new(app).await;
        let f = fields(w.merchant_a, &w.next_ref());
        let case = file_api(&w, R::C, &f, &[("漏水照片.png", PNG), ("标签.jpg", JPEG), ("发票.pdf", PDF)])
            .await
            .expect(201)
            .json();
        let id = case["id"].as_i64().unwrap();
        assert_eq!(case["status"], "awaiting_merchant");
        let files = evidence_of(&w, R::C, id).await;
        let got: Vec<(&str, &str, i64)> = files
            .iter()
            .map(|f| (f["file_name"].as_str().unwrap(), f["content_type"].as_str().unwrap(), f["size"].as_i64().unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                ("漏水照片.png", "image/png", PNG.len() as i64),
                ("标签.jpg", "image/jpeg", JPEG.len() as i64),
                ("发票.pdf", "application/pdf", PDF.len() as i64),
            ]
        );
        for bytes in [PNG, JPEG, PDF] {
            assert!(stored_path(&w, bytes).exists());
        }
        // The trail: the filing, then one entry per file, its hash recorded.
        let trail = w
            .app
            .send(Req::get(&format!("/api/v1/cases/{id}/trail")).bearer(w.token(R::C)))
            .await
            .expect(200)
            .json()["entries"]
            .as_array()
            .unwrap()
            .clone();
        let kinds: Vec<&str> = trail.iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["filed", "evidence", "evidence", "evidence"]);
        assert_eq!(trail[1]["body"]["sha256"], hex::encode(Sha256::digest(PNG)));
        // The merchant sees the same files.
        assert_eq!(evidence_of(&w, R::M, id).await.len(), 3);
    }

    async fn a_bad_file_refuses_the_complaint_and_every_file(app) {
        let w = World::new(app).await;
        let (cases, evidence) = (count(&w, "cases").await, count(&w, "evidence").await);
        let f = fields(w.merchant_a, &w.next_ref());
        let r = file_api(&w, R::C, &f, &[("漏水照片.png", PNG), ("病毒.exe", EXE)]).await.expect(422);
        let (code, field, message) = r.error();
        assert_eq!((code.as_str(), field.as_deref()), ("invalid", Some("evidence")));
        assert_eq!(
            message,
            "Evidence \"病毒.exe\": only JPEG, PNG, WebP or GIF images and PDF files are accepted"
        );
        // An empty file is named too, in Chinese for a Chinese reader.
        let (ct, body) = form(&f, &[("空.png", b"")]);
        let r = w
            .app
            .send(Req::post("/api/v1/cases/filing").body(body).header("content-type", &ct).bearer(w.token(R::C)))
            .await
            .expect(422);
        assert_eq!(r.error().2, "证据“空.png”：文件为空");
        assert_eq!((count(&w, "cases").await, count(&w, "evidence").await), (cases, evidence));
        assert!(!stored_path(&w, PNG).exists(), "the good file of a refused filing is not kept");
        // Too many files at once.
        let six: Vec<(&str, &[u8])> = vec![("a.pdf", PDF); 6];
        let r = file_api(&w, R::C, &f, &six).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("evidence"));
        assert!(r.error().2.contains("at most 5"), "{}", r.error().2);
        // The same form with good files is filed.
        file_api(&w, R::C, &f, &[("漏水照片.png", PNG)]).await.expect(201);
        assert_eq!((count(&w, "cases").await, count(&w, "evidence").await), (cases + 1, evidence + 1));
    }

    async fn files_stored_for_a_filing_refused_later_are_removed_again(app) {
        let w = World::new(app).await;
        let order = w.next_ref();
        // A file another case already holds, and one nobody holds.
        let first = file_api(&w, R::C, &fields(w.merchant_a, &order), &[("发票.pdf", PDF)])
            .await
            .expect(201);
        assert!(first.json()["id"].as_i64().is_some());
        let evidence = count(&w, "evidence").await;
        // The same order again: refused as a duplicate inside the
        // transaction, after the files were stored.
        let r = file_api(&w, R::C, &fields(w.merchant_a, &order), &[("发票.pdf", PDF), ("照片.png", PNG)])
            .await
            .expect(409);
        assert_eq!(r.error().1.as_deref(), Some("order_ref"));
        assert_eq!(count(&w, "evidence").await, evidence);
        assert!(!stored_path(&w, PNG).exists(), "the file this filing wrote is removed");
        assert!(stored_path(&w, PDF).exists(), "the file the first case holds stays");
    }

    async fn only_a_consumer_files_and_the_complaint_is_checked_first(app) {
        let w = World::new(app).await;
        let f = fields(w.merchant_a, &w.next_ref());
        file_api(&w, R::M, &f, &[("照片.png", PNG)]).await.expect(403);
        file_api(&w, R::Med, &f, &[("照片.png", PNG)]).await.expect(403);
        let (ct, body) = form(&f, &[("照片.png", PNG)]);
        w.app
            .send(Req::post("/api/v1/cases/filing").body(body).header("content-type", &ct))
            .await
            .expect(401);
        let mut bad = f.clone();
        bad.retain(|(k, _)| *k != "title");
        let r = file_api(&w, R::C, &bad, &[("照片.png", PNG)]).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("title"));
        assert!(!stored_path(&w, PNG).exists());
        // Not a multipart body at all.
        w.app
            .send(Req::post("/api/v1/cases/filing").json(&serde_json::json!({})).bearer(w.token(R::C)))
            .await
            .expect(422);
    }

    async fn the_page_form_is_filed_or_answered_with_the_page_and_the_typed_fields(app) {
        let w = World::new(app).await;
        let mut f = fields(w.merchant_a, &w.next_ref());
        for (k, v) in f.iter_mut() {
            if *k == "title" {
                *v = "收到的商品与图片不符 <b>".into();
            }
        }
        // A file input left empty sends an empty part with no name: no file.
        let r = file_page(&w, &f, &[("", b""), ("病毒.exe", EXE)]).await.expect(200);
        let html = r.text();
        assert!(html.contains("证据“病毒.exe”：只接受"), "the error names the file");
        assert!(html.contains("role=\"alert\""));
        assert!(html.contains("value=\"收到的商品与图片不符 &lt;b&gt;\""), "the title is kept, escaped");
        assert!(html.contains("收到的洗衣机第一次使用就漏水，联系客服要求退货被拒绝。"), "the narrative is kept");
        assert!(html.contains("value=\"2599.00\""));
        assert!(html.contains("<option value=\"quality\" selected"), "the category is kept");
        assert_eq!(count(&w, "cases").await, 0);
        // Filed: on to the case's page, with its files.
        let r = file_page(&w, &f, &[("漏水照片.png", PNG), ("", b"")]).await.expect(303);
        let location = r.header("location").unwrap().to_string();
        let id: i64 = location.strip_prefix("/cases/").unwrap().parse().unwrap();
        assert_eq!(evidence_of(&w, R::C, id).await.len(), 1);
        // The case page shows the image as a thumbnail from the authorised route.
        let evidence_id = evidence_of(&w, R::C, id).await[0]["id"].as_i64().unwrap();
        let page = w
            .app
            .send(Req::get(&location).header("accept", "text/html").cookie(w.token(R::C)))
            .await
            .expect(200)
            .text();
        assert!(
            page.contains(&format!("src=\"/api/v1/evidence/{evidence_id}\"")) && page.contains("alt=\"漏水照片.png\""),
            "{page}"
        );
    }

    async fn evidence_filed_with_a_complaint_is_served_only_to_the_parties_and_staff(app) {
        let w = World::new(app).await;
        let f = fields(w.merchant_a, &w.next_ref());
        let id = file_api(&w, R::C, &f, &[("漏水照片.png", PNG)]).await.expect(201).json()["id"]
            .as_i64()
            .unwrap();
        let evidence_id = evidence_of(&w, R::C, id).await[0]["id"].as_i64().unwrap();
        let image = format!("/api/v1/evidence/{evidence_id}");
        for r in [R::C, R::M, R::Med, R::Arb, R::Reg] {
            let resp = w.app.send(Req::get(&image).bearer(w.token(r))).await.expect(200);
            assert_eq!(resp.header("content-type"), Some("image/png"), "{r:?}");
            assert_eq!(&resp.body[..], PNG);
        }
        for r in [R::C2, R::M2] {
            let status = w.app.send(Req::get(&image).bearer(w.token(r))).await.status.as_u16();
            assert!(status == 403 || status == 404, "{r:?}: {status}");
        }
        w.app.send(Req::get(&image)).await.expect(401);
    }
}
