//! An organisation taking part through the API: an e-commerce platform
//! (`ecommerce_platform`) or a public credit platform (`credit_platform`).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `domain::platforms::OrgKind::as_str()`.
    pub kind: String,
    pub name: String,
    #[sea_orm(unique)]
    pub uscc: String,
    pub contact_email: String,
    /// The admin who created it.
    pub created_by: i32,
    pub created_at: DateTimeUtc,
    /// Set by an admin: every key of the organisation is refused.
    pub deactivated_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
