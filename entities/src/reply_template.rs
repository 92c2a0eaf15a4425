//! A merchant's reply template (回复模板), shared by its main account and staff.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reply_templates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub merchant_id: i32,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// The account that wrote it last.
    pub updated_by: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
