//! Cases, their hash-chained trail, evidence files, the in-app inbox, the
//! holiday calendar, and the link from a merchant to the account that
//! answers for it.
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
                .add_column(integer_null(Merchants::AccountId))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Cases::Table)
                .col(pk_auto(Cases::Id))
                .col(string_len_uniq(Cases::Number, 24))
                .col(integer(Cases::ConsumerId))
                .col(integer(Cases::MerchantId))
                .col(string_len(Cases::Category, 30))
                .col(string_len(Cases::Title, 200))
                .col(text(Cases::Narrative))
                .col(string_len(Cases::OrderRef, 100))
                .col(date(Cases::OrderDate))
                .col(big_integer(Cases::AmountPaidFen))
                .col(big_integer(Cases::AmountClaimedFen))
                .col(string_len(Cases::Remedy, 20))
                .col(boolean(Cases::PublishNarrative))
                .col(string_len(Cases::Status, 30))
                .col(integer_null(Cases::OwnerId))
                .col(timestamp_with_time_zone_null(Cases::NextDeadlineAt))
                .col(text(Cases::State))
                .col(integer(Cases::Version))
                .col(timestamp_with_time_zone(Cases::CreatedAt))
                .col(timestamp_with_time_zone(Cases::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Cases::Table, Cases::ConsumerId)
                        .to(Users::Table, Users::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Cases::Table, Cases::MerchantId)
                        .to(Merchants::Table, Merchants::Id),
                )
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("idx_cases_due", vec![Cases::NextDeadlineAt]),
            (
                "idx_cases_status",
                vec![Cases::Status, Cases::NextDeadlineAt],
            ),
            ("idx_cases_consumer", vec![Cases::ConsumerId]),
            ("idx_cases_merchant", vec![Cases::MerchantId]),
            ("idx_cases_owner", vec![Cases::OwnerId]),
        ] {
            let mut idx = Index::create();
            idx.name(name).table(Cases::Table);
            for c in cols {
                idx.col(c);
            }
            m.create_index(idx.to_owned()).await?;
        }
        // One open complaint per consumer, merchant and order (a race between
        // two identical filings loses here, not in a check-then-insert).
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_cases_open_order ON cases (consumer_id, merchant_id, order_ref) \
                 WHERE status NOT IN ('closed', 'withdrawn')",
            )
            .await?;
        m.create_table(
            Table::create()
                .table(CaseTrail::Table)
                .col(pk_auto(CaseTrail::Id))
                .col(integer(CaseTrail::CaseId))
                .col(integer(CaseTrail::Seq))
                .col(timestamp_with_time_zone(CaseTrail::At))
                .col(integer_null(CaseTrail::ActorId))
                .col(string_len(CaseTrail::ActorRole, 20))
                .col(string_len(CaseTrail::Kind, 40))
                .col(text(CaseTrail::Body))
                .col(string_len(CaseTrail::PrevHash, 64))
                .col(string_len(CaseTrail::Hash, 64))
                .foreign_key(
                    ForeignKey::create()
                        .from(CaseTrail::Table, CaseTrail::CaseId)
                        .to(Cases::Table, Cases::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_trail_case_seq")
                .table(CaseTrail::Table)
                .col(CaseTrail::CaseId)
                .col(CaseTrail::Seq)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Evidence::Table)
                .col(pk_auto(Evidence::Id))
                .col(integer(Evidence::CaseId))
                .col(integer(Evidence::UploaderId))
                .col(string_len(Evidence::FileName, 200))
                .col(string_len(Evidence::ContentType, 100))
                .col(big_integer(Evidence::Size))
                .col(string_len(Evidence::Sha256, 64))
                .col(timestamp_with_time_zone(Evidence::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Evidence::Table, Evidence::CaseId)
                        .to(Cases::Table, Cases::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Notifications::Table)
                .col(pk_auto(Notifications::Id))
                .col(integer(Notifications::UserId))
                .col(integer_null(Notifications::CaseId))
                .col(string_len(Notifications::Key, 60))
                .col(timestamp_with_time_zone(Notifications::CreatedAt))
                .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Notifications::Table, Notifications::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_notifications_user")
                .table(Notifications::Table)
                .col(Notifications::UserId)
                .col(Notifications::CreatedAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CaseReminders::Table)
                .col(integer(CaseReminders::CaseId))
                .col(string_len(CaseReminders::DeadlineKey, 40))
                .col(timestamp_with_time_zone(CaseReminders::DeadlineAt))
                .primary_key(
                    Index::create()
                        .col(CaseReminders::CaseId)
                        .col(CaseReminders::DeadlineKey)
                        .col(CaseReminders::DeadlineAt),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Holidays::Table)
                .col(date(Holidays::Day).primary_key())
                .col(string_len(Holidays::Kind, 10))
                .col(string_len(Holidays::Note, 100))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Holidays::Table.into_iden(),
            CaseReminders::Table.into_iden(),
            Notifications::Table.into_iden(),
            Evidence::Table.into_iden(),
            CaseTrail::Table.into_iden(),
            Cases::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(Merchants::Table)
                .drop_column(Merchants::AccountId)
                .to_owned(),
        )
        .await
    }
}

#[derive(DeriveIden)]
enum Merchants {
    Table,
    Id,
    AccountId,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    Number,
    ConsumerId,
    MerchantId,
    Category,
    Title,
    Narrative,
    OrderRef,
    OrderDate,
    AmountPaidFen,
    AmountClaimedFen,
    Remedy,
    PublishNarrative,
    Status,
    OwnerId,
    NextDeadlineAt,
    State,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CaseTrail {
    Table,
    Id,
    CaseId,
    Seq,
    At,
    ActorId,
    ActorRole,
    Kind,
    Body,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum Evidence {
    Table,
    Id,
    CaseId,
    UploaderId,
    FileName,
    ContentType,
    Size,
    Sha256,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    CaseId,
    Key,
    CreatedAt,
    ReadAt,
}

#[derive(DeriveIden)]
enum CaseReminders {
    Table,
    CaseId,
    DeadlineKey,
    DeadlineAt,
}

#[derive(DeriveIden)]
enum Holidays {
    Table,
    Day,
    Kind,
    Note,
}
