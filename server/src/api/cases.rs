//! `/api/v1/cases`: file, list, read, act, trail.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use domain::AppError;
use domain::cases::Status;
use domain::cases::{ActionInput, ComplaintInput, OrderInput};
use serde::Deserialize;
use services::cases::read::RoleView;

use super::{ApiError, ApiResult, Caller};
use crate::AppState;

#[utoipa::path(
    post,
    path = "/cases",
    tag = "cases",
    summary = "A consumer files a complaint (becomes a case awaiting the merchant)",
    request_body = domain::cases::ComplaintInput,
    responses(
        (status = 201, description = "The case as the caller sees it", body = domain::cases::CaseView),
        super::openapi::SignedInWrite,
        (status = 409, description = "An open complaint about this order with this merchant exists (field order_ref)", body = super::openapi::ErrorBody),
    )
)]
pub async fn file(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let input = super::from_json::<ComplaintInput>(&body, lang)?;
    let view = services::cases::file_case(&state.services, &caller.user, &input, "merchant_id")
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// mine (default): filed, against my business, or owned; queue: unowned cases in my queue (mediators, arbitrators); all: staff.
    #[param(pattern = "^(mine|queue|all)$")]
    role_view: Option<String>,
    #[param(value_type = Option<Status>, inline)]
    status: Option<String>,
    /// Text search (case-insensitive for Latin letters, any substring, Chinese too) over the case number, the merchant's name, the order reference, the complaint's title and narrative.
    #[param(max_length = 100)]
    q: Option<String>,
    /// overdue: the stage deadline has passed; due: it falls within `due_within_days` working days (3 unless given).
    #[param(pattern = "^(overdue|due)$")]
    deadline: Option<String>,
    /// The stage deadline has not passed and ends within this many working days (Beijing time); not with deadline=overdue.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 60)]
    due_within_days: Option<String>,
    /// Staff only: `me`, `none` (unassigned) or a staff account's id.
    #[param(pattern = "^(me|none|[1-9][0-9]{0,8})$")]
    assignee: Option<String>,
    /// deadline (default): nearest stage deadline first; newest: most recently filed first.
    #[param(pattern = "^(deadline|newest)$")]
    sort: Option<String>,
    /// The `next` cursor of the previous page.
    #[param(max_length = 40)]
    cursor: Option<String>,
    /// Newest first from this case id on (exclusive): the plain spelling of a newest-first cursor.
    #[param(value_type = Option<i32>, minimum = 1)]
    before: Option<String>,
    /// Page size, 50 unless given.
    #[param(value_type = Option<u64>, minimum = 1, maximum = 200)]
    limit: Option<String>,
}

#[utoipa::path(
    get,
    path = "/cases",
    tag = "cases",
    summary = "Cases the caller may see, a page at a time (50 unless `limit`), nearest deadline or newest first; `next` is the cursor of the next page",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of cases", body = domain::cases::CaseListPage),
        super::openapi::SignedIn,
        (status = 403, description = "This view, or the assignee filter, is not for this role", body = super::openapi::ErrorBody),
        super::openapi::BadQuery,
    )
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let view =
        RoleView::parse(q.role_view.as_deref().map(str::trim).unwrap_or("")).ok_or_else(|| {
            ApiError(
                AppError::invalid("role_view", "err.role_view_unknown"),
                lang,
            )
        })?;
    let filter = domain::cases::CaseFilter::parse(&domain::cases::CaseListForm {
        status: q.status,
        q: q.q,
        deadline: q.deadline,
        due_within_days: q.due_within_days,
        assignee: q.assignee,
        sort: q.sort,
        before: q.before,
        cursor: q.cursor,
        limit: q.limit,
    })
    .map_err(|e| ApiError(e, lang))?;
    let page = services::cases::list_page(&state.services, &caller.user, view, &filter)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(page))
}

#[utoipa::path(
    post,
    path = "/cases/{id}/notes",
    tag = "cases",
    summary = "Staff add an internal note to the case's trail (never shown to the parties)",
    params(super::openapi::Id),
    request_body = domain::cases::NoteInput,
    responses(
        (status = 201, description = "The trail entry", body = domain::cases::TrailEntryView),
        super::openapi::SignedInWrite,
        super::openapi::ById,
    )
)]
pub async fn add_note(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    if !services::record::is_case_staff(caller.user.role) {
        return Err(ApiError(AppError::Forbidden, lang));
    }
    let input = super::from_json::<domain::cases::NoteInput>(&body, lang)?;
    let entry = services::cases::staff::add_note(&state.services, &caller.user, id, &input)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok((StatusCode::CREATED, Json(entry)))
}

