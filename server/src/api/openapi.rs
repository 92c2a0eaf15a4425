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
    ("get", "/openapi.json"),
];

fn error_response(desc: &str) -> Value {
    json!({"description": desc, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

pub fn spec() -> Value {
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
                        "code": {"type": "string", "enum": ["invalid", "unauthorized", "forbidden", "not_found", "conflict", "rate_limited", "payload_too_large", "internal"]},
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
            "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3 document"}}}}
        }
    })
}

pub async fn document() -> Json<Value> {
    Json(spec())
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
