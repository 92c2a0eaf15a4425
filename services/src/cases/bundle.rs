//! A case's bundle (`GET /api/v1/cases/{id}/bundle`): the facts, the whole
//! trail with everything its hashes cover, the evidence files and a signed
//! manifest, in one zip anyone can check offline (`bundle` crate).
//!
//! Who reads what follows the rest of the case: the consumer who filed gets
//! their data unmasked; staff who handle the case or state a reason too
//! (logged as `bundle`); everyone else who may read the case (the
//! merchant, other consumers of a collective case, staff without a
//! reason) gets personal data masked. A masked bundle still verifies: an
//! entry whose body would show a phone, ID number or email carries the
//! body's salted commitment and the masked text instead of the body and
//! its salt (hash scheme 2, `bundle::chain`).

use bundle::chain::{Entry, body_commitment};
use bundle::write::{Contents, EvidenceSource};
use domain::{AppError, UserView};
use entities::evidence;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::privacy::{self, Exposure};
use crate::Services;
use crate::db::internal_error;
use crate::record::{load_readable, trail};

/// A bundle ready to send: an unnamed temporary file (gone once closed),
/// read from its start.
pub struct BundleFile {
    pub file: std::fs::File,
    pub len: u64,
    pub case_number: String,
}

/// The entry as a reader who may not see personal data gets it: unchanged
/// when masking changes nothing, else with its body withheld.
fn masked(mut e: Entry) -> Entry {
    let Some(body) = e.body.clone() else {
        return e;
    };
    // Compared as values: the stored text keeps its fields' order, a
    // value written back out sorts them.
    let shown = match serde_json::from_str::<serde_json::Value>(&body) {
        Ok(v) => {
            let mut scrubbed = v.clone();
            privacy::scrub_strings(&mut scrubbed);
            if scrubbed == v {
                return e;
            }
            scrubbed.to_string()
        }
        Err(_) if domain::pii::scrub(&body) == body => return e,
        Err(_) => domain::pii::scrub(&body),
    };
    if let Some(salt) = e.body_salt.take() {
        e.body_commitment = Some(body_commitment(&salt, &body));
    }
    e.body = None;
    e.body_redacted = Some(shown);
    e
}

/// An internal entry (screening) for a reader who may not read it: its
/// body withheld entirely, its salted commitment kept so the chain verifies.
fn withheld(mut e: Entry) -> Entry {
    // Only a salted (scheme 2) entry can be withheld and still verify;
    // internal entries are never older than that scheme.
    let (Some(body), Some(salt)) = (e.body.clone(), e.body_salt.clone()) else {
        return masked(e);
    };
    e.body = None;
    e.body_salt = None;
    e.body_commitment = Some(body_commitment(&salt, &body));
    e.body_redacted = Some("{\"withheld\":\"internal\"}".into());
    e
}

/// Makes the bundle of case `case_id` for `viewer` (404 for whoever may
/// not read the case). `reveal`: staff's reason to see personal data.
pub async fn make(
    svc: &Services,
    viewer: &UserView,
    case_id: i32,
    reveal: Option<&str>,
) -> Result<BundleFile, AppError> {
    let (c, m) = load_readable(&svc.db, viewer, case_id).await?;
    let exposure = privacy::exposure(viewer, &c, reveal);
    if let Exposure::Logged(why) = &exposure {
        privacy::log_access(svc, viewer, &c, "bundle", why).await?;
    }
    let is_masked = exposure == Exposure::Masked;
    let facts = super::read::view_of(svc, viewer, &c, &m, is_masked).await?;
    let facts_json = serde_json::to_vec_pretty(&facts).map_err(|_| AppError::Internal)?;
    let entries: Vec<Entry> = trail::entries(&svc.db, case_id)
        .await?
        .iter()
        .map(|stored| {
            (
                crate::record::reads_entry(viewer, &c, stored),
                trail::as_entry(stored),
            )
        })
        .map(|(readable, e)| {
            if !readable {
                withheld(e)
            } else if is_masked {
                masked(e)
            } else {
                e
            }
        })
        .collect();
    let evidence: Vec<EvidenceSource> = evidence::Entity::find()
        .filter(evidence::Column::CaseId.eq(case_id))
        .order_by_asc(evidence::Column::Id)
        .all(&svc.db)
        .await
        .map_err(internal_error)?
        .into_iter()
        .map(|e| EvidenceSource {
            id: e.id,
            file: crate::blobs::path(svc, &e.sha256),
            file_name: if is_masked {
                domain::pii::scrub(&e.file_name)
            } else {
                e.file_name
            },
            sha256: e.sha256,
            size: e.size.max(0) as u64,
        })
        .collect();
    let key = crate::signing::current(svc).await?;
    let issued_at = trail::at_text(svc.clock.now());
    let view = if is_masked { "masked" } else { "full" };
    let dir = svc.config.data_dir.clone();
    let number = c.number.clone();
    let made = tokio::task::spawn_blocking(move || -> Result<BundleFile, String> {
        use std::io::{Seek, SeekFrom};
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let file = tempfile::tempfile_in(&dir).map_err(|e| e.to_string())?;
        let out = std::io::BufWriter::new(file);
        let out = bundle::write::write(
            out,
            &Contents {
                case_number: &number,
                case_id,
                facts_json: &facts_json,
                entries: &entries,
                evidence: &evidence,
                view,
                issued_at: &issued_at,
            },
            &key,
        )?;
        let mut file = out.into_inner().map_err(|e| e.to_string())?;
        let len = file.seek(SeekFrom::End(0)).map_err(|e| e.to_string())?;
        file.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
        Ok(BundleFile {
            file,
            len,
            case_number: number,
        })
    })
    .await
    .map_err(|e| {
        tracing::error!("bundle of case {case_id}: {e}");
        AppError::Internal
    })?;
    made.map_err(|e| {
        tracing::error!("bundle of case {case_id}: {e}");
        AppError::Internal
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bodies_with_personal_data_are_withheld() {
        let salt = "00112233445566778899aabbccddeeff".to_string();
        let entry = |body: &str| Entry {
            seq: 1,
            at: "2026-12-01T00:00:00.000000Z".into(),
            actor_id: Some(1),
            actor_role: "consumer".into(),
            kind: "message".into(),
            hash_scheme: 2,
            body: Some(body.into()),
            body_salt: Some(salt.clone()),
            body_commitment: None,
            body_redacted: None,
            prev_hash: bundle::chain::GENESIS.into(),
            hash: String::new(),
        };
        let plain = entry(r#"{"message":"快递三天没到"}"#);
        assert_eq!(masked(plain.clone()), plain);
        let body = r#"{"message":"电话13912345678"}"#;
        let m = masked(entry(body));
        assert_eq!((m.body.as_deref(), m.body_salt.as_deref()), (None, None));
        assert_eq!(m.body_commitment, Some(body_commitment(&salt, body)));
        assert!(m.body_redacted.unwrap().contains("139****5678"));
    }
}
