//! `GET /api/v1/openapi.json`: the OpenAPI 3 description of the JSON API.
//! Kept beside the routes; a test checks every route is described.

use axum::Json;
use serde_json::{Value, json};

/// The paths the API serves, as (method, path); the test compares this with the document.
pub const ROUTES: &[(&str, &str)] = &[
    ("post", "/users"),
    ("post", "/session"),
    ("delete", "/session"),
    ("get", "/me"),
    ("post", "/admin/users"),
    ("get", "/admin/pii-log"),
    ("get", "/openapi.json"),
    ("post", "/cases"),
    ("get", "/cases"),
    ("get", "/cases/{id}"),
    ("post", "/cases/{id}/actions"),
    ("get", "/cases/{id}/trail"),
    ("get", "/cases/{id}/trail/verify"),
    ("post", "/cases/{id}/evidence"),
    ("get", "/cases/{id}/evidence"),
    ("get", "/evidence/{id}"),
    ("post", "/cases/{id}/join"),
    ("get", "/merchants/{id}/complaints/open"),
    ("get", "/notifications"),
    ("post", "/notifications/read"),
    ("post", "/fund/top-up"),
    ("get", "/fund/ledger"),
    ("get", "/fund/summary"),
    ("post", "/merchants/{id}/deposit"),
    ("post", "/merchants/{id}/deposit/withdraw"),
    ("get", "/merchants/{id}/account"),
    ("post", "/cases/{id}/repayment"),
    ("post", "/cases/{id}/write-off"),
    ("post", "/merchants"),
    ("get", "/merchants"),
    ("get", "/merchants/suggest"),
    ("post", "/cases/{id}/publication"),
    ("get", "/complaints"),
    ("get", "/complaints/{id}"),
    ("get", "/merchants/verifications"),
    ("get", "/merchants/verifications/{id}"),
    ("post", "/merchants/verifications/{id}/licence"),
    ("get", "/merchants/verifications/{id}/licence"),
    ("post", "/regulator/verifications/{id}/decision"),
    ("get", "/merchants/{id}"),
    ("get", "/merchants/{id}/records"),
    ("post", "/merchants/{id}/commitment"),
    ("post", "/regulator/merchants/{id}/records"),
    ("get", "/lists/red"),
    ("get", "/lists/black"),
    ("get", "/regulator/lists/proposals"),
    ("post", "/regulator/lists/{id}/decision"),
    ("post", "/lists/{id}/objection"),
    ("get", "/export/credit"),
    ("post", "/records/{id}/objection"),
    ("post", "/records/{id}/repair"),
    ("get", "/records/requests"),
    ("get", "/regulator/risk-warnings"),
    ("post", "/regulator/requests/{id}/decision"),
    ("get", "/merchants/{id}/ratings"),
    ("get", "/cases/{id}/ratings"),
    ("post", "/cases/{id}/ratings"),
    ("post", "/cases/{id}/ratings/follow-up"),
    ("post", "/regulator/ratings/{id}/hide"),
];

