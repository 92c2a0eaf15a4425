//! `GET /api/v1/openapi.json`: the OpenAPI document of the JSON API,
//! generated from the handlers. Every route is registered in `api::documented`
//! with `routes!`, which takes the path, method, parameters, bodies and
//! responses from the handler's `#[utoipa::path]`; this module holds what they
//! share: the document's head, the error body, the response sets most routes
//! repeat, and the small response bodies handlers build (`Items`, `Trail`…),
//! which are what they serialise, not a description beside it. Request
//! bodies are the typed `domain` inputs, or `api::bodies` for the API's own.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, RefOr, SecurityRequirement};
use utoipa::{IntoParams, IntoResponses, Modify, OpenApi, ToSchema};

/// The document's head; `api::documented` adds every path.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gongdao API",
        license(name = "AGPL-3.0-or-later"),
        description = "公道 — e-commerce complaints and online dispute resolution. Errors are JSON {\"error\": {code, field?, message}}; messages follow the gongdao_lang cookie or Accept-Language (zh, en). Cookie-authenticated writes must come from this origin; API clients use Authorization: Bearer <token> from POST /session."
    ),
    servers((url = "/api/v1")),
    // The schemas the response sets below refer to (`routes!` collects only
    // those named in the handlers' own `body = …`).
    components(schemas(ErrorBody, domain::fund::EntryReceipt, domain::platforms::IntakeLine)),
    modifiers(&SecuritySchemes)
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, doc: &mut Document) {
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        c.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("gd_live_<12 hex>_<64 hex>")
                    .description(Some(
                        "An organisation's API key (e-commerce platform, public credit platform), made by an admin and shown once; only /platform/… takes it, and it is never a session token. Scopes: cases:write, cases:read:own, credit:read. Rate-limited per key (GONGDAO_API_KEY_LIMIT_PER_MINUTE, 429 with Retry-After beyond it); every call is logged.",
                    ))
                    .build(),
            ),
        );
        c.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                services::accounts::cookies::SESSION_COOKIE,
            ))),
        );
    }
}

/// What the document takes from the handlers' attributes as a whole:
/// operations that answer 401 need a credential (the bearer token or the
/// session cookie; on `/platform/…` an organisation's API key), so the two
/// cannot disagree; and each operation's id is
/// its method and path (`post_cases_id_actions`), unique where handler names
/// are not (`create`, `get`, `list` stand in several modules).
pub fn finish(doc: &mut Document) {
    let either = [
        SecurityRequirement::new("bearer", Vec::<String>::new()),
        SecurityRequirement::new("cookie", Vec::<String>::new()),
    ];
    let key = [SecurityRequirement::new("api_key", Vec::<String>::new())];
    for (path, item) in doc.paths.paths.iter_mut() {
        let platform = path.starts_with("/platform/");
        let slug: String = path
            .chars()
            .filter(|c| !matches!(c, '{' | '}'))
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        for (method, op) in [
            ("get", &mut item.get),
            ("post", &mut item.post),
            ("put", &mut item.put),
            ("patch", &mut item.patch),
            ("delete", &mut item.delete),
        ] {
            let Some(op) = op else { continue };
            op.operation_id = Some(format!("{method}{slug}"));
            if op.responses.responses.contains_key("401") {
                op.security = Some(if platform {
                    key.to_vec()
                } else {
                    either.to_vec()
                });
            }
        }
    }
}

/// Every error: `{"error": {"code", "field"?, "message"}}`.
#[derive(Serialize, ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    #[schema(inline)]
    error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
struct ErrorDetail {
    #[schema(inline)]
    code: ErrorCode,
    /// The request field at fault (`body` for unreadable JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    /// In the request's language.
    message: String,
}

// Described, never built: `AppError::code()` writes the code.
#[allow(dead_code)]
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum ErrorCode {
    Invalid,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    NotAllowed,
    RateLimited,
    PayloadTooLarge,
    Internal,
    Unavailable,
    StorageFull,
}

// The response sets the handlers' `responses(…)` name: one status each,
// combined by `response_sets!` into what routes share.

