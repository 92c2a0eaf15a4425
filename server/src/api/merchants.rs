//! Merchants' credit side of the API: registration and verification
//! (实名登记), the public profile with its credit, the credit file,
//! commitments, and the regulator's decisions and findings.

use axum::Json;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::credit::{FindingInput, RequestInput};
use domain::merchant::{RegistrationInput, VerificationStatus};
use domain::{AppError, Role};
use serde::Deserialize;
use services::credit::{commitments, records};
use services::merchants::verification;

use super::{ApiError, ApiResult, Caller, MaybeCaller, ReqLang, from_json};
use crate::AppState;

/// `POST /api/v1/merchants`: a merchant account registers (or claims) a business.
#[utoipa::path(
    post,
    path = "/merchants",
    tag = "merchants",
    summary = "A merchant account registers a business, or claims one the registry lists, for real-name verification (实名登记); a regulator decides",
    request_body = domain::merchant::RegistrationInput,
    responses(
        (status = 201, description = "The verification request", body = domain::merchant::VerificationView),
        super::openapi::SignedInWrite,
        (status = 409, description = "Verified for another account already, or this account's request for it is pending", body = super::openapi::ErrorBody),
    )
)]
pub async fn register(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let input: RegistrationInput = from_json(&body, lang)?;
    let v = verification::register(&state.services, &caller.user, &input)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok((StatusCode::CREATED, Json(v)))
}

#[derive(Deserialize)]
pub struct StatusQuery {
    status: Option<String>,
}

/// Verification requests: a merchant's own; regulators' and admins' queue.
#[utoipa::path(
    get,
    path = "/merchants/verifications",
    tag = "merchants",
    summary = "Verification requests: a merchant's own; the queue for regulators and admins, oldest first",
    params(("status" = inline(Option<domain::merchant::VerificationStatus>), Query)),
    responses(
        (status = 200, description = "The requests", body = super::openapi::Items<domain::merchant::VerificationView>),
        super::openapi::SignedIn,
        (status = 403, description = "Other roles", body = super::openapi::ErrorBody),
        super::openapi::BadQuery,
    )
)]
pub async fn verifications(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<StatusQuery>,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let status = match q.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(
            VerificationStatus::parse(s)
                .ok_or_else(|| ApiError(AppError::invalid("status", "err.status_unknown"), lang))?,
        ),
    };
    let items = verification::list(&state.services, &caller.user, status)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(super::openapi::Items { items }))
}

#[utoipa::path(
    get,
    path = "/merchants/verifications/{id}",
    tag = "merchants",
    summary = "One verification request (its applicant, regulators, admins)",
    params(super::openapi::Id),
    responses(
        (status = 200, description = "The request", body = domain::merchant::VerificationView),
        super::openapi::SignedIn,
        super::openapi::ById,
    )
)]
pub async fn verification(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
) -> ApiResult<impl IntoResponse> {
    let v = verification::get(&state.services, &caller.user, id)
        .await
        .map_err(|e| ApiError(e, caller.lang))?;
    Ok(Json(v))
}

/// `POST /api/v1/merchants/verifications/{id}/licence`: the licence image, field `file`.
/// API clients get the request as JSON; a browser form (`Accept: text/html`)
/// is sent back to `/merchants/register` with `?licence=ok` or the error.
#[utoipa::path(
    post,
    path = "/merchants/verifications/{id}/licence",
    tag = "merchants",
    summary = "The applicant uploads the licence image (JPEG, PNG, WebP, GIF or PDF ≤ 10 MB, checked by content) to a pending request",
    params(super::openapi::Id),
    request_body(content = super::openapi::FileUpload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The request with its licence", body = domain::merchant::VerificationView),
        super::openapi::Upload,
        (status = 409, description = "Already decided", body = super::openapi::ErrorBody),
    )
)]
pub async fn upload_licence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let lang = caller.lang;
    let html = super::evidence::from_html_form(&headers);
    let result = async {
        let (_, bytes) = super::evidence::read_file(form).await?;
        verification::attach_licence(&state.services, &caller.user, id, &bytes).await
    }
    .await;
    match (result, html) {
        (Ok(v), false) => Json(v).into_response(),
        (Ok(_), true) => {
            Redirect::to(&format!("/merchants/register?licence=ok&request={id}")).into_response()
        }
        (Err(e), true) if !matches!(e, AppError::NotFound) => Redirect::to(&format!(
            "/merchants/register?request={id}&licence_error={}",
            urlencoding::encode(&e.message(lang))
        ))
        .into_response(),
        (Err(e), _) => ApiError(e, lang).into_response(),
    }
}

