//! Server functions behind the case pages; each calls `services::cases`.

use domain::AppError;
use domain::cases::{CaseListPage, CasePage, FilingFormData, FilingReview};
use leptos::prelude::*;

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
    demand: Option<String>,
    publish_narrative: Option<String>,
    waybill: Option<String>,
    logistics_merchant: Option<String>,
    logistics_amount_claimed: Option<String>,
    logistics_narrative: Option<String>,
) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let input = domain::cases::ComplaintInput::from_form(&domain::cases::ComplaintForm {
        merchant,
        category,
        title,
        narrative,
        order_ref,
        order_date,
        amount_paid,
        amount_claimed,
        remedy,
        demand: demand.unwrap_or_default(),
        publish_narrative,
        waybill: waybill.unwrap_or_default(),
        logistics_merchant: logistics_merchant.unwrap_or_default(),
        logistics_amount_claimed: logistics_amount_claimed.unwrap_or_default(),
        logistics_narrative: logistics_narrative.unwrap_or_default(),
    })?;
    let svc = crate::ssr::services()?;
    let view = services::cases::file_case(&svc, &user, &input, "merchant").await?;
    leptos_axum::redirect(&format!("/cases/{}", view.id));
    Ok(())
}

/// The filing form's page: the caller's draft (consumers only; none for
/// anyone else or signed out) and the merchant the form names — `merchant`
/// (the picker's choice, or the one a refused form posted), else the
/// draft's — with its credit grade and figures.
#[server(endpoint = "cases/filing-form")]
pub async fn load_filing_form(merchant: Option<String>) -> Result<FilingFormData, AppError> {
    let svc = crate::ssr::services()?;
    let draft = match crate::ssr::current_user().await? {
        Some(u) if u.role == domain::Role::Consumer => {
            services::cases::draft::load(&svc, &u).await?
        }
        _ => None,
    };
    let key = merchant.filter(|m| !m.trim().is_empty()).or_else(|| {
        draft
            .as_ref()
            .and_then(|d| d.values.get("merchant").cloned())
    });
    let merchant = match key {
        Some(k) => services::merchants::standing(&svc, &k).await?,
        None => None,
    };
    Ok(FilingFormData { draft, merchant })
}

/// The review page: the caller's draft checked and in plain words (404:
/// no draft; a refusal names the form's field).
#[server(endpoint = "cases/filing-review")]
pub async fn load_filing_review() -> Result<FilingReview, AppError> {
    let user = crate::ssr::require_user().await?;
    services::cases::draft::review(&crate::ssr::services()?, &user).await
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
    refusal_category: Option<String>,
) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let input = domain::cases::ActionInput::from_form(&domain::cases::ActionForm {
        action,
        message,
        reason,
        amount,
        remedy,
        fulfil_within_days,
        to,
        party,
        within_days,
        upheld,
        refusal_category,
    })?;
    services::cases::act(&crate::ssr::services()?, &user, id, input).await?;
    leptos_axum::redirect(&format!("/cases/{id}"));
    Ok(())
}

/// The case's consumer (stars, text) or merchant (text, malicious flag)
/// rates it once it is over.
#[server(endpoint = "cases/rate")]
pub async fn rate_case(
    id: i32,
    stars: Option<String>,
    text: Option<String>,
    flag_malicious: Option<String>,
) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let input = domain::credit::RatingInput::from_form(
        stars.as_deref(),
        text.as_deref(),
        flag_malicious.as_deref(),
    )?;
    let ip = crate::ssr::client_ip();
    services::credit::ratings::rate(&crate::ssr::services()?, &user, id, &input, &ip).await?;
    leptos_axum::redirect(&format!("/cases/{id}"));
    Ok(())
}

/// The rating's author adds its one follow-up review.
#[server(endpoint = "cases/follow-up")]
pub async fn follow_up_rating(id: i32, text: Option<String>) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let input = domain::credit::FollowUpInput {
        text: text.unwrap_or_default(),
    };
    services::credit::ratings::follow_up(&crate::ssr::services()?, &user, id, &input).await?;
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

