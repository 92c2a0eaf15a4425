//! Staff tooling: the parameters of a case list (paging, text search,
//! filters, order), the mediators' and arbitrators' workload, internal
//! notes and recusal — parsed and checked here once, for the API and the
//! pages alike.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{CaseSummary, Status};
use crate::{AppError, input};

/// A page of a case list unless `limit` says otherwise.
pub const PAGE_SIZE: u64 = 50;
/// The largest page a caller may ask for.
pub const PAGE_MAX: u64 = 200;
/// The longest search text, in characters.
pub const SEARCH_MAX: usize = 100;
/// The most days `due_within_days` looks ahead.
pub const DUE_WITHIN_MAX: u32 = 60;
/// An internal note's and a recusal reason's length limit, in characters.
pub const NOTE_MAX: usize = 2000;
/// "Due soon" on the workload view: within this many working days.
pub const WORKLOAD_DUE_DAYS: u32 = 3;

/// The trail topic of an internal note (an entry of kind `internal` that
/// only staff read).
pub const NOTE_TOPIC: &str = "staff_note";

/// How a case list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CaseSort {
    /// The nearest stage deadline first; cases without one (closed) last.
    #[default]
    Deadline,
    /// The most recently filed first.
    Newest,
}

impl CaseSort {
    pub fn parse(s: &str) -> Option<CaseSort> {
        match s {
            "" | "deadline" => Some(CaseSort::Deadline),
            "newest" => Some(CaseSort::Newest),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CaseSort::Deadline => "deadline",
            CaseSort::Newest => "newest",
        }
    }
}

/// Which deadlines a list keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineFilter {
    /// The stage deadline has passed.
    Overdue,
    /// The stage deadline has not passed and falls within this many
    /// working days (the end of the n-th working day from today, Beijing time).
    DueWithin(u32),
}

/// Whose cases a staff list keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignee {
    /// The caller's own.
    Me,
    /// Nobody's (waiting in a queue).
    Unassigned,
    /// A staff member's, by account id.
    User(i32),
}

impl Assignee {
    pub fn parse(s: &str) -> Option<Assignee> {
        match s {
            "me" => Some(Assignee::Me),
            "none" => Some(Assignee::Unassigned),
            n => n
                .parse::<i32>()
                .ok()
                .filter(|id| *id > 0)
                .map(Assignee::User),
        }
    }
}

/// Where the next page starts: just after the last case of this page in
/// the list's order. Opaque to callers (`n<id>` or `d<ns>.<id>`, `i<id>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    /// Newest first: cases with a smaller id.
    Before(i32),
    /// Deadline order: after this deadline (`None`: among the cases
    /// without one) and id.
    After(Option<DateTime<Utc>>, i32),
}

impl Cursor {
    pub fn encode(self) -> String {
        match self {
            Cursor::Before(id) => format!("i{id}"),
            Cursor::After(None, id) => format!("n{id}"),
            Cursor::After(Some(at), id) => {
                format!("d{}.{id}", at.timestamp_nanos_opt().unwrap_or_default())
            }
        }
    }

    pub fn decode(s: &str) -> Option<Cursor> {
        let id = |t: &str| t.parse::<i32>().ok().filter(|i| *i > 0);
        if let Some(rest) = s.strip_prefix('i') {
            return id(rest).map(Cursor::Before);
        }
        if let Some(rest) = s.strip_prefix('n') {
            return id(rest).map(|i| Cursor::After(None, i));
        }
        let (ns, i) = s.strip_prefix('d')?.split_once('.')?;
        let at = DateTime::from_timestamp_nanos(ns.parse::<i64>().ok()?);
        Some(Cursor::After(Some(at), id(i)?))
    }

    /// The cursor's order must be the list's.
    fn fits(self, sort: CaseSort) -> bool {
        matches!(
            (self, sort),
            (Cursor::Before(_), CaseSort::Newest) | (Cursor::After(..), CaseSort::Deadline)
        )
    }
}

/// A case list's parameters as they arrive (query string or form), text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct CaseListForm {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub deadline: Option<String>,
    #[serde(default)]
    pub due_within_days: Option<String>,
    #[serde(default)]
    pub assignee: Option<String>,
    #[serde(default)]
    pub sort: Option<String>,
    #[serde(default)]
    pub before: Option<String>,
    #[serde(default)]
    pub cursor: Option<String>,
    #[serde(default)]
    pub limit: Option<String>,
}

/// A case list's parameters, checked. Every one narrows the list the
/// caller's role and view allow; none widens it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFilter {
    pub status: Option<Status>,
    /// Trimmed, non-empty, at most [`SEARCH_MAX`] characters.
    pub q: Option<String>,
    pub deadline: Option<DeadlineFilter>,
    pub assignee: Option<Assignee>,
    pub sort: CaseSort,
    pub cursor: Option<Cursor>,
    pub limit: u64,
}

impl Default for CaseFilter {
    fn default() -> Self {
        CaseFilter {
            status: None,
            q: None,
            deadline: None,
            assignee: None,
            sort: CaseSort::Deadline,
            cursor: None,
            limit: PAGE_SIZE,
        }
    }
}

fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl CaseFilter {
    /// Parses the parameters; each error names its field. `before=<id>`
    /// is the cursor of the newest-first order, spelled plainly.
    pub fn parse(f: &CaseListForm) -> Result<CaseFilter, AppError> {
        let status = blank(&f.status)
            .map(|s| {
                Status::parse(s).ok_or_else(|| AppError::invalid("status", "err.status_unknown"))
            })
            .transpose()?;
        let q = input::text(f.q.as_deref(), "q", SEARCH_MAX)?;
        let due = blank(&f.due_within_days)
            .map(|s| {
                s.parse::<u32>()
                    .ok()
                    .filter(|n| (1..=DUE_WITHIN_MAX).contains(n))
                    .ok_or_else(|| AppError::invalid("due_within_days", "err.due_within_days"))
            })
            .transpose()?;
        let deadline = match (blank(&f.deadline), due) {
            (None, None) => None,
            (Some("overdue"), None) => Some(DeadlineFilter::Overdue),
            (Some("due"), Some(n)) | (None, Some(n)) => Some(DeadlineFilter::DueWithin(n)),
            (Some("due"), None) => Some(DeadlineFilter::DueWithin(WORKLOAD_DUE_DAYS)),
            (Some("overdue"), Some(_)) => {
                return Err(AppError::invalid("due_within_days", "err.deadline_filter"));
            }
            (Some(_), _) => return Err(AppError::invalid("deadline", "err.deadline_filter")),
        };
        let assignee = blank(&f.assignee)
            .map(|s| {
                Assignee::parse(s).ok_or_else(|| AppError::invalid("assignee", "err.assignee"))
            })
            .transpose()?;
        let sort = CaseSort::parse(blank(&f.sort).unwrap_or(""))
            .ok_or_else(|| AppError::invalid("sort", "err.sort_unknown"))?;
        let cursor = match (blank(&f.before), blank(&f.cursor)) {
            (Some(_), Some(_)) => return Err(AppError::invalid("cursor", "err.cursor")),
            (Some(b), None) => Some(
                b.parse::<i32>()
                    .ok()
                    .filter(|i| *i > 0)
                    .map(Cursor::Before)
                    .ok_or_else(|| AppError::invalid("before", "err.cursor"))?,
            ),
            (None, Some(c)) => {
                Some(Cursor::decode(c).ok_or_else(|| AppError::invalid("cursor", "err.cursor"))?)
            }
            (None, None) => None,
        };
        // `before` without a sort means newest first.
        let sort = match (blank(&f.sort), cursor) {
            (None, Some(Cursor::Before(_))) => CaseSort::Newest,
            _ => sort,
        };
        if cursor.is_some_and(|c| !c.fits(sort)) {
            return Err(AppError::invalid("cursor", "err.cursor"));
        }
        let limit = blank(&f.limit)
            .map(|s| {
                s.parse::<u64>()
                    .ok()
                    .filter(|n| (1..=PAGE_MAX).contains(n))
                    .ok_or_else(|| AppError::invalid("limit", "err.limit"))
            })
            .transpose()?
            .unwrap_or(PAGE_SIZE);
        Ok(CaseFilter {
            status,
            q,
            deadline,
            assignee,
            sort,
            cursor,
            limit,
        })
    }

    /// The SQL `LIKE` pattern of the search text: `%`, `_` and the escape
    /// character `\` match themselves (`ESCAPE '\'`), Latin letters are
    /// lower-cased (the column is compared lower-cased too), anything else
    /// (Chinese) is kept as it is.
    pub fn like_pattern(&self) -> Option<String> {
        self.q.as_deref().map(like_pattern)
    }
}

/// See [`CaseFilter::like_pattern`].
pub fn like_pattern(q: &str) -> String {
    let mut p = String::with_capacity(q.len() + 2);
    p.push('%');
    for ch in q.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch.to_ascii_lowercase());
    }
    p.push('%');
    p
}

/// A page of a case list: the cases, and the cursor of the next page
/// when there is more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseListPage {
    pub items: Vec<CaseSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next: Option<String>,
}

/// One mediator's or arbitrator's load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffLoad {
    pub user_id: i32,
    pub name: String,
    /// Open cases they own.
    pub open: u64,
    /// Of those, past their stage deadline.
    pub overdue: u64,
    /// Of those, due within the next 3 working days (not yet overdue).
    pub due_soon: u64,
}

/// The workload of mediators and arbitrators (`GET /api/v1/staff/workload`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Workload {
    /// Every active mediator, by name.
    pub mediators: Vec<StaffLoad>,
    /// Every active arbitrator, by name.
    pub arbitrators: Vec<StaffLoad>,
    /// Cases in mediation that nobody owns.
    pub mediation_queue: u64,
    /// Cases in arbitration that nobody owns.
    pub arbitration_queue: u64,
    /// How many working days "due soon" looks ahead.
    pub due_within_days: u32,
}

