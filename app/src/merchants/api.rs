//! Server functions behind the merchant pages; each calls `services`.

use domain::AppError;
use domain::cases::OpenComplaint;
use domain::credit::RatingView;
use domain::merchant::{
    CommitmentView, MerchantProfile, MerchantSummary, RecordRequestView, RecordView,
    VerificationView,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Everything the merchant page shows: the public profile, the credit file
/// and ratings as the viewer may see them, the complaints open to join and,
/// for the merchant's own account, what it manages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerchantPageData {
    pub profile: MerchantProfile,
    pub open: Vec<OpenComplaint>,
    /// The public part of the credit file (all of it for the merchant itself;
    /// the page's public section shows only `public` ones).
    pub records: Vec<RecordView>,
    pub ratings: Vec<RatingView>,
    pub owner: Option<OwnerData>,
}

/// What the merchant's own account sees and may do on its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerData {
    /// The signature of the current standard commitment, if in force.
    pub commitment: Option<CommitmentView>,
    /// Findings not yet published, and whether an objection is still possible.
    pub pending: Vec<OwnedRecord>,
    /// Published findings on display that may be repaired.
    pub repairable: Vec<OwnedRecord>,
    /// Its objections and repair applications about this business, newest first.
    pub requests: Vec<RecordRequestView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnedRecord {
    pub record: RecordView,
    /// A request about it waits for a regulator.
    pub request_open: bool,
    /// The form applies now (objection period running / repair possible).
    pub may_act: bool,
}

/// The merchant account's page `/merchants/register`: its verification
/// requests and the verified businesses it answers for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyBusinessData {
    pub requests: Vec<VerificationView>,
    pub verified: Vec<MerchantSummary>,
}

#[server(endpoint = "merchants/page")]
pub async fn merchant_page(id: i32) -> Result<MerchantPageData, AppError> {
    let svc = crate::ssr::services()?;
    let viewer = crate::ssr::current_user().await?;
    let profile = services::merchants::profile(&svc, id).await?;
    let open = services::cases::collective::open_complaints(&svc, id).await?;
    let records = services::credit::records::list(&svc, viewer.as_ref(), id).await?;
    let ratings = services::credit::ratings::list_for_merchant(&svc, viewer.as_ref(), id).await?;
    let owner = match &viewer {
        Some(u) if answers_for(&svc, u, id).await? => {
            Some(owner_data(&svc, u, &profile, &records).await?)
        }
        _ => None,
    };
    Ok(MerchantPageData {
        profile,
        open,
        records,
        ratings,
        owner,
    })
}

/// Does `user` answer for merchant `id`? In the product an account answers
/// for a business once a regulator verified its claim.
#[cfg(feature = "ssr")]
async fn answers_for(
    svc: &services::Services,
    user: &domain::UserView,
    id: i32,
) -> Result<bool, AppError> {
    use domain::merchant::VerificationStatus;
    if user.role != domain::Role::Merchant {
        return Ok(false);
    }
    Ok(
        services::merchants::verification::list(svc, user, Some(VerificationStatus::Verified))
            .await?
            .iter()
            .any(|v| v.merchant_id == id),
    )
}

#[cfg(feature = "ssr")]
async fn owner_data(
    svc: &services::Services,
    user: &domain::UserView,
    profile: &MerchantProfile,
    records: &[RecordView],
) -> Result<OwnerData, AppError> {
    use domain::credit::RecordKind;
    use domain::merchant::COMMITMENT_VERSION;
    let now = svc.clock.now();
    let mut requests: Vec<RecordRequestView> = services::credit::due_process::list(svc, user, None)
        .await?
        .into_iter()
        .filter(|r| r.merchant_id == profile.id)
        .collect();
    requests.reverse();
    let open = |record_id: i32| {
        requests
            .iter()
            .any(|q| q.record_id == record_id && q.status == "pending")
    };
    let pending = records
        .iter()
        .filter(|r| r.status == "pending")
        .map(|r| OwnedRecord {
            request_open: open(r.id),
            may_act: !open(r.id) && r.objection_until.is_some_and(|u| now <= u),
            record: r.clone(),
        })
        .collect();
    let repairable = records
        .iter()
        .filter(|r| r.public && RecordKind::parse(&r.kind).is_some_and(RecordKind::repairable))
        .map(|r| OwnedRecord {
            request_open: open(r.id),
            may_act: !open(r.id),
            record: r.clone(),
        })
        .collect();
    Ok(OwnerData {
        commitment: profile
            .commitments
            .iter()
            .find(|c| c.version == COMMITMENT_VERSION && c.broken_at.is_none())
            .cloned(),
        pending,
        repairable,
        requests,
    })
}

