//! An HTTPS endpoint an organisation registered for its case events. The
//! secret signs every delivery (HMAC-SHA256), so it is stored as it is; it
//! is shown to the organisation once, when made or rotated.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organisation_id: i32,
    pub url: String,
    /// `whsec_<64 hex>`.
    pub secret: String,
    pub created_at: DateTimeUtc,
    pub secret_rotated_at: Option<DateTimeUtc>,
    /// Deleted: nothing more is sent; its delivery log stays.
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
