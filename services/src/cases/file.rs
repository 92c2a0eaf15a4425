//! Filing a complaint.

use chrono::NaiveDate;
use domain::cases::{Case, CaseView, Category, MAX_AMOUNT, Remedy};
use domain::{AppError, Fen, Role, Uscc, UserView};
use entities::{case, merchant};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

use super::{calendar, get_case, notify, trail};
use crate::Services;
use crate::accounts::{internal_error, is_unique_violation};

/// A complaint as it arrives from the form or the API: every field text,
/// amounts in whole fen.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawCase {
    /// The merchant's id, or its USCC.
    pub merchant: String,
    pub category: String,
    pub title: String,
    pub narrative: String,
    pub order_ref: String,
    /// `YYYY-MM-DD`.
    pub order_date: String,
    pub amount_paid_fen: String,
    pub amount_claimed_fen: String,
    pub remedy: String,
    pub publish_narrative: bool,
}

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
    publish_narrative: bool,
    status: &'a str,
}

pub(crate) fn fen(v: &str, field: &str) -> Result<Fen, AppError> {
    let t = v.trim();
    if t.is_empty() {
        return Err(AppError::invalid(field, "err.required"));
    }
    let n: i64 = t
        .parse()
        .map_err(|_| AppError::invalid(field, "err.whole_fen"))?;
    if n < 0 {
        return Err(AppError::invalid(field, "err.amount_negative"));
    }
    if Fen(n) > MAX_AMOUNT {
        return Err(AppError::invalid(field, "err.amount_too_large"));
    }
    Ok(Fen(n))
}

pub(crate) fn bounded(v: &str, field: &str, min: usize, max: usize) -> Result<String, AppError> {
    let t = v.trim();
    let n = t.chars().count();
    if n == 0 {
        return Err(AppError::invalid(field, "err.required"));
    }
    if n < min {
        return Err(AppError::invalid(field, "err.text_too_short"));
    }
    if n > max {
        return Err(AppError::invalid(field, "err.text_too_long"));
    }
    Ok(t.to_string())
}

/// An order date: a real date, not in the future, not before 2000.
pub(crate) fn order_date(
    v: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<NaiveDate, AppError> {
    let d = NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid("order_date", "err.date_invalid"))?;
    if d > domain::calendar::local_date(now)
        || d < NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()
    {
        return Err(AppError::invalid("order_date", "err.date_out_of_range"));
    }
    Ok(d)
}

/// A consumer files a complaint. Refused as a duplicate (409) when the same
/// consumer has an open case against the same merchant for the same order.
pub async fn file_case(
    svc: &Services,
    user: &UserView,
    raw: &RawCase,
) -> Result<CaseView, AppError> {
    if user.role != Role::Consumer {
        return Err(AppError::Forbidden);
    }
    let now = svc.clock.now();
    let category = Category::parse(&raw.category)
        .ok_or_else(|| AppError::invalid("category", "err.category_unknown"))?;
    let title = bounded(&raw.title, "title", 4, 100)?;
    let narrative = bounded(&raw.narrative, "narrative", 10, 5000)?;
    let order_ref = bounded(&raw.order_ref, "order_ref", 1, 100)?.to_uppercase();
    let order_date = order_date(&raw.order_date, now)?;
    let paid = fen(&raw.amount_paid_fen, "amount_paid_fen")?;
    let claimed = fen(&raw.amount_claimed_fen, "amount_claimed_fen")?;
    let remedy = Remedy::parse(&raw.remedy)
        .ok_or_else(|| AppError::invalid("remedy", "err.remedy_unknown"))?;

    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let m = find_merchant(&txn, &raw.merchant).await?;
    if super::collective::has_open_order(&txn, user.id, m.id, &order_ref).await? {
        return Err(AppError::conflict("order_ref", "err.case_duplicate"));
    }
    let cal = calendar::load(&txn).await?;
    // A merchant on the confirmed black list gets its complaints straight in mediation.
    let black_listed = crate::credit::lists::status_of(&txn, m.id).await?.1;
    let t = Case::file(claimed, now, &cal, black_listed);
    let state = serde_json::to_string(&t.case).map_err(|_| AppError::Internal)?;
    let inserted = case::ActiveModel {
        number: Set(format!("tmp-{}", rand::random::<u64>())),
        consumer_id: Set(user.id),
        merchant_id: Set(m.id),
        category: Set(category.as_str().into()),
        title: Set(title.clone()),
        narrative: Set(narrative.clone()),
        order_ref: Set(order_ref.clone()),
        order_date: Set(order_date),
        amount_paid_fen: Set(paid.0),
        amount_claimed_fen: Set(claimed.0),
        remedy: Set(remedy.as_str().into()),
        publish_narrative: Set(raw.publish_narrative),
        status: Set(t.case.status.as_str().into()),
        owner_id: Set(None),
        next_deadline_at: Set(t.case.next_deadline()),
        state: Set(state),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            AppError::conflict("order_ref", "err.case_duplicate")
        } else {
            internal_error(e)
        }
    })?;
    let number = format!(
        "GD{}-{:06}",
        domain::calendar::local_date(now).format("%Y%m%d"),
        inserted.id
    );
    case::Entity::update_many()
        .col_expr(case::Column::Number, Expr::value(number.clone()))
        .filter(case::Column::Id.eq(inserted.id))
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    let filed = Filed {
        category: category.as_str(),
        title: &title,
        narrative: &narrative,
        order_ref: &order_ref,
        order_date,
        amount_paid_fen: paid.0,
        amount_claimed_fen: claimed.0,
        remedy: remedy.as_str(),
        publish_narrative: raw.publish_narrative,
        status: t.case.status.as_str(),
    };
    trail::append(
        &txn,
        inserted.id,
        now,
        Some(user.id),
        user.role.as_str(),
        "filed",
        &filed,
    )
    .await?;
    let inserted = case::Model { number, ..inserted };
    notify::send(svc, &txn, &inserted, &m, &t.case, &t.notify, Some(user.id)).await?;
    crate::credit::recompute_later(&txn, m.id, now).await?;
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    get_case(svc, user, inserted.id).await
}

async fn find_merchant<C: sea_orm::ConnectionTrait>(
    conn: &C,
    key: &str,
) -> Result<merchant::Model, AppError> {
    let key = key.trim();
    if key.is_empty() {
        return Err(AppError::invalid("merchant", "err.required"));
    }
    let found = if let Ok(id) = key.parse::<i32>() {
        merchant::Entity::find_by_id(id).one(conn).await
    } else {
        let uscc = Uscc::parse(key).map_err(|e| AppError::invalid("merchant", e.key()))?;
        merchant::Entity::find()
            .filter(merchant::Column::Uscc.eq(uscc.as_str()))
            .one(conn)
            .await
    };
    found
        .map_err(internal_error)?
        .ok_or_else(|| AppError::invalid("merchant", "err.merchant_unknown"))
}
