//! `/merchants/:id`: the merchant's public profile. Who the business is
//! (licence fields and the verification mark, 亮照亮标), its credit grade
//! with the factors behind it, list badges, commitments, 12315-style
//! statistics, the public credit file, consumers' ratings (names masked),
//! the complaints others may join and what the fund paid on its behalf.
//! The merchant's own account also gets its management panel.

use domain::calendar::format_local;
use domain::cases::OpenComplaint;
use domain::credit::{CreditParams, CreditScore, ListBadge, RatingView};
use domain::merchant::{CommitmentView, MerchantProfile, MerchantStats, RecordView};
use domain::{Lang, Role, t, tf};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{JoinComplaint, merchant_page};
use super::manage::OwnerPanel;
use crate::components::{ActionErrorView, UserResource};
use crate::fund::{MerchantFundSection, load_merchant_fund};
use crate::i18n::use_lang;

/// `2026-12-01`: the Beijing date of an instant.
macro_rules! day {
    ($at:expr) => {
        domain::calendar::local_date($at).to_string()
    };
}
pub(crate) use day;

/// Points with their sign: `+100`, `−200`, `0`.
pub(crate) fn signed(p: i32) -> String {
    match p {
        0 => "0".into(),
        p if p > 0 => format!("+{p}"),
        p => format!("−{}", -i64::from(p)),
    }
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
            {move || Suspend::new(async move { match data.await {
                Err(e) => view! { <crate::components::PageError error=e/> }.into_any(),
                Ok(d) => {
                    let is_consumer = user.await.ok().flatten().is_some_and(|u| u.role == Role::Consumer);
                    let p = d.profile;
                    let public: Vec<RecordView> = d.records.into_iter().filter(|r| r.public).collect();
                    view! {
                        <section class="merchant" id="merchant" data-merchant=p.id.to_string()>
                            <Head profile=p.clone()/>
                            <Done/>
                            {d.owner.map(|o| view! { <OwnerPanel merchant_id=p.id data=o/> })}
                            <Licence profile=p.clone()/>
                            <Credit credit=p.credit.clone() computed_at=p.credit_computed_at.map(format_local)/>
                            <Commitments list=p.commitments.clone()/>
                            <Stats stats=p.stats.clone()/>
                            <Records list=public/>
                            <Ratings list=d.ratings/>
                            <OpenComplaints open=d.open is_consumer=is_consumer/>
                            <p><a id="public-complaints-link" href=format!("/complaints?merchant={}", p.id)>{t(lang, "merchant.public_complaints")}</a></p>
                        </section>
                    }.into_any()
                }
            } })}
        </Suspense>
        <Suspense>
            {move || Suspend::new(async move { fund.await.ok().map(|f| view! { <MerchantFundSection data=f/> }) })}
        </Suspense>
    }
}

/// The confirmation after one of the owner's forms (`?done=sign|object|repair`).
#[component]
fn Done() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    move || {
        let q = q.read();
        if q.get("__err").is_some() {
            return None;
        }
        let key = match q.get("done").as_deref() {
            Some("sign") => "manage.done.sign",
            Some("object") => "manage.done.object",
            Some("repair") => "manage.done.repair",
            _ => return None,
        };
        Some(view! { <p class="notice ok" role="status" id="manage-done">{t(lang, key)}</p> })
    }
}

/// Name, code, the grade at a glance and the list badge or warning.
#[component]
fn Head(profile: MerchantProfile) -> impl IntoView {
    let lang = use_lang();
    let p = profile;
    let grade = p.credit.as_ref().map(|c| c.grade.to_string());
    view! {
        <header class="merchant-head">
            <div>
                <h1 id="merchant-name">{p.name.clone()}</h1>
                <p class="muted">
                    <code id="merchant-uscc">{p.uscc.clone()}</code>" · "{p.province.clone()}" "{p.region.clone()}
                    " · "<span class="badge kind" id="merchant-kind" data-kind=p.kind.as_str()>{t(lang, &format!("reg.merchant_kind.{}", p.kind.as_str())).to_string()}</span>
                    {p.verified_at.map(|at| view! {
                        " · "<span class="verified-mark small" title=tf(lang, "merchant.verified_on", &[&day!(at)])>"✔ "{t(lang, "merchant.verified")}</span>
                    })}
                </p>
                <p><a class="button" href=format!("/cases/new?merchant={}&name={}", p.id, urlencoding::encode(&p.name))>{t(lang, "case.complain")}</a></p>
            </div>
            {grade.map(|g| view! { <a class="grade-badge small" href="#credit" data-grade=g.clone() aria-label=t(lang, "credit.grade")>{g.clone()}</a> })}
        </header>
        {p.black_list.map(|b| view! { <ListBanner badge=b black=true/> })}
        {p.red_list.map(|b| view! { <ListBanner badge=b black=false/> })}
    }
}

