//! Red and black lists (红黑名单): the published criteria by which the
//! system proposes a merchant for a list. A regulator then confirms or
//! refuses each proposal with reasons; only confirmed entries are public.
//!
//! Pure: the facts and `now` come in, a proposal (the list and the reasons,
//! as i18n keys) comes out. The criteria are in `method.md` (红黑名单 · Red
//! and black lists) and [`ListCriteria::default`].

use chrono::{DateTime, Duration, Months, Utc};
use serde::{Deserialize, Serialize};

use super::{CreditInputs, Severity};

/// Which list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    /// 红名单: trustworthy merchants, rewarded (a badge, a boost in search).
    Red,
    /// 黑名单: seriously untrustworthy merchants, restricted (a warning
    /// banner; new complaints go straight to mediation).
    Black,
}

impl ListKind {
    pub const ALL: &'static [ListKind] = &[ListKind::Red, ListKind::Black];

    pub fn as_str(self) -> &'static str {
        match self {
            ListKind::Red => "red",
            ListKind::Black => "black",
        }
    }

    pub fn parse(s: &str) -> Option<ListKind> {
        match s.trim() {
            "red" => Some(ListKind::Red),
            "black" => Some(ListKind::Black),
            _ => None,
        }
    }

    /// `lists.red` / `lists.black`: the list's name.
    pub fn label_key(self) -> &'static str {
        match self {
            ListKind::Red => "lists.red",
            ListKind::Black => "lists.black",
        }
    }
}

impl std::fmt::Display for ListKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an entry of a list stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ListStatus {
    /// Proposed by the system, waiting for a regulator.
    Proposed,
    /// Confirmed by a regulator: public, with its date and reasons.
    Confirmed,
    /// Refused by a regulator, with reasons; never public.
    Refused,
    /// No longer in force.
    Ended,
}

impl ListStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ListStatus::Proposed => "proposed",
            ListStatus::Confirmed => "confirmed",
            ListStatus::Refused => "refused",
            ListStatus::Ended => "ended",
        }
    }

    pub fn parse(s: &str) -> Option<ListStatus> {
        match s.trim() {
            "proposed" => Some(ListStatus::Proposed),
            "confirmed" => Some(ListStatus::Confirmed),
            "refused" => Some(ListStatus::Refused),
            "ended" => Some(ListStatus::Ended),
            _ => None,
        }
    }
}

/// The published criteria. `Default` is what Gongdao publishes (see
/// `method.md`); every number is meant to be positive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListCriteria {
    /// Red: the grade has been A+ without a break for at least this many
    /// months…
    pub red_a_plus_months: u32,
    /// …and the current credit commitment is signed (and the merchant is
    /// verified, has no serious or severe adverse record on display, no
    /// settlement or award left unhonoured in 12 months and owes the fund
    /// nothing: always required).
    pub red_requires_commitment: bool,
    /// Black: at least this many serious or severe adverse records
    /// (misconduct, broken commitments) on display…
    pub black_serious_records: u32,
    /// …or at least this many settlements or awards not honoured in 12
    /// months (多次未履行)…
    pub black_non_compliant_12m: u32,
    /// …or first compensation paid on its behalf and not recovered of more
    /// than this, in fen.
    pub black_fc_unrecovered_over_fen: i64,
    /// After a regulator refuses a proposal, the same list is not proposed
    /// again for the merchant for this many days.
    pub refused_cooloff_days: u32,
}

impl Default for ListCriteria {
    fn default() -> Self {
        ListCriteria {
            red_a_plus_months: 12,
            red_requires_commitment: true,
            black_serious_records: 1,
            black_non_compliant_12m: 3,
            black_fc_unrecovered_over_fen: 500_000, // ¥5,000
            refused_cooloff_days: 90,
        }
    }
}

/// Everything a proposal reads about one merchant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListFacts {
    /// Real-name verified (实名认证).
    pub verified: bool,
    /// The current standard credit commitment is signed and not broken.
    pub commitment_signed: bool,
    /// A+ without a break since (the merchant's `a_plus_since`); `None`
    /// unless the grade is A+ now.
    pub a_plus_since: Option<DateTime<Utc>>,
    /// Serious or severe adverse records (misconduct, broken commitments)
    /// on display and not repaired.
    pub serious_records: u32,
    /// Settlements or awards not honoured in the last 12 months.
    pub non_compliant_12m: u32,
    /// First compensation paid on the merchant's behalf and not yet
    /// recovered, in fen.
    pub fc_unrecovered_fen: i64,
    /// When a regulator last refused a red proposal for the merchant…
    pub red_refused_at: Option<DateTime<Utc>>,
    /// …and a black one.
    pub black_refused_at: Option<DateTime<Utc>>,
}