#[utoipa::path(
    post,
    path = "/cases/{id}/reassignment",
    tag = "cases",
    summary = "An admin gives a case in mediation or arbitration to another mediator or arbitrator (its owner left or is away)",
    params(super::openapi::Id),
    request_body = domain::cases::ReassignInput,
    responses(
        (status = 200, description = "The case as the admin now sees it", body = domain::cases::CaseView),
        super::openapi::SignedInWrite,
        super::openapi::ById,
        (status = 409, description = "The case is not in mediation or arbitration", body = super::openapi::ErrorBody),
    )
)]
pub async fn reassign(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[domain::Role::Admin])?;
    let input = super::from_json::<domain::cases::ReassignInput>(&body, lang)?;
    let view = services::cases::staff::reassign(&state.services, &caller.user, id, &input)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(view))
}

#[utoipa::path(
    post,
    path = "/cases/{id}/recuse",
    tag = "cases",
    summary = "The owning mediator or arbitrator recuses themselves: the case goes back to the queue and they never take it again",
    params(super::openapi::Id),
    request_body = domain::cases::RecuseInput,
    responses(
        (status = 200, description = "The case as the caller now sees it", body = domain::cases::CaseView),
        super::openapi::SignedInWrite,
        super::openapi::ById,
        (status = 409, description = "The case is not in the caller's stage", body = super::openapi::ErrorBody),
    )
)]
pub async fn recuse(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[domain::Role::Mediator, domain::Role::Arbitrator])?;
    let input = super::from_json::<domain::cases::RecuseInput>(&body, lang)?;
    let view = services::cases::staff::recuse(&state.services, &caller.user, id, &input)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(view))
}

#[utoipa::path(
    get,
    path = "/staff/workload",
    tag = "cases",
    summary = "Mediators, arbitrators, admins: each active mediator's and arbitrator's open, overdue and soon-due cases, and the unowned queues",
    responses(
        (status = 200, description = "The workload", body = domain::cases::Workload),
        super::openapi::SignedIn,
        (status = 403, description = "Not for this role", body = super::openapi::ErrorBody),
    )
)]
pub async fn workload(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let w = services::cases::staff::workload(&state.services, &caller.user)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(w))
}

/// `?reveal=<reason>`: staff state why they need the consumer's data unmasked (logged).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevealQuery {
    /// Staff: why they need the consumer's name, phones, ID numbers and emails unmasked (logged).
    reveal: Option<String>,
}

#[utoipa::path(
    get,
    path = "/cases/{id}",
    tag = "cases",
    summary = "One case, with its deadlines, whose move it is, and the actions the caller may take",
    params(super::openapi::Id, RevealQuery),
    responses(
        (status = 200, description = "The case as the caller sees it", body = domain::cases::CaseView),
        super::openapi::SignedIn,
        super::openapi::ById,
        super::openapi::Unreadable,
    )
)]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    Query(q): Query<RevealQuery>,
) -> ApiResult<impl IntoResponse> {
    let view = services::cases::read::get_case_revealed(
        &state.services,
        &caller.user,
        id,
        q.reveal.as_deref(),
    )
    .await
    .map_err(|e| ApiError(e, caller.lang))?;
    Ok(Json(view))
}

#[utoipa::path(
    get,
    path = "/cases/{id}/identity",
    tag = "cases",
    summary = "The consumer's real-name identity: number masked; in full only to staff who give `reveal` (logged)",
    params(super::openapi::Id, RevealQuery),
    responses(
        (status = 200, description = "The identity as the caller may see it (identity null if the consumer has none)", body = domain::identity::CaseIdentity),
        super::openapi::SignedIn,
        super::openapi::ById,
        super::openapi::Unreadable,
    )
)]
pub async fn identity(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    Query(q): Query<RevealQuery>,
) -> ApiResult<impl IntoResponse> {
    let view = services::cases::privacy::case_identity(
        &state.services,
        &caller.user,
        id,
        q.reveal.as_deref(),
    )
    .await
    .map_err(|e| ApiError(e, caller.lang))?;
    Ok(Json(view))
}

#[utoipa::path(
    post,
    path = "/cases/{id}/actions",
    tag = "cases",
    summary = "Act on a case (respond, offer, escalate, decide, …: see `action`; ratings have their own endpoints)",
    params(super::openapi::Id),
    request_body = domain::cases::ActionInput,
    responses(
        (status = 200, description = "The case after the action", body = domain::cases::CaseView),
        super::openapi::SignedInWrite,
        super::openapi::ById,
        (status = 409, description = "Not allowed in the current status (code not_allowed; the message lists what is), the case changed meanwhile (code conflict), or the step needs the consumer's real-name identity (code conflict, field identity)", body = super::openapi::ErrorBody),
    )
)]
pub async fn act(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let input = super::from_json::<ActionInput>(&body, lang)?;
    let view = services::cases::act(&state.services, &caller.user, id, input)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(view))
}

#[utoipa::path(
    get,
    path = "/cases/{id}/trail",
    tag = "cases",
    summary = "The case's full-process trail (hash-chained, append-only)",
    params(super::openapi::Id, RevealQuery),
    responses(
        (status = 200, description = "Entries in order", body = super::openapi::Trail),
        super::openapi::SignedIn,
        super::openapi::ById,
        super::openapi::Unreadable,
    )
)]
pub async fn trail(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    Query(q): Query<RevealQuery>,
) -> ApiResult<impl IntoResponse> {
    let entries = services::cases::trail_of(&state.services, &caller.user, id, q.reveal.as_deref())
        .await
        .map_err(|e| ApiError(e, caller.lang))?;
    Ok(Json(super::openapi::Trail { entries }))
}