#[component]
fn ListBanner(badge: ListBadge, black: bool) -> impl IntoView {
    let lang = use_lang();
    let (id, class, title) = if black {
        ("black-list", "list-banner black", "lists.on_black")
    } else {
        ("red-list", "list-banner red", "lists.on_red")
    };
    view! {
        <div class=class id=id role=if black { "alert" } else { "status" } data-since=day!(badge.since)>
            <strong>{t(lang, title)}</strong>
            {black.then(|| view! { <p>{t(lang, "lists.black_warning")}</p> })}
            <p class="since">{t(lang, "lists.since")}": "{day!(badge.since)}</p>
            {(!badge.reasons.is_empty()).then(|| view! {
                <p>{t(lang, "lists.reasons")}":"</p>
                <ul class="reasons">
                    {badge.reasons.iter().map(|r| view! { <li data-reason=r.clone()>{t(lang, r).to_string()}</li> }).collect_view()}
                </ul>
            })}
        </div>
    }
}

/// 亮照亮标: the licence fields and the verification mark.
#[component]
fn Licence(profile: MerchantProfile) -> impl IntoView {
    let lang = use_lang();
    let p = profile;
    let verified = p.verified_at.is_some();
    let mut rows: Vec<(&'static str, &'static str, String)> = vec![
        ("name", "field.name", p.name.clone()),
        ("uscc", "field.uscc", p.uscc.clone()),
    ];
    if let Some(f) = p.legal_form {
        rows.push((
            "legal_form",
            "field.entity_type",
            t(lang, &format!("reg.legal_form.{}", f.as_str())).to_string(),
        ));
    }
    rows.push((
        "kind",
        "field.kind",
        t(lang, &format!("reg.merchant_kind.{}", p.kind.as_str())).to_string(),
    ));
    let optional = [
        (
            "entity_type",
            "merchant.registry_type",
            p.entity_type.clone(),
        ),
        (
            "registered_on",
            "merchant.registered_on",
            p.registered_on.map(|d| d.to_string()).unwrap_or_default(),
        ),
        (
            "registered_capital",
            "merchant.registered_capital",
            p.registered_capital.clone(),
        ),
        ("address", "field.registered_address", p.address.clone()),
        (
            "region",
            "merchant.region",
            format!("{} {}", p.province, p.region).trim().to_string(),
        ),
        (
            "business_scope",
            "field.business_scope",
            p.business_scope.clone(),
        ),
        ("shop_names", "field.shop_names", p.shop_names.join(" · ")),
    ];
    rows.extend(optional.into_iter().filter(|(_, _, v)| !v.is_empty()));
    if verified {
        rows.push((
            "licence_valid_until",
            "field.licence_valid_until",
            p.licence_valid_until
                .map(|d| d.to_string())
                .unwrap_or_else(|| t(lang, "merchant.licence_no_end").to_string()),
        ));
    }
    view! {
        <div class="card licence" id="licence">
            <h2>{t(lang, "merchant.licence")}</h2>
            {match p.verified_at {
                Some(at) => view! {
                    <p class="verified-mark" id="verified-mark" data-verified-at=day!(at)>
                        <span class="mark">"✔"</span>" "<strong>{t(lang, "merchant.verified")}</strong>" · "
                        <span id="verified-on">{tf(lang, "merchant.verified_on", &[&day!(at)])}</span>
                        {p.licence_url.clone().map(|u| view! {
                            " · "<a id="licence-link" href=u rel="external" target="_blank">{t(lang, "merchant.licence_image")}</a>
                        })}
                    </p>
                }.into_any(),
                None => view! {
                    <p class="notice warn" id="unverified-mark"><strong>{t(lang, "merchant.unverified")}</strong>" · "{t(lang, "merchant.unverified_hint")}</p>
                }.into_any(),
            }}
            <dl class="facts" id="licence-fields">
                {rows.into_iter().map(|(field, key, value)| view! {
                    <dt>{t(lang, key)}</dt><dd data-field=field>{value}</dd>
                }).collect_view()}
            </dl>
        </div>
    }
}

