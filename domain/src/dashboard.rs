//! The regulators' and fund administrators' dashboard (监管数据看板): its
//! filters (checked once here), the pure parts of its figures — bucketing
//! instants into Beijing weeks and months, medians, shares — and the view
//! the API and the page show. The services read the cases, their trails and
//! the fund's ledger and fold them with [`Tally`].

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::calendar::local_date;
use crate::cases::Category;

/// The range shown when none is asked for: the last 12 weeks.
pub const DEFAULT_WEEKS: i64 = 12;
/// The longest range accepted, in days (about two years).
pub const MAX_RANGE_DAYS: i64 = 732;
/// How many merchants the top list shows.
pub const TOP_MERCHANTS: usize = 10;

/// The filters as the query string or the form gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct DashboardParams {
    /// First day (Beijing date, `YYYY-MM-DD`); default 12 weeks before `to`.
    #[cfg_attr(feature = "openapi", param(value_type = Option<chrono::NaiveDate>))]
    pub from: Option<String>,
    /// Last day (Beijing date), not before `from`, at most 732 days after it; default today.
    #[cfg_attr(feature = "openapi", param(value_type = Option<chrono::NaiveDate>))]
    pub to: Option<String>,
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::cases::Category>, inline))]
    pub category: Option<String>,
    /// The merchant's province, as registered (e.g. `北京市`).
    #[cfg_attr(feature = "openapi", param(max_length = 50))]
    pub province: Option<String>,
}

/// Checked filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DashboardFilter {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// A `cases::Category` name.
    pub category: Option<String>,
    pub province: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl DashboardParams {
    /// Checks every filter against `today` (Beijing); the first wrong one is
    /// named in the error.
    pub fn parse(&self, today: NaiveDate) -> Result<DashboardFilter, AppError> {
        let from = crate::input::date(self.from.as_deref(), "from")?;
        let to = crate::input::date(self.to.as_deref(), "to")?.unwrap_or(today);
        let from = from.unwrap_or(to - Duration::weeks(DEFAULT_WEEKS) + Duration::days(1));
        if from > to {
            return Err(AppError::invalid("to", "err.search.date_order"));
        }
        if (to - from).num_days() > MAX_RANGE_DAYS {
            return Err(AppError::invalid("from", "err.dashboard.range_too_long"));
        }
        let category = match given(&self.category) {
            None => None,
            Some(c) if Category::parse(c).is_some() => Some(c.to_string()),
            Some(_) => return Err(AppError::invalid("category", "err.category_unknown")),
        };
        let province = match given(&self.province) {
            None => None,
            Some(p) if p.chars().count() <= crate::search::MAX_PROVINCE_CHARS => {
                Some(p.to_string())
            }
            Some(_) => return Err(AppError::invalid("province", "err.text_too_long")),
        };
        Ok(DashboardFilter {
            from,
            to,
            category,
            province,
        })
    }
}

impl DashboardFilter {
    /// The query string that gives these filters back (for links).
    pub fn query(&self) -> String {
        let mut q = format!("from={}&to={}", self.from, self.to);
        if let Some(c) = &self.category {
            q.push_str(&format!("&category={c}"));
        }
        if let Some(p) = &self.province {
            q.push_str(&format!("&province={}", urlencode(p)));
        }
        q
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The Monday of the Beijing week `d` is in.
pub fn week_start(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// The Mondays of every week that meets `from..=to`, in order.
pub fn weeks(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = vec![];
    let mut w = week_start(from);
    while w <= to {
        out.push(w);
        w += Duration::weeks(1);
    }
    out
}

/// `2026-11`: the Beijing month of a date.
pub fn month_key(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// Every month that meets `from..=to`, in order.
pub fn months(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let mut out = vec![];
    let (mut y, mut m) = (from.year(), from.month());
    while (y, m) <= (to.year(), to.month()) {
        out.push(format!("{y:04}-{m:02}"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// The median of `values` (the mean of the middle two, rounded down, for an
/// even count); `None` for none.
pub fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]).div_euclid(2)
    })
}

/// `part` of `whole` in per mille (‰), rounded down; `None` when `whole` is 0.
pub fn share_permille(part: u64, whole: u64) -> Option<u64> {
    (whole > 0).then(|| part * 1000 / whole)
}

/// `‰` as a percentage for people: `667` → `66.7%`.
pub fn format_permille(p: u64) -> String {
    format!("{}.{}%", p / 10, p % 10)
}

/// A count under a name (a category, province, outcome, week or month).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Count {
    pub key: String,
    pub count: u64,
}

/// A merchant and its complaints in the range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MerchantCount {
    pub merchant_id: i32,
    pub name: String,
    pub province: String,
    pub count: u64,
}

/// The fund's movements of one Beijing month, in fen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FundMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// First compensation approved (payouts).
    pub paid_fen: i64,
    /// Recovered from merchants (recoveries and repayments, less those undone).
    pub recovered_fen: i64,
    pub written_off_fen: i64,
}

