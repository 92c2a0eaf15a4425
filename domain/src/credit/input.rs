//! What regulators and merchants send about the credit file, typed from a
//! JSON body or built from a form, then checked once: a regulator's finding
//! of misconduct ([`FindingInput`]) and a merchant's objection or repair
//! application ([`RequestInput`]).

use chrono::NaiveDate;
use serde::Deserialize;

use super::{Polarity, RecordKind, Severity};
use crate::AppError;
use crate::input::{self, max};

/// A finding's summary: at least this many characters…
pub const SUMMARY_MIN: usize = 10;
/// …and at most this many.
pub const SUMMARY_MAX: usize = max::MESSAGE;
/// The evidence of a finding, an objection or a repair application.
pub const EVIDENCE_MAX: usize = max::MESSAGE;
/// An objection's or repair application's reasons: at least this many characters…
pub const REQUEST_TEXT_MIN: usize = 10;
/// …and at most this many.
pub const REQUEST_TEXT_MAX: usize = max::MESSAGE;
/// A regulator's reasons for deciding an objection or a repair application.
pub const DECISION_REASON_MAX: usize = max::LONG_REASON;
/// How far back a finding's misconduct may lie, in days.
pub const FINDING_MAX_AGE_DAYS: i64 = 5 * 366;

/// A finding of misconduct as a regulator enters it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FindingInput {
    /// A [`RecordKind`] a regulator records: misconduct, a broken credit
    /// commitment, or a commendation.
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^(brushing|false_advertising|counterfeit|price_fraud|not_as_pictured|malicious_rating|data_leak|misconduct_other|commitment_broken|commendation)$"
        )
    )]
    pub kind: String,
    /// A [`Severity`]; absent or empty: the kind's default. A commendation
    /// has none (it only adds points).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Severity>))]
    pub severity: Option<String>,
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 5000))]
    pub summary: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub evidence: Option<String>,
    /// `YYYY-MM-DD` (Beijing), when the misconduct happened: not in the
    /// future, at most five years back.
    #[cfg_attr(feature = "openapi", schema(value_type = chrono::NaiveDate))]
    pub occurred_on: String,
}

/// A finding that passed [`FindingInput::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: RecordKind,
    pub severity: Severity,
    pub summary: String,
    pub evidence: Option<String>,
    pub occurred_on: NaiveDate,
}

impl FindingInput {
    /// From the regulator's form (every field text).
    pub fn from_form(
        kind: &str,
        severity: &str,
        summary: &str,
        evidence: &str,
        occurred_on: &str,
    ) -> Self {
        FindingInput {
            kind: kind.to_string(),
            severity: Some(severity.to_string()),
            summary: summary.to_string(),
            evidence: Some(evidence.to_string()),
            occurred_on: occurred_on.to_string(),
        }
    }

    /// The finding, or the first field that fails; `today` is Beijing's
    /// date (the misconduct is not in the future nor more than
    /// [`FINDING_MAX_AGE_DAYS`] ago).
    pub fn check(&self, today: NaiveDate) -> Result<Finding, AppError> {
        let kind = RecordKind::parse(&self.kind)
            .filter(|k| k.recorded_by_regulator())
            .ok_or_else(|| AppError::invalid("kind", "err.record.kind"))?;
        let severity = input::choice(
            self.severity.as_deref(),
            "severity",
            "err.record.severity",
            Severity::parse,
        )?;
        if severity.is_some() && kind.polarity() == Polarity::Positive {
            return Err(AppError::invalid(
                "severity",
                "err.record.severity_positive",
            ));
        }
        let severity = severity.unwrap_or_else(|| kind.default_severity());
        let summary = input::text(Some(&self.summary), "summary", SUMMARY_MAX)?.unwrap_or_default();
        let summary = input::min_chars(summary, "summary", SUMMARY_MIN)?;
        let evidence = input::text(self.evidence.as_deref(), "evidence", EVIDENCE_MAX)?;
        let occurred_on = input::required(
            input::date(Some(&self.occurred_on), "occurred_on")?,
            "occurred_on",
        )
        .map_err(|_| AppError::invalid("occurred_on", "err.date_invalid"))?;
        if occurred_on > today || occurred_on < today - chrono::Duration::days(FINDING_MAX_AGE_DAYS)
        {
            return Err(AppError::invalid("occurred_on", "err.date_out_of_range"));
        }
        Ok(Finding {
            kind,
            severity,
            summary,
            evidence,
            occurred_on,
        })
    }
}

