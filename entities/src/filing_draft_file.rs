//! A file added to a filing draft; the bytes live in the content-addressed
//! store, named by their SHA-256 (as evidence).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "filing_draft_files")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub draft_id: i32,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
