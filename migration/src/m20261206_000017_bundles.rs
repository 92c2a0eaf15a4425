//! Case bundles: trail entries name the hash scheme they were written
//! under (1: the body itself is hashed; 2: a salted commitment to the body
//! is, so a bundle may withhold a body and still verify — `bundle::chain`),
//! and the server's Ed25519 signing keys live in the database, so every
//! server on it signs with the same key.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Entries written before keep verifying by scheme 1.
        let mut scheme = integer(CaseTrail::HashScheme);
        scheme.default(1);
        for mut col in [scheme, string_len_null(CaseTrail::BodySalt, 64)] {
            m.alter_table(
                Table::alter()
                    .table(CaseTrail::Table)
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        // Key 1 is the first key, inserted once by whichever server starts
        // first; a later rotation adds key 2 and retires key 1.
        m.create_table(
            Table::create()
                .table(SigningKey::Table)
                .col(integer(SigningKey::Id).primary_key())
                .col(string_len_uniq(SigningKey::KeyId, 16))
                .col(string_len(SigningKey::Algorithm, 16))
                .col(string_len(SigningKey::PublicKey, 64))
                .col(string_len(SigningKey::SecretKey, 64))
                .col(timestamp_with_time_zone(SigningKey::CreatedAt))
                .col(timestamp_with_time_zone_null(SigningKey::RetiredAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SigningKey::Table).to_owned())
            .await?;
        for c in [CaseTrail::BodySalt, CaseTrail::HashScheme] {
            m.alter_table(
                Table::alter()
                    .table(CaseTrail::Table)
                    .drop_column(c)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum CaseTrail {
    Table,
    HashScheme,
    BodySalt,
}

#[derive(DeriveIden)]
enum SigningKey {
    Table,
    Id,
    KeyId,
    Algorithm,
    PublicKey,
    SecretKey,
    CreatedAt,
    RetiredAt,
}
