//! One entry of a merchant's credit file (信用档案): a case outcome, a
//! regulator's finding of misconduct, a commitment signed or broken, a
//! commendation. Public until `display_until` (or repair); kept for
//! regulators after.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_records")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub merchant_id: i32,
    /// `domain::credit::RecordKind`.
    pub kind: String,
    /// `minor`, `serious`, `severe`.
    pub severity: String,
    /// `case`, `regulator` or `system`.
    pub source: String,
    pub case_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub evidence: Option<String>,
    pub occurred_at: DateTimeUtc,
    pub display_until: DateTimeUtc,
    /// `pending` (the merchant may object until `objection_until`),
    /// `published`, `withdrawn` (an objection was upheld).
    pub status: String,
    pub objection_until: Option<DateTimeUtc>,
    /// Repaired (信用修复): out of public view and the score early.
    pub repaired_at: Option<DateTimeUtc>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
