//! The regulators' bulk exports, streamed page by page by id (by bearer
//! token or session cookie): `GET /api/v1/export/credit` (every merchant's
//! credit), `GET /api/v1/regulator/export/cases` and
//! `GET /api/v1/regulator/export/complaints` (public complaint records).
//! One streaming loop ([`streamed`]) serves all three.

use std::future::Future;

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde::Deserialize;
use services::cases::export::{self as cases_export, Range};
use services::credit::export as credit_export;
use services::export::{ExportRow, Format, PAGE, Page};

use super::{ApiError, ApiResult, Caller};
use crate::AppState;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `ndjson` (default) or `csv`.
    #[param(pattern = "^(ndjson|csv)$")]
    pub(super) format: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseExportQuery {
    /// `ndjson` (default) or `csv`.
    #[param(pattern = "^(ndjson|csv)$")]
    format: Option<String>,
    /// Cases filed on or after (Beijing date).
    #[param(value_type = Option<chrono::NaiveDate>)]
    from: Option<String>,
    /// Cases filed on or before (Beijing date), not before `from`.
    #[param(value_type = Option<chrono::NaiveDate>)]
    to: Option<String>,
    /// Start after this case id (resume a broken download).
    #[param(value_type = Option<i32>, minimum = 0)]
    after: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnmaskedExportQuery {
    /// Why the consumers' personal data must be exported unmasked (5–200
    /// characters); logged in the personal-data access log. Absent: masked.
    #[param(min_length = 5, max_length = 200)]
    reveal_reason: Option<String>,
}

/// Where the stream is: the cursor, and whether the header went out.
struct Cursor {
    after: i32,
    first: bool,
    done: bool,
}

/// The body of an export: pages fetched by `fetch(after)` one after the
/// other, each encoded as it comes (the CSV header before the first), never
/// the whole file in memory.
fn streamed<R, F, Fut>(
    what: &'static str,
    format: Format,
    now: DateTime<Utc>,
    after: i32,
    fetch: F,
) -> Response
where
    R: ExportRow + Send + 'static,
    F: Fn(i32) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Page<R>, domain::AppError>> + Send + 'static,
{
    let fetch = std::sync::Arc::new(fetch);
    let start = Cursor {
        after,
        first: true,
        done: false,
    };
    let stream = futures::stream::unfold(start, move |cur| {
        let fetch = fetch.clone();
        async move {
            if cur.done {
                return None;
            }
            let page = match fetch(cur.after).await {
                Ok(page) => page,
                Err(e) => {
                    tracing::error!("{what} export stopped after id {}: {e}", cur.after);
                    return Some((Err(std::io::Error::other(e)), Cursor { done: true, ..cur }));
                }
            };
            let next = Cursor {
                after: page.next.unwrap_or(cur.after),
                first: false,
                done: page.next.is_none(),
            };
            if page.rows.is_empty() && !cur.first && next.done {
                return None;
            }
            let chunk = services::export::encode(&page.rows, format, cur.first)
                .map(Bytes::from)
                .map_err(std::io::Error::other);
            Some((chunk, next))
        }
    });
    // Fused: the compression layer polls its inner body once more after the
    // end, and `unfold` panics when polled past its end.
    let mut resp = Body::from_stream(stream.fuse()).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    let filename = format!(
        "attachment; filename=\"gongdao-{what}-{}.{}\"",
        domain::calendar::local_date(now).format("%Y%m%d"),
        format.extension()
    );
    if let Ok(v) = HeaderValue::from_str(&filename) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

#[utoipa::path(
    get,
    path = "/export/credit",
    tag = "regulator",
    summary = "Regulator: every merchant's credit in bulk, streamed in pages by id (NDJSON, or CSV with a header row)",
    params(ExportQuery),
    responses(
        (status = 200, description = "One line per merchant", content((String = "application/x-ndjson"), (String = "text/csv"))),
        super::openapi::SignedIn,
        (status = 403, description = "Not a regulator", body = super::openapi::ErrorBody),
        super::openapi::BadQuery,
    )
)]
pub async fn credit(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    let lang = caller.lang;
    credit_export::authorize(&caller.user).map_err(|e| ApiError(e, lang))?;
    tracing::info!(user = caller.user.id, "credit export");
    stream(&state, q, lang)
}

