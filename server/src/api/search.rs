//! `GET /api/v1/merchants?q=…`: merchant search (tantivy), and
//! `GET /api/v1/merchants/suggest?q=…`: merchant names offered while one is
//! typed. Both public. The parameters are checked by the same rules as the
//! `/search` page's (`domain::search`), each named when wrong.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use domain::search::{SearchParams, parse_suggest};
use serde::Deserialize;

use super::{ApiError, ApiResult, ReqLang};
use crate::AppState;

pub async fn merchants(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Query(p): Query<SearchParams>,
) -> ApiResult<impl IntoResponse> {
    let q = p.parse().map_err(|e| ApiError(e, lang))?;
    let page = services::search::search(&state.services, q)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(page))
}

#[derive(Deserialize)]
pub struct SuggestParams {
    q: Option<String>,
    limit: Option<String>,
}

/// `{items: [{id, name, grade, red_list, black_list}]}`, best first; no
/// items for an empty text.
pub async fn suggest(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Query(p): Query<SuggestParams>,
) -> ApiResult<impl IntoResponse> {
    let (q, limit) =
        parse_suggest(p.q.as_deref(), p.limit.as_deref()).map_err(|e| ApiError(e, lang))?;
    let items = services::search::suggest::suggest(&state.services, q, limit)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(serde_json::json!({ "items": items })))
}