/// No or an unknown credential.
#[derive(IntoResponses)]
pub enum Unauthorized {
    #[response(status = 401, description = "Not signed in, or the token expired")]
    Unauthorized(ErrorBody),
}

/// Role or ownership, or the same-origin rule of cookie writes.
#[derive(IntoResponses)]
pub enum Forbidden {
    #[response(
        status = 403,
        description = "The caller may not do this (role, ownership), or a cookie-authenticated write from another origin"
    )]
    Forbidden(ErrorBody),
}

#[derive(IntoResponses)]
pub enum TooLarge {
    #[response(status = 413, description = "The body is larger than the limit")]
    TooLarge(ErrorBody),
}

#[derive(IntoResponses)]
pub enum InvalidBody {
    #[response(
        status = 422,
        description = "The body is not a JSON object, or a field is missing or invalid; `field` names it"
    )]
    Invalid(ErrorBody),
}

/// Routes with an `{id}` that answer for any id (an unknown one gives nothing).
#[derive(IntoResponses)]
pub enum BadId {
    #[response(
        status = 400,
        description = "The id is not a 32-bit whole number (plain text)",
        content_type = "text/plain"
    )]
    BadId(String),
}

#[derive(IntoResponses)]
pub enum NotFound {
    #[response(
        status = 404,
        description = "No such record, or not visible to the caller"
    )]
    NotFound(ErrorBody),
}

/// Query parameters only read: a query string serde cannot read.
#[derive(IntoResponses)]
pub enum Unreadable {
    #[response(
        status = 400,
        description = "The query string cannot be read, e.g. a parameter given twice (axum's plain text)",
        content_type = "text/plain"
    )]
    Unreadable(String),
}

#[derive(IntoResponses)]
pub enum InvalidParam {
    #[response(status = 422, description = "A parameter is invalid; `field` names it")]
    Invalid(ErrorBody),
}

/// The fund's movements: a new entry, or the earlier one for a replayed key.
#[derive(IntoResponses)]
pub enum Posted {
    #[response(status = 201, description = "Entry posted")]
    Posted(domain::fund::EntryReceipt),
    #[response(
        status = 200,
        description = "The same idempotency key and request again: the earlier entry (replayed: true)"
    )]
    Replayed(domain::fund::EntryReceipt),
    #[response(
        status = 409,
        description = "The idempotency key was used for a different request, or the movement is blocked now (the message says why)"
    )]
    Blocked(ErrorBody),
}

/// The image or PDF of an evidence file or a licence, typed as its content
/// was recognised on upload (`services::blobs`).
pub struct Download;

impl IntoResponses for Download {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::response::Response>> {
        let types = [
            "image/jpeg",
            "image/png",
            "image/webp",
            "image/gif",
            "application/pdf",
            "application/octet-stream",
        ];
        let file = types
            .into_iter()
            .fold(ResponseBuilder::new().description("The file"), |r, t| {
                r.content(t, ContentBuilder::new().build())
            });
        BTreeMap::from([("200".to_string(), file.build().into())])
    }
}

/// A file upload: multipart trouble, and the browser form sent back.
#[derive(IntoResponses)]
pub enum Uploaded {
    #[response(
        status = 303,
        description = "A browser's HTML form (Accept: text/html) is sent back to its page, with the outcome in the query"
    )]
    BackToForm,
    #[response(
        status = 400,
        description = "Not a multipart/form-data request (plain text)",
        content_type = "text/plain"
    )]
    NotMultipart(String),
}

/// Sets that are the union of others.
macro_rules! response_sets {
    ($($(#[$m:meta])* $name:ident = $($part:ty),+;)*) => {$(
        $(#[$m])*
        pub struct $name;

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::response::Response>> {
                let mut all = BTreeMap::new();
                $(all.extend(<$part>::responses());)+
                all
            }
        }
    )*};
}

response_sets! {
    /// Signed-in routes.
    SignedIn = Unauthorized;
    /// Writes by a signed-in caller with a JSON body.
    SignedInWrite = Unauthorized, Forbidden, TooLarge, InvalidBody;
    /// Routes with an `{id}`: not a whole number, or nothing by that id the caller may see.
    ById = BadId, NotFound;
    /// Query parameters checked by the handler.
    BadQuery = Unreadable, InvalidParam;
    /// Uploads of a file to a record by its id.
    Upload = Uploaded, SignedInWrite, ById;
    /// The fund administrators' movements.
    FundMovement = Posted, SignedInWrite;
}

/// The `{id}` of a path: ids start at 1.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct Id {
    #[param(minimum = 1)]
    pub id: i32,
}

