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

#[server(endpoint = "site/info")]
pub async fn site_info() -> Result<SiteFacts, AppError> {
    let svc = crate::ssr::services()?;
    let clock_fixed_at = svc.clock.is_fixed().then(|| {
        svc.clock
            .now()
            .with_timezone(
                &chrono::FixedOffset::east_opt(8 * 3600)
                    .unwrap_or(chrono::FixedOffset::east_opt(0).expect("zero offset")),
            )
            .format("%Y-%m-%d %H:%M (UTC+8)")
            .to_string()
    });
    Ok(SiteFacts {
        clock_fixed_at,
        merchants: services::merchants::count(&svc).await?,
    })
}
