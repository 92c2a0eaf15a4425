//! The regulators' bulk exports of cases and of the public complaint
//! records (`GET /api/v1/regulator/export/cases|complaints`), read in pages
//! by id and encoded by [`crate::export`]. Cases: the consumer's name,
//! email and order reference masked and the texts scrubbed, unless the
//! regulator gives a reason — then the export is unmasked and one row of
//! the personal-data access log records it. Complaint records: exactly what
//! the public sees (closed, published cases, texts scrubbed).

use chrono::{DateTime, NaiveDate, Utc};
use domain::{AppError, UserView};
use entities::case;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};

use crate::db::internal_error;
use crate::export::{ExportRow, Page, inert};

/// Which cases an export covers: filed in `from..=to` (Beijing dates, each
/// end open when absent), ids above the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Range {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Range {
    /// Checks `from` and `to` (dates, in order).
    pub fn parse(from: Option<&str>, to: Option<&str>) -> Result<Range, AppError> {
        let from = domain::input::date(from, "from")?;
        let to = domain::input::date(to, "to")?;
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(AppError::invalid("to", "err.search.date_order"));
        }
        Ok(Range { from, to })
    }

    fn cases(&self, after: i32) -> sea_orm::Select<case::Entity> {
        let mut q = case::Entity::find().filter(case::Column::Id.gt(after));
        if let Some(f) = self.from.and_then(|f| f.pred_opt()) {
            q = q.filter(case::Column::CreatedAt.gte(domain::calendar::end_of_local_day(f)));
        }
        if let Some(t) = self.to {
            q = q.filter(case::Column::CreatedAt.lt(domain::calendar::end_of_local_day(t)));
        }
        q.order_by_asc(case::Column::Id)
    }
}

/// One case's line of the export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRow {
    pub id: i32,
    pub number: String,
    pub filed_at: DateTime<Utc>,
    pub merchant_id: i32,
    pub merchant_name: String,
    pub category: String,
    pub status: String,
    /// A `cases::Outcome` name once closed; empty otherwise.
    pub outcome: String,
    pub amount_paid_fen: i64,
    pub amount_claimed_fen: i64,
    pub first_compensation: String,
    /// Masked (张*) unless the export is unmasked.
    pub consumer_name: String,
    /// Masked (z***@example.com) unless the export is unmasked.
    pub consumer_email: String,
    /// Masked (TB*********01) unless the export is unmasked.
    pub order_ref: String,
    pub title: String,
    pub narrative: String,
}

impl ExportRow for CaseRow {
    const HEADER: &'static [&'static str] = &[
        "id",
        "number",
        "filed_at",
        "merchant_id",
        "merchant_name",
        "category",
        "status",
        "outcome",
        "amount_paid_fen",
        "amount_claimed_fen",
        "first_compensation",
        "consumer_name",
        "consumer_email",
        "order_ref",
        "title",
        "narrative",
    ];

    fn id(&self) -> i32 {
        self.id
    }

    fn inert(&self) -> Self {
        CaseRow {
            number: inert(&self.number),
            merchant_name: inert(&self.merchant_name),
            category: inert(&self.category),
            status: inert(&self.status),
            outcome: inert(&self.outcome),
            first_compensation: inert(&self.first_compensation),
            consumer_name: inert(&self.consumer_name),
            consumer_email: inert(&self.consumer_email),
            order_ref: inert(&self.order_ref),
            title: inert(&self.title),
            narrative: inert(&self.narrative),
            ..self.clone()
        }
    }
}

/// Checks the caller and, for an unmasked export, writes its row of the
/// personal-data access log (no single case: case and consumer 0; the
/// fields say which export and range). Call before the first page.
pub async fn start(
    svc: &crate::Services,
    viewer: &UserView,
    what: &str,
    range: Range,
    reason: Option<&str>,
) -> Result<(), AppError> {
    crate::export::authorize(viewer)?;
    if let Some(reason) = reason {
        let span = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let fields = format!(
            "export:{what} {}..{}: name,email,order_ref,narrative",
            span(range.from),
            span(range.to)
        );
        super::privacy::log_export(&svc.db, viewer, &fields, reason, svc.clock.now()).await?;
    }
    Ok(())
}

