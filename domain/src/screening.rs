//! Professional-claimant screening (职业索赔/职业打假筛查): pure rules over a
//! consumer's own filings that say when their pattern goes to a regulator
//! for review. A flag never blocks anything: the consumer's cases proceed
//! with the same statuses and deadlines; staff see a mark "for a mediator's
//! review"; the consumer may object within 5 working days; a regulator
//! upholds or clears it with a written reason.
//!
//! The four signals, each with its thresholds in [`ScreeningParams`]
//! (configured as `GONGDAO_SCREENING_*`):
//!
//! 1. **punitive claims** — at least `punitive_claims` complaints demanding
//!    punitive damages (退一赔三 / 退一赔十) against at least
//!    `punitive_merchants` different merchants;
//! 2. **repeated narratives** — at least `narrative_repeats` complaints whose
//!    narratives are near-identical (whitespace, punctuation and digits
//!    removed, Latin letters lower-cased; character 3-shingles with a Jaccard
//!    similarity of at least `narrative_similarity_pct` %) against at least
//!    two different merchants;
//! 3. **bought to claim** — at least `bought_to_claim` complaints whose order
//!    was placed on or after the day the consumer had already complained to
//!    another merchant about a product with the same words in the title
//!    (character bigrams of the titles, at least half of the shorter title's
//!    shared). Limits: the product is only known by the title's words, so
//!    differently worded titles of one product are missed and two products
//!    with the same words are taken for one; order dates are what the consumer
//!    typed;
//! 4. **malicious-complaint flags** — at least `malicious_flags` merchants'
//!    ratings flagging the consumer's cases as malicious (恶意投诉), from at
//!    least `malicious_merchants` different merchants.
//!
//! Everything counts only inside the window: the last `window_days` days,
//! and only after the consumer's last *cleared* decision — a cleared
//! consumer is never flagged again on the evidence that was cleared.

use std::collections::{BTreeSet, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::cases::Demand;
use crate::input;

/// The thresholds; defaults are those documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScreeningParams {
    /// Days looked back from the filing.
    pub window_days: u32,
    pub punitive_claims: u32,
    pub punitive_merchants: u32,
    pub narrative_repeats: u32,
    pub narrative_similarity_pct: u32,
    pub bought_to_claim: u32,
    pub malicious_flags: u32,
    pub malicious_merchants: u32,
}

impl Default for ScreeningParams {
    fn default() -> Self {
        ScreeningParams {
            window_days: 90,
            punitive_claims: 5,
            punitive_merchants: 3,
            narrative_repeats: 3,
            narrative_similarity_pct: 80,
            bought_to_claim: 2,
            malicious_flags: 2,
            malicious_merchants: 2,
        }
    }
}

/// Working days the consumer has to object.
pub const OBJECTION_DAYS: u32 = 5;

named_enum! {
    /// A screening signal.
    ScreeningSignal {
        PunitiveClaims = "punitive_claims",
        RepeatedNarratives = "repeated_narratives",
        BoughtToClaim = "bought_to_claim",
        MaliciousFlags = "malicious_flags",
    }
}

impl ScreeningSignal {
    pub fn label_key(self) -> String {
        format!("screening.signal.{}", self.as_str())
    }
}

named_enum! {
    /// Where a flag is: waiting for a regulator, or decided.
    ScreeningStatus {
        UnderReview = "under_review",
        Upheld = "upheld",
        Cleared = "cleared",
    }
}

/// One of the consumer's filings, as the rules read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filing {
    pub case_id: i32,
    pub merchant_id: i32,
    pub demand: Demand,
    pub title: String,
    pub narrative: String,
    pub order_date: NaiveDate,
    pub filed_at: DateTime<Utc>,
}

/// A merchant's malicious-complaint flag on one of the consumer's cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaliciousFlag {
    pub case_id: i32,
    pub merchant_id: i32,
    pub at: DateTime<Utc>,
}

/// A signal that fired, with its numbers and the cases it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    pub signal: ScreeningSignal,
    /// How many complaints (or flags) count.
    pub count: u32,
    /// Against (or from) how many different merchants.
    pub merchants: u32,
    pub case_ids: Vec<i32>,
}

/// Where the window starts: `window_days` before `now`, or the last cleared
/// decision if later.
pub fn window_start(
    now: DateTime<Utc>,
    cleared_at: Option<DateTime<Utc>>,
    p: &ScreeningParams,
) -> DateTime<Utc> {
    let start = now - chrono::Duration::days(i64::from(p.window_days));
    match cleared_at {
        Some(c) if c > start => c,
        _ => start,
    }
}

