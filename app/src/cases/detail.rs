//! The case page: where the case is (stepper), who must act and by when,
//! the facts, the terms on the table, the forms the viewer may use, and the
//! full trail.

use domain::calendar::{format_deadline, format_local};
use domain::cases::{
    ActionKind, Audience, CaseView, ClockStopView, ConsumerWait, EvidenceView, Remedy, Status,
    Terms, TrailEntryView,
};
use domain::credit::RatingSide;
use domain::fund::RefusalCategory;
use domain::{Lang, Role, t, tf};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{
    AddCaseNote, CaseAction, FollowUpRating, ObjectScreening, RateCase, ReassignCase, RecuseCase,
    SetPublication, load_case_page, step_refusal,
};
use crate::components::{ActionErrorView, UserResource};
use crate::fund::yuan;
use crate::i18n::use_lang;
use crate::merchants::{RatingItem, stars};
use domain::merchant::templates::ReplyTemplate;

fn terms_text(lang: Lang, terms: &Terms) -> String {
    tf(
        lang,
        "case.terms",
        &[
            &yuan(terms.amount.0),
            t(lang, &format!("remedy.{}", terms.remedy.as_str())),
            &terms.fulfil_within_days.to_string(),
        ],
    )
}

fn audience_key(a: Audience) -> &'static str {
    match a {
        Audience::Consumer => "audience.consumer",
        Audience::Merchant => "audience.merchant",
        Audience::Owner => "audience.owner",
        Audience::Mediators => "audience.mediators",
        Audience::Arbitrators => "audience.arbitrators",
        Audience::FundAdmins => "audience.fund_admins",
    }
}

#[component]
pub fn CasePage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i32>().ok())
            .unwrap_or(0)
    });
    let query = use_query_map();
    let reveal = Memo::new(move |_| query.read().get("reveal"));
    let data = Resource::new(
        move || (id.get(), reveal.get()),
        |(id, reveal)| load_case_page(id, reveal),
    );
    view! {
        <Suspense>
            {move || Suspend::new(async move { match data.await {
                Err(e) => view! { <crate::components::PageError error=e/> }.into_any(),
                Ok(p) => view! { <CaseBody case=p.case trail=p.trail evidence=p.evidence reassign_to=p.reassign_to templates=p.templates/> }.into_any(),
            } })}
        </Suspense>
        <CaseIdentityCard id=id reveal=reveal/>
    }
}

#[component]
fn CaseBody(
    case: CaseView,
    trail: Vec<TrailEntryView>,
    evidence: Vec<EvidenceView>,
    reassign_to: Vec<domain::cases::StaffLoad>,
    templates: Vec<ReplyTemplate>,
) -> impl IntoView {
    let lang = use_lang();
    let steps = [
        "case.step.filed",
        "case.step.negotiation",
        "case.step.mediation",
        "case.step.decision",
        "case.step.closed",
    ];
    let current = case.status.step();
    let waiting: Vec<String> = case
        .waiting_on
        .iter()
        .map(|a| t(lang, audience_key(*a)).to_string())
        .collect();
    let status_text = t(lang, &format!("status.{}", case.status.as_str())).to_string();
    // Staff who stated a reason on the page get the bundle under the same reason.
    let bundle_href = match use_query_map().read_untracked().get("reveal") {
        Some(why) if !case.personal_data_masked => format!(
            "/api/v1/cases/{}/bundle?reveal={}",
            case.id,
            urlencoding::encode(&why)
        ),
        _ => format!("/api/v1/cases/{}/bundle", case.id),
    };
    let merchant_answered = trail
        .iter()
        .any(|e| e.actor_role == "merchant" && matches!(e.kind.as_str(), "respond" | "offer"));
    view! {
        <section class="case" id="case" data-status=case.status.as_str()>
            <header class="case-head">
                <h1>{case.title.clone()}</h1>
                <p class="muted"><span id="case-number">{case.number.clone()}</span>" · "<span class="badge" id="case-status">{status_text}</span></p>
            </header>
            <ol class="stepper">
                {steps.iter().enumerate().map(|(i, key)| {
                    let class = if (i as u8) < current { "done" } else if i as u8 == current { "current" } else { "" };
                    view! { <li class=class>{t(lang, key)}</li> }
                }).collect_view()}
            </ol>
            <NextStep case=case.clone() waiting=waiting merchant_answered=merchant_answered/>
            <ScreeningCard case=case.clone()/>
            <FirstCompensationCard case=case.clone()/>
            <OnTheTable case=case.clone()/>
            <Actions case=case.clone() templates=templates/>
            <StaffTools case=case.clone() reassign_to=reassign_to/>
            <div class="card conversation">
                <h2>{t(lang, "case.timeline")}</h2>
                <p class="muted small">{t(lang, "case.timeline_note")}</p>
                <ol class="timeline" id="timeline">
                    {trail.into_iter().map(|e| view! { <TrailLine entry=e/> }).collect_view()}
                </ol>
                // A plain link: the cookie rides on the GET, so it works without JavaScript.
                <p class="bundle" id="bundle">
                    <a href=bundle_href rel="external" download id="bundle-link">{t(lang, "case.bundle")}</a>
                    <br/><span class="muted">{t(lang, "case.bundle_note")}</span>
                    {case.personal_data_masked.then(|| view! { <br/><span class="muted">{t(lang, "case.bundle_masked")}</span> })}
                </p>
            </div>
            <Evidence case=case.clone() files=evidence/>
            <CaseRatings case=case.clone() merchant_answered=merchant_answered/>
            <div class="card">
                <h2>{t(lang, "case.facts")}</h2>
                <dl class="facts">
                    <dt>{t(lang, "field.merchant")}</dt><dd>{case.merchant_name.clone()}</dd>
                    <dt>{t(lang, "case.consumer")}</dt><dd id="consumer-name">{case.consumer_name.clone()}</dd>
                    {case.may_reveal.then(|| view! {
                        <dt>{t(lang, "pii.masked")}</dt>
                        <dd>
                            <form method="get" class="inline reveal" id="reveal-form">
                                <input type="text" name="reveal" required maxlength="500" placeholder=t(lang, "pii.reason")/>
                                <button type="submit">{t(lang, "pii.reveal")}</button>
                            </form>
                        </dd>
                    })}
                    <dt>{t(lang, "field.category")}</dt><dd>{t(lang, &format!("category.{}", case.category.as_str())).to_string()}</dd>
                    <dt>{t(lang, "field.order_ref")}</dt><dd>{case.order_ref.clone()}" · "{case.order_date.to_string()}</dd>
                    {case.waybill.clone().map(|w| view! { <dt>{t(lang, "field.waybill")}</dt><dd id="case-waybill"><code>{w}</code></dd> })}
                    {case.received_via.clone().map(|p| view! { <dt>{t(lang, "case.received_via")}</dt><dd id="case-received-via">{p}</dd> })}
                    {case.linked_case.clone().map(|l| view! {
                        <dt>{t(lang, "case.also_filed_against")}</dt>
                        <dd id="linked-case" data-case=l.id.to_string() data-kind=l.merchant_kind.as_str()>
                            <a href=format!("/cases/{}", l.id)>{l.number.clone()}</a>" · "{l.merchant_name.clone()}
                            " ("{t(lang, &format!("reg.merchant_kind.{}", l.merchant_kind.as_str())).to_string()}" · "
                            {t(lang, &format!("status.{}", l.status.as_str())).to_string()}" · "{yuan(l.amount_claimed_fen)}")"
                            <p class="muted small">{t(lang, "case.linked_note")}</p>
                        </dd>
                    })}
                    <dt>{t(lang, "field.amount_paid_fen")}</dt><dd>{yuan(case.amount_paid_fen)}</dd>
                    <dt>{t(lang, "field.amount_claimed_fen")}</dt><dd>{yuan(case.amount_claimed_fen)}</dd>
                    <dt>{t(lang, "field.remedy")}</dt><dd>{t(lang, &format!("remedy.{}", case.remedy.as_str())).to_string()}</dd>
                    <dt>{t(lang, "field.demand")}</dt><dd id="case-demand" data-demand=case.demand.as_str()>{t(lang, &case.demand.label_key()).to_string()}</dd>
                    <Publication case=case.clone()/>
                </dl>
                <p class="narrative">{case.narrative.clone()}</p>
            </div>
        </section>
    }
}