fn error_response(desc: &str) -> Value {
    json!({"description": desc, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

pub fn spec() -> Value {
    let mut doc = base_spec();
    for extra in [
        fund_paths(),
        credit_paths(),
        ratings_paths(),
        lists_paths(),
        complaint_paths(),
    ] {
        if let (Some(paths), Value::Object(more)) = (doc["paths"].as_object_mut(), extra) {
            paths.extend(more);
        }
    }
    describe_rating_actions(&mut doc);
    doc["components"]["schemas"]["Movement"] = json!({
        "type": "object",
        "required": ["amount_fen", "idempotency_key"],
        "properties": {
            "amount_fen": {"type": "integer", "minimum": 1, "description": "Whole fen; fractions, zero and negatives are refused"},
            "idempotency_key": {"type": "string", "maxLength": 100, "description": "The same key and request twice make one entry"},
            "reason": {"type": "string", "description": "Required for a write-off"}
        }
    });
    doc["components"]["schemas"]["EntryReceipt"] = json!({"type": "object", "properties": {
        "entry_id": {"type": "integer"}, "kind": {"type": "string"}, "amount_fen": {"type": "integer"},
        "created_at": {"type": "string", "format": "date-time"}, "replayed": {"type": "boolean"}
    }});
    doc
}

fn base_spec() -> Value {
    let user_body = json!({
        "type": "object",
        "required": ["email", "password", "display_name", "role"],
        "properties": {
            "email": {"type": "string", "format": "email"},
            "password": {"type": "string", "minLength": 8, "maxLength": 128},
            "display_name": {"type": "string", "minLength": 1, "maxLength": 50},
            "role": {"type": "string", "enum": ["consumer", "merchant"]}
        }
    });
    let mut staff_body = user_body.clone();
    staff_body["properties"]["role"] = json!({"type": "string", "enum": ["consumer", "merchant", "mediator", "arbitrator", "fund_admin", "regulator", "admin"]});
    let id_param =
        json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let case_response = json!({"description": "The case as the caller sees it", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}}});
    let created = json!({"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreatedUser"}}}});
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Gongdao API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "公道 — e-commerce complaints and online dispute resolution. Errors are JSON {\"error\": {code, field?, message}}; messages follow the gongdao_lang cookie or Accept-Language (zh, en). Cookie-authenticated writes must come from this origin; API clients use Authorization: Bearer <token> from POST /session."
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "gongdao_session"}
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
                        "code": {"type": "string", "enum": ["invalid", "unauthorized", "forbidden", "not_found", "conflict", "not_allowed", "rate_limited", "payload_too_large", "internal"]},
                        "field": {"type": "string"},
                        "message": {"type": "string"}
                    }}}
                },
                "User": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"}, "email": {"type": "string"}, "display_name": {"type": "string"},
                        "role": {"type": "string"}, "lang": {"type": "string", "enum": ["zh", "en"]}, "email_verified": {"type": "boolean"}
                    }
                },
                "CreatedUser": {"type": "object", "properties": {"id": {"type": "integer"}, "email": {"type": "string"}, "role": {"type": "string"}}},
                "NewUser": user_body,
                "Status": {"type": "string", "enum": ["awaiting_merchant", "negotiating", "settled", "in_mediation", "in_arbitration", "decided", "non_compliant", "closed", "withdrawn"], "description": "non_compliant: the merchant missed the deadline of a settlement or decision"},
                "NewCase": {
                    "type": "object",
                    "required": ["merchant_id", "category", "title", "narrative", "order_ref", "order_date", "amount_paid_fen", "amount_claimed_fen", "remedy"],
                    "properties": {
                        "merchant_id": {"description": "The merchant's id, or its USCC as a string", "oneOf": [{"type": "integer"}, {"type": "string"}]},
                        "category": {"type": "string", "enum": ["false_advertising", "counterfeit", "quality", "not_as_pictured", "price_fraud", "refund_refused", "service_breach", "delivery", "personal_data", "other"]},
                        "title": {"type": "string", "minLength": 4, "maxLength": 100},
                        "narrative": {"type": "string", "minLength": 10, "maxLength": 5000},
                        "order_ref": {"type": "string", "maxLength": 100},
                        "order_date": {"type": "string", "format": "date"},
                        "amount_paid_fen": {"type": "integer", "minimum": 0, "description": "Money is integer fen (分)"},
                        "amount_claimed_fen": {"type": "integer", "minimum": 0},
                        "remedy": {"type": "string", "enum": ["refund", "replacement", "repair", "compensation", "apology"]},
                        "publish_narrative": {"type": "boolean", "default": false}
                    }
                },
                "Action": {
                    "type": "object",
                    "required": ["action"],
                    "properties": {
                        "action": {"type": "string", "enum": domain::cases::ActionKind::ALL.iter().map(|a| a.as_str()).collect::<Vec<_>>()},
                        "message": {"type": "string", "description": "respond, message, request_evidence (what is needed); optional for offer, propose, comply, provide_evidence"},
                        "reason": {"type": "string", "description": "escalate, withdraw, reopen, handover; decide (the written reasons)"},
                        "amount_fen": {"type": "integer", "description": "offer, propose, decide, approve_first_compensation (at most the claim or award and the per-case cap)"},
                        "remedy": {"type": "string", "enum": domain::cases::Remedy::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>(), "description": "offer, propose, decide"},
                        "fulfil_within_days": {"type": "integer", "minimum": 1, "maximum": 60, "description": "working days; offer, propose, decide"},
                        "to": {"type": "integer", "description": "handover: the user id of the mediator or arbitrator taking over"},
                        "party": {"type": "string", "enum": ["consumer", "merchant"], "description": "request_evidence"},
                        "within_days": {"type": "integer", "minimum": 1, "maximum": 60, "description": "request_evidence"},
                        "upheld": {"type": "boolean", "description": "decide_contest: true gives the merchant back what was recovered and writes the rest off"}
                    }
                },
                "Case": {"type": "object", "description": "id, number, status, merchant_id, merchant_name, consumer_name (masked for the merchant), category, title, narrative, order_ref, order_date, amount_paid_fen, amount_claimed_fen, remedy, publish_narrative, owner_id, deadlines [{key, at, at_local, working_days_left}], waiting_on, allowed_actions, offer, settlement, proposal, decision, evidence_request, paused, created_at"},
                "NewStaff": staff_body
            }
        },
        "paths": {
            "/users": {"post": {
                "summary": "Register a consumer or merchant account (a verification email is sent)",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewUser"}}}},
                "responses": {"201": created, "409": error_response("Email already registered"), "413": error_response("Body too large"), "422": error_response("A field is missing or invalid; `field` names it"), "429": error_response("Too many attempts")}
            }},
            "/session": {
                "post": {
                    "summary": "Sign in: sets the session cookie and returns a bearer token",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["email", "password"], "properties": {"email": {"type": "string"}, "password": {"type": "string"}}}}}},
                    "responses": {
                        "200": {"description": "Signed in", "content": {"application/json": {"schema": {"type": "object", "properties": {"token": {"type": "string"}, "user": {"$ref": "#/components/schemas/User"}}}}}},
                        "401": error_response("Wrong email or password (never says which)"),
                        "422": error_response("A field is missing"),
                        "429": error_response("Too many attempts")
                    }
                },
                "delete": {"summary": "Sign out", "security": [{"bearer": []}, {"cookie": []}], "responses": {"204": {"description": "Signed out"}}}
            },
            "/me": {"get": {
                "summary": "The signed-in account", "security": [{"bearer": []}, {"cookie": []}],
                "responses": {"200": {"description": "The account", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}}, "401": error_response("Not signed in")}
            }},
            "/admin/users": {"post": {
                "summary": "Admin: create any account, staff included (verified)", "security": [{"bearer": []}, {"cookie": []}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewStaff"}}}},
                "responses": {"201": created, "401": error_response("Not signed in"), "403": error_response("Not an admin"), "409": error_response("Email already registered"), "422": error_response("Invalid field")}
            }},
            "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3 document"}}}},
            "/cases": {
                "post": {
                    "summary": "A consumer files a complaint (becomes a case awaiting the merchant)",
                    "security": [{"bearer": []}, {"cookie": []}],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewCase"}}}},
                    "responses": {
                        "201": case_response.clone(),
                        "401": error_response("Not signed in"),
                        "403": error_response("Only consumers file complaints"),
                        "409": error_response("An open complaint about this order with this merchant exists (field order_ref)"),
                        "422": error_response("A field is missing or invalid; `field` names it")
                    }
                },
                "get": {
                    "summary": "Cases the caller may see, oldest deadline first",
                    "security": [{"bearer": []}, {"cookie": []}],
                    "parameters": [
                        {"name": "role_view", "in": "query", "schema": {"type": "string", "enum": ["mine", "queue", "all"]}, "description": "mine: filed / against my business / owned; queue: unowned cases in my queue (mediators, arbitrators); all: staff"},
                        {"name": "status", "in": "query", "schema": {"$ref": "#/components/schemas/Status"}}
                    ],
                    "responses": {"200": {"description": "The cases", "content": {"application/json": {"schema": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}}}}}}}, "401": error_response("Not signed in"), "403": error_response("This view is not for this role"), "422": error_response("Unknown role_view or status")}
                }
            },
            "/cases/{id}": {"get": {
                "summary": "One case, with its deadlines, whose move it is, and the actions the caller may take",
                "security": [{"bearer": []}, {"cookie": []}],
                "parameters": [id_param.clone(), {"name": "reveal", "in": "query", "schema": {"type": "string"}, "description": "Staff: the reason to see the consumer's name, phones, ID numbers and emails unmasked (logged; the case's handler sees them anyway, also logged)"}],
                "responses": {"200": case_response.clone(), "401": error_response("Not signed in"), "404": error_response("No such case, or not visible to the caller")}
            }},
            "/cases/{id}/actions": {"post": {
                "summary": "Act on a case: respond, message, offer, accept_offer, reject_offer, escalate, take, handover, propose, accept_proposal, reject_proposal, request_evidence, provide_evidence, decide, comply, confirm_fulfilment, reopen, withdraw; first compensation: apply_first_compensation (consumer), approve_first_compensation {amount_fen} and refuse_first_compensation {reason} (fund administrator), contest_recovery {reason} (merchant, within 5 working days of the payout), decide_contest {upheld, reason} (arbitrator)",
                "security": [{"bearer": []}, {"cookie": []}],
                "parameters": [id_param.clone()],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Action"}}}},
                "responses": {
                    "200": case_response.clone(),
                    "403": error_response("The caller may never do this on this case"),
                    "404": error_response("No such case, or not visible to the caller"),
                    "409": error_response("Not allowed in the current status (code not_allowed; the message lists what is), or the case changed meanwhile (code conflict)"),
                    "422": error_response("A field is missing or invalid")
                }
            }},
            "/cases/{id}/trail": {"get": {
                "summary": "The case's full-process trail (hash-chained, append-only)",
                "security": [{"bearer": []}, {"cookie": []}],
                "parameters": [id_param.clone()],
                "responses": {"200": {"description": "Entries in order"}, "404": error_response("No such case, or not visible to the caller")}
            }},
            "/cases/{id}/evidence": {
                "post": {
                    "summary": "Attach an evidence file (JPEG, PNG, WebP, GIF or PDF, at most 10 MB, checked by content); stored by SHA-256 and recorded on the trail",
                    "security": [{"bearer": []}, {"cookie": []}],
                    "parameters": [id_param.clone()],
                    "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}}}},
                    "responses": {
                        "201": {"description": "{id, case_id, file_name, content_type, size, sha256, uploader_id, created_at}"},
                        "403": error_response("Only the parties and the case handler add evidence"),
                        "404": error_response("No such case, or not visible to the caller"),
                        "409": error_response("The case is over"),
                        "413": error_response("Larger than 10 MB"),
                        "422": error_response("Empty, unreadable or of a type not accepted (field file)")
                    }
                },
                "get": {"summary": "The case's evidence files", "security": [{"bearer": []}, {"cookie": []}], "parameters": [id_param.clone()], "responses": {"200": {"description": "{items: [...]}"}, "404": error_response("No such case, or not visible to the caller")}}
            },
            "/evidence/{id}": {"get": {
                "summary": "Download an evidence file (parties and staff only); X-Evidence-Sha256 carries its hash",
                "security": [{"bearer": []}, {"cookie": []}],
                "parameters": [id_param.clone()],
                "responses": {"200": {"description": "The file, as an attachment"}, "404": error_response("No such file, or not visible to the caller")}
            }},
            "/cases/{id}/join": {"post": {
                "summary": "Collective complaint: a consumer with the same problem joins an open, published case with their own order; the merchant answers the case once and its outcome applies to each member's order",
                "security": [{"bearer": []}, {"cookie": []}],
                "parameters": [id_param.clone()],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["order_ref", "order_date", "amount_paid_fen", "amount_claimed_fen"], "properties": {
                    "order_ref": {"type": "string"}, "order_date": {"type": "string", "format": "date"},
                    "amount_paid_fen": {"type": "integer", "minimum": 0}, "amount_claimed_fen": {"type": "integer", "minimum": 0}
                }}}}},
                "responses": {
                    "201": case_response.clone(),
                    "403": error_response("Only consumers join"),
                    "404": error_response("No such case, or its consumer did not allow publication"),
                    "409": error_response("Already in it, the same order is in another open complaint, or the case is past mediation"),
                    "422": error_response("A field is missing or invalid")
                }
            }},
            "/merchants/{id}/complaints/open": {"get": {
                "summary": "Public: open complaints against the merchant that other consumers may join",
                "parameters": [id_param.clone()],
                "responses": {"200": {"description": "{items: [{id, number, title, category, narrative, created_at, members}]}"}}
            }},
            "/notifications": {"get": {
                "summary": "The caller's inbox, newest first, with the unread count",
                "security": [{"bearer": []}, {"cookie": []}],
                "responses": {"200": {"description": "{unread, items: [{id, case_id, case_number, key, created_at, read}]}"}, "401": error_response("Not signed in")}
            }},
            "/notifications/read": {"post": {
                "summary": "Mark every inbox entry read",
                "security": [{"bearer": []}, {"cookie": []}],
                "responses": {"200": {"description": "{marked}"}, "401": error_response("Not signed in")}
            }},
            "/cases/{id}/trail/verify": {"get": {
                "summary": "Recomputes the trail's hash chain; names the first broken entry",
                "security": [{"bearer": []}, {"cookie": []}],
                "parameters": [id_param],
                "responses": {"200": {"description": "{case_id, entries, ok, first_broken_seq, reason}"}, "404": error_response("No such case, or not visible to the caller")}
            }}
        }
    })
}

