//! Professional-claimant screening (职业索赔筛查): the facts of
//! `domain::screening` loaded from the database at filing time, inside the
//! filing's transaction; the consumer's objection; a regulator's decision.
//!
//! A flag never blocks or hides anything: the case is filed, listed and
//! moved exactly as any other (nothing here touches its status, deadlines
//! or the search index). What changes:
//! - the new case is marked "for a mediator's review" (`screening_cases`),
//!   shown with the signals to staff who may read the case, never to the
//!   merchant or the public;
//! - the consumer is told once per flag (inbox + mail) and may object with a
//!   statement within 5 working days;
//! - a regulator upholds or clears the flag with a written reason, which goes
//!   into the trail of every marked case (entries the merchant does not see)
//!   and into the personal-data access log.
//!
//! While a flag is under review, each new case of the consumer joins it.
//! After an upheld decision, new cases join the upheld flag (no new notice)
//! for `window_days`; after that a new review starts if the signals still
//! fire. A cleared decision moves the window's start to the decision: only
//! filings and malicious-complaint flags after it count.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::cases::{Demand, mask_name};
use domain::screening::{
    CaseScreening, Filing, Finding, MaliciousFlag, OBJECTION_DAYS, ObjectionInput, OwnScreening,
    ScreeningDecisionInput, ScreeningStatus, ScreeningView, evaluate, window_start,
};
use domain::{AppError, Role, UserView};
use entities::{case, rating, screening_case as sc, screening_flag as sf};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};

use crate::Services;
use crate::db::{internal_error, is_unique_violation};
use crate::record::trail::INTERNAL;
use crate::record::{calendar, is_case_staff, notice, reads_internal, trail};

const UNDER_REVIEW: &str = "under_review";

fn status_of(f: &sf::Model) -> ScreeningStatus {
    ScreeningStatus::parse(&f.status).unwrap_or(ScreeningStatus::UnderReview)
}

fn signals_of(f: &sf::Model) -> Vec<Finding> {
    serde_json::from_str(&f.signals).unwrap_or_default()
}

