//! A case action as it arrives, typed: from the JSON API (numbers as
//! numbers, booleans as booleans) or from the case page's forms (text, the
//! amount in yuan). Both become the same [`ActionInput`], and one function
//! turns it into the machine's [`Event`] and what the trail records of it.

use serde::{Deserialize, Serialize};

use super::{ActionKind, Event, Party, Remedy, Terms};
use crate::fund::RefusalCategory;
use crate::input::{self, max};
use crate::{AppError, Fen};

/// The fields of `POST /api/v1/cases/{id}/actions`; which are required
/// depends on the action.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionInput {
    pub action: ActionKind,
    /// respond, message, request_evidence (what is needed); optional for
    /// offer, propose, comply, provide_evidence, first compensation. At most
    /// 5,000 characters; empty is as absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub message: Option<String>,
    /// escalate, withdraw, reopen, handover (2,000 characters);
    /// refuse_first_compensation, contest_recovery (5,000); decide,
    /// decide_contest: the written reasons (20,000). Optional when rejecting
    /// an offer or a proposal.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 20000))]
    pub reason: Option<String>,
    /// Whole fen: offer, propose, decide, approve_first_compensation (at
    /// most the claim or award and the per-case cap).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 0, maximum = 10_000_000_000_i64))]
    pub amount_fen: Option<Fen>,
    /// offer, propose, decide.
    #[serde(default)]
    pub remedy: Option<Remedy>,
    /// Working days: offer, propose, decide.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 60))]
    pub fulfil_within_days: Option<u32>,
    /// Handover: the user id of the mediator or arbitrator taking over.
    #[serde(default)]
    pub to: Option<i32>,
    /// Evidence request: whom it asks.
    #[serde(default)]
    pub party: Option<Party>,
    /// Working days the party has to answer.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 60))]
    pub within_days: Option<u32>,
    /// Contest decision: upheld (`true`) or refused (`false`).
    #[serde(default)]
    pub upheld: Option<bool>,
    /// refuse_first_compensation: the reason's category (the free text goes
    /// in `reason`).
    #[serde(default)]
    pub refusal_category: Option<RefusalCategory>,
}

/// The text fields of the case page's action forms, as the browser sends
/// them (the amount in yuan).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionForm {
    pub action: String,
    pub message: Option<String>,
    pub reason: Option<String>,
    /// Yuan, as typed (`12.50`).
    pub amount: Option<String>,
    pub remedy: Option<String>,
    pub fulfil_within_days: Option<String>,
    pub to: Option<String>,
    pub party: Option<String>,
    pub within_days: Option<String>,
    pub upheld: Option<String>,
    pub refusal_category: Option<String>,
}

/// The longest `reason` action `kind` takes (the forms' `maxlength` too).
pub fn reason_max(kind: ActionKind) -> usize {
    match kind {
        ActionKind::Decide | ActionKind::DecideContest => max::WRITTEN_DECISION,
        ActionKind::RefuseFirstCompensation | ActionKind::ContestRecovery => max::LONG_REASON,
        _ => max::REASON,
    }
}

/// The body fields action `kind` reads besides `action`, each with whether
/// it is required. [`ActionInput::into_event`] is the rule; this table,
/// held to it by the test `the_field_table_is_what_into_event_reads`,
/// describes it (the OpenAPI document gives each action its own variant).
/// Required text must hold something besides white space.
pub fn action_fields(kind: ActionKind) -> &'static [(&'static str, bool)] {
    use ActionKind as K;
    const TERMS: [(&str, bool); 3] = [
        ("amount_fen", true),
        ("remedy", true),
        ("fulfil_within_days", true),
    ];
    match kind {
        K::Respond | K::Message => &[("message", true)],
        K::Offer | K::Propose => &[TERMS[0], TERMS[1], TERMS[2], ("message", false)],
        // The written reasons may also come as `message`; the table names
        // the one field the document asks for.
        K::Decide => &[TERMS[0], TERMS[1], TERMS[2], ("reason", true)],
        K::AcceptOffer | K::AcceptProposal | K::Take | K::ConfirmFulfilment => &[],
        K::RejectOffer | K::RejectProposal => &[("reason", false)],
        K::Escalate | K::Withdraw | K::Reopen => &[("reason", true)],
        K::Handover => &[("to", true), ("reason", true)],
        K::RequestEvidence => &[("party", true), ("within_days", true), ("message", true)],
        K::ProvideEvidence | K::Comply | K::ApplyFirstCompensation => &[("message", false)],
        K::ApproveFirstCompensation => &[("amount_fen", true), ("message", false)],
        K::RefuseFirstCompensation => &[("refusal_category", true), ("reason", true)],
        K::ContestRecovery => &[("reason", true)],
        K::DecideContest => &[("upheld", true), ("reason", true)],
    }
}