/// The case figures of the range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseFigures {
    /// Complaints filed in the range.
    pub total: u64,
    /// Per week (`key`: its Monday), every week of the range.
    pub weekly: Vec<Count>,
    /// Per `cases::Category`, most first.
    pub by_category: Vec<Count>,
    /// Per merchant province, most first.
    pub by_province: Vec<Count>,
    /// How the cases stand: a `cases::Outcome` for closed cases,
    /// `withdrawn`, or `open`; most first.
    pub by_outcome: Vec<Count>,
    /// Median time from filing to the merchant's first response, in
    /// minutes (cases answered).
    pub first_response_median_minutes: Option<i64>,
    /// Median time from filing to closing, in minutes (closed cases).
    pub resolution_median_minutes: Option<i64>,
    /// Stage deadlines that have come due (the merchant's first response,
    /// the arbitration decision) and how many were met.
    pub deadlines_due: u64,
    pub deadlines_met: u64,
    pub deadlines_met_permille: Option<u64>,
    /// The merchants with the most complaints (by count: the platform does
    /// not know their order volumes).
    pub top_merchants: Vec<MerchantCount>,
}

/// The home page's live figures, public and over all time: cases closed
/// (resolved), the median time from filing to closing, and what the fund has
/// paid in first compensation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicFigures {
    /// Cases closed (withdrawn ones are not resolved).
    pub cases_resolved: u64,
    /// Median time from filing to closing, in minutes; none before the first.
    pub resolution_median_minutes: Option<i64>,
    /// First compensation paid by the fund (payouts), in fen.
    pub fund_paid_fen: i64,
}

/// The dashboard as one reader sees it: fund administrators get the fund
/// figures only (`cases` absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DashboardView {
    pub filter: DashboardFilter,
    pub cases: Option<CaseFigures>,
    /// Every month of the range (the date range applies; category and
    /// province do not).
    pub fund: Vec<FundMonth>,
    /// The provinces merchants are registered in, for the filter.
    pub provinces: Vec<String>,
}

/// One case as the dashboard counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFact {
    pub filed_at: DateTime<Utc>,
    pub category: String,
    pub merchant_id: i32,
    pub province: String,
    /// `Outcome` name, `withdrawn` or `open`.
    pub outcome: String,
    pub responded_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Stage deadlines come due, and met.
    pub deadlines_due: u64,
    pub deadlines_met: u64,
}

impl CaseFact {
    /// The deadlines of `case` that have come due by `now`: the merchant's
    /// first response (`Case::first_response_in_time`; not for a case the
    /// consumer withdrew before any answer) and, once reached, the
    /// arbitration decision (met: decided and never marked overdue).
    pub fn deadlines(case: &crate::cases::Case, now: DateTime<Utc>) -> (u64, u64) {
        let mut due = 0;
        let mut met = 0;
        let withdrawn_unanswered =
            case.status == crate::cases::Status::Withdrawn && !case.merchant_responded;
        if let Some(ok) = case
            .first_response_in_time(now)
            .filter(|_| !withdrawn_unanswered)
        {
            due += 1;
            met += u64::from(ok);
        }
        if case.decision_overdue_at.is_some() {
            due += 1;
        } else if case.decision.is_some() {
            due += 1;
            met += 1;
        }
        (due, met)
    }

    /// How the case stands for the outcome figure.
    pub fn outcome_of(case: &crate::cases::Case) -> String {
        match case.outcome() {
            Some(o) => o.as_str().into(),
            None if case.status == crate::cases::Status::Withdrawn => "withdrawn".into(),
            None => "open".into(),
        }
    }
}

/// The case figures, folded one case at a time (the services read the
/// cases page by page).
#[derive(Debug, Clone, Default)]
pub struct Tally {
    weekly: HashMap<NaiveDate, u64>,
    category: HashMap<String, u64>,
    province: HashMap<String, u64>,
    outcome: HashMap<String, u64>,
    merchant: HashMap<i32, u64>,
    response: Vec<i64>,
    resolution: Vec<i64>,
    due: u64,
    met: u64,
    total: u64,
}

