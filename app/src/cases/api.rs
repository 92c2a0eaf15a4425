//! Server functions behind the case pages; each calls `services::cases`.

use domain::AppError;
use domain::cases::{CaseListPage, CasePage, FilingFormData, FilingReview};
use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A refused case step, with the case and the step it was for. Without
/// JavaScript a refused form post comes back to the page with the error in
/// its URL, and every form of the same server function on the page reads
/// it: the case page shows it under the one step that was refused (and
/// opens that step if it is folded), a list under the one case's form. On
/// the wire it is `AppError`'s JSON with `case` and `step` beside `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepError {
    pub case: i32,
    pub step: String,
    #[serde(flatten)]
    pub error: AppError,
}

impl StepError {
    /// The error, if it is the one of `step` on case `case`.
    pub fn of(self, case: i32, step: &str) -> Option<AppError> {
        (self.case == case && self.step == step).then_some(self.error)
    }
}

/// What `action` holds as the refusal of `step` on case `case`, for an
/// `ActionErrorView` under that step's form (none for any other's).
pub fn step_refusal(
    action: ServerAction<CaseAction>,
    case: i32,
    step: domain::cases::ActionKind,
) -> impl Fn() -> Option<AppError> + Copy + Send + Sync + 'static {
    move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .and_then(|e| e.of(case, step.as_str()))
    }
}

impl FromServerFnError for StepError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        StepError {
            case: 0,
            step: String::new(),
            error: AppError::from_server_fn_error(value),
        }
    }
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
) -> Result<(), StepError> {
    let step = action.clone();
    let done = async {
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
        Ok::<(), AppError>(())
    }
    .await;
    done.map_err(|error| StepError {
        case: id,
        step,
        error,
    })?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_error_is_the_app_errors_json_with_its_case_and_step() {
        let e = StepError {
            case: 7,
            step: "offer".into(),
            error: AppError::invalid("amount", "err.amount"),
        };
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["kind"], "invalid");
        assert_eq!(json["field"], "amount");
        assert_eq!(
            (json["case"].clone(), json["step"].clone()),
            (7.into(), "offer".into())
        );
        let back: StepError = serde_json::from_value(json).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.clone().of(7, "respond"), None);
        assert_eq!(back.clone().of(8, "offer"), None);
        assert_eq!(
            back.of(7, "offer"),
            Some(AppError::invalid("amount", "err.amount"))
        );
        let forbidden = StepError::de(r#"{"kind":"forbidden","case":1,"step":"take"}"#.into());
        assert_eq!(forbidden.of(1, "take"), Some(AppError::Forbidden));
    }
}
