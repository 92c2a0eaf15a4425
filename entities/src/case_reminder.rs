//! A deadline reminder already sent (so the sweeper sends each once).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_reminders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub deadline_key: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub deadline_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