/// `{"items": [...]}`: the lists the API returns.
#[derive(Serialize, ToSchema)]
pub struct Items<T> {
    pub items: Vec<T>,
}

/// `POST /users`, `POST /admin/users`: what registration answers.
#[derive(Serialize, ToSchema)]
pub struct CreatedUser {
    pub id: i32,
    pub email: String,
    pub role: domain::Role,
}

impl From<domain::UserView> for CreatedUser {
    fn from(u: domain::UserView) -> Self {
        CreatedUser {
            id: u.id,
            email: u.email,
            role: u.role,
        }
    }
}

/// `POST /session`: the bearer token and the account.
#[derive(Serialize, ToSchema)]
pub struct SignedInUser {
    pub token: String,
    pub user: domain::UserView,
}

/// `GET /notifications`.
#[derive(Serialize, ToSchema)]
pub struct Inbox {
    pub unread: u64,
    pub items: Vec<domain::inbox::NotificationView>,
}

/// `POST /notifications/read`: how many entries were marked.
#[derive(Serialize, ToSchema)]
pub struct Marked {
    pub marked: u64,
}

/// `GET /cases/{id}/trail`.
#[derive(Serialize, ToSchema)]
pub struct Trail {
    pub entries: Vec<domain::cases::TrailEntryView>,
}

/// `POST /cases/{id}/publication`: the consumer's choice as stored.
#[derive(Serialize, ToSchema)]
pub struct Publication {
    pub publish: bool,
}

/// `GET /lists/red`, `GET /lists/black`.
#[derive(Serialize, ToSchema)]
pub struct PublicList {
    pub list: domain::credit::ListKind,
    pub items: Vec<domain::credit::PublicListEntry>,
}

/// The filing page's form (`multipart/form-data`): the complaint's text
/// fields, named as on the page, and up to 5 files in `evidence` (images or
/// PDFs, each at most 10 MB, 25 MB together).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FilingUpload {
    /// The merchant's number or USCC.
    #[schema(min_length = 1, max_length = 18, pattern = r"^[0-9A-Za-z]+$")]
    pub merchant: String,
    pub category: domain::cases::Category,
    #[schema(min_length = 4, max_length = 100, pattern = r"\S")]
    pub title: String,
    #[schema(min_length = 10, max_length = 5000, pattern = r"\S")]
    pub narrative: String,
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub order_ref: String,
    /// 2026-12-01, 2026/12/1, 2026.12.1 or 2026年12月1日.
    #[schema(min_length = 8, max_length = 16)]
    pub order_date: String,
    /// Yuan, as typed (`12.50`).
    #[schema(pattern = r"^[0-9]{1,9}(\.[0-9]{1,2})?$")]
    pub amount_paid: String,
    #[schema(pattern = r"^[0-9]{1,9}(\.[0-9]{1,2})?$")]
    pub amount_claimed: String,
    pub remedy: domain::cases::Remedy,
    /// Blank: as the remedy; or a punitive demand.
    pub demand: Option<String>,
    /// `on` to publish the narrative.
    pub publish_narrative: Option<String>,
    pub waybill: Option<String>,
    pub logistics_merchant: Option<String>,
    pub logistics_amount_claimed: Option<String>,
    pub logistics_narrative: Option<String>,
    #[schema(value_type = Vec<String>, format = Binary, max_items = 5)]
    pub evidence: Vec<Vec<u8>>,
    /// Absent: file at once. `save` keeps the form as the caller's draft,
    /// `review` keeps and checks it, `confirm` files the draft (the other
    /// fields are then not read), `remove` drops the draft's file `file`,
    /// `discard` drops the draft.
    pub step: Option<domain::cases::FilingStep>,
    /// step=remove: the draft's file (`files[].id` of the draft).
    #[schema(minimum = 1)]
    pub file: Option<i32>,
    /// step=confirm: the draft's version that was reviewed; a draft changed
    /// since is refused (409).
    #[schema(minimum = 0)]
    pub version: Option<i32>,
}