/// Screens the consumer of the just-inserted case `c`, in the filing's
/// transaction.
pub(crate) async fn at_filing(
    svc: &Services,
    txn: &DatabaseTransaction,
    c: &case::Model,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let flags = sf::Entity::find()
        .filter(sf::Column::ConsumerId.eq(c.consumer_id))
        .order_by_desc(sf::Column::Id)
        .all(txn)
        .await
        .map_err(internal_error)?;
    let p = svc.config.screening;
    if let Some(open) = flags.iter().find(|f| f.status == UNDER_REVIEW) {
        return mark(txn, open.id, c.id).await;
    }
    let last = flags.first();
    if let Some(f) = last
        && status_of(f) == ScreeningStatus::Upheld
        && f.decided_at
            .is_some_and(|d| now - d < chrono::Duration::days(i64::from(p.window_days)))
    {
        return mark(txn, f.id, c.id).await;
    }
    let cleared_at = flags
        .iter()
        .filter(|f| status_of(f) == ScreeningStatus::Cleared)
        .filter_map(|f| f.decided_at)
        .max();
    let since = window_start(now, cleared_at, &p);
    let rows = case::Entity::find()
        .filter(case::Column::ConsumerId.eq(c.consumer_id))
        .filter(case::Column::CreatedAt.gt(since))
        .all(txn)
        .await
        .map_err(internal_error)?;
    let filings: Vec<Filing> = rows
        .iter()
        .map(|r| Filing {
            case_id: r.id,
            merchant_id: r.merchant_id,
            demand: Demand::parse(&r.demand).unwrap_or(Demand::Refund),
            title: r.title.clone(),
            narrative: r.narrative.clone(),
            order_date: r.order_date,
            filed_at: r.created_at,
        })
        .collect();
    // Merchants' malicious-complaint flags on any of the consumer's cases
    // (a rating a regulator hid does not count).
    let malicious: Vec<MaliciousFlag> = rating::Entity::find()
        .filter(
            rating::Column::CaseId.in_subquery(
                Query::select()
                    .column(case::Column::Id)
                    .from(case::Entity)
                    .and_where(case::Column::ConsumerId.eq(c.consumer_id))
                    .to_owned(),
            ),
        )
        .filter(rating::Column::Side.eq("merchant"))
        .filter(rating::Column::FlagMalicious.eq(true))
        .filter(rating::Column::HiddenAt.is_null())
        .filter(rating::Column::CreatedAt.gt(since))
        .all(txn)
        .await
        .map_err(internal_error)?
        .into_iter()
        .map(|r| MaliciousFlag {
            case_id: r.case_id,
            merchant_id: r.merchant_id,
            at: r.created_at,
        })
        .collect();
    let found = evaluate(&filings, &malicious, since, &p);
    if found.is_empty() {
        return Ok(());
    }
    let cal = calendar::current(svc, txn).await?;
    let row = sf::ActiveModel {
        consumer_id: Set(c.consumer_id),
        status: Set(UNDER_REVIEW.into()),
        signals: Set(serde_json::to_string(&found).map_err(|_| AppError::Internal)?),
        flagged_at: Set(now),
        objection_due_at: Set(cal.deadline(now, OBJECTION_DAYS)),
        ..Default::default()
    };
    // Two filings racing: the unique index lets one open the flag; the
    // other joins it (a savepoint keeps the filing's transaction usable).
    let sp = txn.begin().await.map_err(internal_error)?;
    let flag_id = match row.insert(&sp).await {
        Ok(f) => {
            sp.commit().await.map_err(internal_error)?;
            f.id
        }
        Err(e) if is_unique_violation(&e) => {
            sp.rollback().await.map_err(internal_error)?;
            let open = sf::Entity::find()
                .filter(sf::Column::ConsumerId.eq(c.consumer_id))
                .filter(sf::Column::Status.eq(UNDER_REVIEW))
                .one(txn)
                .await
                .map_err(internal_error)?
                .ok_or(AppError::Internal)?;
            return mark(txn, open.id, c.id).await;
        }
        Err(e) => return Err(internal_error(e)),
    };
    mark(txn, flag_id, c.id).await?;
    notice::tell(svc, txn, c, &[c.consumer_id], "screening_flagged").await?;
    notice::add_for_role(txn, Role::Regulator, "screening_review", now).await?;
    Ok(())
}

async fn mark<C: ConnectionTrait>(conn: &C, flag_id: i32, case_id: i32) -> Result<(), AppError> {
    sc::Entity::insert(sc::ActiveModel {
        flag_id: Set(flag_id),
        case_id: Set(case_id),
    })
    .exec_without_returning(conn)
    .await
    .map_err(internal_error)?;
    Ok(())
}

/// The mark on case `c` as `viewer` may see it (see `CaseView::screening`).
pub(crate) async fn mark_for<C: ConnectionTrait>(
    conn: &C,
    viewer: &UserView,
    c: &case::Model,
    now: DateTime<Utc>,
) -> Result<Option<CaseScreening>, AppError> {
    if !reads_internal(viewer, c) {
        return Ok(None);
    }
    let staff = is_case_staff(viewer.role);
    let Some(link) = sc::Entity::find()
        .filter(sc::Column::CaseId.eq(c.id))
        .order_by_desc(sc::Column::FlagId)
        .one(conn)
        .await
        .map_err(internal_error)?
    else {
        return Ok(None);
    };
    let Some(f) = sf::Entity::find_by_id(link.flag_id)
        .one(conn)
        .await
        .map_err(internal_error)?
    else {
        return Ok(None);
    };
    Ok(Some(CaseScreening {
        flag_id: f.id,
        status: status_of(&f),
        objection_due_at: f.objection_due_at,
        objection_due_local: domain::calendar::format_deadline(f.objection_due_at),
        may_object: may_object(&f, now),
        objected: f.objection.is_some(),
        signals: if staff { signals_of(&f) } else { vec![] },
    }))
}

fn may_object(f: &sf::Model, now: DateTime<Utc>) -> bool {
    f.status == UNDER_REVIEW && f.objection.is_none() && now <= f.objection_due_at
}

