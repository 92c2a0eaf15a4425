//! E-mail addresses, parsed once and stored lower-cased.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain.tld` with no spaces, at most 254 characters;
    /// the result is trimmed and lower-cased so one person has one account.
    pub fn parse(raw: &str) -> Option<Email> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() || s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return None;
        }
        let (local, domain) = s.split_once('@')?;
        if local.is_empty() || local.len() > 64 || domain.contains('@') {
            return None;
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2
            || labels
                .iter()
                .any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-'))
        {
            return None;
        }
        Some(Email(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn valid_addresses_are_normalised() {
        assert_eq!(
            Email::parse("  Li.Wei@Example.CN ").unwrap().as_str(),
            "li.wei@example.cn"
        );
        assert!(Email::parse("a+b@mail.example.com").is_some());
    }

    #[test]
    fn invalid_addresses_are_refused() {
        for bad in [
            "", "abc", "@x.cn", "a@", "a@b", "a b@c.cn", "a@b@c.cn", "a@-b.cn", "a@b..cn",
        ] {
            assert!(Email::parse(bad).is_none(), "{bad:?} should be refused");
        }
    }
}