/// The top of the case page, for both sides and staff: what is expected of
/// the reader (a link to the form), whom the case waits on, every running
/// deadline with its working days left (Beijing time), the stopped clock.
/// For the consumer of a case the merchant has not answered yet: that the
/// complaint is filed and what happens next, with the real deadline.
#[component]
fn NextStep(case: CaseView, waiting: Vec<String>, merchant_answered: bool) -> impl IntoView {
    let lang = use_lang();
    let just_filed = case.status == Status::AwaitingMerchant
        && case.viewer_party == Some(domain::cases::Party::Consumer)
        && !merchant_answered;
    let respond_by = case
        .deadlines
        .iter()
        .find(|d| d.key == "deadline.respond_by")
        .cloned();
    let quiet = case.deadlines.is_empty()
        && waiting.is_empty()
        && case.next_action.is_none()
        && !case.paused
        && case.members == 0
        && case.decision_overdue_at.is_none()
        && !just_filed;
    let yours = case.next_action.map(|k| {
        view! {
            <p class="yours" id="your-turn" data-action=k.as_str()>
                <strong>{t(lang, "case.your_turn")}</strong>" "
                <a href=format!("#act-{}", k.as_str())>{t(lang, &k.label_key()).to_string()}</a>
            </p>
        }
    });
    view! {
        <div class="card next-step" id="next-step" class:hidden=quiet>
            {just_filed.then(|| view! {
                <div id="filed-next">
                    <h2>{t(lang, "case.filed.title")}</h2>
                    {respond_by.clone().map(|d| view! {
                        <p id="filed-deadline" data-at=d.at.to_rfc3339()>
                            {tf(lang, "case.filed.deadline", &[&d.at_local, &d.working_days_left.to_string()])}
                        </p>
                    })}
                    <ol class="what-next">
                        <li>{t(lang, "case.filed.next1")}</li>
                        <li>{t(lang, "case.filed.next2")}</li>
                        <li>{t(lang, "case.filed.next3")}</li>
                    </ol>
                </div>
            })}
            {yours}
            {(!waiting.is_empty()).then(|| view! { <p id="waiting-on"><strong>{t(lang, "case.waiting_on")}": "</strong>{waiting.join(" / ")}</p> })}
            {case.clock_stopped.clone().map(|stop| view! { <ClockStopped stop=stop/> })}
            {case.decision_overdue_at.filter(|_| case.status == Status::InArbitration).map(|at| view! {
                <p class="notice error" id="decision-overdue">{tf(lang, "case.decision_overdue_since", &[&format_local(at)])}</p>
            })}
            {(case.members > 0).then(|| view! {
                <p id="collective">{tf(lang, "case.collective", &[&case.members.to_string(), &yuan(case.total_claimed_fen)])}</p>
            })}
            {case.viewer_is_member.then(|| view! { <p class="muted" id="member-note">{t(lang, "case.member_note")}</p> })}
            <ul class="deadlines" id="deadlines">
                {case.deadlines.iter().map(|d| {
                    let left = d.working_days_left;
                    view! {
                        <li data-key=d.key.clone() class:soon=left <= 1>
                            {t(lang, &d.key).to_string()}": "<strong>{d.at_local.clone()}</strong>" "
                            <span class="countdown">{tf(lang, "case.days_left", &[&left.to_string()])}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}

/// The stopped clock, for both sides and staff: since when, what the case
/// waits on the consumer for, until when (Beijing time).
#[component]
fn ClockStopped(stop: ClockStopView) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="notice warn" id="paused" data-since=stop.since.to_rfc3339()>
            <p id="clock-stopped">{tf(lang, "case.clock_stopped", &[&stop.since_local])}</p>
            <ul class="waits">
                {stop.waits.into_iter().map(|w| {
                    let what = match w.waiting_for {
                        ConsumerWait::Document => "case.wait.document",
                        ConsumerWait::OfferAnswer => "case.wait.offer_answer",
                        ConsumerWait::ProposalAnswer => "case.wait.proposal_answer",
                    };
                    view! {
                        <li data-wait=what data-until=w.until.to_rfc3339()>{tf(lang, what, &[&w.until_local])}</li>
                    }
                }).collect_view()}
            </ul>
            <p class="muted">{t(lang, "case.clock_stopped_note")}</p>
        </div>
    }
}

/// The terms on the table, shown once: the offer or the mediator's
/// proposal with its accept and reject choices side by side (for whoever
/// may answer it; accepting is the primary choice when it is the step
/// expected next), and the settlement or decision being carried out.
#[component]
fn OnTheTable(case: CaseView) -> impl IntoView {
    let lang = use_lang();
    // The answers to terms on the table the viewer may give now.
    let answers = |kinds: [ActionKind; 2]| -> Vec<ActionKind> {
        kinds
            .into_iter()
            .filter(|k| case.allowed_actions.contains(k))
            .collect()
    };
    // (what, the terms in words, the answers the viewer may give)
    type Row = (&'static str, String, Vec<ActionKind>);
    let mut rows: Vec<Row> = vec![];
    if let Some(o) = &case.offer {
        rows.push((
            "case.offer",
            format!(
                "{} ({})",
                terms_text(lang, &o.terms),
                t(lang, &format!("audience.{}", o.by.as_str()))
            ),
            answers([ActionKind::AcceptOffer, ActionKind::RejectOffer]),
        ));
    }
    if let Some(p) = &case.proposal {
        rows.push((
            "case.proposal",
            terms_text(lang, &p.terms),
            answers([ActionKind::AcceptProposal, ActionKind::RejectProposal]),
        ));
    }
    if let Some(s) = &case.settlement {
        rows.push((
            "case.settlement",
            format!(
                "{} — {} {}",
                terms_text(lang, &s.terms),
                t(lang, "deadline.fulfil_by"),
                format_deadline(s.fulfil_by)
            ),
            vec![],
        ));
    }
    if let Some(d) = &case.decision {
        rows.push((
            "case.decision",
            format!(
                "{} — {} {}",
                terms_text(lang, &d.terms),
                t(lang, "deadline.comply_by"),
                format_deadline(d.comply_by)
            ),
            vec![],
        ));
    }
    let (id, status, next) = (case.id, case.status, case.next_action);
    (!rows.is_empty()).then(|| {
        view! {
            <div class="card terms" id="terms">
                {rows.into_iter().map(|(k, v, answer)| view! {
                    <div class="on-table" data-terms=k>
                        <p><strong>{t(lang, k)}": "</strong>{v}</p>
                        {(!answer.is_empty()).then(|| view! {
                            <div class="choices">
                                {answer.into_iter().map(|kind| view! {
                                    <ActionFormFor id=id kind=kind status=status templates=vec![] primary=next == Some(kind)/>
                                }).collect_view()}
                            </div>
                        })}
                    </div>
                }).collect_view()}
            </div>
        }
    })
}

/// The first-compensation application: where it is, what was paid, the
/// contest; or, when the case qualifies, how much the fund may pay.
#[component]
fn FirstCompensationCard(case: CaseView) -> impl IntoView {
    let lang = use_lang();
    let fc = case.first_compensation.clone();
    let eligible = case.first_compensation_limit_fen;
    if fc.is_none() && eligible.is_none() {
        return None;
    }
    let state = fc.as_ref().map(|f| f.state.as_str()).unwrap_or("eligible");
    Some(view! {
        <div class="card fc" id="first-compensation" data-state=state>
            <h2>{t(lang, "fc.title")}</h2>
            {match fc {
                None => view! {
                    <p id="fc-eligible">{tf(lang, "fc.eligible", &[&yuan(eligible.unwrap_or(0))])}</p>
                }.into_any(),
                Some(f) => view! {
                    <dl class="facts">
                        <dt>{t(lang, "fc.state")}</dt>
                        <dd id="fc-state">{t(lang, &format!("fc.state.{}", f.state.as_str())).to_string()}</dd>
                        <dt>{t(lang, "fc.basis")}</dt>
                        <dd>{t(lang, &format!("fc.basis.{}", f.basis.as_str())).to_string()}</dd>
                        <dt>{t(lang, "fc.limit")}</dt>
                        <dd id="fc-limit" data-fen=f.limit.0.to_string()>{yuan(f.limit.0)}</dd>
                        <dt>{t(lang, "fc.applied_at")}</dt>
                        <dd>{format_local(f.applied_at)}</dd>
                        {f.amount.map(|a| view! {
                            <dt>{t(lang, "fc.paid")}</dt>
                            <dd id="fc-paid" data-fen=a.0.to_string()>{yuan(a.0)}</dd>
                        })}
                        {f.contest.map(|c| view! {
                            <dt>{t(lang, "fc.contest")}</dt>
                            <dd id="fc-contest">{t(lang, &format!("fc.contest.{}", c.as_str())).to_string()}</dd>
                        })}
                    </dl>
                }.into_any(),
            }}
        </div>
    })
}

/// The steps the viewer may take now (the offer and proposal answers are
/// with the terms, above): the expected one as an open form with the
/// primary button, every other one folded in a `<details>` of its own (it
/// opens without JavaScript) with a secondary button.
#[component]
fn Actions(case: CaseView, templates: Vec<ReplyTemplate>) -> impl IntoView {
    let lang = use_lang();
    let answers = [
        ActionKind::AcceptOffer,
        ActionKind::RejectOffer,
        ActionKind::AcceptProposal,
        ActionKind::RejectProposal,
    ];
    let primary = case.next_action.filter(|k| !answers.contains(k));
    let others: Vec<ActionKind> = case
        .allowed_actions
        .iter()
        .copied()
        .filter(|k| Some(*k) != primary && !answers.contains(k))
        .collect();
    if primary.is_none() && others.is_empty() {
        return None;
    }
    let (id, status) = (case.id, case.status);
    // A reply template picked for a folded step (`?template=…&step=…`)
    // comes back with that step open.
    let step = use_query_map().read_untracked().get("step");
    // Without JavaScript, a refused step comes back with its error on the
    // page (every step's form reads it): that step opens, to be corrected.
    let refused = ServerAction::<CaseAction>::new()
        .value()
        .get_untracked()
        .and_then(Result::err)
        .filter(|e| e.case == id)
        .map(|e| e.step);
    let open_at = move |kind: ActionKind| {
        step.as_deref() == Some(kind.as_str()) || refused.as_deref() == Some(kind.as_str())
    };
    let first = primary.map(|kind| {
        view! { <ActionFormFor id=id kind=kind status=status templates=templates.clone() primary=true/> }
    });
    let more = (!others.is_empty()).then(|| {
        view! {
            <h3 class="more-title">{t(lang, if primary.is_some() { "case.more_actions" } else { "case.actions" })}</h3>
            <div class="more-actions">
                {others.into_iter().map(|kind| view! {
                    <details class="action-more" data-action=kind.as_str() open=open_at(kind)>
                        <summary>{t(lang, &kind.label_key()).to_string()}</summary>
                        <ActionFormFor id=id kind=kind status=status templates=templates.clone() primary=false/>
                    </details>
                }).collect_view()}
            </div>
        }
    });
    Some(view! {
        <div class="card actions" id="actions">
            {primary.is_some().then(|| view! { <h2>{t(lang, "case.actions")}</h2> })}
            {first}
            {more}
        </div>
    })
}

/// Staff: an internal note (only staff ever read it), for the case's
/// owner in their own stage recusal, and for an admin reassignment.
#[component]
fn StaffTools(case: CaseView, reassign_to: Vec<domain::cases::StaffLoad>) -> impl IntoView {
    let lang = use_lang();
    let user = expect_context::<UserResource>();
    let note = ServerAction::<AddCaseNote>::new();
    let recuse = ServerAction::<RecuseCase>::new();
    let reassign = ServerAction::<ReassignCase>::new();
    let id = case.id;
    let owner = case.owner_id;
    let stage = case.status;
    view! {
        <Suspense>
            {move || { let reassign_to = reassign_to.clone(); Suspend::new(async move {
                let u = user.await.ok().flatten()?;
                if !u.role.is_staff() {
                    return None;
                }
                let may_recuse = owner == Some(u.id)
                    && matches!((u.role, stage), (Role::Mediator, Status::InMediation) | (Role::Arbitrator, Status::InArbitration));
                Some(view! {
                    <div class="card staff-tools" id="staff-tools">
                        <h2>{t(lang, "case.staff_tools")}</h2>
                        <ActionForm action=note attr:class="form note-form" attr:id="note-form">
                            <input type="hidden" name="id" value=id.to_string()/>
                            <label>{t(lang, "case.note")}
                                <textarea name="note" id="note-text" rows="3" required maxlength=domain::cases::NOTE_MAX.to_string()></textarea>
                            </label>
                            <p class="muted small">{t(lang, "case.note_hint")}</p>
                            <ActionErrorView error=move || note.value().get().and_then(Result::err)/>
                            <button type="submit">{t(lang, "case.note_add")}</button>
                        </ActionForm>
                        {may_recuse.then(|| view! {
                            <ActionForm action=recuse attr:class="form recuse-form" attr:id="recuse-form">
                                <input type="hidden" name="id" value=id.to_string()/>
                                <label>{t(lang, "case.recuse_reason")}
                                    <textarea name="reason" id="recuse-reason" rows="2" required maxlength=domain::cases::NOTE_MAX.to_string()></textarea>
                                </label>
                                <p class="muted small">{t(lang, "case.recuse_hint")}</p>
                                <ActionErrorView error=move || recuse.value().get().and_then(Result::err)/>
                                <button type="submit" class="danger">{t(lang, "case.recuse")}</button>
                            </ActionForm>
                        })}
                        {(!reassign_to.is_empty()).then(|| view! {
                            <ActionForm action=reassign attr:class="form reassign-form" attr:id="reassign-form">
                                <input type="hidden" name="id" value=id.to_string()/>
                                <label>{t(lang, "case.reassign_to")}
                                    <select name="to" id="reassign-to" required>
                                        {reassign_to.iter().map(|s| view! {
                                            <option value=s.user_id.to_string()>{tf(lang, "case.reassign_option", &[&s.name, &s.open.to_string()])}</option>
                                        }).collect_view()}
                                    </select>
                                </label>
                                <label>{t(lang, "case.reassign_reason")}
                                    <textarea name="reason" id="reassign-reason" rows="2" required maxlength=domain::cases::NOTE_MAX.to_string()></textarea>
                                </label>
                                <p class="muted small">{t(lang, "case.reassign_hint")}</p>
                                <ActionErrorView error=move || reassign.value().get().and_then(Result::err)/>
                                <button type="submit">{t(lang, "case.reassign")}</button>
                            </ActionForm>
                        })}
                    </div>
                })
            }) }}
        </Suspense>
    }
}

#[component]
fn ActionFormFor(
    id: i32,
    kind: ActionKind,
    status: Status,
    templates: Vec<ReplyTemplate>,
    /// The step expected next: an open form with the primary button.
    primary: bool,
) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<CaseAction>::new();
    // This step's refusal only (without JavaScript every form of the page
    // reads the one refused).
    let refused = step_refusal(action, id, kind);
    let form_class = if primary {
        "form action-form primary-action"
    } else {
        "form action-form"
    };
    let label = t(lang, &kind.label_key()).to_string();
    let message_required = matches!(
        kind,
        ActionKind::Respond | ActionKind::Message | ActionKind::RequestEvidence
    );
    let with_message = message_required
        || matches!(
            kind,
            ActionKind::Offer
                | ActionKind::Propose
                | ActionKind::Comply
                | ActionKind::ProvideEvidence
                | ActionKind::ApplyFirstCompensation
                | ActionKind::ApproveFirstCompensation
        );
    let reason_required = matches!(
        kind,
        ActionKind::Escalate
            | ActionKind::Withdraw
            | ActionKind::Reopen
            | ActionKind::Handover
            | ActionKind::Decide
            | ActionKind::RefuseFirstCompensation
            | ActionKind::ContestRecovery
            | ActionKind::DecideContest
    );
    let with_reason =
        reason_required || matches!(kind, ActionKind::RejectOffer | ActionKind::RejectProposal);
    let with_terms = matches!(
        kind,
        ActionKind::Offer | ActionKind::Propose | ActionKind::Decide
    );
    view! {
        <ActionForm action=action attr:class=form_class attr:id=format!("act-{}", kind.as_str()) attr:data-action=kind.as_str()>
            <input type="hidden" name="id" value=id.to_string()/>
            <input type="hidden" name="action" value=kind.as_str()/>
            {with_terms.then(|| view! {
                <div class="row">
                    <label>{t(lang, "case.amount_yuan")}<input type="text" name="amount" required inputmode="decimal"/></label>
                    <label>{t(lang, "field.remedy")}
                        <select name="remedy">
                            {Remedy::ALL.iter().map(|r| view! { <option value=r.as_str()>{t(lang, &format!("remedy.{}", r.as_str())).to_string()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>{t(lang, "field.fulfil_within_days")}<input type="number" name="fulfil_within_days" min="1" max="60" value="7" required/></label>
                </div>
            })}
            {(kind == ActionKind::ApproveFirstCompensation).then(|| view! {
                <label>{t(lang, "fc.amount_yuan")}<input type="text" name="amount" required inputmode="decimal"/></label>
            })}
            {(kind == ActionKind::DecideContest).then(|| view! {
                <label>{t(lang, "fc.contest_decision")}
                    <select name="upheld">
                        <option value="false">{t(lang, "fc.contest.refused")}</option>
                        <option value="true">{t(lang, "fc.contest.upheld")}</option>
                    </select>
                </label>
            })}
            {(kind == ActionKind::RefuseFirstCompensation).then(|| view! {
                <label>{t(lang, "field.refusal_category")}
                    <select name="refusal_category" required>
                        {RefusalCategory::ALL.iter().map(|c| view! { <option value=c.as_str()>{t(lang, &c.label_key()).to_string()}</option> }).collect_view()}
                    </select>
                </label>
            })}
            {(kind == ActionKind::Handover).then(|| view! {
                <label>{t(lang, "case.handover_to")}<input type="number" name="to" required/></label>
            })}
            // In negotiation the merchant asks the consumer (and only for a
            // short time); staff ask either party.
            {(kind == ActionKind::RequestEvidence).then(|| {
                let negotiation = status == Status::Negotiating;
                let max_days = if status == Status::InArbitration {
                    domain::cases::MAX_FULFIL_DAYS
                } else {
                    domain::cases::STAGE_REQUEST_MAX_DAYS
                };
                view! {
                    <div class="row">
                        {if negotiation {
                            view! { <input type="hidden" name="party" value="consumer"/> }.into_any()
                        } else {
                            view! {
                                <label>{t(lang, "field.party")}
                                    <select name="party">
                                        <option value="consumer">{t(lang, "audience.consumer")}</option>
                                        <option value="merchant">{t(lang, "audience.merchant")}</option>
                                    </select>
                                </label>
                            }.into_any()
                        }}
                        <label>{t(lang, "field.within_days")}<input type="number" name="within_days" min="1" max=max_days.to_string() value="5" required/></label>
                    </div>
                }
            })}
            {with_message.then(|| view! {
                <MessageField kind=kind required=message_required templates=templates/>
            })}
            {with_reason.then(|| view! {
                <label>{t(lang, "field.reason")}<textarea name="reason" rows="2" required=reason_required maxlength=domain::cases::reason_max(kind).to_string()></textarea></label>
            })}
            <ActionErrorView error=refused/>
            {move || refused().filter(|e| e.field() == Some("identity")).map(|_| view! {
                <p><a href="/dashboard#identity" class="identity-link">{t(lang, "identity.go_add")}</a></p>
            })}
            <button type="submit" class=if primary { "primary" } else { "secondary" }>{label}</button>
        </ActionForm>
    }
}

/// A step's message field. For the merchant's accounts, the business's
/// reply templates below it: each a link (`?template=<id>&step=<step>#act-<step>`) that
/// fills the field with the template's text — a page load without
/// JavaScript, in place with it — to be changed before sending.
#[component]
fn MessageField(kind: ActionKind, required: bool, templates: Vec<ReplyTemplate>) -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let picked = {
        let templates = templates.clone();
        move || {
            let q = query.read();
            if q.get("step").is_some_and(|s| s != kind.as_str()) {
                return None;
            }
            let id = q.get("template")?.parse::<i32>().ok()?;
            templates
                .iter()
                .find(|t| t.id == id)
                .map(|t| t.text.clone())
        }
    };
    let initial = picked.clone()().unwrap_or_default();
    view! {
        <label>{t(lang, "field.message")}
            <textarea name="message" rows="3" required=required maxlength=domain::input::max::MESSAGE.to_string()
                prop:value=move || picked().unwrap_or_default()>{initial}</textarea>
        </label>
        {(!templates.is_empty()).then(|| view! {
            <details class="templates">
                <summary>{t(lang, "case.use_template")}</summary>
                <ul class="template-picks">
                    {templates.iter().map(|tpl| view! {
                        <li><a href=format!("?template={}&step={}#act-{}", tpl.id, kind.as_str(), kind.as_str()) data-template=tpl.id.to_string()>{tpl.title.clone()}</a></li>
                    }).collect_view()}
                </ul>
            </details>
        })}
    }
}

/// The mutual ratings (信用互评) once the case is over: both sides'
/// ratings, and for its consumer or merchant the rate form, then the
/// follow-up form. The service decides who may; its refusals show in the form.
#[component]
fn CaseRatings(case: CaseView, merchant_answered: bool) -> impl IntoView {
    let lang = use_lang();
    let user = expect_context::<UserResource>();
    let over = case.status.is_final();
    if !over && case.ratings.is_empty() {
        return None;
    }
    let id = case.id;
    let consumer_id = case.consumer_id;
    let withdrawn = case.status == Status::Withdrawn;
    let ratings = case.ratings.clone();
    let forms = move || {
        let ratings = ratings.clone();
        Suspend::new(async move {
            let u = user.await.ok().flatten()?;
            let side = match u.role {
                Role::Consumer if u.id == consumer_id => RatingSide::Consumer,
                // A merchant reads only the cases of the business it answers for.
                Role::Merchant => RatingSide::Merchant,
                _ => return None,
            };
            let mine = ratings.iter().find(|r| r.side == side).cloned();
            match mine {
                None if over
                    && !(withdrawn && side == RatingSide::Consumer && !merchant_answered) =>
                {
                    Some(view! { <RateForm id=id side=side/> }.into_any())
                }
                Some(r) if r.follow_up_text.is_none() && r.hidden_at.is_none() => {
                    Some(view! { <FollowUpForm id=id/> }.into_any())
                }
                _ => None,
            }
        })
    };
    let empty = case.ratings.is_empty();
    Some(view! {
        <div class="card" id="case-ratings">
            <h2>{t(lang, "rating.title")}</h2>
            {empty.then(|| view! { <p class="muted" id="case-ratings-none">{t(lang, "rating.none")}</p> })}
            {case.ratings.into_iter().map(|r| {
                let key = r.side.as_str();
                let side = t(lang, &format!("rating.side.{key}")).to_string();
                view! {
                    <div class="rating-side" data-side=key>
                        <h3>{side}</h3>
                        <ul class="ratings"><RatingItem rating=r/></ul>
                    </div>
                }
            }).collect_view()}
            <Suspense>{forms}</Suspense>
        </div>
    })
}

#[component]
fn RateForm(id: i32, side: RatingSide) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<RateCase>::new();
    let consumer = side == RatingSide::Consumer;
    view! {
        <ActionForm action=action attr:class="form rate-form" attr:data-action="rate" attr:data-side=side.as_str()>
            <h3>{t(lang, if consumer { "rating.rate_consumer" } else { "rating.rate_merchant" })}</h3>
            <input type="hidden" name="id" value=id.to_string()/>
            {consumer.then(|| view! {
                <label>{t(lang, "field.stars")}
                    <select name="stars" required>
                        {(1..=5).rev().map(|n| view! {
                            <option value=n.to_string()>{format!("{} {}", stars(n), tf(lang, "ratings.stars", &[&n.to_string()]))}</option>
                        }).collect_view()}
                    </select>
                </label>
                <p class="muted">{t(lang, "rating.public_note")}</p>
            })}
            <label>{t(lang, "field.text")}<textarea name="text" rows="3" maxlength=domain::credit::TEXT_MAX.to_string() required=!consumer></textarea></label>
            {(!consumer).then(|| view! {
                <label class="inline"><input type="checkbox" name="flag_malicious" value="on"/>{t(lang, "rating.flag_label")}</label>
            })}
            <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
            <button type="submit">{t(lang, "rating.submit")}</button>
        </ActionForm>
    }
}

/// Whether the narrative may be published once the case is closed; the
/// consumer who filed may change it at any time (a closed case's public
/// record appears or goes within seconds).
#[component]
fn Publication(case: CaseView) -> impl IntoView {
    let lang = use_lang();
    let user = expect_context::<UserResource>();
    let action = ServerAction::<SetPublication>::new();
    let (id, consumer_id, publish) = (case.id, case.consumer_id, case.publish_narrative);
    let public = case.publish_narrative && case.status == Status::Closed;
    view! {
        <dt>{t(lang, "case.publication")}</dt>
        <dd id="publication" data-publish=publish.to_string()>
            {t(lang, if publish { "case.publication_yes" } else { "case.publication_no" })}
            {public.then(|| view! { " "<a href=format!("/complaints/{id}") id="public-record-link">{t(lang, "case.public_record")}</a> })}
            <Suspense>
                {move || Suspend::new(async move { user.await.ok().flatten().filter(|u| u.role == Role::Consumer && u.id == consumer_id).map(|_| view! {
                    <ActionForm action=action attr:class="inline publication-form" attr:id="publication-form">
                        <input type="hidden" name="id" value=id.to_string()/>
                        <input type="hidden" name="publish" value=(!publish).to_string()/>
                        <button type="submit" class="secondary">{t(lang, if publish { "case.publication_withdraw" } else { "case.publication_allow" })}</button>
                        <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
                    </ActionForm>
                }) })}
            </Suspense>
        </dd>
    }
}

#[component]
fn FollowUpForm(id: i32) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<FollowUpRating>::new();
    view! {
        <ActionForm action=action attr:class="form follow-up-form" attr:data-action="follow_up">
            <h3>{t(lang, "rating.follow_up_title")}</h3>
            <p class="muted">{t(lang, "rating.follow_up_hint")}</p>
            <input type="hidden" name="id" value=id.to_string()/>
            <label>{t(lang, "field.text")}<textarea name="text" rows="2" maxlength=domain::credit::TEXT_MAX.to_string() required></textarea></label>
            <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
            <button type="submit">{t(lang, "rating.follow_up_submit")}</button>
        </ActionForm>
    }
}

#[component]
fn TrailLine(entry: TrailEntryView) -> impl IntoView {
    let lang = use_lang();
    let what = match entry.kind.as_str() {
        "filed" => t(lang, "case.trail.filed").to_string(),
        "deadline_elapsed" => t(lang, "case.trail.deadline_elapsed").to_string(),
        k if k.starts_with("fund_") => t(lang, &format!("case.trail.{k}")).to_string(),
        "internal" => format!(
            "{} · {}",
            t(lang, "case.trail.internal"),
            t(
                lang,
                &format!(
                    "case.trail.{}",
                    entry
                        .body
                        .get("topic")
                        .and_then(|v| v.as_str())
                        .unwrap_or("internal")
                )
            )
        ),
        k => t(lang, &format!("case.action.{k}")).to_string(),
    };
    let role_key = format!("role.{}", entry.actor_role);
    let role = t(lang, &role_key);
    let who = match &entry.actor_name {
        Some(name) => domain::tf(lang, "case.actor_named", &[role, name]),
        None => role.to_string(),
    };
    let text = ["message", "reason", "note"]
        .iter()
        .filter_map(|k| {
            entry
                .body
                .get(*k)
                .and_then(|v| v.as_str())
                .map(String::from)
        })
        .collect::<Vec<_>>()
        .join(" — ");
    // Money the fund moved (fund_posted, fund_repayment, fund_write_off).
    let money: Vec<String> = [
        ("amount_fen", "fc.trail.amount"),
        ("paid_fen", "fc.trail.paid"),
        ("recovered_fen", "fc.trail.recovered"),
        ("returned_to_deposit_fen", "fc.trail.returned"),
        ("refunded_fen", "fc.trail.refunded"),
        ("written_off_fen", "fc.trail.written_off"),
        ("outstanding_fen", "fc.trail.outstanding"),
    ]
    .iter()
    .filter_map(|(k, label)| {
        let v = entry.body.get(*k)?.as_i64()?;
        Some(format!("{} {}", t(lang, label), yuan(v)))
    })
    .collect();
    let terms: Option<Terms> = entry
        .body
        .get("terms")
        .and_then(|v| serde_json::from_value(v.clone()).ok());
    // Who spoke: the two sides face each other, staff and the system
    // between them (a class, and the words "who" for screen readers).
    let side = match entry.actor_role.as_str() {
        "consumer" => "from-consumer",
        "merchant" => "from-merchant",
        "system" | "" => "from-system",
        _ => "from-staff",
    };
    let file = (entry.kind == "evidence")
        .then(|| {
            let id = entry.body.get("evidence_id")?.as_i64()?;
            let name = entry.body.get("file_name")?.as_str()?.to_string();
            let image = entry
                .body
                .get("content_type")
                .and_then(|v| v.as_str())
                .is_some_and(domain::files::is_image);
            Some((id, name, image))
        })
        .flatten();
    view! {
        <li data-kind=entry.kind.clone() data-seq=entry.seq.to_string() class=format!("entry {side}")>
            <p class="meta"><strong class="who">{who}</strong>" · "<span class="what">{what}</span>" · "<time datetime=entry.at.to_rfc3339()>{format_local(entry.at)}</time></p>
            {terms.map(|tm| view! { <p class="terms">{terms_text(lang, &tm)}</p> })}
            {(!money.is_empty()).then(|| view! { <p class="terms money">{money.join(" · ")}</p> })}
            {(!text.is_empty()).then(|| view! { <p class="said">{text}</p> })}
            {file.map(|(id, name, image)| {
                let href = format!("/api/v1/evidence/{id}");
                if image {
                    let src = href.clone();
                    view! {
                        <a href=href rel="external" download=name.clone() class="file">
                            <img src=src class="thumb small" alt=name.clone() loading="lazy" width="96" height="72"/>
                        </a>
                    }.into_any()
                } else {
                    view! { <a href=href rel="external" download=name.clone() class="file">{name.clone()}</a> }.into_any()
                }
            })}
        </li>
    }
}

/// The case's files, and an upload form for those who may add one. A plain
/// multipart form: it works the same with and without JavaScript.
#[component]
fn Evidence(case: CaseView, files: Vec<EvidenceView>) -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    let error = q.read_untracked().get("evidence_error");
    let uploaded = q.read_untracked().get("evidence").as_deref() == Some("ok");
    // Parties and the handler may add files while the case is open.
    let may_upload = !case.status.is_final() && !case.allowed_actions.is_empty();
    view! {
        <div class="card" id="evidence">
            <h2>{t(lang, "case.evidence")}</h2>
            {uploaded.then(|| view! { <p class="notice ok" role="status">{t(lang, "case.evidence_uploaded")}</p> })}
            {error.map(|e| view! { <p class="notice error" role="alert">{e}</p> })}
            {files.is_empty().then(|| view! { <p class="muted" id="evidence-none">{t(lang, "case.evidence_none")}</p> })}
            // Images as thumbnails, each a link to its file; PDFs as links
            // with name and size. Both come from the one authorised route
            // (`GET /api/v1/evidence/{id}`: the case's parties and staff).
            <ul class="files gallery">
                {files.into_iter().map(|f| {
                    let sha = f.sha256.chars().take(16).collect::<String>();
                    view! {
                        <FileTile href=format!("/api/v1/evidence/{}", f.id) name=f.file_name
                            content_type=f.content_type size=f.size sha_prefix=sha/>
                    }
                }).collect_view()}
            </ul>
            {may_upload.then(|| view! {
                <form method="post" enctype="multipart/form-data" action=format!("/api/v1/cases/{}/evidence", case.id) id="evidence-form" class="form">
                    <label>{t(lang, "case.evidence_pick")}<input type="file" name="file" accept=domain::files::ACCEPT required/></label>
                    <button type="submit" class="secondary">{t(lang, "case.evidence_upload")}</button>
                </form>
            })}
        </div>
    }
}

/// One file of a gallery (the case's evidence, a draft's files on the
/// review page): an image as a thumbnail linking to its file, any other
/// file (a PDF) as a link; with its name, its size and, when given, the
/// start of its SHA-256.
#[component]
pub(super) fn FileTile(
    href: String,
    name: String,
    content_type: String,
    size: i64,
    #[prop(optional)] sha_prefix: Option<String>,
) -> impl IntoView {
    let size = file_size(size);
    if domain::files::is_image(&content_type) {
        let src = href.clone();
        view! {
            <li class="image" data-type=content_type>
                <figure>
                    <a href=href rel="external" download=name.clone()>
                        <img src=src class="thumb" alt=name.clone() loading="lazy" width="160" height="120"/>
                    </a>
                    <figcaption>{name.clone()}" "<span class="muted">{size}</span></figcaption>
                </figure>
            </li>
        }
        .into_any()
    } else {
        view! {
            <li class="document" data-type=content_type>
                <a href=href rel="external" download=name.clone()>{name.clone()}</a>
                " "<span class="muted">{size}{sha_prefix.map(|sha| view! { " · SHA-256 "<code>{sha}"…"</code> })}</span>
            </li>
        }
        .into_any()
    }
}

/// A file's size for people: bytes, KB or MB.
pub(super) fn file_size(bytes: i64) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// The consumer's real-name identity: the number masked for everyone; in
/// full only to staff who stated a reason with the page's reveal form
/// (the read is logged); the merchant also sees the name masked.
#[component]
fn CaseIdentityCard(id: Memo<i32>, reveal: Memo<Option<String>>) -> impl IntoView {
    let lang = use_lang();
    let identity = Resource::new(
        move || (id.get(), reveal.get()),
        |(id, reveal)| super::api::load_case_identity(id, reveal),
    );
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                identity.await.ok().map(|ci| view! {
                    <div class="card" id="case-identity">
                        <h2>{t(lang, "identity.case_title")}</h2>
                        {match ci.identity {
                            None => view! { <p class="muted" id="consumer-identity-none">{t(lang, "identity.none")}</p> }.into_any(),
                            Some(i) => view! {
                                <dl class="facts">
                                    <dt>{t(lang, "field.real_name")}</dt><dd id="consumer-real-name">{i.real_name.clone()}</dd>
                                    <dt>{t(lang, "field.resident_id")}</dt>
                                    <dd id="consumer-resident-id" data-revealed=ci.resident_id.is_some().to_string()>
                                        {ci.resident_id.clone().unwrap_or(i.resident_id_masked.clone())}
                                    </dd>
                                </dl>
                            }.into_any(),
                        }}
                    </div>
                })
            })}
        </Suspense>
    }
}