/// The next page of the case export after id `after`.
pub async fn cases_page<C: ConnectionTrait>(
    conn: &C,
    range: Range,
    after: i32,
    unmasked: bool,
) -> Result<Page<CaseRow>, AppError> {
    let rows = range
        .cases(after)
        .limit(crate::export::PAGE)
        .all(conn)
        .await
        .map_err(internal_error)?;
    let next = next_cursor(&rows);
    let merchants = crate::record::merchant_names(conn, rows.iter().map(|c| c.merchant_id)).await?;
    let consumers = crate::record::names_and_emails(conn, rows.iter().map(|c| c.consumer_id))
        .await
        .map_err(internal_error)?;
    let rows = rows
        .into_iter()
        .map(|c| {
            let (name, email) = consumers.get(&c.consumer_id).cloned().unwrap_or_default();
            let outcome = serde_json::from_str::<domain::cases::Case>(&c.state)
                .ok()
                .and_then(|s| s.outcome())
                .map(|o| o.as_str().to_string())
                .unwrap_or_default();
            let (consumer_name, consumer_email, order_ref, title, narrative) = if unmasked {
                (name, email, c.order_ref, c.title, c.narrative)
            } else {
                let local = email.split('@').next().unwrap_or_default().to_string();
                let names = [name.as_str(), local.as_str()];
                (
                    domain::cases::mask_name(&name),
                    domain::pii::scrub(&email),
                    domain::pii::mask_ref(&c.order_ref),
                    domain::pii::scrub_public(&c.title, &names),
                    domain::pii::scrub_public(&c.narrative, &names),
                )
            };
            CaseRow {
                id: c.id,
                number: c.number,
                filed_at: c.created_at,
                merchant_id: c.merchant_id,
                merchant_name: merchants.get(&c.merchant_id).cloned().unwrap_or_default(),
                category: c.category,
                status: c.status,
                outcome,
                amount_paid_fen: c.amount_paid_fen,
                amount_claimed_fen: c.amount_claimed_fen,
                first_compensation: c.first_compensation.unwrap_or_default(),
                consumer_name,
                consumer_email,
                order_ref,
                title,
                narrative,
            }
        })
        .collect();
    Ok(Page { rows, next })
}

/// A full page may have more after it; a short one is the last.
fn next_cursor(rows: &[case::Model]) -> Option<i32> {
    if (rows.len() as u64) < crate::export::PAGE {
        None
    } else {
        rows.last().map(|c| c.id)
    }
}

/// One public complaint record's line of the export (as published).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintRow {
    pub id: i32,
    pub number: String,
    pub merchant_id: i32,
    pub merchant_name: String,
    pub category: String,
    pub outcome: String,
    pub filed_on: NaiveDate,
    pub closed_on: NaiveDate,
    pub title: String,
    pub narrative: String,
}

impl ExportRow for ComplaintRow {
    const HEADER: &'static [&'static str] = &[
        "id",
        "number",
        "merchant_id",
        "merchant_name",
        "category",
        "outcome",
        "filed_on",
        "closed_on",
        "title",
        "narrative",
    ];

    fn id(&self) -> i32 {
        self.id
    }

    fn inert(&self) -> Self {
        ComplaintRow {
            number: inert(&self.number),
            merchant_name: inert(&self.merchant_name),
            category: inert(&self.category),
            outcome: inert(&self.outcome),
            title: inert(&self.title),
            narrative: inert(&self.narrative),
            ..self.clone()
        }
    }
}

/// The next page of the public complaint records (closed cases whose
/// consumer allowed publication, scrubbed as the public index has them)
/// after case id `after`.
pub async fn complaints_page<C: ConnectionTrait>(
    conn: &C,
    range: Range,
    after: i32,
) -> Result<Page<ComplaintRow>, AppError> {
    let rows = range
        .cases(after)
        .filter(case::Column::PublishNarrative.eq(true))
        .filter(case::Column::Status.eq(domain::cases::Status::Closed.as_str()))
        .limit(crate::export::PAGE)
        .all(conn)
        .await
        .map_err(internal_error)?;
    let next = next_cursor(&rows);
    let docs = crate::search::complaints::load_docs(conn, rows)
        .await
        .map_err(|e| {
            tracing::error!("complaint export: {e}");
            AppError::Internal
        })?;
    let rows = docs
        .into_iter()
        .map(|d| ComplaintRow {
            id: d.id,
            number: d.number,
            merchant_id: d.merchant_id,
            merchant_name: d.merchant_name,
            category: d.category,
            outcome: d.outcome,
            filed_on: d.filed_on,
            closed_on: d.closed_on,
            title: d.title,
            narrative: d.narrative,
        })
        .collect();
    Ok(Page { rows, next })
}
