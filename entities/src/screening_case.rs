//! A case a screening flag marks "for a mediator's review".
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "screening_cases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub flag_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