/// The licence file: public once verified with it; before, its applicant and verifiers.
#[utoipa::path(
    get,
    path = "/merchants/verifications/{id}/licence",
    tag = "merchants",
    summary = "The licence file: public once the request is verified (亮照); before, the applicant and verifiers",
    params(super::openapi::Id),
    responses(super::openapi::Download, super::openapi::ById)
)]
pub async fn licence(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    MaybeCaller(viewer): MaybeCaller,
    Path(id): Path<i32>,
) -> ApiResult<Response> {
    let (ct, bytes) = verification::licence_file(&state.services, viewer.as_ref(), id)
        .await
        .map_err(|e| ApiError(e, lang))?;
    // Images are shown (亮照); a PDF is saved and opened by the reader's own
    // viewer: browsers' PDF viewers do not run in a sandboxed document.
    let disposition = if ct == "application/pdf" {
        "attachment; filename=\"licence.pdf\""
    } else {
        "inline; filename=\"licence\""
    };
    Ok(super::evidence::file_response(bytes, &ct, disposition))
}

/// `POST /api/v1/regulator/verifications/{id}/decision {approve, reason}`.
#[utoipa::path(
    post,
    path = "/regulator/verifications/{id}/decision",
    tag = "regulator",
    summary = "Regulator or admin: verify (links the account, shows the mark and licence fields) or reject with a reason",
    params(super::openapi::Id),
    request_body = super::bodies::VerificationDecision,
    responses(
        (status = 200, description = "The decided request", body = domain::merchant::VerificationView),
        super::openapi::SignedInWrite,
        super::openapi::ById,
        (status = 409, description = "Already decided, or the business is verified for another account", body = super::openapi::ErrorBody),
    )
)]
pub async fn decide_verification(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Regulator, Role::Admin])?;
    let b = super::from_json::<super::bodies::VerificationDecision>(&body, lang)?;
    let reason = b.reason.as_deref().unwrap_or("");
    let v = verification::decide(&state.services, &caller.user, id, b.approve, Some(reason))
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(v))
}

/// `GET /api/v1/merchants/{id}`: the public profile with `credit: {score, grade, factors}`.
#[utoipa::path(
    get,
    path = "/merchants/{id}",
    tag = "merchants",
    summary = "Public profile: licence fields, verification mark, credit {score, grade, base, factors, caps}, commitments, fund figures",
    params(super::openapi::Id),
    responses(
        (status = 200, description = "The profile", body = domain::merchant::MerchantProfile),
        super::openapi::ById,
    )
)]
pub async fn profile(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<i32>,
) -> ApiResult<impl IntoResponse> {
    let p = services::merchants::profile(&state.services, id)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(p))
}

/// `GET /api/v1/merchants/{id}/records`: the credit file (public part, or
/// all of it for the merchant itself and regulators).
#[utoipa::path(
    get,
    path = "/merchants/{id}/records",
    tag = "merchants",
    summary = "The credit file: public records within their display period; the merchant itself, regulators and admins see every record",
    params(super::openapi::Id),
    responses(
        (status = 200, description = "The records", body = super::openapi::Items<domain::merchant::RecordView>),
        super::openapi::ById,
    )
)]
pub async fn records(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    MaybeCaller(viewer): MaybeCaller,
    Path(id): Path<i32>,
) -> ApiResult<impl IntoResponse> {
    let items = records::list(&state.services, viewer.as_ref(), id)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(super::openapi::Items { items }))
}