/// The smallest `amount_fen` action `kind` takes: first compensation pays
/// something; terms may be nothing (an apology).
pub fn amount_min(kind: ActionKind) -> i64 {
    if kind == ActionKind::ApproveFirstCompensation {
        1
    } else {
        0
    }
}

/// The longest text `field` of action `kind` takes.
pub fn text_max(kind: ActionKind, field: &str) -> usize {
    if field == "reason" {
        reason_max(kind)
    } else {
        max::MESSAGE
    }
}

impl ActionInput {
    /// An action with no fields (`take`, `accept_offer`…).
    pub fn bare(action: ActionKind) -> Self {
        ActionInput {
            action,
            message: None,
            reason: None,
            amount_fen: None,
            remedy: None,
            fulfil_within_days: None,
            to: None,
            party: None,
            within_days: None,
            upheld: None,
            refusal_category: None,
        }
    }

    /// Parses a form's text fields, naming the field that is wrong.
    pub fn from_form(f: &ActionForm) -> Result<Self, AppError> {
        let action = ActionKind::parse(&f.action)
            .ok_or_else(|| AppError::invalid("action", "err.action_unknown"))?;
        Ok(ActionInput {
            action,
            message: f.message.clone(),
            reason: f.reason.clone(),
            amount_fen: input::yuan(f.amount.as_deref(), "amount_fen")?,
            remedy: input::choice(
                f.remedy.as_deref(),
                "remedy",
                "err.remedy_unknown",
                Remedy::parse,
            )?,
            fulfil_within_days: input::whole(
                f.fulfil_within_days.as_deref(),
                "fulfil_within_days",
            )?,
            to: input::whole(f.to.as_deref(), "to")?,
            party: input::choice(
                f.party.as_deref(),
                "party",
                "err.party_unknown",
                Party::parse,
            )?,
            within_days: input::whole(f.within_days.as_deref(), "within_days")?,
            upheld: match input::flag(f.upheld.as_deref(), "upheld") {
                Err(_) => return Err(AppError::invalid("upheld", "err.upheld_required")),
                Ok(v) => v,
            },
            refusal_category: input::choice(
                f.refusal_category.as_deref(),
                "refusal_category",
                "err.fund.refusal_category_unknown",
                RefusalCategory::parse,
            )?,
        })
    }

