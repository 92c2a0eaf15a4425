//! Outside input, parsed once at the edge.
//!
//! A JSON body deserialises straight into a typed input (numbers as numbers,
//! booleans as booleans, amounts as [`Fen`]) through [`from_json`], which
//! names the field that failed. An HTML form sends text: its server function
//! turns each field into the same typed input with [`text`], [`whole`],
//! [`yuan`] and [`flag`]. Both paths then meet one validation, written once
//! beside the input type, with the length limits of [`max`] (which the HTML
//! forms also use for `maxlength`).

use std::str::FromStr;

use serde::de::DeserializeOwned;

use crate::{AppError, Fen};

/// The longest text (in characters) each kind of field takes.
pub mod max {
    /// A message, an offer's or proposal's note, an evidence request.
    pub const MESSAGE: usize = 5000;
    /// A short reason: escalating, withdrawing, reopening, handing over, rejecting.
    pub const REASON: usize = 2000;
    /// Refusing first compensation, contesting a recovery.
    pub const LONG_REASON: usize = 5000;
    /// A written decision: an arbitration award's reasons, a contest's decision.
    pub const WRITTEN_DECISION: usize = 20000;
    /// A case's title.
    pub const TITLE: usize = 100;
    /// A case's narrative.
    pub const NARRATIVE: usize = 5000;
    /// An order reference.
    pub const ORDER_REF: usize = 100;
}

/// The shortest text (in characters) the fields that need substance take.
pub mod min {
    /// A case's title.
    pub const TITLE: usize = 4;
    /// A case's narrative.
    pub const NARRATIVE: usize = 10;
}

/// A text field: trimmed; empty (or absent) is `None`; longer than `max`
/// characters is refused naming `field`.
pub fn text(v: Option<&str>, field: &str, max: usize) -> Result<Option<String>, AppError> {
    let t = v.map(str::trim).unwrap_or("");
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > max {
        return Err(AppError::invalid(field, "err.text_too_long"));
    }
    Ok(Some(t.to_string()))
}

/// [`text`] that must not be empty.
pub fn required_text(v: Option<&str>, field: &str, max: usize) -> Result<String, AppError> {
    text(v, field, max)?.ok_or_else(|| AppError::invalid(field, "err.required"))
}

/// A required text of `min` to `max` characters (trimmed).
pub fn bounded_text(v: &str, field: &str, min: usize, max: usize) -> Result<String, AppError> {
    min_chars(required_text(Some(v), field, max)?, field, min)
}

/// Text of at least `min` characters (after [`text`] or [`required_text`]);
/// shorter is refused naming `field` (`err.text_too_short`).
pub fn min_chars(t: String, field: &str, min: usize) -> Result<String, AppError> {
    if t.chars().count() < min {
        return Err(AppError::invalid(field, "err.text_too_short"));
    }
    Ok(t)
}

/// A date as `YYYY-MM-DD`; empty is `None`, anything else unreadable `err.date_invalid`.
pub fn date(v: Option<&str>, field: &str) -> Result<Option<chrono::NaiveDate>, AppError> {
    match v.map(str::trim).unwrap_or("") {
        "" => Ok(None),
        t => chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::invalid(field, "err.date_invalid")),
    }
}

