//! Mutual ratings (信用互评): once a case is over, its consumer rates how the
//! merchant handled it (1–5 stars and a text) and the merchant may rate the
//! case (a text, and a flag that the complaint was malicious, which goes to
//! the regulators). Each rating may get one follow-up review (追评) by its
//! author within [`FOLLOW_UP_DAYS`] days. Nobody deletes a rating; only a
//! regulator hides one, for a stated legal reason that is shown in its place.
//!
//! The rules here are pure: the values as typed in, and the time as `now`.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::cases::Status;

/// A follow-up review is possible this many days after the rating.
pub const FOLLOW_UP_DAYS: i64 = 90;
/// The longest rating or follow-up text, in characters.
pub const TEXT_MAX: usize = 2000;
/// The longest reason a regulator gives for hiding a rating.
pub const HIDE_REASON_MAX: usize = 2000;

/// Who wrote a rating. There is at most one of each per case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatingSide {
    /// The case's consumer rates the merchant's handling (public).
    Consumer,
    /// The merchant's account holder rates the case (its parties and staff see it).
    Merchant,
}

impl RatingSide {
    pub fn as_str(self) -> &'static str {
        match self {
            RatingSide::Consumer => "consumer",
            RatingSide::Merchant => "merchant",
        }
    }

    pub fn parse(s: &str) -> Option<RatingSide> {
        match s.trim() {
            "consumer" => Some(RatingSide::Consumer),
            "merchant" => Some(RatingSide::Merchant),
            _ => None,
        }
    }
}

/// A rating as its reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingView {
    pub id: i32,
    pub case_id: i32,
    pub case_number: String,
    pub merchant_id: i32,
    pub side: RatingSide,
    /// The consumer's name masked (张*), or the merchant's business name.
    pub author_name: String,
    /// 1–5 on the consumer's side; none on the merchant's.
    pub stars: Option<i32>,
    /// The merchant says the complaint was malicious (the regulators review it).
    pub flag_malicious: bool,
    /// `None` while hidden (the reason below is shown in its place), except
    /// to regulators, admins and the author.
    pub text: Option<String>,
    pub follow_up_text: Option<String>,
    pub follow_up_at: Option<DateTime<Utc>>,
    /// When a regulator hid it, and why (shown publicly).
    pub hidden_at: Option<DateTime<Utc>>,
    pub hidden_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// May a rating be written on a case in `status`? Ratings come once the case
/// is over: `closed`, or `withdrawn`. A consumer's rating of a withdrawn
/// case needs the merchant to have answered it — otherwise there was no
/// handling to rate, and filing and withdrawing at once would let anyone
/// rate any merchant. The merchant may rate (flag) any withdrawn complaint.
pub fn may_rate(status: Status, side: RatingSide, merchant_responded: bool) -> bool {
    match status {
        Status::Closed => true,
        Status::Withdrawn => side == RatingSide::Merchant || merchant_responded,
        _ => false,
    }
}

/// The stars as typed: a whole number 1–5.
pub fn parse_stars(v: Option<&str>) -> Result<i32, AppError> {
    let t = v.map(str::trim).unwrap_or("");
    if t.is_empty() {
        return Err(AppError::invalid("stars", "err.required"));
    }
    match t.parse::<i32>() {
        Ok(n) if (1..=5).contains(&n) => Ok(n),
        _ => Err(AppError::invalid("stars", "err.rating.stars")),
    }
}

/// A yes/no field as typed (JSON `true`/`false`, or a checkbox's `on`).
pub fn parse_flag(v: Option<&str>, field: &str) -> Result<bool, AppError> {
    match v.map(str::trim).unwrap_or("") {
        "" | "false" | "off" | "0" => Ok(false),
        "true" | "on" | "1" => Ok(true),
        _ => Err(AppError::invalid(field, "err.rating.flag")),
    }
}

/// A text of at most `max` characters, trimmed; empty is refused when `required`.
pub fn parse_text(
    v: Option<&str>,
    field: &str,
    max: usize,
    required: bool,
) -> Result<String, AppError> {
    if required {
        crate::input::required_text(v, field, max)
    } else {
        Ok(crate::input::text(v, field, max)?.unwrap_or_default())
    }
}

/// The last instant a follow-up to a rating written at `rated_at` is accepted.
pub fn follow_up_until(rated_at: DateTime<Utc>) -> DateTime<Utc> {
    rated_at + Duration::days(FOLLOW_UP_DAYS)
}

#[cfg(test)]
mod rating_tests {
    use super::*;

    #[test]
    fn ratings_wait_for_the_end_of_the_case() {
        for s in Status::ALL {
            let over = matches!(s, Status::Closed | Status::Withdrawn);
            assert_eq!(may_rate(*s, RatingSide::Merchant, true), over, "{s:?}");
        }
        assert!(may_rate(Status::Closed, RatingSide::Consumer, false));
        assert!(!may_rate(Status::Withdrawn, RatingSide::Consumer, false));
        assert!(may_rate(Status::Withdrawn, RatingSide::Consumer, true));
        assert!(may_rate(Status::Withdrawn, RatingSide::Merchant, false));
    }

    #[test]
    fn stars_are_one_to_five() {
        assert_eq!(parse_stars(Some(" 5 ")), Ok(5));
        assert_eq!(parse_stars(Some("1")), Ok(1));
        for bad in ["0", "6", "x", "2.5", "-1"] {
            assert_eq!(
                parse_stars(Some(bad)),
                Err(AppError::invalid("stars", "err.rating.stars")),
                "{bad}"
            );
        }
        assert_eq!(
            parse_stars(None),
            Err(AppError::invalid("stars", "err.required"))
        );
    }

    #[test]
    fn flags_and_texts() {
        assert_eq!(parse_flag(Some("on"), "f"), Ok(true));
        assert_eq!(parse_flag(None, "f"), Ok(false));
        assert!(parse_flag(Some("maybe"), "f").is_err());
        assert_eq!(parse_text(Some("  好 "), "text", 5, true), Ok("好".into()));
        assert_eq!(parse_text(None, "text", 5, false), Ok(String::new()));
        assert!(parse_text(Some(" "), "text", 5, true).is_err());
        assert!(parse_text(Some("一二三四五六"), "text", 5, false).is_err());
    }

    #[test]
    fn follow_ups_close_after_ninety_days() {
        let at: DateTime<Utc> = "2026-11-23T02:00:00Z".parse().unwrap();
        assert_eq!(
            follow_up_until(at),
            "2027-02-21T02:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(RatingSide::parse("merchant"), Some(RatingSide::Merchant));
        assert_eq!(RatingSide::Consumer.as_str(), "consumer");
    }
}
