//! Mutual ratings (信用互评). Once a case is over (`domain::credit::may_rate`)
//! its consumer rates the merchant's handling — 1–5 stars and a text, public
//! with the consumer's name masked — and the merchant's account holder may
//! rate the case: a text and, optionally, a flag that the complaint was
//! malicious, which every regulator is told about. One rating per side per
//! case; one follow-up review (追评) per rating, by its author, within 90
//! days. They arrive at `POST /api/v1/cases/{id}/ratings` and
//! `POST /api/v1/cases/{id}/ratings/follow-up` (and the case page's rating
//! forms): they are not steps of the case's life.
//!
//! Nothing deletes a rating (there is no such route, and a database trigger
//! refuses it). A regulator may hide one for a stated legal reason, which is
//! shown in place of the text. Each rating, follow-up and hiding is one
//! transaction with its trail entry (the trail keeps the text's SHA-256, so
//! hiding cannot be undone through the trail and any later edit of the text
//! is detectable), its notices and a credit recomputation.

use std::collections::HashMap;

use domain::cases::{Actor, Party, mask_name};
use domain::credit::{
    FollowUpInput, HIDE_REASON_MAX, RatingInput, RatingSide, RatingView, follow_up_until, may_rate,
};
use domain::{AppError, Role, UserView, input};
use entities::{case, merchant, rating};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::Services;
use crate::db::{internal_error, is_unique_violation, is_write_locked};
use crate::record::{
    self, actor_for, load_locked, load_readable, may_read, notice, state_of, trail,
};

/// What the trail keeps of a rating step: the text only as its SHA-256.
#[derive(Debug, Serialize)]
struct TrailRecord<'a> {
    rating_id: i32,
    side: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    stars: Option<i32>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    flag_malicious: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    text_sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

