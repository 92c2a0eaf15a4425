//! Filing a complaint.

use chrono::{DateTime, NaiveDate, Utc};
use domain::calendar::WorkingCalendar;
use domain::cases::{
    Case, CaseView, Category, Complaint, ComplaintInput, Demand, LogisticsFields, LogisticsPart,
    MerchantRef, Remedy, Transition,
};
use domain::merchant::MerchantKind;
use domain::{AppError, Fen, Role, UserView};
use entities::{case, merchant};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, QueryFilter,
};
use serde::Serialize;

use super::get_case;
use crate::Services;
use crate::db::{conflict_on_unique, internal_error};
use crate::record::{calendar, notice, trail};

#[derive(Serialize)]
struct Filed<'a> {
    category: &'a str,
    title: &'a str,
    narrative: &'a str,
    order_ref: &'a str,
    order_date: NaiveDate,
    amount_paid_fen: i64,
    amount_claimed_fen: i64,
    remedy: &'a str,
    demand: &'a str,
    publish_narrative: bool,
    status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    waybill: Option<&'a str>,
    /// The number of the other case of the same complaint.
    #[serde(skip_serializing_if = "Option::is_none")]
    linked_case: Option<&'a str>,
    /// The platform that sent the complaint in (受理渠道), and its id for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    received_via: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_id: Option<&'a str>,
}

/// A consumer files a complaint. Refused as a duplicate (409) when the same
/// consumer has an open case against the same merchant for the same order.
///
/// A complaint that also names a logistics company (`logistics`) files two
/// cases in the one transaction — against the merchant for the goods, and
/// against the logistics company for the delivery (category `delivery`,
/// remedy compensation) — each pointing at the other (`linked_case_id`):
/// both or neither. Each then runs on its own with its own subject. The
/// answer is the case against the merchant.
///
/// Errors about the merchant name `merchant_field` (`merchant_id` in the
/// API, `merchant` in the form).
pub async fn file_case(
    svc: &Services,
    user: &UserView,
    input: &ComplaintInput,
    merchant_field: &str,
) -> Result<CaseView, AppError> {
    if user.role != Role::Consumer {
        return Err(AppError::Forbidden);
    }
    let now = svc.clock.now();
    let complaint = input.check(now, merchant_field)?;
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let (id, _) = file_checked(svc, &txn, user, &complaint, merchant_field, None, now).await?;
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    get_case(svc, user, id).await
}

/// A file sent with a complaint: the name it was sent with (a label only)
/// and its bytes.
pub struct EvidenceFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The field that names evidence files in errors (the form's file input).
pub const EVIDENCE_FIELD: &str = "evidence";

/// Checks `files` for a filing that already holds files of `kept` sizes (a
/// draft's): how many and how large together, then each by the evidence
/// rule (`domain::files`; a refused file is named). Returns each with its
/// cleaned name and its type.
pub(crate) fn check_files<'a>(
    files: &'a [EvidenceFile],
    kept: &[usize],
) -> Result<Vec<(String, &'static str, &'a EvidenceFile)>, AppError> {
    let sizes: Vec<usize> = kept
        .iter()
        .copied()
        .chain(files.iter().map(|f| f.bytes.len()))
        .collect();
    domain::files::check_filing(&sizes, EVIDENCE_FIELD)?;
    let mut checked = Vec::with_capacity(files.len());
    for f in files {
        let name = crate::blobs::clean_name(&f.name, EVIDENCE_FIELD);
        let content_type = domain::files::check_named(&f.bytes, EVIDENCE_FIELD, &name)?;
        checked.push((name, content_type, f));
    }
    Ok(checked)
}

