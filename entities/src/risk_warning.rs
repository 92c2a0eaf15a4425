//! A stored risk warning (信用风险预警): one per merchant, signal and week
//! (unique), pushed to the regulators once, acknowledged with a note.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "risk_warnings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub merchant_id: i32,
    /// `complaint_spike`, `rating_burst`, `rating_same_ip`.
    pub signal: String,
    /// The ISO week it was raised in, Beijing time: `2026-W49`.
    pub period: String,
    #[sea_orm(column_type = "Text")]
    pub detail: String,
    /// JSON object of the figures that raised it.
    #[sea_orm(column_type = "Text")]
    pub figures: String,
    pub raised_at: DateTimeUtc,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub acknowledged_by: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