fn sha256(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// A write that lost a race: SQLite's write lock (as in `record::save`), or
/// the (case, side) unique index.
fn write_error(e: DbErr) -> AppError {
    if is_write_locked(&e) {
        AppError::conflict("case", "err.case_changed")
    } else if is_unique_violation(&e) {
        AppError::conflict("action", "err.rating.exists")
    } else {
        internal_error(e)
    }
}

/// Which side `user` rates for on this case: its filing consumer, or the
/// merchant's account holder. Nobody else rates.
async fn side_of<C: ConnectionTrait>(
    conn: &C,
    user: &UserView,
    c: &case::Model,
    m: &merchant::Model,
) -> Result<Option<RatingSide>, AppError> {
    Ok(match actor_for(conn, user, c, m).await? {
        Some(Actor::Party(Party::Consumer)) => Some(RatingSide::Consumer),
        Some(Actor::Party(Party::Merchant)) => Some(RatingSide::Merchant),
        _ => None,
    })
}

/// Visibility first (404), then who (403), then the fields (422).
async fn party<C: ConnectionTrait>(
    conn: &C,
    user: &UserView,
    case_id: i32,
) -> Result<(case::Model, merchant::Model, RatingSide), AppError> {
    let (c, m) = load_locked(conn, case_id).await?;
    if !may_read(conn, user, &c, &m).await? {
        return Err(AppError::NotFound);
    }
    let side = side_of(conn, user, &c, &m)
        .await?
        .ok_or(AppError::Forbidden)?;
    Ok((c, m, side))
}

/// The rating of `side` on the case, if written.
async fn find<C: ConnectionTrait>(
    conn: &C,
    case_id: i32,
    side: RatingSide,
) -> Result<Option<rating::Model>, AppError> {
    rating::Entity::find()
        .filter(rating::Column::CaseId.eq(case_id))
        .filter(rating::Column::Side.eq(side.as_str()))
        .one(conn)
        .await
        .map_err(internal_error)
}

/// `user` rates case `case_id`, from `ip`. Returns the new rating.
pub async fn rate(
    svc: &Services,
    user: &UserView,
    case_id: i32,
    input: &RatingInput,
    ip: &str,
) -> Result<RatingView, AppError> {
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let (c, m, side) = party(&txn, user, case_id).await?;
    let checked = input.check(side)?;
    let (stars, flag, text) = (checked.stars, checked.flag_malicious, checked.text);
    let state = state_of(&c)?;
    if !may_rate(state.status, side, state.merchant_responded) {
        return Err(AppError::conflict("case", "err.rating.not_over"));
    }
    if find(&txn, c.id, side).await?.is_some() {
        return Err(AppError::conflict("action", "err.rating.exists"));
    }
    let r = rating::ActiveModel {
        case_id: Set(c.id),
        merchant_id: Set(m.id),
        author_id: Set(user.id),
        side: Set(side.as_str().into()),
        stars: Set(stars),
        flag_malicious: Set(flag),
        text: Set(text.clone()),
        follow_up_text: Set(None),
        follow_up_at: Set(None),
        hidden_at: Set(None),
        hidden_by: Set(None),
        hidden_reason: Set(None),
        author_ip: Set(ip.chars().take(64).collect()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(write_error)?;
    trail::append(
        &txn,
        c.id,
        now,
        Some(user.id),
        user.role.as_str(),
        "rate",
        &TrailRecord {
            rating_id: r.id,
            side: side.as_str(),
            stars,
            flag_malicious: flag,
            text_sha256: Some(sha256(&text)),
            reason: None,
        },
    )
    .await?;
    if flag {
        let regulators = notice::role_members(&txn, Role::Regulator).await?;
        notice::tell(svc, &txn, &c, &regulators, "rating_flagged").await?;
    }
    super::recompute_later(&txn, m.id, now).await?;
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    let mut v = views(&svc.db, vec![r], Some(user)).await?;
    v.pop().ok_or(AppError::Internal)
}

/// The author adds the one follow-up review (`text`) to their rating of case
/// `case_id`, within `domain::credit::FOLLOW_UP_DAYS` (90) days of it.
pub async fn follow_up(
    svc: &Services,
    user: &UserView,
    case_id: i32,
    input: &FollowUpInput,
) -> Result<RatingView, AppError> {
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let (c, m, side) = party(&txn, user, case_id).await?;
    let text = input.check()?;
    let r = find(&txn, c.id, side)
        .await?
        .ok_or_else(|| AppError::conflict("action", "err.rating.none"))?;
    // The merchant's account may have changed hands since: only the author adds to it.
    if r.author_id != user.id {
        return Err(AppError::Forbidden);
    }
    if r.hidden_at.is_some() {
        return Err(AppError::conflict("action", "err.rating.hidden"));
    }
    if r.follow_up_at.is_some() {
        return Err(AppError::conflict("action", "err.rating.follow_up_exists"));
    }
    if now > follow_up_until(r.created_at) {
        return Err(AppError::conflict("action", "err.rating.follow_up_late"));
    }
    let res = rating::Entity::update_many()
        .col_expr(rating::Column::FollowUpText, Expr::value(text.clone()))
        .col_expr(rating::Column::FollowUpAt, Expr::value(now))
        .filter(rating::Column::Id.eq(r.id))
        .filter(rating::Column::FollowUpAt.is_null())
        .exec(&txn)
        .await
        .map_err(write_error)?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict("action", "err.rating.follow_up_exists"));
    }
    trail::append(
        &txn,
        c.id,
        now,
        Some(user.id),
        user.role.as_str(),
        "follow_up",
        &TrailRecord {
            rating_id: r.id,
            side: side.as_str(),
            stars: None,
            flag_malicious: false,
            text_sha256: Some(sha256(&text)),
            reason: None,
        },
    )
    .await?;
    super::recompute_later(&txn, m.id, now).await?;
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    let r = reload(&svc.db, r.id).await?;
    let mut v = views(&svc.db, vec![r], Some(user)).await?;
    v.pop().ok_or(AppError::Internal)
}

/// A regulator hides rating `rating_id` for a stated (legal) reason, which is
/// shown publicly in place of its text. The row stays; nobody un-hides it
/// through the API. The author is told.
pub async fn hide(
    svc: &Services,
    regulator: &UserView,
    rating_id: i32,
    reason: &str,
) -> Result<RatingView, AppError> {
    if regulator.role != Role::Regulator {
        return Err(AppError::Forbidden);
    }
    let reason = input::required_text(Some(reason), "reason", HIDE_REASON_MAX)?;
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let r = reload(&txn, rating_id).await?;
    let (c, _) = load_locked(&txn, r.case_id).await?;
    if r.hidden_at.is_some() {
        return Err(AppError::conflict("rating", "err.rating.already_hidden"));
    }
    let res = rating::Entity::update_many()
        .col_expr(rating::Column::HiddenAt, Expr::value(now))
        .col_expr(rating::Column::HiddenBy, Expr::value(regulator.id))
        .col_expr(rating::Column::HiddenReason, Expr::value(reason.clone()))
        .filter(rating::Column::Id.eq(r.id))
        .filter(rating::Column::HiddenAt.is_null())
        .exec(&txn)
        .await
        .map_err(write_error)?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict("rating", "err.rating.already_hidden"));
    }
    trail::append(
        &txn,
        c.id,
        now,
        Some(regulator.id),
        regulator.role.as_str(),
        "rating_hidden",
        &TrailRecord {
            rating_id: r.id,
            side: &r.side,
            stars: None,
            flag_malicious: false,
            text_sha256: None,
            reason: Some(reason),
        },
    )
    .await?;
    notice::tell(svc, &txn, &c, &[r.author_id], "rating_hidden").await?;
    super::recompute_later(&txn, r.merchant_id, now).await?;
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    let r = reload(&svc.db, r.id).await?;
    let mut v = views(&svc.db, vec![r], Some(regulator)).await?;
    v.pop().ok_or(AppError::Internal)
}

