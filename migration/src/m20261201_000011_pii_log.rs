//! Every read of a consumer's unmasked personal data by staff: who, what,
//! when, why. Admins read the log; nobody edits it.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PiiAccessLog::Table)
                .col(pk_auto(PiiAccessLog::Id))
                .col(integer(PiiAccessLog::StaffId))
                .col(string_len(PiiAccessLog::StaffRole, 20))
                .col(integer(PiiAccessLog::CaseId))
                .col(integer(PiiAccessLog::ConsumerId))
                .col(string_len(PiiAccessLog::Fields, 200))
                .col(text(PiiAccessLog::Reason))
                .col(timestamp_with_time_zone(PiiAccessLog::At))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_pii_access_log_at")
                .table(PiiAccessLog::Table)
                .col(PiiAccessLog::At)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PiiAccessLog::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum PiiAccessLog {
    Table,
    Id,
    StaffId,
    StaffRole,
    CaseId,
    ConsumerId,
    Fields,
    Reason,
    At,
}
