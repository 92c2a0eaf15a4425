//! Collective complaints: consumers who join an open case ("me too").
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CaseMembers::Table)
                .col(integer(CaseMembers::CaseId))
                .col(integer(CaseMembers::ConsumerId))
                .col(string_len(CaseMembers::OrderRef, 100))
                .col(date(CaseMembers::OrderDate))
                .col(big_integer(CaseMembers::AmountPaidFen))
                .col(big_integer(CaseMembers::AmountClaimedFen))
                .col(timestamp_with_time_zone(CaseMembers::JoinedAt))
                .primary_key(
                    Index::create()
                        .col(CaseMembers::CaseId)
                        .col(CaseMembers::ConsumerId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(CaseMembers::Table, CaseMembers::CaseId)
                        .to(Cases::Table, Cases::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(CaseMembers::Table, CaseMembers::ConsumerId)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_case_members_consumer")
                .table(CaseMembers::Table)
                .col(CaseMembers::ConsumerId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CaseMembers::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CaseMembers {
    Table,
    CaseId,
    ConsumerId,
    OrderRef,
    OrderDate,
    AmountPaidFen,
    AmountClaimedFen,
    JoinedAt,
}
