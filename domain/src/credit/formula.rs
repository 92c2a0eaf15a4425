//! The score itself: inputs in, score, grade and the factors behind them out.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::params::{RateFormat, div_round, ppm_as_percent, ppm_as_permille};
use super::{CreditParams, DisplayPeriods, Grade, RateParams, RecordKind, Severity};

/// One entry of the credit file as the formula needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordInput {
    pub kind: RecordKind,
    pub severity: Severity,
    pub occurred_at: DateTime<Utc>,
    pub display_until: DateTime<Utc>,
    /// Repaired (信用修复): out of public view and the score early.
    pub repaired: bool,
}

impl RecordInput {
    /// A new, unrepaired record with its kind's default severity and the
    /// display period `periods` gives that severity.
    pub fn new(kind: RecordKind, occurred_at: DateTime<Utc>, periods: &DisplayPeriods) -> Self {
        let severity = kind.default_severity();
        RecordInput {
            kind,
            severity,
            occurred_at,
            display_until: periods.display_until(severity, occurred_at),
            repaired: false,
        }
    }

    /// Shown to the public, and so counted, at `now`: not repaired and
    /// `now < display_until` (at `display_until` itself it is gone).
    pub fn is_displayed(&self, now: DateTime<Utc>) -> bool {
        !self.repaired && now < self.display_until
    }
}

/// Everything the formula reads about one merchant. The counters cover the
/// 12 months before `now`; the service counts them, the formula only weighs
/// them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditInputs {
    /// Real-name verified (实名登记).
    pub verified: bool,
    /// The current standard credit commitment is signed (and not broken).
    pub commitment_signed: bool,
    /// Cases filed against the merchant.
    pub complaints_12m: u32,
    /// Declared order volume, if known; `None` relies on the prior alone.
    pub order_volume_12m: Option<u64>,
    /// Cases whose first-response deadline has passed…
    pub response_due: u32,
    /// …of which the merchant answered in time.
    pub responded_in_time: u32,
    /// Cases that ended…
    pub ended: u32,
    /// …of which resolved with the consumer (settled, mediated, complied
    /// with, closed after fulfilment).
    pub resolved: u32,
    /// Arbitration decisions…
    pub decided: u32,
    /// …of which against the merchant.
    pub decided_against: u32,
    /// Settlements or awards not honoured.
    pub non_compliant: u32,
    /// First compensation paid on the merchant's behalf and not yet
    /// recovered, in fen.
    pub fc_unrecovered_fen: i64,
    /// Misconduct, commitments and commendations, in any order; only those
    /// displayed at `now` count.
    pub records: Vec<RecordInput>,
}

/// One line of the explanation: what a factor added or took off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Factor {
    /// `credit.factor.<name>`: the factor's i18n key.
    pub key: String,
    /// The signed contribution to the score.
    pub points: i32,
    /// The least this factor can give (negative, or 0 for bonuses)…
    pub min: i32,
    /// …and the most (0 for penalties).
    pub max: i32,
    /// The numbers behind it, language-neutral (`12/15 → 90.0%`).
    pub detail: String,
}

/// A merchant's published credit: `score = clamp(base + Σ factors.points,
/// 0, 1000)`, and the grade from the thresholds, lowered by any cap in
/// force. It carries its base and caps so that stored JSON explains itself
/// even after the parameters change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditScore {
    pub score: u16,
    pub grade: Grade,
    pub base: i32,
    pub factors: Vec<Factor>,
    /// `credit.cap.*` keys of the caps in force (`unverified`, `severe`).
    pub caps: Vec<String>,
}

impl CreditScore {
    /// `base + Σ points` before the clamp to 0..=1000.
    pub fn unclamped(&self) -> i64 {
        i64::from(self.base)
            + self
                .factors
                .iter()
                .map(|f| i64::from(f.points))
                .sum::<i64>()
    }
}

/// The highest score.
pub const MAX_SCORE: u16 = 1000;

