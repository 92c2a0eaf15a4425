//! Cases: filing, acting, reading, the deadline sweeper. Every change runs
//! `domain::cases::Case::apply` and then, in one transaction, a guarded
//! update of the case (`WHERE version = ?`), a trail entry, inbox entries
//! and mail in the outbox — so two parties acting at once cannot both win,
//! and a crash loses neither the change nor its notifications.

pub mod calendar;
pub mod collective;
pub mod evidence;
mod file;
mod notify;
pub mod privacy;
pub mod read;
pub mod sweep;
pub mod trail;

use chrono::{DateTime, Utc};
use domain::cases::{Actor, Case, Event, Party, Remedy, RuleError, Terms};
use domain::{AppError, Fen, Role, UserView};
use entities::{case, merchant};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

pub use file::{RawCase, file_case};
pub use read::{get_case, list_cases, trail_of, verify_trail};

use crate::Services;
use crate::accounts::internal_error;

/// Staff who may read every case.
pub fn is_case_staff(role: Role) -> bool {
    matches!(
        role,
        Role::Mediator | Role::Arbitrator | Role::Regulator | Role::FundAdmin | Role::Admin
    )
}

/// Who `user` is on this case, if anyone who may act.
pub fn actor_for(user: &UserView, c: &case::Model, m: &merchant::Model) -> Option<Actor> {
    match user.role {
        Role::Consumer if c.consumer_id == user.id => Some(Actor::Party(Party::Consumer)),
        Role::Merchant if m.account_id == Some(user.id) => Some(Actor::Party(Party::Merchant)),
        Role::Mediator => Some(Actor::Mediator(user.id)),
        Role::Arbitrator => Some(Actor::Arbitrator(user.id)),
        Role::FundAdmin => Some(Actor::FundAdmin(user.id)),
        _ => None,
    }
}

/// May `user` read this case? Its parties (the filing consumer, consumers who
/// joined it, the merchant's account) and staff may; for anyone else it does
/// not exist.
pub async fn may_read<C: ConnectionTrait>(
    conn: &C,
    user: &UserView,
    c: &case::Model,
    m: &merchant::Model,
) -> Result<bool, AppError> {
    Ok(is_case_staff(user.role)
        || (user.role == Role::Consumer
            && (c.consumer_id == user.id || collective::is_member(conn, c.id, user.id).await?))
        || (user.role == Role::Merchant && m.account_id == Some(user.id)))
}

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

pub(crate) fn state_of(c: &case::Model) -> Result<Case, AppError> {
    serde_json::from_str(&c.state).map_err(|e| {
        tracing::error!("case {} has an unreadable state: {e}", c.id);
        AppError::Internal
    })
}

/// An action as it arrives from a form or the API: every field text.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawAction {
    pub action: String,
    pub message: Option<String>,
    pub reason: Option<String>,
    pub amount_fen: Option<String>,
    pub remedy: Option<String>,
    pub fulfil_within_days: Option<String>,
    /// Handover: the user id of the mediator or arbitrator taking over.
    pub to: Option<String>,
    /// Evidence request: `consumer` or `merchant`.
    pub party: Option<String>,
    pub within_days: Option<String>,
    /// Contest decision: `true` (upheld) or `false` (refused).
    pub upheld: Option<String>,
    /// `rate`: 1–5 (the consumer's side).
    pub stars: Option<String>,
    /// `rate`: the merchant flags the complaint as malicious (`true`/`false`).
    pub flag_malicious: Option<String>,
    /// `rate`, `follow_up`: the rating's text.
    pub text: Option<String>,
    /// Where the request came from (set by the server, never read from the
    /// body): kept with a rating for the regulators' brushing signals.
    #[serde(skip)]
    pub ip: Option<String>,
}

/// What the trail records of an action besides its name.
#[derive(Debug, Clone, Default, Serialize)]
struct ActionRecord {
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    terms: Option<Terms>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    party: Option<Party>,
    #[serde(skip_serializing_if = "Option::is_none")]
    within_days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount_fen: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    upheld: Option<bool>,
    from_status: String,
    to_status: String,
}

fn text(
    v: &Option<String>,
    field: &str,
    max: usize,
    required: bool,
) -> Result<Option<String>, AppError> {
    let t = v.as_deref().map(str::trim).unwrap_or("");
    if t.is_empty() {
        return if required {
            Err(AppError::invalid(field, "err.required"))
        } else {
            Ok(None)
        };
    }
    if t.chars().count() > max {
        return Err(AppError::invalid(field, "err.text_too_long"));
    }
    Ok(Some(t.to_string()))
}

fn number<T: std::str::FromStr>(v: &Option<String>, field: &str) -> Result<T, AppError> {
    let t = v.as_deref().map(str::trim).unwrap_or("");
    if t.is_empty() {
        return Err(AppError::invalid(field, "err.required"));
    }
    t.parse()
        .map_err(|_| AppError::invalid(field, "err.whole_number"))
}

