//! `POST /api/v1/cases/filing` and `POST /cases/new`: the filing page's form — a complaint and
//! its evidence files in one `multipart/form-data` body. The page posts it as a plain HTML
//! form, with JavaScript on or off, and names its `step`:
//!
//! - `save` keeps the form as the consumer's draft (`services::cases::draft`: the values in the
//!   database, the files in the blob store) and shows the form again;
//! - `review` keeps the draft, checks everything that can be checked without filing and, if all
//!   is well, goes to the review page (`/cases/new/review`);
//! - `confirm` (the review page's button) files the draft and removes it in the same
//!   transaction;
//! - `remove` (with `file`) drops one file of the draft, `discard` the whole draft.
//!
//! Without a `step` the body is filed at once, together or not at all (as API clients do). A
//! browser's form goes on with a redirect (the case, the review, the form with a notice); a
//! refusal is answered with the filing page itself, the error on top and every typed field
//! kept (no redirect, so nothing typed travels in a URL). API clients get JSON.
//!
//! The draft also has its own routes: `GET`/`DELETE /api/v1/cases/filing/draft` and its files
//! at `GET /api/v1/cases/filing/draft/files/{id}` (the review page's thumbnails).

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::cases::{
    ComplaintForm, ComplaintInput, FILING_FORM_FIELDS, FilingDraftView, FilingStep, MAX_FIELD_BYTES,
};
use domain::{AppError, Lang};
use leptos::prelude::provide_context;
use services::cases::{EVIDENCE_FIELD, EvidenceFile, draft};

use super::evidence::{file_response, from_html_form, multipart_error};
use super::{ApiError, ApiResult, Caller};
use crate::AppState;

/// The fields that say what a post asks for (see the module's comment).
const STEP_FIELDS: [&str; 3] = ["step", "file", "version"];

/// The most parts the form may have: its text fields, the files, and a
/// few a browser may add.
const MAX_PARTS: usize = FILING_FORM_FIELDS.len() + domain::files::MAX_FILING_FILES + 8;

/// The body limit of this route (`web::body_limit`): the files' limit plus
/// room for the text fields and the multipart framing.
pub const MAX_BODY_BYTES: usize = domain::files::MAX_FILING_BYTES + 256 * 1024;

/// What a post of the form was answered with, before it is written out.
enum Outcome {
    /// Filed (no step, or `confirm`): the case as its consumer sees it.
    Filed(Box<domain::cases::CaseView>),
    /// The draft, kept (`save`, `remove`) or kept and reviewed (`review`).
    Draft(FilingStep, FilingDraftView),
    Discarded,
}