/// The fund's paths (kept apart: one `json!` for everything outgrows the macro's recursion limit).
fn fund_paths() -> Value {
    let id_param =
        json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let movement = json!({"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Movement"}}}});
    let receipt = |what: &str| json!({"description": what, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EntryReceipt"}}}});
    let admin_responses = |what: &str| {
        json!({
            "201": receipt(what),
            "200": receipt("The same idempotency key and request again: the earlier entry (replayed: true)"),
            "401": error_response("Not signed in"),
            "403": error_response("Only fund administrators move money"),
            "409": error_response("The idempotency key was used for a different request, or the movement is blocked now (the message says why)"),
            "422": error_response("amount_fen not a whole positive number of fen, more than the balance allows, or idempotency_key missing")
        })
    };
    let mut deposit_out = admin_responses("Paid back from the merchant's deposit");
    deposit_out["404"] = error_response("No such merchant");
    let mut deposit_in = admin_responses("Deposit received");
    deposit_in["404"] = error_response("No such merchant");
    let mut repay = admin_responses("The merchant's repayment, recorded on the case trail");
    repay["404"] = error_response("No such case");
    let mut write_off =
        admin_responses("Written off (reason required), recorded on the case trail");
    write_off["404"] = error_response("No such case");
    let sec = json!([{"bearer": []}, {"cookie": []}]);
    json!({
        "/fund/top-up": {"post": {"summary": "Fund administrator: money paid into the fund", "security": sec, "requestBody": movement, "responses": admin_responses("Entry posted")}},
        "/merchants/{id}/deposit": {"post": {"summary": "Fund administrator: a merchant's deposit (保证金) received", "security": sec, "parameters": [id_param], "requestBody": movement, "responses": deposit_in}},
        "/merchants/{id}/deposit/withdraw": {"post": {"summary": "Fund administrator: pay back part of a merchant's deposit (refused while it owes the fund or an application against it is undecided)", "security": sec, "parameters": [id_param], "requestBody": movement, "responses": deposit_out}},
        "/cases/{id}/repayment": {"post": {"summary": "Fund administrator: the merchant repaid what its deposit did not cover", "security": sec, "parameters": [id_param], "requestBody": movement, "responses": repay}},
        "/cases/{id}/write-off": {"post": {"summary": "Fund administrator: give up a recoverable amount, with a reason", "security": sec, "parameters": [id_param], "requestBody": movement, "responses": write_off}},
        "/fund/ledger": {"get": {
            "summary": "Public ledger: every payout and recovery, newest first; consumers masked (张**)",
            "parameters": [
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                {"name": "merchant_id", "in": "query", "schema": {"type": "integer"}}
            ],
            "responses": {"200": {"description": "{rows: [{entry_id, at, kind, merchant_id, merchant_name, case_number, consumer, amount_fen, status}], total, page, per_page}"}, "422": error_response("page, per_page or merchant_id not a number")}
        }},
        "/fund/summary": {"get": {
            "summary": "Public totals: paid, recovered, written off, outstanding, recovery rate (basis points); fund-wide also available money and deposits held",
            "parameters": [{"name": "merchant_id", "in": "query", "schema": {"type": "integer"}, "description": "One merchant's figures"}],
            "responses": {"200": {"description": "{paid_fen, payouts, recovered_fen, written_off_fen, outstanding_fen, recovery_rate_bp, available_fen, deposits_fen}"}}
        }},
        "/merchants/{id}/account": {"get": {
            "summary": "A merchant's account with the fund: deposit, what it owes, entries. Its own account holder, fund administrators, regulators and admins only",
            "security": sec, "parameters": [id_param],
            "responses": {"200": {"description": "{merchant_id, merchant_name, deposit_fen, owed_fen, summary, entries}"}, "401": error_response("Not signed in"), "403": error_response("Not this merchant's account"), "404": error_response("No such merchant")}
        }}
    })
}

/// Verification, profile, credit file, commitments, regulator findings.
fn credit_paths() -> Value {
    let id_param =
        json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let sec = json!([{"bearer": []}, {"cookie": []}]);
    let verification = json!({"description": "{id, merchant_id, uscc, account_id, name, legal_form, kind, registered_address, business_scope, shop_names, licence_valid_until, licence_sha256, status (pending|verified|rejected), reason, decided_at, created_at}"});
    json!({
        "/admin/pii-log": {"get": {
            "summary": "Admin: every read of a consumer's unmasked personal data by staff (who, what, when, why), newest first",
            "security": sec.clone(),
            "responses": {"200": {"description": "{items: [{id, staff_id, staff_name, staff_role, case_id, case_number, fields, reason, at}]}"}, "401": {"description": "Not signed in"}, "403": {"description": "Not an admin"}}
        }},
        "/merchants": {"get": {
            "summary": "Search merchants (tantivy; Chinese segmented by jieba; an exact USCC in any case or spacing). Relevance multiplies red-listed merchants' scores by 1.5 and black-listed ones' by 0.5",
            "parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}},
                {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["relevance", "credit", "complaints"]}},
                {"name": "province", "in": "query", "schema": {"type": "string"}},
                {"name": "grade", "in": "query", "schema": {"type": "string", "enum": ["A+", "A", "B", "C", "D", "none"]}, "description": "none: not graded yet"},
                {"name": "list", "in": "query", "schema": {"type": "string", "enum": ["red", "black", "none"]}, "description": "none: on neither list"},
                {"name": "verified", "in": "query", "schema": {"type": "boolean"}},
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10000}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}}
            ],
            "responses": {"200": {"description": "{total, page, per_page, items: [{id, name, uscc, province, region, kind, grade, score, red_list, black_list, verified, complaints_12m}], facets: {province, grade, list, verified: [[value, count]]} (facet values: grade A+…D or none, list red, black or none, verified yes or no)"}, "422": {"description": "A parameter is invalid; `field` names it"}}
        },
        "post": {
            "summary": "A merchant account registers a business, or claims one the registry lists, for real-name verification (实名登记); a regulator decides",
            "security": sec,
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                "required": ["uscc", "name", "entity_type", "registered_address", "business_scope"],
                "properties": {
                    "uscc": {"type": "string", "description": "18 characters, GB 32100 checksum; lower case and spaces are normalised"},
                    "name": {"type": "string", "minLength": 2, "maxLength": 200},
                    "entity_type": {"type": "string", "enum": ["enterprise", "individual_business", "farmer_cooperative", "other"]},
                    "kind": {"type": "string", "enum": ["shop", "platform", "logistics"], "default": "shop"},
                    "registered_address": {"type": "string", "minLength": 5, "maxLength": 500},
                    "business_scope": {"type": "string", "minLength": 2, "maxLength": 2000},
                    "shop_names": {"type": "array", "items": {"type": "string", "maxLength": 200}, "maxItems": 20},
                    "licence_valid_until": {"type": "string", "format": "date", "description": "omit for a licence without end date; not in the past"}
                }}}}},
            "responses": {
                "201": verification.clone(),
                "401": {"description": "Not signed in"},
                "403": {"description": "Only merchant accounts register businesses"},
                "409": {"description": "Verified for another account already, or this account's request for it is pending"},
                "422": {"description": "A field is missing or invalid; `field` names it (uscc when the code is malformed or fails the checksum)"}
            }
        }},
        "/merchants/suggest": {"get": {
            "summary": "Merchant names offered while one is typed (autocomplete), public: every letter and digit typed is in the name; names starting with the text first, then names containing it in one piece, then the rest, each by credit score. Twelve or more letters and digits also match the start of a USCC",
            "parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}, "description": "The text typed; empty gives no items"},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 20, "default": 8}}
            ],
            "responses": {"200": {"description": "{items: [{id, name, grade, red_list, black_list}]}, best first"}, "422": {"description": "q longer than 200 characters or limit not from 1 to 20; `field` names it"}}
        }},
        "/merchants/verifications": {"get": {
            "summary": "Verification requests: a merchant's own; the queue for regulators and admins",
            "security": sec,
            "parameters": [{"name": "status", "in": "query", "schema": {"type": "string", "enum": ["pending", "verified", "rejected"]}}],
            "responses": {"200": {"description": "{items: [...]}, oldest first"}, "403": {"description": "Other roles"}}
        }},
        "/merchants/verifications/{id}": {"get": {
            "summary": "One request (its applicant, regulators, admins)", "security": sec, "parameters": [id_param.clone()],
            "responses": {"200": verification.clone(), "404": {"description": "No such request, or not visible to the caller"}}
        }},
        "/merchants/verifications/{id}/licence": {
            "post": {
                "summary": "The applicant uploads the licence image (JPEG, PNG, WebP, GIF or PDF ≤ 10 MB, checked by content) to a pending request",
                "security": sec, "parameters": [id_param.clone()],
                "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}}}},
                "responses": {"200": verification.clone(), "303": {"description": "A browser's HTML form (Accept: text/html) is sent back to /merchants/register with ?licence=ok or ?licence_error=<message>"}, "404": {"description": "Not the applicant's request"}, "409": {"description": "Already decided"}, "413": {"description": "Larger than 10 MB"}, "422": {"description": "Empty or not an accepted type"}}
            },
            "get": {
                "summary": "The licence file: public once the request is verified (亮照); before, the applicant and verifiers",
                "parameters": [id_param.clone()],
                "responses": {"200": {"description": "The image or PDF"}, "404": {"description": "None, or not visible"}}
            }
        },
        "/regulator/verifications/{id}/decision": {"post": {
            "summary": "Regulator or admin: verify (links the account, shows the mark and licence fields) or reject with a reason",
            "security": sec, "parameters": [id_param.clone()],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["approve"], "properties": {"approve": {"type": "boolean"}, "reason": {"type": "string", "description": "required to reject"}}}}}},
            "responses": {"200": verification, "403": {"description": "Not a regulator or admin"}, "404": {"description": "No such request"}, "409": {"description": "Already decided, or the business is verified for another account"}, "422": {"description": "approve missing, or a rejection without reason"}}
        }},
        "/merchants/{id}": {"get": {
            "summary": "Public profile: licence fields, verification mark, credit {score, grade, base, factors, caps}, commitments, first-compensation figures",
            "parameters": [id_param.clone()],
            "responses": {"200": {"description": "The profile"}, "404": {"description": "No such merchant"}}
        }},
        "/merchants/{id}/records": {"get": {
            "summary": "The credit file: public records within their display period (evidence hidden); the merchant itself, regulators and admins see every record",
            "parameters": [id_param.clone()],
            "responses": {"200": {"description": "{items: [{id, kind, severity, source, case_number, summary, evidence, occurred_at, display_until, status, objection_until, repaired_at, public}]}"}, "404": {"description": "No such merchant"}}
        }},
        "/merchants/{id}/commitment": {"post": {
            "summary": "The verified merchant's account holder signs the current standard credit commitment (信用承诺); signing again returns the signature",
            "security": sec, "parameters": [id_param.clone()],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["accept"], "properties": {"accept": {"type": "boolean", "enum": [true]}}}}}},
            "responses": {"201": {"description": "Signed: {id, version, text_sha256, signed_at}"}, "200": {"description": "Already signed"}, "403": {"description": "Not this merchant's account"}, "409": {"description": "Not verified yet"}, "422": {"description": "accept is not true"}}
        }},
        "/records/{id}/objection": {"post": {
            "summary": "The merchant objects (异议) to a finding during its objection period; the finding stays unpublished until a regulator decides",
            "security": sec, "parameters": [id_param.clone()],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string", "minLength": 10, "maxLength": 5000}, "evidence": {"type": "string", "maxLength": 5000}}}}}},
            "responses": {"201": {"description": "{id, record_id, kind: objection, status: pending, record, …}"}, "403": {"description": "Not this merchant's account"}, "404": {"description": "No such record"}, "409": {"description": "The objection period is over, or an objection is already waiting"}, "422": {"description": "text missing or too short"}}
        }},
        "/records/{id}/repair": {"post": {
            "summary": "Credit repair (信用修复): after rectification the merchant applies, with evidence and a renewed commitment, for a published finding to leave public view early",
            "security": sec, "parameters": [id_param.clone()],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["text", "renew_commitment"], "properties": {"text": {"type": "string", "minLength": 10}, "evidence": {"type": "string"}, "renew_commitment": {"type": "boolean", "enum": [true]}}}}}},
            "responses": {"201": {"description": "The application (pending)"}, "403": {"description": "Not this merchant's account"}, "404": {"description": "No such record"}, "409": {"description": "Not a published finding on display, or an application is already waiting"}, "422": {"description": "text missing, or renew_commitment not true"}}
        }},
        "/regulator/risk-warnings": {"get": {
            "summary": "Regulators and admins: merchants whose complaints this week exceed their 12-week baseline by the configured factor (GONGDAO_RISK_SPIKE_FACTOR), or whose ratings show brushing (five-star bursts from new accounts, many ratings from one IP); each signal explains its numbers",
            "security": sec.clone(),
            "responses": {"200": {"description": "{items: [{merchant_id, merchant_name, signals: [{kind, detail}]}]}"}, "403": {"description": "Other roles"}}
        }},
        "/records/requests": {"get": {
            "summary": "Objections and repair applications: the regulators' queue (all), or a merchant's own",
            "security": sec,
            "parameters": [{"name": "status", "in": "query", "schema": {"type": "string", "enum": ["pending", "upheld", "approved", "refused"]}}],
            "responses": {"200": {"description": "{items: [...]}, oldest first"}, "403": {"description": "Other roles"}, "422": {"description": "Unknown status"}}
        }},
        "/regulator/requests/{id}/decision": {"post": {
            "summary": "Regulator: grant (objection upheld → finding withdrawn; repair approved → record leaves public view and the score, marked repaired) or refuse (objection refused → published at once); reason required",
            "security": sec, "parameters": [id_param.clone()],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["grant", "reason"], "properties": {"grant": {"type": "boolean"}, "reason": {"type": "string"}}}}}},
            "responses": {"200": {"description": "The decided request"}, "403": {"description": "Not a regulator"}, "404": {"description": "No such request"}, "409": {"description": "Already decided"}, "422": {"description": "grant or reason missing"}}
        }},
        "/regulator/merchants/{id}/records": {"post": {
            "summary": "Regulator: record misconduct (刷单炒信, 虚假宣传, …) with evidence; pending for the merchant's 5 working days to object, then published",
            "security": sec, "parameters": [id_param],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["kind", "summary", "occurred_on"], "properties": {
                "kind": {"type": "string", "enum": ["brushing", "false_advertising", "counterfeit", "price_fraud", "not_as_pictured", "malicious_rating", "data_leak", "misconduct_other"]},
                "severity": {"type": "string", "enum": ["minor", "serious", "severe"], "description": "default: the kind's"},
                "summary": {"type": "string", "minLength": 10, "maxLength": 5000},
                "evidence": {"type": "string", "maxLength": 5000},
                "occurred_on": {"type": "string", "format": "date"}
            }}}}},
            "responses": {"201": {"description": "The record (status pending, objection_until)"}, "403": {"description": "Not a regulator"}, "404": {"description": "No such merchant"}, "422": {"description": "A field is missing or invalid"}}
        }}
    })
}