fn terms(raw: &RawAction) -> Result<Terms, AppError> {
    let amount: i64 = number(&raw.amount_fen, "amount_fen")?;
    let remedy = raw
        .remedy
        .as_deref()
        .and_then(Remedy::parse)
        .ok_or_else(|| AppError::invalid("remedy", "err.remedy_unknown"))?;
    Ok(Terms {
        amount: Fen(amount),
        remedy,
        fulfil_within_days: number(&raw.fulfil_within_days, "fulfil_within_days")?,
    })
}

/// Turns the raw fields into the event and what the trail keeps of it.
fn parse_action(raw: &RawAction) -> Result<(Event, ActionRecord), AppError> {
    use domain::cases::ActionKind as K;
    let kind =
        K::parse(&raw.action).ok_or_else(|| AppError::invalid("action", "err.action_unknown"))?;
    let mut rec = ActionRecord::default();
    let event = match kind {
        K::Respond | K::Message => {
            rec.message = text(&raw.message, "message", 5000, true)?;
            if kind == K::Respond {
                Event::Respond
            } else {
                Event::Message
            }
        }
        K::Offer | K::Propose => {
            let t = terms(raw)?;
            rec.message = text(&raw.message, "message", 5000, false)?;
            rec.terms = Some(t.clone());
            if kind == K::Offer {
                Event::Offer(t)
            } else {
                Event::Propose(t)
            }
        }
        K::Decide => {
            let t = terms(raw)?;
            // A decision must give its reasons in writing.
            rec.reason = text(
                &raw.reason.clone().or(raw.message.clone()),
                "reason",
                20000,
                true,
            )?;
            rec.terms = Some(t.clone());
            Event::Decide(t)
        }
        K::AcceptOffer => Event::AcceptOffer,
        K::RejectOffer => {
            rec.reason = text(&raw.reason, "reason", 2000, false)?;
            Event::RejectOffer
        }
        K::AcceptProposal => Event::AcceptProposal,
        K::RejectProposal => {
            rec.reason = text(&raw.reason, "reason", 2000, false)?;
            Event::RejectProposal
        }
        K::Escalate | K::Withdraw | K::Reopen => {
            rec.reason = text(&raw.reason, "reason", 2000, true)?;
            match kind {
                K::Escalate => Event::Escalate,
                K::Withdraw => Event::Withdraw,
                _ => Event::Reopen,
            }
        }
        K::Take => Event::Take,
        K::Handover => {
            let to: i32 = number(&raw.to, "to")?;
            rec.reason = text(&raw.reason, "reason", 2000, true)?;
            rec.to = Some(to);
            Event::Handover { to }
        }
        K::RequestEvidence => {
            let party = raw
                .party
                .as_deref()
                .and_then(Party::parse)
                .ok_or_else(|| AppError::invalid("party", "err.party_unknown"))?;
            let within_days: u32 = number(&raw.within_days, "within_days")?;
            rec.message = text(&raw.message, "message", 5000, true)?;
            rec.party = Some(party);
            rec.within_days = Some(within_days);
            Event::RequestEvidence { party, within_days }
        }
        K::ProvideEvidence => {
            rec.message = text(&raw.message, "message", 5000, false)?;
            Event::ProvideEvidence
        }
        K::Comply => {
            rec.message = text(&raw.message, "message", 5000, false)?;
            Event::Comply
        }
        K::ConfirmFulfilment => Event::ConfirmFulfilment,
        K::ApplyFirstCompensation => {
            rec.message = text(&raw.message, "message", 5000, false)?;
            Event::ApplyFirstCompensation
        }
        K::ApproveFirstCompensation => {
            let amount =
                crate::fund::operations::parse_amount(raw.amount_fen.as_deref().unwrap_or(""))?;
            rec.amount_fen = Some(amount.0);
            rec.message = text(&raw.message, "message", 5000, false)?;
            Event::ApproveFirstCompensation { amount }
        }
        K::RefuseFirstCompensation | K::ContestRecovery => {
            rec.reason = text(&raw.reason, "reason", 5000, true)?;
            if kind == K::ContestRecovery {
                Event::ContestRecovery
            } else {
                Event::RefuseFirstCompensation
            }
        }
        K::DecideContest => {
            let upheld = match raw.upheld.as_deref().map(str::trim) {
                Some("true") => true,
                Some("false") => false,
                _ => return Err(AppError::invalid("upheld", "err.upheld_required")),
            };
            rec.upheld = Some(upheld);
            rec.reason = text(&raw.reason, "reason", 20000, true)?;
            Event::DecideContest { upheld }
        }
    };
    Ok((event, rec))
}

