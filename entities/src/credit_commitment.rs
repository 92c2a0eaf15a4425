//! A signed credit commitment (信用承诺) in the standard text of `version`.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_commitments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub merchant_id: i32,
    pub version: String,
    /// SHA-256 of the exact text signed.
    pub text_sha256: String,
    pub signed_by: i32,
    pub signed_at: DateTimeUtc,
    pub broken_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub broken_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
