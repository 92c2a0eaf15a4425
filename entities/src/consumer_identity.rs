//! A consumer's real-name identity; the resident ID number only encrypted,
//! hashed (keyed) and masked — never in clear.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consumer_identity")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i32,
    pub real_name: String,
    /// HMAC-SHA256 of the number (hex), unique: one person, one account.
    #[sea_orm(unique)]
    pub resident_id_hash: String,
    /// Base64 of nonce ‖ ChaCha20-Poly1305 ciphertext.
    #[sea_orm(column_type = "Text")]
    pub resident_id_cipher: String,
    /// `3301**********123X`.
    pub resident_id_masked: String,
    pub verified_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
