//! Working days (工作日) in Asia/Shanghai: Monday to Friday, minus public
//! holidays, plus the make-up working days (调休上班) the State Council
//! announces each year. Deadlines in Gongdao are counted in working days.
//!
//! A deadline of `n` working days from an instant ends at 24:00 Beijing time
//! of the n-th working day after that instant's local date: a complaint filed
//! on Friday afternoon with 2 working days to answer is due at the end of
//! Tuesday (or later, if holidays intervene).

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Utc, Weekday};

/// Beijing time; China has had no daylight saving since 1991.
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
}

/// The Beijing-time date of an instant.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&shanghai()).date_naive()
}

/// An instant shown to people: `2026-11-23 14:05`, Beijing time.
pub fn format_local(at: DateTime<Utc>) -> String {
    at.with_timezone(&shanghai())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A deadline shown to people: one that ends at midnight is written as
/// `2026-11-25 24:00` (the end of that day), not as 00:00 of the next.
pub fn format_deadline(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&shanghai());
    if local.format("%H:%M:%S").to_string() == "00:00:00" {
        let day = local.date_naive().pred_opt().unwrap_or(local.date_naive());
        return format!("{} 24:00", day.format("%Y-%m-%d"));
    }
    format_local(at)
}

named_enum! {
    /// Why a date is (not) a working day, as the admin's calendar records it.
    DayKind {
        /// A public holiday (or a weekend day inside a holiday block).
        Holiday = "holiday",
        /// A weekend day that is worked to make up for a holiday.
        Workday = "workday",
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkingCalendar {
    holidays: BTreeSet<NaiveDate>,
    makeup_workdays: BTreeSet<NaiveDate>,
}

impl WorkingCalendar {
    pub fn new(days: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Self {
        let mut c = WorkingCalendar::default();
        for (d, k) in days {
            match k {
                DayKind::Holiday => c.holidays.insert(d),
                DayKind::Workday => c.makeup_workdays.insert(d),
            };
        }
        c
    }

    /// The official 2025 and 2026 calendars (国务院办公厅 notices).
    pub fn official() -> Self {
        Self::new(official_days())
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.makeup_workdays.contains(&d) {
            return true;
        }
        if self.holidays.contains(&d) {
            return false;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The n-th working day after `d` (n ≥ 1), or `d` itself for n = 0.
    pub fn nth_working_day_after(&self, d: NaiveDate, n: u32) -> NaiveDate {
        let mut day = d;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().unwrap_or(day);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// The deadline `n` working days after `from`: the end (24:00 Beijing
    /// time) of the n-th working day after `from`'s local date.
    pub fn deadline(&self, from: DateTime<Utc>, n: u32) -> DateTime<Utc> {
        let day = self.nth_working_day_after(local_date(from), n);
        end_of_local_day(day)
    }

    /// Working days from `now` until `deadline`, counting today when it is a
    /// working day and not over; 0 once the deadline has passed.
    pub fn working_days_left(&self, now: DateTime<Utc>, deadline: DateTime<Utc>) -> u32 {
        if now >= deadline {
            return 0;
        }
        let (mut d, end) = (local_date(now), local_date(deadline - Duration::seconds(1)));
        let mut n = 0;
        while d <= end {
            if self.is_working_day(d) {
                n += 1;
            }
            d = match d.succ_opt() {
                Some(x) => x,
                None => break,
            };
        }
        n
    }

    /// Moves a deadline later by the working days a paused clock consumed:
    /// the working days from the pause's local date (inclusive) up to the
    /// resume's local date (exclusive).
    pub fn extend_for_pause(
        &self,
        deadline: DateTime<Utc>,
        paused: DateTime<Utc>,
        resumed: DateTime<Utc>,
    ) -> DateTime<Utc> {
        let (mut d, end) = (local_date(paused), local_date(resumed));
        let mut n = 0;
        while d < end {
            if self.is_working_day(d) {
                n += 1;
            }
            d = match d.succ_opt() {
                Some(x) => x,
                None => break,
            };
        }
        if n == 0 {
            return deadline;
        }
        self.deadline(deadline - Duration::seconds(1), n)
    }
}

/// 24:00 Beijing time at the end of `d`, in UTC.
pub fn end_of_local_day(d: NaiveDate) -> DateTime<Utc> {
    let next = d.succ_opt().unwrap_or(d);
    shanghai()
        .from_local_datetime(&next.and_hms_opt(0, 0, 0).unwrap_or_default())
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn span(y: i32, m: u32, from: u32, to: u32) -> impl Iterator<Item = (NaiveDate, DayKind)> {
    (from..=to).map(move |d| (date(y, m, d), DayKind::Holiday))
}

/// The public holidays and make-up working days of 2025 and 2026.
pub fn official_days() -> Vec<(NaiveDate, DayKind)> {
    let mut v: Vec<(NaiveDate, DayKind)> = Vec::new();
    // 2025 (国办发明电〔2024〕12号)
    v.extend(span(2025, 1, 1, 1));
    v.extend(span(2025, 1, 28, 31));
    v.extend(span(2025, 2, 1, 4));
    v.extend(span(2025, 4, 4, 6));
    v.extend(span(2025, 5, 1, 5));
    v.extend(span(2025, 5, 31, 31));
    v.extend(span(2025, 6, 1, 2));
    v.extend(span(2025, 10, 1, 8));
    for (m, d) in [(1, 26), (2, 8), (4, 27), (9, 28), (10, 11)] {
        v.push((date(2025, m, d), DayKind::Workday));
    }
    // 2026 (国办发明电〔2025〕7号)
    v.extend(span(2026, 1, 1, 3));
    v.extend(span(2026, 2, 15, 23));
    v.extend(span(2026, 4, 4, 6));
    v.extend(span(2026, 5, 1, 5));
    v.extend(span(2026, 6, 19, 21));
    v.extend(span(2026, 9, 25, 27));
    v.extend(span(2026, 10, 1, 7));
    for (m, d) in [(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)] {
        v.push((date(2026, m, d), DayKind::Workday));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn midnight_deadlines_read_as_the_end_of_the_day() {
        assert_eq!(
            format_deadline(at("2026-11-24T16:00:00Z")),
            "2026-11-24 24:00"
        );
        assert_eq!(
            format_deadline(at("2026-11-24T06:30:00Z")),
            "2026-11-24 14:30"
        );
    }

    #[test]
    fn weekends_holidays_and_makeup_days() {
        let c = WorkingCalendar::official();
        assert!(c.is_working_day(date(2026, 11, 23)), "a Monday");
        assert!(!c.is_working_day(date(2026, 11, 22)), "a Sunday");
        assert!(!c.is_working_day(date(2026, 10, 5)), "National Day");
        assert!(c.is_working_day(date(2026, 10, 10)), "make-up Saturday");
        assert!(
            c.is_working_day(date(2026, 2, 14)),
            "make-up Saturday before Spring Festival"
        );
        assert!(!c.is_working_day(date(2026, 2, 16)), "Spring Festival");
        assert!(!c.is_working_day(date(2025, 1, 29)), "Spring Festival 2025");
        assert!(c.is_working_day(date(2025, 1, 26)), "make-up Sunday 2025");
    }

    #[test]
    fn deadlines_count_working_days_in_beijing_time() {
        let c = WorkingCalendar::official();
        // Friday 2026-11-20 15:00 Beijing → 2 working days → end of Tuesday 11-24.
        assert_eq!(
            c.deadline(at("2026-11-20T07:00:00Z"), 2),
            at("2026-11-24T16:00:00Z")
        );
        // 15:30 UTC is 23:30 Beijing: still Friday.
        assert_eq!(
            c.deadline(at("2026-11-20T15:30:00Z"), 2),
            at("2026-11-24T16:00:00Z")
        );
        // 16:30 UTC on Friday is 00:30 Saturday in Beijing: counts from Saturday.
        assert_eq!(
            c.deadline(at("2026-11-20T16:30:00Z"), 2),
            at("2026-11-24T16:00:00Z")
        );
        // Across National Day 2026: Tuesday 09-29 + 2 → 09-30, then 10-08.
        assert_eq!(
            c.deadline(at("2026-09-29T02:00:00Z"), 2),
            at("2026-10-08T16:00:00Z")
        );
        // Across Spring Festival 2026: Friday 02-13 + 1 → make-up Saturday 02-14.
        assert_eq!(
            c.deadline(at("2026-02-13T02:00:00Z"), 1),
            at("2026-02-14T16:00:00Z")
        );
        // + 2 → after the 15..23 holiday, Tuesday 02-24.
        assert_eq!(
            c.deadline(at("2026-02-13T02:00:00Z"), 2),
            at("2026-02-24T16:00:00Z")
        );
        // Across the 2025/2026 new year: Wednesday 2025-12-31 + 1 → Sunday 2026-01-04 (make-up).
        assert_eq!(
            c.deadline(at("2025-12-31T02:00:00Z"), 1),
            at("2026-01-04T16:00:00Z")
        );
        // 10 working days from Monday 2026-04-27 crosses Labour Day: → 2026-05-13.
        assert_eq!(
            c.deadline(at("2026-04-27T02:00:00Z"), 10),
            at("2026-05-13T16:00:00Z")
        );
    }

    #[test]
    fn days_left_counts_today_until_the_deadline() {
        let c = WorkingCalendar::official();
        let due = at("2026-11-24T16:00:00Z"); // end of Tuesday
        assert_eq!(c.working_days_left(at("2026-11-23T01:00:00Z"), due), 2);
        assert_eq!(
            c.working_days_left(at("2026-11-21T01:00:00Z"), due),
            2,
            "from Saturday"
        );
        assert_eq!(c.working_days_left(at("2026-11-24T15:59:00Z"), due), 1);
        assert_eq!(c.working_days_left(at("2026-11-24T16:00:00Z"), due), 0);
    }

    #[test]
    fn a_pause_moves_the_deadline_by_the_working_days_it_took() {
        let c = WorkingCalendar::official();
        let due = at("2026-11-24T16:00:00Z"); // end of Tuesday 11-24
        // Paused Monday 11-23, resumed Wednesday 11-25: Monday and Tuesday consumed.
        let moved = c.extend_for_pause(due, at("2026-11-23T02:00:00Z"), at("2026-11-25T02:00:00Z"));
        assert_eq!(moved, at("2026-11-26T16:00:00Z"));
        // Paused and resumed the same day: nothing consumed.
        assert_eq!(
            c.extend_for_pause(due, at("2026-11-23T02:00:00Z"), at("2026-11-23T05:00:00Z")),
            due
        );
    }
}
