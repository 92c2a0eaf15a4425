//! One call an API key made: method, path, the status answered, when.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_key_calls")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub key_id: i32,
    pub organisation_id: i32,
    pub method: String,
    pub path: String,
    pub status: i32,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