/// The signals `filings` and `flags` raise from `since` on (see the module).
pub fn evaluate(
    filings: &[Filing],
    flags: &[MaliciousFlag],
    since: DateTime<Utc>,
    p: &ScreeningParams,
) -> Vec<Finding> {
    let fs: Vec<&Filing> = filings.iter().filter(|f| f.filed_at > since).collect();
    let mut out = vec![];
    // 1. Punitive claims.
    let punitive: Vec<&&Filing> = fs.iter().filter(|f| f.demand.is_punitive()).collect();
    let merchants = distinct(punitive.iter().map(|f| f.merchant_id));
    if count(punitive.len()) >= p.punitive_claims && merchants >= p.punitive_merchants {
        out.push(Finding {
            signal: ScreeningSignal::PunitiveClaims,
            count: count(punitive.len()),
            merchants,
            case_ids: punitive.iter().map(|f| f.case_id).collect(),
        });
    }
    // 2. Repeated narratives: the largest group of complaints near-identical
    // to one of them.
    let texts: Vec<HashSet<String>> = fs
        .iter()
        .map(|f| shingles(&normalise(&f.narrative), 3))
        .collect();
    let mut best: Vec<usize> = vec![];
    for i in 0..fs.len() {
        let group: Vec<usize> = (0..fs.len())
            .filter(|&j| jaccard_at_least(&texts[i], &texts[j], p.narrative_similarity_pct))
            .collect();
        if group.len() > best.len() && distinct(group.iter().map(|&j| fs[j].merchant_id)) >= 2 {
            best = group;
        }
    }
    if count(best.len()) >= p.narrative_repeats && !best.is_empty() {
        out.push(Finding {
            signal: ScreeningSignal::RepeatedNarratives,
            count: count(best.len()),
            merchants: distinct(best.iter().map(|&j| fs[j].merchant_id)),
            case_ids: best.iter().map(|&j| fs[j].case_id).collect(),
        });
    }
    // 3. Bought after complaining of the same product elsewhere.
    let titles: Vec<HashSet<String>> = fs
        .iter()
        .map(|f| shingles(&normalise(&f.title), 2))
        .collect();
    let bought: Vec<usize> = (0..fs.len())
        .filter(|&i| {
            (0..fs.len()).any(|j| {
                j != i
                    && fs[j].merchant_id != fs[i].merchant_id
                    && fs[j].filed_at < fs[i].filed_at
                    && crate::calendar::local_date(fs[j].filed_at) <= fs[i].order_date
                    && overlap_at_least_half(&titles[i], &titles[j])
            })
        })
        .collect();
    if count(bought.len()) >= p.bought_to_claim && !bought.is_empty() {
        out.push(Finding {
            signal: ScreeningSignal::BoughtToClaim,
            count: count(bought.len()),
            merchants: distinct(bought.iter().map(|&i| fs[i].merchant_id)),
            case_ids: bought.iter().map(|&i| fs[i].case_id).collect(),
        });
    }
    // 4. Merchants' malicious-complaint flags.
    let fl: Vec<&MaliciousFlag> = flags.iter().filter(|f| f.at > since).collect();
    let merchants = distinct(fl.iter().map(|f| f.merchant_id));
    if count(fl.len()) >= p.malicious_flags && merchants >= p.malicious_merchants && !fl.is_empty()
    {
        out.push(Finding {
            signal: ScreeningSignal::MaliciousFlags,
            count: count(fl.len()),
            merchants,
            case_ids: fl.iter().map(|f| f.case_id).collect(),
        });
    }
    out
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn distinct(ids: impl Iterator<Item = i32>) -> u32 {
    count(ids.collect::<BTreeSet<_>>().len())
}

/// Letters only: white space, punctuation, symbols and digits dropped,
/// Latin letters lower-cased (Chinese characters are letters).
pub fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The set of `k`-character windows of `s` (the whole of a shorter `s`).
pub fn shingles(s: &str, k: usize) -> HashSet<String> {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return HashSet::new();
    }
    if chars.len() <= k {
        return HashSet::from([s.to_string()]);
    }
    chars.windows(k).map(|w| w.iter().collect()).collect()
}

/// |a ∩ b| / |a ∪ b| ≥ pct %, in whole numbers.
pub fn jaccard_at_least(a: &HashSet<String>, b: &HashSet<String>, pct: u32) -> bool {
    let inter = a.intersection(b).count();
    let union = a.len() + b.len() - inter;
    union > 0 && inter * 100 >= pct as usize * union
}

