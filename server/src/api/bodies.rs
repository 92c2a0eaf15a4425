//! The JSON bodies of the handlers that still read them by hand (`Bytes`,
//! then `serde_json`), described for the API document: each is named in its
//! handler's `#[utoipa::path(request_body = …)]`. They describe what the
//! handler accepts today (the handlers also take whole numbers and booleans
//! as strings); they give way to the typed `domain` inputs as handlers move
//! to them. Nothing here is deserialised.

#![allow(dead_code)]

use chrono::NaiveDate;
use domain::cases::{ActionKind, Category, Party, Remedy};
use domain::credit::Severity;
use domain::merchant::{LegalForm, MerchantKind};
use serde::Serialize;
use utoipa::ToSchema;

/// The roles that register themselves.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum PublicRole {
    Consumer,
    Merchant,
}

/// `POST /users` (`role`: consumer or merchant; a verification email is
/// sent) and `POST /admin/users` (any role, staff included).
#[derive(ToSchema)]
pub struct NewAccount<R> {
    #[schema(format = Email)]
    pub email: String,
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
    /// Trimmed, 1 to 50 characters, no control characters.
    #[schema(
        min_length = 1,
        max_length = 50,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub display_name: String,
    pub role: R,
}

/// `POST /session`.
#[derive(ToSchema)]
pub struct Login {
    #[schema(min_length = 1, pattern = r"\S")]
    pub email: String,
    #[schema(min_length = 1, pattern = r"\S")]
    pub password: String,
}

/// The consumer's order: of a complaint filed, and of one joining a
/// complaint (`POST /cases/{id}/join`, "me too").
#[derive(Serialize, ToSchema)]
pub struct Order {
    #[schema(min_length = 1, max_length = 100)]
    pub order_ref: String,
    /// Not in the future (Asia/Shanghai).
    pub order_date: NaiveDate,
    /// Money is whole fen (分), at most 10^10.
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    pub amount_paid_fen: i64,
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    pub amount_claimed_fen: i64,
}

/// `POST /cases`: a consumer files a complaint.
#[derive(Serialize, ToSchema)]
pub struct NewCase {
    /// The merchant's id, or its USCC as a string (also accepted as `merchant_uscc`).
    #[schema(value_type = i32, minimum = 1)]
    pub merchant_id: i32,
    pub category: Category,
    #[schema(min_length = 4, max_length = 100)]
    pub title: String,
    #[schema(min_length = 10, max_length = 5000)]
    pub narrative: String,
    #[serde(flatten)]
    pub order: Order,
    pub remedy: Remedy,
    #[schema(default = false)]
    pub publish_narrative: Option<bool>,
}

/// `POST /cases/{id}/actions`: which fields an action needs is said beside each.
#[derive(ToSchema)]
pub struct Action {
    pub action: ActionKind,
    /// respond, message, request_evidence (what is needed); optional for offer, propose, comply, provide_evidence. Empty is as absent.
    #[schema(min_length = 1)]
    pub message: Option<String>,
    /// escalate, withdraw, reopen, handover, refuse_first_compensation, contest_recovery; decide and decide_contest (the written reasons). Empty is as absent.
    #[schema(min_length = 1)]
    pub reason: Option<String>,
    /// offer, propose, decide, approve_first_compensation (at most the claim or award and the per-case cap).
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    pub amount_fen: Option<i64>,
    /// offer, propose, decide.
    pub remedy: Option<Remedy>,
    /// Working days; offer, propose, decide.
    #[schema(minimum = 1, maximum = 60)]
    pub fulfil_within_days: Option<i32>,
    /// handover: the user id of the mediator or arbitrator taking over.
    pub to: Option<i32>,
    /// request_evidence.
    pub party: Option<Party>,
    /// request_evidence.
    #[schema(minimum = 1, maximum = 60)]
    pub within_days: Option<i32>,
    /// decide_contest: true gives the merchant back what was recovered and writes the rest off.
    pub upheld: Option<bool>,
}

/// `POST /cases/{id}/publication`.
#[derive(ToSchema)]
pub struct Publish {
    pub publish: bool,
}

/// The fund's movements: top-up, deposit in and out, repayment, write-off.
#[derive(ToSchema)]
pub struct Movement {
    /// Whole fen; fractions, zero and negatives are refused.
    #[schema(minimum = 1)]
    pub amount_fen: i64,
    /// The same key and request twice make one entry.
    #[schema(min_length = 1, max_length = 100)]
    pub idempotency_key: String,
    /// Required for a write-off.
    pub reason: Option<String>,
}

/// `POST /merchants`: real-name registration (实名登记) of a business.
#[derive(ToSchema)]
pub struct Registration {
    /// 18 characters, GB 32100 checksum; lower case and spaces are normalised.
    #[schema(min_length = 18)]
    pub uscc: String,
    #[schema(min_length = 2, max_length = 200)]
    pub name: String,
    pub entity_type: LegalForm,
    /// Default `shop`.
    pub kind: Option<MerchantKind>,
    #[schema(min_length = 5, max_length = 500)]
    pub registered_address: String,
    #[schema(min_length = 2, max_length = 2000)]
    pub business_scope: String,
    /// Also one name a line in a string.
    #[schema(max_items = 20)]
    pub shop_names: Option<Vec<String>>,
    /// Omit for a licence without end date; not in the past.
    pub licence_valid_until: Option<NaiveDate>,
}

/// `POST /regulator/verifications/{id}/decision`.
#[derive(ToSchema)]
pub struct VerificationDecision {
    pub approve: bool,
    /// Required to reject.
    pub reason: Option<String>,
}

/// `POST /merchants/{id}/commitment`.
#[derive(ToSchema)]
pub struct Commitment {
    /// Must be `true`.
    pub accept: bool,
}

/// The kinds of record a regulator's finding may be (`domain::credit::RecordKind`'s misconduct kinds).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum FindingKind {
    Brushing,
    FalseAdvertising,
    Counterfeit,
    PriceFraud,
    NotAsPictured,
    MaliciousRating,
    DataLeak,
    MisconductOther,
}

/// `POST /regulator/merchants/{id}/records`: a finding of misconduct.
#[derive(ToSchema)]
pub struct Finding {
    #[schema(inline)]
    pub kind: FindingKind,
    /// Default: the kind's.
    pub severity: Option<Severity>,
    #[schema(min_length = 10, max_length = 5000)]
    pub summary: String,
    #[schema(max_length = 5000)]
    pub evidence: Option<String>,
    pub occurred_on: NaiveDate,
}

/// `POST /records/{id}/objection` and `/repair`.
#[derive(ToSchema)]
pub struct RecordRequest {
    #[schema(min_length = 10, max_length = 5000)]
    pub text: String,
    #[schema(max_length = 5000)]
    pub evidence: Option<String>,
    /// Repair: must be `true` (the commitment is renewed).
    pub renew_commitment: Option<bool>,
}

/// `POST /regulator/requests/{id}/decision`.
#[derive(ToSchema)]
pub struct RequestDecision {
    pub grant: bool,
    /// Not blank.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
}

/// `POST /regulator/lists/{id}/decision`.
#[derive(ToSchema)]
pub struct ListDecision {
    pub confirm: bool,
    /// Not blank.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
}

/// `POST /lists/{id}/objection`.
#[derive(ToSchema)]
pub struct ListObjection {
    #[schema(min_length = 10, max_length = 5000)]
    pub text: String,
}

/// `POST /regulator/ratings/{id}/hide`.
#[derive(ToSchema)]
pub struct HideRating {
    /// Not blank.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
}
