//! A merchant's staff accounts (商户员工账户): the account that registered
//! the business (`merchants.account_id`, the owner) invites others by mail;
//! each who accepts answers for the business with an account of their own, so
//! the trail names who took each step. An account is on one business's staff
//! at a time (a partial unique index: a removed membership keeps its row).
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MerchantStaff::Table)
                .col(pk_auto(MerchantStaff::Id))
                .col(integer(MerchantStaff::MerchantId))
                .col(integer(MerchantStaff::UserId))
                .col(integer(MerchantStaff::AddedBy))
                .col(timestamp_with_time_zone(MerchantStaff::AddedAt))
                .col(timestamp_with_time_zone_null(MerchantStaff::RemovedAt))
                .col(integer_null(MerchantStaff::RemovedBy))
                .foreign_key(
                    ForeignKey::create()
                        .from(MerchantStaff::Table, MerchantStaff::MerchantId)
                        .to(Merchants::Table, Merchants::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(MerchantStaff::Table, MerchantStaff::UserId)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_merchant_staff_active ON merchant_staff (user_id) \
                 WHERE removed_at IS NULL",
            )
            .await?;
        m.create_index(
            Index::create()
                .name("idx_merchant_staff_merchant")
                .table(MerchantStaff::Table)
                .col(MerchantStaff::MerchantId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(StaffInvitations::Table)
                .col(pk_auto(StaffInvitations::Id))
                .col(integer(StaffInvitations::MerchantId))
                .col(string_len(StaffInvitations::Email, 254))
                .col(string_len(StaffInvitations::Name, 50))
                .col(string_len_uniq(StaffInvitations::TokenHash, 64))
                .col(integer(StaffInvitations::InvitedBy))
                .col(timestamp_with_time_zone(StaffInvitations::CreatedAt))
                .col(timestamp_with_time_zone(StaffInvitations::ExpiresAt))
                .col(timestamp_with_time_zone_null(StaffInvitations::AcceptedAt))
                .col(integer_null(StaffInvitations::AcceptedBy))
                .col(timestamp_with_time_zone_null(StaffInvitations::RevokedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(StaffInvitations::Table, StaffInvitations::MerchantId)
                        .to(Merchants::Table, Merchants::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_staff_invitations_merchant")
                .table(StaffInvitations::Table)
                .col(StaffInvitations::MerchantId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(StaffInvitations::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(MerchantStaff::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Merchants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MerchantStaff {
    Table,
    Id,
    MerchantId,
    UserId,
    AddedBy,
    AddedAt,
    RemovedAt,
    RemovedBy,
}

#[derive(DeriveIden)]
enum StaffInvitations {
    Table,
    Id,
    MerchantId,
    Email,
    Name,
    TokenHash,
    InvitedBy,
    CreatedAt,
    ExpiresAt,
    AcceptedAt,
    AcceptedBy,
    RevokedAt,
}