/// `user` does `raw` on case `case_id`.
pub async fn act(
    svc: &Services,
    user: &UserView,
    case_id: i32,
    raw: &RawAction,
) -> Result<domain::cases::CaseView, AppError> {
    // Ratings (信用互评) are not steps of the case's life.
    if crate::credit::ratings::is_rating_action(&raw.action) {
        crate::credit::ratings::act(svc, user, case_id, raw).await?;
        return get_case(svc, user, case_id).await;
    }
    let (event, mut rec) = parse_action(raw)?;
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let (c, m) = read::load(&txn, case_id).await?;
    if !may_read(&txn, user, &c, &m).await? {
        return Err(AppError::NotFound);
    }
    let actor = actor_for(user, &c, &m).ok_or(AppError::Forbidden)?;
    let cal = calendar::load(&txn).await?;
    let state = state_of(&c)?;
    let t = state.apply(actor, &event, now, &cal).map_err(rule_error)?;
    // After the rules: someone who may not hand over learns 403/409, not
    // whether the target would have been acceptable.
    if let Event::Handover { to } = event {
        check_handover_target(&txn, actor, to).await?;
    }
    rec.from_status = c.status.clone();
    rec.to_status = t.case.status.as_str().into();
    let kind = event
        .kind()
        .map(|k| k.as_str())
        .unwrap_or("deadline_elapsed");
    save(&txn, &c, &t.case, now).await?;
    trail::append(
        &txn,
        c.id,
        now,
        Some(user.id),
        user.role.as_str(),
        kind,
        &rec,
    )
    .await?;
    crate::credit::records::on_case_change(&txn, &c, &state, &t.case, now).await?;
    // The money of first compensation moves in the same transaction.
    if let Some(moved) = crate::fund::on_case_step(
        &txn,
        svc.config.fund_cap_fen,
        &c,
        &event,
        &t.case,
        user.id,
        now,
    )
    .await?
    {
        trail::append(
            &txn,
            c.id,
            now,
            Some(user.id),
            user.role.as_str(),
            "fund_posted",
            &moved,
        )
        .await?;
    }
    notify::send(svc, &txn, &c, &m, &t.case, &t.notify, Some(user.id)).await?;
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    get_case(svc, user, case_id).await
}

/// A handover goes to another staff member of the same kind.
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
        Some(u) if u.role == want.as_str() => Ok(()),
        _ => Err(AppError::invalid("to", "err.handover_target")),
    }
}

/// Writes the new rule state if nobody changed the case since it was read.
pub(crate) async fn save<C: ConnectionTrait>(
    conn: &C,
    old: &case::Model,
    new: &Case,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let state = serde_json::to_string(new).map_err(|_| AppError::Internal)?;
    let res = case::Entity::update_many()
        .col_expr(case::Column::State, Expr::value(state))
        .col_expr(case::Column::Status, Expr::value(new.status.as_str()))
        .col_expr(case::Column::OwnerId, Expr::value(new.owner))
        .col_expr(
            case::Column::FirstCompensation,
            Expr::value(first_compensation_column(new)),
        )
        .col_expr(
            case::Column::NextDeadlineAt,
            Expr::value(new.next_deadline()),
        )
        .col_expr(case::Column::Version, Expr::value(old.version + 1))
        .col_expr(case::Column::UpdatedAt, Expr::value(now))
        .filter(case::Column::Id.eq(old.id))
        .filter(case::Column::Version.eq(old.version))
        .exec(conn)
        .await
        .map_err(|e| {
            if is_write_locked(&e) {
                AppError::conflict("case", "err.case_changed")
            } else {
                internal_error(e)
            }
        })?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict("case", "err.case_changed"));
    }
    // Closing (or reopening) a published case adds (or removes) its public record.
    let closed = domain::cases::Status::Closed.as_str();
    if old.publish_narrative
        && (old.status == closed || new.status == domain::cases::Status::Closed)
    {
        crate::search::reindex_case_later(conn, old.id, now).await?;
    }
    Ok(())
}

/// What the `first_compensation` column says: the application's state, or
/// `contested` while the merchant's contest of the recovery waits.
pub(crate) const FC_CONTESTED: &str = "contested";

fn first_compensation_column(c: &Case) -> Option<String> {
    c.first_compensation.as_ref().map(|fc| {
        if fc.contest == Some(domain::cases::ContestState::Pending) {
            FC_CONTESTED.to_string()
        } else {
            fc.state.as_str().to_string()
        }
    })
}

/// SQLite refuses this transaction's first write when another one is
/// writing or has written since this one read: the case changed under us,
/// as when the version guard matches no row (PostgreSQL waits and then
/// matches none).
fn is_write_locked(e: &sea_orm::DbErr) -> bool {
    let s = e.to_string().to_lowercase();
    s.contains("database is locked") || s.contains("database table is locked")
}
