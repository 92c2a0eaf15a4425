//! Reading cases: one case as its reader may see it, lists and queues, the trail.

use domain::calendar::format_deadline;
use domain::cases::{
    Assignee, CaseFilter, CaseListPage, CaseSort, CaseSummary, CaseView, Cursor, DeadlineFilter,
    DeadlineView, FcState, Status, TrailEntryView, mask_name,
};
use domain::{AppError, Role, UserView};
use entities::{case, merchant, user};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query, SimpleExpr};
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
    let view = view_of(svc, viewer, &c, &m, masked).await?;
    super::unread::mark_read(&svc.db, viewer, c.id, svc.clock.now()).await?;
    Ok(view)
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
    let actor = actor_for(&svc.db, viewer, c, m).await?;
    let allowed = actor
        .map(|a| state.allowed_actions(a, now, &cal))
        .unwrap_or_default();
    let next_action = domain::cases::next_action(&allowed, actor);
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
        next_action,
        viewer_party: match actor {
            Some(domain::cases::Actor::Party(p)) => Some(p),
            _ => None,
        },
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

/// Cases the caller may see, oldest deadline first, at most `limit`.
pub async fn list_cases(
    svc: &Services,
    viewer: &UserView,
    view: RoleView,
    status: Option<Status>,
    limit: u64,
) -> Result<Vec<CaseSummary>, AppError> {
    let filter = CaseFilter {
        status,
        limit,
        ..CaseFilter::default()
    };
    Ok(list_page(svc, viewer, view, &filter).await?.items)
}

/// The cases the caller's role and `view` allow, as a condition.
async fn scope(svc: &Services, viewer: &UserView, view: RoleView) -> Result<Condition, AppError> {
    let cond = Condition::all();
    Ok(match (viewer.role, view) {
        (Role::Consumer, RoleView::Mine) => {
            let joined: Vec<i32> = entities::case_member::Entity::find()
                .select_only()
                .column(entities::case_member::Column::CaseId)
                .filter(entities::case_member::Column::ConsumerId.eq(viewer.id))
                .into_tuple()
                .all(&svc.db)
                .await
                .map_err(internal_error)?;
            cond.add(
                Condition::any()
                    .add(case::Column::ConsumerId.eq(viewer.id))
                    .add(case::Column::Id.is_in(joined)),
            )
        }
        (Role::Merchant, RoleView::Mine) => {
            let mine = crate::record::merchants_of(&svc.db, viewer.id).await?;
            cond.add(case::Column::MerchantId.is_in(mine))
        }
        (Role::Mediator | Role::Arbitrator, RoleView::Mine) => {
            cond.add(case::Column::OwnerId.eq(viewer.id))
        }
        (Role::Mediator, RoleView::Queue) => cond
            .add(case::Column::Status.eq(Status::InMediation.as_str()))
            .add(case::Column::OwnerId.is_null()),
        (Role::Arbitrator, RoleView::Queue) => cond.add(
            Condition::any()
                .add(
                    Condition::all()
                        .add(case::Column::Status.eq(Status::InArbitration.as_str()))
                        .add(case::Column::OwnerId.is_null()),
                )
                // Recoveries the merchant contested (any arbitrator decides).
                .add(case::Column::FirstCompensation.eq(FC_CONTESTED)),
        ),
        (Role::FundAdmin, RoleView::Queue) => {
            cond.add(case::Column::FirstCompensation.eq(FcState::Applied.as_str()))
        }
        (r, RoleView::All) if is_case_staff(r) => cond,
        (Role::Regulator | Role::FundAdmin | Role::Admin, RoleView::Mine) => cond,
        _ => return Err(AppError::Forbidden),
    })
}

/// `col` lower-cased `LIKE` the search pattern (`ESCAPE '\'`): SQLite's
/// `lower` folds only ASCII letters, so the pattern folds only those too.
fn like(col: impl sea_orm::sea_query::IntoColumnRef, pattern: &str) -> SimpleExpr {
    Expr::expr(Func::lower(Expr::col(col))).like(LikeExpr::new(pattern).escape('\\'))
}

