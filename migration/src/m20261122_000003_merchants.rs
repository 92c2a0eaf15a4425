//! Merchants, keyed by USCC.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Merchants::Table)
                .col(pk_auto(Merchants::Id))
                .col(string_len_uniq(Merchants::Uscc, 18))
                .col(string_len(Merchants::Name, 200))
                .col(string_len(Merchants::Kind, 20).default("shop"))
                .col(string_len(Merchants::EntityType, 100))
                .col(date_null(Merchants::RegisteredOn))
                .col(string_len(Merchants::RegisteredCapital, 100))
                .col(text(Merchants::BusinessScope))
                .col(string_len(Merchants::Province, 20))
                .col(string_len(Merchants::Region, 50))
                .col(text(Merchants::Address))
                .col(timestamp_with_time_zone(Merchants::CreatedAt))
                .col(timestamp_with_time_zone(Merchants::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_merchants_name")
                .table(Merchants::Table)
                .col(Merchants::Name)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Merchants::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Merchants {
    Table,
    Id,
    Uscc,
    Name,
    Kind,
    EntityType,
    RegisteredOn,
    RegisteredCapital,
    BusinessScope,
    Province,
    Region,
    Address,
    CreatedAt,
    UpdatedAt,
}