/// A date as people in China write it: `2026-12-01`, `2026/12/1`,
/// `2026.12.1` or `2026年12月1日` (full-width digits too; month and day with
/// or without a leading zero; spaces between the parts ignored); empty is
/// `None`, anything else — or a day the calendar lacks — `err.date_invalid`.
pub fn chinese_date(v: Option<&str>, field: &str) -> Result<Option<chrono::NaiveDate>, AppError> {
    let invalid = || AppError::invalid(field, "err.date_invalid");
    // Full-width digits and separators (０–９, －, ／, ．) as their ASCII forms.
    let t: String = v
        .unwrap_or("")
        .chars()
        .map(|c| match c {
            '０'..='９' | '－' | '／' | '．' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect();
    if t.is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = if let Some(rest) = t.strip_suffix('日') {
        let (y, rest) = rest.split_once('年').ok_or_else(invalid)?;
        let (m, d) = rest.split_once('月').ok_or_else(invalid)?;
        vec![y, m, d]
    } else {
        let sep = ['-', '/', '.']
            .into_iter()
            .find(|s| t.contains(*s))
            .ok_or_else(invalid)?;
        t.split(sep).collect()
    };
    let [y, m, d] = parts.as_slice() else {
        return Err(invalid());
    };
    let number = |s: &str, min: usize, max: usize| {
        (s.len() >= min && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (Some(y), Some(m), Some(d)) = (number(y, 4, 4), number(m, 1, 2), number(d, 1, 2)) else {
        return Err(invalid());
    };
    chrono::NaiveDate::from_ymd_opt(y as i32, m, d)
        .map(Some)
        .ok_or_else(invalid)
}

/// A value that must be present.
pub fn required<T>(v: Option<T>, field: &str) -> Result<T, AppError> {
    v.ok_or_else(|| AppError::invalid(field, "err.required"))
}

/// A form's whole number (`"12"`); empty is `None`.
pub fn whole<T: FromStr>(v: Option<&str>, field: &str) -> Result<Option<T>, AppError> {
    match v.map(str::trim).unwrap_or("") {
        "" => Ok(None),
        t => t
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid(field, "err.whole_number")),
    }
}

/// A form's amount in yuan as a person types it (`12`, `12.5`, `12.50`); empty is `None`.
pub fn yuan(v: Option<&str>, field: &str) -> Result<Option<Fen>, AppError> {
    match v.map(str::trim).unwrap_or("") {
        "" => Ok(None),
        t => Fen::parse_yuan(t)
            .map(Some)
            .ok_or_else(|| AppError::invalid(field, "err.yuan_invalid")),
    }
}

/// A form's yes/no: a checkbox's `on`, or `true`/`false`, `1`/`0`; empty is `None`.
pub fn flag(v: Option<&str>, field: &str) -> Result<Option<bool>, AppError> {
    match v.map(str::trim).unwrap_or("") {
        "" => Ok(None),
        "true" | "on" | "1" => Ok(Some(true)),
        "false" | "off" | "0" => Ok(Some(false)),
        _ => Err(AppError::invalid(field, "err.true_or_false")),
    }
}

/// A form's choice among named values (`Remedy::parse`, `Party::parse`…);
/// empty is `None`, anything else unknown is refused with `key`.
pub fn choice<T>(
    v: Option<&str>,
    field: &str,
    key: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, AppError> {
    match v.map(str::trim).unwrap_or("") {
        "" => Ok(None),
        t => parse(t)
            .map(Some)
            .ok_or_else(|| AppError::invalid(field, key)),
    }
}

/// Deserialises a JSON body into `T`, naming the field that failed: a
/// missing required field is `err.required`, a value of the wrong type or
/// out of its set `err.field_invalid`, a body that is not JSON (or not an
/// object) `err.json_invalid` on `body`.
pub fn from_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let mut value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| AppError::invalid("body", "err.json_invalid"))?;
    whole_floats_as_integers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|e| {
        let msg = e.inner().to_string();
        if let Some(rest) = msg.strip_prefix("missing field `")
            && let Some((name, _)) = rest.split_once('`')
        {
            return AppError::invalid(name, "err.required");
        }
        match last_field(e.path()) {
            Some(name) => AppError::invalid(&name, "err.field_invalid"),
            None => AppError::invalid("body", "err.json_invalid"),
        }
    })
}

/// JSON has one kind of number: `5.0` is the whole number 5 (JSON Schema's
/// `integer` says so too), so it is read as one; fractions stay fractions.
fn whole_floats_as_integers(v: &mut serde_json::Value) {
    use serde_json::Value;
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53: every whole f64 up to it is exact
    match v {
        Value::Number(n) => {
            if let Some(f) = n.as_f64()
                && !n.is_i64()
                && !n.is_u64()
                && f.fract() == 0.0
                && f.abs() <= EXACT
            {
                *v = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_floats_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_floats_as_integers),
        _ => {}
    }
}

/// The innermost named field of a deserialisation path (`items[3].amount_fen` → `amount_fen`).
fn last_field(path: &serde_path_to_error::Path) -> Option<String> {
    path.iter().rev().find_map(|seg| match seg {
        serde_path_to_error::Segment::Map { key } => Some(key.clone()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::testing::field_error as field_of;
    use super::*;
    use serde::Deserialize;

    #[test]
    fn dates_are_read_as_people_in_china_write_them() {
        let d = |v: &str| chinese_date(Some(v), "order_date");
        let dec1 = chrono::NaiveDate::from_ymd_opt(2026, 12, 1);
        for v in [
            "2026-12-01",
            "2026-12-1",
            "2026/12/1",
            "2026/12/01",
            "2026.12.1",
            "2026年12月1日",
            "2026年12月01日",
            " 2026 年 12 月 1 日 ",
            "２０２６年１２月１日",
            "２０２６／１２／０１",
        ] {
            assert_eq!(d(v), Ok(dec1), "{v}");
        }
        assert_eq!(d(""), Ok(None));
        assert_eq!(d("  "), Ok(None));
        for v in [
            "2026-02-30",
            "2026年13月1日",
            "2026年12月1",
            "12/1/2026",
            "26-12-01",
            "2026-12-01-01",
            "2026/12-01",
            "2026年12月+1日",
            "昨天",
            "2026",
        ] {
            assert_eq!(
                d(v),
                Err(AppError::invalid("order_date", "err.date_invalid")),
                "{v}"
            );
        }
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Sample {
        amount_fen: Fen,
        #[serde(default)]
        upheld: Option<bool>,
        #[serde(default)]
        note: Option<String>,
    }

    #[test]
    fn whole_numbers_written_with_a_point_are_whole_numbers() {
        let s: Sample = from_json(br#"{"amount_fen": 1250.0}"#).unwrap();
        assert_eq!(s.amount_fen, Fen(1250));
        assert_eq!(
            field_of(from_json::<Sample>(br#"{"amount_fen": 1250.5}"#).unwrap_err()),
            ("amount_fen".into(), "err.field_invalid".into())
        );
    }

    #[test]
    fn json_numbers_and_booleans_arrive_typed() {
        let s: Sample = from_json(br#"{"amount_fen": 1250, "upheld": true}"#).unwrap();
        assert_eq!(s.amount_fen, Fen(1250));
        assert_eq!(s.upheld, Some(true));
        assert_eq!(s.note, None);
    }

    #[test]
    fn json_failures_name_the_field() {
        let cases: [(&[u8], &str, &str); 7] = [
            (br#"{"upheld": true}"#, "amount_fen", "err.required"),
            (
                br#"{"amount_fen": "12"}"#,
                "amount_fen",
                "err.field_invalid",
            ),
            (br#"{"amount_fen": 1.5}"#, "amount_fen", "err.field_invalid"),
            (
                br#"{"amount_fen": 1, "upheld": "yes"}"#,
                "upheld",
                "err.field_invalid",
            ),
            (br#"{"amount_fen": 1"#, "body", "err.json_invalid"),
            (br#"[1, 2]"#, "body", "err.json_invalid"),
            (br#"{"amount_fen": 1} x"#, "body", "err.json_invalid"),
        ];
        for (body, field, key) in cases {
            let got = field_of(from_json::<Sample>(body).unwrap_err());
            assert_eq!(
                got,
                (field.to_string(), key.to_string()),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn form_text_is_trimmed_and_bounded() {
        assert_eq!(
            text(Some("  hi "), "message", 5).unwrap(),
            Some("hi".into())
        );
        assert_eq!(text(Some("   "), "message", 5).unwrap(), None);
        assert_eq!(text(None, "message", 5).unwrap(), None);
        // Characters, not bytes: five Chinese characters fit in five.
        assert_eq!(
            text(Some("商户未发货"), "message", 5).unwrap().as_deref(),
            Some("商户未发货")
        );
        assert_eq!(
            field_of(text(Some("123456"), "message", 5).unwrap_err()),
            ("message".into(), "err.text_too_long".into())
        );
        assert_eq!(
            field_of(required_text(Some(" "), "reason", 5).unwrap_err()),
            ("reason".into(), "err.required".into())
        );
    }

    #[test]
    fn form_numbers_amounts_and_flags_parse_or_name_the_field() {
        assert_eq!(whole::<u32>(Some(" 7 "), "within_days").unwrap(), Some(7));
        assert_eq!(whole::<u32>(Some(""), "within_days").unwrap(), None);
        assert_eq!(
            field_of(whole::<u32>(Some("-1"), "within_days").unwrap_err()),
            ("within_days".into(), "err.whole_number".into())
        );
        assert_eq!(yuan(Some("12.5"), "amount_fen").unwrap(), Some(Fen(1250)));
        assert_eq!(
            field_of(yuan(Some("12.345"), "amount_fen").unwrap_err()),
            ("amount_fen".into(), "err.yuan_invalid".into())
        );
        assert_eq!(flag(Some("on"), "upheld").unwrap(), Some(true));
        assert_eq!(flag(Some("false"), "upheld").unwrap(), Some(false));
        assert_eq!(flag(None, "upheld").unwrap(), None);
        assert_eq!(
            field_of(flag(Some("maybe"), "upheld").unwrap_err()),
            ("upheld".into(), "err.true_or_false".into())
        );
        assert_eq!(
            choice(Some("x"), "party", "err.party_unknown", |_| None::<u8>).unwrap_err(),
            AppError::invalid("party", "err.party_unknown")
        );
    }

    #[test]
    fn min_chars_and_dates() {
        assert_eq!(min_chars("商户".into(), "name", 2).unwrap(), "商户");
        assert_eq!(
            min_chars("商".into(), "name", 2).unwrap_err(),
            AppError::invalid("name", "err.text_too_short")
        );
        assert_eq!(
            date(Some(" 2026-11-01 "), "occurred_on").unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 1)
        );
        assert_eq!(date(Some(""), "occurred_on").unwrap(), None);
        assert_eq!(
            date(Some("2026-13-01"), "occurred_on").unwrap_err(),
            AppError::invalid("occurred_on", "err.date_invalid")
        );
    }
}

/// Helpers for the tests of the typed inputs beside each feature.
#[cfg(test)]
pub(crate) mod testing {
    use std::fmt::Debug;

    use serde::de::DeserializeOwned;

    use crate::AppError;

    /// An error's field and key (any other error fails the test).
    pub fn field_error(e: AppError) -> (String, String) {
        match e {
            AppError::Invalid { field, key } => (field, key),
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    /// A change to a good input, and the field and key it must be refused with.
    pub type Refusal<'a, T> = (fn(&mut T), &'a str, &'a str);

    /// Each change to `good` makes `check` refuse it naming `field` with `key`.
    pub fn assert_refused<T: Clone + Debug, R: Debug>(
        good: &T,
        cases: &[Refusal<'_, T>],
        check: impl Fn(&T) -> Result<R, AppError>,
    ) {
        for (change, field, key) in cases {
            let mut x = good.clone();
            change(&mut x);
            let got = field_error(check(&x).expect_err(&format!("{x:?}")));
            assert_eq!(got, (field.to_string(), key.to_string()), "{x:?}");
        }
    }

    /// Each body fails to deserialise into `T` naming `field` with `key`.
    pub fn assert_json_refused<T: DeserializeOwned + Debug>(cases: &[(&str, &str, &str)]) {
        for (body, field, key) in cases {
            let got = field_error(super::from_json::<T>(body.as_bytes()).expect_err(body));
            assert_eq!(got, (field.to_string(), key.to_string()), "{body}");
        }
    }
}