#[utoipa::path(
    post,
    path = "/cases/filing",
    tag = "cases",
    summary = "A consumer files a complaint with its evidence files (the filing page's multipart form): the complaint and every file are accepted together or not at all; a refused file is named in the error. With `step` the form works on the consumer's draft instead (save, review, confirm, remove a file, discard)",
    request_body(content = super::openapi::FilingUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The case as the caller sees it (no step, or step=confirm: the draft filed and removed)", body = domain::cases::CaseView),
        (status = 200, description = "step=save or remove: the draft as kept; step=review: the draft as kept, every check passed", body = domain::cases::FilingDraftView),
        (status = 204, description = "step=discard: the draft is gone (or there was none)"),
        (status = 303, description = "A browser's HTML form (Accept: text/html) goes on: to the new case's page when filed, to /cases/new/review when reviewed, back to /cases/new (with a notice) when saved, a file removed or the draft discarded; one refused is answered with the filing page (200, HTML), the error on top and the typed fields kept"),
        (status = 400, description = "Not a multipart/form-data request (plain text)", content_type = "text/plain", body = String),
        super::openapi::SignedInWrite,
        (status = 404, description = "step=remove: the draft holds no such file", body = super::openapi::ErrorBody),
        (status = 409, description = "An open complaint about this order with this merchant exists (field order_ref); step=confirm: no draft, or it changed since the version reviewed (field step)", body = super::openapi::ErrorBody),
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
    let svc = &state.services;
    let user = &caller.user;
    let mut values = BTreeMap::new();
    let mut step = None;
    let result = async {
        // Who may file at all is decided before the form is read: a
        // regulator's or merchant's post is 403 whatever it holds.
        if user.role != domain::Role::Consumer {
            return Err(AppError::Forbidden);
        }
        let posted = read_form(form, &mut values).await?;
        step = posted.step()?;
        match step {
            None => {
                let input = ComplaintInput::from_form(&ComplaintForm::from_values(&values))?;
                services::cases::file_case_with_evidence(
                    svc,
                    user,
                    &input,
                    &posted.files,
                    "merchant",
                )
                .await
                .map(|v| Outcome::Filed(Box::new(v)))
            }
            Some(FilingStep::Save) => draft::save(svc, user, &values, &posted.files)
                .await
                .map(|d| Outcome::Draft(FilingStep::Save, d)),
            Some(FilingStep::Review) => {
                let kept = draft::save(svc, user, &values, &posted.files).await?;
                draft::review(svc, user).await?;
                Ok(Outcome::Draft(FilingStep::Review, kept))
            }
            Some(FilingStep::Confirm) => {
                let reviewed = posted.number("version")?;
                draft::confirm(svc, user, reviewed)
                    .await
                    .map(|v| Outcome::Filed(Box::new(v)))
            }
            Some(FilingStep::Remove) => {
                let file = posted
                    .number("file")?
                    .ok_or_else(|| AppError::invalid("file", "err.required"))?;
                draft::remove_file(svc, user, file)
                    .await
                    .map(|d| Outcome::Draft(FilingStep::Remove, d))
            }
            Some(FilingStep::Discard) => {
                draft::discard(svc, user).await.map(|()| Outcome::Discarded)
            }
        }
    }
    .await;
    match (result, html) {
        (Ok(Outcome::Filed(v)), false) => (StatusCode::CREATED, Json(*v)).into_response(),
        (Ok(Outcome::Draft(_, d)), false) => Json(d).into_response(),
        (Ok(Outcome::Discarded), false) => StatusCode::NO_CONTENT.into_response(),
        (Ok(outcome), true) => Redirect::to(&next_page(&outcome)).into_response(),
        (Err(e), false) => ApiError(e, lang).into_response(),
        (Err(e), true) => {
            // The values shown again: those posted with the form; for the
            // steps posted without them (confirm, remove, discard), the draft's.
            let values = match step {
                Some(FilingStep::Confirm | FilingStep::Remove | FilingStep::Discard) => {
                    match draft::load(svc, user).await {
                        Ok(Some(d)) => d.values,
                        _ => BTreeMap::new(),
                    }
                }
                _ => values,
            };
            filing_page(&state, &headers, lang, values, &e).await
        }
    }
}

/// Where a browser's form goes on to.
fn next_page(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Filed(v) => format!("/cases/{}", v.id),
        Outcome::Draft(FilingStep::Review, _) => "/cases/new/review".into(),
        Outcome::Draft(FilingStep::Remove, _) => "/cases/new?removed=1".into(),
        Outcome::Draft(..) => "/cases/new?saved=1".into(),
        Outcome::Discarded => "/cases/new?discarded=1".into(),
    }
}

/// What the form posted besides its text fields: the files, and the step
/// fields (`step`, `file`, `version`) as sent.
#[derive(Default)]
struct Posted {
    files: Vec<EvidenceFile>,
    steps: BTreeMap<String, String>,
}

impl Posted {
    /// The step asked for; absent or blank: none (file at once).
    fn step(&self) -> Result<Option<FilingStep>, AppError> {
        match self.steps.get("step").map(|s| s.trim()) {
            None | Some("") => Ok(None),
            Some(s) => FilingStep::parse(s)
                .map(Some)
                .ok_or_else(|| AppError::invalid("step", "err.filing.step_unknown")),
        }
    }

    /// A whole-number step field (`file`, `version`); absent or blank: none.
    fn number(&self, field: &str) -> Result<Option<i32>, AppError> {
        match self.steps.get(field).map(|s| s.trim()) {
            None | Some("") => Ok(None),
            Some(s) => s
                .parse()
                .map(Some)
                .map_err(|_| AppError::invalid(field, "err.field_invalid")),
        }
    }
}

