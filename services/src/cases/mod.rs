//! Cases: filing, acting, reading, the deadline sweeper. Every change runs
//! `domain::cases::Case::apply` and then one step ([`step::commit`]) in one
//! transaction: a guarded update of the case (`WHERE version = ?`), a trail
//! entry, the credit and fund consequences, inbox entries and mail in the
//! outbox — so two parties acting at once cannot both win, and a crash
//! loses neither the change nor its notifications. The shared case record
//! (loading, saving, the trail, the calendar, notices) lives in `record`.

pub mod bundle;
pub mod collective;
pub mod draft;
pub mod evidence;
pub mod export;
mod file;
pub mod privacy;
pub mod read;
pub mod screening;
pub mod staff;
pub mod stats;
mod step;
pub mod sweep;
pub mod unread;

use domain::cases::{ActionInput, Actor, Event, RuleError};
use domain::{AppError, Role, UserView};
use sea_orm::{ConnectionTrait, EntityTrait};

pub(crate) use file::file_checked;
pub use file::{EVIDENCE_FIELD, EvidenceFile, Source, file_case, file_case_with_evidence};
pub use read::{get_case, list_cases, list_page, trail_of, verify_trail};
pub use stats::statistics;

use crate::Services;
use crate::db::internal_error;
use crate::record::{self, actor_for, state_of};

pub(crate) fn rule_error(e: RuleError) -> AppError {
    match e {
        RuleError::NotYours => AppError::Forbidden,
        RuleError::NotNow { status, allowed } => AppError::NotAllowed {
            status: status.as_str().into(),
            allowed: allowed.iter().map(|a| a.as_str().to_string()).collect(),
        },
        RuleError::Invalid { field, key } => AppError::invalid(field, key),
    }
}

/// `user` takes action `input` on case `case_id`.
pub async fn act(
    svc: &Services,
    user: &UserView,
    case_id: i32,
    input: ActionInput,
) -> Result<domain::cases::CaseView, AppError> {
    let (event, rec) = input.into_event()?;
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let (c, m) = record::load_readable(&txn, user, case_id).await?;
    let actor = actor_for(&txn, user, &c, &m)
        .await?
        .ok_or(AppError::Forbidden)?;
    let cal = record::calendar::current(svc, &txn).await?;
    let before = state_of(&c)?;
    let t = before.apply(actor, &event, now, &cal).map_err(rule_error)?;
    // Steps the configuration keeps for consumers with a verified identity.
    if let Some(step) = domain::identity::guarded_step(&actor, &event, before.status, t.case.status)
    {
        crate::accounts::identity::require_for(svc, &txn, c.consumer_id, step).await?;
    }
    // After the rules: someone who may not hand over learns 403/409, not
    // whether the target would have been acceptable.
    if let Event::Handover { to } = event {
        check_handover_target(&txn, actor, to).await?;
    }
    let by = step::By::User(user);
    step::commit(svc, &txn, &c, &m, &before, &event, &t, by, rec, now).await?;
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    get_case(svc, user, case_id).await
}

/// A handover goes to another active staff member of the same kind.
async fn check_handover_target<C: ConnectionTrait>(
    conn: &C,
    actor: Actor,
    to: i32,
) -> Result<(), AppError> {
    let want = match actor {
        Actor::Mediator(_) => Role::Mediator,
        Actor::Arbitrator(_) => Role::Arbitrator,
        _ => return Err(AppError::Forbidden),
    };
    let target = entities::user::Entity::find_by_id(to)
        .one(conn)
        .await
        .map_err(internal_error)?;
    match target {
        Some(u) if u.role == want.as_str() && u.deactivated_at.is_none() => Ok(()),
        _ => Err(AppError::invalid("to", "err.handover_target")),
    }
}
