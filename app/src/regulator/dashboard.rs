//! `/regulator/dashboard` (监管数据看板): the figures of
//! `domain::dashboard` for regulators and admins, filtered by a plain GET
//! form (the filters live in the URL, JavaScript on or off), each chart
//! with its table. Also the compact version on `/dashboard` and the fund's
//! months for fund administrators.

use domain::dashboard::{
    CaseFigures, Count, DashboardView, FundMonth, format_permille, minutes_as_days,
    minutes_as_hours,
};
use domain::{AppError, Fen, Lang, t, tf};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::charts::{BarChart, ColumnChart, Series};
use crate::i18n::use_lang;

/// The dashboard for the filters as the URL gives them (regulators and
/// admins; fund administrators get the fund's months only).
#[server(endpoint = "dashboard/load")]
pub async fn load_dashboard(
    from: Option<String>,
    to: Option<String>,
    category: Option<String>,
    province: Option<String>,
) -> Result<DashboardView, AppError> {
    use domain::Role;
    let user = crate::ssr::require_role(&[Role::Regulator, Role::Admin, Role::FundAdmin]).await?;
    let svc = crate::ssr::services()?;
    let params = domain::dashboard::DashboardParams {
        from,
        to,
        category,
        province,
    };
    services::dashboard::for_params(&svc, &user, &params).await
}

/// The fund's last twelve months (the fund administrators' page and
/// dashboard; regulators and admins may read them too).
#[server(endpoint = "dashboard/fund")]
pub async fn load_fund_months() -> Result<Vec<FundMonth>, AppError> {
    use domain::Role;
    let user = crate::ssr::require_role(&[Role::Regulator, Role::Admin, Role::FundAdmin]).await?;
    let svc = crate::ssr::services()?;
    let today = domain::calendar::local_date(svc.clock.now());
    let from = today - chrono::Duration::days(364);
    let params = domain::dashboard::DashboardParams {
        from: Some(from.to_string()),
        to: Some(today.to_string()),
        ..Default::default()
    };
    Ok(services::dashboard::for_params(&svc, &user, &params)
        .await?
        .fund)
}

fn yuan(fen: i64) -> String {
    Fen(fen).yuan_string()
}

fn label(lang: Lang, prefix: &str, key: &str) -> String {
    match (prefix, key) {
        ("outcome", "open" | "withdrawn") => t(lang, &format!("dash.outcome.{key}")).to_string(),
        (_, "") => t(lang, "dash.none").to_string(),
        ("province", k) => k.to_string(),
        (p, k) => t(lang, &format!("{p}.{k}")).to_string(),
    }
}

fn bars(counts: &[Count], lang: Lang, prefix: &str) -> (Vec<String>, Vec<i64>) {
    counts
        .iter()
        .map(|c| {
            (
                label(lang, prefix, &c.key),
                i64::try_from(c.count).unwrap_or(i64::MAX),
            )
        })
        .unzip()
}