/// Stores files [`check_files`] passed in the blob store: each as (name,
/// type, size, SHA-256). The hashes this call was first to write go to
/// `written`, for `blobs::discard` when what follows fails.
pub(crate) async fn store_checked<'a>(
    svc: &Services,
    checked: &'a [(String, &'static str, &EvidenceFile)],
    written: &mut Vec<String>,
) -> Result<Vec<(&'a str, &'static str, usize, String)>, AppError> {
    let mut stored = Vec::with_capacity(checked.len());
    for (name, content_type, f) in checked {
        let (sha, fresh) = crate::blobs::store_fresh(svc, &f.bytes).await?;
        if fresh {
            written.push(sha.clone());
        }
        stored.push((name.as_str(), *content_type, f.bytes.len(), sha));
    }
    Ok(stored)
}

/// A consumer files a complaint together with its evidence files: both or
/// neither. Every file is checked first (the rule of `domain::files`, the
/// same as the case page's upload; a refused file is named in the error);
/// then the files are stored, and the case, its evidence rows and their
/// trail entries are written in one transaction. When anything after the
/// first stored file fails, the files this filing wrote are removed again
/// (`blobs::discard`), so a refused filing leaves no case, no row and no
/// file behind. The files belong to the case against the merchant.
pub async fn file_case_with_evidence(
    svc: &Services,
    user: &UserView,
    input: &ComplaintInput,
    files: &[EvidenceFile],
    merchant_field: &str,
) -> Result<CaseView, AppError> {
    if user.role != Role::Consumer {
        return Err(AppError::Forbidden);
    }
    let now = svc.clock.now();
    let complaint = input.check(now, merchant_field)?;
    let checked = check_files(files, &[])?;
    let mut written = Vec::new();
    let result = async {
        let stored = store_checked(svc, &checked, &mut written).await?;
        let files: Vec<super::evidence::Stored<'_>> = stored
            .iter()
            .map(|(name, content_type, size, sha)| super::evidence::Stored {
                name,
                content_type,
                size: *size,
                sha256: sha,
            })
            .collect();
        let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
        let id = file_with_files(svc, &txn, user, &complaint, &files, merchant_field, now).await?;
        txn.commit().await.map_err(internal_error)?;
        Ok::<_, AppError>(id)
    }
    .await;
    let id = match result {
        Ok(id) => id,
        Err(e) => {
            crate::blobs::discard(svc, &written).await;
            return Err(e);
        }
    };
    svc.outbox_wake.notify_one();
    get_case(svc, user, id).await
}

/// Files a checked complaint for `user` in `txn` with its files, already in
/// the store: the case (and the linked one, if any), then each file's
/// evidence row and trail entry on the case against the merchant. The
/// caller commits. Returns the case's id.
pub(crate) async fn file_with_files(
    svc: &Services,
    txn: &DatabaseTransaction,
    user: &UserView,
    complaint: &Complaint,
    files: &[super::evidence::Stored<'_>],
    merchant_field: &str,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    let (id, _) = file_checked(svc, txn, user, complaint, merchant_field, None, now).await?;
    for file in files {
        super::evidence::attach(txn, user, id, file, now).await?;
    }
    Ok(id)
}

/// Where a complaint came from when an organisation (an e-commerce platform)
/// sent it in bulk: the case records it, and its own id for the complaint.
pub struct Source<'a> {
    pub org_id: i32,
    pub org_name: &'a str,
    pub external_id: &'a str,
}

