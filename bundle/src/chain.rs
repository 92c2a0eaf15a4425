//! The trail's hash rule, the one definition the server (appending and
//! `verify-trails`) and the offline verifier share.
//!
//! An entry's hash is SHA-256 over its parts, each followed by one NUL byte:
//!
//! - scheme 1 (entries written before bundles existed): `prev_hash`,
//!   `case_id`, `seq`, `at` (RFC 3339, microseconds, `Z`), `actor_id` (empty
//!   for the system), `actor_role`, `kind`, `body`;
//! - scheme 2 (every entry since): the text `gongdao-trail-2`, then the same
//!   parts with `body` replaced by its commitment
//!   `hex(SHA-256(body_salt ‖ NUL ‖ body))`, `body_salt` being 32 random hex
//!   digits kept with the entry.
//!
//! Scheme 2 lets a bundle leave a body out (personal data the reader may not
//! see) and keep the chain checkable: the redacted entry carries the
//! commitment instead of the salt and body. The salt keeps the commitment
//! from being guessed back: a masked phone `139****5678` leaves only 10⁴
//! candidates, which an unsalted hash of the body would give away.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The scheme new entries are written with.
pub const CURRENT_SCHEME: i32 = 2;

/// The first part of a scheme-2 hash. A scheme-1 hash starts with a 64-digit
/// hash instead, so the two can never be read as each other.
const SCHEME_2_TAG: &str = "gongdao-trail-2";

/// What an entry's hash covers besides its predecessor's hash and its body.
pub struct Content<'a> {
    pub case_id: i32,
    pub seq: i32,
    /// RFC 3339 with microseconds and `Z`, as stored.
    pub at: &'a str,
    pub actor_id: Option<i32>,
    pub actor_role: &'a str,
    pub kind: &'a str,
}

/// `hex(SHA-256(salt ‖ NUL ‖ body))`.
pub fn body_commitment(salt: &str, body: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update([0u8]);
    h.update(body.as_bytes());
    hex::encode(h.finalize())
}

/// The hash of an entry. `body_part` is the body itself under scheme 1 and
/// its commitment under scheme 2; `None` for an unknown scheme.
pub fn entry_hash(scheme: i32, prev: &str, c: &Content, body_part: &str) -> Option<String> {
    let mut h = Sha256::new();
    let mut part = |p: &str| {
        h.update(p.as_bytes());
        h.update([0u8]);
    };
    match scheme {
        1 => {}
        2 => part(SCHEME_2_TAG),
        _ => return None,
    }
    part(prev);
    part(&c.case_id.to_string());
    part(&c.seq.to_string());
    part(c.at);
    part(&c.actor_id.map(|a| a.to_string()).unwrap_or_default());
    part(c.actor_role);
    part(c.kind);
    part(body_part);
    Some(hex::encode(h.finalize()))
}

/// One trail entry as a bundle carries it (and as the server checks its
/// own rows). A full entry has `body` (and under scheme 2 `body_salt`); a
/// redacted one has `body_redacted` (the text with personal data masked,
/// not covered by the hash) and, under scheme 2, `body_commitment`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: i32,
    pub at: String,
    pub actor_id: Option<i32>,
    pub actor_role: String,
    pub kind: String,
    pub hash_scheme: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_salt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_commitment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_redacted: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl Entry {
    fn content(&self, case_id: i32) -> Content<'_> {
        Content {
            case_id,
            seq: self.seq,
            at: &self.at,
            actor_id: self.actor_id,
            actor_role: &self.actor_role,
            kind: &self.kind,
        }
    }

    /// The part of the hash standing for the body, from what the entry
    /// carries: `Ok(None)` when it cannot be known (a scheme-1 body left out).
    fn body_part(&self) -> Result<Option<String>, String> {
        match (self.hash_scheme, &self.body) {
            (1, Some(body)) => Ok(Some(body.clone())),
            (1, None) => Ok(None),
            (2, Some(body)) => {
                let salt = self
                    .body_salt
                    .as_deref()
                    .ok_or_else(|| format!("entry {}: body without its salt", self.seq))?;
                let c = body_commitment(salt, body);
                if let Some(given) = &self.body_commitment
                    && *given != c
                {
                    return Err(format!(
                        "entry {}: hash does not match its content (body edited?)",
                        self.seq
                    ));
                }
                Ok(Some(c))
            }
            (2, None) => self
                .body_commitment
                .clone()
                .map(Some)
                .ok_or_else(|| format!("entry {}: neither a body nor its commitment", self.seq)),
            (s, _) => Err(format!("entry {}: unknown hash scheme {s}", self.seq)),
        }
    }

    /// This entry's hash recomputed from its content (`None` when its
    /// content is withheld and the scheme cannot cover for it).
    pub fn recompute(&self, case_id: i32) -> Result<Option<String>, String> {
        Ok(self.body_part()?.and_then(|b| {
            entry_hash(
                self.hash_scheme,
                &self.prev_hash,
                &self.content(case_id),
                &b,
            )
        }))
    }
}