fn own_view(f: sf::Model, now: DateTime<Utc>) -> OwnScreening {
    OwnScreening {
        id: f.id,
        status: status_of(&f),
        flagged_at: f.flagged_at,
        objection_due_at: f.objection_due_at,
        objection_due_local: domain::calendar::format_deadline(f.objection_due_at),
        may_object: may_object(&f, now),
        objection: f.objection,
        objected_at: f.objected_at,
        decision_reason: f.decision_reason,
        decided_at: f.decided_at,
    }
}

/// The consumer's own screening flags, newest first (consumers only).
pub async fn own(svc: &Services, user: &UserView) -> Result<Vec<OwnScreening>, AppError> {
    if user.role != Role::Consumer {
        return Err(AppError::Forbidden);
    }
    let now = svc.clock.now();
    Ok(sf::Entity::find()
        .filter(sf::Column::ConsumerId.eq(user.id))
        .order_by_desc(sf::Column::Id)
        .all(&svc.db)
        .await
        .map_err(internal_error)?
        .into_iter()
        .map(|f| own_view(f, now))
        .collect())
}

/// The marked cases of flag `flag_id`.
async fn marked<C: ConnectionTrait>(conn: &C, flag_id: i32) -> Result<Vec<case::Model>, AppError> {
    let ids: Vec<i32> = sc::Entity::find()
        .select_only()
        .column(sc::Column::CaseId)
        .filter(sc::Column::FlagId.eq(flag_id))
        .into_tuple()
        .all(conn)
        .await
        .map_err(internal_error)?;
    case::Entity::find()
        .filter(case::Column::Id.is_in(ids))
        .order_by_asc(case::Column::Id)
        .all(conn)
        .await
        .map_err(internal_error)
}

/// The consumer objects to their flag under review with a statement,
/// within 5 working days of being told (409 after, or a second time).
pub async fn object(
    svc: &Services,
    user: &UserView,
    input: &ObjectionInput,
) -> Result<OwnScreening, AppError> {
    if user.role != Role::Consumer {
        return Err(AppError::Forbidden);
    }
    let statement = input.check()?;
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let f = sf::Entity::find()
        .filter(sf::Column::ConsumerId.eq(user.id))
        .filter(sf::Column::Status.eq(UNDER_REVIEW))
        .one(&txn)
        .await
        .map_err(internal_error)?
        .ok_or_else(|| AppError::conflict("screening", "err.screening.none"))?;
    if !may_object(&f, now) {
        return Err(AppError::conflict(
            "statement",
            "err.screening.objection_closed",
        ));
    }
    let res = sf::Entity::update_many()
        .col_expr(sf::Column::Objection, Expr::value(statement.clone()))
        .col_expr(sf::Column::ObjectedAt, Expr::value(now))
        .filter(sf::Column::Id.eq(f.id))
        .filter(sf::Column::Status.eq(UNDER_REVIEW))
        .filter(sf::Column::Objection.is_null())
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict(
            "statement",
            "err.screening.objection_closed",
        ));
    }
    for c in marked(&txn, f.id).await? {
        trail::append(
            &txn,
            c.id,
            now,
            Some(user.id),
            user.role.as_str(),
            INTERNAL,
            &serde_json::json!({"topic": "screening_objection", "flag_id": f.id, "statement": statement}),
        )
        .await?;
    }
    notice::add_for_role(&txn, Role::Regulator, "screening_objection", now).await?;
    txn.commit().await.map_err(internal_error)?;
    let f = sf::Entity::find_by_id(f.id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    Ok(own_view(f, now))
}

/// The regulators' queue: flags under review first (oldest first), then
/// the 100 most recently decided.
pub async fn queue(svc: &Services, user: &UserView) -> Result<Vec<ScreeningView>, AppError> {
    if user.role != Role::Regulator {
        return Err(AppError::Forbidden);
    }
    let mut rows = sf::Entity::find()
        .filter(sf::Column::Status.eq(UNDER_REVIEW))
        .order_by_asc(sf::Column::Id)
        .limit(500)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    rows.extend(
        sf::Entity::find()
            .filter(sf::Column::Status.ne(UNDER_REVIEW))
            .order_by_desc(sf::Column::DecidedAt)
            .limit(100)
            .all(&svc.db)
            .await
            .map_err(internal_error)?,
    );
    views(svc, rows).await
}