impl ListFacts {
    /// The facts the credit inputs hold at `now` (the refusals are the
    /// caller's to fill in).
    pub fn from_inputs(
        inputs: &CreditInputs,
        a_plus_since: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> ListFacts {
        ListFacts {
            verified: inputs.verified,
            commitment_signed: inputs.commitment_signed,
            a_plus_since,
            serious_records: inputs
                .records
                .iter()
                .filter(|r| {
                    r.kind.is_adverse_record()
                        && r.is_displayed(now)
                        && r.severity != Severity::Minor
                })
                .count() as u32,
            non_compliant_12m: inputs.non_compliant,
            fc_unrecovered_fen: inputs.fc_unrecovered_fen,
            red_refused_at: None,
            black_refused_at: None,
        }
    }
}

/// Reason keys, in the order a proposal lists them.
pub const REASON_SERIOUS_RECORD: &str = "lists.reason.serious_record";
pub const REASON_REPEATED_NON_COMPLIANCE: &str = "lists.reason.repeated_non_compliance";
pub const REASON_FC_UNRECOVERED: &str = "lists.reason.fc_unrecovered";
pub const REASON_A_PLUS: &str = "lists.reason.a_plus_12m";
pub const REASON_VERIFIED: &str = "lists.reason.verified";
pub const REASON_COMMITMENT: &str = "lists.reason.commitment_signed";
pub const REASON_NO_SERIOUS_RECORD: &str = "lists.reason.no_serious_record";
pub const REASON_COMPLIANT: &str = "lists.reason.compliant_12m";

/// The first instant at which the grade, A+ since `since`, has been A+ for
/// `months` months.
pub fn a_plus_anniversary(since: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    since
        .checked_add_months(Months::new(months))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// What the system proposes for a merchant at `now`: the black list when any
/// black criterion holds, else the red list when every red criterion holds,
/// else nothing — and nothing while a refusal of that list is younger than
/// `refused_cooloff_days`. The reasons are i18n keys (`lists.reason.*`).
/// The two lists exclude each other: every black criterion breaks a red one.
pub fn propose(
    facts: &ListFacts,
    now: DateTime<Utc>,
    criteria: &ListCriteria,
) -> Option<(ListKind, Vec<String>)> {
    let c = criteria;
    let cooled = |refused: Option<DateTime<Utc>>| {
        refused.is_none_or(|at| now >= at + Duration::days(i64::from(c.refused_cooloff_days)))
    };
    let mut black = vec![];
    if facts.serious_records >= c.black_serious_records.max(1) {
        black.push(REASON_SERIOUS_RECORD.to_string());
    }
    if facts.non_compliant_12m >= c.black_non_compliant_12m.max(1) {
        black.push(REASON_REPEATED_NON_COMPLIANCE.to_string());
    }
    if facts.fc_unrecovered_fen > c.black_fc_unrecovered_over_fen.max(0) {
        black.push(REASON_FC_UNRECOVERED.to_string());
    }
    if !black.is_empty() {
        return cooled(facts.black_refused_at).then_some((ListKind::Black, black));
    }
    let a_plus_long = facts
        .a_plus_since
        .is_some_and(|since| now >= a_plus_anniversary(since, c.red_a_plus_months));
    let red = a_plus_long
        && facts.verified
        && (facts.commitment_signed || !c.red_requires_commitment)
        && facts.serious_records == 0
        && facts.non_compliant_12m == 0
        && facts.fc_unrecovered_fen <= 0;
    if !red || !cooled(facts.red_refused_at) {
        return None;
    }
    let mut reasons = vec![REASON_A_PLUS, REASON_VERIFIED];
    if facts.commitment_signed {
        reasons.push(REASON_COMMITMENT);
    }
    reasons.extend([REASON_NO_SERIOUS_RECORD, REASON_COMPLIANT]);
    Some((
        ListKind::Red,
        reasons.into_iter().map(String::from).collect(),
    ))
}

/// A merchant's place on a list as its profile shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListBadge {
    pub entry_id: i32,
    /// Confirmed on.
    pub since: DateTime<Utc>,
    /// `lists.reason.*` keys.
    pub reasons: Vec<String>,
}

/// One entry of a published list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicListEntry {
    pub entry_id: i32,
    pub list: ListKind,
    pub merchant_id: i32,
    pub name: String,
    pub uscc: String,
    /// Confirmed on.
    pub since: DateTime<Utc>,
    /// When the system proposed it.
    pub proposed_at: DateTime<Utc>,
    /// `lists.reason.*` keys.
    pub reasons: Vec<String>,
    /// The regulator's reasons for confirming.
    pub decision_reason: Option<String>,
}

