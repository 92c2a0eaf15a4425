//! A consumer's real-name identity (实名认证): a real name and a resident
//! ID number (居民身份证号码, GB 11643-1999), parsed once here; and the
//! rule which case steps require one.
//!
//! The number is checked for its shape only (18 characters, a province
//! that exists, a birth date that exists and is not in the future, the
//! ISO 7064 mod 11-2 check character): nobody asks the police registry.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::AppError;

/// The weights of the first 17 digits (2^(17-i) mod 11).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder of the weighted sum mod 11.
const CHECK: &[u8; 11] = b"10X98765432";
/// The province-level codes (GB/T 2260) a number may start with; 71, 81,
/// 82 and 83 are Taiwan, Hong Kong, Macao and the residence permits of
/// their residents.
const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

/// A resident ID number whose shape holds: 17 digits and a check
/// character (0-9 or upper-case X).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ResidentId(String);

/// Why a text is not a resident ID number; each names what is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResidentIdError {
    /// Not 18 characters.
    Length,
    /// Something other than 17 digits and a final digit or X.
    Characters,
    /// The first two digits are no province.
    Region,
    /// The birth date (digits 7–14) does not exist or is after today.
    Date,
    /// The 18th character does not match the mod 11-2 check.
    Checksum,
}

impl ResidentIdError {
    pub fn key(self) -> &'static str {
        match self {
            ResidentIdError::Length => "err.resident_id.length",
            ResidentIdError::Characters => "err.resident_id.characters",
            ResidentIdError::Region => "err.resident_id.region",
            ResidentIdError::Date => "err.resident_id.date",
            ResidentIdError::Checksum => "err.resident_id.checksum",
        }
    }
}

impl From<ResidentIdError> for AppError {
    fn from(e: ResidentIdError) -> AppError {
        AppError::invalid("resident_id", e.key())
    }
}

/// The check character of the first 17 digits of a number.
pub fn check_char(first17: &[u8]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize] as char
}

impl ResidentId {
    /// Trims surrounding spaces, upper-cases a final x, and checks the
    /// length, the characters, the province, the birth date (not after
    /// `today`, not before 1900) and the check character, in that order.
    pub fn parse(raw: &str, today: NaiveDate) -> Result<ResidentId, ResidentIdError> {
        let s = raw.trim();
        if s.chars().count() != 18 {
            return Err(ResidentIdError::Length);
        }
        let s = s.to_ascii_uppercase();
        let b = s.as_bytes();
        if b.len() != 18
            || !b[..17].iter().all(u8::is_ascii_digit)
            || !(b[17].is_ascii_digit() || b[17] == b'X')
        {
            return Err(ResidentIdError::Characters);
        }
        let province = (b[0] - b'0') * 10 + (b[1] - b'0');
        if !PROVINCES.contains(&province) {
            return Err(ResidentIdError::Region);
        }
        let birth =
            NaiveDate::parse_from_str(&s[6..14], "%Y%m%d").map_err(|_| ResidentIdError::Date)?;
        let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).ok_or(ResidentIdError::Date)?;
        if birth > today || birth < earliest {
            return Err(ResidentIdError::Date);
        }
        if check_char(&b[..17]) != b[17] as char {
            return Err(ResidentIdError::Checksum);
        }
        Ok(ResidentId(s))
    }

    /// The full number: only for encryption and the keyed hash, and for
    /// staff who gave a reason.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form shown everywhere: the first four and last four characters
    /// (`3301**********123X`), as `pii::scrub` masks numbers in texts.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks an 18-character number to its first and last four characters.
pub fn mask(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    if chars.len() != 18 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[14..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(10))
}

/// Never prints the number (a stray `{:?}` in a log line stays harmless).
impl std::fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ResidentId({})", self.masked())
    }
}

/// A person's real name: 2 to 40 characters, Chinese (with the middle dot
/// of transliterated names, 买买提·艾力) or Latin letters with spaces,
/// hyphens, apostrophes and dots; no digits. Inner runs of spaces become
/// one; `•` and `・` become `·`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RealName(String);