async fn reload<C: ConnectionTrait>(conn: &C, id: i32) -> Result<rating::Model, AppError> {
    rating::Entity::find_by_id(id)
        .one(conn)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)
}

/// The public ratings of a merchant: its consumers' ratings, newest first,
/// names masked, hidden ones with the regulator's reason instead of the text.
pub async fn list_for_merchant(
    svc: &Services,
    viewer: Option<&UserView>,
    merchant_id: i32,
) -> Result<Vec<RatingView>, AppError> {
    merchant::Entity::find_by_id(merchant_id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    let rows = rating::Entity::find()
        .filter(rating::Column::MerchantId.eq(merchant_id))
        .filter(rating::Column::Side.eq(RatingSide::Consumer.as_str()))
        .order_by_desc(rating::Column::CreatedAt)
        .order_by_desc(rating::Column::Id)
        .limit(1000)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    views(&svc.db, rows, viewer).await
}

/// Both sides' ratings of a case, for those who may read the case (404 otherwise).
pub async fn list_for_case(
    svc: &Services,
    viewer: &UserView,
    case_id: i32,
) -> Result<Vec<RatingView>, AppError> {
    load_readable(&svc.db, viewer, case_id).await?;
    for_case(&svc.db, viewer, case_id).await
}

/// Both sides' ratings of a case the caller has already been allowed to read.
pub async fn for_case<C: ConnectionTrait>(
    conn: &C,
    viewer: &UserView,
    case_id: i32,
) -> Result<Vec<RatingView>, AppError> {
    let rows = rating::Entity::find()
        .filter(rating::Column::CaseId.eq(case_id))
        .order_by_asc(rating::Column::Id)
        .all(conn)
        .await
        .map_err(internal_error)?;
    views(conn, rows, Some(viewer)).await
}

/// Rows as `viewer` sees them. Consumers' names are masked for everyone;
/// a hidden rating's texts are shown only to regulators, admins and its
/// author — everyone else sees the reason in their place.
async fn views<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<rating::Model>,
    viewer: Option<&UserView>,
) -> Result<Vec<RatingView>, AppError> {
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let numbers = record::case_numbers(conn, rows.iter().map(|r| r.case_id)).await?;
    let people: HashMap<i32, String> =
        crate::record::user_names(conn, rows.iter().map(|r| r.author_id)).await?;
    let shops: HashMap<i32, String> =
        crate::record::merchant_names(conn, rows.iter().map(|r| r.merchant_id)).await?;
    let reviewer = viewer.is_some_and(|v| matches!(v.role, Role::Regulator | Role::Admin));
    Ok(rows
        .into_iter()
        .map(|r| {
            let side = RatingSide::parse(&r.side).unwrap_or(RatingSide::Consumer);
            let author_name = match side {
                RatingSide::Consumer => {
                    mask_name(people.get(&r.author_id).map(String::as_str).unwrap_or(""))
                }
                RatingSide::Merchant => shops.get(&r.merchant_id).cloned().unwrap_or_default(),
            };
            let unmasked = reviewer || viewer.is_some_and(|v| v.id == r.author_id);
            let open = r.hidden_at.is_none() || unmasked;
            RatingView {
                id: r.id,
                case_id: r.case_id,
                case_number: numbers.get(&r.case_id).cloned().unwrap_or_default(),
                merchant_id: r.merchant_id,
                side,
                author_name,
                stars: r.stars,
                flag_malicious: r.flag_malicious,
                // Phones, ID numbers and emails in the text are masked for
                // everyone but its author and the reviewers.
                text: open.then(|| {
                    if unmasked {
                        r.text.clone()
                    } else {
                        domain::pii::scrub(&r.text)
                    }
                }),
                follow_up_text: r
                    .follow_up_text
                    .filter(|_| open)
                    .map(|t| if unmasked { t } else { domain::pii::scrub(&t) }),
                follow_up_at: r.follow_up_at,
                hidden_at: r.hidden_at,
                hidden_reason: r.hidden_reason,
                created_at: r.created_at,
            }
        })
        .collect())
}