/// A page of the cases the caller may see: the role and `view` decide
/// which cases, every parameter of `f` only narrows them (the assignee
/// filter is for staff), in `f.sort` order from `f.cursor` on.
pub async fn list_page(
    svc: &Services,
    viewer: &UserView,
    view: RoleView,
    f: &CaseFilter,
) -> Result<CaseListPage, AppError> {
    let mut cond = scope(svc, viewer, view).await?;
    if let Some(s) = f.status {
        cond = cond.add(case::Column::Status.eq(s.as_str()));
    }
    if let Some(a) = f.assignee {
        if !is_case_staff(viewer.role) {
            return Err(AppError::Forbidden);
        }
        cond = cond.add(match a {
            Assignee::Me => case::Column::OwnerId.eq(viewer.id),
            Assignee::Unassigned => case::Column::OwnerId.is_null(),
            Assignee::User(id) => case::Column::OwnerId.eq(id),
        });
    }
    if let Some(d) = f.deadline {
        let now = svc.clock.now();
        cond = cond.add(match d {
            DeadlineFilter::Overdue => case::Column::NextDeadlineAt.lt(now),
            DeadlineFilter::DueWithin(n) => {
                let cal = calendar::current(svc, &svc.db).await?;
                case::Column::NextDeadlineAt
                    .gte(now)
                    .and(case::Column::NextDeadlineAt.lte(cal.deadline(now, n)))
            }
        });
    }
    if let Some(p) = f.like_pattern() {
        let merchants = Query::select()
            .column(merchant::Column::Id)
            .from(merchant::Entity)
            .and_where(like((merchant::Entity, merchant::Column::Name), &p))
            .to_owned();
        cond = cond.add(
            Condition::any()
                .add(like((case::Entity, case::Column::Number), &p))
                .add(like((case::Entity, case::Column::OrderRef), &p))
                .add(like((case::Entity, case::Column::Title), &p))
                .add(like((case::Entity, case::Column::Narrative), &p))
                .add(case::Column::MerchantId.in_subquery(merchants)),
        );
    }
    let deadline = case::Column::NextDeadlineAt;
    match f.cursor {
        Some(Cursor::Before(id)) => cond = cond.add(case::Column::Id.lt(id)),
        Some(Cursor::After(Some(at), id)) => {
            cond = cond.add(
                Condition::any()
                    .add(deadline.gt(at))
                    .add(deadline.eq(at).and(case::Column::Id.gt(id)))
                    .add(deadline.is_null()),
            )
        }
        Some(Cursor::After(None, id)) => {
            cond = cond.add(deadline.is_null()).add(case::Column::Id.gt(id))
        }
        None => {}
    }
    let q = case::Entity::find().filter(cond);
    let q = match f.sort {
        CaseSort::Newest => q.order_by_desc(case::Column::Id),
        // Cases without a deadline (closed) after those with one (SQLite
        // and PostgreSQL sort NULLs differently).
        CaseSort::Deadline => q
            .order_by_asc(Expr::col(deadline).is_null())
            .order_by_asc(deadline)
            .order_by_asc(case::Column::Id),
    };
    let mut rows = q
        .limit(f.limit + 1)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let more = rows.len() as u64 > f.limit;
    rows.truncate(f.limit as usize);
    let next = match rows.last() {
        Some(last) if more => Some(
            match f.sort {
                CaseSort::Newest => Cursor::Before(last.id),
                CaseSort::Deadline => Cursor::After(last.next_deadline_at, last.id),
            }
            .encode(),
        ),
        _ => None,
    };
    let names = crate::record::merchant_names(&svc.db, rows.iter().map(|c| c.merchant_id)).await?;
    let ids: Vec<i32> = rows.iter().map(|c| c.id).collect();
    let unread = super::unread::unread_among(&svc.db, viewer, &ids).await?;
    let cal = calendar::current(svc, &svc.db).await?;
    let now = svc.clock.now();
    let items = rows
        .into_iter()
        .map(|c| CaseSummary {
            working_days_left: c
                .next_deadline_at
                .filter(|at| *at >= now)
                .map(|at| cal.working_days_left(now, at)),
            deadline_passed: c.next_deadline_at.is_some_and(|at| at < now),
            unread: unread.contains(&c.id),
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
        .collect();
    Ok(CaseListPage { items, next })
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
    let entries = trail::entries(&svc.db, case_id).await?;
    // Which of the merchant's accounts took each of its steps.
    let merchant_side = entries
        .iter()
        .filter(|e| e.actor_role == Role::Merchant.as_str())
        .filter_map(|e| e.actor_id);
    let names = crate::record::user_names(&svc.db, merchant_side).await?;
    Ok(entries
        .into_iter()
        .filter(|e| crate::record::reads_entry(viewer, &c, e))
        .map(|e| TrailEntryView {
            seq: e.seq,
            at: e.at,
            actor_name: (e.actor_role == Role::Merchant.as_str())
                .then(|| e.actor_id.and_then(|id| names.get(&id).cloned()))
                .flatten(),
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