/// A file upload (`multipart/form-data`, field `file`).
#[derive(ToSchema)]
pub struct FileUpload {
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// The generated document, built once from the router's handlers.
static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    let built = serde_json::to_value(super::documented().into_openapi()).map(|mut doc| {
        one_variant_per_action(&mut doc);
        empty_is_absent(&mut doc);
        per_operation_rules(&mut doc);
        trimmed_lengths(&mut doc);
        reasons_to_refuse(&mut doc);
        shop_names_as_lines(&mut doc);
        for problem in links(&mut doc) {
            tracing::error!("openapi document, links: {problem}");
        }
        doc.to_string()
    });
    built.unwrap_or_else(|e| {
        tracing::error!("openapi document: {e}");
        "{}".into()
    })
});

/// A field that is read for its type only: text loses its lengths, a
/// number its range down to what its type holds: a 32-bit number with a
/// floor is unsigned (`u32`) here, one without is `i32`, and a 64-bit one
/// (`Fen`) is any `i64`.
fn ignored(p: &mut serde_json::Value) {
    use serde_json::json;
    let Some(o) = p.as_object_mut() else {
        return;
    };
    for k in ["minLength", "maxLength", "pattern"] {
        o.remove(k);
    }
    let (min, max) = match (o.get("format").and_then(|f| f.as_str()), o.get("minimum")) {
        (Some("int32"), Some(_)) => (json!(0), json!(u32::MAX)),
        (Some("int32"), None) => (json!(i32::MIN), json!(i32::MAX)),
        (Some("int64"), _) => (json!(i64::MIN), json!(i64::MAX)),
        _ => return,
    };
    o.insert("minimum".into(), min);
    o.insert("maximum".into(), max);
}

/// Bodies shared by several operations whose rules differ in one field:
/// the operation gets its own copy of the schema with that field's rule.
/// Each rule is the services' (named beside it).
fn per_operation_rules(doc: &mut serde_json::Value) {
    use serde_json::json;
    let not_blank = json!({"type": "string", "minLength": 1, "maxLength": 2000, "pattern": r"\S"});
    let yes = json!({"type": "boolean", "enum": [true]});
    let rules = [
        // `fund::books` (`Reason::Required`): a write-off gives its reason.
        ("/cases/{id}/write-off", "reason", not_blank),
        // `credit::due_process`: repair renews the credit commitment.
        ("/records/{id}/repair", "renew_commitment", yes.clone()),
        // `credit::commitments`: signing means accepting.
        ("/merchants/{id}/commitment", "accept", yes),
    ];
    for (path, field, rule) in rules {
        let pointer = format!(
            "/paths/{}/post/requestBody/content/application~1json/schema",
            path.replace('~', "~0").replace('/', "~1")
        );
        let Some(schema) = doc.pointer(&pointer).cloned() else {
            tracing::error!("openapi document: no JSON body at POST {path}");
            continue;
        };
        let mut own = match schema["$ref"].as_str() {
            Some(r) => doc
                .pointer(r.trim_start_matches('#'))
                .cloned()
                .unwrap_or(schema),
            None => schema,
        };
        own["properties"][field] = rule;
        let required = own["required"].as_array().cloned().unwrap_or_default();
        if !required.iter().any(|r| r == field) {
            let mut all = required;
            all.push(json!(field));
            own["required"] = json!(all);
        }
        if let Some(slot) = doc.pointer_mut(&pointer) {
            *slot = own;
        }
    }
}