/// Reads the form: its text fields into `values` (kept even when a later
/// part fails, so the page can give them back), its step fields and its
/// evidence files. A file input left empty sends a part with no name and no
/// bytes: skipped.
async fn read_form(
    form: Result<Multipart, MultipartRejection>,
    values: &mut BTreeMap<String, String>,
) -> Result<Posted, AppError> {
    let unreadable = || AppError::invalid(EVIDENCE_FIELD, "err.multipart");
    let mut form = form.map_err(|_| unreadable())?;
    let mut posted = Posted::default();
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
            posted.files.push(EvidenceFile {
                name: file_name,
                bytes: bytes.to_vec(),
            });
        } else if FILING_FORM_FIELDS.contains(&name.as_str())
            || STEP_FIELDS.contains(&name.as_str())
        {
            let bytes = field.bytes().await.map_err(|e| field_error(&e))?;
            if bytes.len() > MAX_FIELD_BYTES {
                return Err(AppError::invalid(&name, "err.text_too_long"));
            }
            let text = String::from_utf8(bytes.to_vec())
                .map_err(|_| AppError::invalid(&name, "err.multipart"))?;
            if STEP_FIELDS.contains(&name.as_str()) {
                posted.steps.insert(name, text);
            } else {
                values.insert(name, text);
            }
        }
        // Other fields are skipped unread.
    }
    Ok(posted)
}

#[utoipa::path(
    get,
    path = "/cases/filing/draft",
    tag = "cases",
    summary = "The consumer's filing draft (投诉草稿): the filing form's text fields as saved, and the files added so far",
    responses(
        (status = 200, description = "The draft", body = domain::cases::FilingDraftView),
        super::openapi::SignedIn,
        super::openapi::Forbidden,
        (status = 404, description = "The caller keeps no draft", body = super::openapi::ErrorBody),
    )
)]
pub async fn get_draft(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<FilingDraftView>> {
    draft::load(&state.services, &caller.user)
        .await
        .and_then(|d| d.ok_or(AppError::NotFound))
        .map(Json)
        .map_err(|e| ApiError(e, caller.lang))
}

#[utoipa::path(
    delete,
    path = "/cases/filing/draft",
    tag = "cases",
    summary = "The consumer discards their filing draft, its files with it (nothing happens when there is none)",
    responses(
        (status = 204, description = "No draft any more"),
        super::openapi::SignedIn,
        super::openapi::Forbidden,
    )
)]
pub async fn discard_draft(State(state): State<AppState>, caller: Caller) -> ApiResult<StatusCode> {
    draft::discard(&state.services, &caller.user)
        .await
        .map_err(|e| ApiError(e, caller.lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/cases/filing/draft/files/{id}`: a file of the caller's own
/// draft, as an attachment (shown as a thumbnail by the review page; see
/// [`file_response`]).
#[utoipa::path(
    get,
    path = "/cases/filing/draft/files/{id}",
    tag = "cases",
    summary = "A file of the consumer's filing draft (only its consumer: another consumer gets 404)",
    params(super::openapi::Id),
    responses(
        super::openapi::Download,
        super::openapi::SignedIn,
        super::openapi::Forbidden,
        super::openapi::ById,
    )
)]
pub async fn draft_file(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
) -> ApiResult<Response> {
    let (f, bytes) = draft::fetch_file(&state.services, &caller.user, id)
        .await
        .map_err(|e| ApiError(e, caller.lang))?;
    let disposition = format!(
        "attachment; filename=\"draft-{}\"; filename*=UTF-8''{}",
        f.id,
        urlencoding::encode(&f.file_name)
    );
    Ok(file_response(bytes, &f.content_type, &disposition))
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
    let refused = app::cases::FilingDraft {
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
            provide_context(refused.clone());
        },
        move || app::shell(shell_options.clone()),
    );
    // 200, as every page showing a form's error: the error is on the page
    // (`role="alert"`), the status would only make a browser treat the
    // page as failed.
    handler(req).await
}
