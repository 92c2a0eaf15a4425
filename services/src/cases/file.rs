//! Filing a complaint.

use chrono::NaiveDate;
use domain::cases::{Case, CaseView, Complaint, ComplaintInput, MerchantRef, Order};
use domain::{AppError, Role, UserView};
use entities::{case, merchant};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
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
}

/// A consumer files a complaint. Refused as a duplicate (409) when the same
/// consumer has an open case against the same merchant for the same order.
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
    let Complaint {
        merchant,
        category,
        title,
        narrative,
        order,
        remedy,
        demand,
        publish_narrative,
    } = input.check(now, merchant_field)?;
    let Order {
        order_ref,
        order_date,
        paid,
        claimed,
    } = order;

    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let m = find_merchant(&txn, &merchant, merchant_field).await?;
    if super::collective::has_open_order(&txn, user.id, m.id, &order_ref).await? {
        return Err(AppError::conflict("order_ref", "err.case_duplicate"));
    }
    let cal = calendar::current(svc, &txn).await?;
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
        demand: Set(demand.as_str().into()),
        publish_narrative: Set(publish_narrative),
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
    .map_err(conflict_on_unique("order_ref", "err.case_duplicate"))?;
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
        demand: demand.as_str(),
        publish_narrative,
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
    notice::case_step(svc, &txn, &inserted, &m, &t.case, &t.notify, Some(user.id)).await?;
    // Screening marks the case for staff and may tell the consumer; it never
    // changes the case's status or deadlines.
    super::screening::at_filing(svc, &txn, &inserted, now).await?;
    crate::credit::recompute_later(&txn, m.id, now).await?;
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    get_case(svc, user, inserted.id).await
}

async fn find_merchant<C: sea_orm::ConnectionTrait>(
    conn: &C,
    key: &MerchantRef,
    field: &str,
) -> Result<merchant::Model, AppError> {
    let found = match key {
        MerchantRef::Id(id) => merchant::Entity::find_by_id(*id).one(conn).await,
        MerchantRef::Uscc(u) => {
            merchant::Entity::find()
                .filter(merchant::Column::Uscc.eq(u.as_str()))
                .one(conn)
                .await
        }
    };
    found
        .map_err(internal_error)?
        .ok_or_else(|| AppError::invalid(field, "err.merchant_unknown"))
}
