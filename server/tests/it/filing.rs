//! Filing with evidence (`POST /api/v1/cases/filing`, and the filing page's
//! form posting the same to `POST /cases/new`): the complaint and its files
//! are accepted together or not at all; a refused file is named in the
//! error; a refusal leaves no case, no evidence row and no stored file; the
//! page's form answers a refusal with the page, the typed fields kept; the
//! evidence files are served only to the case's parties and staff. The
//! form's steps (issue 16): a draft kept on the server (save, review,
//! confirm, remove a file, discard), its consumer's alone, deleted with
//! its files 30 days after it was last saved, and the post without a step
//! filing at once as before.

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

/// `r` keeps a filing draft against merchant A with `files` (through the
/// API); the draft as returned.
pub async fn save_draft(w: &World, r: R, files: &[(&str, &[u8])]) -> Value {
    let mut f = fields(w.merchant_a, &w.next_ref());
    f.push(("step", "save".into()));
    let (ct, body) = form(&f, files);
    w.app
        .send(
            Req::post("/api/v1/cases/filing")
                .body(body)
                .header("content-type", &ct)
                .bearer(w.token(r)),
        )
        .await
        .expect(200)
        .json()
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

/// The filing page's form posted by `r`'s browser with `step`.
async fn page_step(
    w: &World,
    r: R,
    step: &str,
    fields: &[(&str, String)],
    files: &[(&str, &[u8])],
) -> Resp {
    let mut all = fields.to_vec();
    all.push(("step", step.to_string()));
    let (ct, body) = form(&all, files);
    w.app
        .send(
            Req::post("/cases/new")
                .body(body)
                .header("content-type", &ct)
                .header("accept", "text/html,application/xhtml+xml")
                .cookie(w.token(r))
                .same_origin(),
        )
        .await
}

/// `r`'s draft through the API.
async fn draft_of(w: &World, r: R) -> Resp {
    w.app
        .send(Req::get("/api/v1/cases/filing/draft").bearer(w.token(r)))
        .await
}

/// A page as `r`'s browser gets it.
async fn page(w: &World, r: R, path: &str) -> String {
    w.app
        .send(
            Req::get(path)
                .header("accept", "text/html")
                .cookie(w.token(r)),
        )
        .await
        .expect(200)
        .text()
}

fn without(fields: &[(&'static str, String)], name: &str) -> Vec<(&'static str, String)> {
    fields.iter().filter(|(k, _)| *k != name).cloned().collect()
}

fn with(
    fields: &[(&'static str, String)],
    name: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    let mut f = without(fields, name);
    f.push((name, value.to_string()));
    f
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

    async fn a_draft_is_saved_reviewed_and_filed_with_its_files(app) {
        let w = World::new(app).await;
        let order = w.next_ref();
        let full = fields(w.merchant_a, &order);
        // Half done: no title yet, one photo. Saved, and back to the form.
        let r = page_step(&w, R::C, "save", &without(&full, "title"), &[("漏水照片.png", PNG)]).await.expect(303);
        assert_eq!(r.header("location"), Some("/cases/new?saved=1"));
        let d = draft_of(&w, R::C).await.expect(200).json();
        assert_eq!(d["values"]["order_ref"], order.as_str());
        assert!(d["values"].get("title").is_none());
        assert!(d["values"].get("step").is_none(), "the step is no value of the form");
        assert_eq!(d["files"].as_array().unwrap().len(), 1);
        assert_eq!(d["files"][0]["file_name"], "漏水照片.png");
        assert_eq!(d["files"][0]["content_type"], "image/png");
        // The form again, filled from the draft, with its notice and its file.
        let html = page(&w, R::C, "/cases/new?saved=1").await;
        assert!(html.contains("草稿已保存"), "{html}");
        assert!(html.contains("收到的洗衣机第一次使用就漏水，联系客服要求退货被拒绝。"));
        assert!(html.contains("漏水照片.png") && html.contains("value=\"remove\""));
        assert!(html.contains("id=\"merchant-standing\"") && html.contains("按时回应率"), "the merchant's standing");
        let html = page(&w, R::C, "/cases/new").await;
        assert!(html.contains("您有一份未提交的草稿"), "{html}");
        assert!(html.contains("id=\"file-form\"") && !html.contains("id=\"merchant-pick\""), "the form, not the picker");
        // Completed, a second file: on to the review.
        let r = page_step(&w, R::C, "review", &full, &[("发票.pdf", PDF)]).await.expect(303);
        assert_eq!(r.header("location"), Some("/cases/new/review"));
        let d = draft_of(&w, R::C).await.expect(200).json();
        let files = d["files"].as_array().unwrap().clone();
        assert_eq!(files.len(), 2);
        let review = page(&w, R::C, "/cases/new/review").await;
        for text in ["北京海淀电器有限公司", "洗衣机第一次使用就漏水", "¥2599.00", "2026年11月1日", "按时回应率", "退款", "id=\"filing-review\"", "value=\"confirm\""] {
            assert!(review.contains(text), "the review shows {text}: {review}");
        }
        let png_id = files[0]["id"].as_i64().unwrap();
        assert!(review.contains(&format!("src=\"/api/v1/cases/filing/draft/files/{png_id}\"")), "the image as a thumbnail");
        assert!(review.contains(&format!("href=\"/api/v1/cases/filing/draft/files/{}\"", files[1]["id"])), "the PDF as a link");
        let thumb = w
            .app
            .send(Req::get(&format!("/api/v1/cases/filing/draft/files/{png_id}")).cookie(w.token(R::C)))
            .await
            .expect(200);
        assert_eq!(thumb.header("content-type"), Some("image/png"));
        assert_eq!(&thumb.body[..], PNG);
        // Confirmed: the case with both files, the draft gone.
        let version = d["version"].as_i64().unwrap().to_string();
        let r = page_step(&w, R::C, "confirm", &[("version", version)], &[]).await.expect(303);
        let location = r.header("location").unwrap().to_string();
        let id: i64 = location.strip_prefix("/cases/").unwrap().parse().unwrap();
        let names: Vec<String> = evidence_of(&w, R::C, id).await.iter().map(|f| f["file_name"].as_str().unwrap().to_string()).collect();
        assert_eq!(names, ["漏水照片.png", "发票.pdf"]);
        draft_of(&w, R::C).await.expect(404);
        assert_eq!((count(&w, "filing_drafts").await, count(&w, "filing_draft_files").await), (0, 0));
        assert!(stored_path(&w, PNG).exists() && stored_path(&w, PDF).exists(), "the evidence keeps its files");
        // The form starts again from the picker.
        let html = page(&w, R::C, "/cases/new").await;
        assert!(html.contains("id=\"merchant-pick\""));
        // Confirming again finds no draft.
        let r = page_step(&w, R::C, "confirm", &[], &[]).await.expect(200);
        assert!(r.text().contains("没有待提交的草稿"), "{}", r.text());
        assert_eq!(count(&w, "cases").await, 1);
    }

    async fn a_refused_review_keeps_the_draft_and_names_the_field(app) {
        let w = World::new(app).await;
        let full = fields(w.merchant_a, &w.next_ref());
        let bad = with(&full, "amount_paid", "12.345");
        let r = page_step(&w, R::C, "review", &bad, &[("漏水照片.png", PNG)]).await.expect(200);
        let html = r.text();
        assert!(html.contains("role=\"alert\"") && html.contains("实付金额："), "the field is named: {html}");
        assert!(html.contains("value=\"12.345\""), "the value is shown as typed");
        assert!(html.contains("漏水照片.png"), "the draft's file is listed");
        let d = draft_of(&w, R::C).await.expect(200).json();
        assert_eq!(d["values"]["amount_paid"], "12.345");
        assert_eq!(d["files"].as_array().unwrap().len(), 1);
        // In English for an English reader.
        let (ct, body) = form(&with(&bad, "step", "review"), &[]);
        let r = w
            .app
            .send(
                Req::post("/cases/new")
                    .body(body)
                    .header("content-type", &ct)
                    .header("accept", "text/html")
                    .cookie(w.token(R::C))
                    .same_origin()
                    .lang("en"),
            )
            .await
            .expect(200);
        assert!(r.text().contains("Amount paid: "), "{}", r.text());
        // A bad file refuses the whole post: nothing of it is kept.
        let changed = with(&full, "title", "换了一个标题再试一次");
        let r = page_step(&w, R::C, "review", &changed, &[("照片.jpg", JPEG), ("病毒.exe", EXE)]).await.expect(200);
        assert!(r.text().contains("证据“病毒.exe”：只接受"));
        assert!(r.text().contains("换了一个标题再试一次"), "what was typed is shown again");
        let d = draft_of(&w, R::C).await.expect(200).json();
        assert_eq!(d["values"]["amount_paid"], "12.345", "the refused post changed nothing");
        assert_eq!(d["files"].as_array().unwrap().len(), 1);
        assert!(!stored_path(&w, JPEG).exists(), "its good file is not kept either");
        // An unknown merchant, and an open complaint about the same order:
        // found at review, before anything is filed.
        let r = page_step(&w, R::C, "review", &with(&full, "merchant", "999999"), &[]).await.expect(200);
        assert!(r.text().contains("商户："), "{}", r.text());
        let first = fields(w.merchant_a, &w.next_ref());
        file_api(&w, R::C, &first, &[]).await.expect(201);
        let r = page_step(&w, R::C, "review", &first, &[]).await.expect(200);
        assert!(r.text().contains("role=\"alert\""));
        // The API names the field in JSON.
        let (ct, body) = form(&with(&bad, "step", "review"), &[]);
        let r = w
            .app
            .send(Req::post("/api/v1/cases/filing").body(body).header("content-type", &ct).bearer(w.token(R::C)))
            .await
            .expect(422);
        assert_eq!(r.error().1.as_deref(), Some("amount_paid_fen"));
        assert_eq!(count(&w, "cases").await, 1);
    }

    async fn the_draft_is_its_consumers_alone(app) {
        let w = World::new(app).await;
        let f = fields(w.merchant_a, &w.next_ref());
        page_step(&w, R::C, "save", &f, &[("漏水照片.png", PNG)]).await.expect(303);
        let file = draft_of(&w, R::C).await.expect(200).json()["files"][0]["id"].as_i64().unwrap();
        let url = format!("/api/v1/cases/filing/draft/files/{file}");
        // Another consumer finds nothing, and cannot remove or discard it.
        draft_of(&w, R::C2).await.expect(404);
        w.app.send(Req::get(&url).bearer(w.token(R::C2))).await.expect(404);
        let r = page_step(&w, R::C2, "remove", &[("file", file.to_string())], &[]).await.expect(200);
        assert!(r.text().contains("role=\"alert\""));
        w.app.send(Req::delete("/api/v1/cases/filing/draft").bearer(w.token(R::C2))).await.expect(204);
        assert!(!page(&w, R::C2, "/cases/new").await.contains("收到的洗衣机第一次使用就漏水"));
        assert!(page(&w, R::C2, "/cases/new/review").await.contains("没有待核对的草稿"));
        // Merchants and staff are refused; anonymous callers must sign in.
        for r in [R::M, R::Med, R::Reg] {
            draft_of(&w, r).await.expect(403);
            w.app.send(Req::get(&url).bearer(w.token(r))).await.expect(403);
            w.app.send(Req::delete("/api/v1/cases/filing/draft").bearer(w.token(r))).await.expect(403);
        }
        let (ct, body) = form(&with(&f, "step", "save"), &[]);
        w.app
            .send(Req::post("/api/v1/cases/filing").body(body).header("content-type", &ct).bearer(w.token(R::M)))
            .await
            .expect(403);
        w.app.send(Req::get("/api/v1/cases/filing/draft")).await.expect(401);
        w.app.send(Req::get(&url)).await.expect(401);
        w.app.send(Req::delete("/api/v1/cases/filing/draft")).await.expect(401);
        // Untouched.
        let d = draft_of(&w, R::C).await.expect(200).json();
        assert_eq!(d["files"].as_array().unwrap().len(), 1);
        w.app.send(Req::get(&url).bearer(w.token(R::C))).await.expect(200);
    }

    async fn files_are_removed_from_a_draft_and_a_draft_is_discarded(app) {
        let w = World::new(app).await;
        // The PDF is also evidence of a case: a discarded draft leaves it.
        file_api(&w, R::C, &fields(w.merchant_a, &w.next_ref()), &[("发票.pdf", PDF)]).await.expect(201);
        let f = fields(w.merchant_a, &w.next_ref());
        page_step(&w, R::C, "save", &f, &[("漏水照片.png", PNG), ("标签.jpg", JPEG)]).await.expect(303);
        let d = draft_of(&w, R::C).await.expect(200).json();
        let jpeg = d["files"][1]["id"].as_i64().unwrap();
        let r = page_step(&w, R::C, "remove", &[("file", jpeg.to_string())], &[]).await.expect(303);
        assert_eq!(r.header("location"), Some("/cases/new?removed=1"));
        let d = draft_of(&w, R::C).await.expect(200).json();
        assert_eq!(d["files"].as_array().unwrap().len(), 1);
        assert!(!stored_path(&w, JPEG).exists(), "nothing else names it: removed");
        assert!(d["version"].as_i64().unwrap() > 1, "a removal changes the draft");
        // Files are added up to the filing's limits, the draft's counted in.
        page_step(&w, R::C, "save", &f, &[("发票.pdf", PDF)]).await.expect(303);
        let four: Vec<(&str, &[u8])> = vec![("a.pdf", PDF); 4];
        let r = page_step(&w, R::C, "save", &f, &four).await.expect(200);
        assert!(r.text().contains("最多附 5 个"), "{}", r.text());
        assert_eq!(draft_of(&w, R::C).await.json()["files"].as_array().unwrap().len(), 2);
        // Discarded: the draft, its rows and the files nothing else names.
        let r = page_step(&w, R::C, "discard", &[], &[]).await.expect(303);
        assert_eq!(r.header("location"), Some("/cases/new?discarded=1"));
        draft_of(&w, R::C).await.expect(404);
        assert_eq!((count(&w, "filing_drafts").await, count(&w, "filing_draft_files").await), (0, 0));
        assert!(!stored_path(&w, PNG).exists());
        assert!(stored_path(&w, PDF).exists(), "the case's evidence keeps its file");
        assert!(page(&w, R::C, "/cases/new?discarded=1").await.contains("草稿已放弃"));
        // Through the API too (and again: nothing to discard is fine).
        page_step(&w, R::C, "save", &f, &[]).await.expect(303);
        for _ in 0..2 {
            w.app.send(Req::delete("/api/v1/cases/filing/draft").bearer(w.token(R::C))).await.expect(204);
        }
        draft_of(&w, R::C).await.expect(404);
    }

    async fn a_draft_is_deleted_with_its_files_thirty_days_after_it_was_last_saved(app) {
        let w = World::new(app).await;
        let start = w.now();
        // The fixture's sessions end after 30 days too: ask with a new one.
        let draft = |r: R| {
            let w = &w;
            async move {
                let token = w.app.login(&w.who(r).email).await;
                w.app.send(Req::get("/api/v1/cases/filing/draft").bearer(&token)).await
            }
        };
        save_draft(&w, R::C, &[("漏水照片.png", PNG)]).await;
        w.set_now(start + chrono::Duration::days(20));
        save_draft(&w, R::C2, &[("标签.jpg", JPEG)]).await;
        // The form says until when it is kept (Beijing time).
        let html = page(&w, R::C2, "/cases/new").await;
        let until = domain::calendar::format_local(start + chrono::Duration::days(50));
        assert!(html.contains("id=\"draft-expires\""), "{html}");
        assert!(html.contains(&format!("草稿保留至 {until}")), "{html}");
        // 30 days and a minute after the first was saved: it goes, with
        // its file; the second, saved 10 days later, stays.
        w.set_now(start + chrono::Duration::days(30) + chrono::Duration::minutes(1));
        let report = services::cases::sweep::sweep(&w.app.svc, w.now()).await.unwrap();
        assert_eq!(report.drafts_expired, 1);
        draft(R::C).await.expect(404);
        assert!(!stored_path(&w, PNG).exists(), "the draft's file went with it");
        assert_eq!(draft(R::C2).await.expect(200).json()["files"].as_array().unwrap().len(), 1);
        assert!(stored_path(&w, JPEG).exists());
        assert_eq!(services::cases::sweep::sweep(&w.app.svc, w.now()).await.unwrap().drafts_expired, 0);
        // Saved again before its time, a draft starts its 30 days again.
        w.set_now(start + chrono::Duration::days(49));
        let token = w.app.login(&w.who(R::C2).email).await;
        let mut f = fields(w.merchant_a, &w.next_ref());
        f.push(("step", "save".into()));
        let (ct, body) = form(&f, &[]);
        w.app.send(Req::post("/api/v1/cases/filing").body(body).header("content-type", &ct).bearer(&token)).await.expect(200);
        w.set_now(start + chrono::Duration::days(51));
        assert_eq!(services::cases::sweep::sweep(&w.app.svc, w.now()).await.unwrap().drafts_expired, 0);
        draft(R::C2).await.expect(200);
        w.set_now(start + chrono::Duration::days(80));
        assert_eq!(services::cases::sweep::sweep(&w.app.svc, w.now()).await.unwrap().drafts_expired, 1);
        draft(R::C2).await.expect(404);
        assert_eq!((count(&w, "filing_drafts").await, count(&w, "filing_draft_files").await), (0, 0));
    }

    async fn the_api_works_the_steps_and_a_post_without_one_files_at_once(app) {
        let w = World::new(app).await;
        let post = |fields: Vec<(&'static str, String)>, files: Vec<(&'static str, &'static [u8])>| {
            let (ct, body) = form(&fields, &files);
            w.app.send(Req::post("/api/v1/cases/filing").body(body).header("content-type", &ct).bearer(w.token(R::C)).lang("en"))
        };
        let f = fields(w.merchant_a, &w.next_ref());
        let d = post(with(&f, "step", "save"), vec![("漏水照片.png", PNG)]).await.expect(200).json();
        assert_eq!(d["files"].as_array().unwrap().len(), 1);
        let reviewed = post(with(&f, "step", "review"), vec![]).await.expect(200).json();
        // Without a step: filed at once, as before; the draft stays.
        let other = fields(w.merchant_a, &w.next_ref());
        let case = post(other.clone(), vec![("标签.jpg", JPEG)]).await.expect(201).json();
        assert_eq!(evidence_of(&w, R::C, case["id"].as_i64().unwrap()).await.len(), 1);
        draft_of(&w, R::C).await.expect(200);
        let r = file_page(&w, &fields(w.merchant_a, &w.next_ref()), &[]).await.expect(303);
        assert!(r.header("location").unwrap().starts_with("/cases/"));
        // A draft changed after its review is not filed unseen.
        post(with(&f, "title", "洗衣机漏水，客服拒绝退货"), vec![]).await.expect(201);
        post(with(&with(&f, "title", "洗衣机漏水（已改）"), "step", "save"), vec![]).await.expect(200);
        let stale = reviewed["version"].as_i64().unwrap().to_string();
        let r = post(vec![("step", "confirm".into()), ("version", stale)], vec![]).await.expect(409);
        assert_eq!(r.error().1.as_deref(), Some("step"));
        // Confirmed as it stands: 201, the case as its consumer sees it.
        let case = post(vec![("step", "confirm".into())], vec![]).await;
        // The order of `f` was filed at once above: the duplicate is found.
        assert_eq!(case.status.as_u16(), 409, "{}", case.text());
        assert_eq!(case.error().1.as_deref(), Some("order_ref"));
        draft_of(&w, R::C).await.expect(200);
        let fresh = with(&f, "order_ref", &w.next_ref());
        post(with(&fresh, "step", "save"), vec![]).await.expect(200);
        let case = post(vec![("step", "confirm".into())], vec![]).await.expect(201).json();
        assert_eq!(case["title"], "洗衣机第一次使用就漏水");
        assert_eq!(evidence_of(&w, R::C, case["id"].as_i64().unwrap()).await.len(), 1);
        draft_of(&w, R::C).await.expect(404);
        post(vec![("step", "confirm".into())], vec![]).await.expect(409);
        let r = post(with(&f, "step", "jump"), vec![]).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("step"));
        post(vec![("step", "discard".into())], vec![]).await.expect(204);
    }

    async fn a_consumers_draft_goes_with_their_account(app) {
        let w = World::new(app).await;
        save_draft(&w, R::C, &[("漏水照片.png", PNG)]).await;
        assert!(stored_path(&w, PNG).exists());
        w.app
            .send(Req::delete("/api/v1/users/me").json(&serde_json::json!({"password": crate::harness::PASSWORD})).bearer(w.token(R::C)))
            .await
            .expect(204);
        assert_eq!((count(&w, "filing_drafts").await, count(&w, "filing_draft_files").await), (0, 0));
        assert!(!stored_path(&w, PNG).exists(), "what the draft held is gone with it");
    }
}
