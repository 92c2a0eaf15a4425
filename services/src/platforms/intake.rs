//! The bulk intake: an e-commerce platform posts the complaints it received
//! as NDJSON, one per line. Each line is checked by the rules of filing and
//! filed in its own transaction — a bad line never loses the good ones, and
//! a line is reported `created` only after its commit — idempotently by
//! (organisation, `external_id`): the unique index on the case decides, so
//! a re-post (or two at once) files nothing twice.
//!
//! The consumer: an account with the line's address is used (it must be a
//! consumer's, not deleted or deactivated); otherwise a consumer account is
//! made, unverified and without a password, and mailed an invitation to set
//! one and follow the case. The merchant is found by USCC; an unknown USCC
//! rejects the line, as a consumer's own filing refuses it.

use domain::platforms::{
    IntakeComplaint, IntakeLine, LineError, LineOutcome, LineResult, MAX_BODY_BYTES, MAX_LINES,
    Scope,
};
use domain::{AppError, Lang, Role};
use entities::case;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::OrgCaller;
use crate::Services;
use crate::accounts::invite;
use crate::cases::{Source, file_checked};
use crate::db::internal_error;

/// Files every line of `body`; the results in the order of the lines.
/// 413 beyond [`MAX_BODY_BYTES`], 422 beyond [`MAX_LINES`] lines or with no
/// line at all (naming `body`).
pub async fn intake(
    svc: &Services,
    org: &OrgCaller,
    body: &[u8],
    lang: Lang,
) -> Result<Vec<LineResult>, AppError> {
    org.require(Scope::CasesWrite)?;
    if body.len() > MAX_BODY_BYTES {
        return Err(AppError::PayloadTooLarge);
    }
    let lines: Vec<(u32, &[u8])> = body
        .split(|b| *b == b'\n')
        .enumerate()
        .map(|(i, l)| (u32::try_from(i + 1).unwrap_or(u32::MAX), l.trim_ascii()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return Err(AppError::invalid("body", "err.platform.no_lines"));
    }
    if lines.len() > MAX_LINES {
        return Err(AppError::invalid("body", "err.platform.too_many_lines"));
    }
    let mut results = Vec::with_capacity(lines.len());
    let mut created = 0;
    for (n, line) in lines {
        let r = one_line(svc, org, n, line, lang).await;
        if r.result == LineOutcome::Created {
            created += 1;
        }
        results.push(r);
    }
    tracing::info!(
        organisation = org.organisation_id,
        lines = results.len(),
        created,
        "platform intake"
    );
    Ok(results)
}

async fn one_line(svc: &Services, org: &OrgCaller, n: u32, line: &[u8], lang: Lang) -> LineResult {
    let rejected = |external_id: Option<String>, e: &AppError| LineResult {
        line: n,
        external_id,
        result: LineOutcome::Rejected,
        case_id: None,
        case_number: None,
        errors: vec![LineError::of(e, lang)],
    };
    let parsed = match IntakeLine::parse(line) {
        Ok(p) => p,
        Err(e) => return rejected(domain::platforms::external_id_of(line), &e),
    };
    let given = Some(parsed.external_id.clone());
    // A known id is a duplicate before anything else is judged: the same
    // file again answers the same cases, even if a rule changed since.
    if let Ok(id) = domain::platforms::external_id(&parsed.external_id) {
        match existing(svc, org, &id).await {
            Ok(Some(r)) => return duplicate(n, given, r),
            Ok(None) => {}
            Err(e) => return rejected(given, &e),
        }
    }
    let checked = match parsed.check(svc.clock.now()) {
        Ok(c) => c,
        Err(e) => return rejected(given, &e),
    };
    match file(svc, org, &checked, lang).await {
        Ok((id, number)) => LineResult {
            line: n,
            external_id: given,
            result: LineOutcome::Created,
            case_id: Some(id),
            case_number: Some(number),
            errors: vec![],
        },
        Err(e) => {
            // Another post of the same id may have committed meanwhile.
            if let Ok(Some(r)) = existing(svc, org, &checked.external_id).await {
                return duplicate(n, given, r);
            }
            rejected(given, &e)
        }
    }
}

fn duplicate(n: u32, external_id: Option<String>, c: (i32, String)) -> LineResult {
    LineResult {
        line: n,
        external_id,
        result: LineOutcome::Duplicate,
        case_id: Some(c.0),
        case_number: Some(c.1),
        errors: vec![],
    }
}

/// The case this organisation filed under `external_id`, if any.
async fn existing(
    svc: &Services,
    org: &OrgCaller,
    external_id: &str,
) -> Result<Option<(i32, String)>, AppError> {
    Ok(case::Entity::find()
        .filter(case::Column::SourceOrgId.eq(org.organisation_id))
        .filter(case::Column::ExternalId.eq(external_id))
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .map(|c| (c.id, c.number)))
}

/// One line in one transaction: the consumer (found or invited) and the case.
async fn file(
    svc: &Services,
    org: &OrgCaller,
    line: &IntakeComplaint,
    lang: Lang,
) -> Result<(i32, String), AppError> {
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let (consumer, invited) = match invite::find(&txn, &line.consumer_email).await? {
        Some(u) => {
            let usable = u.role == Role::Consumer.as_str()
                && u.deleted_at.is_none()
                && u.deactivated_at.is_none();
            if !usable {
                return Err(AppError::invalid(
                    "consumer.email",
                    "err.platform.consumer_not_consumer",
                ));
            }
            (u, false)
        }
        None => (
            invite::create(&txn, &line.consumer_email, &line.consumer_name, lang, now).await?,
            true,
        ),
    };
    let user = crate::accounts::view(&consumer);
    let source = Source {
        org_id: org.organisation_id,
        org_name: &org.name,
        external_id: &line.external_id,
    };
    let (id, number) = file_checked(
        svc,
        &txn,
        &user,
        &line.complaint,
        "merchant_uscc",
        Some(&source),
        now,
    )
    .await?;
    if invited {
        invite::queue_invitation(svc, &txn, &consumer, &org.name, &number).await?;
    }
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    Ok((id, number))
}
