//! Filing a complaint against a merchant.

use domain::cases::{Category, Demand, Remedy, WAYBILL_MAX, WAYBILL_MIN};
use domain::input::{max, min};
use domain::t;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::FileComplaint;
use crate::components::ActionErrorView;
use crate::i18n::use_lang;

#[component]
pub fn NewCasePage() -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<FileComplaint>::new();
    let q = use_query_map();
    let merchant = q.read_untracked().get("merchant").unwrap_or_default();
    let merchant_name = q.read_untracked().get("name").unwrap_or_default();
    view! {
        <section class="card">
            <h1>{t(lang, "case.file_title")}</h1>
            {(!merchant_name.is_empty()).then(|| view! { <p class="muted" id="merchant-name">{t(lang, "field.merchant")}": "<strong>{merchant_name.clone()}</strong></p> })}
            <ActionForm action=action attr:class="form" attr:id="file-form">
                <label>{t(lang, "case.merchant_key")}<input type="text" name="merchant" required value=merchant/></label>
                <label>{t(lang, "field.category")}
                    <select name="category">
                        {Category::ALL.iter().map(|c| view! { <option value=c.as_str()>{t(lang, &format!("category.{}", c.as_str())).to_string()}</option> }).collect_view()}
                    </select>
                </label>
                <label>{t(lang, "field.title")}<input type="text" name="title" required minlength=min::TITLE.to_string() maxlength=max::TITLE.to_string()/></label>
                <label>{t(lang, "field.narrative")}<textarea name="narrative" required minlength=min::NARRATIVE.to_string() maxlength=max::NARRATIVE.to_string() rows="6"></textarea></label>
                <div class="row">
                    <label>{t(lang, "field.order_ref")}<input type="text" name="order_ref" required maxlength=max::ORDER_REF.to_string()/></label>
                    <label>{t(lang, "field.order_date")}<input type="date" name="order_date" required/></label>
                </div>
                <div class="row">
                    <label>{t(lang, "field.amount_paid_fen")}" (¥)"<input type="text" name="amount_paid" required inputmode="decimal" placeholder="0.00"/></label>
                    <label>{t(lang, "field.amount_claimed_fen")}" (¥)"<input type="text" name="amount_claimed" required inputmode="decimal" placeholder="0.00"/></label>
                </div>
                <label>{t(lang, "field.remedy")}
                    <select name="remedy">
                        {Remedy::ALL.iter().map(|r| view! { <option value=r.as_str()>{t(lang, &format!("remedy.{}", r.as_str())).to_string()}</option> }).collect_view()}
                    </select>
                </label>
                <label>{t(lang, "field.demand")}
                    <select name="demand">
                        <option value="">{t(lang, "case.demand.as_remedy")}</option>
                        {Demand::ALL.iter().filter(|d| d.is_punitive()).map(|d| view! { <option value=d.as_str()>{t(lang, &d.label_key()).to_string()}</option> }).collect_view()}
                    </select>
                </label>
                <label>{t(lang, "field.waybill")}
                    <input type="text" name="waybill" id="waybill" minlength=WAYBILL_MIN.to_string() maxlength=WAYBILL_MAX.to_string() pattern="[A-Za-z0-9\\-]{6,40}" autocomplete="off"/>
                    <small class="muted">{t(lang, "case.waybill_hint")}</small>
                </label>
                // A <details> opens without JavaScript; its fields left blank
                // file against the merchant alone.
                <details class="logistics-part" id="logistics-part">
                    <summary>{t(lang, "case.logistics_legend")}</summary>
                    <fieldset>
                        <legend>{t(lang, "case.logistics_legend")}</legend>
                        <p class="muted">{t(lang, "case.logistics_hint")}</p>
                        <label>{t(lang, "case.logistics_merchant")}<input type="text" name="logistics_merchant" id="logistics-merchant"/></label>
                        <label>{t(lang, "case.logistics_amount_claimed")}" (¥)"<input type="text" name="logistics_amount_claimed" id="logistics-amount-claimed" inputmode="decimal" placeholder="0.00"/></label>
                        <label>{t(lang, "case.logistics_narrative")}<textarea name="logistics_narrative" id="logistics-narrative" maxlength=max::NARRATIVE.to_string() rows="4"></textarea></label>
                    </fieldset>
                </details>
                <label class="inline"><input type="checkbox" name="publish_narrative"/>{t(lang, "case.publish_narrative")}</label>
                <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
                <button type="submit">{t(lang, "case.submit")}</button>
            </ActionForm>
        </section>
    }
}
