//! Bulk exports for regulators, shared by every kind (merchant credit,
//! cases, public complaint records): the format, and each page of rows
//! encoded as NDJSON or CSV (RFC 4180: a header row, fields quoted when
//! needed, CRLF line ends; a text cell a spreadsheet would run as a formula
//! starts with `'`) so the caller can stream it page by page.

use domain::{AppError, Role, UserView};
use serde::Serialize;

/// Rows read per page.
pub const PAGE: u64 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Ndjson,
    Csv,
}

impl Format {
    /// `ndjson` (also when absent) or `csv`; anything else is a 422 naming `format`.
    pub fn parse(s: Option<&str>) -> Result<Format, AppError> {
        match s.map(str::trim) {
            None | Some("") | Some("ndjson") => Ok(Format::Ndjson),
            Some("csv") => Ok(Format::Csv),
            Some(_) => Err(AppError::invalid("format", "err.export.format")),
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Ndjson => "application/x-ndjson",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Ndjson => "ndjson",
            Format::Csv => "csv",
        }
    }
}

/// May `user` export? Regulators only (admins run the platform; the
/// exports are for supervision and the national credit system).
pub fn authorize(user: &UserView) -> Result<(), AppError> {
    if user.role == Role::Regulator {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The shortest and longest reason for an unmasked export, in characters.
pub const REASON_MIN: usize = 5;
pub const REASON_MAX: usize = 200;

/// The reason given for an unmasked export (`reveal_reason`): absent or
/// blank means masked; else 5–200 characters.
pub fn reveal_reason(v: Option<&str>) -> Result<Option<String>, AppError> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(r) if (REASON_MIN..=REASON_MAX).contains(&r.chars().count()) => Ok(Some(r.into())),
        Some(_) => Err(AppError::invalid("reveal_reason", "err.export.reason")),
    }
}

/// One page of an export and where the next starts (`None`: this is the
/// last; a page may hold fewer rows than were read, so the cursor is the
/// last id read, not the last row's).
#[derive(Debug, Clone)]
pub struct Page<R> {
    pub rows: Vec<R>,
    pub next: Option<i32>,
}

/// A row of an export: serialised as one NDJSON object or CSV record (the
/// CSV columns are its fields in order, named by `HEADER`).
pub trait ExportRow: Serialize + Clone {
    const HEADER: &'static [&'static str];
    /// The id the next page starts after.
    fn id(&self) -> i32;
    /// The row with every text cell made [`inert_cell`].
    fn inert(&self) -> Self;
}

/// Encodes one page; the CSV header row goes before the first.
pub fn encode<R: ExportRow>(rows: &[R], format: Format, first: bool) -> Result<Vec<u8>, AppError> {
    match format {
        Format::Ndjson => {
            let mut out = Vec::with_capacity(rows.len() * 300);
            for r in rows {
                serde_json::to_writer(&mut out, r).map_err(|_| AppError::Internal)?;
                out.push(b'\n');
            }
            Ok(out)
        }
        Format::Csv => {
            let mut w = csv::WriterBuilder::new()
                .has_headers(first)
                .terminator(csv::Terminator::CRLF)
                .from_writer(Vec::with_capacity(rows.len() * 200));
            if first && rows.is_empty() {
                // No rows at all: the header alone.
                w.write_record(R::HEADER).map_err(|_| AppError::Internal)?;
            }
            for r in rows {
                w.serialize(r.inert()).map_err(|e| {
                    tracing::error!("csv export: {e}");
                    AppError::Internal
                })?;
            }
            w.into_inner().map_err(|_| AppError::Internal)
        }
    }
}

/// A cell a spreadsheet would run as a formula — text starting with `=`,
/// `+`, `-` or `@`, or a tab or carriage return (CSV injection:
/// `=HYPERLINK(…)`, `=cmd|' /C calc'!A0` in a merchant's name) — gets a
/// leading apostrophe, which spreadsheets show as text (OWASP's advice).
/// Only the CSV does this; NDJSON carries the text as it is.
pub fn inert_cell(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// [`inert_cell`] as an owned string, for `ExportRow::inert`.
pub fn inert(s: &str) -> String {
    inert_cell(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons() {
        assert_eq!(reveal_reason(None).unwrap(), None);
        assert_eq!(reveal_reason(Some("  ")).unwrap(), None);
        assert_eq!(
            reveal_reason(Some(" 执法检查需要 ")).unwrap().as_deref(),
            Some("执法检查需要")
        );
        assert_eq!(
            reveal_reason(Some("abcd")).unwrap_err(),
            AppError::invalid("reveal_reason", "err.export.reason")
        );
        assert!(reveal_reason(Some(&"x".repeat(201))).is_err());
    }
}
