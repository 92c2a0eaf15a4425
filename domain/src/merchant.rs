//! What the public sees of merchants.

use serde::{Deserialize, Serialize};

pub mod registration;
pub mod team;
pub mod templates;

pub use registration::{Registration, RegistrationInput};

/// A merchant in a list of results.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MerchantSummary {
    pub id: i32,
    pub name: String,
    pub uscc: String,
    pub province: String,
    pub region: String,
}

named_enum! {
    /// The legal form a merchant declares when it registers.
    LegalForm {
        Enterprise = "enterprise",
        IndividualBusiness = "individual_business",
        FarmerCooperative = "farmer_cooperative",
        Other = "other",
    }
}

named_enum! {
    /// What kind of business: logistics companies get the same credit record.
    MerchantKind {
        Shop = "shop",
        Platform = "platform",
        Logistics = "logistics",
    }
}

named_enum! {
    VerificationStatus {
        Pending = "pending",
        Verified = "verified",
        Rejected = "rejected",
    }
}

/// A verification request (实名登记) as its applicant and the regulators see it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerificationView {
    pub id: i32,
    pub merchant_id: i32,
    pub uscc: String,
    pub account_id: i32,
    pub name: String,
    pub legal_form: LegalForm,
    pub kind: MerchantKind,
    pub registered_address: String,
    pub business_scope: String,
    pub shop_names: Vec<String>,
    pub licence_valid_until: Option<chrono::NaiveDate>,
    /// A licence image was uploaded (its SHA-256).
    pub licence_sha256: Option<String>,
    pub status: VerificationStatus,
    pub reason: Option<String>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The version of the standard credit commitment now in force.
pub const COMMITMENT_VERSION: &str = "2026-12";

/// The standard credit commitment (信用承诺), Chinese (the text that is
/// signed and hashed) and English (for reading).
pub const COMMITMENT_ZH: &str = "本经营者郑重承诺：\n\
一、守法经营：遵守《电子商务法》《消费者权益保护法》等法律法规，依法亮照经营。\n\
二、信息真实：公示的主体信息、商品和服务信息真实、准确、完整，不作虚假或引人误解的宣传，不刷单炒信。\n\
三、质量保证：不销售假冒伪劣商品，商品和服务符合保障人身、财产安全的要求。\n\
四、服务保障：依法履行七日无理由退货、三包等义务，在规定期限内答复和处理消费者投诉，履行和解、调解协议和裁决。\n\
五、接受惩戒：违反上述承诺的，自愿接受相应的信用惩戒，违诺情况记入信用档案并向社会公示。";

pub const COMMITMENT_EN: &str = "We solemnly commit:\n\
1. Legality: we obey the E-commerce Law, the Consumer Rights Protection Law and other laws, and display our licence.\n\
2. Truthful information: what we publish about ourselves, our goods and services is true, accurate and complete; no false or misleading advertising, no fake orders or review brushing.\n\
3. Product quality: no counterfeit or shoddy goods; goods and services meet the requirements for the safety of persons and property.\n\
4. Service guarantees: we honour seven-day no-reason returns and warranty duties, answer and handle consumer complaints within the deadlines, and fulfil settlements, mediation agreements and decisions.\n\
5. Accepting penalties: if we break these commitments we accept the corresponding credit penalties; the breach is entered in our credit record and published.";

/// A signed commitment as the public sees it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommitmentView {
    pub id: i32,
    pub version: String,
    pub text_sha256: String,
    pub signed_at: chrono::DateTime<chrono::Utc>,
    pub broken_at: Option<chrono::DateTime<chrono::Utc>>,
    pub broken_reason: Option<String>,
}

/// One entry of a merchant's credit file as its reader may see it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordView {
    pub id: i32,
    pub merchant_id: i32,
    /// `domain::credit::RecordKind` as text.
    pub kind: String,
    pub severity: String,
    /// `case`, `regulator` or `system`.
    pub source: String,
    pub case_number: Option<String>,
    pub summary: String,
    /// Shown to regulators and the merchant itself.
    pub evidence: Option<String>,
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    pub display_until: chrono::DateTime<chrono::Utc>,
    /// `pending`, `published`, `withdrawn`.
    pub status: String,
    pub objection_until: Option<chrono::DateTime<chrono::Utc>>,
    pub repaired_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Still in public view (published, within its display period, not repaired).
    pub public: bool,
}

/// A merchant's public profile: who it is (licence fields and the
/// verification mark, 亮照亮标), its credit with the factors behind it, its
/// commitments and first-compensation figures.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MerchantProfile {
    pub id: i32,
    pub name: String,
    pub uscc: String,
    pub kind: MerchantKind,
    pub legal_form: Option<LegalForm>,
    /// The registry's entity type as published (有限责任公司, …).
    pub entity_type: String,
    pub registered_on: Option<chrono::NaiveDate>,
    pub registered_capital: String,
    pub business_scope: String,
    pub province: String,
    pub region: String,
    pub address: String,
    pub shop_names: Vec<String>,
    pub licence_valid_until: Option<chrono::NaiveDate>,
    /// The verification mark: verified since.
    pub verified_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Where the licence image is served, once verified with one.
    pub licence_url: Option<String>,
    /// The published score, grade and factors (absent until first computed).
    pub credit: Option<crate::credit::CreditScore>,
    pub credit_computed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub commitments: Vec<CommitmentView>,
    pub fund: crate::fund::FundSummary,
    /// On the confirmed red list (红名单) since, and why.
    #[serde(default)]
    pub red_list: Option<crate::credit::ListBadge>,
    /// On the confirmed black list (黑名单) since, and why.
    #[serde(default)]
    pub black_list: Option<crate::credit::ListBadge>,
    pub stats: MerchantStats,
}

/// A merchant's objection to a record or its application for credit
/// repair, as the merchant and regulators see it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordRequestView {
    pub id: i32,
    pub record_id: i32,
    pub merchant_id: i32,
    pub merchant_name: String,
    /// `objection` or `repair`.
    pub kind: String,
    pub text: String,
    pub evidence: Option<String>,
    /// `pending`, `upheld`, `approved`, `refused`.
    pub status: String,
    pub decision_reason: Option<String>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The record concerned.
    pub record: RecordView,
}

/// 12315-style statistics of the last 12 months. Rates are basis points
/// (10000 = 100%), absent when there is nothing to divide.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MerchantStats {
    pub complaints_12m: u32,
    /// First responses within the deadline, of those due.
    pub response_rate_bp: Option<u32>,
    /// Ended cases resolved with the consumer.
    pub resolution_rate_bp: Option<u32>,
    /// Cases that went to mediation and were settled there.
    pub mediation_success_bp: Option<u32>,
    /// Average days from filing to close, for cases resolved with the consumer (tenths of a day).
    pub avg_days_to_resolve_x10: Option<u32>,
    /// Response and fulfilment deadlines met, of those due.
    pub deadlines_met_bp: Option<u32>,
}

impl MerchantStats {
    /// `87.5%` or `—`.
    pub fn percent(bp: Option<u32>) -> String {
        match bp {
            Some(bp) => format!("{}.{}%", bp / 100, (bp % 100) / 10),
            None => "—".into(),
        }
    }
}
