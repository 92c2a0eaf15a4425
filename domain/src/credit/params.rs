//! The published parameters of the credit formula, and the table the
//! `/credit/method` page shows.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{Grade, Severity};

/// How long a record stays in public view (and in the score) after it
/// happened, by severity. A record's own `display_until` is fixed when it is
/// written, so changing these later moves no existing record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayPeriods {
    pub minor_days: u32,
    pub serious_days: u32,
    pub severe_days: u32,
}

impl Default for DisplayPeriods {
    /// One, three and five years.
    fn default() -> Self {
        DisplayPeriods {
            minor_days: 365,
            serious_days: 1095,
            severe_days: 1825,
        }
    }
}

impl DisplayPeriods {
    pub fn days(&self, severity: Severity) -> u32 {
        match severity {
            Severity::Minor => self.minor_days,
            Severity::Serious => self.serious_days,
            Severity::Severe => self.severe_days,
        }
    }

    /// The first instant at which a record of `severity` that happened at
    /// `occurred_at` is no longer shown: the period is half-open,
    /// `occurred_at <= t < display_until`.
    pub fn display_until(&self, severity: Severity, occurred_at: DateTime<Utc>) -> DateTime<Utc> {
        occurred_at
            .checked_add_signed(Duration::days(i64::from(self.days(severity))))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

/// One rate factor: an observed share `x / n`, pulled towards a platform
/// prior by a pseudo-count, then mapped to points.
///
/// Rates are in parts per million (ppm) so that every step is an integer:
/// 1 % = 10 000 ppm, 1 ‰ = 1 000 ppm.
///
/// `smoothed = (x·1 000 000 + prior·pseudo) / (n + pseudo)`: with no data
/// it *is* the prior; each real case weighs as much as one pseudo-case, so
/// a handful of cases moves it only a little.
///
/// Points are 0 at the prior and go linearly to `+up` at `best` and to
/// `−down` at `worst` (and stay there beyond). `best` may be above the prior
/// (a higher rate is better) or below it (a lower rate is better).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateParams {
    pub prior_ppm: u32,
    pub pseudo: u32,
    pub best_ppm: u32,
    pub worst_ppm: u32,
    pub up: i32,
    pub down: i32,
}

/// Every weight, prior, threshold and cap of the formula. `Default` is the
/// published method (see `method.md`); all points are on the 0–1000 scale
/// and every number is meant to be non-negative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreditParams {
    /// Where every merchant starts.
    pub base: i32,
    /// Real-name verification (实名登记).
    pub verified_points: i32,
    /// A current standard credit commitment.
    pub commitment_points: i32,
    /// Complaints per order (`x` complaints of `n` orders); lower is better.
    /// `pseudo` counts orders.
    pub complaint_rate: RateParams,
    /// First responses within the deadline; higher is better.
    pub response_rate: RateParams,
    /// Ended cases resolved with the consumer; higher is better.
    pub resolution_rate: RateParams,
    /// Arbitration decisions against the merchant; lower is better.
    pub decided_against: RateParams,
    /// Taken off for each settlement or award not honoured…
    pub non_compliance_points: i32,
    /// …up to this much.
    pub non_compliance_cap: i32,
    /// Taken off as soon as any first compensation is unrecovered…
    pub fc_base_points: i32,
    /// …plus one point per this many fen still unrecovered…
    pub fc_fen_per_point: i64,
    /// …up to this much in all.
    pub fc_cap: i32,
    /// What a new adverse record takes off, by severity.
    pub minor_points: i32,
    pub serious_points: i32,
    pub severe_points: i32,
    /// The share of its weight (‰) an adverse record keeps on the last day of
    /// its display period; it decays linearly from 1000 ‰ down to this.
    pub decay_floor_permille: u32,
    /// The most all adverse records together take off.
    pub adverse_cap: i32,
    /// What each commendation on display adds…
    pub commendation_points: i32,
    /// …up to this much.
    pub commendation_cap: i32,
    /// The lowest score of each grade; below `grade_c` is D.
    pub grade_a_plus: u16,
    pub grade_a: u16,
    pub grade_b: u16,
    pub grade_c: u16,
    /// The best grade an unverified merchant can have.
    pub unverified_max_grade: Grade,
    /// The best grade while a severe adverse record is on display.
    pub severe_max_grade: Grade,
    /// The display periods new records get (published with the method; the
    /// score itself reads each record's own `display_until`).
    pub periods: DisplayPeriods,
}

impl Default for CreditParams {
    fn default() -> Self {
        CreditParams {
            base: 600,
            verified_points: 100,
            commitment_points: 30,
            complaint_rate: RateParams {
                prior_ppm: 2_000, // 2 ‰ of orders
                pseudo: 2_000,    // orders, i.e. 4 pseudo-complaints
                best_ppm: 0,
                worst_ppm: 20_000, // 2 %
                up: 100,
                down: 200,
            },
            response_rate: RateParams {
                prior_ppm: 850_000,
                pseudo: 10,
                best_ppm: 1_000_000,
                worst_ppm: 0,
                up: 60,
                down: 120,
            },
            resolution_rate: RateParams {
                prior_ppm: 700_000,
                pseudo: 10,
                best_ppm: 1_000_000,
                worst_ppm: 0,
                up: 60,
                down: 100,
            },
            decided_against: RateParams {
                prior_ppm: 500_000,
                pseudo: 4,
                best_ppm: 0,
                worst_ppm: 1_000_000,
                up: 20,
                down: 80,
            },
            non_compliance_points: 50,
            non_compliance_cap: 200,
            fc_base_points: 30,
            fc_fen_per_point: 10_000, // ¥100
            fc_cap: 150,
            minor_points: 30,
            serious_points: 100,
            severe_points: 250,
            decay_floor_permille: 250,
            adverse_cap: 600,
            commendation_points: 15,
            commendation_cap: 45,
            grade_a_plus: 900,
            grade_a: 800,
            grade_b: 650,
            grade_c: 500,
            unverified_max_grade: Grade::B,
            severe_max_grade: Grade::C,
            periods: DisplayPeriods::default(),
        }
    }
}

