//! An account: consumer, merchant or staff.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    /// `domain::Role::as_str()`.
    pub role: String,
    /// `zh` or `en`: the language of the account's mail.
    pub lang: String,
    pub email_verified_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// Set by an admin: signed out everywhere, sign-in refused.
    pub deactivated_at: Option<DateTimeUtc>,
    /// Deleted by its owner: name, address, password and identity erased,
    /// the row kept (pseudonymised) for the cases it filed.
    pub deleted_at: Option<DateTimeUtc>,
    /// A new address waiting for its confirmation link.
    pub pending_email: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