    /// The machine's event, and what the trail keeps of the action besides
    /// its name (`from_status`/`to_status` are filled in by the step).
    pub fn into_event(self) -> Result<(Event, ActionRecord), AppError> {
        use ActionKind as K;
        let kind = self.action;
        let text =
            |v: &Option<String>, field: &str, max: usize| input::text(v.as_deref(), field, max);
        let required = |v: &Option<String>, field: &str, max: usize| {
            input::required_text(v.as_deref(), field, max).map(Some)
        };
        let mut rec = ActionRecord::default();
        let event = match kind {
            K::Respond | K::Message => {
                rec.message = required(&self.message, "message", max::MESSAGE)?;
                if kind == K::Respond {
                    Event::Respond
                } else {
                    Event::Message
                }
            }
            K::Offer | K::Propose => {
                let t = self.terms()?;
                rec.message = text(&self.message, "message", max::MESSAGE)?;
                rec.terms = Some(t.clone());
                if kind == K::Offer {
                    Event::Offer(t)
                } else {
                    Event::Propose(t)
                }
            }
            K::Decide => {
                let t = self.terms()?;
                // A decision gives its reasons in writing (`reason`, or `message`).
                let reasons = self.reason.clone().or(self.message.clone());
                rec.reason = required(&reasons, "reason", reason_max(kind))?;
                rec.terms = Some(t.clone());
                Event::Decide(t)
            }
            K::AcceptOffer => Event::AcceptOffer,
            K::RejectOffer => {
                rec.reason = text(&self.reason, "reason", reason_max(kind))?;
                Event::RejectOffer
            }
            K::AcceptProposal => Event::AcceptProposal,
            K::RejectProposal => {
                rec.reason = text(&self.reason, "reason", reason_max(kind))?;
                Event::RejectProposal
            }
            K::Escalate | K::Withdraw | K::Reopen => {
                rec.reason = required(&self.reason, "reason", reason_max(kind))?;
                match kind {
                    K::Escalate => Event::Escalate,
                    K::Withdraw => Event::Withdraw,
                    _ => Event::Reopen,
                }
            }
            K::Take => Event::Take,
            K::Handover => {
                let to = input::required(self.to, "to")?;
                rec.reason = required(&self.reason, "reason", reason_max(kind))?;
                rec.to = Some(to);
                Event::Handover { to }
            }
            K::RequestEvidence => {
                let party = self
                    .party
                    .ok_or_else(|| AppError::invalid("party", "err.party_unknown"))?;
                let within_days = input::required(self.within_days, "within_days")?;
                rec.message = required(&self.message, "message", max::MESSAGE)?;
                rec.party = Some(party);
                rec.within_days = Some(within_days);
                Event::RequestEvidence { party, within_days }
            }
            K::ProvideEvidence | K::Comply | K::ApplyFirstCompensation => {
                rec.message = text(&self.message, "message", max::MESSAGE)?;
                match kind {
                    K::ProvideEvidence => Event::ProvideEvidence,
                    K::Comply => Event::Comply,
                    _ => Event::ApplyFirstCompensation,
                }
            }
            K::ConfirmFulfilment => Event::ConfirmFulfilment,
            K::ApproveFirstCompensation => {
                let amount = input::required(self.amount_fen, "amount_fen")?;
                rec.amount_fen = Some(amount.0);
                rec.message = text(&self.message, "message", max::MESSAGE)?;
                Event::ApproveFirstCompensation { amount }
            }
            K::RefuseFirstCompensation => {
                let category = self.refusal_category.ok_or_else(|| {
                    AppError::invalid("refusal_category", "err.fund.refusal_category_required")
                })?;
                rec.refusal_category = Some(category);
                rec.reason = required(&self.reason, "reason", reason_max(kind))?;
                Event::RefuseFirstCompensation
            }
            K::ContestRecovery => {
                rec.reason = required(&self.reason, "reason", reason_max(kind))?;
                Event::ContestRecovery
            }
            K::DecideContest => {
                let upheld = self
                    .upheld
                    .ok_or_else(|| AppError::invalid("upheld", "err.upheld_required"))?;
                rec.upheld = Some(upheld);
                rec.reason = required(&self.reason, "reason", reason_max(kind))?;
                Event::DecideContest { upheld }
            }
        };
        Ok((event, rec))
    }

    fn terms(&self) -> Result<Terms, AppError> {
        Ok(Terms {
            amount: input::required(self.amount_fen, "amount_fen")?,
            remedy: self
                .remedy
                .ok_or_else(|| AppError::invalid("remedy", "err.remedy_unknown"))?,
            fulfil_within_days: input::required(self.fulfil_within_days, "fulfil_within_days")?,
        })
    }
}