/// Scores a merchant at `now` by the published method (see the module docs
/// and `method.md`). Pure and deterministic: integer arithmetic only, records
/// in any order give the same result.
pub fn score(inputs: &CreditInputs, now: DateTime<Utc>, params: &CreditParams) -> CreditScore {
    let p = params;
    let check = |b: bool| if b { "✓" } else { "✗" }.to_string();
    let mut factors = vec![
        Factor {
            key: "credit.factor.verification".into(),
            points: if inputs.verified {
                p.verified_points
            } else {
                0
            },
            min: 0,
            max: p.verified_points,
            detail: check(inputs.verified),
        },
        Factor {
            key: "credit.factor.commitment".into(),
            points: if inputs.commitment_signed {
                p.commitment_points
            } else {
                0
            },
            min: 0,
            max: p.commitment_points,
            detail: check(inputs.commitment_signed),
        },
    ];

    // Complaints per order. A volume below the complaint count is taken as
    // the count (every complaint is about at least one order); no volume at
    // all means the complaints are set against the prior's pseudo-orders
    // alone.
    let c = u64::from(inputs.complaints_12m);
    let volume = inputs.order_volume_12m.map(|v| v.max(c));
    factors.push(rate_factor(
        "credit.factor.complaint_rate",
        c,
        volume,
        &p.complaint_rate,
        ppm_as_permille,
    ));
    factors.push(rate_factor(
        "credit.factor.response_rate",
        inputs.responded_in_time.into(),
        Some(inputs.response_due.into()),
        &p.response_rate,
        ppm_as_percent,
    ));
    factors.push(rate_factor(
        "credit.factor.resolution_rate",
        inputs.resolved.into(),
        Some(inputs.ended.into()),
        &p.resolution_rate,
        ppm_as_percent,
    ));
    factors.push(rate_factor(
        "credit.factor.arbitration",
        inputs.decided_against.into(),
        Some(inputs.decided.into()),
        &p.decided_against,
        ppm_as_percent,
    ));

    let cap = p.non_compliance_cap.max(0);
    let taken = (i64::from(inputs.non_compliant) * i64::from(p.non_compliance_points.max(0)))
        .min(i64::from(cap));
    factors.push(Factor {
        key: "credit.factor.non_compliance".into(),
        points: -(taken as i32),
        min: -cap,
        max: 0,
        detail: inputs.non_compliant.to_string(),
    });

    let fen = inputs.fc_unrecovered_fen.max(0);
    let cap = p.fc_cap.max(0);
    let taken = match fen {
        0 => 0,
        _ if p.fc_fen_per_point <= 0 => i64::from(cap),
        _ => (i64::from(p.fc_base_points.max(0)) + fen / p.fc_fen_per_point).min(i64::from(cap)),
    };
    factors.push(Factor {
        key: "credit.factor.first_compensation".into(),
        points: -(taken as i32),
        min: -cap,
        max: 0,
        detail: format!("¥{}", crate::Fen(fen).yuan_string()),
    });

    let (adverse, severe_on_display) = adverse_factor(&inputs.records, now, p);
    factors.push(adverse);

    let shown = inputs
        .records
        .iter()
        .filter(|r| r.kind == RecordKind::Commendation && r.is_displayed(now))
        .count() as i64;
    let cap = p.commendation_cap.max(0);
    let each = p.commendation_points.max(0);
    factors.push(Factor {
        key: "credit.factor.commendations".into(),
        points: (shown * i64::from(each)).min(i64::from(cap)) as i32,
        min: 0,
        max: cap,
        detail: format!("{shown} × +{each}"),
    });

    let mut result = CreditScore {
        score: 0,
        grade: Grade::D,
        base: p.base,
        factors,
        caps: Vec::new(),
    };
    result.score = result.unclamped().clamp(0, i64::from(MAX_SCORE)) as u16;
    result.grade = p.grade_for(result.score);
    if !inputs.verified {
        result.grade = result.grade.at_most(p.unverified_max_grade);
        result.caps.push("credit.cap.unverified".into());
    }
    if severe_on_display {
        result.grade = result.grade.at_most(p.severe_max_grade);
        result.caps.push("credit.cap.severe".into());
    }
    result
}

