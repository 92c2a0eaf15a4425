//! Who may do what to a case, through the API: every action × every role at
//! a status where someone may do it (403: never theirs; 404: not a party, so
//! the case does not exist for them; 409 `not_allowed`: not now, with what
//! they may do instead), who may read a case, and who sees which lists.

use domain::Lang;
use serde_json::{Value, json};

use crate::cases::{CONSUMER_NAME, R, Stage, World};
use crate::harness::{Req, backend_tests};

/// An action, the status it is tried at, and the code for each role in the
/// order of `R::ALL`: C, C2, M, M2, Med, Med2, Arb, Arb2, Reg, Adm.
type Row = (&'static str, Stage, [u16; 10]);

const NEGOTIATION: &[Row] = &[
    //                                  C    C2   M    M2   Med  Med2 Arb  Arb2 Reg  Adm
    (
        "respond",
        Stage::AwaitingMerchant,
        [403, 404, 200, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "offer",
        Stage::AwaitingMerchant,
        [409, 404, 200, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "escalate",
        Stage::AwaitingMerchant,
        [409, 404, 409, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "message",
        Stage::Negotiating,
        [200, 404, 200, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "offer",
        Stage::Negotiating,
        [200, 404, 200, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "accept_offer",
        Stage::Offered,
        [200, 404, 409, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "reject_offer",
        Stage::Offered,
        [200, 404, 409, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "accept_offer",
        Stage::Negotiating,
        [409, 404, 409, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "escalate",
        Stage::Negotiating,
        [200, 404, 200, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "withdraw",
        Stage::Negotiating,
        [200, 404, 403, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "request_evidence",
        Stage::Negotiating,
        [403, 404, 200, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "take",
        Stage::Negotiating,
        [403, 404, 403, 404, 409, 409, 409, 409, 403, 403],
    ),
];

const MEDIATION: &[Row] = &[
    //                                  C    C2   M    M2   Med  Med2 Arb  Arb2 Reg  Adm
    (
        "take",
        Stage::QueuedMediation,
        [403, 404, 403, 404, 200, 200, 409, 409, 403, 403],
    ),
    (
        "propose",
        Stage::QueuedMediation,
        [403, 404, 403, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "take",
        Stage::Mediating,
        [403, 404, 403, 404, 409, 409, 409, 409, 403, 403],
    ),
    (
        "message",
        Stage::Mediating,
        [200, 404, 200, 404, 200, 403, 403, 403, 403, 403],
    ),
    (
        "handover",
        Stage::Mediating,
        [403, 404, 403, 404, 200, 403, 403, 403, 403, 403],
    ),
    (
        "propose",
        Stage::Mediating,
        [403, 404, 403, 404, 200, 403, 403, 403, 403, 403],
    ),
    (
        "escalate",
        Stage::Mediating,
        [409, 404, 409, 404, 200, 403, 403, 403, 403, 403],
    ),
    (
        "accept_proposal",
        Stage::Mediating,
        [409, 404, 409, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "accept_proposal",
        Stage::Proposed,
        [200, 404, 200, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "reject_proposal",
        Stage::Proposed,
        [200, 404, 200, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "request_evidence",
        Stage::Mediating,
        [403, 404, 409, 404, 200, 403, 403, 403, 403, 403],
    ),
    (
        "withdraw",
        Stage::Mediating,
        [200, 404, 403, 404, 403, 403, 403, 403, 403, 403],
    ),
];

const ARBITRATION: &[Row] = &[
    //                                  C    C2   M    M2   Med  Med2 Arb  Arb2 Reg  Adm
    (
        "take",
        Stage::QueuedArbitration,
        [403, 404, 403, 404, 409, 409, 200, 200, 403, 403],
    ),
    (
        "decide",
        Stage::QueuedArbitration,
        [403, 404, 403, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "message",
        Stage::Arbitrating,
        [200, 404, 200, 404, 403, 403, 200, 403, 403, 403],
    ),
    (
        "handover",
        Stage::Arbitrating,
        [403, 404, 403, 404, 403, 403, 200, 403, 403, 403],
    ),
    (
        "request_evidence",
        Stage::Arbitrating,
        [403, 404, 409, 404, 403, 403, 200, 403, 403, 403],
    ),
    (
        "decide",
        Stage::Arbitrating,
        [403, 404, 403, 404, 403, 403, 200, 403, 403, 403],
    ),
    (
        "propose",
        Stage::Arbitrating,
        [403, 404, 403, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "provide_evidence",
        Stage::Arbitrating,
        [409, 404, 409, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "provide_evidence",
        Stage::EvidenceRequested,
        [200, 404, 409, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "request_evidence",
        Stage::EvidenceRequested,
        [403, 404, 409, 404, 403, 403, 409, 403, 403, 403],
    ),
    (
        "withdraw",
        Stage::Arbitrating,
        [200, 404, 403, 404, 403, 403, 403, 403, 403, 403],
    ),
];

const FULFILMENT: &[Row] = &[
    //                                  C    C2   M    M2   Med  Med2 Arb  Arb2 Reg  Adm
    (
        "comply",
        Stage::Settled,
        [403, 404, 200, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "comply",
        Stage::Complied,
        [403, 404, 409, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "confirm_fulfilment",
        Stage::Complied,
        [200, 404, 403, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "reopen",
        Stage::Settled,
        [200, 404, 403, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "message",
        Stage::Settled,
        [200, 404, 200, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "comply",
        Stage::Decided,
        [403, 404, 200, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "withdraw",
        Stage::Decided,
        [409, 404, 403, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "reopen",
        Stage::Decided,
        [409, 404, 403, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "message",
        Stage::Closed,
        [409, 404, 409, 404, 403, 403, 403, 403, 403, 403],
    ),
    (
        "withdraw",
        Stage::Withdrawn,
        [409, 404, 403, 404, 403, 403, 403, 403, 403, 403],
    ),
];

/// `allowed` as the 409 message lists it (English).
fn listed(allowed: &[String]) -> String {
    if allowed.is_empty() {
        return "nothing".into();
    }
    allowed
        .iter()
        .map(|a| domain::t(Lang::En, &format!("case.action.{a}")).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

async fn check(w: &World, rows: &[Row]) {
    for (action, stage, codes) in rows {
        let body = w.body(action, *stage);
        // The refusals, on one case, which they must leave as it was.
        let id = w.case_at(*stage).await;
        let before = w.view(R::Adm, id).await;
        let trail_before = w.trail(id).await;
        for (r, code) in R::ALL.iter().zip(codes).filter(|(_, c)| **c != 200) {
            let what = format!("{action} at {stage:?} by {r:?}");
            let resp = w.act(*r, id, &body).await;
            assert_eq!(resp.status.as_u16(), *code, "{what}: {}", resp.text());
            let (err, field, message) = resp.error();
            let want = match code {
                403 => "forbidden",
                404 => "not_found",
                409 => "not_allowed",
                _ => unreachable!(),
            };
            assert_eq!(err, want, "{what}: {message}");
            assert_eq!(field, None, "{what}");
            if *code == 404 {
                // Not a party: the case does not exist for them at all.
                w.get(*r, id).await.expect(404);
                continue;
            }
            let allowed = w.allowed(*r, id).await;
            assert!(
                !allowed.iter().any(|a| a == action),
                "{what}: offered {allowed:?}"
            );
            if *code == 409 {
                let status = domain::t(Lang::En, &format!("status.{}", stage.status())).to_string();
                assert!(
                    message.starts_with(&format!("The case is {status};")),
                    "{what}: {message}"
                );
                assert!(
                    message.ends_with(&format!("You may: {}", listed(&allowed))),
                    "{what}: {message}"
                );
            }
        }
        assert_eq!(
            w.view(R::Adm, id).await,
            before,
            "refused {action}s changed case {id}"
        );
        assert_eq!(
            w.trail(id).await,
            trail_before,
            "refused {action}s were recorded"
        );
        // Each role that may: on a fresh case of its own.
        for (r, _) in R::ALL.iter().zip(codes).filter(|(_, c)| **c == 200) {
            let what = format!("{action} at {stage:?} by {r:?}");
            let id = w.case_at(*stage).await;
            let allowed = w.allowed(*r, id).await;
            assert!(
                allowed.iter().any(|a| a == action),
                "{what}: not offered, only {allowed:?}"
            );
            let n = w.trail(id).await.len();
            let resp = w.act(*r, id, &body).await;
            assert_eq!(resp.status, 200, "{what}: {}", resp.text());
            assert_eq!(resp.json()["id"], id);
            let trail = w.trail(id).await;
            assert_eq!(trail.len(), n + 1, "{what}: one trail entry");
            let last = trail.last().unwrap();
            assert_eq!(last["kind"], *action, "{what}");
            assert_eq!(last["actor_role"], r.role().as_str(), "{what}");
            assert_eq!(last["body"]["from_status"], stage.status(), "{what}");
            w.assert_trail_ok(id, n + 1).await;
        }
    }
}

backend_tests! {
    async fn negotiation_actions_by_every_role(app) {
        let w = World::new(app).await;
        check(&w, NEGOTIATION).await;
    }

    async fn mediation_actions_by_every_role(app) {
        let w = World::new(app).await;
        check(&w, MEDIATION).await;
    }

    async fn arbitration_actions_by_every_role(app) {
        let w = World::new(app).await;
        check(&w, ARBITRATION).await;
    }

    async fn fulfilment_actions_by_every_role(app) {
        let w = World::new(app).await;
        check(&w, FULFILMENT).await;
    }

    async fn only_parties_and_staff_read_a_case_and_only_those_with_a_need_see_the_name(app) {
        let w = World::new(app).await;
        let id = w.case_at(Stage::Mediating).await;
        let trail_len = w.trail(id).await.len();
        for r in R::ALL {
            let uris = [
                format!("/api/v1/cases/{id}"),
                format!("/api/v1/cases/{id}/trail"),
                format!("/api/v1/cases/{id}/trail/verify"),
            ];
            for uri in uris {
                let resp = w.app.send(Req::get(&uri).bearer(w.token(r))).await;
                let want = if matches!(r, R::C2 | R::M2) { 404 } else { 200 };
                assert_eq!(resp.status, want, "{uri} as {r:?}: {}", resp.text());
                if want == 404 {
                    assert_eq!(resp.error().0, "not_found");
                    continue;
                }
                let v = resp.json();
                if uri.ends_with("/trail") {
                    assert_eq!(v["entries"].as_array().unwrap().len(), trail_len, "{r:?}");
                } else if uri.ends_with("/verify") {
                    assert_eq!(v["ok"], true, "{r:?}");
                } else {
                    // The consumer and the handling mediator see the name; the
                    // merchant and staff without a stated need see it masked.
                    let name = if matches!(r, R::C | R::Med) { CONSUMER_NAME } else { "王**" };
                    assert_eq!(v["consumer_name"], name, "as {r:?}");
                    assert_eq!(v["owner_id"], w.who(R::Med).id);
                }
            }
        }
        // What each may do now, as the case tells them.
        let expect: [(R, &[&str]); 8] = [
            (R::C, &["message", "withdraw"]),
            (R::M, &["message"]),
            (R::Med, &["message", "escalate", "handover", "propose", "request_evidence"]),
            (R::Med2, &[]),
            (R::Arb, &[]),
            (R::Arb2, &[]),
            (R::Reg, &[]),
            (R::Adm, &[]),
        ];
        for (r, actions) in expect {
            assert_eq!(w.allowed(r, id).await, actions, "{r:?}");
        }
        // The merchant never sees the name unmasked, also in lists.
        let list = w.list(R::M, "role_view=mine").await.expect(200).json();
        assert!(!list.to_string().contains(CONSUMER_NAME), "{list}");
        // A case that does not exist is 404 for everyone, to read or to act on.
        for r in [R::C, R::Adm] {
            w.get(r, 999_999).await.expect(404);
            w.act(r, 999_999, &json!({"action": "withdraw", "reason": "x"})).await.expect(404);
        }
        // A fund administrator reads every case but acts on none.
        let fund = w.app.create_staff(domain::Role::FundAdmin).await;
        let token = w.app.login(&fund).await;
        let v = w.app.send(Req::get(&format!("/api/v1/cases/{id}")).bearer(&token)).await.expect(200).json();
        assert_eq!(v["allowed_actions"], json!([]));
        w.app
            .send(Req::post(&format!("/api/v1/cases/{id}/actions")).json(&w.body("message", Stage::Mediating)).bearer(&token))
            .await
            .expect(403);
    }

    async fn a_wrong_status_is_409_listing_what_the_caller_may_do(app) {
        let w = World::new(app).await;
        let id = w.case_at(Stage::Negotiating).await;
        let r = w.act(R::M, id, &w.body("respond", Stage::Negotiating)).await.expect(409);
        let (code, field, message) = r.error();
        assert_eq!(code, "not_allowed");
        assert_eq!(field, None);
        assert_eq!(
            message,
            "The case is negotiating; this action is not possible now. You may: send a message, make an offer, escalate, request evidence"
        );
        // The list is the one the case view offers, in the caller's language.
        assert_eq!(w.allowed(R::M, id).await, ["message", "offer", "escalate", "request_evidence"]);
        let r = w
            .app
            .send(Req::post(&format!("/api/v1/cases/{id}/actions")).json(&w.body("respond", Stage::Negotiating)).bearer(w.token(R::M)))
            .await
            .expect(409);
        let zh = r.error().2;
        assert!(zh.contains("协商中") && zh.contains("留言、提出方案、申请升级"), "{zh}");
        let r = w.act(R::C, id, &w.body("confirm_fulfilment", Stage::Negotiating)).await.expect(409);
        assert!(r.error().2.ends_with("You may: send a message, make an offer, escalate, withdraw"), "{}", r.error().2);
        // Before the merchant is late, the consumer may not skip negotiation.
        let fresh = w.case_at(Stage::AwaitingMerchant).await;
        let r = w.act(R::C, fresh, &w.body("escalate", Stage::AwaitingMerchant)).await.expect(409);
        assert!(r.error().2.ends_with("You may: send a message, withdraw"), "{}", r.error().2);
        // Over: nothing left to do.
        let closed = w.case_at(Stage::Closed).await;
        let r = w.act(R::C, closed, &w.body("withdraw", Stage::Closed)).await.expect(409);
        assert_eq!(r.error().2, "The case is closed; this action is not possible now. You may: nothing");
        assert!(w.allowed(R::C, closed).await.is_empty());
        assert!(w.allowed(R::M, closed).await.is_empty());
    }

    async fn bad_action_fields_are_named(app) {
        let w = World::new(app).await;
        let id = w.case_at(Stage::Mediating).await;
        let before = w.trail(id).await.len();
        let consumer_id = w.who(R::C).id;
        let bad: Vec<(R, Value, &str)> = vec![
            (R::C, json!({"action": "dance"}), "action"),
            (R::C, json!({}), "action"),
            (R::C, json!({"action": 7}), "action"),
            (R::M, json!({"action": "message"}), "message"),
            (R::M, json!({"action": "message", "message": "  "}), "message"),
            (R::M, json!({"action": "message", "message": "长".repeat(5001)}), "message"),
            (R::C, json!({"action": "withdraw"}), "reason"),
            (R::Med, json!({"action": "escalate"}), "reason"),
            (R::Med, json!({"action": "propose", "amount_fen": 12.5, "remedy": "refund", "fulfil_within_days": 5}), "amount_fen"),
            (R::Med, json!({"action": "propose", "amount_fen": "abc", "remedy": "refund", "fulfil_within_days": 5}), "amount_fen"),
            (R::Med, json!({"action": "propose", "amount_fen": -1, "remedy": "refund", "fulfil_within_days": 5}), "amount_fen"),
            (R::Med, json!({"action": "propose", "amount_fen": 10_000_000_001_i64, "remedy": "refund", "fulfil_within_days": 5}), "amount_fen"),
            (R::Med, json!({"action": "propose", "amount_fen": 100, "remedy": "cash", "fulfil_within_days": 5}), "remedy"),
            (R::Med, json!({"action": "propose", "amount_fen": 100, "remedy": "refund", "fulfil_within_days": 0}), "fulfil_within_days"),
            (R::Med, json!({"action": "propose", "amount_fen": 100, "remedy": "refund", "fulfil_within_days": 61}), "fulfil_within_days"),
            (R::Med, json!({"action": "propose", "amount_fen": 100, "remedy": "refund"}), "fulfil_within_days"),
            (R::Med, json!({"action": "handover", "to": consumer_id, "reason": "回避"}), "to"),
            (R::Med, json!({"action": "handover", "to": w.who(R::Arb).id, "reason": "回避"}), "to"),
            (R::Med, json!({"action": "handover", "to": w.who(R::Med2).id}), "reason"),
        ];
        for (r, body, field) in bad {
            let resp = w.act(r, id, &body).await;
            assert_eq!(resp.status, 422, "{body} by {r:?}: {}", resp.text());
            assert_eq!(resp.error().1.as_deref(), Some(field), "{body}");
        }
        let arb = w.case_at(Stage::Arbitrating).await;
        for (body, field) in [
            (json!({"action": "request_evidence", "party": "judge", "within_days": 5, "message": "x"}), "party"),
            (json!({"action": "request_evidence", "party": "merchant", "within_days": 0, "message": "x"}), "within_days"),
            (json!({"action": "request_evidence", "party": "merchant", "within_days": 5}), "message"),
            (json!({"action": "decide", "amount_fen": 100, "remedy": "refund", "fulfil_within_days": 5}), "reason"),
        ] {
            let resp = w.act(R::Arb, arb, &body).await;
            assert_eq!(resp.status, 422, "{body}: {}", resp.text());
            assert_eq!(resp.error().1.as_deref(), Some(field), "{body}");
        }
        assert_eq!(w.trail(id).await.len(), before, "nothing refused was recorded");
        assert_eq!(w.view(R::Adm, arb).await["status"], "in_arbitration");
    }

    async fn lists_show_each_role_its_own_cases(app) {
        let w = World::new(app).await;
        let negotiating = w.case_at(Stage::Negotiating).await;
        let other = w
            .file_as(R::C2, &w.complaint(json!(w.merchant_b), "TB-1"))
            .await
            .expect(201)
            .json()["id"]
            .as_i64()
            .unwrap();
        let queued = w.case_at(Stage::QueuedMediation).await;
        let mediating = w.case_at(Stage::Mediating).await;
        let arbitration = w.case_at(Stage::QueuedArbitration).await;
        let sorted = |mut v: Vec<i64>| {
            v.sort();
            v
        };
        let everything = vec![negotiating, other, queued, mediating, arbitration];
        let consumers = vec![negotiating, queued, mediating, arbitration];
        let cases: [(R, &str, Vec<i64>); 18] = [
            (R::C, "role_view=mine", consumers.clone()),
            (R::C, "", consumers.clone()),
            (R::C2, "role_view=mine", vec![other]),
            (R::M, "role_view=mine", consumers.clone()),
            (R::M2, "role_view=mine", vec![other]),
            (R::Med, "role_view=mine", vec![mediating]),
            (R::Med, "role_view=queue", vec![queued]),
            (R::Med2, "role_view=mine", vec![]),
            (R::Med2, "role_view=queue", vec![queued]),
            (R::Arb, "role_view=queue", vec![arbitration]),
            (R::Arb, "role_view=mine", vec![]),
            (R::Med, "role_view=all", everything.clone()),
            (R::Reg, "role_view=all", everything.clone()),
            (R::Adm, "role_view=all", everything.clone()),
            (R::C, "role_view=mine&status=negotiating", vec![negotiating]),
            (R::C, "role_view=mine&status=closed", vec![]),
            (R::Reg, "role_view=all&status=in_mediation", vec![queued, mediating]),
            (R::M, "role_view=mine&status=", consumers.clone()),
        ];
        for (r, query, want) in cases {
            assert_eq!(sorted(w.list_ids(r, query).await), sorted(want), "{r:?} {query}");
        }
        for (r, query) in [
            (R::C, "role_view=all"),
            (R::C, "role_view=queue"),
            (R::M, "role_view=queue"),
            (R::M2, "role_view=all"),
            (R::Reg, "role_view=queue"),
        ] {
            let resp = w.list(r, query).await.expect(403);
            assert_eq!(resp.error().0, "forbidden", "{r:?} {query}");
        }
        for (query, field) in [("role_view=everything", "role_view"), ("status=open", "status")] {
            let resp = w.list(R::Adm, query).await.expect(422);
            assert_eq!(resp.error().1.as_deref(), Some(field), "{query}");
        }
        let v = w.list(R::C2, "role_view=mine").await.expect(200).json();
        let item = &v["items"][0];
        assert_eq!(item["status"], "awaiting_merchant");
        assert_eq!(item["merchant_name"], "北京东城百货有限公司");
        assert_eq!(item["title"], crate::cases::TITLE);
        assert_eq!(item["amount_claimed_fen"], 259_900);
        assert!(item["number"].as_str().unwrap().starts_with("GD20261123-"), "{item}");
        assert!(item["next_deadline_at"].is_string(), "{item}");
    }
}
