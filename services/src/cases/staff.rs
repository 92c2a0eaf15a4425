//! Staff tooling on cases: the mediators' and arbitrators' workload,
//! internal notes (staff only, in the trail), recusal and an admin's
//! reassignment. The case lists'
//! paging, search and filters are `read::list_page`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::cases::{
    CaseView, NOTE_TOPIC, NoteInput, ReassignInput, RecuseInput, StaffLoad, Status, TrailEntryView,
    WORKLOAD_DUE_DAYS, Workload,
};
use domain::{AppError, Role, UserView};
use entities::{case, user};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::Services;
use crate::db::internal_error;
use crate::record::{self, actor_for, calendar, is_case_staff, notice, state_of, trail};

/// Who sees the workload: mediators, arbitrators and admins.
pub fn sees_workload(role: Role) -> bool {
    matches!(role, Role::Mediator | Role::Arbitrator | Role::Admin)
}

/// For each active mediator and arbitrator: the open cases they own, how
/// many of those are past their stage deadline, how many are due within
/// [`WORKLOAD_DUE_DAYS`] working days; and the unowned cases in each queue.
pub async fn workload(svc: &Services, viewer: &UserView) -> Result<Workload, AppError> {
    if !sees_workload(viewer.role) {
        return Err(AppError::Forbidden);
    }
    let now = svc.clock.now();
    let cal = calendar::current(svc, &svc.db).await?;
    let soon = cal.deadline(now, WORKLOAD_DUE_DAYS);
    let staff: Vec<(i32, String, String)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::DisplayName)
        .column(user::Column::Role)
        .filter(user::Column::Role.is_in([Role::Mediator.as_str(), Role::Arbitrator.as_str()]))
        .filter(user::Column::DeactivatedAt.is_null())
        .order_by_asc(user::Column::DisplayName)
        .order_by_asc(user::Column::Id)
        .into_tuple()
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let owned: Vec<(Option<i32>, Option<DateTime<Utc>>)> = case::Entity::find()
        .select_only()
        .column(case::Column::OwnerId)
        .column(case::Column::NextDeadlineAt)
        .filter(case::Column::OwnerId.is_not_null())
        .filter(case::Column::Status.is_not_in(record::final_statuses()))
        .into_tuple()
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let mut by_owner: HashMap<i32, (u64, u64, u64)> = HashMap::new();
    for (owner, deadline) in owned {
        let Some(owner) = owner else { continue };
        let e = by_owner.entry(owner).or_default();
        e.0 += 1;
        match deadline {
            Some(d) if d < now => e.1 += 1,
            Some(d) if d <= soon => e.2 += 1,
            _ => {}
        }
    }
    let queue = |s: Status| {
        case::Entity::find()
            .filter(case::Column::Status.eq(s.as_str()))
            .filter(case::Column::OwnerId.is_null())
            .count(&svc.db)
    };
    let mediation_queue = queue(Status::InMediation).await.map_err(internal_error)?;
    let arbitration_queue = queue(Status::InArbitration).await.map_err(internal_error)?;
    let mut mediators = vec![];
    let mut arbitrators = vec![];
    for (id, name, role) in staff {
        let (open, overdue, due_soon) = by_owner.get(&id).copied().unwrap_or_default();
        let load = StaffLoad {
            user_id: id,
            name,
            open,
            overdue,
            due_soon,
        };
        if role == Role::Mediator.as_str() {
            mediators.push(load);
        } else {
            arbitrators.push(load);
        }
    }
    Ok(Workload {
        mediators,
        arbitrators,
        mediation_queue,
        arbitration_queue,
        due_within_days: WORKLOAD_DUE_DAYS,
    })
}

/// Staff who may read the case add an internal note: a trail entry of
/// kind `internal` (topic `staff_note`) that only staff read. No one is
/// notified; the case itself does not change.
pub async fn add_note(
    svc: &Services,
    viewer: &UserView,
    case_id: i32,
    input: &NoteInput,
) -> Result<TrailEntryView, AppError> {
    if !is_case_staff(viewer.role) {
        return Err(AppError::Forbidden);
    }
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    // Locked: the note's trail entry and a concurrent step's come one at a time.
    let (c, m) = record::load_locked(&txn, case_id).await?;
    if !record::may_read(&txn, viewer, &c, &m).await? {
        return Err(AppError::NotFound);
    }
    let note = input.check()?;
    let now = svc.clock.now();
    let body = serde_json::json!({ "topic": NOTE_TOPIC, "note": note });
    let e = trail::append(
        &txn,
        c.id,
        now,
        Some(viewer.id),
        viewer.role.as_str(),
        trail::INTERNAL,
        &body,
    )
    .await?;
    txn.commit().await.map_err(internal_error)?;
    Ok(TrailEntryView {
        seq: e.seq,
        at: e.at,
        actor_name: None,
        actor_role: e.actor_role,
        kind: e.kind,
        body,
        hash: e.hash,
    })
}

