//! The append-only change log every server follows (search index, page
//! cache, cached settings). Written in the transaction of the change.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "change_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `merchant`, `case`, `lists`, `ledger`, `calendar`.
    pub kind: String,
    /// The merchant's or case's id; none for the kinds that name no row.
    pub key: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