/// Files a checked complaint for `user` (a consumer) in `txn`: the case (and
/// the linked case against a logistics company, if named), their trail,
/// notices, screening and credit recomputation. The caller commits. Returns
/// the id and number of the case against the merchant.
pub(crate) async fn file_checked(
    svc: &Services,
    txn: &DatabaseTransaction,
    user: &UserView,
    complaint: &Complaint,
    merchant_field: &str,
    source: Option<&Source<'_>>,
    now: DateTime<Utc>,
) -> Result<(i32, String), AppError> {
    let Parties {
        merchant: m,
        logistics: lm,
    } = parties(txn, user, complaint, merchant_field).await?;
    let cal = calendar::current(svc, txn).await?;

    let goods = Part {
        category: complaint.category,
        narrative: complaint.narrative.clone(),
        claimed: complaint.order.claimed,
        remedy: complaint.remedy,
        demand: complaint.demand,
    };
    let mut filed = vec![insert_case(txn, user, complaint, &m, &goods, source, &cal, now).await?];
    if let Some((lm, part)) = lm {
        let delivery = Part {
            category: Category::Delivery,
            narrative: part.narrative,
            claimed: part.claimed,
            remedy: Remedy::Compensation,
            demand: Demand::Compensation,
        };
        let mut second = insert_case(txn, user, complaint, &lm, &delivery, None, &cal, now).await?;
        let ids = [filed[0].0.id, second.0.id];
        for (id, other) in [(ids[0], ids[1]), (ids[1], ids[0])] {
            case::Entity::update_many()
                .col_expr(case::Column::LinkedCaseId, Expr::value(other))
                .filter(case::Column::Id.eq(id))
                .exec(txn)
                .await
                .map_err(internal_error)?;
        }
        filed[0].0.linked_case_id = Some(ids[1]);
        second.0.linked_case_id = Some(ids[0]);
        filed.push(second);
    }
    for (i, (c, subject, t)) in filed.iter().enumerate() {
        let linked = if filed.len() == 2 {
            filed.get(1 - i)
        } else {
            None
        };
        let record = Filed {
            category: &c.category,
            title: &c.title,
            narrative: &c.narrative,
            order_ref: &c.order_ref,
            order_date: c.order_date,
            amount_paid_fen: c.amount_paid_fen,
            amount_claimed_fen: c.amount_claimed_fen,
            remedy: &c.remedy,
            demand: &c.demand,
            publish_narrative: c.publish_narrative,
            status: t.case.status.as_str(),
            waybill: c.waybill.as_deref(),
            linked_case: linked.map(|(l, _, _)| l.number.as_str()),
            received_via: c.source_org_id.and(source.map(|s| s.org_name)),
            external_id: c.external_id.as_deref(),
        };
        trail::append(
            txn,
            c.id,
            now,
            Some(user.id),
            user.role.as_str(),
            "filed",
            &record,
        )
        .await?;
        // The platform that sent the case hears of it (same transaction).
        crate::webhooks::on_case_event(
            txn,
            c,
            domain::webhooks::EventType::Filed,
            t.case.status.as_str(),
            now,
        )
        .await?;
        notice::case_step(svc, txn, c, subject, &t.case, &t.notify, Some(user.id)).await?;
        // Screening marks the case for staff and may tell the consumer; it never
        // changes the case's status or deadlines.
        super::screening::at_filing(svc, txn, c, now).await?;
        crate::credit::recompute_later(txn, subject.id, now).await?;
    }
    Ok((filed[0].0.id, filed[0].0.number.clone()))
}

/// The merchants a checked complaint names, found and fit for it.
pub(crate) struct Parties {
    pub merchant: merchant::Model,
    /// The logistics company of the delivery part, and that part.
    pub logistics: Option<(merchant::Model, LogisticsPart)>,
}