/// Text fields are trimmed before their length is checked
/// (`domain::input::text`): a minimum length counts from the first to the
/// last character that is not white space, and the document says so with
/// a pattern. Passwords are taken as typed, and a USCC may be written with
/// spaces; they keep their plain lengths.
fn trimmed_lengths(doc: &mut serde_json::Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(|s| s.as_object_mut())
    else {
        return;
    };
    for schema in schemas.values_mut() {
        let Some(props) = schema.get_mut("properties").and_then(|p| p.as_object_mut()) else {
            continue;
        };
        for (name, p) in props.iter_mut() {
            if matches!(
                name.as_str(),
                "password" | "current_password" | "new_password" | "uscc"
            ) || p.get("pattern").is_some()
                || p.get("format").is_some()
            {
                continue;
            }
            let Some(min) = p.get("minLength").and_then(|m| m.as_u64()) else {
                continue;
            };
            let pattern = match min {
                0 => continue,
                1 => r"\S".to_string(),
                n => format!(r"\S[\s\S]{{{},}}\S", n - 2),
            };
            p["pattern"] = serde_json::json!(pattern);
        }
    }
}

/// A registration's shop names come as a list or as one text with one
/// name per line (as the form sends them), at most 20 either way.
fn shop_names_as_lines(doc: &mut serde_json::Value) {
    use domain::merchant::registration::{SHOP_NAME_MAX, SHOP_NAMES_MAX};
    let Some(p) = doc.pointer_mut("/components/schemas/RegistrationInput/properties/shop_names")
    else {
        tracing::error!("openapi document: no RegistrationInput.shop_names");
        return;
    };
    let lines = format!(r"^[^\n]*(\n[^\n]*){{0,{}}}$", SHOP_NAMES_MAX - 1);
    *p = serde_json::json!({
        "description": p.get("description").cloned().unwrap_or_else(|| "Shop names or URLs".into()),
        "anyOf": [
            p.take(),
            {"type": "string", "maxLength": SHOP_NAME_MAX, "pattern": lines},
            {"type": "null"},
        ]
    });
}

/// A decision that refuses gives its reason (`merchants::verification`):
/// approving and rejecting are two shapes of one body.
fn reasons_to_refuse(doc: &mut serde_json::Value) {
    use serde_json::json;
    let Some(slot) = doc.pointer_mut("/components/schemas/VerificationDecision") else {
        tracing::error!("openapi document: no VerificationDecision schema");
        return;
    };
    let reason = slot["properties"]["reason"].clone();
    let mut given = json!({"type": "string", "minLength": 1, "pattern": r"\S"});
    if let Some(max) = reason.get("maxLength") {
        given["maxLength"] = max.clone();
    }
    *slot = json!({
        "oneOf": [
            {
                "title": "approve",
                "type": "object",
                "required": ["approve"],
                "properties": {"approve": {"type": "boolean", "enum": [true]}, "reason": reason},
            },
            {
                "title": "reject",
                "type": "object",
                "required": ["approve", "reason"],
                "properties": {"approve": {"type": "boolean", "enum": [false]}, "reason": given},
            },
        ]
    });
}

/// An optional query parameter given empty or blank (`?to=`, as an HTML
/// form sends a field left blank) is read as absent: the document says so.
fn empty_is_absent(doc: &mut serde_json::Value) {
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    for item in paths.values_mut() {
        let Some(ops) = item.as_object_mut() else {
            continue;
        };
        for op in ops.values_mut() {
            let Some(params) = op.get_mut("parameters").and_then(|p| p.as_array_mut()) else {
                continue;
            };
            for p in params {
                let optional_query =
                    p["in"] == "query" && !p["required"].as_bool().unwrap_or(false);
                if optional_query && let Some(schema) = p.get_mut("schema") {
                    *schema = serde_json::json!({
                        "anyOf": [schema.take(), {"type": "string", "pattern": r"^[\t\n\x0b\x0c\r ]*$"}]
                    });
                }
            }
        }
    }
}

