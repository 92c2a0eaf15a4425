//! Platforms as participants (12315 ODR programme): organisations — an
//! e-commerce platform (电商平台) that sends its complaints in bulk, or a
//! public credit platform (公共信用平台) that reads merchant credit — their API
//! keys and scopes, and the line format of the bulk intake. Pure rules; the
//! services store and look up.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::cases::{
    Category, Complaint, ComplaintInput, DeadlineView, Decision, Demand, Remedy, Settlement, Status,
};
use crate::{AppError, Email, Fen, Lang, Uscc, input};

named_enum! {
    /// What kind of organisation takes part.
    OrgKind {
        EcommercePlatform = "ecommerce_platform",
        CreditPlatform = "credit_platform",
    }
}

impl OrgKind {
    pub fn label_key(self) -> &'static str {
        match self {
            OrgKind::EcommercePlatform => "platform.kind.ecommerce_platform",
            OrgKind::CreditPlatform => "platform.kind.credit_platform",
        }
    }
}

/// What a key may do. Written `cases:write`, `cases:read:own`, `credit:read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Send complaints (`POST /platform/complaints`).
    CasesWrite,
    /// Read the cases the organisation sent (`GET /platform/cases`).
    CasesReadOwn,
    /// Read merchant credit in bulk (`GET /platform/credit`).
    CreditRead,
    /// Register, list, delete webhook endpoints for the organisation's case
    /// events, read their delivery log and replay (`/platform/webhooks`).
    WebhooksManage,
}

impl Scope {
    pub const ALL: [Scope; 4] = [
        Scope::CasesWrite,
        Scope::CasesReadOwn,
        Scope::CreditRead,
        Scope::WebhooksManage,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::CasesWrite => "cases:write",
            Scope::CasesReadOwn => "cases:read:own",
            Scope::CreditRead => "credit:read",
            Scope::WebhooksManage => "webhooks:manage",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    /// An e-commerce platform may hold the case scopes, a credit platform
    /// `credit:read`.
    pub fn allowed_for(self, kind: OrgKind) -> bool {
        match self {
            Scope::CasesWrite | Scope::CasesReadOwn | Scope::WebhooksManage => {
                kind == OrgKind::EcommercePlatform
            }
            Scope::CreditRead => kind == OrgKind::CreditPlatform,
        }
    }

    /// Space-separated, as stored.
    pub fn join(scopes: &[Scope]) -> String {
        scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The stored list; unknown words are dropped (never granted).
    pub fn split(stored: &str) -> Vec<Scope> {
        stored.split_whitespace().filter_map(Scope::parse).collect()
    }
}

/// Every key starts with this; a bearer credential that does not is never a key
/// (and a key is never taken for a session token: those have no such prefix).
pub const KEY_PREFIX: &str = "gd_live_";

/// The public part of a key (`gd_live_<12 hex>`), by which it is found, or
/// `None` when `token` is not shaped like a key.
pub fn key_lookup_prefix(token: &str) -> Option<&str> {
    let rest = token.strip_prefix(KEY_PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    let ok = id.len() == 12
        && id.bytes().all(|b| b.is_ascii_hexdigit())
        && secret.len() == 64
        && secret.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| &token[..KEY_PREFIX.len() + 12])
}

/// `POST /admin/organisations`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationInput {
    /// `ecommerce_platform` or `credit_platform`.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(ecommerce_platform|credit_platform)$")
    )]
    pub kind: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 100))]
    pub name: String,
    /// The organisation's unified social credit code (统一社会信用代码).
    #[cfg_attr(feature = "openapi", schema(min_length = 18, max_length = 18))]
    pub uscc: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 254))]
    pub contact_email: String,
}

/// An organisation that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganisation {
    pub kind: OrgKind,
    pub name: String,
    pub uscc: Uscc,
    pub contact_email: Email,
}

impl OrganisationInput {
    pub fn check(&self) -> Result<NewOrganisation, AppError> {
        let kind = OrgKind::parse(&self.kind)
            .ok_or_else(|| AppError::invalid("kind", "err.platform.kind_unknown"))?;
        let name = input::bounded_text(&self.name, "name", 2, 100)?;
        let uscc = Uscc::parse(self.uscc.trim()).map_err(|e| AppError::invalid("uscc", e.key()))?;
        let contact_email = Email::parse(&self.contact_email)
            .ok_or_else(|| AppError::invalid("contact_email", "err.email_invalid"))?;
        Ok(NewOrganisation {
            kind,
            name,
            uscc,
            contact_email,
        })
    }
}