/// Where a chain breaks: the entry at which it was found (its `seq`) and
/// what does not match, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    pub seq: i32,
    pub reason: String,
}

/// A whole chain: its length, its head and the entries whose content could
/// not be checked (scheme-1 entries whose body was withheld: their hashes
/// are taken as given, their links are checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    pub length: usize,
    pub head: String,
    pub unchecked: Vec<i32>,
}

fn short(h: &str) -> &str {
    h.get(..12).unwrap_or(h)
}

/// Recomputes a case's chain from the first entry; names the first entry
/// that does not match.
pub fn verify_chain(case_id: i32, entries: &[Entry]) -> Result<Chain, Break> {
    let mut prev = GENESIS.to_string();
    let mut unchecked = vec![];
    for (i, e) in entries.iter().enumerate() {
        let expected = i as i32 + 1;
        let broken = |reason: String| Break { seq: e.seq, reason };
        if e.seq != expected {
            return Err(broken(if e.seq > expected && expected == 1 {
                format!("entry 1 missing: the trail starts at entry {}", e.seq)
            } else if e.seq > expected {
                format!(
                    "entry {expected} missing: entry {} follows entry {} (its previous hash {}… is not entry {}'s hash {}…)",
                    e.seq,
                    expected - 1,
                    short(&e.prev_hash),
                    expected - 1,
                    short(&prev)
                )
            } else {
                format!("entry {}: out of order after entry {}", e.seq, expected - 1)
            }));
        }
        if e.prev_hash != prev && expected == 1 {
            return Err(broken(format!(
                "entry 1: its previous hash {}… is not the chain's start {}… (entries before it removed?)",
                short(&e.prev_hash),
                short(GENESIS)
            )));
        }
        if e.prev_hash != prev {
            return Err(broken(format!(
                "entry {}: its previous hash {}… is not entry {}'s hash {}… (an entry before it edited, removed or replaced?)",
                e.seq,
                short(&e.prev_hash),
                expected - 1,
                short(&prev)
            )));
        }
        match e.recompute(case_id).map_err(broken)? {
            Some(h) if h == e.hash => {}
            Some(_) => {
                return Err(broken(format!(
                    "entry {}: hash does not match its content (body edited?)",
                    e.seq
                )));
            }
            None => unchecked.push(e.seq),
        }
        prev = e.hash.clone();
    }
    Ok(Chain {
        length: entries.len(),
        head: prev,
        unchecked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(prev: &str, seq: i32, scheme: i32, body: &str) -> Entry {
        let mut e = Entry {
            seq,
            at: format!("2026-12-01T08:00:0{seq}.123456Z"),
            actor_id: Some(7),
            actor_role: "consumer".into(),
            kind: "message".into(),
            hash_scheme: scheme,
            body: Some(body.into()),
            body_salt: (scheme == 2).then(|| format!("{seq:032x}")),
            body_commitment: None,
            body_redacted: None,
            prev_hash: prev.into(),
            hash: String::new(),
        };
        e.hash = e.recompute(3).unwrap().unwrap();
        e
    }

    fn chain(schemes: &[i32]) -> Vec<Entry> {
        let mut out: Vec<Entry> = vec![];
        for (i, s) in schemes.iter().enumerate() {
            let prev = out.last().map_or(GENESIS.to_string(), |e| e.hash.clone());
            out.push(entry(
                &prev,
                i as i32 + 1,
                *s,
                &format!("{{\"message\":\"电话13912345678 #{i}\"}}"),
            ));
        }
        out
    }

    #[test]
    fn scheme_1_is_the_rule_the_trail_always_had() {
        // The hash of a scheme-1 entry, computed by hand over the NUL-separated parts.
        let e = entry(GENESIS, 1, 1, "{}");
        let mut h = Sha256::new();
        for p in [
            GENESIS,
            "3",
            "1",
            "2026-12-01T08:00:01.123456Z",
            "7",
            "consumer",
            "message",
            "{}",
        ] {
            h.update(p.as_bytes());
            h.update([0u8]);
        }
        assert_eq!(e.hash, hex::encode(h.finalize()));
    }

    #[test]
    fn a_mixed_chain_verifies_and_each_kind_of_tampering_is_named() {
        let good = chain(&[1, 1, 2, 2, 2]);
        let c = verify_chain(3, &good).unwrap();
        assert_eq!(
            (c.length, c.head.as_str(), c.unchecked.len()),
            (5, good[4].hash.as_str(), 0)
        );

        let mut edited = good.clone();
        edited[3].body = Some("{\"message\":\"我们从未收到投诉\"}".into());
        let b = verify_chain(3, &edited).unwrap_err();
        assert_eq!(b.seq, 4);
        assert!(
            b.reason
                .contains("entry 4: hash does not match its content"),
            "{}",
            b.reason
        );

        let mut removed = good.clone();
        removed.remove(2);
        let b = verify_chain(3, &removed).unwrap_err();
        assert!(
            b.reason
                .starts_with("entry 3 missing: entry 4 follows entry 2"),
            "{}",
            b.reason
        );

        let first = verify_chain(3, &good[1..]).unwrap_err();
        assert_eq!(
            (first.seq, first.reason.as_str()),
            (2, "entry 1 missing: the trail starts at entry 2")
        );

        // Rehashing an edited entry leaves the next one pointing at the old hash.
        let mut rehashed = good.clone();
        rehashed[1].body = Some("{}".into());
        rehashed[1].hash = rehashed[1].recompute(3).unwrap().unwrap();
        let b = verify_chain(3, &rehashed).unwrap_err();
        assert_eq!(b.seq, 3);
        assert!(b.reason.contains("previous hash"), "{}", b.reason);

        // Another case's entries do not verify as this case's.
        assert_eq!(verify_chain(4, &good).unwrap_err().seq, 1);
    }

    #[test]
    fn a_redacted_scheme_2_entry_still_verifies_by_its_commitment() {
        let mut c = chain(&[1, 2, 2]);
        for e in &mut c[1..] {
            let body = e.body.take().unwrap();
            e.body_commitment = Some(body_commitment(e.body_salt.as_ref().unwrap(), &body));
            e.body_salt = None;
            e.body_redacted = Some(body.replace("13912345678", "139****5678"));
        }
        // A withheld scheme-1 body cannot be recomputed: its hash is taken as given.
        c[0].body_redacted = c[0]
            .body
            .take()
            .map(|b| b.replace("13912345678", "139****5678"));
        let ok = verify_chain(3, &c).unwrap();
        assert_eq!(ok.unchecked, vec![1]);
        // Changing a commitment is found.
        c[2].body_commitment = Some(body_commitment("00", "{}"));
        assert!(
            verify_chain(3, &c)
                .unwrap_err()
                .reason
                .contains("entry 3: hash does not match")
        );
    }
}
