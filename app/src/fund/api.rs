//! Server functions behind the fund's pages; each calls `services::fund`.

use domain::AppError;
use domain::cases::CaseSummary;
#[cfg(feature = "ssr")]
use domain::fund::MovementInput;
use domain::fund::{FundSummary, LedgerPage, MerchantAccount};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Rows on one page of the public ledger.
pub const PER_PAGE: u64 = 20;
/// The highest page asked for (the services multiply it into an offset).
pub const MAX_PAGE: u64 = 1_000_000;

/// The public page: the fund's totals and one page of its ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicFundData {
    pub summary: FundSummary,
    pub ledger: LedgerPage,
}

/// The administrators' page: the totals, the applications waiting, and the
/// idempotency key this rendering of the forms carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundAdminData {
    pub summary: FundSummary,
    pub queue: Vec<CaseSummary>,
    pub form_key: String,
}

/// A merchant's figures (public) and its account (only for those who may see it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerchantFundData {
    pub summary: FundSummary,
    pub account: Option<MerchantAccount>,
}

#[server(endpoint = "fund/public")]
pub async fn load_public_fund(page: u64) -> Result<PublicFundData, AppError> {
    let svc = crate::ssr::services()?;
    Ok(PublicFundData {
        summary: services::fund::public::summary(&svc.db, None).await?,
        ledger: services::fund::public::ledger(&svc, None, page.clamp(1, MAX_PAGE), PER_PAGE)
            .await?,
    })
}

#[server(endpoint = "fund/admin")]
pub async fn load_fund_admin() -> Result<FundAdminData, AppError> {
    let user = crate::ssr::require_role(&[domain::Role::FundAdmin]).await?;
    let svc = crate::ssr::services()?;
    Ok(FundAdminData {
        summary: services::fund::public::summary(&svc.db, None).await?,
        queue: services::cases::list_cases(
            &svc,
            &user,
            services::cases::read::RoleView::Queue,
            None,
            200,
        )
        .await?,
        form_key: new_form_key(user.id),
    })
}

#[server(endpoint = "fund/merchant")]
pub async fn load_merchant_fund(id: i32) -> Result<MerchantFundData, AppError> {
    let svc = crate::ssr::services()?;
    let summary = services::fund::public::summary(&svc.db, Some(id)).await?;
    // The account is for its own merchant and fund staff; anyone else
    // (signed out included) simply does not get it.
    let account = match crate::ssr::current_user().await? {
        None => None,
        Some(u) => match services::fund::public::merchant_account(&svc, &u, id).await {
            Ok(a) => Some(a),
            Err(AppError::Forbidden) => None,
            Err(e) => return Err(e),
        },
    };
    Ok(MerchantFundData { summary, account })
}

#[server(endpoint = "fund/top_up")]
pub async fn fund_top_up(
    amount: String,
    idempotency_key: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let mv = MovementInput::from_form(&amount, &idempotency_key, reason.as_deref())?;
    let r = services::fund::operations::fund_top_up(&crate::ssr::services()?, &user, &mv).await?;
    recorded(&r);
    Ok(())
}

#[server(endpoint = "fund/deposit")]
pub async fn fund_deposit(
    merchant_id: String,
    direction: String,
    amount: String,
    idempotency_key: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    use services::fund::Direction;
    let user = crate::ssr::require_user().await?;
    let merchant_id = whole(&merchant_id, "merchant_id")?;
    let direction = match direction.as_str() {
        "in" => Direction::In,
        "out" => Direction::Out,
        _ => return Err(AppError::invalid("direction", "err.fund.direction")),
    };
    let mv = MovementInput::from_form(&amount, &idempotency_key, reason.as_deref())?;
    let r = services::fund::operations::deposit(
        &crate::ssr::services()?,
        &user,
        merchant_id,
        direction,
        &mv,
    )
    .await?;
    recorded(&r);
    Ok(())
}

#[server(endpoint = "fund/repayment")]
pub async fn fund_repayment(
    case_id: String,
    amount: String,
    idempotency_key: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    case_movement(
        services::fund::CaseMovement::Repayment,
        case_id,
        amount,
        idempotency_key,
        reason,
    )
    .await
}

#[server(endpoint = "fund/write_off")]
pub async fn fund_write_off(
    case_id: String,
    amount: String,
    idempotency_key: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    case_movement(
        services::fund::CaseMovement::WriteOff,
        case_id,
        amount,
        idempotency_key,
        reason,
    )
    .await
}

#[cfg(feature = "ssr")]
async fn case_movement(
    kind: services::fund::CaseMovement,
    case_id: String,
    amount: String,
    idempotency_key: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let case_id = whole(&case_id, "case_id")?;
    let mv = MovementInput::from_form(&amount, &idempotency_key, reason.as_deref())?;
    let r = services::fund::operations::case_movement(
        &crate::ssr::services()?,
        &user,
        case_id,
        kind,
        &mv,
    )
    .await?;
    recorded(&r);
    Ok(())
}

#[cfg(feature = "ssr")]
fn whole(v: &str, field: &str) -> Result<i32, AppError> {
    domain::input::required(domain::input::whole(Some(v), field)?, field)
}

/// Back to the administrators' page, which confirms what was recorded.
#[cfg(feature = "ssr")]
fn recorded(r: &domain::fund::EntryReceipt) {
    leptos_axum::redirect(&format!(
        "/fund/admin?done={}&entry={}&amount={}{}",
        r.kind,
        r.entry_id,
        r.amount_fen,
        if r.replayed { "&replayed=1" } else { "" }
    ));
}

/// A key for one rendering of the administrators' forms: the same rendered
/// form posted twice carries the same key, so the books record it once.
/// Unique, not secret: the user, the time, a counter and a per-process
/// random hash.
#[cfg(feature = "ssr")]
fn new_form_key(user_id: i32) -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(nanos);
    h.write_u64(n);
    format!("ui-{user_id}-{nanos:x}-{n:x}-{:016x}", h.finish())
}