/// `POST /admin/organisations/{id}/status`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgStatusInput {
    /// False deactivates (every key refused at once), true reactivates.
    pub active: bool,
}

/// `POST /admin/organisations/{id}/keys`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyInput {
    /// What the key is for, e.g. `订单系统`.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub label: String,
    /// `cases:write`, `cases:read:own`, `webhooks:manage` (e-commerce
    /// platforms), `credit:read` (credit platforms); at least one.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 4))]
    pub scopes: Vec<String>,
}

impl KeyInput {
    /// The label and the scopes, each allowed for `kind`, without repeats.
    pub fn check(&self, kind: OrgKind) -> Result<(String, Vec<Scope>), AppError> {
        let label = input::bounded_text(&self.label, "label", 1, 100)?;
        let mut scopes = Vec::new();
        for s in &self.scopes {
            let scope = Scope::parse(s)
                .ok_or_else(|| AppError::invalid("scopes", "err.platform.scope_unknown"))?;
            if !scope.allowed_for(kind) {
                return Err(AppError::invalid(
                    "scopes",
                    "err.platform.scope_not_for_kind",
                ));
            }
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        if scopes.is_empty() {
            return Err(AppError::invalid("scopes", "err.required"));
        }
        scopes.sort();
        Ok((label, scopes))
    }
}

/// An organisation as the admin sees it, with its keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationView {
    pub id: i32,
    pub kind: OrgKind,
    pub name: String,
    pub uscc: String,
    pub contact_email: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub keys: Vec<ApiKeyView>,
}

/// A key as listed: never the key itself, only its public prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyView {
    pub id: i32,
    pub organisation_id: i32,
    /// `gd_live_<12 hex>`: the start of the key, to tell keys apart.
    pub prefix: String,
    pub label: String,
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A key just made: the whole key, shown this once (only its hash is kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedKey {
    /// `gd_live_<12 hex>_<64 hex>`: send it as `Authorization: Bearer <key>`.
    pub key: String,
    pub api_key: ApiKeyView,
}

/// One call a key made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallView {
    pub id: i32,
    pub key_id: i32,
    pub key_prefix: String,
    pub method: String,
    pub path: String,
    pub status: i32,
    pub at: DateTime<Utc>,
}

/// The most lines one intake takes.
pub const MAX_LINES: usize = 1000;
/// The largest intake body, in bytes (5 MB).
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;
/// The longest `external_id`.
pub const EXTERNAL_ID_MAX: usize = 100;

/// The consumer who complained to the platform.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsumerContact {
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 254))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub name: String,
}

/// One line of `POST /platform/complaints` (NDJSON): a complaint the
/// platform received. The fields are those of `POST /cases`, the merchant by
/// USCC only, plus the platform's own id and the consumer's contact.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntakeLine {
    /// The platform's own id for the complaint: a second line with the same
    /// id is a duplicate, whenever it comes.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub external_id: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 18, max_length = 18))]
    pub merchant_uscc: String,
    pub category: Category,
    #[cfg_attr(feature = "openapi", schema(min_length = 4, max_length = 100))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 5000))]
    pub narrative: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub order_ref: String,
    #[cfg_attr(feature = "openapi", schema(value_type = chrono::NaiveDate))]
    pub order_date: String,
    #[cfg_attr(feature = "openapi", schema(value_type = i64, minimum = 0, maximum = 10_000_000_000_i64))]
    pub amount_paid_fen: Fen,
    #[cfg_attr(feature = "openapi", schema(value_type = i64, minimum = 0, maximum = 10_000_000_000_i64))]
    pub amount_claimed_fen: Fen,
    pub remedy: Remedy,
    #[serde(default)]
    pub demand: Option<Demand>,
    #[serde(default)]
    pub waybill: Option<String>,
    pub consumer: ConsumerContact,
}

/// A line that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeComplaint {
    pub external_id: String,
    pub complaint: Complaint,
    pub consumer_email: Email,
    pub consumer_name: String,
}

/// The external id: trimmed, 1–100 characters, no control characters.
pub fn external_id(v: &str) -> Result<String, AppError> {
    let t = input::bounded_text(v, "external_id", 1, EXTERNAL_ID_MAX)?;
    if t.chars().any(char::is_control) {
        return Err(AppError::invalid("external_id", "err.platform.external_id"));
    }
    Ok(t)
}

impl IntakeLine {
    /// One line of the body: read as JSON (a missing or mistyped field is
    /// named) and checked by the rules of filing (`ComplaintInput::check`).
    pub fn parse(line: &[u8]) -> Result<IntakeLine, AppError> {
        input::from_json(line)
    }

