//! A business consumers can complain about: shop, platform seller or
//! logistics company. The USCC is its natural key.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "merchants")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub uscc: String,
    pub name: String,
    /// `shop`, `platform` or `logistics`.
    pub kind: String,
    /// The registry's entity type as published (有限责任公司, …).
    pub entity_type: String,
    pub registered_on: Option<Date>,
    pub registered_capital: String,
    #[sea_orm(column_type = "Text")]
    pub business_scope: String,
    pub province: String,
    pub region: String,
    #[sea_orm(column_type = "Text")]
    pub address: String,
    /// The merchant account that answers complaints for this business.
    pub account_id: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
