//! Work that must happen after a change commits (mail now; search index and
//! credit recomputation later). Rows are written in the same transaction as
//! the change and removed only after the work succeeded.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// What kind of work: `mail`, …
    pub topic: String,
    /// JSON payload, shape owned by the topic's worker.
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
