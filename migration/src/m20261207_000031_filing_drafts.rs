//! A filing kept half done (投诉草稿): one draft per consumer, the filing
//! form's text fields as typed (JSON), and the files added to it so far —
//! their bytes in the content-addressed store (`services::blobs`), like
//! evidence. Kept in the database so any server finds it; kept until it is
//! filed or discarded (no expiry), or the account is deleted.
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(FilingDrafts::Table)
                .col(pk_auto(FilingDrafts::Id))
                .col(integer(FilingDrafts::ConsumerId))
                .col(text(FilingDrafts::FormValues))
                // Moves on each save: a confirmation files the draft it
                // reviewed, not one changed meanwhile.
                .col(integer(FilingDrafts::Version))
                .col(timestamp_with_time_zone(FilingDrafts::CreatedAt))
                .col(timestamp_with_time_zone(FilingDrafts::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(FilingDrafts::Table, FilingDrafts::ConsumerId)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        // One draft per consumer.
        m.create_index(
            Index::create()
                .name("idx_filing_drafts_consumer")
                .table(FilingDrafts::Table)
                .col(FilingDrafts::ConsumerId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(FilingDraftFiles::Table)
                .col(pk_auto(FilingDraftFiles::Id))
                .col(integer(FilingDraftFiles::DraftId))
                .col(string_len(FilingDraftFiles::FileName, 200))
                .col(string_len(FilingDraftFiles::ContentType, 100))
                .col(big_integer(FilingDraftFiles::Size))
                .col(string_len(FilingDraftFiles::Sha256, 64))
                .col(timestamp_with_time_zone(FilingDraftFiles::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(FilingDraftFiles::Table, FilingDraftFiles::DraftId)
                        .to(FilingDrafts::Table, FilingDrafts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_filing_draft_files_draft")
                .table(FilingDraftFiles::Table)
                .col(FilingDraftFiles::DraftId)
                .to_owned(),
        )
        .await?;
        // Whether a stored file is still named by a draft (before it is removed).
        m.create_index(
            Index::create()
                .name("idx_filing_draft_files_sha256")
                .table(FilingDraftFiles::Table)
                .col(FilingDraftFiles::Sha256)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(FilingDraftFiles::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(FilingDrafts::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum FilingDrafts {
    Table,
    Id,
    ConsumerId,
    FormValues,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FilingDraftFiles {
    Table,
    Id,
    DraftId,
    FileName,
    ContentType,
    Size,
    Sha256,
    CreatedAt,
}
