//! The public ledger's appeals and refusals: each refused first-compensation
//! application with its reason category, and each contested recovery with
//! its dates and outcome (written by the case step that caused them).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(FcRefusals::Table)
                .col(pk_auto(FcRefusals::Id))
                .col(integer(FcRefusals::CaseId))
                .col(integer(FcRefusals::MerchantId))
                .col(string_len(FcRefusals::Category, 40))
                .col(timestamp_with_time_zone(FcRefusals::RefusedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_fc_refusals_merchant")
                .table(FcRefusals::Table)
                .col(FcRefusals::MerchantId)
                .col(FcRefusals::RefusedAt)
                .to_owned(),
        )
        .await?;
        // One payout per case, so at most one contest of its recovery.
        m.create_table(
            Table::create()
                .table(FcContests::Table)
                .col(integer(FcContests::CaseId).primary_key())
                .col(integer(FcContests::MerchantId))
                .col(big_integer(FcContests::PaidFen))
                .col(timestamp_with_time_zone(FcContests::ContestedAt))
                .col(timestamp_with_time_zone_null(FcContests::DecidedAt))
                .col(boolean_null(FcContests::Upheld))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_fc_contests_merchant")
                .table(FcContests::Table)
                .col(FcContests::MerchantId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(FcContests::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(FcRefusals::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum FcRefusals {
    Table,
    Id,
    CaseId,
    MerchantId,
    Category,
    RefusedAt,
}

#[derive(DeriveIden)]
enum FcContests {
    Table,
    CaseId,
    MerchantId,
    PaidFen,
    ContestedAt,
    DecidedAt,
    Upheld,
}
