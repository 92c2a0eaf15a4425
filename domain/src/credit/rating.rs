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
use crate::input;

/// A follow-up review is possible this many days after the rating.
pub const FOLLOW_UP_DAYS: i64 = 90;
/// The longest rating or follow-up text, in characters.
pub const TEXT_MAX: usize = 2000;
/// The longest reason a regulator gives for hiding a rating.
pub const HIDE_REASON_MAX: usize = 2000;

/// Who wrote a rating. There is at most one of each per case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// A rating as it arrives (`POST /api/v1/cases/{id}/ratings`): the
/// consumer's stars and text, or the merchant's text and malicious flag.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingInput {
    /// 1–5: required of the consumer; the merchant gives none.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub stars: Option<i32>,
    /// Optional for the consumer, required of the merchant (at most 2,000 characters).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub text: Option<String>,
    /// Merchant only: the complaint was malicious (every regulator is told).
    #[serde(default)]
    pub flag_malicious: Option<bool>,
}

/// A rating the rules accept for its side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    pub stars: Option<i32>,
    pub text: String,
    pub flag_malicious: bool,
}

impl RatingInput {
    /// The rating form's fields as the browser sends them.
    pub fn from_form(
        stars: Option<&str>,
        text: Option<&str>,
        flag_malicious: Option<&str>,
    ) -> Result<Self, AppError> {
        Ok(RatingInput {
            stars: input::whole(stars, "stars")
                .map_err(|_| AppError::invalid("stars", "err.rating.stars"))?,
            text: text.map(str::to_string),
            flag_malicious: input::flag(flag_malicious, "flag_malicious")?,
        })
    }

    /// The consumer gives 1–5 stars and may write; the merchant gives no
    /// stars, must write (its text is the rating and the grounds of a
    /// malicious-complaint flag) and alone may flag.
    pub fn check(&self, side: RatingSide) -> Result<Rating, AppError> {
        let flag = self.flag_malicious.unwrap_or(false);
        match side {
            RatingSide::Consumer => {
                if flag {
                    return Err(AppError::invalid(
                        "flag_malicious",
                        "err.rating.flag_merchant_only",
                    ));
                }
                let stars = input::required(self.stars, "stars")?;
                if !(1..=5).contains(&stars) {
                    return Err(AppError::invalid("stars", "err.rating.stars"));
                }
                Ok(Rating {
                    stars: Some(stars),
                    text: input::text(self.text.as_deref(), "text", TEXT_MAX)?.unwrap_or_default(),
                    flag_malicious: false,
                })
            }
            RatingSide::Merchant => {
                if self.stars.is_some() {
                    return Err(AppError::invalid("stars", "err.rating.stars_consumer_only"));
                }
                Ok(Rating {
                    stars: None,
                    text: input::required_text(self.text.as_deref(), "text", TEXT_MAX)?,
                    flag_malicious: flag,
                })
            }
        }
    }
}

/// A follow-up review (追评) as it arrives: its text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpInput {
    /// At most 2,000 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub text: String,
}

impl FollowUpInput {
    pub fn check(&self) -> Result<String, AppError> {
        input::required_text(Some(&self.text), "text", TEXT_MAX)
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
    fn each_side_rates_by_its_own_rules() {
        let consumer = |stars: Option<i32>, text: &str, flag: Option<bool>| {
            RatingInput {
                stars,
                text: Some(text.into()),
                flag_malicious: flag,
            }
            .check(RatingSide::Consumer)
        };
        assert_eq!(
            consumer(Some(5), "  好 ", None),
            Ok(Rating {
                stars: Some(5),
                text: "好".into(),
                flag_malicious: false
            })
        );
        assert_eq!(
            consumer(Some(1), "", Some(false)).map(|r| r.text),
            Ok(String::new())
        );
        for bad in [0, 6, -1] {
            assert_eq!(
                consumer(Some(bad), "", None),
                Err(AppError::invalid("stars", "err.rating.stars")),
                "{bad}"
            );
        }
        assert_eq!(
            consumer(None, "", None),
            Err(AppError::invalid("stars", "err.required"))
        );
        assert_eq!(
            consumer(Some(3), "", Some(true)),
            Err(AppError::invalid(
                "flag_malicious",
                "err.rating.flag_merchant_only"
            ))
        );
        assert_eq!(
            consumer(Some(3), &"长".repeat(TEXT_MAX + 1), None),
            Err(AppError::invalid("text", "err.text_too_long"))
        );
        let merchant = |stars: Option<i32>, text: &str| {
            RatingInput {
                stars,
                text: Some(text.into()),
                flag_malicious: Some(true),
            }
            .check(RatingSide::Merchant)
        };
        assert_eq!(
            merchant(None, "恶意索赔").map(|r| r.flag_malicious),
            Ok(true)
        );
        assert_eq!(
            merchant(None, " "),
            Err(AppError::invalid("text", "err.required"))
        );
        assert_eq!(
            merchant(Some(4), "x"),
            Err(AppError::invalid("stars", "err.rating.stars_consumer_only"))
        );
    }

    #[test]
    fn rating_forms_parse_or_name_the_field() {
        let f = RatingInput::from_form(Some(" 4 "), Some("ok"), Some("on")).unwrap();
        assert_eq!((f.stars, f.flag_malicious), (Some(4), Some(true)));
        assert_eq!(
            RatingInput::from_form(Some("2.5"), None, None),
            Err(AppError::invalid("stars", "err.rating.stars"))
        );
        assert_eq!(
            RatingInput::from_form(None, None, Some("maybe")),
            Err(AppError::invalid("flag_malicious", "err.true_or_false"))
        );
        assert_eq!(
            FollowUpInput { text: " ".into() }.check(),
            Err(AppError::invalid("text", "err.required"))
        );
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
