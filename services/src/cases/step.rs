//! One case step — a person's action or an elapsed deadline — after the
//! rules allowed it: the one place that writes its consequences, in the
//! caller's transaction and always in this order:
//!
//! 1. the case row under its version guard (`record::save`);
//! 2. the trail entry of the step (and the platform's webhook deliveries);
//! 3. the credit file (`credit::records::on_case_change`);
//! 4. the fund's postings of first compensation, with their own trail entry,
//!    and the public ledger's refusals and appeals;
//! 5. the notices to everyone the rules name, but the actor.

use chrono::{DateTime, Utc};
use domain::UserView;
use domain::cases::{ActionRecord, Case, Event, Transition};
use entities::{case, merchant};
use sea_orm::ConnectionTrait;

use crate::Services;
use crate::record::{self, notice, trail};

/// Who took the step.
#[derive(Clone, Copy)]
pub(crate) enum By<'a> {
    User(&'a UserView),
    /// The sweeper, for an elapsed deadline.
    System,
}

impl By<'_> {
    fn id(self) -> Option<i32> {
        match self {
            By::User(u) => Some(u.id),
            By::System => None,
        }
    }

    fn role(self) -> &'static str {
        match self {
            By::User(u) => u.role.as_str(),
            By::System => "system",
        }
    }
}

/// Writes step `event` of case `c` (whose rule state was `before`), which
/// the rules turned into `t`. `rec` is what the trail keeps of the action;
/// its statuses are filled in here.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn commit<C: ConnectionTrait>(
    svc: &Services,
    conn: &C,
    c: &case::Model,
    m: &merchant::Model,
    before: &Case,
    event: &Event,
    t: &Transition,
    by: By<'_>,
    mut rec: ActionRecord,
    now: DateTime<Utc>,
) -> Result<(), domain::AppError> {
    rec.from_status = c.status.clone();
    rec.to_status = t.case.status.as_str().into();
    let kind = event
        .kind()
        .map(|k| k.as_str())
        .unwrap_or("deadline_elapsed");
    record::save(conn, c, &t.case, now).await?;
    trail::append(conn, c.id, now, by.id(), by.role(), kind, &rec).await?;
    // A case a platform sent: its webhooks hear of the step, in this transaction.
    if let Some(ev) = domain::webhooks::event_for_step(kind, &rec.from_status, &rec.to_status) {
        crate::webhooks::on_case_event(conn, c, ev, &rec.to_status, now).await?;
    }
    crate::credit::records::on_case_change(conn, c, before, &t.case, now).await?;
    // The money of first compensation moves in the same transaction.
    let cap = svc.config.fund_cap_fen;
    if let Some(moved) =
        crate::fund::on_case_step(conn, cap, c, event, &t.case, by.id(), now).await?
    {
        trail::append(conn, c.id, now, by.id(), by.role(), "fund_posted", &moved).await?;
    }
    // The public ledger's refusals and appeals.
    crate::fund::appeals::on_case_step(conn, c, event, &rec, &t.case, now).await?;
    notice::case_step(svc, conn, c, m, &t.case, &t.notify, by.id()).await
}
