//! `GET /api/v1/export/credit?format=ndjson|csv`: every merchant's credit,
//! streamed page by page (regulators, by bearer token or session cookie).

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde::Deserialize;
use services::credit::export::{self, Format};

use super::{ApiError, ApiResult, Caller};
use crate::AppState;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `ndjson` (default) or `csv`.
    #[param(pattern = "^(ndjson|csv)$")]
    pub(super) format: Option<String>,
}

/// Where the stream is: the last id sent, and whether the header went out.
struct Cursor {
    after: i32,
    first: bool,
    done: bool,
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
    export::authorize(&caller.user).map_err(|e| ApiError(e, lang))?;
    tracing::info!(user = caller.user.id, "credit export");
    stream(&state, q, lang)
}

/// The export as a streamed answer (for regulators here, for credit
/// platforms' keys in `platforms::credit`).
pub(super) fn stream(state: &AppState, q: ExportQuery, lang: domain::Lang) -> ApiResult<Response> {
    let format = Format::parse(q.format.as_deref()).map_err(|e| ApiError(e, lang))?;
    let svc = state.services.clone();
    let now = svc.clock.now();
    let start = Cursor {
        after: 0,
        first: true,
        done: false,
    };
    let stream = futures::stream::unfold(start, move |cur| {
        let svc = svc.clone();
        async move {
            if cur.done {
                return None;
            }
            let rows = match export::page(&svc.db, cur.after, export::PAGE, now).await {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::error!("credit export stopped after id {}: {e}", cur.after);
                    return Some((Err(std::io::Error::other(e)), Cursor { done: true, ..cur }));
                }
            };
            let next = Cursor {
                after: rows.last().map_or(cur.after, |r| r.id),
                first: false,
                done: (rows.len() as u64) < export::PAGE,
            };
            if rows.is_empty() && !cur.first {
                return None;
            }
            let chunk = export::encode(&rows, format, cur.first)
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
        "attachment; filename=\"gongdao-credit-{}.{}\"",
        domain::calendar::local_date(now).format("%Y%m%d"),
        format.extension()
    );
    if let Ok(v) = HeaderValue::from_str(&filename) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}
