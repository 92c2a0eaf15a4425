//! The manifest: the exact bytes the server signs. It is the file
//! `manifest.txt` of a bundle, UTF-8, lines ending in LF, in this order:
//!
//! ```text
//! gongdao-bundle 1
//! case <case number> <case id>
//! facts <hex SHA-256 of case.json>
//! trail <number of entries> <hash of the last entry (the chain head)>
//! evidence <hex SHA-256> <size in bytes> <path in the bundle>     (one line per file, zero or more)
//! view full|masked
//! issued <RFC 3339 UTC time, microseconds, Z>
//! key <key id>
//! ```
//!
//! `manifest.sig` holds the 64-byte Ed25519 signature of exactly these
//! bytes (raw, as `openssl pkeyutl -sign -rawin` writes it). The key id is
//! the first 16 hex digits of SHA-256 of the 32-byte public key.

use std::fmt::Write;

pub const MAGIC: &str = "gongdao-bundle 1";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceLine {
    pub sha256: String,
    pub size: u64,
    /// Where the file is inside the bundle (`evidence/…`), no spaces.
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub case_number: String,
    pub case_id: i32,
    pub facts_sha256: String,
    pub trail_length: usize,
    pub trail_head: String,
    pub evidence: Vec<EvidenceLine>,
    /// `full` (the consumer, staff with a need) or `masked` (personal data
    /// withheld: the merchant, staff without a stated reason).
    pub view: String,
    pub issued_at: String,
    pub key_id: String,
}

/// A word of a line: no spaces or line ends inside.
fn word(s: &str) -> bool {
    !s.is_empty() && !s.chars().any(char::is_whitespace)
}

impl Manifest {
    /// The canonical text (the signed bytes).
    pub fn to_text(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(t, "{MAGIC}");
        let _ = writeln!(t, "case {} {}", self.case_number, self.case_id);
        let _ = writeln!(t, "facts {}", self.facts_sha256);
        let _ = writeln!(t, "trail {} {}", self.trail_length, self.trail_head);
        for e in &self.evidence {
            let _ = writeln!(t, "evidence {} {} {}", e.sha256, e.size, e.path);
        }
        let _ = writeln!(t, "view {}", self.view);
        let _ = writeln!(t, "issued {}", self.issued_at);
        let _ = writeln!(t, "key {}", self.key_id);
        t
    }

    /// Reads a manifest; refuses anything that is not exactly the canonical
    /// text of what it says (so what was signed is what is read).
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let bad = |what: &str| format!("manifest.txt: {what}");
        let mut lines = text.lines();
        if lines.next() != Some(MAGIC) {
            return Err(bad(&format!("does not start with {MAGIC:?}")));
        }
        let mut field = |name: &str, n: usize| -> Result<Vec<String>, String> {
            let line = lines
                .next()
                .ok_or_else(|| bad(&format!("no {name} line")))?;
            let parts: Vec<&str> = line.split(' ').collect();
            if parts.len() != n + 1 || parts[0] != name || !parts[1..].iter().all(|p| word(p)) {
                return Err(bad(&format!("expected a {name} line, found {line:?}")));
            }
            Ok(parts[1..].iter().map(|s| s.to_string()).collect())
        };
        let case = field("case", 2)?;
        let facts = field("facts", 1)?;
        let trail = field("trail", 2)?;
        let number = |s: &str, what: &str| {
            s.parse::<u64>()
                .map_err(|_| bad(&format!("{what} {s:?} is not a number")))
        };
        let mut evidence = vec![];
        let mut rest: Vec<&str> = text.lines().skip(4).collect();
        while rest.first().is_some_and(|l| l.starts_with("evidence ")) {
            let parts: Vec<&str> = rest[0].split(' ').collect();
            if parts.len() != 4 || !parts[1..].iter().all(|p| word(p)) {
                return Err(bad(&format!("bad evidence line {:?}", rest[0])));
            }
            evidence.push(EvidenceLine {
                sha256: parts[1].into(),
                size: number(parts[2], "evidence size")?,
                path: parts[3].into(),
            });
            rest.remove(0);
        }
        let tail = |i: usize, name: &str| -> Result<String, String> {
            let line = rest.get(i).ok_or_else(|| bad(&format!("no {name} line")))?;
            line.strip_prefix(&format!("{name} "))
                .filter(|v| word(v))
                .map(str::to_string)
                .ok_or_else(|| bad(&format!("expected a {name} line, found {line:?}")))
        };
        let m = Manifest {
            case_number: case[0].clone(),
            case_id: case[1]
                .parse()
                .map_err(|_| bad(&format!("case id {:?} is not a number", case[1])))?,
            facts_sha256: facts[0].clone(),
            trail_length: number(&trail[0], "trail length")? as usize,
            trail_head: trail[1].clone(),
            evidence,
            view: tail(0, "view")?,
            issued_at: tail(1, "issued")?,
            key_id: tail(2, "key")?,
        };
        if m.to_text() != text {
            return Err(bad(
                "not in its canonical form (extra lines, spaces or line ends)",
            ));
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_reads_back_and_nothing_else_does() {
        let m = Manifest {
            case_number: "GD20261201000012".into(),
            case_id: 12,
            facts_sha256: "ab".repeat(32),
            trail_length: 7,
            trail_head: "cd".repeat(32),
            evidence: vec![EvidenceLine {
                sha256: "ef".repeat(32),
                size: 1234,
                path: "evidence/3-发票.pdf".into(),
            }],
            view: "masked".into(),
            issued_at: "2026-12-06T19:40:00.000000Z".into(),
            key_id: "0123456789abcdef".into(),
        };
        let t = m.to_text();
        assert_eq!(Manifest::parse(&t).unwrap(), m);
        assert!(t.ends_with("\nkey 0123456789abcdef\n"));
        assert!(Manifest::parse(&t.replace('\n', "\r\n")).is_err());
        assert!(Manifest::parse(&format!("{t}extra\n")).is_err());
        assert!(Manifest::parse(&t.replace("trail 7", "trail  7")).is_err());
        let none = Manifest {
            evidence: vec![],
            ..m
        };
        assert_eq!(Manifest::parse(&none.to_text()).unwrap(), none);
    }
}