/// The `rate` and `follow_up` actions of `/cases/{id}/actions`.
fn describe_rating_actions(doc: &mut Value) {
    let case = &mut doc["components"]["schemas"]["Case"]["description"];
    if let Some(d) = case.as_str() {
        *case = json!(format!(
            "{d}, ratings [both sides' ratings, as GET /cases/{{id}}/ratings lists them]"
        ));
    }
}

/// Mutual ratings (信用互评): read, written once a case is over, followed up, hidden.
fn ratings_paths() -> Value {
    let id_param =
        json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let sec = json!([{"bearer": []}, {"cookie": []}]);
    let rating = "{id, case_id, case_number, merchant_id, side (consumer|merchant), author_name (consumers masked: 张*), stars (1–5, consumer side), flag_malicious (merchant side), text (null while hidden, except for regulators, admins and the author), follow_up_text, follow_up_at, hidden_at, hidden_reason, created_at}";
    json!({
        "/merchants/{id}/ratings": {"get": {
            "summary": "Public: the merchant's ratings by its consumers (信用互评), newest first; names masked; a hidden rating shows the regulator's reason instead of its text",
            "parameters": [id_param.clone()],
            "responses": {"200": {"description": format!("{{items: [{rating}]}}")}, "404": error_response("No such merchant")}
        }},
        "/cases/{id}/ratings": {"get": {
            "summary": "Both sides' ratings of a case (also in the case as `ratings`), for its parties and staff",
            "security": sec, "parameters": [id_param.clone()],
            "responses": {"200": {"description": format!("{{items: [{rating}]}}")}, "401": error_response("Not signed in"), "404": error_response("No such case, or not visible to the caller")}
        }, "post": {
            "summary": "Mutual rating (信用互评) once the case is closed or withdrawn: the consumer gives {stars, text?}, the merchant {text, flag_malicious?}; once per side",
            "security": sec, "parameters": [id_param.clone()],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {
                "stars": {"type": "integer", "minimum": 1, "maximum": 5, "description": "Required of the consumer; the merchant gives none"},
                "text": {"type": "string", "maxLength": 2000, "description": "Optional for the consumer, required of the merchant"},
                "flag_malicious": {"type": "boolean", "description": "Merchant only: the complaint was malicious (every regulator is told)"}
            }}}}},
            "responses": {"201": {"description": rating}, "401": error_response("Not signed in"), "403": error_response("Not the case's consumer or merchant"), "404": error_response("No such case, or not visible to the caller"), "409": error_response("Not over yet, or already rated"), "422": error_response("A field is missing or wrong (named)")}
        }},
        "/cases/{id}/ratings/follow-up": {"post": {
            "summary": "The rating's author adds its one follow-up review (追评), within 90 days",
            "security": sec, "parameters": [id_param.clone()],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["text"], "properties": {
                "text": {"type": "string", "minLength": 1, "maxLength": 2000}
            }}}}},
            "responses": {"200": {"description": rating}, "401": error_response("Not signed in"), "403": error_response("Not the rating's author"), "404": error_response("No such case, or not visible to the caller"), "409": error_response("No rating yet, hidden, already followed up, or too late"), "422": error_response("text missing or too long")}
        }},
        "/regulator/ratings/{id}/hide": {"post": {
            "summary": "Regulator: hide a rating for a stated legal reason, shown publicly in its place (the rating is kept; ratings are never deleted); recorded on the case trail and told to the author",
            "security": sec, "parameters": [id_param],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 2000}}}}}},
            "responses": {"200": {"description": rating}, "401": error_response("Not signed in"), "403": error_response("Not a regulator"), "404": error_response("No such rating"), "409": error_response("Already hidden"), "422": error_response("reason missing or too long")}
        }}
    })
}