/// The credit export as a streamed answer (for regulators here, for credit
/// platforms' keys in `platforms::credit`).
pub(super) fn stream(state: &AppState, q: ExportQuery, lang: domain::Lang) -> ApiResult<Response> {
    let format = Format::parse(q.format.as_deref()).map_err(|e| ApiError(e, lang))?;
    let svc = state.services.clone();
    let now = svc.clock.now();
    Ok(streamed("credit", format, now, 0, move |after| {
        let svc = svc.clone();
        async move {
            let rows = credit_export::page(&svc.db, after, PAGE, now).await?;
            let next = ((rows.len() as u64) == PAGE)
                .then(|| rows.last().map(|r| r.id))
                .flatten();
            Ok(Page { rows, next })
        }
    }))
}

#[utoipa::path(
    get,
    path = "/regulator/export/cases",
    tag = "regulator",
    summary = "Regulator: every case filed in the range, streamed in pages by id (NDJSON, or CSV with a header row); consumers' names, emails and order references masked unless a reason is given (then logged)",
    params(CaseExportQuery, UnmaskedExportQuery),
    responses(
        (status = 200, description = "One line per case", content((String = "application/x-ndjson"), (String = "text/csv"))),
        super::openapi::SignedIn,
        (status = 403, description = "Not a regulator", body = super::openapi::ErrorBody),
        super::openapi::BadQuery,
    )
)]
pub async fn cases(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<CaseExportQuery>,
    Query(u): Query<UnmaskedExportQuery>,
) -> ApiResult<Response> {
    let lang = caller.lang;
    let (format, range, after) = checked(&caller, &q).map_err(|e| ApiError(e, lang))?;
    let reason = services::export::reveal_reason(u.reveal_reason.as_deref())
        .map_err(|e| ApiError(e, lang))?;
    let svc = state.services.clone();
    cases_export::start(&svc, &caller.user, "cases", range, reason.as_deref())
        .await
        .map_err(|e| ApiError(e, lang))?;
    let unmasked = reason.is_some();
    tracing::info!(user = caller.user.id, ?format, unmasked, "case export");
    let now = svc.clock.now();
    Ok(streamed("cases", format, now, after, move |after| {
        let svc = svc.clone();
        async move { cases_export::cases_page(&svc.db, range, after, unmasked).await }
    }))
}

#[utoipa::path(
    get,
    path = "/regulator/export/complaints",
    tag = "regulator",
    summary = "Regulator: the public complaint records (closed, published cases, personal data masked as published) filed in the range, streamed in pages by case id",
    params(CaseExportQuery),
    responses(
        (status = 200, description = "One line per record", content((String = "application/x-ndjson"), (String = "text/csv"))),
        super::openapi::SignedIn,
        (status = 403, description = "Not a regulator", body = super::openapi::ErrorBody),
        super::openapi::BadQuery,
    )
)]
pub async fn complaints(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<CaseExportQuery>,
) -> ApiResult<Response> {
    let lang = caller.lang;
    let (format, range, after) = checked(&caller, &q).map_err(|e| ApiError(e, lang))?;
    let svc = state.services.clone();
    tracing::info!(user = caller.user.id, ?format, "complaint record export");
    let now = svc.clock.now();
    Ok(streamed("complaints", format, now, after, move |after| {
        let svc = svc.clone();
        async move { cases_export::complaints_page(&svc.db, range, after).await }
    }))
}

/// The caller (a regulator) and the common parameters.
fn checked(caller: &Caller, q: &CaseExportQuery) -> Result<(Format, Range, i32), domain::AppError> {
    services::export::authorize(&caller.user)?;
    let format = Format::parse(q.format.as_deref())?;
    let range = Range::parse(q.from.as_deref(), q.to.as_deref())?;
    let after = match q.after.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => 0,
        Some(s) => s
            .parse::<i32>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| domain::AppError::invalid("after", "err.export.after"))?,
    };
    Ok((format, range, after))
}
