//! `POST /api/v1/cases/filing` and `POST /cases/new`: the filing page's form — a complaint and
//! its evidence files in one `multipart/form-data` body, filed together or
//! not at all. The page posts it as a plain HTML form, with JavaScript on
//! or off: success goes to the new case's page; a refusal answers with the
//! filing page itself, the error on top and every typed field kept (no
//! redirect, so nothing typed travels in a URL). API clients get 201 JSON
//! or the usual error JSON.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::cases::{ComplaintForm, ComplaintInput};
use domain::{AppError, Lang};
use leptos::prelude::provide_context;
use services::cases::{EVIDENCE_FIELD, EvidenceFile};

use super::evidence::{from_html_form, multipart_error};
use super::{ApiError, Caller};
use crate::AppState;

/// The text fields of the form, as `ComplaintForm` names them.
const TEXT_FIELDS: [&str; 15] = [
    "merchant",
    "category",
    "title",
    "narrative",
    "order_ref",
    "order_date",
    "amount_paid",
    "amount_claimed",
    "remedy",
    "demand",
    "publish_narrative",
    "waybill",
    "logistics_merchant",
    "logistics_amount_claimed",
    "logistics_narrative",
];

/// The most parts the form may have: its text fields, the files, and a
/// few a browser may add.
const MAX_PARTS: usize = TEXT_FIELDS.len() + domain::files::MAX_FILING_FILES + 8;

/// The longest text field read, in bytes (the longest field, the
/// narrative, is 5000 characters: 15000 bytes of UTF-8); longer is refused
/// before it is kept.
const MAX_TEXT_BYTES: usize = 64 * 1024;

/// The body limit of this route (`web::body_limit`): the files' limit plus
/// room for the text fields and the multipart framing.
pub const MAX_BODY_BYTES: usize = domain::files::MAX_FILING_BYTES + 256 * 1024;

#[utoipa::path(
    post,
    path = "/cases/filing",
    tag = "cases",
    summary = "A consumer files a complaint with its evidence files (the filing page's multipart form): the complaint and every file are accepted together or not at all; a refused file is named in the error",
    request_body(content = super::openapi::FilingUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The case as the caller sees it", body = domain::cases::CaseView),
        (status = 303, description = "A browser's HTML form (Accept: text/html) that was filed goes to the new case's page; one refused is answered with the filing page (200, HTML), the error on top and the typed fields kept"),
        (status = 400, description = "Not a multipart/form-data request (plain text)", content_type = "text/plain", body = String),
        super::openapi::SignedInWrite,
        (status = 409, description = "An open complaint about this order with this merchant exists (field order_ref)", body = super::openapi::ErrorBody),
    )
)]
pub async fn file_with_evidence(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let lang = caller.lang;
    let html = from_html_form(&headers);
    let mut values = BTreeMap::new();
    let result = async {
        // Who may file at all is decided before the form is read: a
        // regulator's or merchant's post is 403 whatever it holds.
        if caller.user.role != domain::Role::Consumer {
            return Err(AppError::Forbidden);
        }
        let files = read_form(form, &mut values).await?;
        let input = ComplaintInput::from_form(&complaint_form(&values))?;
        services::cases::file_case_with_evidence(
            &state.services,
            &caller.user,
            &input,
            &files,
            "merchant",
        )
        .await
    }
    .await;
    match (result, html) {
        (Ok(v), false) => (StatusCode::CREATED, Json(v)).into_response(),
        (Ok(v), true) => Redirect::to(&format!("/cases/{}", v.id)).into_response(),
        (Err(e), true) => filing_page(&state, &headers, lang, values, &e).await,
        (Err(e), false) => ApiError(e, lang).into_response(),
    }
}

