//! Platforms as participants (issue 15.2): organisations (e-commerce
//! platforms, public credit platforms), their API keys (only a SHA-256 of
//! each key is stored, found by its public prefix), every call a key made,
//! and on a case the organisation it came from with that organisation's own
//! id for it — unique per organisation, so a re-posted file files nothing twice.
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Organisations::Table)
                .col(pk_auto(Organisations::Id))
                .col(string_len(Organisations::Kind, 30))
                .col(string_len(Organisations::Name, 100))
                .col(string_len_uniq(Organisations::Uscc, 18))
                .col(string_len(Organisations::ContactEmail, 254))
                .col(integer(Organisations::CreatedBy))
                .col(timestamp_with_time_zone(Organisations::CreatedAt))
                .col(timestamp_with_time_zone_null(Organisations::DeactivatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Organisations::Table, Organisations::CreatedBy)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ApiKeys::Table)
                .col(pk_auto(ApiKeys::Id))
                .col(integer(ApiKeys::OrganisationId))
                .col(string_len_uniq(ApiKeys::Prefix, 40))
                .col(string_len(ApiKeys::KeyHash, 64))
                .col(string_len(ApiKeys::Scopes, 200))
                .col(string_len(ApiKeys::Label, 100))
                .col(integer(ApiKeys::CreatedBy))
                .col(timestamp_with_time_zone(ApiKeys::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiKeys::RevokedAt))
                .col(timestamp_with_time_zone_null(ApiKeys::LastUsedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ApiKeys::Table, ApiKeys::OrganisationId)
                        .to(Organisations::Table, Organisations::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ApiKeys::Table, ApiKeys::CreatedBy)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ApiKeyCalls::Table)
                .col(pk_auto(ApiKeyCalls::Id))
                .col(integer(ApiKeyCalls::KeyId))
                .col(integer(ApiKeyCalls::OrganisationId))
                .col(string_len(ApiKeyCalls::Method, 10))
                .col(string_len(ApiKeyCalls::Path, 300))
                .col(integer(ApiKeyCalls::Status))
                .col(timestamp_with_time_zone(ApiKeyCalls::At))
                .foreign_key(
                    ForeignKey::create()
                        .from(ApiKeyCalls::Table, ApiKeyCalls::KeyId)
                        .to(ApiKeys::Table, ApiKeys::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_api_key_calls_org")
                .table(ApiKeyCalls::Table)
                .col(ApiKeyCalls::OrganisationId)
                .col(ApiKeyCalls::Id)
                .to_owned(),
        )
        .await?;
        // One column per statement: SQLite alters one at a time.
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .add_column(integer_null(Cases::SourceOrgId))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .add_column(string_len_null(Cases::ExternalId, 100))
                .to_owned(),
        )
        .await?;
        // NULLs are distinct on both engines: cases filed by consumers
        // (no organisation) never collide.
        m.create_index(
            Index::create()
                .name("idx_cases_source_external")
                .table(Cases::Table)
                .col(Cases::SourceOrgId)
                .col(Cases::ExternalId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_cases_source_external")
                .table(Cases::Table)
                .to_owned(),
        )
        .await?;
        for col in [Cases::ExternalId, Cases::SourceOrgId] {
            m.alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        for t in [
            ApiKeyCalls::Table.into_iden(),
            ApiKeys::Table.into_iden(),
            Organisations::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
    Kind,
    Name,
    Uscc,
    ContactEmail,
    CreatedBy,
    CreatedAt,
    DeactivatedAt,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    OrganisationId,
    Prefix,
    KeyHash,
    Scopes,
    Label,
    CreatedBy,
    CreatedAt,
    RevokedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum ApiKeyCalls {
    Table,
    Id,
    KeyId,
    OrganisationId,
    Method,
    Path,
    Status,
    At,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    SourceOrgId,
    ExternalId,
}