/// A merchant's objection to a finding or application for credit repair:
/// its reasons and, optionally, evidence (references, links, a description
/// of the rectification).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestInput {
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 5000))]
    pub text: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub evidence: Option<String>,
    /// Repair: the merchant renews the standard credit commitment.
    #[serde(default)]
    pub renew_commitment: bool,
}

/// A request that passed [`RequestInput::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRequest {
    pub text: String,
    pub evidence: Option<String>,
    pub renew_commitment: bool,
}

impl RequestInput {
    /// From the merchant's form; `renew_commitment` is a checkbox.
    pub fn from_form(
        text: &str,
        evidence: Option<&str>,
        renew_commitment: Option<&str>,
    ) -> Result<Self, AppError> {
        Ok(RequestInput {
            text: text.to_string(),
            evidence: evidence.map(str::to_string),
            renew_commitment: input::flag(renew_commitment, "renew_commitment")?.unwrap_or(false),
        })
    }

    /// The reasons (required, [`REQUEST_TEXT_MIN`] to [`REQUEST_TEXT_MAX`]
    /// characters) and evidence (at most [`EVIDENCE_MAX`]), trimmed.
    pub fn check(&self) -> Result<RecordRequest, AppError> {
        let text = request_text(&self.text)?;
        let evidence = input::text(self.evidence.as_deref(), "evidence", EVIDENCE_MAX)?;
        Ok(RecordRequest {
            text,
            evidence,
            renew_commitment: self.renew_commitment,
        })
    }

    /// [`RequestInput::check`], and a repair renews the commitment.
    pub fn check_repair(&self) -> Result<RecordRequest, AppError> {
        let r = self.check()?;
        if !r.renew_commitment {
            return Err(AppError::invalid(
                "renew_commitment",
                "err.record.renew_commitment",
            ));
        }
        Ok(r)
    }
}

/// A merchant's reasons for objecting (to a finding or a black-list
/// proposal) or applying for repair: required, [`REQUEST_TEXT_MIN`] to
/// [`REQUEST_TEXT_MAX`] characters, trimmed.
pub fn request_text(text: &str) -> Result<String, AppError> {
    input::bounded_text(text, "text", REQUEST_TEXT_MIN, REQUEST_TEXT_MAX)
}

