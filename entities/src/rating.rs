//! A mutual rating (信用互评) of a case that is over: the consumer's of the
//! merchant's handling, or the merchant's of the case. Never deleted (a
//! trigger refuses it); a regulator may hide one with a stated reason.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ratings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub merchant_id: i32,
    pub author_id: i32,
    /// `consumer` or `merchant` (`domain::credit::RatingSide`); one of each per case.
    pub side: String,
    /// 1–5 on the consumer's side; none on the merchant's.
    pub stars: Option<i32>,
    /// The merchant's side only: the complaint was malicious.
    pub flag_malicious: bool,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub follow_up_text: Option<String>,
    pub follow_up_at: Option<DateTimeUtc>,
    pub hidden_at: Option<DateTimeUtc>,
    pub hidden_by: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub hidden_reason: Option<String>,
    pub author_ip: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