/// Reads the form: its text fields into `values` (kept even when a later
/// part fails, so the page can give them back) and its evidence files. A
/// file input left empty sends a part with no name and no bytes: skipped.
async fn read_form(
    form: Result<Multipart, MultipartRejection>,
    values: &mut BTreeMap<String, String>,
) -> Result<Vec<EvidenceFile>, AppError> {
    let unreadable = || AppError::invalid(EVIDENCE_FIELD, "err.multipart");
    let mut form = form.map_err(|_| unreadable())?;
    let mut files = Vec::new();
    let mut parts = 0;
    let field_error = |e: &axum::extract::multipart::MultipartError| match multipart_error(e) {
        AppError::Invalid { key, .. } => AppError::invalid(EVIDENCE_FIELD, &key),
        other => other,
    };
    while let Some(field) = form.next_field().await.map_err(|e| field_error(&e))? {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(AppError::invalid(EVIDENCE_FIELD, "err.multipart_parts"));
        }
        let Some(name) = field.name().map(str::to_string) else {
            return Err(unreadable());
        };
        if name == EVIDENCE_FIELD {
            let file_name = field.file_name().unwrap_or("").to_string();
            let bytes = field.bytes().await.map_err(|e| field_error(&e))?;
            if file_name.is_empty() && bytes.is_empty() {
                continue;
            }
            files.push(EvidenceFile {
                name: file_name,
                bytes: bytes.to_vec(),
            });
        } else if TEXT_FIELDS.contains(&name.as_str()) {
            let bytes = field.bytes().await.map_err(|e| field_error(&e))?;
            if bytes.len() > MAX_TEXT_BYTES {
                return Err(AppError::invalid(&name, "err.text_too_long"));
            }
            let text = String::from_utf8(bytes.to_vec())
                .map_err(|_| AppError::invalid(&name, "err.multipart"))?;
            values.insert(name, text);
        }
        // Other fields are skipped unread.
    }
    Ok(files)
}

fn complaint_form(v: &BTreeMap<String, String>) -> ComplaintForm {
    let get = |k: &str| v.get(k).cloned().unwrap_or_default();
    ComplaintForm {
        merchant: get("merchant"),
        category: get("category"),
        title: get("title"),
        narrative: get("narrative"),
        order_ref: get("order_ref"),
        order_date: get("order_date"),
        amount_paid: get("amount_paid"),
        amount_claimed: get("amount_claimed"),
        remedy: get("remedy"),
        demand: get("demand"),
        publish_narrative: v.get("publish_narrative").cloned(),
        waybill: get("waybill"),
        logistics_merchant: get("logistics_merchant"),
        logistics_amount_claimed: get("logistics_amount_claimed"),
        logistics_narrative: get("logistics_narrative"),
    }
}

/// The filing page rendered for this request, with what was typed and the
/// error: the answer to a refused HTML form.
async fn filing_page(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    values: BTreeMap<String, String>,
    e: &AppError,
) -> Response {
    let draft = app::cases::FilingDraft {
        values,
        error: e.message(lang),
    };
    // The page as a GET of /cases/new with the caller's cookies and language.
    let mut req = Request::new(Body::empty());
    *req.method_mut() = Method::GET;
    *req.uri_mut() = axum::http::Uri::from_static("/cases/new");
    for name in [header::COOKIE, header::ACCEPT_LANGUAGE, header::HOST] {
        for v in headers.get_all(&name) {
            req.headers_mut().append(name.clone(), v.clone());
        }
    }
    req.headers_mut()
        .insert(header::ACCEPT, HeaderValue::from_static("text/html"));
    let svc = state.services.clone();
    let options = state.leptos_options.clone();
    let shell_options = options.clone();
    let handler = leptos_axum::render_app_to_stream_in_order_with_context(
        move || {
            provide_context(svc.clone());
            provide_context(options.clone());
            provide_context(draft.clone());
        },
        move || app::shell(shell_options.clone()),
    );
    // 200, as every page showing a form's error: the error is on the page
    // (`role="alert"`), the status would only make a browser treat the
    // page as failed.
    handler(req).await
}