/// An entry as regulators see it (proposals, decisions).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListEntryView {
    pub id: i32,
    pub list: ListKind,
    pub status: ListStatus,
    pub merchant_id: i32,
    pub name: String,
    pub uscc: String,
    /// The merchant's grade now.
    pub credit_grade: Option<String>,
    pub reasons: Vec<String>,
    pub proposed_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    pub ends_at: Option<DateTime<Utc>>,
    /// Black-list proposals: until when the merchant may object, and what it said.
    #[serde(default)]
    pub objection_until: Option<DateTime<Utc>>,
    #[serde(default)]
    pub objection: Option<String>,
    #[serde(default)]
    pub objected_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credit::{DisplayPeriods, RecordInput, RecordKind};

    fn now() -> DateTime<Utc> {
        "2027-12-01T02:00:00Z".parse().unwrap()
    }

    /// A+ for exactly 12 months, verified, commitment signed, nothing adverse.
    fn exemplary() -> ListFacts {
        ListFacts {
            verified: true,
            commitment_signed: true,
            a_plus_since: Some("2026-12-01T02:00:00Z".parse().unwrap()),
            ..Default::default()
        }
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn proposals_follow_the_published_criteria() {
        let red_all = s(&[
            REASON_A_PLUS,
            REASON_VERIFIED,
            REASON_COMMITMENT,
            REASON_NO_SERIOUS_RECORD,
            REASON_COMPLIANT,
        ]);
        let second = Duration::seconds(1);
        let day = Duration::days(1);
        type Row = (&'static str, ListFacts, Option<(ListKind, Vec<String>)>);
        let rows: Vec<Row> = vec![
            ("nothing known", ListFacts::default(), None),
            (
                "A+ for exactly 12 months: red",
                exemplary(),
                Some((ListKind::Red, red_all.clone())),
            ),
            (
                "A+ one second short of 12 months",
                ListFacts {
                    a_plus_since: Some(now() - Duration::days(365) + second),
                    ..exemplary()
                },
                None,
            ),
            (
                "not A+ now",
                ListFacts {
                    a_plus_since: None,
                    ..exemplary()
                },
                None,
            ),
            (
                "no commitment",
                ListFacts {
                    commitment_signed: false,
                    ..exemplary()
                },
                None,
            ),
            (
                "unverified",
                ListFacts {
                    verified: false,
                    ..exemplary()
                },
                None,
            ),
            (
                "one unhonoured award keeps it off red, not yet black",
                ListFacts {
                    non_compliant_12m: 1,
                    ..exemplary()
                },
                None,
            ),
            (
                "owes the fund a fen: not red",
                ListFacts {
                    fc_unrecovered_fen: 1,
                    ..exemplary()
                },
                None,
            ),
            (
                "one serious record: black, never red",
                ListFacts {
                    serious_records: 1,
                    ..exemplary()
                },
                Some((ListKind::Black, s(&[REASON_SERIOUS_RECORD]))),
            ),
            (
                "two unhonoured in 12 months: not yet",
                ListFacts {
                    non_compliant_12m: 2,
                    ..Default::default()
                },
                None,
            ),
            (
                "three unhonoured in 12 months: black",
                ListFacts {
                    non_compliant_12m: 3,
                    ..Default::default()
                },
                Some((ListKind::Black, s(&[REASON_REPEATED_NON_COMPLIANCE]))),
            ),
            (
                "exactly ¥5,000 unrecovered: not over the threshold",
                ListFacts {
                    fc_unrecovered_fen: 500_000,
                    ..Default::default()
                },
                None,
            ),
            (
                "¥5,000.01 unrecovered: black",
                ListFacts {
                    fc_unrecovered_fen: 500_001,
                    ..Default::default()
                },
                Some((ListKind::Black, s(&[REASON_FC_UNRECOVERED]))),
            ),
            (
                "every black reason, in order",
                ListFacts {
                    serious_records: 2,
                    non_compliant_12m: 4,
                    fc_unrecovered_fen: 900_000,
                    ..Default::default()
                },
                Some((
                    ListKind::Black,
                    s(&[
                        REASON_SERIOUS_RECORD,
                        REASON_REPEATED_NON_COMPLIANCE,
                        REASON_FC_UNRECOVERED,
                    ]),
                )),
            ),
            (
                "black refused 89 days ago: not again yet",
                ListFacts {
                    serious_records: 1,
                    black_refused_at: Some(now() - day * 90 + second),
                    ..Default::default()
                },
                None,
            ),
            (
                "black refused exactly 90 days ago: proposed again",
                ListFacts {
                    serious_records: 1,
                    black_refused_at: Some(now() - day * 90),
                    ..Default::default()
                },
                Some((ListKind::Black, s(&[REASON_SERIOUS_RECORD]))),
            ),
            (
                "a red refusal does not hold back black",
                ListFacts {
                    serious_records: 1,
                    red_refused_at: Some(now()),
                    ..Default::default()
                },
                Some((ListKind::Black, s(&[REASON_SERIOUS_RECORD]))),
            ),
            (
                "red refused yesterday",
                ListFacts {
                    red_refused_at: Some(now() - day),
                    ..exemplary()
                },
                None,
            ),
            (
                "red refused 90 days ago",
                ListFacts {
                    red_refused_at: Some(now() - day * 90),
                    ..exemplary()
                },
                Some((ListKind::Red, red_all.clone())),
            ),
        ];
        let c = ListCriteria::default();
        for (name, facts, expected) in rows {
            assert_eq!(propose(&facts, now(), &c), expected, "{name}");
        }
        // Without the commitment requirement the reason is left out.
        let lenient = ListCriteria {
            red_requires_commitment: false,
            ..ListCriteria::default()
        };
        let (kind, reasons) = propose(
            &ListFacts {
                commitment_signed: false,
                ..exemplary()
            },
            now(),
            &lenient,
        )
        .unwrap();
        assert_eq!(kind, ListKind::Red);
        assert!(!reasons.contains(&REASON_COMMITMENT.to_string()));
        // Thresholds of zero are read as one: nothing is listed for nothing.
        let zero = ListCriteria {
            black_serious_records: 0,
            black_non_compliant_12m: 0,
            black_fc_unrecovered_over_fen: -5,
            ..ListCriteria::default()
        };
        assert_eq!(propose(&ListFacts::default(), now(), &zero), None);
    }

    #[test]
    fn twelve_months_are_calendar_months() {
        let since: DateTime<Utc> = "2024-02-29T00:00:00Z".parse().unwrap();
        assert_eq!(
            a_plus_anniversary(since, 12),
            "2025-02-28T00:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        let f = |at: &str| ListFacts {
            a_plus_since: Some(at.parse().unwrap()),
            ..exemplary()
        };
        // 2026-12-01 10:00 Beijing is 02:00 UTC: the same instant a year on.
        assert!(propose(&f("2026-12-01T02:00:00Z"), now(), &ListCriteria::default()).is_some());
        assert!(propose(&f("2026-12-01T02:00:01Z"), now(), &ListCriteria::default()).is_none());
    }

    #[test]
    fn facts_count_serious_adverse_records_on_display_only() {
        let periods = DisplayPeriods::default();
        let at = |d: i64| now() - Duration::days(d);
        let mut minor = RecordInput::new(RecordKind::NotAsPictured, at(10), &periods);
        minor.severity = Severity::Minor;
        let mut repaired = RecordInput::new(RecordKind::Brushing, at(10), &periods);
        repaired.repaired = true;
        let inputs = CreditInputs {
            verified: true,
            commitment_signed: true,
            non_compliant: 2,
            fc_unrecovered_fen: 1234,
            records: vec![
                // Counted: serious and severe misconduct, a broken commitment.
                RecordInput::new(RecordKind::Brushing, at(10), &periods),
                RecordInput::new(RecordKind::Counterfeit, at(100), &periods),
                RecordInput::new(RecordKind::CommitmentBroken, at(1), &periods),
                // Not: minor, repaired, expired, positive, a case outcome.
                minor,
                repaired,
                RecordInput::new(RecordKind::PriceFraud, at(1095), &periods),
                RecordInput::new(RecordKind::Commendation, at(1), &periods),
                RecordInput::new(RecordKind::NonCompliant, at(1), &periods),
            ],
            ..Default::default()
        };
        let since = Some(at(400));
        let f = ListFacts::from_inputs(&inputs, since, now());
        assert_eq!(
            f,
            ListFacts {
                verified: true,
                commitment_signed: true,
                a_plus_since: since,
                serious_records: 3,
                non_compliant_12m: 2,
                fc_unrecovered_fen: 1234,
                red_refused_at: None,
                black_refused_at: None,
            }
        );
    }

    #[test]
    fn names_round_trip() {
        for k in ListKind::ALL {
            assert_eq!(ListKind::parse(k.as_str()), Some(*k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        for st in [
            ListStatus::Proposed,
            ListStatus::Confirmed,
            ListStatus::Refused,
            ListStatus::Ended,
        ] {
            assert_eq!(ListStatus::parse(st.as_str()), Some(st));
        }
        assert_eq!(ListKind::parse("grey"), None);
    }
}
