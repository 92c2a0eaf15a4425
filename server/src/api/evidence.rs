//! Evidence upload (multipart) and download.

use axum::Json;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::AppError;
use services::cases::evidence;

use super::{ApiError, ApiResult, Caller};
use crate::AppState;

/// Did a browser post a plain HTML form (rather than an API client)?
pub(super) fn from_html_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

/// `POST /api/v1/cases/{id}/evidence`: one file in the field `file`.
/// API clients get 201 JSON; a browser form is sent back to the case page.
#[utoipa::path(
    post,
    path = "/cases/{id}/evidence",
    tag = "evidence",
    summary = "Attach an evidence file (JPEG, PNG, WebP, GIF or PDF, at most 10 MB, checked by content); stored by SHA-256 and recorded on the trail",
    params(super::openapi::Id),
    request_body(content = super::openapi::FileUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The file as stored", body = domain::cases::EvidenceView),
        super::openapi::Upload,
        (status = 409, description = "The case is over", body = super::openapi::ErrorBody),
    )
)]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let lang = caller.lang;
    let html = from_html_form(&headers);
    let result: Result<evidence::EvidenceView, AppError> = async {
        let (name, bytes) = read_file(form).await?;
        let name = name.as_deref().unwrap_or("evidence");
        evidence::upload(&state.services, &caller.user, id, name, &bytes).await
    }
    .await;
    match (result, html) {
        (Ok(v), false) => (StatusCode::CREATED, Json(v)).into_response(),
        (Ok(_), true) => Redirect::to(&format!("/cases/{id}?evidence=ok")).into_response(),
        (Err(e), true) if !matches!(e, AppError::NotFound) => Redirect::to(&format!(
            "/cases/{id}?evidence_error={}",
            urlencoding::encode(&e.message(lang))
        ))
        .into_response(),
        (Err(e), _) => ApiError(e, lang).into_response(),
    }
}

/// The most parts an upload form may have: the file, and a few fields a
/// client may add (ignored). Thousands of tiny parts are refused early.
const MAX_PARTS: usize = 16;

/// The one file of an upload form, in the field `file`: the name it was
/// sent with (a label only, cleaned where it is stored) and its bytes.
/// Whatever is not a readable form with exactly one such field is a 422 on
/// `file` saying what is wrong; the body is read only up to the body limit
/// (`web::body_limit`), so a refusal never buffers more than that.
pub(super) async fn read_file(
    form: Result<Multipart, MultipartRejection>,
) -> Result<(Option<String>, Vec<u8>), AppError> {
    // No multipart content type, or no boundary in it.
    let mut form = form.map_err(|_| AppError::invalid("file", "err.multipart"))?;
    let mut file = None;
    let mut parts = 0;
    while let Some(field) = form.next_field().await.map_err(|e| multipart_error(&e))? {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(AppError::invalid("file", "err.multipart_parts"));
        }
        match field.name() {
            // RFC 7578: every part has a name.
            None | Some("") => return Err(AppError::invalid("file", "err.multipart")),
            Some("file") if file.is_some() => {
                return Err(AppError::invalid("file", "err.file_one"));
            }
            Some("file") => {
                let name = field.file_name().map(str::to_string);
                let bytes = field.bytes().await.map_err(|e| multipart_error(&e))?;
                file = Some((name, Vec::from(bytes)));
            }
            // Other fields are skipped unread.
            Some(_) => {}
        }
    }
    file.ok_or_else(|| AppError::invalid("file", "err.required"))
}

/// A form that could not be read: too large when the body limit cut it
/// off (axum's own status misses the limit when the error is wrapped, so
/// the error's sources are searched too), unreadable otherwise.
pub(super) fn multipart_error(e: &MultipartError) -> AppError {
    let cut_off = std::iter::successors(Some(e as &dyn std::error::Error), |e| e.source())
        .any(|e| e.is::<http_body_util::LengthLimitError>());
    if cut_off || e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::invalid("file", "err.file_too_large")
    } else {
        AppError::invalid("file", "err.multipart")
    }
}

/// The policy a stored file is served under: nothing loads, nothing runs,
/// and the document is sandboxed (a unique origin, no scripts, no forms),
/// so a polyglot — a GIF or PDF that is also an HTML page — can never act
/// as a page of this site. Inline styles stay allowed for the browser's own
/// image viewer.
pub const FILE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

/// A stored file (evidence or licence) as a response, the one place files
/// are served from: its type as sniffed when it was stored (one of the types
/// we accept, else `application/octet-stream`), `nosniff` (set for every
/// answer in `web::security_headers`, and here too), [`FILE_CSP`], and
/// `disposition`.
pub(super) fn file_response(bytes: Vec<u8>, content_type: &str, disposition: &str) -> Response {
    const SERVED: [&str; 5] = [
        "image/jpeg",
        "image/png",
        "image/webp",
        "image/gif",
        "application/pdf",
    ];
    let ct = SERVED
        .into_iter()
        .find(|t| *t == content_type)
        .unwrap_or("application/octet-stream");
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(FILE_CSP),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(disposition).unwrap_or(HeaderValue::from_static("attachment")),
    );
    resp
}

#[utoipa::path(
    get,
    path = "/cases/{id}/evidence",
    tag = "evidence",
    summary = "The case's evidence files",
    params(super::openapi::Id),
    responses(
        (status = 200, description = "The files", body = super::openapi::Items<domain::cases::EvidenceView>),
        super::openapi::SignedIn,
        super::openapi::ById,
    )
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
) -> ApiResult<impl IntoResponse> {
    let items = evidence::list(&state.services, &caller.user, id)
        .await
        .map_err(|e| ApiError(e, caller.lang))?;
    Ok(Json(super::openapi::Items { items }))
}

/// `GET /api/v1/evidence/{id}`: the file, as an attachment, never rendered
/// inline (see [`file_response`]).
#[utoipa::path(
    get,
    path = "/evidence/{id}",
    tag = "evidence",
    summary = "Download an evidence file (parties and staff only); X-Evidence-Sha256 carries its hash",
    params(super::openapi::Id),
    responses(
        super::openapi::Download,
        super::openapi::SignedIn,
        super::openapi::ById,
    )
)]
pub async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
) -> ApiResult<Response> {
    let (v, bytes) = evidence::fetch(&state.services, &caller.user, id)
        .await
        .map_err(|e| ApiError(e, caller.lang))?;
    let disposition = format!(
        "attachment; filename=\"evidence-{}\"; filename*=UTF-8''{}",
        v.id,
        urlencoding::encode(&v.file_name)
    );
    let mut resp = file_response(bytes, &v.content_type, &disposition);
    resp.headers_mut().insert(
        "x-evidence-sha256",
        HeaderValue::from_str(&v.sha256).unwrap_or(HeaderValue::from_static("")),
    );
    Ok(resp)
}
