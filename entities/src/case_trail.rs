//! One entry of a case's full-process trail (全程留痕): append-only, each
//! entry's `hash` = SHA-256 of the previous hash and this entry's content.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_trail")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    /// 1, 2, 3 … within the case.
    pub seq: i32,
    pub at: DateTimeUtc,
    pub actor_id: Option<i32>,
    /// `consumer`, `merchant`, `mediator`, `arbitrator`, `system`, …
    pub actor_role: String,
    /// `filed`, an action name, `deadline_elapsed`, `evidence`, …
    pub kind: String,
    /// JSON: the message, terms, reason, status change.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub prev_hash: String,
    pub hash: String,
    /// 1: the hash covers the body itself; 2: a salted commitment to it
    /// (`bundle::chain`), so a bundle may withhold the body.
    pub hash_scheme: i32,
    /// Scheme 2: 32 random hex digits hashed with the body.
    pub body_salt: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