fn overlap_at_least_half(a: &HashSet<String>, b: &HashSet<String>) -> bool {
    let inter = a.intersection(b).count();
    let smaller = a.len().min(b.len());
    smaller > 0 && inter * 2 >= smaller
}

/// The consumer's statement objecting to a flag (异议).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectionInput {
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 5000))]
    pub statement: String,
}

impl ObjectionInput {
    pub fn check(&self) -> Result<String, AppError> {
        input::bounded_text(&self.statement, "statement", 10, input::max::MESSAGE)
    }
}

/// A regulator's decision: `uphold` (the pattern stands) or clear, with
/// the written reason.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScreeningDecisionInput {
    pub uphold: bool,
    #[cfg_attr(feature = "openapi", schema(min_length = 4, max_length = 2000))]
    pub reason: String,
}

impl ScreeningDecisionInput {
    pub fn check(&self) -> Result<String, AppError> {
        input::bounded_text(&self.reason, "reason", 4, input::max::REASON)
    }
}

/// A flag as staff see it (the regulators' queue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScreeningView {
    pub id: i32,
    pub consumer_id: i32,
    /// Masked (张**).
    pub consumer_name: String,
    pub status: ScreeningStatus,
    pub signals: Vec<Finding>,
    pub flagged_at: DateTime<Utc>,
    pub objection_due_at: DateTime<Utc>,
    /// The objection period is over (the regulator decides either way).
    pub objection_period_over: bool,
    pub objection: Option<String>,
    pub objected_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The cases the flag marks.
    pub case_ids: Vec<i32>,
}

/// What the consumer is told of their own screening: never the signals'
/// details, which staff see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OwnScreening {
    pub id: i32,
    pub status: ScreeningStatus,
    pub flagged_at: DateTime<Utc>,
    pub objection_due_at: DateTime<Utc>,
    /// `objection_due_at` in Beijing time, as the page shows it.
    pub objection_due_local: String,
    /// An objection is still possible (under review, none yet, in time).
    pub may_object: bool,
    pub objection: Option<String>,
    pub objected_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// The mark on a case: for staff with the signals; for the case's own
