//! The fund section of a merchant's page: what the fund paid on the
//! merchant's behalf and recovered (public), and, for the merchant itself
//! and fund staff, its account: deposit, what it owes, the entries.

use domain::calendar::format_local;
use domain::fund::MerchantAccount;
use domain::t;
use leptos::prelude::*;

use super::api::MerchantFundData;
use super::{SummaryFigures, kind_text, signed_yuan, yuan};
use crate::i18n::use_lang;

#[component]
pub fn MerchantFundSection(data: MerchantFundData) -> impl IntoView {
    let lang = use_lang();
    let none = data.summary.payouts == 0;
    view! {
        <section class="card" id="merchant-fund">
            <h2>{t(lang, "fund.merchant_title")}</h2>
            {none.then(|| view! { <p class="muted" id="merchant-fund-none">{t(lang, "fund.merchant_none")}</p> })}
            <SummaryFigures summary=data.summary id="merchant-fund-summary"/>
            <p><a href="/fund">{t(lang, "fund.view_ledger")}</a></p>
            {data.account.map(|a| view! { <Account account=a/> })}
        </section>
    }
}

#[component]
fn Account(account: MerchantAccount) -> impl IntoView {
    let lang = use_lang();
    let no_entries = account.entries.is_empty();
    view! {
        <div id="fund-account">
            <h3>{t(lang, "fund.account")}</h3>
            <dl class="figures">
                <div data-field="deposit" data-fen=account.deposit_fen.to_string()>
                    <dt>{t(lang, "fund.account_deposit")}</dt>
                    <dd id="account-deposit">{yuan(account.deposit_fen)}</dd>
                </div>
                <div data-field="owed" data-fen=account.owed_fen.to_string()>
                    <dt>{t(lang, "fund.account_owed")}</dt>
                    <dd id="account-owed">{yuan(account.owed_fen)}</dd>
                </div>
            </dl>
            <h4>{t(lang, "fund.account_entries")}</h4>
            <table tabindex="0" class="cases" id="account-entries" class:hidden=no_entries>
                <thead><tr>
                    <th>{t(lang, "fund.col.at")}</th>
                    <th>{t(lang, "fund.col.kind")}</th>
                    <th>{t(lang, "fund.col.case")}</th>
                    <th class="num">{t(lang, "fund.col.amount")}</th>
                    <th class="num">{t(lang, "fund.col.deposit_change")}</th>
                    <th class="num">{t(lang, "fund.col.owed_change")}</th>
                    <th>{t(lang, "fund.col.memo")}</th>
                </tr></thead>
                <tbody>
                    {account.entries.into_iter().map(|e| view! {
                        <tr data-kind=e.kind.clone() data-case=e.case_number.clone().unwrap_or_default() data-entry=e.entry_id.to_string()>
                            <td class="nowrap">{format_local(e.at)}</td>
                            <td>{kind_text(lang, &e.kind)}</td>
                            <td class="nowrap">{e.case_number.clone().unwrap_or_default()}</td>
                            <td class="num amount" data-fen=e.amount_fen.to_string()>{yuan(e.amount_fen)}</td>
                            <td class="num deposit-change" data-fen=e.deposit_change_fen.to_string()>{signed_yuan(e.deposit_change_fen)}</td>
                            <td class="num owed-change" data-fen=e.owed_change_fen.to_string()>{signed_yuan(e.owed_change_fen)}</td>
                            <td>{e.memo.clone().unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
