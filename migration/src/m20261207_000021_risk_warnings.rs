//! Risk warnings (信用风险预警) stored when they arise: one row per merchant,
//! signal and week, so two servers sweeping at once raise it once; a
//! regulator acknowledges it with a note.
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RiskWarnings::Table)
                .col(pk_auto(RiskWarnings::Id))
                .col(integer(RiskWarnings::MerchantId))
                .col(string_len(RiskWarnings::Signal, 30))
                .col(string_len(RiskWarnings::Period, 10))
                .col(text(RiskWarnings::Detail))
                .col(text(RiskWarnings::Figures))
                .col(timestamp_with_time_zone(RiskWarnings::RaisedAt))
                .col(timestamp_with_time_zone_null(RiskWarnings::AcknowledgedAt))
                .col(integer_null(RiskWarnings::AcknowledgedBy))
                .col(text_null(RiskWarnings::Note))
                .foreign_key(
                    ForeignKey::create()
                        .from(RiskWarnings::Table, RiskWarnings::AcknowledgedBy)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_risk_warnings_once")
                .table(RiskWarnings::Table)
                .col(RiskWarnings::MerchantId)
                .col(RiskWarnings::Signal)
                .col(RiskWarnings::Period)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_risk_warnings_open")
                .table(RiskWarnings::Table)
                .col(RiskWarnings::AcknowledgedAt)
                .col(RiskWarnings::RaisedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RiskWarnings::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum RiskWarnings {
    Table,
    Id,
    MerchantId,
    Signal,
    Period,
    Detail,
    Figures,
    RaisedAt,
    AcknowledgedAt,
    AcknowledgedBy,
    Note,
}
