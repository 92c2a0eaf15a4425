//! Unified social credit code (统一社会信用代码, GB 32100-2015).

use serde::{Deserialize, Serialize};

const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A USCC whose outer checksum holds, in upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Uscc(String);

/// Why a code is not a valid USCC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsccError {
    /// A 15-digit registration number from before 2015.
    Legacy,
    /// Not 18 characters.
    Length,
    /// A character outside the GB 32100 set (I, O, S, V, Z, punctuation…).
    Charset,
    /// The 18th character does not match the checksum.
    Checksum,
}

impl UsccError {
    pub fn key(self) -> &'static str {
        match self {
            UsccError::Legacy => "err.uscc_legacy",
            UsccError::Length => "err.uscc_length",
            UsccError::Charset => "err.uscc_charset",
            UsccError::Checksum => "err.uscc_checksum",
        }
    }
}

impl Uscc {
    /// Normalises (trims, removes inner spaces, upper-cases) and checks the code.
    pub fn parse(raw: &str) -> Result<Uscc, UsccError> {
        let s: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if s.len() == 15 && s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(UsccError::Legacy);
        }
        if s.chars().count() != 18 {
            return Err(UsccError::Length);
        }
        let mut values = [0u32; 18];
        for (i, b) in s.bytes().enumerate() {
            values[i] = CHARSET
                .iter()
                .position(|c| *c == b)
                .ok_or(UsccError::Charset)? as u32;
        }
        let sum: u32 = values[..17].iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
        let check = (31 - sum % 31) % 31;
        if values[17] != check {
            return Err(UsccError::Checksum);
        }
        Ok(Uscc(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Uscc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verified_valid_codes_parse() {
        for ok in [
            "91110106102167290A",
            "9111000010000106X1",
            "91110102MA00CFMR4A",
        ] {
            assert_eq!(Uscc::parse(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn lowercase_and_spaces_are_normalised() {
        assert_eq!(
            Uscc::parse(" 91110102ma00cfmr4a ").unwrap().as_str(),
            "91110102MA00CFMR4A"
        );
        assert_eq!(
            Uscc::parse("911101 0610216 7290a").unwrap().as_str(),
            "91110106102167290A"
        );
    }

    #[test]
    fn verified_invalid_codes_are_refused_with_the_reason() {
        assert_eq!(Uscc::parse("91340000148941325J"), Err(UsccError::Checksum));
        assert_eq!(Uscc::parse("91510100201920161Y"), Err(UsccError::Checksum));
        assert_eq!(Uscc::parse("110000410227029"), Err(UsccError::Legacy));
        assert_eq!(Uscc::parse("9111000010000106"), Err(UsccError::Length));
        assert_eq!(Uscc::parse("91110106102167290I"), Err(UsccError::Charset));
    }
}
