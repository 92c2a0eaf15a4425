//! A fund administrator's movement (top-up, deposit in or out, repayment,
//! write-off) as it arrives: typed from a JSON body or built from a form,
//! then checked once by [`MovementInput::check`].

use serde::Deserialize;

use super::ledger::MAX_ENTRY;
use crate::input::{self, max};
use crate::{AppError, Fen};

/// The longest idempotency key, in characters.
pub const KEY_MAX: usize = 100;
/// The longest memo or write-off reason, in characters.
pub const REASON_MAX: usize = max::REASON;

/// A movement: how much, the caller's idempotency key, and a memo (a
/// write-off's required reason).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MovementInput {
    /// Whole fen; zero and negatives are refused.
    #[cfg_attr(feature = "openapi", schema(value_type = i64, minimum = 1, maximum = 10_000_000_000_i64))]
    pub amount_fen: Fen,
    /// The same key and request twice make one entry. Missing is refused
    /// by [`MovementInput::check`] (`err.fund.key_required`).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            required = true,
            min_length = 1,
            max_length = 100,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub idempotency_key: String,
    /// A memo; required for a write-off.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub reason: Option<String>,
}

/// Whether a movement needs a reason (a write-off does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Optional,
    Required,
}

impl MovementInput {
    /// From a form's fields: the amount in yuan as typed, the key, the memo.
    /// Errors name `amount_fen`, as the JSON API does.
    pub fn from_form(
        amount_yuan: &str,
        idempotency_key: &str,
        reason: Option<&str>,
    ) -> Result<Self, AppError> {
        let amount_fen =
            input::required(input::yuan(Some(amount_yuan), "amount_fen")?, "amount_fen")?;
        Ok(MovementInput {
            amount_fen,
            idempotency_key: idempotency_key.to_string(),
            reason: reason.map(str::to_string),
        })
    }

    /// The movement with its key and reason trimmed, or the first field
    /// that fails: the amount (positive, at most [`MAX_ENTRY`]), the key
    /// (not blank, at most [`KEY_MAX`] characters, no control characters),
    /// the reason (at most [`REASON_MAX`] characters; present when `reason`
    /// is [`Reason::Required`]).
    pub fn check(&self, reason: Reason) -> Result<MovementInput, AppError> {
        let amount_fen = check_amount(self.amount_fen)?;
        let key = self.idempotency_key.trim();
        if key.is_empty() || key.chars().count() > KEY_MAX || key.chars().any(char::is_control) {
            return Err(AppError::invalid(
                "idempotency_key",
                "err.fund.key_required",
            ));
        }
        let memo = self.reason.as_deref();
        let reason = match reason {
            Reason::Optional => input::text(memo, "reason", REASON_MAX)?,
            Reason::Required => Some(input::required_text(memo, "reason", REASON_MAX)?),
        };
        Ok(MovementInput {
            amount_fen,
            idempotency_key: key.to_string(),
            reason,
        })
    }
}

/// An amount the fund moves: more than zero, at most [`MAX_ENTRY`]; errors name `amount_fen`.
pub fn check_amount(amount: Fen) -> Result<Fen, AppError> {
    if amount.0 <= 0 {
        return Err(AppError::invalid("amount_fen", "err.amount_positive"));
    }
    if amount > MAX_ENTRY {
        return Err(AppError::invalid("amount_fen", "err.amount_too_large"));
    }
    Ok(amount)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::from_json;
    use crate::input::testing::{assert_json_refused, assert_refused, field_error};

    #[test]
    fn json_takes_the_amount_as_a_number() {
        let body = r#"{"amount_fen": 1250, "idempotency_key": " k-1 ", "reason": " memo "}"#;
        let m: MovementInput = from_json(body.as_bytes()).unwrap();
        let want = MovementInput {
            amount_fen: Fen(1250),
            idempotency_key: "k-1".into(),
            reason: Some("memo".into()),
        };
        assert_eq!(m.check(Reason::Optional).unwrap(), want);
        let m: MovementInput = from_json(br#"{"amount_fen": 1, "idempotency_key": "k"}"#).unwrap();
        assert_eq!(m.check(Reason::Optional).unwrap().reason, None);
    }

    #[test]
    fn json_type_errors_name_the_field() {
        let key = r#""idempotency_key": "k""#;
        assert_json_refused::<MovementInput>(&[
            (
                &format!(r#"{{"amount_fen": "100", {key}}}"#),
                "amount_fen",
                "err.field_invalid",
            ),
            (
                &format!(r#"{{"amount_fen": 12.5, {key}}}"#),
                "amount_fen",
                "err.field_invalid",
            ),
            (
                &format!(r#"{{"amount_fen": null, {key}}}"#),
                "amount_fen",
                "err.field_invalid",
            ),
            (&format!("{{{key}}}"), "amount_fen", "err.required"),
            (
                r#"{"amount_fen": 1, "idempotency_key": 7}"#,
                "idempotency_key",
                "err.field_invalid",
            ),
            (
                &format!(r#"{{"amount_fen": 1, {key}, "reason": false}}"#),
                "reason",
                "err.field_invalid",
            ),
        ]);
    }

    #[test]
    fn check_refuses_each_bad_value_naming_its_field() {
        let ok = MovementInput {
            amount_fen: Fen(100),
            idempotency_key: "k".into(),
            reason: None,
        };
        let optional = |m: &MovementInput| m.check(Reason::Optional);
        assert_refused(
            &ok,
            &[
                (
                    |m| m.amount_fen = Fen(0),
                    "amount_fen",
                    "err.amount_positive",
                ),
                (
                    |m| m.amount_fen = Fen(-5),
                    "amount_fen",
                    "err.amount_positive",
                ),
                (
                    |m| m.amount_fen = Fen(MAX_ENTRY.0 + 1),
                    "amount_fen",
                    "err.amount_too_large",
                ),
                (
                    |m| m.idempotency_key = " ".into(),
                    "idempotency_key",
                    "err.fund.key_required",
                ),
                (
                    |m| m.idempotency_key = "k".repeat(KEY_MAX + 1),
                    "idempotency_key",
                    "err.fund.key_required",
                ),
                (
                    |m| m.idempotency_key = "a\u{7}b".into(),
                    "idempotency_key",
                    "err.fund.key_required",
                ),
                (
                    |m| m.reason = Some("x".repeat(REASON_MAX + 1)),
                    "reason",
                    "err.text_too_long",
                ),
            ],
            optional,
        );
        assert_refused(
            &ok,
            &[(|m| m.reason = Some("  ".into()), "reason", "err.required")],
            |m| m.check(Reason::Required),
        );
        let mut edge = ok.clone();
        edge.amount_fen = MAX_ENTRY;
        edge.idempotency_key = "k".repeat(KEY_MAX);
        assert_eq!(optional(&edge).unwrap(), edge);
    }

    #[test]
    fn a_form_sends_yuan() {
        let m = MovementInput::from_form(" 12.5 ", "ui-1", Some("")).unwrap();
        assert_eq!(m.amount_fen, Fen(1250));
        assert_eq!(m.check(Reason::Optional).unwrap().reason, None);
        for (amount, key) in [
            ("", "err.required"),
            ("1.234", "err.yuan_invalid"),
            ("abc", "err.yuan_invalid"),
        ] {
            let e = MovementInput::from_form(amount, "k", None).unwrap_err();
            assert_eq!(
                field_error(e),
                ("amount_fen".into(), key.into()),
                "{amount}"
            );
        }
    }
}
