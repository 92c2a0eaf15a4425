//! Merchants' credit side of the API: registration and verification
//! (实名登记), the public profile with its credit, the credit file,
//! commitments, and the regulator's decisions and findings.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::credit::{FindingInput, RequestInput};
use domain::merchant::{RegistrationInput, VerificationStatus};
use domain::{AppError, Role};
use serde::Deserialize;
use serde_json::Value;
use services::credit::{commitments, records};
use services::merchants::verification;

use super::cases::{as_text, object, required_bool};
use super::{ApiError, ApiResult, Caller, MaybeCaller, ReqLang, from_json};
use crate::AppState;

/// `POST /api/v1/merchants`: a merchant account registers (or claims) a business.
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
    Ok(Json(serde_json::json!({ "items": items })))
}

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
pub async fn upload_licence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let lang = caller.lang;
    let html = super::evidence::from_html_form(&headers);
    let result = async {
        let mut file: Option<Vec<u8>> = None;
        while let Some(field) = form
            .next_field()
            .await
            .map_err(|e| super::evidence::multipart_error(&e))?
        {
            if field.name() == Some("file") {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| super::evidence::multipart_error(&e))?;
                file = Some(bytes.to_vec());
            }
        }
        let bytes = file.ok_or_else(|| AppError::invalid("file", "err.required"))?;
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
pub async fn licence(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    MaybeCaller(viewer): MaybeCaller,
    Path(id): Path<i32>,
) -> ApiResult<Response> {
    let (ct, bytes) = verification::licence_file(&state.services, viewer.as_ref(), id)
        .await
        .map_err(|e| ApiError(e, lang))?;
    let mut resp = bytes.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&ct).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    resp.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline; filename=\"licence\""),
    );
    Ok(resp)
}

/// `POST /api/v1/regulator/verifications/{id}/decision {approve, reason}`.
pub async fn decide_verification(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Regulator, Role::Admin])?;
    let o = object(&body, lang)?;
    let approve = required_bool(&o, "approve", "err.approve_required", lang)?;
    let reason = as_text(o.get("reason"), "reason", lang)?;
    let v = verification::decide(&state.services, &caller.user, id, approve, Some(&reason))
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(v))
}

/// `GET /api/v1/merchants/{id}`: the public profile with `credit: {score, grade, factors}`.
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
pub async fn records(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    MaybeCaller(viewer): MaybeCaller,
    Path(id): Path<i32>,
) -> ApiResult<impl IntoResponse> {
    let items = records::list(&state.services, viewer.as_ref(), id)
        .await
        .map_err(|e| ApiError(e, lang))?;
    Ok(Json(serde_json::json!({ "items": items })))
}

/// `POST /api/v1/merchants/{id}/commitment {accept: true}`: signs the current standard text.
pub async fn sign_commitment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    let o = object(&body, lang)?;
    let accept = matches!(o.get("accept"), Some(Value::Bool(true)));
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

/// `POST /api/v1/regulator/merchants/{id}/records`: a finding of misconduct.
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
    Ok(Json(serde_json::json!({ "items": items })))
}

/// `POST /api/v1/regulator/requests/{id}/decision {grant, reason}`.
pub async fn decide_request(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let lang = caller.lang;
    caller.require(&[Role::Regulator])?;
    let o = object(&body, lang)?;
    let grant = required_bool(&o, "grant", "err.grant_required", lang)?;
    let reason = as_text(o.get("reason"), "reason", lang)?;
    let v =
        services::credit::due_process::decide(&state.services, &caller.user, id, grant, &reason)
            .await
            .map_err(|e| ApiError(e, lang))?;
    Ok(Json(v))
}

/// `GET /api/v1/regulator/risk-warnings`: merchants with a complaint spike or
/// signs of rating brushing, each signal with its numbers.
pub async fn risk_warnings(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<impl IntoResponse> {
    let svc = &state.services;
    let items =
        services::credit::risk::warnings(svc, &caller.user, svc.clock.now(), &svc.config.risk)
            .await
            .map_err(|e| ApiError(e, caller.lang))?;
    Ok(Json(serde_json::json!({ "items": items })))
}
