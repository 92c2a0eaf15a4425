//! A staff account of a merchant (商户员工): answers for the business beside
//! its owner (`merchant.account_id`) until removed.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "merchant_staff")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub merchant_id: i32,
    pub user_id: i32,
    /// The owner who invited them.
    pub added_by: i32,
    pub added_at: DateTimeUtc,
    /// Set when the owner removed them or they left; the row stays.
    pub removed_at: Option<DateTimeUtc>,
    pub removed_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