/// The owning mediator or arbitrator recuses themselves
/// (`domain::cases::Case::recuse`): the case goes back to the queue, the
/// trail records it with the reason, the queue is told; they never take
/// or are handed the case again.
pub async fn recuse(
    svc: &Services,
    viewer: &UserView,
    case_id: i32,
    input: &RecuseInput,
) -> Result<CaseView, AppError> {
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let (c, m) = record::load_readable(&txn, viewer, case_id).await?;
    let actor = actor_for(&txn, viewer, &c, &m)
        .await?
        .ok_or(AppError::Forbidden)?;
    let before = state_of(&c)?;
    let t = before.recuse(actor).map_err(super::rule_error)?;
    // After the rules: someone who may not recuse learns 403/409 first.
    let reason = input.check()?;
    record::save(&txn, &c, &t.case, now).await?;
    let body = serde_json::json!({
        "reason": reason,
        "from_status": c.status,
        "to_status": t.case.status.as_str(),
    });
    trail::append(
        &txn,
        c.id,
        now,
        Some(viewer.id),
        viewer.role.as_str(),
        "recuse",
        &body,
    )
    .await?;
    notice::case_step(svc, &txn, &c, &m, &t.case, &t.notify, Some(viewer.id)).await?;
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    super::get_case(svc, viewer, case_id).await
}

/// An admin gives a case in mediation or arbitration to another mediator or
/// arbitrator (`domain::cases::Case::reassign`) — its owner left, is away or
/// holds too many, and only an owner can hand a case over. The new owner
/// must be an active account of the stage's kind; the trail records who
/// had it, who has it now and why; the new owner is told. 403 for anyone
/// but an admin.
pub async fn reassign(
    svc: &Services,
    viewer: &UserView,
    case_id: i32,
    input: &ReassignInput,
) -> Result<CaseView, AppError> {
    if viewer.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let (to, reason) = input.check()?;
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let (c, m) = record::load_readable(&txn, viewer, case_id).await?;
    let target = user::Entity::find_by_id(to)
        .one(&txn)
        .await
        .map_err(internal_error)?
        .filter(|u| u.deactivated_at.is_none() && u.deleted_at.is_none())
        .ok_or_else(|| AppError::invalid("to", "err.handover_target"))?;
    let role =
        Role::parse(&target.role).ok_or_else(|| AppError::invalid("to", "err.handover_target"))?;
    let before = state_of(&c)?;
    let t = before.reassign(to, role).map_err(super::rule_error)?;
    record::save(&txn, &c, &t.case, now).await?;
    let body = serde_json::json!({
        "reason": reason,
        "from": c.owner_id,
        "to": to,
        "status": c.status,
    });
    trail::append(
        &txn,
        c.id,
        now,
        Some(viewer.id),
        viewer.role.as_str(),
        "reassign",
        &body,
    )
    .await?;
    notice::case_step(svc, &txn, &c, &m, &t.case, &t.notify, Some(viewer.id)).await?;
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    super::get_case(svc, viewer, case_id).await
}

/// Whom an admin may give the case to ([`reassign`]): the active staff of
/// the stage's kind but its owner, with their load; none for anyone but an
/// admin or outside mediation and arbitration.
pub async fn reassign_candidates(
    svc: &Services,
    viewer: &UserView,
    case: &CaseView,
) -> Result<Vec<StaffLoad>, AppError> {
    if viewer.role != Role::Admin {
        return Ok(vec![]);
    }
    let load = match case.status {
        Status::InMediation => workload(svc, viewer).await?.mediators,
        Status::InArbitration => workload(svc, viewer).await?.arbitrators,
        _ => return Ok(vec![]),
    };
    Ok(load
        .into_iter()
        .filter(|s| Some(s.user_id) != case.owner_id)
        .collect())
}
