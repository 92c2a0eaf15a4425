//! The consumer-protection fund's double-entry books (journal entries and
//! their lines) and the first-compensation state on cases.
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .add_column(string_len_null(Cases::FirstCompensation, 20))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_cases_first_compensation")
                .table(Cases::Table)
                .col(Cases::FirstCompensation)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LedgerEntries::Table)
                .col(pk_auto(LedgerEntries::Id))
                .col(string_len(LedgerEntries::Kind, 30))
                .col(string_len_uniq(LedgerEntries::IdempotencyKey, 200))
                // What the request was, to tell a replay from a reused key.
                .col(string_len(LedgerEntries::Fingerprint, 200))
                .col(integer_null(LedgerEntries::CaseId))
                .col(integer_null(LedgerEntries::MerchantId))
                .col(big_integer(LedgerEntries::AmountFen))
                .col(text_null(LedgerEntries::Memo))
                .col(integer_null(LedgerEntries::CreatedBy))
                .col(timestamp_with_time_zone(LedgerEntries::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(LedgerEntries::Table, LedgerEntries::CaseId)
                        .to(Cases::Table, Cases::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(LedgerEntries::Table, LedgerEntries::MerchantId)
                        .to(Merchants::Table, Merchants::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(LedgerEntries::Table, LedgerEntries::CreatedBy)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("idx_ledger_entries_case", vec![LedgerEntries::CaseId]),
            (
                "idx_ledger_entries_merchant",
                vec![LedgerEntries::MerchantId, LedgerEntries::Kind],
            ),
            ("idx_ledger_entries_kind", vec![LedgerEntries::Kind]),
        ] {
            let mut idx = Index::create();
            idx.name(name).table(LedgerEntries::Table);
            for c in cols {
                idx.col(c);
            }
            m.create_index(idx.to_owned()).await?;
        }
        // One payout per case, whatever the idempotency keys say: two fund
        // administrators approving at once cannot both pay.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_ledger_one_payout_per_case ON ledger_entries (case_id) \
                 WHERE kind = 'payout'",
            )
            .await?;
        m.create_table(
            Table::create()
                .table(LedgerLines::Table)
                .col(pk_auto(LedgerLines::Id))
                .col(integer(LedgerLines::EntryId))
                .col(string_len(LedgerLines::Account, 20))
                .col(integer_null(LedgerLines::MerchantId))
                .col(integer_null(LedgerLines::CaseId))
                .col(big_integer(LedgerLines::AmountFen))
                .foreign_key(
                    ForeignKey::create()
                        .from(LedgerLines::Table, LedgerLines::EntryId)
                        .to(LedgerEntries::Table, LedgerEntries::Id),
                )
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("idx_ledger_lines_entry", vec![LedgerLines::EntryId]),
            (
                "idx_ledger_lines_merchant",
                vec![LedgerLines::Account, LedgerLines::MerchantId],
            ),
            (
                "idx_ledger_lines_case",
                vec![LedgerLines::Account, LedgerLines::CaseId],
            ),
        ] {
            let mut idx = Index::create();
            idx.name(name).table(LedgerLines::Table);
            for c in cols {
                idx.col(c);
            }
            m.create_index(idx.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(LedgerLines::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(LedgerEntries::Table).to_owned())
            .await?;
        m.drop_index(
            Index::drop()
                .name("idx_cases_first_compensation")
                .table(Cases::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .drop_column(Cases::FirstCompensation)
                .to_owned(),
        )
        .await
    }
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    FirstCompensation,
}

#[derive(DeriveIden)]
enum Merchants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum LedgerEntries {
    Table,
    Id,
    Kind,
    IdempotencyKey,
    Fingerprint,
    CaseId,
    MerchantId,
    AmountFen,
    Memo,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LedgerLines {
    Table,
    Id,
    EntryId,
    Account,
    MerchantId,
    CaseId,
    AmountFen,
}
