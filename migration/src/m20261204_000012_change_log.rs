//! The change log: an append-only list of what changed in public content
//! (a merchant, a case's public record, the red/black lists, the fund's
//! ledger, the working-day calendar). Every server follows it with its own
//! cursor — its search index, its page cache, its cached settings — so a
//! change made through one server reaches all of them. Rows are never
//! claimed or deleted by a reader; old ones are pruned by age.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ChangeLog::Table)
                .col(pk_auto(ChangeLog::Id))
                .col(string_len(ChangeLog::Kind, 20))
                .col(integer_null(ChangeLog::Key))
                .col(timestamp_with_time_zone(ChangeLog::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_change_log_created")
                .table(ChangeLog::Table)
                .col(ChangeLog::CreatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ChangeLog::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ChangeLog {
    Table,
    Id,
    Kind,
    Key,
    CreatedAt,
}