/// Red and black lists (红黑名单), their decisions, and the regulators' bulk export.
fn lists_paths() -> Value {
    let id_param =
        json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let sec = json!([{"bearer": []}, {"cookie": []}]);
    let reasons = "reasons: lists.reason.* keys (serious_record, repeated_non_compliance, fc_unrecovered; a_plus_12m, verified, commitment_signed, no_serious_record, compliant_12m)";
    let public = |what: &str| {
        json!({"get": {
            "summary": format!("Public: the {what} list (confirmed by a regulator), newest first; the criteria are published in the credit method"),
            "responses": {"200": {"description": format!("{{list, items: [{{entry_id, list, merchant_id, name, uscc, since (confirmed at), proposed_at, reasons, decision_reason}}]}}; {reasons}")}}
        }})
    };
    let entry = format!(
        "{{id, list (red|black), status (proposed|confirmed|refused|ended), merchant_id, name, uscc, credit_grade, reasons, proposed_at, decided_at, decision_reason, ends_at}}; {reasons}"
    );
    json!({
        "/lists/red": public("red"),
        "/lists/black": public("black"),
        "/regulator/lists/proposals": {"get": {
            "summary": "Regulator: the system's list proposals waiting for a decision, oldest first",
            "security": sec,
            "responses": {"200": {"description": format!("{{items: [{entry}]}}")}, "401": error_response("Not signed in"), "403": error_response("Not a regulator")}
        }},
        "/lists/{id}/objection": {"post": {
            "summary": "The merchant objects (异议) to a black-list proposal within its 5 working days; a regulator may confirm only after the objection or the period",
            "security": [{"bearer": []}, {"cookie": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string", "minLength": 10, "maxLength": 5000}}}}}},
            "responses": {"200": {"description": "The proposal with the objection"}, "403": {"description": "Not this merchant's account"}, "404": {"description": "No such entry"}, "409": {"description": "Not a proposal in its objection period, or already objected"}, "422": {"description": "text missing or too short"}}
        }},
        "/regulator/lists/{id}/decision": {"post": {
            "summary": "Regulator: confirm (public from now with the date and reasons; a black entry sends new complaints straight to mediation and ends any red entry; the merchant is told) or refuse a proposal; a reason is required either way",
            "security": sec, "parameters": [id_param],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["confirm", "reason"], "properties": {"confirm": {"type": "boolean"}, "reason": {"type": "string", "maxLength": 2000}}}}}},
            "responses": {"200": {"description": format!("The decided entry: {entry}")}, "401": error_response("Not signed in"), "403": error_response("Not a regulator"), "404": error_response("No such entry"), "409": error_response("Already decided"), "422": error_response("confirm or reason missing")}
        }},
        "/export/credit": {"get": {
            "summary": "Regulator (bearer token or session cookie): every merchant's credit in bulk, streamed in pages by id",
            "security": sec,
            "parameters": [{"name": "format", "in": "query", "schema": {"type": "string", "enum": ["ndjson", "csv"], "default": "ndjson"}}],
            "responses": {
                "200": {"description": "One line per merchant: id, uscc, name, kind, province, region, verified_at, credit_score, credit_grade, credit_computed_at, red_list, black_list, complaints_12m (cases filed in the last 12 months), public_records (credit records in public view). NDJSON: one JSON object a line; CSV: RFC 4180 with a header row and CRLF line ends",
                    "content": {"application/x-ndjson": {"schema": {"type": "string"}}, "text/csv": {"schema": {"type": "string"}}}},
                "401": error_response("Not signed in"), "403": error_response("Not a regulator"), "422": error_response("Unknown format (field: format)")
            }
        }}
    })
}