/// The screening mark (职业索赔筛查): staff see it with its signals "for a
/// mediator's review"; the case's consumer is told in plain words what it
/// means (nothing is blocked) and may object within 5 working days. Nobody
/// else gets the field.
#[component]
fn ScreeningCard(case: CaseView) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<ObjectScreening>::new();
    let s = case.screening?;
    let status = t(lang, &format!("screening.status.{}", s.status.as_str())).to_string();
    if !s.signals.is_empty() {
        return Some(
            view! {
                <div class="card notice warn" id="screening-mark" data-status=s.status.as_str()>
                    <p><strong>{t(lang, "screening.case_mark")}</strong>" · "{status}</p>
                    <p>{t(lang, "screening.signals")}":"</p>
                    <ul class="signals">
                        {s.signals.iter().map(|f| view! {
                            <li data-signal=f.signal.as_str()>
                                {t(lang, &f.signal.label_key()).to_string()}" ("{f.count.to_string()}" / "{f.merchants.to_string()}")"
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            }
            .into_any(),
        );
    }
    let id = case.id;
    Some(
        view! {
            <div class="card notice" id="screening-notice" data-status=s.status.as_str()>
                <h2>{t(lang, "screening.title")}" · "{status}</h2>
                <p>{t(lang, "screening.explain")}</p>
                <p>{t(lang, "screening.due")}": "<strong id="screening-due">{s.objection_due_local.clone()}</strong></p>
                {s.may_object.then(|| view! {
                    <ActionForm action=action attr:class="form" attr:id="screening-objection-form">
                        <input type="hidden" name="id" value=id.to_string()/>
                        <label>{t(lang, "field.statement")}
                            <textarea name="statement" rows="4" required minlength="10" maxlength=domain::input::max::MESSAGE.to_string()></textarea>
                        </label>
                        <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
                        <button type="submit">{t(lang, "screening.object")}</button>
                    </ActionForm>
                })}
                {(s.objected && s.status == domain::screening::ScreeningStatus::UnderReview).then(|| view! {
                    <p class="muted" id="screening-objected">{t(lang, "screening.objected")}</p>
                })}
            </div>
        }
        .into_any(),
    )
}
