//! The server's Ed25519 keys that sign case bundles: one for every server
//! on the database (key 1 is made by whichever starts first). The newest
//! key not retired signs; all of them are published.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signing_key")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    /// First 16 hex digits of SHA-256 of the public key.
    pub key_id: String,
    /// `Ed25519`.
    pub algorithm: String,
    /// 32 bytes, hex.
    pub public_key: String,
    /// The 32-byte seed, hex.
    pub secret_key: String,
    pub created_at: DateTimeUtc,
    pub retired_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