/// `POST /api/v1/merchants/{id}/commitment {accept: true}`: signs the current standard text.
#[utoipa::path(
    post,
    path = "/merchants/{id}/commitment",
    tag = "merchants",
    summary = "The verified merchant's account holder signs the current standard credit commitment (信用承诺)",
    params(super::openapi::Id),
    request_body = super::bodies::Commitment,
    responses(
        (status = 201, description = "Signed", body = domain::merchant::CommitmentView),
        (status = 200, description = "Already signed: the signature", body = domain::merchant::CommitmentView),
        super::openapi::SignedInWrite,
        super::openapi::ById,
        (status = 409, description = "Not verified yet", body = super::openapi::ErrorBody),
    )
)]
pub async fn sign_commitment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let accept = super::from_json::<super::bodies::Commitment>(&body, lang)?.accept;
    let (c, new) = commitments::sign(&state.services, &caller.user, id, accept)
        .await
        .map_err(|e| ApiError(e, lang))?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(c)))
}

/// `POST /api/v1/regulator/merchants/{id}/records`: a finding — misconduct,
/// a broken credit commitment or a commendation.
#[utoipa::path(
    post,
    path = "/regulator/merchants/{id}/records",
    tag = "regulator",
    summary = "Regulator: record misconduct, a broken credit commitment or a commendation with evidence; pending for the merchant's 5 working days to object, then published (a published broken commitment ends the commitment)",
    params(super::openapi::Id),
    request_body = domain::credit::FindingInput,
    responses(
        (status = 201, description = "The record (pending)", body = domain::merchant::RecordView),
        (status = 409, description = "A broken commitment, but the merchant had no credit commitment in force on that date", body = super::openapi::ErrorBody),
        super::openapi::SignedInWrite,
        super::openapi::ById,
    )
)]
pub async fn create_finding(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Regulator])?;
    let input: FindingInput = from_json(&body, lang)?;
    let r = records::create_finding(&state.services, &caller.user, id, &input)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// `POST /api/v1/records/{id}/objection {text, evidence}`: the merchant objects
/// to a finding within its objection period (异议).
#[utoipa::path(
    post,
    path = "/records/{id}/objection",
    tag = "merchants",
    summary = "The merchant objects (异议) to a finding during its objection period",
    params(super::openapi::Id),
    request_body = domain::credit::RequestInput,
    responses(
        (status = 201, description = "The objection (pending)", body = domain::merchant::RecordRequestView),
        super::openapi::SignedInWrite,
        super::openapi::ById,
        (status = 409, description = "The objection period is over, or an objection is already waiting", body = super::openapi::ErrorBody),
    )
)]
pub async fn object_to_record(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let input: RequestInput = from_json(&body, lang)?;
    let v = services::credit::due_process::object(&state.services, &caller.user, id, &input)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// `POST /api/v1/records/{id}/repair {text, evidence, renew_commitment: true}` (信用修复).
#[utoipa::path(
    post,
    path = "/records/{id}/repair",
    tag = "merchants",
    summary = "Credit repair (信用修复): the merchant applies, with evidence and a renewed commitment, for a published finding to leave public view early",
    params(super::openapi::Id),
    request_body = domain::credit::RequestInput,
    responses(
        (status = 201, description = "The application (pending)", body = domain::merchant::RecordRequestView),
        super::openapi::SignedInWrite,
        super::openapi::ById,
        (status = 409, description = "Not a published finding on display, or an application is already waiting", body = super::openapi::ErrorBody),
    )
)]
pub async fn repair(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let input: RequestInput = from_json(&body, lang)?;
    let v = services::credit::due_process::apply_repair(&state.services, &caller.user, id, &input)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// Objections and repair applications: regulators' queue, or a merchant's own.
#[utoipa::path(
    get,
    path = "/records/requests",
    tag = "regulator",
    summary = "Objections and repair applications: the queue for regulators and admins, or a merchant's own, oldest first",
    params(("status" = Option<String>, Query, pattern = "^(pending|upheld|approved|refused)$")),
    responses(
        (status = 200, description = "The requests", body = super::openapi::Items<domain::merchant::RecordRequestView>),
        super::openapi::SignedIn,
        (status = 403, description = "Other roles", body = super::openapi::ErrorBody),
        super::openapi::BadQuery,
    )
)]
pub async fn record_requests(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<StatusQuery>,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let status = match q.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s @ ("pending" | "upheld" | "approved" | "refused")) => Some(s),
        Some(_) => {
            return Err(ApiError(
                AppError::invalid("status", "err.status_unknown"),
                lang,
            ));
        }
    };
    let items = services::credit::due_process::list(&state.services, &caller.user, status)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(super::openapi::Items { items }))
}

