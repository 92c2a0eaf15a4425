//! A screening flag (职业索赔筛查): the signals a consumer's filings raised,
//! the consumer's objection, and a regulator's decision.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "screening_flags")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub consumer_id: i32,
    /// `under_review`, `upheld` or `cleared` (`domain::screening::ScreeningStatus`).
    pub status: String,
    /// JSON of `Vec<domain::screening::Finding>`.
    #[sea_orm(column_type = "Text")]
    pub signals: String,
    pub flagged_at: DateTimeUtc,
    /// 24:00 Beijing of the 5th working day after flagging.
    pub objection_due_at: DateTimeUtc,
    #[sea_orm(column_type = "Text", nullable)]
    pub objection: Option<String>,
    pub objected_at: Option<DateTimeUtc>,
    pub decided_by: Option<i32>,
    pub decided_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub decision_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