pub async fn document() -> Json<Value> {
    Json(spec())
}

fn complaint_paths() -> Value {
    let hit = "{id, number, merchant_id, merchant_name, category, title, narrative, outcome, filed_on, closed_on}";
    json!({
        "/complaints": {"get": {
            "summary": "Search the public complaint records: closed cases whose consumer allowed publication, with phones, ID numbers, emails and names masked before indexing. Newest first without words",
            "parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}, "description": "Words of the merchant's name, the title or the narrative"},
                {"name": "merchant", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "category", "in": "query", "schema": {"type": "string", "enum": ["false_advertising", "counterfeit", "quality", "not_as_pictured", "price_fraud", "refund_refused", "service_breach", "delivery", "personal_data", "other"]}},
                {"name": "outcome", "in": "query", "schema": {"type": "string", "enum": ["negotiated", "mediated", "decided", "first_compensation", "closed"]}},
                {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "Closed on or after (Asia/Shanghai date)"},
                {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "Closed on or before"},
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}}
            ],
            "responses": {
                "200": {"description": format!("{{total, page, per_page, items: [{hit}] (narrative cut to 160 characters), facets: {{category, outcome: [[value, count]]}}}}")},
                "422": error_response("A parameter is invalid; `field` names it")
            }
        }},
        "/complaints/{id}": {"get": {
            "summary": "One public complaint record in full",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "responses": {"200": {"description": hit}, "404": error_response("No such case, or it is not published")}
        }},
        "/cases/{id}/publication": {"post": {
            "summary": "The consumer who filed the case allows or withdraws publication of its narrative; a closed case's public record appears or goes within seconds",
            "security": [{"bearer": []}, {"cookie": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["publish"], "properties": {"publish": {"type": "boolean"}}}}}},
            "responses": {
                "200": {"description": "{publish}"},
                "401": error_response("Not signed in"),
                "403": error_response("Not the consumer who filed the case"),
                "404": error_response("No such case"),
                "422": error_response("`publish` is missing or not a boolean")
            }
        }}
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_described_and_nothing_else() {
        let spec = spec();
        let paths = spec["paths"].as_object().unwrap();
        let mut described = vec![];
        for (path, ops) in paths {
            for method in ops.as_object().unwrap().keys() {
                described.push((method.clone(), path.clone()));
            }
        }
        let mut expected: Vec<(String, String)> = ROUTES
            .iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
        described.sort();
        expected.sort();
        assert_eq!(described, expected);
    }
}
