//! An organisation's API key. The key itself is shown once, when created;
//! stored are its public prefix (to find it) and the SHA-256 of the whole key.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organisation_id: i32,
    /// `gd_live_<id part>`: the part before the secret, shown in lists.
    #[sea_orm(unique)]
    pub prefix: String,
    /// Hex SHA-256 of the whole key.
    pub key_hash: String,
    /// Space-separated `domain::platforms::Scope`s.
    pub scopes: String,
    pub label: String,
    pub created_by: i32,
    pub created_at: DateTimeUtc,
    /// Revoked: refused from then on.
    pub revoked_at: Option<DateTimeUtc>,
    pub last_used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