/// `POST /cases/{id}/actions` reads different fields for each action
/// (`domain::cases::action_fields`): the body's schema becomes one variant
/// per action, each with `action` fixed, every field typed as the server
/// reads it, and the fields that action needs required — required text
/// not blank and as long as that action allows. A client (or schemathesis)
/// that follows the document then never sends a body refused for a missing
/// field.
fn one_variant_per_action(doc: &mut serde_json::Value) {
    use domain::cases::{ActionKind, action_fields, amount_min, text_max};
    use serde_json::{Value, json};
    let Some(base) = doc.pointer("/components/schemas/ActionInput").cloned() else {
        tracing::error!("openapi document: no ActionInput schema");
        return;
    };
    let properties = base["properties"].as_object().cloned().unwrap_or_default();
    let variants: Vec<Value> = ActionKind::ALL
        .iter()
        .map(|&kind| {
            let mut props = properties.clone();
            props.insert(
                "action".into(),
                json!({"type": "string", "enum": [kind.as_str()]}),
            );
            // The fields this action does not read are ignored whatever
            // they hold, as long as they have their type.
            for (name, p) in props.iter_mut() {
                if name != "action" && !action_fields(kind).iter().any(|(f, _)| f == name) {
                    ignored(p);
                }
            }
            let mut required = vec![json!("action")];
            for &(field, needed) in action_fields(kind) {
                let Some(p) = props.get_mut(field) else {
                    continue;
                };
                let text = field == "message" || field == "reason";
                if text {
                    p["maxLength"] = json!(text_max(kind, field));
                }
                if field == "amount_fen" {
                    p["minimum"] = json!(amount_min(kind));
                }
                if !needed {
                    continue;
                }
                required.push(json!(field));
                // Required: not null (`["string", "null"]` → `"string"`).
                if let Some(types) = p.get("type").and_then(Value::as_array) {
                    let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
                    p["type"] = match kept.as_slice() {
                        [one] => one.clone(),
                        _ => Value::Array(kept),
                    };
                }
                if let Some(any) = p.get("oneOf").and_then(Value::as_array).cloned() {
                    let kept: Vec<Value> = any
                        .into_iter()
                        .filter(|s| s.get("type").is_none_or(|t| t != "null"))
                        .collect();
                    if let [one] = kept.as_slice() {
                        *p = one.clone();
                    }
                }
                if text {
                    p["minLength"] = json!(1);
                    p["pattern"] = json!(r"\S");
                }
            }
            json!({
                "title": kind.as_str(),
                "type": "object",
                "required": required,
                "properties": props,
            })
        })
        .collect();
    if let Some(slot) = doc.pointer_mut("/components/schemas/ActionInput") {
        let mut schema = json!({ "oneOf": variants });
        if let Some(d) = base.get("description") {
            schema["description"] = d.clone();
        }
        *slot = schema;
    }
}

/// Which answers name what later operations act on, as OpenAPI links: the
/// producer's method and path, where the id stands in its answer (a JSON
/// pointer), and the path prefixes of the operations that take that id as
/// `{id}`. A client reads from them how the API's resources connect;
/// schemathesis's stateful phase follows them, so that it acts on cases,
/// requests and files that exist instead of guessing ids.
pub const LINKS: &[(&str, &str, &str, &[&str])] = &[
    ("post", "/cases", "/id", &["/cases/{id}"]),
    ("get", "/cases", "/items/0/id", &["/cases/{id}"]),
    ("post", "/cases/{id}/evidence", "/id", &["/evidence/{id}"]),
    (
        "get",
        "/cases/{id}/evidence",
        "/items/0/id",
        &["/evidence/{id}"],
    ),
    (
        "post",
        "/cases/{id}/ratings",
        "/id",
        &["/regulator/ratings/{id}"],
    ),
    (
        "get",
        "/cases/{id}/ratings",
        "/items/0/id",
        &["/regulator/ratings/{id}"],
    ),
    (
        "get",
        "/merchants/{id}/ratings",
        "/items/0/id",
        &["/regulator/ratings/{id}"],
    ),
    ("get", "/complaints", "/items/0/id", &["/complaints/{id}"]),
    (
        "get",
        "/merchants",
        "/items/0/id",
        &["/merchants/{id}", "/regulator/merchants/{id}"],
    ),
    (
        "get",
        "/merchants/suggest",
        "/items/0/id",
        &["/merchants/{id}", "/regulator/merchants/{id}"],
    ),
    (
        "post",
        "/merchants",
        "/id",
        &[
            "/merchants/verifications/{id}",
            "/regulator/verifications/{id}",
        ],
    ),
    (
        "get",
        "/merchants/verifications",
        "/items/0/id",
        &[
            "/merchants/verifications/{id}",
            "/regulator/verifications/{id}",
        ],
    ),
    (
        "post",
        "/regulator/merchants/{id}/records",
        "/id",
        &["/records/{id}"],
    ),
    (
        "get",
        "/merchants/{id}/records",
        "/items/0/id",
        &["/records/{id}"],
    ),
    (
        "post",
        "/records/{id}/objection",
        "/id",
        &["/regulator/requests/{id}"],
    ),
    (
        "post",
        "/records/{id}/repair",
        "/id",
        &["/regulator/requests/{id}"],
    ),
    (
        "get",
        "/records/requests",
        "/items/0/id",
        &["/regulator/requests/{id}"],
    ),
    (
        "get",
        "/regulator/lists/proposals",
        "/items/0/id",
        &["/regulator/lists/{id}", "/lists/{id}"],
    ),
    (
        "get",
        "/regulator/risk-warnings",
        "/items/0/id",
        &["/regulator/risk-warnings/{id}"],
    ),
    (
        "get",
        "/cases/filing/draft",
        "/files/0/id",
        &["/cases/filing/draft/files/{id}"],
    ),
];

