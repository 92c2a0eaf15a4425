//! A case: the filed complaint's facts plus the rule state (`state`, the JSON
//! of `domain::cases::Case`). `status`, `owner_id` and `next_deadline_at`
//! repeat parts of it for queues and the sweeper; `version` guards updates.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Public case number, e.g. `GD20261123-000042`.
    #[sea_orm(unique)]
    pub number: String,
    pub consumer_id: i32,
    pub merchant_id: i32,
    pub category: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub narrative: String,
    pub order_ref: String,
    pub order_date: Date,
    pub amount_paid_fen: i64,
    pub amount_claimed_fen: i64,
    pub remedy: String,
    /// What the consumer demands (`domain::cases::Demand`): the remedy, or
    /// punitive damages (`punitive_3x`, `punitive_10x`).
    pub demand: String,
    pub publish_narrative: bool,
    pub status: String,
    pub owner_id: Option<i32>,
    pub next_deadline_at: Option<DateTimeUtc>,
    /// When the arbitration decision deadline was found missed (kept after
    /// the decision: a late decision stays counted).
    pub decision_overdue_at: Option<DateTimeUtc>,
    /// The first-compensation application's state (`applied`, `approved`,
    /// `refused`, `lapsed`, or `contested` while a contest waits).
    pub first_compensation: Option<String>,
    /// The waybill number (运单号) the consumer gave, if any.
    pub waybill: Option<String>,
    /// The other case of the same complaint when it named a merchant and a
    /// logistics company (each case points at the other).
    pub linked_case_id: Option<i32>,
    /// The organisation (e-commerce platform) that sent the complaint in
    /// bulk, if it came that way.
    pub source_org_id: Option<i32>,
    /// That organisation's own id for the complaint (unique per organisation).
    pub external_id: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub state: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