/// `POST /api/v1/cases/{id}/notes`: an internal note, for staff only.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoteInput {
    /// Required, at most 2,000 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            required = true,
            nullable = false,
            min_length = 1,
            max_length = 2000,
            pattern = r"\S"
        )
    )]
    pub note: Option<String>,
}

impl NoteInput {
    /// The note, trimmed; errors name `note`.
    pub fn check(&self) -> Result<String, AppError> {
        input::required_text(self.note.as_deref(), "note", NOTE_MAX)
    }
}

/// `POST /api/v1/cases/{id}/recuse`: why the owner steps aside.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecuseInput {
    /// Required, at most 2,000 characters (shown in the case's trail).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            required = true,
            nullable = false,
            min_length = 1,
            max_length = 2000,
            pattern = r"\S"
        )
    )]
    pub reason: Option<String>,
}

impl RecuseInput {
    /// The reason, trimmed; errors name `reason`.
    pub fn check(&self) -> Result<String, AppError> {
        input::required_text(self.reason.as_deref(), "reason", NOTE_MAX)
    }
}

/// `POST /api/v1/cases/{id}/reassignment`: an admin gives a case in
/// mediation or arbitration to another mediator or arbitrator.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReassignInput {
    /// The account id of the mediator (a case in mediation) or arbitrator
    /// (in arbitration) who takes it over.
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, nullable = false, minimum = 1)
    )]
    pub to: Option<i32>,
    /// Required, at most 2,000 characters (shown in the case's trail).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            required = true,
            nullable = false,
            min_length = 1,
            max_length = 2000,
            pattern = r"\S"
        )
    )]
    pub reason: Option<String>,
}

impl ReassignInput {
    /// The form's fields as typed (`to` a number as text).
    pub fn from_form(to: Option<&str>, reason: Option<String>) -> Result<Self, AppError> {
        Ok(Self {
            to: input::whole(to, "to")?,
            reason,
        })
    }

    /// The new owner and the reason, trimmed; errors name their field.
    pub fn check(&self) -> Result<(i32, String), AppError> {
        let to = input::required(self.to, "to")?;
        if to < 1 {
            return Err(AppError::invalid("to", "err.handover_target"));
        }
        let reason = input::required_text(self.reason.as_deref(), "reason", NOTE_MAX)?;
        Ok((to, reason))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> CaseListForm {
        let v: serde_json::Map<String, serde_json::Value> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
            .collect();
        serde_json::from_value(serde_json::Value::Object(v)).unwrap()
    }

    #[test]
    fn like_patterns_escape_wildcards_and_fold_latin_only() {
        assert_eq!(like_pattern("Ab%_\\退款"), "%ab\\%\\_\\\\退款%");
        assert_eq!(like_pattern("ÄB"), "%Äb%");
    }

    #[test]
    fn cursors_round_trip() {
        let at = DateTime::from_timestamp_nanos(1_765_000_000_123_456_000);
        for c in [
            Cursor::Before(7),
            Cursor::After(None, 9),
            Cursor::After(Some(at), 11),
        ] {
            assert_eq!(Cursor::decode(&c.encode()), Some(c));
        }
        assert_eq!(Cursor::decode("x1"), None);
        assert_eq!(Cursor::decode("i0"), None);
        assert_eq!(Cursor::decode("d12"), None);
    }

    #[test]
    fn parameters_are_checked_and_named() {
        let f = CaseFilter::parse(&form(&[])).unwrap();
        assert_eq!(f, CaseFilter::default());
        let f = CaseFilter::parse(&form(&[("before", "40")])).unwrap();
        assert_eq!(
            (f.sort, f.cursor),
            (CaseSort::Newest, Some(Cursor::Before(40)))
        );
        let f =
            CaseFilter::parse(&form(&[("due_within_days", "5"), ("assignee", "none")])).unwrap();
        assert_eq!(f.deadline, Some(DeadlineFilter::DueWithin(5)));
        assert_eq!(f.assignee, Some(Assignee::Unassigned));
        let f = CaseFilter::parse(&form(&[("deadline", "overdue"), ("assignee", "12")])).unwrap();
        assert_eq!(f.deadline, Some(DeadlineFilter::Overdue));
        assert_eq!(f.assignee, Some(Assignee::User(12)));
        let field = |pairs: &[(&str, &str)]| match CaseFilter::parse(&form(pairs)) {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(&[("limit", "201")]), "limit");
        assert_eq!(field(&[("limit", "0")]), "limit");
        assert_eq!(field(&[("deadline", "soon")]), "deadline");
        assert_eq!(field(&[("due_within_days", "61")]), "due_within_days");
        assert_eq!(field(&[("assignee", "x")]), "assignee");
        assert_eq!(field(&[("sort", "old")]), "sort");
        assert_eq!(field(&[("status", "nope")]), "status");
        assert_eq!(field(&[("sort", "deadline"), ("before", "3")]), "cursor");
        assert_eq!(field(&[("cursor", "zz")]), "cursor");
        let long = "长".repeat(101);
        assert_eq!(field(&[("q", long.as_str())]), "q");
    }
}
