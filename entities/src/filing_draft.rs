//! A consumer's filing kept half done (投诉草稿): one per consumer, the
//! filing form's text fields as typed, as JSON.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "filing_drafts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub consumer_id: i32,
    /// `{"title": "…", "amount_paid": "89.00", …}`: the form's fields by name.
    #[sea_orm(column_type = "Text")]
    pub form_values: String,
    /// Moves on each save.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
