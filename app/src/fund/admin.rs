//! `/fund/admin`: the fund administrators' page: the applications waiting
//! for a decision (decided on the case page), the totals, and the forms
//! that move money. Each form carries the idempotency key of this
//! rendering, so posting the same rendered form twice records it once.

use domain::calendar::format_local;
use domain::cases::CaseSummary;
use domain::fund::REASON_MAX;
use domain::{AppError, t, tf};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{FundDeposit, FundRepayment, FundTopUp, FundWriteOff, load_fund_admin};
use super::{SummaryFigures, kind_text, yuan};
use crate::components::ActionErrorView;
use crate::i18n::use_lang;

#[component]
pub fn FundAdminPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |_| load_fund_admin());
    let months = Resource::new(|| (), |_| crate::regulator::load_fund_months());
    view! {
        <section class="fund">
            <h1>{t(lang, "fund.admin_title")}</h1>
            <Suspense>
                {move || Suspend::new(async move { match data.await {
                    Err(AppError::Unauthorized { .. }) => view! {
                        <p class="notice error" id="fund-refused">{t(lang, "err.not_signed_in")}" "<a href="/login">{t(lang, "auth.login")}</a></p>
                    }.into_any(),
                    Err(AppError::Forbidden) => view! {
                        <p class="notice error" id="fund-refused">{t(lang, "fund.admin_only")}</p>
                    }.into_any(),
                    Err(e) => view! { <p class="notice error">{e.message(lang)}</p> }.into_any(),
                    Ok(d) => view! {
                        <Recorded/>
                        <div class="card">
                            <h2>{t(lang, "fund.summary")}</h2>
                            <SummaryFigures summary=d.summary id="fund-summary"/>
                            <p><a href="/fund">{t(lang, "fund.view_ledger")}</a></p>
                        </div>
                        <crate::regulator::FundMonths fund=months/>
                        <Queue cases=d.queue/>
                        <div class="fund-forms">
                            <TopUpForm key=format!("{}-top-up", d.form_key)/>
                            <DepositForm key=format!("{}-deposit", d.form_key)/>
                            <RepaymentForm key=format!("{}-repayment", d.form_key)/>
                            <WriteOffForm key=format!("{}-write-off", d.form_key)/>
                        </div>
                    }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

/// The confirmation after a movement was recorded (`?done=kind&entry=…`).
#[component]
fn Recorded() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    move || {
        let q = q.read();
        // A failed form posted without JavaScript comes back with `__err`.
        if q.get("__err").is_some() {
            return None;
        }
        let kind = q.get("done")?;
        let entry = q.get("entry")?.parse::<i64>().ok()?;
        let amount = q
            .get("amount")
            .and_then(|a| a.parse::<i64>().ok())
            .unwrap_or(0);
        let replayed = q.get("replayed").as_deref() == Some("1");
        let text = if replayed {
            tf(lang, "fund.done_replayed", &[&entry.to_string()])
        } else {
            tf(
                lang,
                "fund.done",
                &[&kind_text(lang, &kind), &yuan(amount), &entry.to_string()],
            )
        };
        Some(view! {
            <p class="notice ok" role="status" id="fund-recorded" data-kind=kind data-entry=entry.to_string() data-replayed=replayed.to_string()>{text}</p>
        })
    }
}

#[component]
fn Queue(cases: Vec<CaseSummary>) -> impl IntoView {
    let lang = use_lang();
    let empty = cases.is_empty();
    view! {
        <div class="card">
            <h2>{t(lang, "fund.queue")}</h2>
            {empty.then(|| view! { <p class="muted" id="fund-queue-empty">{t(lang, "fund.queue_empty")}</p> })}
            <table tabindex="0" class="cases" id="fund-queue" class:hidden=empty>
                <thead><tr>
                    <th>{t(lang, "case.number")}</th><th>{t(lang, "field.title")}</th><th>{t(lang, "field.merchant")}</th>
                    <th class="num">{t(lang, "field.amount_claimed_fen")}</th><th>{t(lang, "fund.filed_at")}</th>
                </tr></thead>
                <tbody>
                    {cases.into_iter().map(|c| view! {
                        <tr data-case=c.id.to_string() data-number=c.number.clone()>
                            <td><a href=format!("/cases/{}", c.id)>{c.number.clone()}</a></td>
                            <td>{c.title.clone()}</td>
                            <td>{c.merchant_name.clone()}</td>
                            <td class="num">{yuan(c.amount_claimed_fen)}</td>
                            <td>{format_local(c.created_at)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The amount, key and optional note every movement form has.
#[component]
fn AmountAndKey(key: String) -> impl IntoView {
    let lang = use_lang();
    view! {
        <input type="hidden" name="idempotency_key" value=key/>
        <label>{t(lang, "case.amount_yuan")}<input type="text" name="amount" required inputmode="decimal" autocomplete="off"/></label>
    }
}

#[component]
fn TopUpForm(key: String) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<FundTopUp>::new();
    view! {
        <div class="card">
            <h2>{t(lang, "fund.top_up")}</h2>
            <ActionForm action=action attr:class="form" attr:id="top-up-form">
                <AmountAndKey key=key/>
                <label>{t(lang, "fund.memo")}<input type="text" name="reason" maxlength=REASON_MAX/></label>
                <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
                <button type="submit">{t(lang, "fund.record")}</button>
            </ActionForm>
        </div>
    }
}

#[component]
fn DepositForm(key: String) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<FundDeposit>::new();
    view! {
        <div class="card">
            <h2>{t(lang, "fund.deposit")}</h2>
            <ActionForm action=action attr:class="form" attr:id="deposit-form">
                <div class="row">
                    <label>{t(lang, "field.merchant_id")}<input type="number" name="merchant_id" min="1" required/></label>
                    <label>{t(lang, "field.direction")}
                        <select name="direction">
                            <option value="in">{t(lang, "fund.direction.in")}</option>
                            <option value="out">{t(lang, "fund.direction.out")}</option>
                        </select>
                    </label>
                </div>
                <AmountAndKey key=key/>
                <label>{t(lang, "fund.memo")}<input type="text" name="reason" maxlength=REASON_MAX/></label>
                <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
                <button type="submit">{t(lang, "fund.record")}</button>
            </ActionForm>
        </div>
    }
}

#[component]
fn RepaymentForm(key: String) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<FundRepayment>::new();
    view! {
        <div class="card">
            <h2>{t(lang, "fund.repayment")}</h2>
            <p class="muted">{t(lang, "fund.repayment_hint")}</p>
            <ActionForm action=action attr:class="form" attr:id="repayment-form">
                <label>{t(lang, "fund.case_id_hint")}<input type="number" name="case_id" min="1" required/></label>
                <AmountAndKey key=key/>
                <label>{t(lang, "fund.memo")}<input type="text" name="reason" maxlength=REASON_MAX/></label>
                <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
                <button type="submit">{t(lang, "fund.record")}</button>
            </ActionForm>
        </div>
    }
}

#[component]
fn WriteOffForm(key: String) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<FundWriteOff>::new();
    view! {
        <div class="card">
            <h2>{t(lang, "fund.write_off")}</h2>
            <p class="muted">{t(lang, "fund.write_off_hint")}</p>
            <ActionForm action=action attr:class="form" attr:id="write-off-form">
                <label>{t(lang, "fund.case_id_hint")}<input type="number" name="case_id" min="1" required/></label>
                <AmountAndKey key=key/>
                <label>{t(lang, "field.reason")}<textarea name="reason" rows="2" required maxlength=REASON_MAX></textarea></label>
                <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
                <button type="submit">{t(lang, "fund.record")}</button>
            </ActionForm>
        </div>
    }
}