#[server(endpoint = "cases/join")]
pub async fn join_complaint(
    id: i32,
    order_ref: String,
    order_date: String,
    amount_paid: String,
    amount_claimed: String,
) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let order = domain::cases::OrderInput::from_form(
        &order_ref,
        &order_date,
        &amount_paid,
        &amount_claimed,
    )?;
    services::cases::collective::join_case(&crate::ssr::services()?, &user, id, &order).await?;
    leptos_axum::redirect(&format!("/cases/{id}"));
    Ok(())
}

/// A checkbox as posted: present (`on`) or absent.
#[cfg(feature = "ssr")]
fn checked(v: &Option<String>) -> bool {
    v.as_deref()
        .is_some_and(|v| matches!(v.trim(), "on" | "true" | "1"))
}

#[server(endpoint = "merchants/commitment")]
pub async fn sign_commitment(merchant_id: i32, accept: Option<String>) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    services::credit::commitments::sign(
        &crate::ssr::services()?,
        &user,
        merchant_id,
        checked(&accept),
    )
    .await?;
    leptos_axum::redirect(&format!("/merchants/{merchant_id}?done=sign"));
    Ok(())
}

#[server(endpoint = "merchants/objection")]
pub async fn object_to_record(
    merchant_id: i32,
    record_id: i32,
    text: String,
    evidence: Option<String>,
) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let input = domain::credit::RequestInput::from_form(&text, evidence.as_deref(), None)?;
    services::credit::due_process::object(&crate::ssr::services()?, &user, record_id, &input)
        .await?;
    leptos_axum::redirect(&format!("/merchants/{merchant_id}?done=object"));
    Ok(())
}

#[server(endpoint = "merchants/repair")]
pub async fn apply_repair(
    merchant_id: i32,
    record_id: i32,
    text: String,
    evidence: Option<String>,
    renew_commitment: Option<String>,
) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let input = domain::credit::RequestInput::from_form(
        &text,
        evidence.as_deref(),
        renew_commitment.as_deref(),
    )?;
    services::credit::due_process::apply_repair(&crate::ssr::services()?, &user, record_id, &input)
        .await?;
    leptos_axum::redirect(&format!("/merchants/{merchant_id}?done=repair"));
    Ok(())
}

#[server(endpoint = "merchants/mine")]
pub async fn my_business() -> Result<MyBusinessData, AppError> {
    use domain::merchant::VerificationStatus;
    let user = crate::ssr::require_role(&[domain::Role::Merchant]).await?;
    let svc = crate::ssr::services()?;
    let mut requests = services::merchants::verification::list(&svc, &user, None).await?;
    requests.reverse();
    let mut verified = vec![];
    for v in requests
        .iter()
        .filter(|v| v.status == VerificationStatus::Verified)
    {
        if !verified
            .iter()
            .any(|m: &MerchantSummary| m.id == v.merchant_id)
        {
            verified.push(services::merchants::find_summary(&svc, v.merchant_id).await?);
        }
    }
    Ok(MyBusinessData { requests, verified })
}

#[allow(clippy::too_many_arguments)]
#[server(endpoint = "merchants/register")]
pub async fn register_business(
    uscc: String,
    name: String,
    entity_type: String,
    kind: String,
    registered_address: String,
    business_scope: String,
    shop_names: String,
    licence_valid_until: String,
) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let input = domain::merchant::RegistrationInput::from_form(
        &uscc,
        &name,
        &entity_type,
        &kind,
        &registered_address,
        &business_scope,
        &shop_names,
        &licence_valid_until,
    );
    let v = services::merchants::verification::register(&crate::ssr::services()?, &user, &input)
        .await?;
    leptos_axum::redirect(&format!("/merchants/register?registered={}", v.id));
    Ok(())
}
