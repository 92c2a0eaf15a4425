//! The merchant page: who the business is and the open complaints against it
//! that other consumers may join ("me too"), and what the consumer-protection
//! fund paid on its behalf (its fund account for those who may see it). The
//! credit profile comes later.

use domain::calendar::format_local;
use domain::cases::OpenComplaint;
use domain::merchant::MerchantSummary;
use domain::{AppError, Role, t};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::{ActionErrorView, UserResource};
use crate::fund::{MerchantFundSection, load_merchant_fund};
use crate::i18n::use_lang;

#[server(endpoint = "merchants/page")]
pub async fn merchant_page(id: i32) -> Result<(MerchantSummary, Vec<OpenComplaint>), AppError> {
    let svc = crate::ssr::services()?;
    Ok((
        services::merchants::find_summary(&svc, id).await?,
        services::cases::collective::open_complaints(&svc, id).await?,
    ))
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
    use crate::cases::yuan_to_fen as fen;
    let raw = services::cases::collective::RawJoin {
        order_ref,
        order_date,
        amount_paid_fen: fen(&amount_paid, "amount_paid_fen")?,
        amount_claimed_fen: fen(&amount_claimed, "amount_claimed_fen")?,
    };
    services::cases::collective::join_case(&crate::ssr::services()?, &user, id, &raw).await?;
    leptos_axum::redirect(&format!("/cases/{id}"));
    Ok(())
}

#[component]
pub fn MerchantPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i32>().ok())
            .unwrap_or(0)
    });
    let data = Resource::new(move || id.get(), merchant_page);
    let fund = Resource::new(move || id.get(), load_merchant_fund);
    let user = expect_context::<UserResource>();
    view! {
        <Suspense>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <p class="notice error">{e.message(lang)}</p> }.into_any(),
                Ok((m, open)) => {
                    let is_consumer = user.get().and_then(Result::ok).flatten().is_some_and(|u| u.role == Role::Consumer);
                    view! {
                        <section>
                            <h1 id="merchant-name">{m.name.clone()}</h1>
                            <p class="muted"><code>{m.uscc.clone()}</code>" · "{m.province.clone()}" "{m.region.clone()}</p>
                            <p><a class="button" href=format!("/cases/new?merchant={}&name={}", m.id, urlencoding::encode(&m.name))>{t(lang, "case.complain")}</a></p>
                            <h2>{t(lang, "merchant.open_complaints")}</h2>
                            {open.is_empty().then(|| view! { <p class="muted">{t(lang, "merchant.no_open")}</p> })}
                            <ul class="results" id="open-complaints">
                                {open.into_iter().map(|c| view! {
                                    <li data-case=c.id.to_string()>
                                        <strong>{c.title.clone()}</strong>" "<span class="muted">{c.number.clone()}" · "{t(lang, &format!("category.{}", c.category)).to_string()}" · "{format_local(c.created_at)}</span>
                                        <p class="narrative">{c.narrative.clone()}</p>
                                        <p class="muted">{domain::tf(lang, "merchant.members", &[&c.members.to_string()])}</p>
                                        {is_consumer.then(|| view! { <JoinForm id=c.id/> })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                    }.into_any()
                }
            })}
        </Suspense>
        <Suspense>
            {move || fund.get().and_then(Result::ok).map(|f| view! { <MerchantFundSection data=f/> })}
        </Suspense>
    }
}

#[component]
fn JoinForm(id: i32) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<JoinComplaint>::new();
    view! {
        <details class="join">
            <summary>{t(lang, "merchant.me_too")}</summary>
            <ActionForm action=action attr:class="form join-form">
                <input type="hidden" name="id" value=id.to_string()/>
                <div class="row">
                    <label>{t(lang, "field.order_ref")}<input type="text" name="order_ref" required maxlength="100"/></label>
                    <label>{t(lang, "field.order_date")}<input type="date" name="order_date" required/></label>
                </div>
                <div class="row">
                    <label>{t(lang, "field.amount_paid_fen")}" (¥)"<input type="text" name="amount_paid" required inputmode="decimal"/></label>
                    <label>{t(lang, "field.amount_claimed_fen")}" (¥)"<input type="text" name="amount_claimed" required inputmode="decimal"/></label>
                </div>
                <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
                <button type="submit">{t(lang, "merchant.join")}</button>
            </ActionForm>
        </details>
    }
}