impl RealName {
    pub fn parse(raw: &str) -> Result<RealName, AppError> {
        let mut s = String::new();
        for word in raw.split_whitespace() {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(word);
        }
        let s: String = s
            .chars()
            .map(|c| {
                if matches!(c, '•' | '・' | '‧') {
                    '·'
                } else {
                    c
                }
            })
            .collect();
        if s.is_empty() {
            return Err(AppError::invalid("real_name", "err.required"));
        }
        let n = s.chars().count();
        if !(2..=40).contains(&n) {
            return Err(AppError::invalid("real_name", "err.real_name.length"));
        }
        let han = |c: char| ('\u{3400}'..='\u{9fff}').contains(&c) || c == '\u{3007}';
        let latin = |c: char| c.is_alphabetic() && (c as u32) < 0x0250;
        let ok = s
            .chars()
            .all(|c| han(c) || latin(c) || matches!(c, '·' | ' ' | '-' | '\'' | '.'));
        let starts_well = s.chars().next().is_some_and(|c| han(c) || latin(c));
        let ends_well = s
            .chars()
            .last()
            .is_some_and(|c| han(c) || latin(c) || c == '.');
        if !ok || !starts_well || !ends_well {
            return Err(AppError::invalid("real_name", "err.real_name.characters"));
        }
        Ok(RealName(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a consumer sent to add their identity.
#[derive(Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentityInput {
    /// 2–40 characters: Chinese (with ·) or Latin letters; no digits.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 40))]
    pub real_name: String,
    /// 18 characters: 17 digits and a check digit or X.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 18, max_length = 18, pattern = "^[0-9]{17}[0-9Xx]$")
    )]
    pub resident_id: String,
}

/// Never prints the number (a stray `{:?}` in a log line stays harmless).
impl std::fmt::Debug for IdentityInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityInput")
            .field("real_name", &self.real_name)
            .field("resident_id", &"…")
            .finish()
    }
}

impl IdentityInput {
    /// Both fields parsed; the first wrong one is named.
    pub fn parse(&self, today: NaiveDate) -> Result<(RealName, ResidentId), AppError> {
        let name = RealName::parse(&self.real_name)?;
        let id = ResidentId::parse(&self.resident_id, today)?;
        Ok((name, id))
    }
}

/// An identity as everyone may see it: the number always masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentityView {
    /// The real name: in full to its owner and to staff, masked (张*) to merchants.
    pub real_name: String,
    /// `3301**********123X`.
    pub resident_id_masked: String,
    pub verified_at: DateTime<Utc>,
}

/// An identity unmasked for staff who gave a reason (the read is logged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevealedIdentity {
    pub real_name: String,
    pub resident_id: String,
    pub verified_at: DateTime<Utc>,
}

/// The consumer's identity as one reader of a case sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseIdentity {
    /// None: the consumer has not verified an identity. The name is masked
    /// (张*) for the merchant and for staff without a reason.
    pub identity: Option<IdentityView>,
    /// The full number: only for staff who gave a reason (`?reveal=`),
    /// and that read is in the personal-data access log.
    pub resident_id: Option<String>,
}

/// The case steps a configuration may make depend on an identity
/// (`GONGDAO_REAL_NAME_REQUIRED`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuardedStep {
    /// The consumer applies for first compensation.
    FirstCompensation,
    /// The consumer takes the case to arbitration (today: reopening a
    /// mediated settlement that was not honoured).
    Arbitration,
}

impl GuardedStep {
    pub const ALL: [GuardedStep; 2] = [GuardedStep::FirstCompensation, GuardedStep::Arbitration];

    pub fn as_str(self) -> &'static str {
        match self {
            GuardedStep::FirstCompensation => "first_compensation",
            GuardedStep::Arbitration => "arbitration",
        }
    }

    pub fn parse(s: &str) -> Option<GuardedStep> {
        GuardedStep::ALL
            .into_iter()
            .find(|g| g.as_str() == s.trim())
    }

    /// The message a consumer without an identity gets for this step.
    pub fn refusal(self) -> AppError {
        let key = match self {
            GuardedStep::FirstCompensation => "err.identity.required_first_compensation",
            GuardedStep::Arbitration => "err.identity.required_arbitration",
        };
        AppError::conflict("identity", key)
    }
}