/// What the trail records of an action besides its name. The field order
/// and names are part of every entry's hash: never change them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ActionRecord {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terms: Option<Terms>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<Party>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within_days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_fen: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upheld: Option<bool>,
    /// Added later: absent from entries written before it (their hashes hold).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal_category: Option<RefusalCategory>,
    pub from_status: String,
    pub to_status: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(e: AppError) -> String {
        crate::input::testing::field_error(e).0
    }

    #[test]
    fn json_and_form_give_the_same_event() {
        let json: ActionInput = input::from_json(
            br#"{"action": "offer", "amount_fen": 1250, "remedy": "refund", "fulfil_within_days": 3, "message": " ok "}"#,
        )
        .unwrap();
        let form = ActionInput::from_form(&ActionForm {
            action: "offer".into(),
            amount: Some("12.50".into()),
            remedy: Some("refund".into()),
            fulfil_within_days: Some("3".into()),
            message: Some(" ok ".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(json, form);
        let (event, rec) = json.into_event().unwrap();
        let terms = Terms {
            amount: Fen(1250),
            remedy: Remedy::Refund,
            fulfil_within_days: 3,
        };
        assert_eq!(event, Event::Offer(terms.clone()));
        assert_eq!(rec.message.as_deref(), Some("ok"));
        assert_eq!(rec.terms, Some(terms));
    }

    /// A valid value for each field of the table.
    fn fill(input: &mut ActionInput, field: &str) {
        match field {
            "message" => input.message = Some("see the photo".into()),
            "reason" => input.reason = Some("the goods never came".into()),
            "amount_fen" => input.amount_fen = Some(Fen(1250)),
            "remedy" => input.remedy = Some(Remedy::Refund),
            "fulfil_within_days" => input.fulfil_within_days = Some(3),
            "to" => input.to = Some(7),
            "party" => input.party = Some(Party::Merchant),
            "within_days" => input.within_days = Some(5),
            "upheld" => input.upheld = Some(true),
            "refusal_category" => {
                input.refusal_category = Some(RefusalCategory::InsufficientEvidence)
            }
            other => panic!("the table names an unknown field {other}"),
        }
    }

    #[test]
    fn the_field_table_is_what_into_event_reads() {
        for &kind in ActionKind::ALL {
            let fields = action_fields(kind);
            // Everything the table names, filled: accepted.
            let mut full = ActionInput::bare(kind);
            for (f, _) in fields {
                fill(&mut full, f);
            }
            let (_, rec) = full
                .clone()
                .into_event()
                .unwrap_or_else(|e| panic!("{kind:?} with every field: {e:?}"));
            // Every field the table names is read (it reaches the trail).
            let kept = serde_json::to_value(&rec).unwrap();
            for (f, _) in fields {
                let in_terms = kept["terms"].get(f.replace("_fen", "").as_str()).is_some()
                    || kept["terms"].get(*f).is_some();
                assert!(
                    kept.get(*f).is_some() || in_terms,
                    "{kind:?}: the table names {f} but the trail keeps {kept}"
                );
            }
            // Only the required ones: accepted too.
            let mut minimal = ActionInput::bare(kind);
            for (f, required) in fields {
                if *required {
                    fill(&mut minimal, f);
                }
            }
            assert!(
                minimal.into_event().is_ok(),
                "{kind:?} with the required fields"
            );
            // Each required one left out (or blank): refused, naming it.
            for (f, required) in fields.iter().filter(|(_, r)| *r) {
                let mut without = full.clone();
                match *f {
                    "message" => without.message = Some("  ".into()),
                    "reason" => {
                        without.reason = None;
                        // A decision's reasons may come as `message`.
                        if kind == ActionKind::Decide {
                            without.message = None;
                        }
                    }
                    "amount_fen" => without.amount_fen = None,
                    "remedy" => without.remedy = None,
                    "fulfil_within_days" => without.fulfil_within_days = None,
                    "to" => without.to = None,
                    "party" => without.party = None,
                    "within_days" => without.within_days = None,
                    "upheld" => without.upheld = None,
                    "refusal_category" => without.refusal_category = None,
                    _ => unreachable!(),
                }
                let _ = required;
                let err = without
                    .into_event()
                    .expect_err(&format!("{kind:?} without {f}"));
                assert_eq!(field(err), *f, "{kind:?} without {f}");
            }
            // An amount below the smallest: refused.
            if fields.iter().any(|(f, _)| *f == "amount_fen") {
                let mut low = full.clone();
                low.amount_fen = Some(Fen(amount_min(kind) - 1));
                let (event, _) = low.into_event().expect("read");
                match super::super::machine::validate(&event) {
                    Err(super::super::RuleError::Invalid { field, .. }) => {
                        assert_eq!(field, "amount_fen", "{kind:?}")
                    }
                    other => panic!("{kind:?}: a low amount gave {other:?}"),
                }
            }
            // Text longer than the table's limit: refused.
            for (f, _) in fields
                .iter()
                .filter(|(f, _)| *f == "message" || *f == "reason")
            {
                let mut long = full.clone();
                let t = Some("长".repeat(text_max(kind, f) + 1));
                if *f == "message" {
                    long.message = t;
                } else {
                    long.reason = t;
                }
                let err = long.into_event().expect_err(&format!("{kind:?} long {f}"));
                assert_eq!(field(err), *f);
            }
        }
    }

    #[test]
    fn missing_and_wrong_fields_are_named() {
        let bad: [(&[u8], &str); 11] = [
            (br#"{}"#, "action"),
            (br#"{"action": "dance"}"#, "action"),
            (br#"{"action": 7}"#, "action"),
            (br#"{"action": "message"}"#, "message"),
            (br#"{"action": "withdraw", "reason": "  "}"#, "reason"),
            (br#"{"action": "offer", "amount_fen": "12", "remedy": "refund", "fulfil_within_days": 3}"#, "amount_fen"),
            (br#"{"action": "offer", "amount_fen": 12, "remedy": "cash", "fulfil_within_days": 3}"#, "remedy"),
            (br#"{"action": "offer", "amount_fen": 12, "remedy": "refund"}"#, "fulfil_within_days"),
            (br#"{"action": "decide_contest", "upheld": "yes", "reason": "x"}"#, "upheld"),
            (br#"{"action": "refuse_first_compensation", "reason": "x"}"#, "refusal_category"),
            (br#"{"action": "refuse_first_compensation", "refusal_category": "bored", "reason": "x"}"#, "refusal_category"),
        ];
        for (body, want) in bad {
            let got = input::from_json::<ActionInput>(body).and_then(ActionInput::into_event);
            assert_eq!(
                field(got.unwrap_err()),
                want,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        let long = ActionInput {
            message: Some("长".repeat(max::MESSAGE + 1)),
            ..ActionInput::bare(ActionKind::Message)
        };
        assert_eq!(field(long.into_event().unwrap_err()), "message");
        for (f, want) in [
            (
                ActionForm {
                    action: "offer".into(),
                    amount: Some("1.234".into()),
                    ..Default::default()
                },
                "amount_fen",
            ),
            (
                ActionForm {
                    action: "handover".into(),
                    to: Some("x".into()),
                    ..Default::default()
                },
                "to",
            ),
            (
                ActionForm {
                    action: "decide_contest".into(),
                    upheld: Some("maybe".into()),
                    ..Default::default()
                },
                "upheld",
            ),
            (
                ActionForm {
                    action: "refuse_first_compensation".into(),
                    refusal_category: Some("bored".into()),
                    ..Default::default()
                },
                "refusal_category",
            ),
            (
                ActionForm {
                    action: "nap".into(),
                    ..Default::default()
                },
                "action",
            ),
        ] {
            assert_eq!(
                field(ActionInput::from_form(&f).unwrap_err()),
                want,
                "{f:?}"
            );
        }
    }

    #[test]
    fn the_trail_body_keeps_its_shape() {
        // Entries already stored hash this exact JSON.
        let rec = ActionRecord {
            message: Some("m".into()),
            amount_fen: Some(5),
            from_status: "a".into(),
            to_status: "b".into(),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&rec).unwrap(),
            r#"{"message":"m","amount_fen":5,"from_status":"a","to_status":"b"}"#
        );
    }
}