#[component]
pub fn RegulatorDashboardPage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    let key = Memo::new(move |_| {
        let q = q.read();
        (
            q.get("from"),
            q.get("to"),
            q.get("category"),
            q.get("province"),
        )
    });
    let data = Resource::new(
        move || key.get(),
        |(from, to, category, province)| load_dashboard(from, to, category, province),
    );
    view! {
        <section class="dashboard">
            <h1>{t(lang, "dash.reg.title")}</h1>
            <p><a href="/regulator">{t(lang, "reg.title")}</a></p>
            <Suspense>
                {move || Suspend::new(async move { match data.await {
                    Err(AppError::Unauthorized { .. }) => view! {
                        <p class="notice error" id="dashboard-refused">{t(lang, "err.not_signed_in")}" "<a href="/login">{t(lang, "auth.login")}</a></p>
                    }.into_any(),
                    Err(AppError::Forbidden) => view! {
                        <p class="notice error" id="dashboard-refused">{t(lang, "reg.regulator_only")}</p>
                    }.into_any(),
                    Err(e) => view! {
                        <Filters provinces=vec![] error=Some(e.clone())/>
                    }.into_any(),
                    Ok(d) => view! {
                        <Filters provinces=d.provinces.clone() error=None/>
                        <p class="muted" id="dashboard-range">{tf(lang, "dash.range", &[&d.filter.from.to_string(), &d.filter.to.to_string()])}</p>
                        {d.cases.clone().map(|c| view! { <CaseCharts cases=c/> })}
                        <FundChart months=d.fund.clone()/>
                        <p class="hint">{t(lang, "dash.fund_note")}</p>
                    }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

/// The filters: a plain GET form back to this page (the URL holds them).
#[component]
fn Filters(provinces: Vec<String>, error: Option<AppError>) -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    let value = move |k: &str| q.read_untracked().get(k).unwrap_or_default();
    let (from, to, category, province) = (
        value("from"),
        value("to"),
        value("category"),
        value("province"),
    );
    let field_error = |field: &'static str| {
        error
            .clone()
            .filter(|e| e.field() == Some(field))
            .map(|e| view! { <p class="field-error" id=format!("err-{field}") role="alert">{e.message(lang)}</p> })
    };
    let (e_from, e_to, e_cat, e_prov) = (
        field_error("from"),
        field_error("to"),
        field_error("category"),
        field_error("province"),
    );
    let other = error
        .clone()
        .filter(|e| !matches!(e.field(), Some("from" | "to" | "category" | "province")))
        .map(|e| view! { <p class="notice error" role="alert">{e.message(lang)}</p> });
    let province_input = if provinces.is_empty() {
        view! { <input type="text" name="province" maxlength="50" value=province.clone()/> }
            .into_any()
    } else {
        view! {
            <select name="province" id="filter-province">
                <option value="">{t(lang, "dash.any")}</option>
                {provinces.into_iter().map(|p| {
                    let selected = p == province;
                    let value = p.clone();
                    view! { <option value=value selected=selected>{p}</option> }
                }).collect_view()}
            </select>
        }
        .into_any()
    };
    view! {
        <form method="get" action="/regulator/dashboard" class="form filters" id="dashboard-filters">
            <fieldset>
                <legend>{t(lang, "dash.filters")}</legend>
                <label>{t(lang, "dash.from")}<input type="date" name="from" id="filter-from" value=from/></label>
                {e_from}
                <label>{t(lang, "dash.to")}<input type="date" name="to" id="filter-to" value=to/></label>
                {e_to}
                <label>{t(lang, "dash.category")}
                    <select name="category" id="filter-category">
                        <option value="">{t(lang, "dash.any")}</option>
                        {domain::cases::Category::ALL.iter().map(|c| {
                            let selected = c.as_str() == category;
                            let text = t(lang, &format!("category.{}", c.as_str())).to_string();
                            view! { <option value=c.as_str() selected=selected>{text}</option> }
                        }).collect_view()}
                    </select>
                </label>
                {e_cat}
                <label>{t(lang, "dash.province")}{province_input}</label>
                {e_prov}
                {other}
                <button type="submit" id="filter-apply">{t(lang, "dash.apply")}</button>
            </fieldset>
        </form>
    }
}

/// The headline numbers.
#[component]
fn Headlines(cases: CaseFigures) -> impl IntoView {
    let lang = use_lang();
    let none = || t(lang, "dash.none").to_string();
    view! {
        <dl class="facts headlines" id="dashboard-headlines">
            <dt>{t(lang, "dash.total")}</dt>
            <dd id="figure-total">{cases.total.to_string()}</dd>
            <dt>{t(lang, "dash.first_response")}</dt>
            <dd id="figure-first-response">{cases.first_response_median_minutes.map(minutes_as_hours).unwrap_or_else(none)}</dd>
            <dt>{t(lang, "dash.resolution")}</dt>
            <dd id="figure-resolution">{cases.resolution_median_minutes.map(minutes_as_days).unwrap_or_else(none)}</dd>
            <dt>{t(lang, "dash.deadlines")}</dt>
            <dd id="figure-deadlines">
                {cases.deadlines_met_permille.map(format_permille).unwrap_or_else(none)}" "
                <span class="muted">{tf(lang, "dash.deadlines_detail", &[&cases.deadlines_met.to_string(), &cases.deadlines_due.to_string()])}</span>
            </dd>
        </dl>
    }
}

/// Complaints per week.
#[component]
fn WeeklyChart(cases: CaseFigures) -> impl IntoView {
    let lang = use_lang();
    let (labels, values): (Vec<String>, Vec<i64>) = cases
        .weekly
        .iter()
        .map(|c| (c.key.clone(), i64::try_from(c.count).unwrap_or(i64::MAX)))
        .unzip();
    view! {
        <h2>{t(lang, "dash.weekly")}</h2>
        <ColumnChart id="chart-weekly" title=t(lang, "dash.weekly").to_string() labels=labels
            series=vec![Series { name: t(lang, "dash.count").into(), values }]
            label_header=t(lang, "dash.week") fmt=|v| v.to_string()/>
    }
}

#[component]
fn CaseCharts(cases: CaseFigures) -> impl IntoView {
    let lang = use_lang();
    let (cat_l, cat_v) = bars(&cases.by_category, lang, "category");
    let (prov_l, prov_v) = bars(&cases.by_province, lang, "province");
    let (out_l, out_v) = bars(&cases.by_outcome, lang, "outcome");
    let count = t(lang, "dash.count");
    view! {
        <Headlines cases=cases.clone()/>
        <div class="card"><WeeklyChart cases=cases.clone()/></div>
        <div class="card">
            <h2>{t(lang, "dash.by_category")}</h2>
            <BarChart id="chart-category" title=t(lang, "dash.by_category").to_string() labels=cat_l values=cat_v label_header=t(lang, "dash.category") value_header=count/>
        </div>
        <div class="card">
            <h2>{t(lang, "dash.by_province")}</h2>
            <BarChart id="chart-province" title=t(lang, "dash.by_province").to_string() labels=prov_l values=prov_v label_header=t(lang, "dash.province") value_header=count/>
        </div>
        <div class="card">
            <h2>{t(lang, "dash.by_outcome")}</h2>
            <BarChart id="chart-outcome" title=t(lang, "dash.by_outcome").to_string() labels=out_l values=out_v label_header=t(lang, "reg.rec.status") value_header=count/>
        </div>
        <div class="card">
            <h2>{t(lang, "dash.top")}</h2>
            <p class="hint">{t(lang, "dash.top_note")}</p>
            <div class="table-wrap">
                <table tabindex="0" id="top-merchants">
                    <caption>{t(lang, "dash.top")}</caption>
                    <thead><tr>
                        <th scope="col">{t(lang, "dash.merchant")}</th>
                        <th scope="col">{t(lang, "dash.province")}</th>
                        <th scope="col">{count}</th>
                    </tr></thead>
                    <tbody>
                        {cases.top_merchants.iter().map(|m| view! {
                            <tr data-merchant=m.merchant_id.to_string()>
                                <th scope="row"><a href=format!("/merchants/{}", m.merchant_id)>{m.name.clone()}</a></th>
                                <td>{label(lang, "province", &m.province)}</td>
                                <td class="num">{m.count.to_string()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}

/// The fund's months: paid, recovered, written off (yuan).
#[component]
pub fn FundChart(months: Vec<FundMonth>) -> impl IntoView {
    let lang = use_lang();
    let labels: Vec<String> = months.iter().map(|m| m.month.clone()).collect();
    let series = vec![
        Series {
            name: t(lang, "dash.paid").into(),
            values: months.iter().map(|m| m.paid_fen).collect(),
        },
        Series {
            name: t(lang, "dash.recovered").into(),
            values: months.iter().map(|m| m.recovered_fen).collect(),
        },
        Series {
            name: t(lang, "dash.written_off").into(),
            values: months.iter().map(|m| m.written_off_fen).collect(),
        },
    ];
    view! {
        <div class="card">
            <h2>{t(lang, "dash.fund")}</h2>
            <ColumnChart id="chart-fund" title=t(lang, "dash.fund").to_string() labels=labels series=series
                label_header=t(lang, "dash.month") fmt=yuan/>
        </div>
    }
}

/// The compact dashboard on `/dashboard`: headline numbers, the weekly
/// chart and a link to the full dashboard (regulators and admins); the
/// fund's months (fund administrators).
#[component]
pub fn DashboardGlance(
    glance: Resource<Result<DashboardView, AppError>>,
    fund: Resource<Result<Vec<FundMonth>, AppError>>,
    role: domain::Role,
) -> impl IntoView {
    let lang = use_lang();
    match role {
        domain::Role::Regulator | domain::Role::Admin => view! {
            <div class="card" id="dashboard-glance">
                <h2>{t(lang, "dash.glance")}</h2>
                <Suspense>
                    {move || Suspend::new(async move { match glance.await {
                        Ok(d) => d.cases.map(|c| view! {
                            <Headlines cases=c.clone()/>
                            <WeeklyChart cases=c/>
                        }.into_any()).unwrap_or_else(|| ().into_any()),
                        Err(e) => view! { <p class="notice error">{e.message(lang)}</p> }.into_any(),
                    } })}
                </Suspense>
                <p><a href="/regulator/dashboard" id="dash-full" class="button">{t(lang, "dash.reg.open")}</a></p>
            </div>
        }
        .into_any(),
        domain::Role::FundAdmin => view! { <FundMonths fund=fund/> }.into_any(),
        _ => ().into_any(),
    }
}

/// The fund's last twelve months, loaded by the page.
#[component]
pub fn FundMonths(fund: Resource<Result<Vec<FundMonth>, AppError>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <Suspense>
            {move || Suspend::new(async move { match fund.await {
                Ok(m) => view! { <FundChart months=m/> }.into_any(),
                Err(e) => view! { <p class="notice error">{e.message(lang)}</p> }.into_any(),
            } })}
        </Suspense>
    }
}
