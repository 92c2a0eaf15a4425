//! A merchant's reply templates (回复模板): titled texts its main account
//! and staff keep and put into a case's message field.
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ReplyTemplates::Table)
                .col(pk_auto(ReplyTemplates::Id))
                .col(integer(ReplyTemplates::MerchantId))
                .col(string_len(ReplyTemplates::Title, 50))
                .col(text(ReplyTemplates::Body))
                .col(integer(ReplyTemplates::UpdatedBy))
                .col(timestamp_with_time_zone(ReplyTemplates::CreatedAt))
                .col(timestamp_with_time_zone(ReplyTemplates::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ReplyTemplates::Table, ReplyTemplates::MerchantId)
                        .to(Merchants::Table, Merchants::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ReplyTemplates::Table, ReplyTemplates::UpdatedBy)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_reply_templates_merchant")
                .table(ReplyTemplates::Table)
                .col(ReplyTemplates::MerchantId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ReplyTemplates::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ReplyTemplates {
    Table,
    Id,
    MerchantId,
    Title,
    Body,
    UpdatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Merchants {
    Table,
    Id,
}