/// Adds `LINKS` to the producers' success answers (one link per operation
/// taking the id, named by its operation id). Returns what does not fit
/// the document: a producer or answer it lacks, a pointer its answer's
/// schema does not have, a prefix no operation has.
pub fn links(doc: &mut serde_json::Value) -> Vec<String> {
    use serde_json::json;
    let mut problems = vec![];
    let mut operations: Vec<(String, String)> = vec![];
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for (_, op) in item.as_object().into_iter().flatten() {
                if let Some(id) = op["operationId"].as_str() {
                    operations.push((path.clone(), id.to_string()));
                }
            }
        }
    }
    for &(method, path, pointer, prefixes) in LINKS {
        let targets: Vec<&str> = operations
            .iter()
            .filter(|(p, _)| prefixes.iter().any(|pre| p.starts_with(pre)))
            .map(|(_, id)| id.as_str())
            .collect();
        for pre in prefixes {
            if !operations.iter().any(|(p, _)| p.starts_with(pre)) {
                problems.push(format!("{method} {path}: no operation under {pre}"));
            }
        }
        let key = path.replace('~', "~0").replace('/', "~1");
        let Some(responses) = doc.pointer(&format!("/paths/{key}/{method}/responses")) else {
            problems.push(format!("{method} {path}: not in the document"));
            continue;
        };
        let Some(status) = ["201", "200"]
            .into_iter()
            .find(|s| responses.get(s).is_some())
        else {
            problems.push(format!("{method} {path}: no 200 or 201 answer"));
            continue;
        };
        let schema = &responses[status]["content"]["application/json"]["schema"];
        if !schema_has(doc, schema, pointer) {
            problems.push(format!("{method} {path}: its answer has no {pointer}"));
            continue;
        }
        let links: serde_json::Map<String, serde_json::Value> = targets
            .iter()
            .map(|id| {
                (
                    id.to_string(),
                    json!({
                        "operationId": id,
                        "parameters": {"id": format!("$response.body#{pointer}")},
                    }),
                )
            })
            .collect();
        let at = format!("/paths/{key}/{method}/responses/{status}");
        if let Some(answer) = doc.pointer_mut(&at) {
            answer["links"] = serde_json::Value::Object(links);
        }
    }
    problems
}

/// Whether a value following `schema` has something at `pointer` (through
/// `$ref`s, object properties and array items).
fn schema_has(doc: &serde_json::Value, schema: &serde_json::Value, pointer: &str) -> bool {
    let mut at = schema;
    for step in pointer.split('/').skip(1) {
        while let Some(r) = at["$ref"].as_str() {
            match doc.pointer(r.trim_start_matches('#')) {
                Some(s) => at = s,
                None => return false,
            }
        }
        at = if step.parse::<usize>().is_ok() {
            &at["items"]
        } else {
            &at["properties"][step]
        };
        if at.is_null() {
            return false;
        }
    }
    true
}

#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    responses((status = 200, description = "This document (OpenAPI 3.1)", content_type = "application/json", body = Object))
)]
pub async fn document() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.as_str(),
    )
        .into_response()
}
