//! Server functions behind the case pages; each calls `services::cases`.

use domain::AppError;
use domain::cases::{CasePage, CaseSummary};
use leptos::prelude::*;

/// Yuan as typed (`12.50`) → whole fen as text, or a field error.
#[cfg(feature = "ssr")]
pub(crate) fn yuan_to_fen(v: &str, field: &str) -> Result<String, AppError> {
    if v.trim().is_empty() {
        return Err(AppError::invalid(field, "err.required"));
    }
    domain::Fen::parse_yuan(v)
        .map(|f| f.0.to_string())
        .ok_or_else(|| AppError::invalid(field, "err.yuan_invalid"))
}

#[allow(clippy::too_many_arguments)]
#[server(endpoint = "cases/file")]
pub async fn file_complaint(
    merchant: String,
    category: String,
    title: String,
    narrative: String,
    order_ref: String,
    order_date: String,
    amount_paid: String,
    amount_claimed: String,
    remedy: String,
    publish_narrative: Option<String>,
) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let raw = services::cases::RawCase {
        merchant,
        category,
        title,
        narrative,
        order_ref,
        order_date,
        amount_paid_fen: yuan_to_fen(&amount_paid, "amount_paid_fen")?,
        amount_claimed_fen: yuan_to_fen(&amount_claimed, "amount_claimed_fen")?,
        remedy,
        publish_narrative: publish_narrative.is_some_and(|v| v == "on" || v == "true"),
    };
    let view = services::cases::file_case(&crate::ssr::services()?, &user, &raw).await?;
    leptos_axum::redirect(&format!("/cases/{}", view.id));
    Ok(())
}

#[allow(clippy::too_many_arguments)]
#[server(endpoint = "cases/act")]
pub async fn case_action(
    id: i32,
    action: String,
    message: Option<String>,
    reason: Option<String>,
    amount: Option<String>,
    remedy: Option<String>,
    fulfil_within_days: Option<String>,
    to: Option<String>,
    party: Option<String>,
    within_days: Option<String>,
    upheld: Option<String>,
    stars: Option<String>,
    flag_malicious: Option<String>,
    text: Option<String>,
) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let amount_fen = match amount.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => Some(yuan_to_fen(v, "amount_fen")?),
    };
    let raw = services::cases::RawAction {
        action,
        message,
        reason,
        amount_fen,
        remedy,
        fulfil_within_days,
        to,
        party,
        within_days,
        upheld,
        stars,
        flag_malicious,
        text,
        ip: Some(crate::ssr::client_ip()),
    };
    services::cases::act(&crate::ssr::services()?, &user, id, &raw).await?;
    leptos_axum::redirect(&format!("/cases/{id}"));
    Ok(())
}

/// The consumer who filed allows (`publish` = `true`) or withdraws
/// publication of the narrative.
#[server(endpoint = "cases/publication")]
pub async fn set_publication(id: i32, publish: String) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let publish = match publish.as_str() {
        "true" => true,
        "false" => false,
        _ => return Err(AppError::invalid("publish", "err.publish_required")),
    };
    services::cases::privacy::set_publication(&crate::ssr::services()?, &user, id, publish).await?;
    leptos_axum::redirect(&format!("/cases/{id}"));
    Ok(())
}

/// The case page; `reveal` is staff's stated reason to see the consumer's
/// data unmasked (logged).
#[server(endpoint = "cases/get")]
pub async fn load_case_page(id: i32, reveal: Option<String>) -> Result<CasePage, AppError> {
    let user = crate::ssr::require_user().await?;
    let svc = crate::ssr::services()?;
    let reveal = reveal.as_deref();
    Ok(CasePage {
        case: services::cases::read::get_case_revealed(&svc, &user, id, reveal).await?,
        trail: services::cases::trail_of(&svc, &user, id, reveal).await?,
        evidence: services::cases::evidence::list(&svc, &user, id).await?,
    })
}

#[server(endpoint = "cases/list")]
pub async fn list_cases(role_view: String, status: String) -> Result<Vec<CaseSummary>, AppError> {
    let user = crate::ssr::require_user().await?;
    let view = services::cases::read::RoleView::parse(&role_view)
        .ok_or_else(|| AppError::invalid("role_view", "err.role_view_unknown"))?;
    let status = match status.as_str() {
        "" => None,
        s => Some(
            domain::cases::Status::parse(s)
                .ok_or_else(|| AppError::invalid("status", "err.status_unknown"))?,
        ),
    };
    services::cases::list_cases(&crate::ssr::services()?, &user, view, status, 200).await
}
