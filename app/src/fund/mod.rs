//! The consumer-protection fund (消费者权益保护基金): its public page (totals
//! and the ledger of payouts and recoveries), the administrators' page
//! (applications waiting, movements), and the fund section of a merchant's
//! page.

mod admin;
mod api;
mod merchant;
mod public;

pub use admin::FundAdminPage;
pub use api::*;
pub use merchant::MerchantFundSection;
pub use public::FundPage;

use domain::fund::FundSummary;
use domain::{Fen, t};
use leptos::prelude::*;

use crate::i18n::use_lang;

/// `¥12.50`.
pub(crate) fn yuan(fen: i64) -> String {
    format!("¥{}", Fen(fen).yuan_string())
}

/// A change: `+¥12.50`, `−¥12.50`, or `—` for none.
pub(crate) fn signed_yuan(fen: i64) -> String {
    match fen {
        0 => "—".into(),
        f if f > 0 => format!("+¥{}", Fen(f).yuan_string()),
        f => format!("−¥{}", Fen(-f).yuan_string()),
    }
}

/// The fund's totals (or one merchant's) as a list of figures; each figure
/// carries `data-field` and, for money, `data-fen`.
#[component]
pub(crate) fn SummaryFigures(summary: FundSummary, #[prop(into)] id: String) -> impl IntoView {
    let lang = use_lang();
    let money = move |key: &'static str, field: &'static str, fen: i64| {
        view! {
            <div data-field=field data-fen=fen.to_string()>
                <dt>{t(lang, key)}</dt>
                <dd>{yuan(fen)}</dd>
            </div>
        }
    };
    let rate = summary.recovery_rate_text();
    view! {
        <dl class="figures" id=id>
            {money("fund.paid", "paid", summary.paid_fen)}
            <div data-field="payouts" data-count=summary.payouts.to_string()>
                <dt>{t(lang, "fund.payouts")}</dt>
                <dd>{summary.payouts.to_string()}</dd>
            </div>
            {money("fund.recovered", "recovered", summary.recovered_fen)}
            {money("fund.written_off", "written_off", summary.written_off_fen)}
            {money("fund.outstanding", "outstanding", summary.outstanding_fen)}
            <div data-field="recovery_rate" data-bp=summary.recovery_rate_bp.map(|b| b.to_string()).unwrap_or_default()>
                <dt>{t(lang, "fund.recovery_rate")}</dt>
                <dd>{rate}</dd>
            </div>
            {summary.available_fen.map(|f| money("fund.available", "available", f))}
            {summary.deposits_fen.map(|f| money("fund.deposits", "deposits", f))}
        </dl>
    }
}

/// The text of an entry kind (`payout`, `recovery`, …).
pub(crate) fn kind_text(lang: domain::Lang, kind: &str) -> String {
    t(lang, &format!("fund.kind.{kind}")).to_string()
}