/// A regulator's reasons for a decision on a request: required, at most
/// [`DECISION_REASON_MAX`] characters.
pub fn decision_reason(reason: &str) -> Result<String, AppError> {
    input::required_text(Some(reason), "reason", DECISION_REASON_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::from_json;
    use crate::input::testing::{assert_json_refused, assert_refused, field_error};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
    }

    const FINDING: &str = r#"{"kind": "brushing", "summary": " 经核查，该店铺组织刷单320笔。 ",
        "evidence": "比对报告", "occurred_on": "2026-10-15"}"#;

    #[test]
    fn a_finding_from_json_checks_out() {
        let f: FindingInput = from_json(FINDING.as_bytes()).unwrap();
        let f = f.check(today()).unwrap();
        assert_eq!(
            (f.kind, f.severity),
            (
                RecordKind::Brushing,
                RecordKind::Brushing.default_severity()
            )
        );
        assert_eq!(f.summary, "经核查，该店铺组织刷单320笔。");
        assert_eq!(f.evidence.as_deref(), Some("比对报告"));
        assert_eq!(
            f.occurred_on,
            NaiveDate::from_ymd_opt(2026, 10, 15).unwrap()
        );
    }

    #[test]
    fn each_bad_finding_field_is_named() {
        let good: FindingInput = from_json(FINDING.as_bytes()).unwrap();
        let (date, range) = ("err.date_invalid", "err.date_out_of_range");
        assert_refused(
            &good,
            &[
                (|f| f.kind = "settled".into(), "kind", "err.record.kind"),
                (|f| f.kind = "nonsense".into(), "kind", "err.record.kind"),
                (
                    |f| f.severity = Some("huge".into()),
                    "severity",
                    "err.record.severity",
                ),
                (|f| f.summary = "短".into(), "summary", "err.text_too_short"),
                (
                    |f| f.summary = "长".repeat(SUMMARY_MAX + 1),
                    "summary",
                    "err.text_too_long",
                ),
                (
                    |f| f.evidence = Some("长".repeat(EVIDENCE_MAX + 1)),
                    "evidence",
                    "err.text_too_long",
                ),
                (|f| f.occurred_on = "15/10/2026".into(), "occurred_on", date),
                (|f| f.occurred_on = "".into(), "occurred_on", date),
                (
                    |f| f.occurred_on = "2026-12-05".into(),
                    "occurred_on",
                    range,
                ),
                (
                    |f| f.occurred_on = "2020-01-01".into(),
                    "occurred_on",
                    range,
                ),
            ],
            |f| f.check(today()),
        );
        let mut severe = good.clone();
        severe.severity = Some("serious".into());
        assert_eq!(severe.check(today()).unwrap().severity, Severity::Serious);
        // The form sends every field, empty when left blank.
        let form = FindingInput::from_form("brushing", "", &good.summary, "", "2026-10-15");
        let f = form.check(today()).unwrap();
        assert_eq!(
            (f.severity, f.evidence),
            (RecordKind::Brushing.default_severity(), None)
        );
    }

    #[test]
    fn finding_json_type_errors_name_the_field() {
        let on = r#""occurred_on": "2026-10-15""#;
        assert_json_refused::<FindingInput>(&[
            (
                &format!(r#"{{"kind": 5, "summary": "x", {on}}}"#),
                "kind",
                "err.field_invalid",
            ),
            (
                &format!(r#"{{"kind": "brushing", {on}}}"#),
                "summary",
                "err.required",
            ),
            (
                &format!(r#"{{"kind": "a", "summary": "x", {on}, "evidence": []}}"#),
                "evidence",
                "err.field_invalid",
            ),
        ]);
    }

    #[test]
    fn requests_from_json_and_forms() {
        const TEXT: &str = "宣传用语已于检查前下架，有截图为证。";
        let body = format!(r#"{{"text": "{TEXT}", "renew_commitment": true}}"#);
        let r: RequestInput = from_json(body.as_bytes()).unwrap();
        let r = r.check_repair().unwrap();
        assert_eq!((r.evidence, r.renew_commitment), (None, true));
        assert_json_refused::<RequestInput>(&[
            (
                r#"{"text": "x", "renew_commitment": "yes"}"#,
                "renew_commitment",
                "err.field_invalid",
            ),
            (r#"{"evidence": "x"}"#, "text", "err.required"),
            (r#"{"text": 12}"#, "text", "err.field_invalid"),
        ]);
        let form = RequestInput::from_form(TEXT, Some(" "), Some("on")).unwrap();
        assert_eq!(form.check().unwrap().evidence, None);
        assert!(form.renew_commitment);
        let e = RequestInput::from_form("x", None, Some("maybe")).unwrap_err();
        assert_eq!(
            field_error(e),
            ("renew_commitment".into(), "err.true_or_false".into())
        );
        assert_refused(
            &RequestInput::from_form(TEXT, None, None).unwrap(),
            &[
                (|r| r.text = " ".into(), "text", "err.required"),
                (|r| r.text = "不服".into(), "text", "err.text_too_short"),
                (
                    |r| r.text = "长".repeat(REQUEST_TEXT_MAX + 1),
                    "text",
                    "err.text_too_long",
                ),
                (
                    |r| r.evidence = Some("长".repeat(EVIDENCE_MAX + 1)),
                    "evidence",
                    "err.text_too_long",
                ),
            ],
            RequestInput::check,
        );
        // A repair renews the commitment.
        assert_refused(
            &RequestInput::from_form(TEXT, None, None).unwrap(),
            &[(|_| {}, "renew_commitment", "err.record.renew_commitment")],
            RequestInput::check_repair,
        );
        assert_eq!(decision_reason(" 证据充分 ").unwrap(), "证据充分");
        let e = decision_reason(" ").unwrap_err();
        assert_eq!(field_error(e), ("reason".into(), "err.required".into()));
    }
}