/// The consumer objects to the review of their filing pattern (职业索赔筛查)
/// from the case page of a marked case, within 5 working days.
#[server(endpoint = "screening/object")]
pub async fn object_screening(id: i32, statement: String) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let input = domain::screening::ObjectionInput { statement };
    services::cases::screening::object(&crate::ssr::services()?, &user, &input).await?;
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
    let case = services::cases::read::get_case_revealed(&svc, &user, id, reveal).await?;
    let reassign_to = services::cases::staff::reassign_candidates(&svc, &user, &case).await?;
    let templates = services::merchants::templates::for_case(&svc, &user, case.merchant_id).await?;
    Ok(CasePage {
        trail: services::cases::trail_of(&svc, &user, id, reveal).await?,
        evidence: services::cases::evidence::list(&svc, &user, id).await?,
        case,
        reassign_to,
        templates,
    })
}

/// An admin gives the case to another mediator or arbitrator.
#[server(endpoint = "cases/reassign")]
pub async fn reassign_case(id: i32, to: Option<String>, reason: String) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let input = domain::cases::ReassignInput::from_form(to.as_deref(), Some(reason))?;
    services::cases::staff::reassign(&crate::ssr::services()?, &user, id, &input).await?;
    leptos_axum::redirect(&format!("/cases/{id}"));
    Ok(())
}

/// The staff statistics of the case queues (staff only).
#[server(endpoint = "cases/statistics")]
pub async fn case_statistics() -> Result<domain::cases::CaseStatistics, AppError> {
    let user = crate::ssr::require_user().await?;
    services::cases::statistics(&crate::ssr::services()?, &user).await
}

/// A page of the cases the caller may see; the parameters are
/// `GET /api/v1/cases`'s (the list page's GET form and its links).
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "cases/list")]
pub async fn list_cases(
    role_view: String,
    status: String,
    q: Option<String>,
    deadline: Option<String>,
    due_within_days: Option<String>,
    assignee: Option<String>,
    sort: Option<String>,
    cursor: Option<String>,
    limit: Option<String>,
) -> Result<CaseListPage, AppError> {
    let user = crate::ssr::require_user().await?;
    let view = services::cases::read::RoleView::parse(&role_view)
        .ok_or_else(|| AppError::invalid("role_view", "err.role_view_unknown"))?;
    let filter = domain::cases::CaseFilter::parse(&domain::cases::CaseListForm {
        status: Some(status),
        q,
        deadline,
        due_within_days,
        assignee,
        sort,
        cursor,
        limit,
        ..Default::default()
    })?;
    services::cases::list_page(&crate::ssr::services()?, &user, view, &filter).await
}

/// Staff add an internal note to the case (never shown to the parties).
#[server(endpoint = "cases/note")]
pub async fn add_case_note(id: i32, note: String) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let input = domain::cases::NoteInput { note: Some(note) };
    services::cases::staff::add_note(&crate::ssr::services()?, &user, id, &input).await?;
    leptos_axum::redirect(&format!("/cases/{id}"));
    Ok(())
}

/// The owning mediator or arbitrator recuses themselves from the case.
#[server(endpoint = "cases/recuse")]
pub async fn recuse_case(id: i32, reason: String) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let input = domain::cases::RecuseInput {
        reason: Some(reason),
    };
    services::cases::staff::recuse(&crate::ssr::services()?, &user, id, &input).await?;
    leptos_axum::redirect(&format!("/cases/{id}"));
    Ok(())
}

/// The mediators' and arbitrators' workload (mediators, arbitrators, admins).
#[server(endpoint = "staff/workload")]
pub async fn load_workload() -> Result<domain::cases::Workload, AppError> {
    let user = crate::ssr::require_user().await?;
    services::cases::staff::workload(&crate::ssr::services()?, &user).await
}

/// The consumer's real-name identity on the case page: masked, in full
/// only to staff who state a reason (`reveal`, logged).
#[server(endpoint = "cases/identity")]
pub async fn load_case_identity(
    id: i32,
    reveal: Option<String>,
) -> Result<domain::identity::CaseIdentity, AppError> {
    let user = crate::ssr::require_user().await?;
    services::cases::privacy::case_identity(&crate::ssr::services()?, &user, id, reveal.as_deref())
        .await
}
