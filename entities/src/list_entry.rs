//! An entry of the red or black list (红黑名单): proposed by the system,
//! confirmed or refused by a regulator with reasons.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "list_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub merchant_id: i32,
    /// `red` or `black`.
    pub list: String,
    /// `proposed`, `confirmed`, `refused` or `ended`.
    pub status: String,
    /// A JSON array of `lists.reason.*` keys.
    #[sea_orm(column_type = "Text")]
    pub reasons: String,
    pub proposed_at: DateTimeUtc,
    pub decided_by: Option<i32>,
    pub decided_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub decision_reason: Option<String>,
    pub ends_at: Option<DateTimeUtc>,
    /// A black-list proposal waits this long for the merchant's objection (异议).
    pub objection_until: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub objection: Option<String>,
    pub objected_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