fn sorted(m: HashMap<String, u64>) -> Vec<Count> {
    let mut v: Vec<Count> = m
        .into_iter()
        .map(|(key, count)| Count { key, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    v
}

impl Tally {
    pub fn add(&mut self, c: &CaseFact) {
        self.total += 1;
        *self
            .weekly
            .entry(week_start(local_date(c.filed_at)))
            .or_default() += 1;
        *self.category.entry(c.category.clone()).or_default() += 1;
        *self.province.entry(c.province.clone()).or_default() += 1;
        *self.outcome.entry(c.outcome.clone()).or_default() += 1;
        *self.merchant.entry(c.merchant_id).or_default() += 1;
        if let Some(r) = c.responded_at {
            self.response.push((r - c.filed_at).num_minutes().max(0));
        }
        if let Some(r) = c.closed_at {
            self.resolution.push((r - c.filed_at).num_minutes().max(0));
        }
        self.due += c.deadlines_due;
        self.met += c.deadlines_met;
    }

    /// The merchants most complained about, most first (ties: lower id
    /// first), at most [`TOP_MERCHANTS`].
    pub fn top_merchants(&self) -> Vec<(i32, u64)> {
        let mut v: Vec<(i32, u64)> = self.merchant.iter().map(|(k, n)| (*k, *n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(TOP_MERCHANTS);
        v
    }

    /// The figures over `filter`'s weeks; `top` the merchants named.
    pub fn finish(mut self, filter: &DashboardFilter, top: Vec<MerchantCount>) -> CaseFigures {
        let weekly = weeks(filter.from, filter.to)
            .into_iter()
            .map(|w| Count {
                key: w.to_string(),
                count: self.weekly.get(&w).copied().unwrap_or(0),
            })
            .collect();
        CaseFigures {
            total: self.total,
            weekly,
            by_category: sorted(std::mem::take(&mut self.category)),
            by_province: sorted(std::mem::take(&mut self.province)),
            by_outcome: sorted(std::mem::take(&mut self.outcome)),
            first_response_median_minutes: median(&mut self.response),
            resolution_median_minutes: median(&mut self.resolution),
            deadlines_due: self.due,
            deadlines_met: self.met,
            deadlines_met_permille: share_permille(self.met, self.due),
            top_merchants: top,
        }
    }
}

/// Folds ledger entries (kind, when, amount) into the fund's months of
/// `from..=to`: payouts are paid; recoveries and repayments, less their
/// reversals and refunds, recovered; write-offs written off.
pub fn fund_months(
    from: NaiveDate,
    to: NaiveDate,
    entries: impl IntoIterator<Item = (String, DateTime<Utc>, i64)>,
) -> Vec<FundMonth> {
    use crate::fund::EntryKind as K;
    let mut months: Vec<FundMonth> = months(from, to)
        .into_iter()
        .map(|month| FundMonth {
            month,
            paid_fen: 0,
            recovered_fen: 0,
            written_off_fen: 0,
        })
        .collect();
    for (kind, at, amount) in entries {
        let key = month_key(local_date(at));
        let Some(m) = months.iter_mut().find(|m| m.month == key) else {
            continue;
        };
        match K::parse(&kind) {
            Some(K::Payout) => m.paid_fen += amount,
            Some(K::Recovery | K::Repayment) => m.recovered_fen += amount,
            Some(K::RecoveryReversal | K::RepaymentRefund) => m.recovered_fen -= amount,
            Some(K::WriteOff) => m.written_off_fen += amount,
            _ => {}
        }
    }
    months
}

/// Minutes for people: hours with one decimal (`1.5`).
pub fn minutes_as_hours(m: i64) -> String {
    format!("{}.{}", m / 60, (m % 60) * 10 / 60)
}

/// Minutes for people: days with one decimal.
pub fn minutes_as_days(m: i64) -> String {
    let tenths = m * 10 / 1440;
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn p(from: &str, to: &str) -> DashboardParams {
        DashboardParams {
            from: Some(from.into()),
            to: Some(to.into()),
            ..Default::default()
        }
    }

    #[test]
    fn the_default_range_is_twelve_weeks_to_today() {
        let f = DashboardParams::default().parse(d("2026-12-07")).unwrap();
        assert_eq!(f.to, d("2026-12-07"));
        assert_eq!(f.from, d("2026-09-15"));
        assert_eq!((f.to - f.from).num_days(), 83);
    }

    #[test]
    fn bad_ranges_name_their_field() {
        let today = d("2026-12-07");
        assert_eq!(
            p("2026-12-01", "2026-11-01").parse(today).unwrap_err(),
            AppError::invalid("to", "err.search.date_order")
        );
        assert_eq!(
            p("2023-01-01", "2026-11-01").parse(today).unwrap_err(),
            AppError::invalid("from", "err.dashboard.range_too_long")
        );
        assert_eq!(
            p("2026-13-01", "2026-11-01").parse(today).unwrap_err(),
            AppError::invalid("from", "err.date_invalid")
        );
        let mut bad = p("2026-11-01", "2026-12-01");
        bad.category = Some("nonsense".into());
        assert_eq!(
            bad.parse(today).unwrap_err(),
            AppError::invalid("category", "err.category_unknown")
        );
        let mut ok = p("2024-12-01", "2026-12-01");
        ok.category = Some(" quality ".into());
        ok.province = Some("北京市".into());
        let f = ok.parse(today).unwrap();
        assert_eq!(f.category.as_deref(), Some("quality"));
        assert_eq!(
            f.query(),
            "from=2024-12-01&to=2026-12-01&category=quality&province=%E5%8C%97%E4%BA%AC%E5%B8%82"
        );
    }

    #[test]
    fn weeks_start_on_beijing_mondays() {
        // 2026-11-30 is a Monday.
        assert_eq!(week_start(d("2026-12-06")), d("2026-11-30"));
        assert_eq!(week_start(d("2026-11-30")), d("2026-11-30"));
        assert_eq!(
            weeks(d("2026-11-25"), d("2026-12-07")),
            vec![d("2026-11-23"), d("2026-11-30"), d("2026-12-07")]
        );
        // Sunday 23:30 UTC is Monday 07:30 in Beijing: next week.
        let mut t = Tally::default();
        let at: DateTime<Utc> = "2026-11-29T23:30:00Z".parse().unwrap();
        t.add(&fact(at));
        let f = DashboardFilter {
            from: d("2026-11-23"),
            to: d("2026-12-06"),
            category: None,
            province: None,
        };
        let figures = t.finish(&f, vec![]);
        assert_eq!(
            figures.weekly,
            vec![
                Count {
                    key: "2026-11-23".into(),
                    count: 0
                },
                Count {
                    key: "2026-11-30".into(),
                    count: 1
                }
            ]
        );
    }

    fn fact(at: DateTime<Utc>) -> CaseFact {
        CaseFact {
            filed_at: at,
            category: "quality".into(),
            merchant_id: 1,
            province: "北京市".into(),
            outcome: "open".into(),
            responded_at: None,
            closed_at: None,
            deadlines_due: 1,
            deadlines_met: 0,
        }
    }

    #[test]
    fn months_cross_the_year() {
        assert_eq!(
            months(d("2025-11-30"), d("2026-01-01")),
            vec!["2025-11", "2025-12", "2026-01"]
        );
        // 2026-11-30 20:00 UTC is 1 December in Beijing.
        let at: DateTime<Utc> = "2026-11-30T20:00:00Z".parse().unwrap();
        let m = fund_months(
            d("2026-11-01"),
            d("2026-12-31"),
            [
                ("payout".to_string(), at, 500),
                ("recovery".to_string(), at, 300),
                ("recovery_reversal".to_string(), at, 100),
                ("write_off".to_string(), at, 200),
                ("fund_top_up".to_string(), at, 9999),
            ],
        );
        assert_eq!(m[0].paid_fen, 0);
        assert_eq!(
            m[1],
            FundMonth {
                month: "2026-12".into(),
                paid_fen: 500,
                recovered_fen: 200,
                written_off_fen: 200
            }
        );
    }

    #[test]
    fn medians_and_shares() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5]), Some(5));
        assert_eq!(median(&mut [9, 1, 5]), Some(5));
        assert_eq!(median(&mut [4, 1, 2, 9]), Some(3));
        assert_eq!(share_permille(2, 3), Some(666));
        assert_eq!(share_permille(0, 0), None);
        assert_eq!(format_permille(666), "66.6%");
        assert_eq!(minutes_as_hours(90), "1.5");
        assert_eq!(minutes_as_days(2160), "1.5");
    }
}
