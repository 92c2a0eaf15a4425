//! A business consumers can complain about: shop, platform seller or
//! logistics company. The USCC is its natural key.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "merchants")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub uscc: String,
    pub name: String,
    /// `shop`, `platform` or `logistics`.
    pub kind: String,
    /// The registry's entity type as published (有限责任公司, …).
    pub entity_type: String,
    pub registered_on: Option<Date>,
    pub registered_capital: String,
    #[sea_orm(column_type = "Text")]
    pub business_scope: String,
    pub province: String,
    pub region: String,
    #[sea_orm(column_type = "Text")]
    pub address: String,
    /// The merchant account that answers complaints for this business
    /// (set when a regulator verifies its claim).
    pub account_id: Option<i32>,
    /// `enterprise`, `individual_business`, `farmer_cooperative` or `other` (from verification).
    pub legal_form: Option<String>,
    /// Shop names and URLs, a JSON array of strings.
    #[sea_orm(column_type = "Text", nullable)]
    pub shop_names: Option<String>,
    pub licence_valid_until: Option<Date>,
    /// SHA-256 of the licence image (stored like evidence).
    pub licence_sha256: Option<String>,
    /// Real-name verified (实名认证) since; the verification mark shows the date.
    pub verified_at: Option<DateTimeUtc>,
    /// The published score (0–1000) and grade, recomputed by the credit worker.
    pub credit_score: Option<i32>,
    pub credit_grade: Option<String>,
    /// The factor breakdown (JSON of `domain::credit::CreditScore`).
    #[sea_orm(column_type = "Text", nullable)]
    pub credit_factors: Option<String>,
    pub credit_computed_at: Option<DateTimeUtc>,
    /// The grade has been A+ without a break since (kept by the credit
    /// recomputation; the red list needs 12 months of it).
    pub a_plus_since: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
