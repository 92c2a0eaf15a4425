//! `GET /api/v1/merchants?q=…`: merchant search (tantivy), public.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use domain::AppError;
use serde::Deserialize;
use services::search::{SearchQuery, SortBy};

use super::{ApiError, ApiResult, ReqLang};
use crate::AppState;

#[derive(Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    sort: Option<String>,
    province: Option<String>,
    grade: Option<String>,
    list: Option<String>,
    verified: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

/// The query parameters, each checked and named when wrong.
pub fn parse(p: SearchParams) -> Result<SearchQuery, AppError> {
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    let sort = match blank(&p.sort).as_deref() {
        None | Some("relevance") => SortBy::Relevance,
        Some("credit") => SortBy::Credit,
        Some("complaints") => SortBy::Complaints,
        Some(_) => return Err(AppError::invalid("sort", "err.search.sort")),
    };
    let list = match blank(&p.list).as_deref() {
        None => None,
        Some(l @ ("red" | "black")) => Some(l.to_string()),
        Some(_) => return Err(AppError::invalid("list", "err.search.list")),
    };
    let verified = match blank(&p.verified).as_deref() {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => return Err(AppError::invalid("verified", "err.search.verified")),
    };
    let grade = match blank(&p.grade) {
        None => None,
        Some(g) if domain::credit::Grade::parse(&g).is_some() => Some(g),
        Some(_) => return Err(AppError::invalid("grade", "err.search.grade")),
    };
    let number = |v: &Option<String>, field: &str, default: u64| -> Result<u64, AppError> {
        match blank(v) {
            None => Ok(default),
            Some(s) => s
                .parse::<u64>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| AppError::invalid(field, "err.whole_number")),
        }
    };
    let q = p.q.unwrap_or_default();
    if q.chars().count() > 200 {
        return Err(AppError::invalid("q", "err.text_too_long"));
    }
    Ok(SearchQuery {
        q,
        sort,
        province: blank(&p.province),
        grade,
        list,
        verified,
        page: number(&p.page, "page", 1)?,
        per_page: number(&p.per_page, "per_page", 20)?,
    })
}

pub async fn merchants(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Query(p): Query<SearchParams>,
) -> ApiResult<impl IntoResponse> {
    let q = parse(p).map_err(|e| ApiError(e, lang))?;
    let page = services::search::search(&state.services, q)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(page))
}
