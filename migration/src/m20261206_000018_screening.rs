//! Professional-claimant screening (职业索赔/职业打假): the consumer's
//! demand on each case (`cases.demand`, existing rows take their remedy),
//! the screening flags regulators decide, and which cases each flag marks.
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
                .add_column(string_len(Cases::Demand, 20).default("refund"))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared("UPDATE cases SET demand = remedy")
            .await?;
        m.create_table(
            Table::create()
                .table(ScreeningFlags::Table)
                .col(pk_auto(ScreeningFlags::Id))
                .col(integer(ScreeningFlags::ConsumerId))
                .col(string_len(ScreeningFlags::Status, 20))
                .col(text(ScreeningFlags::Signals))
                .col(timestamp_with_time_zone(ScreeningFlags::FlaggedAt))
                .col(timestamp_with_time_zone(ScreeningFlags::ObjectionDueAt))
                .col(text_null(ScreeningFlags::Objection))
                .col(timestamp_with_time_zone_null(ScreeningFlags::ObjectedAt))
                .col(integer_null(ScreeningFlags::DecidedBy))
                .col(timestamp_with_time_zone_null(ScreeningFlags::DecidedAt))
                .col(text_null(ScreeningFlags::DecisionReason))
                .foreign_key(
                    ForeignKey::create()
                        .from(ScreeningFlags::Table, ScreeningFlags::ConsumerId)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_screening_flags_consumer")
                .table(ScreeningFlags::Table)
                .col(ScreeningFlags::ConsumerId)
                .col(ScreeningFlags::Status)
                .to_owned(),
        )
        .await?;
        // At most one flag under review per consumer: two filings racing
        // cannot both open one.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_screening_flags_open ON screening_flags (consumer_id) \
                 WHERE status = 'under_review'",
            )
            .await?;
        m.create_table(
            Table::create()
                .table(ScreeningCases::Table)
                .col(integer(ScreeningCases::FlagId))
                .col(integer(ScreeningCases::CaseId))
                .primary_key(
                    Index::create()
                        .col(ScreeningCases::FlagId)
                        .col(ScreeningCases::CaseId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ScreeningCases::Table, ScreeningCases::FlagId)
                        .to(ScreeningFlags::Table, ScreeningFlags::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_screening_cases_case")
                .table(ScreeningCases::Table)
                .col(ScreeningCases::CaseId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ScreeningCases::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ScreeningFlags::Table).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .drop_column(Cases::Demand)
                .to_owned(),
        )
        .await
    }
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Demand,
}

#[derive(DeriveIden)]
enum ScreeningFlags {
    Table,
    Id,
    ConsumerId,
    Status,
    Signals,
    FlaggedAt,
    ObjectionDueAt,
    Objection,
    ObjectedAt,
    DecidedBy,
    DecidedAt,
    DecisionReason,
}

#[derive(DeriveIden)]
enum ScreeningCases {
    Table,
    FlagId,
    CaseId,
}
