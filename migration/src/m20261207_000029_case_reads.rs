//! How far each account has read each case (`case_reads`: the trail's last
//! entry when they last opened it), so that lists mark the cases with
//! something new since: a step, a message or an offer by someone else. One
//! row per (account, case), moved forward on each read; in the database, so
//! every server agrees. By the trail's sequence, not by clock: two entries in
//! the same instant are still told apart.
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CaseReads::Table)
                .col(integer(CaseReads::UserId))
                .col(integer(CaseReads::CaseId))
                .col(integer(CaseReads::Seq))
                .col(timestamp_with_time_zone(CaseReads::ReadAt))
                .primary_key(
                    Index::create()
                        .col(CaseReads::UserId)
                        .col(CaseReads::CaseId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(CaseReads::Table, CaseReads::UserId)
                        .to(Users::Table, Users::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(CaseReads::Table, CaseReads::CaseId)
                        .to(Cases::Table, Cases::Id),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CaseReads::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum CaseReads {
    Table,
    UserId,
    CaseId,
    Seq,
    ReadAt,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
}