#[utoipa::path(
    get,
    path = "/cases/{id}/trail/verify",
    tag = "cases",
    summary = "Recomputes the trail's hash chain; names the first broken entry",
    params(super::openapi::Id),
    responses(
        (status = 200, description = "The result", body = domain::cases::TrailVerification),
        super::openapi::SignedIn,
        super::openapi::ById,
    )
)]
pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
) -> ApiResult<impl IntoResponse> {
    let v = services::cases::verify_trail(&state.services, &caller.user, id)
        .await
        .map_err(|e| ApiError(e, caller.lang))?;
    Ok(Json(v))
}

/// `POST /api/v1/cases/{id}/join`: "me too" — a consumer joins with their own order.
#[utoipa::path(
    post,
    path = "/cases/{id}/join",
    tag = "cases",
    summary = "Collective complaint: a consumer with the same problem joins an open, published case with their own order",
    params(super::openapi::Id),
    request_body = domain::cases::OrderInput,
    responses(
        (status = 201, description = "The case joined", body = domain::cases::CaseView),
        super::openapi::SignedInWrite,
        super::openapi::ById,
        (status = 409, description = "Already in it, the same order is in another open complaint, or the case is past mediation", body = super::openapi::ErrorBody),
    )
)]
pub async fn join(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let order = super::from_json::<OrderInput>(&body, lang)?;
    let view = services::cases::collective::join_case(&state.services, &caller.user, id, &order)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /api/v1/merchants/{id}/complaints/open`: complaints against the merchant
/// that others may join (public; only those whose consumer allowed publication).
#[utoipa::path(
    get,
    path = "/merchants/{id}/complaints/open",
    tag = "cases",
    summary = "Public: open complaints against the merchant that other consumers may join",
    params(super::openapi::Id),
    responses(
        (status = 200, description = "The complaints", body = super::openapi::Items<domain::cases::OpenComplaint>),
        super::openapi::ById,
    )
)]
pub async fn open_for_merchant(
    State(state): State<AppState>,
    super::ReqLang(lang): super::ReqLang,
    Path(id): Path<i32>,
) -> ApiResult<impl IntoResponse> {
    let items = services::cases::collective::open_complaints(&state.services, id)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(super::openapi::Items { items }))
}

#[utoipa::path(
    get,
    path = "/statistics/cases",
    tag = "cases",
    summary = "Staff statistics of the case queues: open cases per status, the queues, arbitration decisions past their deadline",
    responses(
        (status = 200, description = "The figures now", body = domain::cases::CaseStatistics),
        super::openapi::SignedIn,
        super::openapi::Forbidden,
    )
)]
pub async fn statistics(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let stats = services::cases::statistics(&state.services, &caller.user)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(stats))
}

/// The answer of `GET /cases/{id}/bundle`: a zip file.
pub struct BundleZip;

impl utoipa::IntoResponses for BundleZip {
    fn responses() -> std::collections::BTreeMap<
        String,
        utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
    > {
        use utoipa::openapi::content::ContentBuilder;
        use utoipa::openapi::response::ResponseBuilder;
        let zip = ResponseBuilder::new()
            .description(
                "The bundle (zip): README.txt, case.json, trail.json, evidence/…, manifest.txt, manifest.sig, signing-key.pem",
            )
            .content("application/zip", ContentBuilder::new().build());
        std::collections::BTreeMap::from([("200".to_string(), zip.build().into())])
    }
}

#[utoipa::path(
    get,
    path = "/cases/{id}/bundle",
    tag = "cases",
    summary = "The case bundle: its facts, the whole trail with everything its hashes cover, the evidence files and a manifest signed by the server's Ed25519 key, in one zip anyone can verify offline (gongdao-verify-bundle); personal data masked as on the case for readers who may not see it",
    params(super::openapi::Id, RevealQuery),
    responses(
        BundleZip,
        super::openapi::SignedIn,
        super::openapi::ById,
        super::openapi::Unreadable,
    )
)]
pub async fn bundle(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    Query(q): Query<RevealQuery>,
) -> ApiResult<axum::response::Response> {
    use axum::http::{HeaderValue, header};
    let b = services::cases::bundle::make(&state.services, &caller.user, id, q.reveal.as_deref())
        .await
        .map_err(|e| ApiError(e, caller.lang))?;
    let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(b.file));
    let mut resp = axum::body::Body::from_stream(stream).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(b.len));
    let name = format!("gongdao-{}.zip", b.case_number);
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!(
            "attachment; filename=\"{}\"",
            name.replace(
                |c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '.',
                "_"
            )
        ))
        .unwrap_or(HeaderValue::from_static("attachment")),
    );
    Ok(resp)
}
