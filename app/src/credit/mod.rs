//! `/credit/method`: the published credit method (信用评分方法): the formula
//! explained, every parameter in force (`method_params_table`), the grade
//! thresholds and caps, the display periods and the red and black list
//! criteria. Pure: rendered from `domain::credit` alone, the same on the
//! server and in the browser.

use domain::credit::{CreditParams, Grade, ListCriteria, Severity, method_params_table};
use domain::{Fen, t, tf};
use leptos::prelude::*;

use crate::i18n::use_lang;

/// The factors in the order the formula lists them.
const FACTORS: [&str; 10] = [
    "verification",
    "commitment",
    "complaint_rate",
    "response_rate",
    "resolution_rate",
    "arbitration",
    "non_compliance",
    "first_compensation",
    "adverse_records",
    "commendations",
];

fn signed(p: i32) -> String {
    match p {
        0 => "0".into(),
        p if p > 0 => format!("+{p}"),
        p => format!("−{}", -i64::from(p)),
    }
}

/// Each factor's range under `p` (least, most).
fn range(p: &CreditParams, factor: &str) -> (i32, i32) {
    match factor {
        "verification" => (0, p.verified_points),
        "commitment" => (0, p.commitment_points),
        "complaint_rate" => (-p.complaint_rate.down, p.complaint_rate.up),
        "response_rate" => (-p.response_rate.down, p.response_rate.up),
        "resolution_rate" => (-p.resolution_rate.down, p.resolution_rate.up),
        "arbitration" => (-p.decided_against.down, p.decided_against.up),
        "non_compliance" => (-p.non_compliance_cap, 0),
        "first_compensation" => (-p.fc_cap, 0),
        "adverse_records" => (-p.adverse_cap, 0),
        "commendations" => (0, p.commendation_cap),
        _ => (0, 0),
    }
}

#[component]
pub fn MethodPage() -> impl IntoView {
    let lang = use_lang();
    let p = CreditParams::default();
    let lists = ListCriteria::default();
    let rows = method_params_table(&p);
    let grades = [
        (Grade::APlus, p.grade_a_plus),
        (Grade::A, p.grade_a),
        (Grade::B, p.grade_b),
        (Grade::C, p.grade_c),
        (Grade::D, 0),
    ];
    // The parameter table, a heading row whenever the group changes.
    let mut last_group = String::new();
    let mut param_rows = Vec::new();
    for r in rows {
        if r.group != last_group {
            last_group = r.group.clone();
            let g = r.group.clone();
            param_rows.push(
                view! { <tr class="group" data-group=g.clone()><th colspan="2">{t(lang, &g).to_string()}</th></tr> }
                    .into_any(),
            );
        }
        param_rows.push(
            view! {
                <tr data-group=r.group.clone() data-param=r.key.clone()>
                    <td class="param">{t(lang, &r.key).to_string()}</td>
                    <td class="num value">{r.value.clone()}</td>
                </tr>
            }
            .into_any(),
        );
    }
    view! {
        <section class="method" id="method">
            <h1>{t(lang, "method.title")}</h1>
            <p>{t(lang, "method.intro")}</p>

            <div class="card">
                <h2>{t(lang, "method.formula_title")}</h2>
                <p class="formula" id="method-formula">{t(lang, "method.formula")}</p>
                <table tabindex="0" class="cases" id="method-factors">
                    <thead><tr>
                        <th>{t(lang, "method.col.factor")}</th>
                        <th>{t(lang, "method.col.meaning")}</th>
                        <th class="num">{t(lang, "method.col.range")}</th>
                    </tr></thead>
                    <tbody>
                        <tr data-factor="base">
                            <td>{t(lang, "credit.param.base")}</td><td></td><td class="num">{p.base.to_string()}</td>
                        </tr>
                        {FACTORS.iter().map(|f| {
                            let (min, max) = range(&p, f);
                            view! {
                                <tr data-factor=*f>
                                    <td>{t(lang, &format!("credit.factor.{f}")).to_string()}</td>
                                    <td>{t(lang, &format!("method.factor.{f}")).to_string()}</td>
                                    <td class="num nowrap">{format!("{} … {}", signed(min), signed(max))}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <h3>{t(lang, "method.rates_title")}</h3>
                <p>{t(lang, "method.rates")}</p>
                <h3>{t(lang, "method.decay_title")}</h3>
                <p>{t(lang, "method.decay")}</p>
                <p>{t(lang, "method.outcomes")}</p>
                <h3>{t(lang, "method.rounding_title")}</h3>
                <p>{t(lang, "method.rounding")}</p>
            </div>

            <div class="card">
                <h2>{t(lang, "method.grades_title")}</h2>
                <table tabindex="0" class="cases" id="method-grades">
                    <thead><tr>
                        <th>{t(lang, "method.col.grade")}</th>
                        <th>{t(lang, "method.col.name")}</th>
                        <th class="num">{t(lang, "method.col.lowest")}</th>
                    </tr></thead>
                    <tbody>
                        {grades.into_iter().map(|(g, lowest)| view! {
                            <tr data-grade=g.to_string()>
                                <td><span class="grade-badge small" data-grade=g.to_string()>{g.to_string()}</span></td>
                                <td>{t(lang, g.label_key())}</td>
                                <td class="num">{lowest.to_string()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <p id="method-caps">{tf(lang, "method.caps", &[&p.unverified_max_grade.to_string(), &p.severe_max_grade.to_string()])}</p>
            </div>

            <div class="card">
                <h2>{t(lang, "method.periods_title")}</h2>
                <p>{t(lang, "method.periods")}</p>
                <ul id="method-periods">
                    {Severity::ALL.iter().map(|s| view! {
                        <li data-severity=s.as_str()>
                            {t(lang, &s.label_key()).to_string()}": "
                            {tf(lang, "method.days", &[&p.periods.days(*s).to_string()])}
                        </li>
                    }).collect_view()}
                </ul>
            </div>

            <div class="card">
                <h2>{t(lang, "method.lists_title")}</h2>
                <p>{tf(lang, "method.lists", &[&lists.refused_cooloff_days.to_string()])}</p>
                <h3>{t(lang, "method.black_title")}</h3>
                <ul id="method-black">
                    <li>{tf(lang, "method.black.records", &[&lists.black_serious_records.to_string()])}</li>
                    <li>{tf(lang, "method.black.non_compliant", &[&lists.black_non_compliant_12m.to_string()])}</li>
                    <li>{tf(lang, "method.black.fc", &[&format!("¥{}", Fen(lists.black_fc_unrecovered_over_fen).yuan_string())])}</li>
                </ul>
                <h3>{t(lang, "method.red_title")}</h3>
                <ul id="method-red">
                    <li>{tf(lang, "method.red.a_plus", &[&lists.red_a_plus_months.to_string()])}</li>
                    <li>{t(lang, "method.red.verified")}</li>
                    {lists.red_requires_commitment.then(|| view! { <li>{t(lang, "method.red.commitment")}</li> })}
                    <li>{t(lang, "method.red.no_serious")}</li>
                    <li>{t(lang, "method.red.compliant")}</li>
                </ul>
                <p>{t(lang, "method.consequences")}</p>
            </div>

            <div class="card">
                <h2>{t(lang, "method.params_title")}</h2>
                <table tabindex="0" class="cases params" id="method-params">
                    <thead><tr>
                        <th>{t(lang, "method.col.param")}</th>
                        <th class="num">{t(lang, "method.col.value")}</th>
                    </tr></thead>
                    <tbody>{param_rows}</tbody>
                </table>
            </div>
        </section>
    }
}