/// Finds the merchants `complaint` names and checks what only the database
/// knows: they exist, a logistics company's complaint has a waybill, the
/// delivery part names a logistics company other than the merchant, and
/// `user` has no open complaint about the same order with either. Used by
/// filing (in its transaction) and by a draft's review (before filing).
pub(crate) async fn parties<C: ConnectionTrait>(
    conn: &C,
    user: &UserView,
    complaint: &Complaint,
    merchant_field: &str,
) -> Result<Parties, AppError> {
    let logistics_field = if merchant_field == "merchant" {
        LogisticsFields::FORM.merchant
    } else {
        LogisticsFields::API.merchant
    };
    let m = find_merchant(conn, &complaint.merchant, merchant_field).await?;
    if m.kind == MerchantKind::Logistics.as_str() && complaint.waybill.is_none() {
        return Err(AppError::invalid("waybill", "err.waybill.required"));
    }
    let lm = match &complaint.logistics {
        None => None,
        Some(part) => {
            let lm = find_merchant(conn, &part.merchant, logistics_field).await?;
            if lm.kind != MerchantKind::Logistics.as_str() {
                return Err(AppError::invalid(
                    logistics_field,
                    "err.logistics.not_logistics",
                ));
            }
            if lm.id == m.id {
                return Err(AppError::invalid(
                    logistics_field,
                    "err.logistics.same_merchant",
                ));
            }
            Some((lm, part.clone()))
        }
    };
    let order_ref = &complaint.order.order_ref;
    if super::collective::has_open_order(conn, user.id, m.id, order_ref).await? {
        return Err(AppError::conflict("order_ref", "err.case_duplicate"));
    }
    if let Some((lm, _)) = &lm
        && super::collective::has_open_order(conn, user.id, lm.id, order_ref).await?
    {
        return Err(AppError::conflict("order_ref", "err.case_duplicate"));
    }
    Ok(Parties {
        merchant: m,
        logistics: lm,
    })
}

/// What differs between the two cases of one complaint.
struct Part {
    category: Category,
    narrative: String,
    claimed: Fen,
    remedy: Remedy,
    demand: Demand,
}

/// Inserts one case of `complaint` against `subject` and gives it its number.
#[allow(clippy::too_many_arguments)]
async fn insert_case(
    txn: &DatabaseTransaction,
    user: &UserView,
    complaint: &Complaint,
    subject: &merchant::Model,
    part: &Part,
    source: Option<&Source<'_>>,
    cal: &WorkingCalendar,
    now: DateTime<Utc>,
) -> Result<(case::Model, merchant::Model, Transition), AppError> {
    // A merchant on the confirmed black list gets its complaints straight in mediation.
    let black_listed = crate::credit::lists::status_of(txn, subject.id).await?.1;
    let t = Case::file(part.claimed, now, cal, black_listed);
    let state = serde_json::to_string(&t.case).map_err(|_| AppError::Internal)?;
    let order = &complaint.order;
    let inserted = case::ActiveModel {
        number: Set(format!("tmp-{}", rand::random::<u64>())),
        consumer_id: Set(user.id),
        merchant_id: Set(subject.id),
        category: Set(part.category.as_str().into()),
        title: Set(complaint.title.clone()),
        narrative: Set(part.narrative.clone()),
        order_ref: Set(order.order_ref.clone()),
        order_date: Set(order.order_date),
        amount_paid_fen: Set(order.paid.0),
        amount_claimed_fen: Set(part.claimed.0),
        remedy: Set(part.remedy.as_str().into()),
        demand: Set(part.demand.as_str().into()),
        publish_narrative: Set(complaint.publish_narrative),
        status: Set(t.case.status.as_str().into()),
        owner_id: Set(None),
        next_deadline_at: Set(t.case.next_deadline()),
        waybill: Set(complaint.waybill.clone()),
        linked_case_id: Set(None),
        source_org_id: Set(source.map(|s| s.org_id)),
        external_id: Set(source.map(|s| s.external_id.to_string())),
        state: Set(state),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(conflict_on_unique("order_ref", "err.case_duplicate"))?;
    let number = format!(
        "GD{}-{:06}",
        domain::calendar::local_date(now).format("%Y%m%d"),
        inserted.id
    );
    case::Entity::update_many()
        .col_expr(case::Column::Number, Expr::value(number.clone()))
        .filter(case::Column::Id.eq(inserted.id))
        .exec(txn)
        .await
        .map_err(internal_error)?;
    Ok((case::Model { number, ..inserted }, subject.clone(), t))
}

async fn find_merchant<C: sea_orm::ConnectionTrait>(
    conn: &C,
    key: &MerchantRef,
    field: &str,
) -> Result<merchant::Model, AppError> {
    crate::merchants::by_ref(conn, key)
        .await?
        .ok_or_else(|| AppError::invalid(field, "err.merchant_unknown"))
}