/// A [`RateParams`] factor over `x` of `n` (see there); `n = None` (an
/// unknown order volume) weighs like `Some(0)` and shows as `?`. `fmt` shows
/// the smoothed rate (‰ or %).
fn rate_factor(key: &str, x: u64, n: Option<u64>, r: &RateParams, fmt: RateFormat) -> Factor {
    const PPM: i128 = 1_000_000;
    let n_shown = n.map_or("?".to_string(), |n| n.to_string());
    // A part cannot exceed its whole; an unknown whole bounds nothing.
    let x = n.map_or(x, |n| x.min(n));
    let n = n.unwrap_or(0);
    let (up, down) = (r.up.max(0), r.down.max(0));
    let (xi, ni) = (i128::from(x), i128::from(n));
    let (prior, k) = (i128::from(r.prior_ppm), i128::from(r.pseudo));
    // smoothed = num / den ppm; `diff / den` is how far it is from the prior.
    let (num, den) = (xi * PPM + prior * k, ni + k);
    let diff = xi * PPM - prior * ni;
    let points = if den == 0 || diff == 0 {
        0
    } else {
        let higher_is_better = r.best_ppm >= r.worst_ppm;
        let (limit, end) = if (diff > 0) == higher_is_better {
            (up, r.best_ppm)
        } else {
            (down, r.worst_ppm)
        };
        let span = (i128::from(end) - prior).abs();
        let magnitude = if span == 0 {
            limit
        } else {
            div_round(i128::from(limit) * diff.abs(), den * span).min(i128::from(limit)) as i32
        };
        if (diff > 0) == higher_is_better {
            magnitude
        } else {
            -magnitude
        }
    };
    let smoothed = if den == 0 {
        fmt(prior, 1)
    } else {
        fmt(num, den)
    };
    Factor {
        key: key.to_string(),
        points,
        min: -down,
        max: up,
        detail: format!("{x}/{n_shown} → {smoothed}"),
    }
}

/// The weight left of an adverse record at `now`: full when it happens,
/// falling linearly to `decay_floor_permille` ‰ at `display_until`. Ages are
/// counted in whole seconds; a record dated in the future counts in full.
pub fn decayed_points(r: &RecordInput, now: DateTime<Utc>, p: &CreditParams) -> i32 {
    let weight = i128::from(p.severity_points(r.severity).max(0));
    let period = i128::from((r.display_until - r.occurred_at).num_seconds());
    if period <= 0 {
        return weight as i32;
    }
    let age = i128::from((now - r.occurred_at).num_seconds()).clamp(0, period);
    let lost = 1000 - i128::from(p.decay_floor_permille.min(1000));
    div_round(weight * (1000 * period - lost * age), 1000 * period) as i32
}

/// The `adverse_records` factor, and whether a severe one is on display.
fn adverse_factor(records: &[RecordInput], now: DateTime<Utc>, p: &CreditParams) -> (Factor, bool) {
    let mut counted: Vec<(&RecordInput, i32)> = records
        .iter()
        .filter(|r| r.kind.is_adverse_record() && r.is_displayed(now))
        .map(|r| (r, decayed_points(r, now, p)))
        .collect();
    // The detail lists records oldest first, so the input order never shows.
    counted.sort_by(|(a, _), (b, _)| {
        (
            a.occurred_at,
            a.kind.as_str(),
            a.severity.as_str(),
            a.display_until,
        )
            .cmp(&(
                b.occurred_at,
                b.kind.as_str(),
                b.severity.as_str(),
                b.display_until,
            ))
    });
    let cap = p.adverse_cap.max(0);
    let total: i64 = counted.iter().map(|(_, pts)| i64::from(*pts)).sum();
    let detail = if counted.is_empty() {
        "—".to_string()
    } else {
        counted
            .iter()
            .map(|(r, pts)| {
                format!(
                    "{} {} {} −{pts}",
                    r.occurred_at.format("%Y-%m-%d"),
                    r.kind,
                    r.severity
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let severe = counted.iter().any(|(r, _)| r.severity == Severity::Severe);
    let factor = Factor {
        key: "credit.factor.adverse_records".into(),
        points: -(total.min(i64::from(cap)) as i32),
        min: -cap,
        max: 0,
        detail,
    };
    (factor, severe)
}