/// Which guarded step (if any) the consumer's action `event` is, given
/// the case's status before and after it. Only the consumer's own actions
/// are guarded: a mediator's escalation or an elapsed deadline moves the
/// case on regardless, so a case never stalls on the consumer's papers.
pub fn guarded_step(
    actor: &crate::cases::Actor,
    event: &crate::cases::Event,
    before: crate::cases::Status,
    after: crate::cases::Status,
) -> Option<GuardedStep> {
    use crate::cases::{Actor, Event, Party, Status};
    if *actor != Actor::Party(Party::Consumer) {
        return None;
    }
    if *event == Event::ApplyFirstCompensation {
        return Some(GuardedStep::FirstCompensation);
    }
    if after == Status::InArbitration && before != Status::InArbitration {
        return Some(GuardedStep::Arbitration);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
    }

    /// A valid number from its first 17 digits.
    fn complete(first17: &str) -> String {
        format!("{first17}{}", check_char(first17.as_bytes()))
    }

    #[test]
    fn known_numbers() {
        // The standard's own example, a common test number, one born in 1900.
        for ok in [
            "11010519491231002X",
            "110101199003074514",
            "440524190001010017",
        ] {
            assert_eq!(ResidentId::parse(ok, today()).unwrap().as_str(), ok);
        }
        assert_eq!(
            ResidentId::parse(" 11010519491231002x ", today())
                .unwrap()
                .as_str(),
            "11010519491231002X"
        );
        let id = ResidentId::parse("330106199001011234", today());
        assert_eq!(id, Err(ResidentIdError::Checksum));
        let ok = complete("33010619900101123");
        let id = ResidentId::parse(&ok, today()).unwrap();
        assert_eq!(id.masked(), format!("3301**********{}", &ok[14..]));
        assert!(!format!("{id:?}").contains(&ok));
    }

    #[test]
    fn each_kind_of_wrong_number_is_named() {
        use ResidentIdError::*;
        let cases = [
            ("11010519491231002", Length),
            ("11010519491231002XX", Length),
            ("", Length),
            ("1101051949123100 X", Characters),
            ("11010519491231002Y", Characters),
            ("X10105194912310020", Characters),
            ("１１0105194912310020", Characters),
            ("001051194912310020", Region),
            ("99010519491231002X", Region),
            ("110105194902300020", Date),
            ("110105194913010020", Date),
            ("110105189912310020", Date),
            ("11010519491231002A", Characters),
            ("110101199003074519", Checksum),
        ];
        for (raw, want) in cases {
            assert_eq!(ResidentId::parse(raw, today()), Err(want), "{raw}");
        }
        // Born tomorrow: a date in the future.
        let tomorrow = complete("11010520261207002");
        assert_eq!(ResidentId::parse(&tomorrow, today()), Err(Date));
        let born_today = complete("11010520261206002");
        assert!(ResidentId::parse(&born_today, today()).is_ok());
    }

    #[test]
    fn real_names() {
        for ok in [
            "张伟",
            "买买提·艾力",
            "欧阳娜娜",
            "John Smith",
            "Zoë O'Neil-Brown",
            "Li Na",
        ] {
            assert_eq!(RealName::parse(ok).unwrap().as_str(), ok);
        }
        assert_eq!(
            RealName::parse(" 买买提•艾力 ").unwrap().as_str(),
            "买买提·艾力"
        );
        assert_eq!(
            RealName::parse("John   Smith").unwrap().as_str(),
            "John Smith"
        );
        let key = |raw: &str| match RealName::parse(raw) {
            Err(AppError::Invalid { field, key }) => {
                assert_eq!(field, "real_name");
                key
            }
            other => panic!("{raw}: {other:?}"),
        };
        assert_eq!(key("张"), "err.real_name.length");
        assert_eq!(key(&"张".repeat(41)), "err.real_name.length");
        assert_eq!(key("张三3"), "err.real_name.characters");
        assert_eq!(key("R2D2"), "err.real_name.characters");
        assert_eq!(key("·张三"), "err.real_name.characters");
        assert_eq!(key("张三@"), "err.real_name.characters");
        assert_eq!(key("  "), "err.required");
    }

    /// A valid first 17 digits: a real province, a date from 1900 to today.
    fn first17() -> impl Strategy<Value = String> {
        (
            prop::sample::select(PROVINCES),
            0u32..10_000,
            0i64..(today() - NaiveDate::from_ymd_opt(1900, 1, 1).unwrap()).num_days(),
            0u32..1000,
        )
            .prop_map(|(p, area, days, seq)| {
                let birth =
                    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
                format!("{p:02}{area:04}{}{seq:03}", birth.format("%Y%m%d"))
            })
    }

    proptest! {
        #[test]
        fn generated_valid_numbers_parse(f in first17()) {
            let n = complete(&f);
            prop_assert_eq!(ResidentId::parse(&n, today()).map(|i| i.as_str().to_string()), Ok(n.clone()));
            prop_assert_eq!(ResidentId::parse(&n.to_lowercase(), today()).map(|i| i.as_str().to_string()), Ok(n));
        }

        #[test]
        fn every_one_character_change_is_refused(
            f in first17(),
            at in 0usize..18,
            to in prop::sample::select(b"0123456789X".to_vec()),
        ) {
            let n = complete(&f);
            let mut changed = n.clone().into_bytes();
            prop_assume!(changed[at] != to);
            changed[at] = to;
            let changed = String::from_utf8(changed).unwrap();
            prop_assert!(ResidentId::parse(&changed, today()).is_err(), "{} accepted", changed);
        }
    }
}
