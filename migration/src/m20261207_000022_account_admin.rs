//! Account administration: an account can be deactivated (signed out
//! everywhere, sign-in refused) and deleted by its owner (pseudonymised:
//! `deleted_at`), an address change waits for the new address to confirm
//! (`pending_email`), and every act of staff administration — an account
//! created, deactivated, reactivated, a role changed — is logged.
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        for col in [
            timestamp_with_time_zone_null(Accounts::DeactivatedAt),
            timestamp_with_time_zone_null(Accounts::DeletedAt),
            string_len_null(Accounts::PendingEmail, 254),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Accounts::Table)
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table(StaffAdminLog::Table)
                .col(pk_auto(StaffAdminLog::Id))
                .col(integer(StaffAdminLog::AdminId))
                .col(integer(StaffAdminLog::UserId))
                .col(string_len(StaffAdminLog::Action, 20))
                .col(string_len_null(StaffAdminLog::FromRole, 20))
                .col(string_len_null(StaffAdminLog::ToRole, 20))
                .col(text(StaffAdminLog::Reason))
                .col(timestamp_with_time_zone(StaffAdminLog::At))
                .foreign_key(
                    ForeignKey::create()
                        .from(StaffAdminLog::Table, StaffAdminLog::AdminId)
                        .to(Users::Table, Users::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(StaffAdminLog::Table, StaffAdminLog::UserId)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_staff_admin_log_user")
                .table(StaffAdminLog::Table)
                .col(StaffAdminLog::UserId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(StaffAdminLog::Table).to_owned())
            .await?;
        for col in [
            Accounts::DeactivatedAt,
            Accounts::DeletedAt,
            Accounts::PendingEmail,
        ] {
            m.alter_table(
                Table::alter()
                    .table(Accounts::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

/// The new columns of `users`.
#[derive(DeriveIden)]
enum Accounts {
    #[sea_orm(iden = "users")]
    Table,
    DeactivatedAt,
    DeletedAt,
    PendingEmail,
}

#[derive(DeriveIden)]
enum StaffAdminLog {
    Table,
    Id,
    AdminId,
    UserId,
    Action,
    FromRole,
    ToRole,
    Reason,
    At,
}