/// consumer without them; for anyone else absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseScreening {
    pub flag_id: i32,
    pub status: ScreeningStatus,
    pub objection_due_at: DateTime<Utc>,
    pub objection_due_local: String,
    pub may_object: bool,
    /// The consumer has objected.
    pub objected: bool,
    /// Empty for the consumer.
    pub signals: Vec<Finding>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32) -> DateTime<Utc> {
        format!("2026-11-{day:02}T02:00:00Z").parse().unwrap()
    }

    fn filing(case_id: i32, merchant_id: i32, demand: Demand, narrative: &str) -> Filing {
        Filing {
            case_id,
            merchant_id,
            demand,
            title: format!("投诉{case_id}"),
            narrative: narrative.into(),
            order_date: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            filed_at: at(case_id as u32),
        }
    }

    fn signals(fs: &[Filing], flags: &[MaliciousFlag]) -> Vec<ScreeningSignal> {
        evaluate(
            fs,
            flags,
            at(1) - chrono::Duration::days(1),
            &ScreeningParams::default(),
        )
        .into_iter()
        .map(|f| f.signal)
        .collect()
    }

    const TEXTS: [&str; 6] = [
        "购买的进口奶粉标签无中文说明，违反食品安全法，要求退一赔十。",
        "收到的羽绒服含绒量与宣传严重不符，商家拒绝处理。",
        "手机充电器使用三天后发烫冒烟，存在安全隐患。",
        "网购的蜂蜜结晶异常，怀疑掺假，客服一直推脱。",
        "订购的家具迟迟不发货，催促多次没有回复。",
        "宣传为纯棉的床单实际是化纤材质，图物不符。",
    ];

    #[test]
    fn punitive_claims_fire_at_the_threshold_and_not_below() {
        let p3 = Demand::Punitive3x;
        let mut fs: Vec<Filing> = (1..=4)
            .map(|i| filing(i, 10 + (i % 3), p3, TEXTS[i as usize]))
            .collect();
        assert!(signals(&fs, &[]).is_empty(), "4 claims: below");
        fs.push(filing(5, 10, Demand::Punitive10x, TEXTS[5]));
        assert_eq!(signals(&fs, &[]), vec![ScreeningSignal::PunitiveClaims]);
        // Five claims against only two merchants: below.
        for f in &mut fs {
            f.merchant_id = 10 + f.case_id % 2;
        }
        assert!(signals(&fs, &[]).is_empty());
        // Ordinary demands do not count.
        let plain: Vec<Filing> = (1..=6)
            .map(|i| filing(i, i, Demand::Refund, TEXTS[(i % 6) as usize]))
            .collect();
        assert!(signals(&plain, &[]).is_empty());
    }

    #[test]
    fn repeated_narratives_ignore_digits_spacing_and_punctuation() {
        let a = "我在贵店购买的【进口奶粉】标签无中文说明，违反食品安全法第148条，要求退一赔十！订单号 20261101。";
        let b = "我在贵店购买的进口奶粉 标签无中文说明,违反食品安全法第 97 条,要求退一赔十.订单号 8812345";
        let c = "我在贵店购买的进口奶粉标签无中文说明，违反食品安全法第55条，要求退一赔十。";
        let fs = vec![
            filing(1, 10, Demand::Refund, a),
            filing(2, 11, Demand::Refund, b),
        ];
        assert!(signals(&fs, &[]).is_empty(), "two: below");
        let mut fs3 = fs.clone();
        fs3.push(filing(3, 12, Demand::Refund, c));
        assert_eq!(
            signals(&fs3, &[]),
            vec![ScreeningSignal::RepeatedNarratives]
        );
        // The same three against one merchant: a consumer repeating
        // themselves to one shop is not the pattern.
        for f in &mut fs3 {
            f.merchant_id = 10;
        }
        assert!(signals(&fs3, &[]).is_empty());
        // Different stories do not group.
        let diff: Vec<Filing> = (0..6)
            .map(|i| filing(i + 1, 10 + i, Demand::Refund, TEXTS[i as usize]))
            .collect();
        assert!(signals(&diff, &[]).is_empty());
    }

    #[test]
    fn bought_after_complaining_of_the_same_product_elsewhere() {
        let mut first = filing(1, 10, Demand::Refund, TEXTS[0]);
        first.title = "进口奶粉无中文标签".into();
        let mut second = filing(5, 11, Demand::Refund, TEXTS[1]);
        second.title = "奶粉无中文标签".into();
        // Ordered on the 3rd, after complaining on the 1st.
        second.order_date = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
        let mut third = filing(9, 12, Demand::Refund, TEXTS[2]);
        third.title = "进口奶粉没有中文标签".into();
        third.order_date = NaiveDate::from_ymd_opt(2026, 11, 6).unwrap();
        assert!(
            signals(&[first.clone(), second.clone()], &[]).is_empty(),
            "one: below"
        );
        assert_eq!(
            signals(&[first.clone(), second.clone(), third.clone()], &[]),
            vec![ScreeningSignal::BoughtToClaim]
        );
        // Bought before the first complaint: not the pattern.
        let mut early = third.clone();
        early.order_date = NaiveDate::from_ymd_opt(2026, 10, 30).unwrap();
        let mut early2 = second.clone();
        early2.order_date = NaiveDate::from_ymd_opt(2026, 10, 30).unwrap();
        assert!(signals(&[first.clone(), early2, early], &[]).is_empty());
        // Another product: not the pattern.
        let mut other = third;
        other.title = "羽绒服含绒量不足".into();
        assert!(signals(&[first, second, other], &[]).is_empty());
    }

    #[test]
    fn malicious_flags_need_two_merchants() {
        let flag = |case_id: i32, merchant_id: i32| MaliciousFlag {
            case_id,
            merchant_id,
            at: at(case_id as u32),
        };
        assert!(signals(&[], &[flag(1, 10)]).is_empty());
        assert!(signals(&[], &[flag(1, 10), flag(2, 10)]).is_empty());
        assert_eq!(
            signals(&[], &[flag(1, 10), flag(2, 11)]),
            vec![ScreeningSignal::MaliciousFlags]
        );
    }

    #[test]
    fn the_window_starts_after_a_cleared_decision() {
        let p = ScreeningParams::default();
        let now = at(20);
        assert_eq!(
            window_start(now, None, &p),
            now - chrono::Duration::days(90)
        );
        assert_eq!(window_start(now, Some(at(10)), &p), at(10));
        let fs: Vec<Filing> = (1..=5)
            .map(|i| filing(i, 10 + (i % 3), Demand::Punitive3x, TEXTS[i as usize]))
            .collect();
        assert_eq!(
            evaluate(&fs, &[], at(1) - chrono::Duration::days(1), &p).len(),
            1
        );
        // Cleared after the 3rd filing: only two count.
        assert!(evaluate(&fs, &[], at(3), &p).is_empty());
    }
}
