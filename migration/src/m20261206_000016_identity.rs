//! Consumers' real-name identities (实名认证). The resident ID number is
//! never stored in clear: `resident_id_cipher` holds it encrypted
//! (ChaCha20-Poly1305 under `GONGDAO_PII_KEY`), `resident_id_hash` its
//! keyed hash (HMAC-SHA256) whose unique index keeps one person to one
//! account, `resident_id_masked` what everyone is shown. `pii_key_check`
//! holds one row: a value derived from the key, so a server configured
//! with another key refuses to start instead of writing what the others
//! cannot read.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ConsumerIdentity::Table)
                .col(integer(ConsumerIdentity::UserId).primary_key())
                .col(string_len(ConsumerIdentity::RealName, 200))
                .col(string_len(ConsumerIdentity::ResidentIdHash, 64))
                .col(text(ConsumerIdentity::ResidentIdCipher))
                .col(string_len(ConsumerIdentity::ResidentIdMasked, 18))
                .col(timestamp_with_time_zone(ConsumerIdentity::VerifiedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_consumer_identity_hash")
                .table(ConsumerIdentity::Table)
                .col(ConsumerIdentity::ResidentIdHash)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PiiKeyCheck::Table)
                .col(integer(PiiKeyCheck::Id).primary_key())
                .col(string_len(PiiKeyCheck::CheckValue, 64))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PiiKeyCheck::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ConsumerIdentity::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ConsumerIdentity {
    Table,
    UserId,
    RealName,
    ResidentIdHash,
    ResidentIdCipher,
    ResidentIdMasked,
    VerifiedAt,
}

#[derive(DeriveIden)]
enum PiiKeyCheck {
    Table,
    Id,
    CheckValue,
}
