//! Due process on the credit file: a merchant's objection (异议) to a
//! finding before it is published, and its application for credit repair
//! (信用修复) of a published one; a regulator decides each with reasons.
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RecordRequests::Table)
                .col(pk_auto(RecordRequests::Id))
                .col(integer(RecordRequests::RecordId))
                .col(integer(RecordRequests::MerchantId))
                .col(integer(RecordRequests::AuthorId))
                .col(string_len(RecordRequests::Kind, 20))
                .col(text(RecordRequests::Text))
                .col(text_null(RecordRequests::Evidence))
                .col(string_len(RecordRequests::Status, 20))
                .col(integer_null(RecordRequests::DecidedBy))
                .col(timestamp_with_time_zone_null(RecordRequests::DecidedAt))
                .col(text_null(RecordRequests::DecisionReason))
                .col(timestamp_with_time_zone(RecordRequests::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(RecordRequests::Table, RecordRequests::RecordId)
                        .to(CreditRecords::Table, CreditRecords::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(RecordRequests::Table, RecordRequests::AuthorId)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_record_requests_status")
                .table(RecordRequests::Table)
                .col(RecordRequests::Status)
                .col(RecordRequests::CreatedAt)
                .to_owned(),
        )
        .await?;
        // One open request of each kind per record.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_record_requests_one_open ON record_requests (record_id, kind) \
                 WHERE status = 'pending'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RecordRequests::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum CreditRecords {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum RecordRequests {
    Table,
    Id,
    RecordId,
    MerchantId,
    AuthorId,
    Kind,
    Text,
    Evidence,
    Status,
    DecidedBy,
    DecidedAt,
    DecisionReason,
    CreatedAt,
}
