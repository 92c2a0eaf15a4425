//! Evidence upload (multipart) and download.

use axum::Json;
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
    mut form: Multipart,
) -> Response {
    let lang = caller.lang;
    let html = from_html_form(&headers);
    let result: Result<evidence::EvidenceView, AppError> = async {
        let mut file: Option<(String, Vec<u8>)> = None;
        while let Some(field) = form.next_field().await.map_err(|e| multipart_error(&e))? {
            if field.name() == Some("file") {
                let name = field.file_name().unwrap_or("evidence").to_string();
                let bytes = field.bytes().await.map_err(|e| multipart_error(&e))?;
                file = Some((name, bytes.to_vec()));
            }
        }
        let (name, bytes) = file.ok_or_else(|| AppError::invalid("file", "err.required"))?;
        evidence::upload(&state.services, &caller.user, id, &name, &bytes).await
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

pub(super) fn multipart_error(e: &axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::invalid("file", "err.file_too_large")
    } else {
        AppError::invalid("file", "err.multipart")
    }
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

/// `GET /api/v1/evidence/{id}`: the file, as an attachment, never rendered inline.
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
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&v.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    let disposition = format!(
        "attachment; filename=\"evidence-{}\"; filename*=UTF-8''{}",
        v.id,
        urlencoding::encode(&v.file_name)
    );
    if let Ok(d) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, d);
    }
    h.insert(
        "x-evidence-sha256",
        HeaderValue::from_str(&v.sha256).unwrap_or(HeaderValue::from_static("")),
    );
    Ok(resp)
}
