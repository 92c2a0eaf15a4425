//! Money is integer fen (分); never a float.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Fen(pub i64);

impl Fen {
    /// Parses a yuan amount as typed by a person (`12`, `12.5`, `12.50`) into fen.
    /// More than two decimals, signs and non-digits are refused.
    pub fn parse_yuan(raw: &str) -> Option<Fen> {
        let s = raw.trim();
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i, f),
            None => (s, ""),
        };
        if int.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > 2
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let yuan: i64 = int.parse().ok()?;
        let mut f: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().ok()?
        };
        if frac.len() == 1 {
            f *= 10;
        }
        yuan.checked_mul(100)?.checked_add(f).map(Fen)
    }

    /// `¥1,234.50`-style display without grouping: `1234.50`.
    pub fn yuan_string(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", a / 100, a % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::Fen;

    #[test]
    fn yuan_text_parses_to_fen() {
        assert_eq!(Fen::parse_yuan("12"), Some(Fen(1200)));
        assert_eq!(Fen::parse_yuan("12.5"), Some(Fen(1250)));
        assert_eq!(Fen::parse_yuan("0.07"), Some(Fen(7)));
        for bad in ["", "-1", "1.234", "1,00", "abc", ".5"] {
            assert_eq!(Fen::parse_yuan(bad), None, "{bad}");
        }
    }

    #[test]
    fn fen_displays_as_yuan() {
        assert_eq!(Fen(123450).yuan_string(), "1234.50");
        assert_eq!(Fen(-5).yuan_string(), "-0.05");
    }
}