/// The grade as a big badge, the score, and every factor behind it.
#[component]
fn Credit(credit: Option<CreditScore>, computed_at: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let method = view! { <p><a href="/credit/method" id="method-link">{t(lang, "credit.method_link")}</a></p> };
    let Some(c) = credit else {
        return view! {
            <div class="card credit" id="credit">
                <h2>{t(lang, "credit.title")}</h2>
                <p class="muted" id="credit-none">{t(lang, "credit.not_computed")}</p>
                {method}
            </div>
        }
        .into_any();
    };
    let params = CreditParams::default();
    let grade = c.grade.to_string();
    let caps: Vec<String> = c
        .caps
        .iter()
        .map(|k| {
            let cap = match k.as_str() {
                "credit.cap.unverified" => params.unverified_max_grade.to_string(),
                "credit.cap.severe" => params.severe_max_grade.to_string(),
                _ => String::new(),
            };
            tf(lang, k, &[&cap])
        })
        .collect();
    view! {
        <div class="card credit" id="credit" data-grade=grade.clone() data-score=c.score.to_string()>
            <h2>{t(lang, "credit.title")}</h2>
            <div class="grade-line">
                <span class="grade-badge" id="credit-grade" data-grade=grade.clone()>{grade.clone()}</span>
                <div>
                    <p class="grade-name" id="credit-grade-name">{t(lang, "credit.grade")}": "{t(lang, c.grade.label_key())}</p>
                    <p>{t(lang, "credit.score")}": "<strong class="score" id="credit-score">{c.score.to_string()}</strong>" / 1000"</p>
                    {computed_at.map(|at| view! { <p class="muted">{tf(lang, "credit.computed_at", &[&at])}</p> })}
                </div>
            </div>
            {(!caps.is_empty()).then(|| view! {
                <div class="notice warn" id="credit-caps">
                    <strong>{t(lang, "credit.caps")}</strong>
                    <ul>{caps.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
                </div>
            })}
            <h3>{t(lang, "credit.factors")}</h3>
            <table tabindex="0" class="cases factors" id="credit-factors">
                <thead><tr>
                    <th>{t(lang, "credit.col.factor")}</th>
                    <th class="num">{t(lang, "credit.col.points")}</th>
                    <th class="num">{t(lang, "credit.col.range")}</th>
                    <th>{t(lang, "credit.col.detail")}</th>
                </tr></thead>
                <tbody>
                    <tr data-factor="base" class="base">
                        <td>{t(lang, "credit.param.base")}</td>
                        <td class="num points">{c.base.to_string()}</td>
                        <td></td><td></td>
                    </tr>
                    {c.factors.iter().map(|f| {
                        let name = f.key.trim_start_matches("credit.factor.").to_string();
                        let class = if f.points > 0 { "num points plus" } else if f.points < 0 { "num points minus" } else { "num points" };
                        view! {
                            <tr data-factor=name data-points=f.points.to_string()>
                                <td class="label">{t(lang, &f.key).to_string()}</td>
                                <td class=class>{signed(f.points)}</td>
                                <td class="num range">{format!("{} … {}", signed(f.min), signed(f.max))}</td>
                                <td class="detail">{f.detail.clone()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
                <tfoot><tr data-factor="total">
                    <th>{t(lang, "credit.total")}</th>
                    <th class="num">{c.score.to_string()}</th>
                    <th></th><th></th>
                </tr></tfoot>
            </table>
            {method}
        </div>
    }
    .into_any()
}

#[component]
fn Commitments(list: Vec<CommitmentView>) -> impl IntoView {
    let lang = use_lang();
    let empty = list.is_empty();
    view! {
        <div class="card" id="commitments">
            <h2>{t(lang, "commitment.title")}</h2>
            {empty.then(|| view! { <p class="muted" id="commitments-none">{t(lang, "commitment.none")}</p> })}
            <table tabindex="0" class="cases" class:hidden=empty>
                <thead><tr>
                    <th>{t(lang, "commitment.version")}</th>
                    <th>{t(lang, "commitment.signed_at")}</th>
                    <th>{t(lang, "commitment.hash")}</th>
                    <th>{t(lang, "commitment.state")}</th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|c| {
                        let broken = c.broken_at.is_some();
                        let state = match c.broken_at {
                            Some(at) => tf(lang, "commitment.broken", &[&day!(at), c.broken_reason.as_deref().unwrap_or("")]),
                            None => t(lang, "commitment.in_force").to_string(),
                        };
                        view! {
                            <tr data-version=c.version.clone() data-sha256=c.text_sha256.clone() data-broken=broken.to_string() class:broken=broken>
                                <td class="version">{c.version.clone()}</td>
                                <td class="signed-at nowrap">{format_local(c.signed_at)}</td>
                                <td class="hash"><code>{c.text_sha256.clone()}</code></td>
                                <td class="state">{state}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn Stats(stats: MerchantStats) -> impl IntoView {
    let lang = use_lang();
    let s = stats;
    let days = s
        .avg_days_to_resolve_x10
        .map(|d| format!("{}.{}", d / 10, d % 10))
        .unwrap_or_else(|| "—".into());
    let figures: Vec<(&'static str, &'static str, String)> = vec![
        (
            "complaints",
            "stats.complaints",
            s.complaints_12m.to_string(),
        ),
        (
            "response_rate",
            "stats.response_rate",
            MerchantStats::percent(s.response_rate_bp),
        ),
        (
            "resolution_rate",
            "stats.resolution_rate",
            MerchantStats::percent(s.resolution_rate_bp),
        ),
        (
            "mediation_success",
            "stats.mediation_success",
            MerchantStats::percent(s.mediation_success_bp),
        ),
        ("avg_days", "stats.avg_days", days),
        (
            "deadlines_met",
            "stats.deadlines_met",
            MerchantStats::percent(s.deadlines_met_bp),
        ),
    ];
    view! {
        <div class="card" id="stats">
            <h2>{t(lang, "stats.title")}</h2>
            <dl class="figures">
                {figures.into_iter().map(|(field, key, value)| view! {
                    <div data-field=field><dt>{t(lang, key)}</dt><dd>{value}</dd></div>
                }).collect_view()}
            </dl>
        </div>
    }
}

pub(crate) fn record_kind(lang: Lang, kind: &str) -> String {
    t(lang, &format!("credit.kind.{kind}")).to_string()
}

/// A record's severity; "—" for a commendation or a signed commitment,
/// which only add points.
pub(crate) fn severity(lang: Lang, kind: &str, s: &str) -> String {
    let positive = domain::credit::RecordKind::parse(kind)
        .is_some_and(|k| k.polarity() == domain::credit::Polarity::Positive);
    if positive {
        "—".to_string()
    } else {
        t(lang, &format!("credit.severity.{s}")).to_string()
    }
}

/// The public credit file: records within their display period.
#[component]
fn Records(list: Vec<RecordView>) -> impl IntoView {
    let lang = use_lang();
    let empty = list.is_empty();
    view! {
        <div class="card" id="records">
            <h2>{t(lang, "records.title")}</h2>
            {empty.then(|| view! { <p class="muted" id="records-none">{t(lang, "records.none")}</p> })}
            <table tabindex="0" class="cases" class:hidden=empty id="records-table">
                <thead><tr>
                    <th>{t(lang, "records.col.kind")}</th>
                    <th>{t(lang, "records.col.severity")}</th>
                    <th>{t(lang, "records.col.date")}</th>
                    <th>{t(lang, "records.col.until")}</th>
                    <th>{t(lang, "records.col.case")}</th>
                    <th>{t(lang, "records.col.summary")}</th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|r| view! {
                        <tr data-record=r.id.to_string() data-kind=r.kind.clone() data-severity=r.severity.clone() data-case=r.case_number.clone().unwrap_or_default()>
                            <td class="kind">{record_kind(lang, &r.kind)}</td>
                            <td class="severity">{severity(lang, &r.kind, &r.severity)}</td>
                            <td class="date nowrap">{day!(r.occurred_at)}</td>
                            <td class="until nowrap">{day!(r.display_until)}</td>
                            <td class="case nowrap">{r.case_number.clone().unwrap_or_default()}</td>
                            <td class="summary">{(Some(&r.summary) != r.case_number.as_ref()).then(|| r.summary.clone())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// `★★★★☆`.
pub(crate) fn stars(n: i32) -> String {
    let n = n.clamp(0, 5) as usize;
    format!("{}{}", "★".repeat(n), "☆".repeat(5 - n))
}

/// One rating: stars, the (masked) author, the text or the regulator's
/// reason for hiding it, and the follow-up.
#[component]
pub(crate) fn RatingItem(rating: RatingView) -> impl IntoView {
    let lang = use_lang();
    let r = rating;
    let hidden = r.hidden_reason.is_some();
    view! {
        <li class="rating" data-rating=r.id.to_string() data-side=r.side.as_str() data-case=r.case_number.clone() data-hidden=hidden.to_string()>
            <p class="rating-head">
                {r.stars.map(|s| view! {
                    <span class="stars" data-stars=s.to_string() title=tf(lang, "ratings.stars", &[&s.to_string()])>{stars(s)}</span>" "
                })}
                <strong class="author">{r.author_name.clone()}</strong>" "
                <span class="muted">{format_local(r.created_at)}" · "<span class="case">{r.case_number.clone()}</span></span>
            </p>
            {r.flag_malicious.then(|| view! { <p class="notice warn flagged">{t(lang, "rating.flagged")}</p> })}
            {r.hidden_reason.clone().map(|reason| view! {
                <p class="hidden-reason muted">{tf(lang, "rating.hidden", &[&reason])}</p>
            })}
            {r.text.clone().filter(|x| !x.is_empty()).map(|x| view! { <p class="text" class:muted=hidden>{x}</p> })}
            {r.follow_up_text.clone().map(|x| view! {
                <p class="follow-up"><strong>{t(lang, "ratings.follow_up")}</strong>
                    {r.follow_up_at.map(|at| view! { " "<span class="muted">{format_local(at)}</span> })}
                    ": "<span class="follow-up-text">{x}</span>
                </p>
            })}
        </li>
    }
}

#[component]
fn Ratings(list: Vec<RatingView>) -> impl IntoView {
    let lang = use_lang();
    let empty = list.is_empty();
    view! {
        <div class="card" id="ratings">
            <h2>{t(lang, "ratings.title")}</h2>
            {empty.then(|| view! { <p class="muted" id="ratings-none">{t(lang, "ratings.none")}</p> })}
            <ul class="ratings">
                {list.into_iter().map(|r| view! { <RatingItem rating=r/> }).collect_view()}
            </ul>
        </div>
    }
}

#[component]
fn OpenComplaints(open: Vec<OpenComplaint>, is_consumer: bool) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="card" id="open">
            <h2>{t(lang, "merchant.open_complaints")}</h2>
            {open.is_empty().then(|| view! { <p class="muted">{t(lang, "merchant.no_open")}</p> })}
            <ul class="results" id="open-complaints">
                {open.into_iter().map(|c| view! {
                    <li data-case=c.id.to_string()>
                        <strong>{c.title.clone()}</strong>" "<span class="muted">{c.number.clone()}" · "{t(lang, &format!("category.{}", c.category)).to_string()}" · "{format_local(c.created_at)}</span>
                        <p class="narrative">{c.narrative.clone()}</p>
                        <p class="muted">{tf(lang, "merchant.members", &[&c.members.to_string()])}</p>
                        {is_consumer.then(|| view! { <JoinForm id=c.id/> })}
                    </li>
                }).collect_view()}
            </ul>
        </div>
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
