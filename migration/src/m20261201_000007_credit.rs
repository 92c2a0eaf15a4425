//! Merchant credit, first part: real-name verification requests, the
//! licence and verification mark on merchants, credit commitments, credit
//! records, and the published score and grade (a projection recomputed by
//! the outbox worker).
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column at a time.
        for col in [
            string_len_null(Merchants::LegalForm, 30),
            text_null(Merchants::ShopNames),
            date_null(Merchants::LicenceValidUntil),
            string_len_null(Merchants::LicenceSha256, 64),
            timestamp_with_time_zone_null(Merchants::VerifiedAt),
            integer_null(Merchants::CreditScore),
            string_len_null(Merchants::CreditGrade, 2),
            text_null(Merchants::CreditFactors),
            timestamp_with_time_zone_null(Merchants::CreditComputedAt),
        ] {
            let mut col = col;
            m.alter_table(
                Table::alter()
                    .table(Merchants::Table)
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table(MerchantVerifications::Table)
                .col(pk_auto(MerchantVerifications::Id))
                .col(integer(MerchantVerifications::MerchantId))
                .col(integer(MerchantVerifications::AccountId))
                .col(string_len(MerchantVerifications::Name, 200))
                .col(string_len(MerchantVerifications::LegalForm, 30))
                .col(string_len(MerchantVerifications::Kind, 20))
                .col(text(MerchantVerifications::RegisteredAddress))
                .col(text(MerchantVerifications::BusinessScope))
                .col(text(MerchantVerifications::ShopNames))
                .col(date_null(MerchantVerifications::LicenceValidUntil))
                .col(string_len_null(MerchantVerifications::LicenceSha256, 64))
                .col(string_len_null(
                    MerchantVerifications::LicenceContentType,
                    40,
                ))
                .col(string_len(MerchantVerifications::Status, 20))
                .col(text_null(MerchantVerifications::Reason))
                .col(integer_null(MerchantVerifications::DecidedBy))
                .col(timestamp_with_time_zone_null(
                    MerchantVerifications::DecidedAt,
                ))
                .col(timestamp_with_time_zone(MerchantVerifications::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(
                            MerchantVerifications::Table,
                            MerchantVerifications::MerchantId,
                        )
                        .to(Merchants::Table, Merchants::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(
                            MerchantVerifications::Table,
                            MerchantVerifications::AccountId,
                        )
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_verifications_status")
                .table(MerchantVerifications::Table)
                .col(MerchantVerifications::Status)
                .col(MerchantVerifications::CreatedAt)
                .to_owned(),
        )
        .await?;
        // One pending request per account and business.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_verifications_one_pending ON merchant_verifications (merchant_id, account_id) \
                 WHERE status = 'pending'",
            )
            .await?;
        m.create_table(
            Table::create()
                .table(CreditCommitments::Table)
                .col(pk_auto(CreditCommitments::Id))
                .col(integer(CreditCommitments::MerchantId))
                .col(string_len(CreditCommitments::Version, 20))
                .col(string_len(CreditCommitments::TextSha256, 64))
                .col(integer(CreditCommitments::SignedBy))
                .col(timestamp_with_time_zone(CreditCommitments::SignedAt))
                .col(timestamp_with_time_zone_null(CreditCommitments::BrokenAt))
                .col(text_null(CreditCommitments::BrokenReason))
                .foreign_key(
                    ForeignKey::create()
                        .from(CreditCommitments::Table, CreditCommitments::MerchantId)
                        .to(Merchants::Table, Merchants::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_commitments_merchant")
                .table(CreditCommitments::Table)
                .col(CreditCommitments::MerchantId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CreditRecords::Table)
                .col(pk_auto(CreditRecords::Id))
                .col(integer(CreditRecords::MerchantId))
                .col(string_len(CreditRecords::Kind, 30))
                .col(string_len(CreditRecords::Severity, 10))
                .col(string_len(CreditRecords::Source, 10))
                .col(integer_null(CreditRecords::CaseId))
                .col(text(CreditRecords::Summary))
                .col(text_null(CreditRecords::Evidence))
                .col(timestamp_with_time_zone(CreditRecords::OccurredAt))
                .col(timestamp_with_time_zone(CreditRecords::DisplayUntil))
                .col(string_len(CreditRecords::Status, 20))
                .col(timestamp_with_time_zone_null(CreditRecords::ObjectionUntil))
                .col(timestamp_with_time_zone_null(CreditRecords::RepairedAt))
                .col(integer_null(CreditRecords::CreatedBy))
                .col(timestamp_with_time_zone(CreditRecords::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(CreditRecords::Table, CreditRecords::MerchantId)
                        .to(Merchants::Table, Merchants::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_credit_records_merchant")
                .table(CreditRecords::Table)
                .col(CreditRecords::MerchantId)
                .col(CreditRecords::Status)
                .to_owned(),
        )
        .await?;
        // A case outcome is recorded once per kind.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_credit_records_case_kind ON credit_records (case_id, kind) \
                 WHERE case_id IS NOT NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            CreditRecords::Table.into_iden(),
            CreditCommitments::Table.into_iden(),
            MerchantVerifications::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        for c in [
            Merchants::LegalForm,
            Merchants::ShopNames,
            Merchants::LicenceValidUntil,
            Merchants::LicenceSha256,
            Merchants::VerifiedAt,
            Merchants::CreditScore,
            Merchants::CreditGrade,
            Merchants::CreditFactors,
            Merchants::CreditComputedAt,
        ] {
            m.alter_table(
                Table::alter()
                    .table(Merchants::Table)
                    .drop_column(c)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Merchants {
    Table,
    Id,
    LegalForm,
    ShopNames,
    LicenceValidUntil,
    LicenceSha256,
    VerifiedAt,
    CreditScore,
    CreditGrade,
    CreditFactors,
    CreditComputedAt,
}

#[derive(DeriveIden)]
enum MerchantVerifications {
    Table,
    Id,
    MerchantId,
    AccountId,
    Name,
    LegalForm,
    Kind,
    RegisteredAddress,
    BusinessScope,
    ShopNames,
    LicenceValidUntil,
    LicenceSha256,
    LicenceContentType,
    Status,
    Reason,
    DecidedBy,
    DecidedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CreditCommitments {
    Table,
    Id,
    MerchantId,
    Version,
    TextSha256,
    SignedBy,
    SignedAt,
    BrokenAt,
    BrokenReason,
}

#[derive(DeriveIden)]
enum CreditRecords {
    Table,
    Id,
    MerchantId,
    Kind,
    Severity,
    Source,
    CaseId,
    Summary,
    Evidence,
    OccurredAt,
    DisplayUntil,
    Status,
    ObjectionUntil,
    RepairedAt,
    CreatedBy,
    CreatedAt,
}
