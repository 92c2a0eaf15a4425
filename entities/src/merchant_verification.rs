//! A merchant account's request to be verified as the business it names
//! (实名登记): licence fields, shop names, the licence image; a regulator or
//! admin verifies or rejects it with a reason.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "merchant_verifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub merchant_id: i32,
    pub account_id: i32,
    pub name: String,
    pub legal_form: String,
    pub kind: String,
    #[sea_orm(column_type = "Text")]
    pub registered_address: String,
    #[sea_orm(column_type = "Text")]
    pub business_scope: String,
    /// JSON array of strings.
    #[sea_orm(column_type = "Text")]
    pub shop_names: String,
    pub licence_valid_until: Option<Date>,
    pub licence_sha256: Option<String>,
    pub licence_content_type: Option<String>,
    /// `pending`, `verified` or `rejected`.
    pub status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    pub decided_by: Option<i32>,
    pub decided_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