async fn views(svc: &Services, rows: Vec<sf::Model>) -> Result<Vec<ScreeningView>, AppError> {
    let now = svc.clock.now();
    let names: HashMap<i32, String> =
        crate::record::user_names(&svc.db, rows.iter().map(|f| f.consumer_id)).await?;
    let ids: Vec<i32> = rows.iter().map(|f| f.id).collect();
    let mut cases: HashMap<i32, Vec<i32>> = HashMap::new();
    for (flag, case_id) in sc::Entity::find()
        .select_only()
        .column(sc::Column::FlagId)
        .column(sc::Column::CaseId)
        .filter(sc::Column::FlagId.is_in(ids))
        .order_by_asc(sc::Column::CaseId)
        .into_tuple::<(i32, i32)>()
        .all(&svc.db)
        .await
        .map_err(internal_error)?
    {
        cases.entry(flag).or_default().push(case_id);
    }
    Ok(rows
        .into_iter()
        .map(|f| ScreeningView {
            id: f.id,
            consumer_id: f.consumer_id,
            consumer_name: mask_name(names.get(&f.consumer_id).map_or("", |s| s.as_str())),
            status: status_of(&f),
            signals: signals_of(&f),
            flagged_at: f.flagged_at,
            objection_due_at: f.objection_due_at,
            objection_period_over: now > f.objection_due_at,
            case_ids: cases.remove(&f.id).unwrap_or_default(),
            objection: f.objection,
            objected_at: f.objected_at,
            decision_reason: f.decision_reason,
            decided_at: f.decided_at,
        })
        .collect())
}

/// A regulator upholds or clears a flag under review with a written
/// reason — with or without an objection, in or after its period. The
/// decision and reason go into each marked case's trail and, per case, into
/// the personal-data access log; the consumer is told.
pub async fn decide(
    svc: &Services,
    user: &UserView,
    flag_id: i32,
    input: &ScreeningDecisionInput,
) -> Result<ScreeningView, AppError> {
    if user.role != Role::Regulator {
        return Err(AppError::Forbidden);
    }
    let reason = input.check()?;
    let now = svc.clock.now();
    let status = if input.uphold {
        ScreeningStatus::Upheld
    } else {
        ScreeningStatus::Cleared
    };
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let f = sf::Entity::find_by_id(flag_id)
        .one(&txn)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    let res = sf::Entity::update_many()
        .col_expr(sf::Column::Status, Expr::value(status.as_str()))
        .col_expr(sf::Column::DecidedBy, Expr::value(user.id))
        .col_expr(sf::Column::DecidedAt, Expr::value(now))
        .col_expr(sf::Column::DecisionReason, Expr::value(reason.clone()))
        .filter(sf::Column::Id.eq(flag_id))
        .filter(sf::Column::Status.eq(UNDER_REVIEW))
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict("status", "err.screening.decided"));
    }
    let cases = marked(&txn, flag_id).await?;
    let body = serde_json::json!({
        "topic": "screening_decision",
        "flag_id": flag_id,
        "decision": status.as_str(),
        "reason": reason,
    });
    for c in &cases {
        trail::append(
            &txn,
            c.id,
            now,
            Some(user.id),
            user.role.as_str(),
            INTERNAL,
            &body,
        )
        .await?;
        let why = format!("screening decision {}: {reason}", status.as_str());
        super::privacy::log_access_in(&txn, user, c, "screening", &why, now).await?;
    }
    if let Some(c) = cases.first() {
        let key = format!("screening_{}", status.as_str());
        notice::tell(svc, &txn, c, &[f.consumer_id], &key).await?;
    }
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    let f = sf::Entity::find_by_id(flag_id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    views(svc, vec![f])
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::Internal)
}