/// `POST /api/v1/regulator/requests/{id}/decision {grant, reason}`.
#[utoipa::path(
    post,
    path = "/regulator/requests/{id}/decision",
    tag = "regulator",
    summary = "Regulator: grant or refuse an objection or repair application; reason required",
    params(super::openapi::Id),
    request_body = super::bodies::RequestDecision,
    responses(
        (status = 200, description = "The decided request", body = domain::merchant::RecordRequestView),
        super::openapi::SignedInWrite,
        super::openapi::ById,
        (status = 409, description = "Already decided", body = super::openapi::ErrorBody),
    )
)]
pub async fn decide_request(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Regulator])?;
    let b = super::from_json::<super::bodies::RequestDecision>(&body, lang)?;
    let v = services::credit::due_process::decide(
        &state.services,
        &caller.user,
        id,
        b.grant,
        &b.reason,
    )
    .await
    .map_err(|e| ApiError(e, lang))?;
    Ok(Json(v))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RiskQuery {
    /// `open` or `acknowledged`; absent: both, open first.
    #[param(value_type = Option<domain::credit::risk::WarningState>, inline)]
    state: Option<String>,
}

/// `GET /api/v1/regulator/risk-warnings[?state=open|acknowledged]`: the
/// stored warnings, open first, each with its numbers.
#[utoipa::path(
    get,
    path = "/regulator/risk-warnings",
    tag = "regulator",
    summary = "Regulators and admins: the stored risk warnings (complaint spike, signs of rating brushing), open first, each with the figures that raised it and its acknowledgement",
    params(RiskQuery),
    responses(
        (status = 200, description = "The warnings", body = super::openapi::Items<domain::credit::risk::RiskWarning>),
        super::openapi::BadQuery,
        super::openapi::SignedIn,
        (status = 403, description = "Other roles", body = super::openapi::ErrorBody),
    )
)]
pub async fn risk_warnings(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<RiskQuery>,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Regulator, Role::Admin])?;
    let filter = domain::input::choice(
        q.state.as_deref(),
        "state",
        "err.risk.state_unknown",
        domain::credit::risk::WarningState::parse,
    )
    .map_err(|e| ApiError(e, lang))?;
    let items = services::credit::risk::list(&state.services, &caller.user, filter)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(super::openapi::Items { items }))
}

/// `POST /api/v1/regulator/risk-warnings/{id}/acknowledge {note}`.
#[utoipa::path(
    post,
    path = "/regulator/risk-warnings/{id}/acknowledge",
    tag = "regulator",
    summary = "Regulator: acknowledge a risk warning with a note (once)",
    params(super::openapi::Id),
    request_body = domain::credit::risk::AcknowledgeInput,
    responses(
        (status = 200, description = "The acknowledged warning", body = domain::credit::risk::RiskWarning),
        super::openapi::SignedInWrite,
        super::openapi::ById,
        (status = 409, description = "Already acknowledged", body = super::openapi::ErrorBody),
    )
)]
pub async fn acknowledge_risk_warning(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Regulator])?;
    let b = from_json::<domain::credit::risk::AcknowledgeInput>(&body, lang)?;
    let v = services::credit::risk::acknowledge(&state.services, &caller.user, id, &b)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(v))
}
