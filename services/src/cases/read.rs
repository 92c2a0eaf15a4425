//! Reading cases: one case as its reader may see it, lists and queues, the trail.

use domain::calendar::format_deadline;
use domain::cases::{
    CaseSummary, CaseView, DeadlineView, FcState, Status, TrailEntryView, mask_name,
};
use domain::{AppError, Role, UserView};
use entities::{case, merchant, user};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::Services;
use crate::db::internal_error;
use crate::record::{
    FC_CONTESTED, actor_for, calendar, is_case_staff, load_readable, state_of, trail,
};

/// The case as `viewer` may see it (consumer data masked unless they may
/// see it); 404 when they may not read it at all.
pub async fn get_case(
    svc: &Services,
    viewer: &UserView,
    case_id: i32,
) -> Result<CaseView, AppError> {
    get_case_revealed(svc, viewer, case_id, None).await
}

/// `get_case`, with staff's stated reason to see the consumer's data unmasked (logged).
pub async fn get_case_revealed(
    svc: &Services,
    viewer: &UserView,
    case_id: i32,
    reveal: Option<&str>,
) -> Result<CaseView, AppError> {
    let (c, m) = load_readable(&svc.db, viewer, case_id).await?;
    let exposure = super::privacy::exposure(viewer, &c, reveal);
    if let super::privacy::Exposure::Logged(why) = &exposure {
        super::privacy::log_access(svc, viewer, &c, "name,narrative", why).await?;
    }
    let masked = exposure == super::privacy::Exposure::Masked;
    view_of(svc, viewer, &c, &m, masked).await
}

