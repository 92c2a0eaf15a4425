//! What several servers sharing one database coordinate through: leases of
//! periodic jobs (only the holder of `sweeper` sweeps) and fixed-window
//! rate-limit counters. Times are milliseconds since the epoch, compared as
//! numbers on both databases.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Lease::Table)
                .col(string_len(Lease::Name, 64).primary_key())
                .col(string_len(Lease::Holder, 100))
                .col(big_integer(Lease::ExpiresAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(RateLimit::Table)
                .col(string_len(RateLimit::Key, 300).primary_key())
                .col(integer(RateLimit::N))
                .col(big_integer(RateLimit::ExpiresAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_rate_limit_expires")
                .table(RateLimit::Table)
                .col(RateLimit::ExpiresAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RateLimit::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Lease::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Lease {
    Table,
    Name,
    Holder,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum RateLimit {
    Table,
    Key,
    N,
    ExpiresAt,
}
