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

#[utoipa::path(
    get,
    path = "/merchants",
    tag = "merchants",
    summary = "Search merchants (Chinese segmented by jieba; an exact USCC in any case or spacing). Relevance multiplies red-listed scores by 1.5 and black-listed by 0.5",
    params(SearchParams),
    responses(
        (status = 200, description = "A page of merchants with facets", body = domain::search::SearchPage),
        super::openapi::BadQuery,
    )
)]
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

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestParams {
    /// The text typed; empty gives no items.
    #[param(max_length = 200)]
    q: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 20, default = 8)]
    limit: Option<String>,
}

/// `{items: [{id, name, grade, red_list, black_list}]}`, best first; no
/// items for an empty text.
#[utoipa::path(
    get,
    path = "/merchants/suggest",
    tag = "merchants",
    summary = "Merchant names offered while one is typed (autocomplete), best first; twelve or more letters and digits also match the start of a USCC",
    params(SuggestParams),
    responses(
        (status = 200, description = "The suggestions; none for an empty text", body = super::openapi::Items<domain::search::Suggestion>),
        super::openapi::BadQuery,
    )
)]
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
    Ok(Json(super::openapi::Items { items }))
}
