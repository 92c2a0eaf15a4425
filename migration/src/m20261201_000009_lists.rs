//! Red and black lists (红黑名单): entries the system proposes and a
//! regulator confirms or refuses with reasons, and on merchants the instant
//! since which the grade has been A+ without a break (kept by the credit
//! recomputation).
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Merchants::Table)
                .add_column(timestamp_with_time_zone_null(Merchants::APlusSince))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ListEntries::Table)
                .col(pk_auto(ListEntries::Id))
                .col(integer(ListEntries::MerchantId))
                // `red` or `black`.
                .col(string_len(ListEntries::List, 10))
                // `proposed`, `confirmed`, `refused` or `ended`.
                .col(string_len(ListEntries::Status, 20))
                // A JSON array of `lists.reason.*` keys.
                .col(text(ListEntries::Reasons))
                .col(timestamp_with_time_zone(ListEntries::ProposedAt))
                .col(integer_null(ListEntries::DecidedBy))
                .col(timestamp_with_time_zone_null(ListEntries::DecidedAt))
                .col(text_null(ListEntries::DecisionReason))
                .col(timestamp_with_time_zone_null(ListEntries::EndsAt))
                // Black-list proposals: the merchant's 5 working days to object, and its objection.
                .col(timestamp_with_time_zone_null(ListEntries::ObjectionUntil))
                .col(text_null(ListEntries::Objection))
                .col(timestamp_with_time_zone_null(ListEntries::ObjectedAt))
                .col(timestamp_with_time_zone(ListEntries::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ListEntries::Table, ListEntries::MerchantId)
                        .to(Merchants::Table, Merchants::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ListEntries::Table, ListEntries::DecidedBy)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_list_entries_list_status")
                .table(ListEntries::Table)
                .col(ListEntries::List)
                .col(ListEntries::Status)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_list_entries_merchant")
                .table(ListEntries::Table)
                .col(ListEntries::MerchantId)
                .to_owned(),
        )
        .await?;
        // One open (proposed or confirmed) entry per merchant and list.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_list_entries_one_open ON list_entries (merchant_id, list) \
                 WHERE status IN ('proposed', 'confirmed')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ListEntries::Table).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(Merchants::Table)
                .drop_column(Merchants::APlusSince)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Merchants {
    Table,
    Id,
    #[sea_orm(iden = "a_plus_since")]
    APlusSince,
}

#[derive(DeriveIden)]
enum ListEntries {
    Table,
    Id,
    MerchantId,
    List,
    Status,
    Reasons,
    ProposedAt,
    DecidedBy,
    DecidedAt,
    DecisionReason,
    EndsAt,
    ObjectionUntil,
    Objection,
    ObjectedAt,
    CreatedAt,
}