/// The case as `viewer` sees it, personal data masked or not (the caller
/// decided and logged).
pub(crate) async fn view_of(
    svc: &Services,
    viewer: &UserView,
    c: &case::Model,
    m: &merchant::Model,
    masked: bool,
) -> Result<CaseView, AppError> {
    let consumer = user::Entity::find_by_id(c.consumer_id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?;
    let cal = calendar::current(svc, &svc.db).await?;
    let now = svc.clock.now();
    let state = state_of(c)?;
    let allowed = actor_for(viewer, c, m)
        .map(|a| state.allowed_actions(a, now, &cal))
        .unwrap_or_default();
    let (members, member_claims) = super::collective::totals(&svc.db, c.id).await?;
    let viewer_is_member = viewer.role == Role::Consumer && c.consumer_id != viewer.id;
    let name = consumer.map(|u| u.display_name).unwrap_or_default();
    let consumer_name = if masked { mask_name(&name) } else { name };
    let scrub = |t: &str| {
        if masked {
            domain::pii::scrub(t)
        } else {
            t.to_string()
        }
    };
    let parse =
        |s: &str| domain::cases::Category::parse(s).unwrap_or(domain::cases::Category::Other);
    Ok(CaseView {
        id: c.id,
        number: c.number.clone(),
        status: state.status,
        merchant_id: m.id,
        merchant_name: m.name.clone(),
        consumer_id: c.consumer_id,
        consumer_name,
        personal_data_masked: masked,
        may_reveal: masked && is_case_staff(viewer.role),
        category: parse(&c.category),
        title: scrub(&c.title),
        narrative: scrub(&c.narrative),
        order_ref: c.order_ref.clone(),
        order_date: c.order_date,
        amount_paid_fen: c.amount_paid_fen,
        amount_claimed_fen: c.amount_claimed_fen,
        remedy: domain::cases::Remedy::parse(&c.remedy).unwrap_or(domain::cases::Remedy::Refund),
        demand: domain::cases::Demand::parse(&c.demand).unwrap_or(domain::cases::Demand::Refund),
        publish_narrative: c.publish_narrative,
        owner_id: state.owner,
        deadlines: deadline_views(&state, &cal, now),
        waiting_on: state.waiting_on(),
        allowed_actions: allowed,
        offer: state.offer.clone(),
        settlement: state.settlement.clone(),
        proposal: state.proposal.clone(),
        decision: state.decision.clone(),
        evidence_request: state.evidence_request.clone(),
        paused: state.paused_at.is_some(),
        clock_stopped: domain::cases::ClockStopView::of(&state),
        decision_overdue_at: state.decision_overdue_at,
        first_compensation: state.first_compensation.clone(),
        first_compensation_limit_fen: state.first_compensation_basis(now).map(|(_, l)| l.0),
        members,
        total_claimed_fen: c.amount_claimed_fen + member_claims,
        viewer_is_member,
        ratings: crate::credit::ratings::for_case(&svc.db, viewer, c.id).await?,
        screening: super::screening::mark_for(&svc.db, viewer, c, now).await?,
        waybill: c.waybill.clone(),
        linked_case: linked_case(svc, viewer, c).await?,
        received_via: received_via(svc, c).await?,
        created_at: c.created_at,
    })
}

/// The stage deadlines running on a case, for people and for API callers.
pub fn deadline_views(
    state: &domain::cases::Case,
    cal: &domain::calendar::WorkingCalendar,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<DeadlineView> {
    state
        .deadlines()
        .into_iter()
        .map(|(key, at)| DeadlineView {
            key: key.into(),
            at,
            at_local: format_deadline(at),
            working_days_left: cal.working_days_left(now, at),
        })
        .collect()
}

/// The platform a case came through (受理渠道), when one sent it in.
async fn received_via(svc: &Services, c: &case::Model) -> Result<Option<String>, AppError> {
    let Some(org) = c.source_org_id else {
        return Ok(None);
    };
    Ok(entities::organisation::Entity::find_by_id(org)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .map(|o| o.name))
}

/// The other case of `c`'s complaint, when `viewer` may read it too (the
/// logistics company does not learn of the case against the merchant, nor
/// the merchant of the one against the logistics company).
async fn linked_case(
    svc: &Services,
    viewer: &UserView,
    c: &case::Model,
) -> Result<Option<domain::cases::LinkedCase>, AppError> {
    let Some(id) = c.linked_case_id else {
        return Ok(None);
    };
    let (l, m) = match load_readable(&svc.db, viewer, id).await {
        Ok(found) => found,
        Err(AppError::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(Some(domain::cases::LinkedCase {
        id: l.id,
        number: l.number,
        status: Status::parse(&l.status).unwrap_or(Status::AwaitingMerchant),
        merchant_id: m.id,
        merchant_name: m.name,
        merchant_kind: domain::merchant::MerchantKind::parse(&m.kind)
            .unwrap_or(domain::merchant::MerchantKind::Shop),
        amount_claimed_fen: l.amount_claimed_fen,
    }))
}

/// Which cases a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleView {
    /// The caller's own: filed (consumer), against their business (merchant), owned (staff).
    Mine,
    /// Staff: the unowned cases waiting in the caller's queue.
    Queue,
    /// Staff who may read everything: all cases.
    All,
}

impl RoleView {
    pub fn parse(s: &str) -> Option<RoleView> {
        match s {
            "" | "mine" => Some(RoleView::Mine),
            "queue" => Some(RoleView::Queue),
            "all" => Some(RoleView::All),
            _ => None,
        }
    }
}

/// Cases the caller may see, oldest deadline first.
pub async fn list_cases(
    svc: &Services,
    viewer: &UserView,
    view: RoleView,
    status: Option<Status>,
    limit: u64,
) -> Result<Vec<CaseSummary>, AppError> {
    let mut q = case::Entity::find();
    let mut cond = Condition::all();
    match (viewer.role, view) {
        (Role::Consumer, RoleView::Mine) => {
            let joined: Vec<i32> = entities::case_member::Entity::find()
                .select_only()
                .column(entities::case_member::Column::CaseId)
                .filter(entities::case_member::Column::ConsumerId.eq(viewer.id))
                .into_tuple()
                .all(&svc.db)
                .await
                .map_err(internal_error)?;
            cond = cond.add(
                Condition::any()
                    .add(case::Column::ConsumerId.eq(viewer.id))
                    .add(case::Column::Id.is_in(joined)),
            )
        }
        (Role::Merchant, RoleView::Mine) => {
            let mine: Vec<i32> = merchant::Entity::find()
                .select_only()
                .column(merchant::Column::Id)
                .filter(merchant::Column::AccountId.eq(viewer.id))
                .into_tuple()
                .all(&svc.db)
                .await
                .map_err(internal_error)?;
            cond = cond.add(case::Column::MerchantId.is_in(mine));
        }
        (Role::Mediator | Role::Arbitrator, RoleView::Mine) => {
            cond = cond.add(case::Column::OwnerId.eq(viewer.id))
        }
        (Role::Mediator, RoleView::Queue) => {
            cond = cond
                .add(case::Column::Status.eq(Status::InMediation.as_str()))
                .add(case::Column::OwnerId.is_null())
        }
        (Role::Arbitrator, RoleView::Queue) => {
            cond = cond.add(
                Condition::any()
                    .add(
                        Condition::all()
                            .add(case::Column::Status.eq(Status::InArbitration.as_str()))
                            .add(case::Column::OwnerId.is_null()),
                    )
                    // Recoveries the merchant contested (any arbitrator decides).
                    .add(case::Column::FirstCompensation.eq(FC_CONTESTED)),
            )
        }
        (Role::FundAdmin, RoleView::Queue) => {
            cond = cond.add(case::Column::FirstCompensation.eq(FcState::Applied.as_str()))
        }
        (r, RoleView::All) if is_case_staff(r) => {}
        (Role::Regulator | Role::FundAdmin | Role::Admin, RoleView::Mine) => {}
        _ => return Err(AppError::Forbidden),
    }
    if let Some(s) = status {
        cond = cond.add(case::Column::Status.eq(s.as_str()));
    }
    q = q.filter(cond);
    let rows = q
        // Cases without a deadline (closed) after those with one, before the
        // limit applies (SQLite and PostgreSQL sort NULLs differently).
        .order_by_asc(Expr::col(case::Column::NextDeadlineAt).is_null())
        .order_by_asc(case::Column::NextDeadlineAt)
        .order_by_asc(case::Column::Id)
        .limit(limit)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let ids: Vec<i32> = rows.iter().map(|c| c.merchant_id).collect();
    let names: std::collections::HashMap<i32, String> = merchant::Entity::find()
        .filter(merchant::Column::Id.is_in(ids))
        .all(&svc.db)
        .await
        .map_err(internal_error)?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|c| CaseSummary {
            id: c.id,
            number: c.number,
            status: Status::parse(&c.status).unwrap_or(Status::Closed),
            title: c.title,
            merchant_name: names.get(&c.merchant_id).cloned().unwrap_or_default(),
            amount_claimed_fen: c.amount_claimed_fen,
            owner_id: c.owner_id,
            next_deadline_at: c.next_deadline_at,
            decision_overdue: c.status == Status::InArbitration.as_str()
                && c.decision_overdue_at.is_some(),
            created_at: c.created_at,
        })
        .collect())
}

pub async fn trail_of(
    svc: &Services,
    viewer: &UserView,
    case_id: i32,
    reveal: Option<&str>,
) -> Result<Vec<TrailEntryView>, AppError> {
    let (c, _) = load_readable(&svc.db, viewer, case_id).await?;
    let exposure = super::privacy::exposure(viewer, &c, reveal);
    if let super::privacy::Exposure::Logged(why) = &exposure {
        super::privacy::log_access(svc, viewer, &c, "trail", why).await?;
    }
    let masked = exposure == super::privacy::Exposure::Masked;
    let sees_internal = crate::record::reads_internal(viewer, &c);
    Ok(trail::entries(&svc.db, case_id)
        .await?
        .into_iter()
        .filter(|e| sees_internal || e.kind != trail::INTERNAL)
        .map(|e| TrailEntryView {
            seq: e.seq,
            at: e.at,
            actor_role: e.actor_role,
            kind: e.kind,
            body: {
                let mut body: serde_json::Value =
                    serde_json::from_str(&e.body).unwrap_or(serde_json::Value::Null);
                if masked {
                    super::privacy::scrub_strings(&mut body);
                }
                body
            },
            hash: e.hash,
        })
        .collect())
}

pub async fn verify_trail(
    svc: &Services,
    viewer: &UserView,
    case_id: i32,
) -> Result<trail::Verification, AppError> {
    load_readable(&svc.db, viewer, case_id).await?;
    trail::verify(&svc.db, case_id).await
}