impl CreditParams {
    /// The full weight of a new adverse record.
    pub fn severity_points(&self, severity: Severity) -> i32 {
        match severity {
            Severity::Minor => self.minor_points,
            Severity::Serious => self.serious_points,
            Severity::Severe => self.severe_points,
        }
    }

    /// The grade a score earns by the thresholds alone (before caps).
    pub fn grade_for(&self, score: u16) -> Grade {
        if score >= self.grade_a_plus {
            Grade::APlus
        } else if score >= self.grade_a {
            Grade::A
        } else if score >= self.grade_b {
            Grade::B
        } else if score >= self.grade_c {
            Grade::C
        } else {
            Grade::D
        }
    }
}

/// One row of the published parameters: `group` and `key` are i18n keys
/// (the group is a factor's `credit.factor.*` or a `credit.param.group.*`),
/// `value` is language-neutral (`2.00‰`, `85.0%`, `¥100.00`, `365`, `B`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamRow {
    pub group: String,
    pub key: String,
    pub value: String,
}

/// Shows a rate given as `num / den` ppm.
pub(super) type RateFormat = fn(i128, i128) -> String;

/// `12345` ppm as `12.35‰` (two decimals, halves rounded up).
pub(super) fn ppm_as_permille(ppm_num: i128, den: i128) -> String {
    let hundredths = div_round(ppm_num, den * 10);
    format!("{}.{:02}‰", hundredths / 100, hundredths % 100)
}

/// `123456` ppm as `12.3%` (one decimal, halves rounded up).
pub(super) fn ppm_as_percent(ppm_num: i128, den: i128) -> String {
    let tenths = div_round(ppm_num, den * 1000);
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// `a / b` for `a >= 0`, `b > 0`, rounded to nearest with halves up: the one
/// rounding rule of the whole formula.
pub(super) fn div_round(a: i128, b: i128) -> i128 {
    (2 * a + b) / (2 * b)
}

/// The parameters as rows for the `/credit/method` page, in the order the
/// method describes them.
pub fn method_params_table(p: &CreditParams) -> Vec<ParamRow> {
    let mut rows = Vec::new();
    let mut row = |group: &str, key: &str, value: String| {
        rows.push(ParamRow {
            group: group.to_string(),
            key: format!("credit.param.{key}"),
            value,
        })
    };
    row("credit.param.group.score", "base", p.base.to_string());
    row(
        "credit.factor.verification",
        "points",
        format!("+{}", p.verified_points),
    );
    row(
        "credit.factor.commitment",
        "points",
        format!("+{}", p.commitment_points),
    );
    let rates: [(&str, &RateParams, RateFormat); 4] = [
        (
            "credit.factor.complaint_rate",
            &p.complaint_rate,
            ppm_as_permille,
        ),
        (
            "credit.factor.response_rate",
            &p.response_rate,
            ppm_as_percent,
        ),
        (
            "credit.factor.resolution_rate",
            &p.resolution_rate,
            ppm_as_percent,
        ),
        (
            "credit.factor.arbitration",
            &p.decided_against,
            ppm_as_percent,
        ),
    ];
    for (group, r, fmt) in rates {
        row(group, "prior", fmt(i128::from(r.prior_ppm), 1));
        row(group, "pseudo", r.pseudo.to_string());
        row(group, "best", fmt(i128::from(r.best_ppm), 1));
        row(group, "worst", fmt(i128::from(r.worst_ppm), 1));
        row(group, "up", format!("+{}", r.up));
        row(group, "down", format!("−{}", r.down));
    }
    let g = "credit.factor.non_compliance";
    row(g, "per_case", format!("−{}", p.non_compliance_points));
    row(g, "cap", format!("−{}", p.non_compliance_cap));
    let g = "credit.factor.first_compensation";
    row(g, "fc_base", format!("−{}", p.fc_base_points));
    row(
        g,
        "fc_per_point",
        format!("¥{}", crate::Fen(p.fc_fen_per_point).yuan_string()),
    );
    row(g, "cap", format!("−{}", p.fc_cap));
    let g = "credit.factor.adverse_records";
    row(g, "minor_points", format!("−{}", p.minor_points));
    row(g, "serious_points", format!("−{}", p.serious_points));
    row(g, "severe_points", format!("−{}", p.severe_points));
    row(
        g,
        "decay_floor",
        ppm_as_percent(i128::from(p.decay_floor_permille) * 1000, 1),
    );
    row(g, "cap", format!("−{}", p.adverse_cap));
    let g = "credit.factor.commendations";
    row(g, "per_item", format!("+{}", p.commendation_points));
    row(g, "cap", format!("+{}", p.commendation_cap));
    let g = "credit.param.group.grades";
    row(g, "grade_a_plus", p.grade_a_plus.to_string());
    row(g, "grade_a", p.grade_a.to_string());
    row(g, "grade_b", p.grade_b.to_string());
    row(g, "grade_c", p.grade_c.to_string());
    row(
        g,
        "unverified_max_grade",
        p.unverified_max_grade.to_string(),
    );
    row(g, "severe_max_grade", p.severe_max_grade.to_string());
    let g = "credit.param.group.display";
    row(g, "minor_days", p.periods.minor_days.to_string());
    row(g, "serious_days", p.periods.serious_days.to_string());
    row(g, "severe_days", p.periods.severe_days.to_string());
    rows
}
