//! One journal entry of the fund's books; its lines sum to zero.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `domain::fund::EntryKind`.
    pub kind: String,
    /// The same key twice makes one entry.
    #[sea_orm(unique)]
    pub idempotency_key: String,
    /// The request behind the key (kind, accounts, amount).
    pub fingerprint: String,
    pub case_id: Option<i32>,
    pub merchant_id: Option<i32>,
    pub amount_fen: i64,
    #[sea_orm(column_type = "Text", nullable)]
    pub memo: Option<String>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
