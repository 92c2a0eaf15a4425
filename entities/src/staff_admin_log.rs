//! One act of staff administration: an account created by an admin,
//! deactivated, reactivated, or its role changed.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_admin_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The admin who acted.
    pub admin_id: i32,
    /// The account acted on.
    pub user_id: i32,
    /// `created`, `deactivated`, `reactivated` or `role_changed`.
    pub action: String,
    pub from_role: Option<String>,
    pub to_role: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
