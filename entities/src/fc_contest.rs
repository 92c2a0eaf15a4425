//! A merchant's contest (appeal) of a first-compensation recovery: when,
//! and once an arbitrator decided, when and whether it was upheld.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fc_contests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: i32,
    pub merchant_id: i32,
    /// What the fund had paid the consumer.
    pub paid_fen: i64,
    pub contested_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
    /// `true`: the recovery was cancelled; `false`: it stands.
    pub upheld: Option<bool>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
