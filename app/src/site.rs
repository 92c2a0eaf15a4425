//! Facts about the running site shown on every page.

use domain::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SiteFacts {
    /// Set when `GONGDAO_NOW` fixes the clock: shown as a warning on every page.
    pub clock_fixed_at: Option<String>,
    pub merchants: u64,
}

/// The site facts, fetched once per page by the layout and shared.
pub type SiteResource = Resource<Result<SiteFacts, AppError>>;

#[server(endpoint = "site/info")]
pub async fn site_info() -> Result<SiteFacts, AppError> {
    let svc = crate::ssr::services()?;
    let clock_fixed_at = svc.clock.is_fixed().then(|| {
        format!(
            "{} (UTC+8)",
            domain::calendar::format_local(svc.clock.now())
        )
    });
    Ok(SiteFacts {
        clock_fixed_at,
        merchants: services::merchants::count(&svc).await?,
    })
}
