//! The review page (核对): the consumer's draft in plain words before it is
//! filed — the merchant with its credit grade and on-time response rate,
//! every field as it will stand on the case, the files (images as
//! thumbnails from the draft's authorised route, PDFs as links) — and the
//! form that files it (`step=confirm`, posted to `POST /cases/new`) or the
//! link back to the form, filled from the draft. Reached from the form's
//! "下一步：核对"; a plain form and a plain link, JavaScript on or off.

use domain::cases::{FilingReview, MerchantStanding, format_date};
use domain::{AppError, Lang, t};
use leptos::prelude::*;

use super::api::load_filing_review;
use super::detail::FileTile;
use crate::fund::yuan;
use crate::i18n::use_lang;

#[component]
pub fn FilingReviewPage() -> impl IntoView {
    let lang = use_lang();
    let review = Resource::new(|| (), |_| load_filing_review());
    view! {
        <section class="card" id="review-page">
            <h1>{t(lang, "filing.review_title")}</h1>
            <Suspense>
                {move || Suspend::new(async move {
                    match review.await {
                        Ok(r) => review_view(lang, r).into_any(),
                        Err(AppError::NotFound) => view! {
                            <p class="notice" id="review-none">{t(lang, "filing.no_draft")}</p>
                            <p><a href="/cases/new" rel="external" id="filing-change">{t(lang, "case.file_title")}</a></p>
                        }.into_any(),
                        // The draft does not pass (changed elsewhere, or a
                        // rule that changed since): what and where, and back.
                        Err(e) => view! {
                            <p class="notice error" role="alert" id="review-error">{e.message(lang)}</p>
                            <p><a href="/cases/new" rel="external" id="filing-change">{t(lang, "filing.change")}</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// A merchant's name and standing.
fn merchant_line(lang: Lang, m: MerchantStanding, id: &'static str) -> impl IntoView {
    let line = m.line(lang);
    view! {
        <strong>{m.name}</strong><br/>
        <span class="muted" id=id>{line}</span>
    }
}

fn review_view(lang: Lang, r: FilingReview) -> impl IntoView {
    let label = |key: String| t(lang, &key).to_string();
    let version = r.draft.version.to_string();
    let files = r.draft.files.clone();
    view! {
        <p class="hint">{t(lang, "filing.review_hint")}</p>
        <dl class="facts" id="review-facts">
            <dt>{t(lang, "field.merchant")}</dt>
            <dd id="review-merchant" data-merchant=r.merchant.id.to_string()>{merchant_line(lang, r.merchant.clone(), "review-standing")}</dd>
            <dt>{t(lang, "field.category")}</dt>
            <dd id="review-category">{label(format!("category.{}", r.category.as_str()))}</dd>
            <dt>{t(lang, "field.title")}</dt>
            <dd id="review-title">{r.title.clone()}</dd>
            <dt>{t(lang, "field.order_ref")}</dt>
            <dd id="review-order-ref">{r.order_ref.clone()}</dd>
            <dt>{t(lang, "field.order_date")}</dt>
            <dd id="review-order-date">{format_date(lang, r.order_date)}</dd>
            <dt>{t(lang, "field.amount_paid_fen")}</dt>
            <dd id="review-paid">{yuan(r.amount_paid.0)}</dd>
            <dt>{t(lang, "field.amount_claimed_fen")}</dt>
            <dd id="review-claimed">{yuan(r.amount_claimed.0)}</dd>
            <dt>{t(lang, "field.remedy")}</dt>
            <dd id="review-remedy">{label(format!("remedy.{}", r.remedy.as_str()))}</dd>
            <dt>{t(lang, "field.demand")}</dt>
            <dd id="review-demand" data-demand=r.demand.as_str()>{label(r.demand.label_key())}</dd>
            {r.waybill.clone().map(|w| view! {
                <dt>{t(lang, "field.waybill")}</dt>
                <dd id="review-waybill"><code>{w}</code></dd>
            })}
            {r.logistics.clone().map(|l| view! {
                <dt>{t(lang, "field.logistics_merchant")}</dt>
                <dd id="review-logistics" data-merchant=l.merchant.id.to_string()>{merchant_line(lang, l.merchant.clone(), "review-logistics-standing")}</dd>
                <dt>{t(lang, "field.logistics_amount_claimed")}</dt>
                <dd id="review-logistics-claimed">{yuan(l.amount_claimed.0)}</dd>
                <dt>{t(lang, "field.logistics_narrative")}</dt>
                <dd id="review-logistics-narrative" class="narrative">{l.narrative}</dd>
            })}
            <dt>{t(lang, "field.publish")}</dt>
            <dd id="review-publish">{t(lang, if r.publish_narrative { "filing.yes" } else { "filing.no" })}</dd>
        </dl>
        <h2>{t(lang, "field.narrative")}</h2>
        <p class="narrative" id="review-narrative">{r.narrative.clone()}</p>
        <h2>{t(lang, "case.evidence")}</h2>
        {files.is_empty().then(|| view! { <p class="muted" id="review-no-files">{t(lang, "filing.no_files")}</p> })}
        // Images as thumbnails, PDFs as links, from the draft's own route
        // (only its consumer may read it).
        <ul class="files gallery" id="review-files">
            {files.into_iter().map(|f| view! {
                <FileTile href=format!("/api/v1/cases/filing/draft/files/{}", f.id) name=f.file_name
                    content_type=f.content_type size=f.size/>
            }).collect_view()}
        </ul>
        <form method="post" action="/cases/new" enctype="multipart/form-data" class="form" id="filing-review">
            // The version reviewed: a draft changed since (another tab) is
            // not filed unseen.
            <input type="hidden" name="version" value=version/>
            <div class="buttons">
                <button type="submit" name="step" value="confirm" id="filing-confirm">{t(lang, "filing.confirm")}</button>
                " "
                <a href="/cases/new" rel="external" id="filing-change">{t(lang, "filing.change")}</a>
            </div>
        </form>
    }
}