    /// The same checks as a consumer's own complaint; the merchant is named
    /// by its USCC (`merchant_uscc`), the consumer by `consumer.email` and
    /// `consumer.name`.
    pub fn check(&self, now: DateTime<Utc>) -> Result<IntakeComplaint, AppError> {
        let external_id = external_id(&self.external_id)?;
        // A USCC only: a bare number would read as a merchant's id.
        Uscc::parse(self.merchant_uscc.trim())
            .map_err(|e| AppError::invalid("merchant_uscc", e.key()))?;
        let complaint = ComplaintInput {
            merchant_id: None,
            merchant_uscc: Some(self.merchant_uscc.clone()),
            category: self.category,
            title: self.title.clone(),
            narrative: self.narrative.clone(),
            order_ref: self.order_ref.clone(),
            order_date: self.order_date.clone(),
            amount_paid_fen: self.amount_paid_fen,
            amount_claimed_fen: self.amount_claimed_fen,
            remedy: self.remedy,
            demand: self.demand,
            publish_narrative: false,
            waybill: self.waybill.clone(),
            logistics: None,
        }
        .check(now, "merchant_uscc")?;
        let consumer_email = Email::parse(&self.consumer.email)
            .ok_or_else(|| AppError::invalid("consumer.email", "err.email_invalid"))?;
        if !crate::user::display_name_is_acceptable(&self.consumer.name) {
            return Err(AppError::invalid("consumer.name", "err.name_invalid"));
        }
        Ok(IntakeComplaint {
            external_id,
            complaint,
            consumer_email,
            consumer_name: self.consumer.name.trim().to_string(),
        })
    }
}

/// What became of one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LineOutcome {
    /// Filed now (reported only after its transaction committed).
    Created,
    /// The organisation sent this `external_id` before: the case filed then.
    Duplicate,
    /// Not filed: `errors` says why.
    Rejected,
}

/// Why a line was rejected: the field and the reason, in the caller's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineError {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub code: String,
    pub message: String,
}

impl LineError {
    pub fn of(e: &AppError, lang: Lang) -> LineError {
        LineError {
            field: e.field().map(str::to_string),
            code: e.code().to_string(),
            message: e.message(lang),
        }
    }
}

/// One line's result; the answer lists them in the order of the lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineResult {
    /// 1-based line number (blank lines count, and are skipped).
    pub line: u32,
    /// As sent, when the line could be read that far.
    pub external_id: Option<String>,
    pub result: LineOutcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_id: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_number: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<LineError>,
}

/// The best guess at a line's `external_id` when it could not be read as a
/// whole (to tell the caller which of its complaints failed).
pub fn external_id_of(line: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(line).ok()?;
    v.get("external_id")?.as_str().map(str::to_string)
}

/// A case the organisation sent, as it reads it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlatformCaseView {
    pub id: i32,
    pub number: String,
    pub external_id: Option<String>,
    pub status: Status,
    /// The stage deadlines now running.
    pub deadlines: Vec<DeadlineView>,
    /// The outcome so far: an accepted settlement, an arbitration decision.
    pub settlement: Option<Settlement>,
    pub decision: Option<Decision>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A page of [`PlatformCaseView`]s; `next_after` continues it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlatformCasePage {
    pub items: Vec<PlatformCaseView>,
    pub next_after: Option<i32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_fit_the_kind() {
        let k = |scopes: &[&str], kind| {
            KeyInput {
                label: "订单系统".into(),
                scopes: scopes.iter().map(|s| s.to_string()).collect(),
            }
            .check(kind)
        };
        assert_eq!(
            k(
                &["cases:read:own", "cases:write", "cases:write"],
                OrgKind::EcommercePlatform
            )
            .unwrap()
            .1,
            vec![Scope::CasesWrite, Scope::CasesReadOwn]
        );
        assert!(k(&["credit:read"], OrgKind::EcommercePlatform).is_err());
        assert!(k(&["cases:write"], OrgKind::CreditPlatform).is_err());
        assert!(k(&["admin"], OrgKind::CreditPlatform).is_err());
        assert!(k(&[], OrgKind::CreditPlatform).is_err());
        assert_eq!(Scope::split("cases:write bogus credit:read").len(), 2);
    }

    #[test]
    fn only_key_shaped_tokens_have_a_prefix() {
        let key = format!("gd_live_0123456789ab_{}", "f".repeat(64));
        assert_eq!(key_lookup_prefix(&key), Some("gd_live_0123456789ab"));
        assert_eq!(key_lookup_prefix("gd_live_0123456789ab_short"), None);
        assert_eq!(key_lookup_prefix(&"a".repeat(43)), None);
    }
}
