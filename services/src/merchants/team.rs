//! A merchant's staff accounts (商户员工账户): the main account invites by
//! mail, the invited person accepts with the link (signing in, or creating
//! an account the link proves the address of), the main account removes
//! them, and a staff member may leave. Who answers for a business is
//! `record::answers_for`; the rules and bodies are `domain::merchant::team`.
//!
//! Staff answer the business's cases (every step, message, offer, file and
//! rating; the trail names which account took it) and get its case notices.
//! Credit matters — commitments, objections, repair, the fund account — stay
//! with the main account.

use chrono::Duration;
use domain::merchant::team::{
    INVITATION_DAYS, InvitationView, InviteInput, JoinInput, MAX_STAFF, PendingInvitation,
    TeamMember, TeamView, invitation_open,
};
use domain::{AppError, Lang, Role, UserView, tf};
use entities::{merchant, merchant_staff, staff_invitation as inv, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

use crate::accounts::{passwords, tokens};
use crate::db::{conflict_on_unique, internal_error};
use crate::{Services, mail};

/// The business `user` answers for and whether `user` is its main account;
/// 403 for an account that answers for none.
async fn business_of<C: ConnectionTrait>(
    conn: &C,
    user: &UserView,
) -> Result<(merchant::Model, bool), AppError> {
    if user.role != Role::Merchant {
        return Err(AppError::Forbidden);
    }
    let Some(id) = crate::record::merchants_of(conn, user.id)
        .await?
        .into_iter()
        .next()
    else {
        return Err(AppError::Forbidden);
    };
    let m = merchant::Entity::find_by_id(id)
        .one(conn)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::Forbidden)?;
    let main = m.account_id == Some(user.id);
    Ok((m, main))
}

/// The main account of the business, or 403.
async fn managed_by<C: ConnectionTrait>(
    conn: &C,
    user: &UserView,
) -> Result<merchant::Model, AppError> {
    match business_of(conn, user).await? {
        (m, true) => Ok(m),
        _ => Err(AppError::Forbidden),
    }
}

/// `GET /merchants/team`: the team of the business the caller answers for.
pub async fn team(svc: &Services, user: &UserView) -> Result<TeamView, AppError> {
    let (m, manages) = business_of(&svc.db, user).await?;
    // The active staff rows once: who they are (after the main account, in
    // the order they joined) and since when.
    let staff = merchant_staff::Entity::find()
        .filter(merchant_staff::Column::MerchantId.eq(m.id))
        .filter(merchant_staff::Column::RemovedAt.is_null())
        .order_by_asc(merchant_staff::Column::Id)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let accounts: Vec<i32> = m
        .account_id
        .into_iter()
        .chain(staff.iter().map(|s| s.user_id))
        .collect();
    let since: std::collections::HashMap<i32, chrono::DateTime<chrono::Utc>> =
        staff.iter().map(|s| (s.user_id, s.added_at)).collect();
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(accounts.clone()))
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let members = accounts
        .iter()
        .filter_map(|id| users.iter().find(|u| u.id == *id))
        .map(|u| TeamMember {
            user_id: u.id,
            name: u.display_name.clone(),
            email: u.email.clone(),
            main: m.account_id == Some(u.id),
            since: since
                .get(&u.id)
                .copied()
                .or(m.verified_at)
                .unwrap_or(u.created_at),
            you: u.id == user.id,
        })
        .collect();
    let invitations = if manages {
        pending(&svc.db, m.id, svc.clock.now())
            .await?
            .into_iter()
            .map(|i| PendingInvitation {
                id: i.id,
                email: i.email,
                name: i.name,
                invited_at: i.created_at,
                expires_at: i.expires_at,
            })
            .collect()
    } else {
        vec![]
    };
    Ok(TeamView {
        merchant_id: m.id,
        merchant_name: m.name,
        members,
        invitations,
        manages,
    })
}

async fn pending<C: ConnectionTrait>(
    conn: &C,
    merchant_id: i32,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<inv::Model>, AppError> {
    inv::Entity::find()
        .filter(inv::Column::MerchantId.eq(merchant_id))
        .filter(inv::Column::AcceptedAt.is_null())
        .filter(inv::Column::RevokedAt.is_null())
        .filter(inv::Column::ExpiresAt.gt(now))
        .order_by_asc(inv::Column::Id)
        .all(conn)
        .await
        .map_err(internal_error)
}

/// `POST /merchants/team/invitations`: the main account invites `input.email`.
/// Refused (409 on `email`) for an address already on the team or invited,
/// an account that is not a merchant account or answers for a business of
/// its own or another's, and beyond [`MAX_STAFF`]. The mail goes out with
/// the invitation (outbox, same transaction), in the inviter's language.
pub async fn invite(
    svc: &Services,
    user: &UserView,
    input: &InviteInput,
    lang: Lang,
) -> Result<PendingInvitation, AppError> {
    let (email, name) = input.check()?;
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let m = managed_by(&txn, user).await?;
    let open = pending(&txn, m.id, now).await?;
    if open.iter().any(|i| i.email == email.as_str()) {
        return Err(AppError::conflict("email", "err.team.already_invited"));
    }
    let staff = crate::record::merchant_accounts(&txn, &m)
        .await?
        .len()
        .saturating_sub(1);
    if staff + open.len() >= MAX_STAFF {
        return Err(AppError::conflict("email", "err.team.full"));
    }
    if let Some(existing) = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&txn)
        .await
        .map_err(internal_error)?
    {
        if existing.role != Role::Merchant.as_str() || existing.deactivated_at.is_some() {
            return Err(AppError::conflict("email", "err.team.not_merchant_account"));
        }
        if !crate::record::merchants_of(&txn, existing.id)
            .await?
            .is_empty()
        {
            return Err(AppError::conflict("email", "err.team.has_business"));
        }
    }
    let token = tokens::new_token();
    let row = inv::ActiveModel {
        merchant_id: Set(m.id),
        email: Set(email.as_str().into()),
        name: Set(name.clone()),
        token_hash: Set(tokens::hash_token(&token)),
        invited_by: Set(user.id),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(INVITATION_DAYS)),
        accepted_at: Set(None),
        accepted_by: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(internal_error)?;
    let link = format!(
        "{}/merchants/team/join?token={token}",
        svc.config.public_url
    );
    let msg = mail::MailMessage {
        to: email.as_str().into(),
        subject: tf(lang, "mail.team_invite.subject", &[&m.name]),
        body: tf(
            lang,
            "mail.team_invite.body",
            &[&name, &user.display_name, &m.name, &link],
        ),
    };
    mail::enqueue(&txn, &msg).await.map_err(internal_error)?;
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    tracing::info!(merchant_id = m.id, invitation = row.id, "staff invited");
    Ok(PendingInvitation {
        id: row.id,
        email: row.email,
        name: row.name,
        invited_at: row.created_at,
        expires_at: row.expires_at,
    })
}

/// `DELETE /merchants/team/invitations/{id}`: the main account withdraws an
/// invitation not yet accepted (its link stops working); 404 for another
/// business's.
pub async fn revoke(svc: &Services, user: &UserView, id: i32) -> Result<(), AppError> {
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let m = managed_by(&txn, user).await?;
    let res = inv::Entity::update_many()
        .col_expr(inv::Column::RevokedAt, Expr::value(now))
        .filter(inv::Column::Id.eq(id))
        .filter(inv::Column::MerchantId.eq(m.id))
        .filter(inv::Column::AcceptedAt.is_null())
        .filter(inv::Column::RevokedAt.is_null())
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    if res.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    txn.commit().await.map_err(internal_error)
}

/// `DELETE /merchants/team/members/{user_id}`: the main account removes a
/// staff member, or a staff member leaves (their own id). From then on the
/// account answers for nothing; its past steps stay in the trails under its
/// name. The main account cannot remove itself (409).
pub async fn remove(svc: &Services, user: &UserView, member: i32) -> Result<(), AppError> {
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let (m, main) = business_of(&txn, user).await?;
    if main && member == user.id {
        return Err(AppError::conflict("user_id", "err.team.main_stays"));
    }
    if !main && member != user.id {
        return Err(AppError::Forbidden);
    }
    let res = merchant_staff::Entity::update_many()
        .col_expr(merchant_staff::Column::RemovedAt, Expr::value(now))
        .col_expr(merchant_staff::Column::RemovedBy, Expr::value(user.id))
        .filter(merchant_staff::Column::MerchantId.eq(m.id))
        .filter(merchant_staff::Column::UserId.eq(member))
        .filter(merchant_staff::Column::RemovedAt.is_null())
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    if res.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    if member != user.id {
        crate::record::notice::add(&txn, member, None, "team_removed", now).await?;
    }
    txn.commit().await.map_err(internal_error)?;
    tracing::info!(merchant_id = m.id, member, by = user.id, "staff removed");
    Ok(())
}

/// The open invitation of a mailed token; 422 for an unknown token, 409
/// for one used, withdrawn or expired (both on `token`).
async fn open_invitation<C: ConnectionTrait>(
    conn: &C,
    token: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<inv::Model, AppError> {
    let unknown = || AppError::invalid("token", "err.team.invitation_unknown");
    if token.is_empty() || token.len() > 100 {
        return Err(unknown());
    }
    let i = inv::Entity::find()
        .filter(inv::Column::TokenHash.eq(tokens::hash_token(token)))
        .one(conn)
        .await
        .map_err(internal_error)?
        .ok_or_else(unknown)?;
    if !invitation_open(
        i.expires_at,
        i.accepted_at.is_some(),
        i.revoked_at.is_some(),
        now,
    ) {
        return Err(AppError::conflict("token", "err.team.invitation_closed"));
    }
    Ok(i)
}

/// What the join page shows for a mailed token.
pub async fn invitation(svc: &Services, token: &str) -> Result<InvitationView, AppError> {
    let i = open_invitation(&svc.db, token, svc.clock.now()).await?;
    let m = merchant::Entity::find_by_id(i.merchant_id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    let account_exists = user::Entity::find()
        .filter(user::Column::Email.eq(i.email.as_str()))
        .count(&svc.db)
        .await
        .map_err(internal_error)?
        > 0;
    Ok(InvitationView {
        merchant_name: m.name,
        email: i.email,
        name: i.name,
        expires_at: i.expires_at,
        account_exists,
    })
}

/// `POST /merchants/team/join`: accepts an invitation. An address with an
/// account joins signed in as that account (409 signed out, 403 as another
/// account); one without gets a merchant account with the name and password
/// given (verified: the link proves the address). Membership and the used
/// invitation are one transaction; the main account is told.
pub async fn join(
    svc: &Services,
    caller: Option<&UserView>,
    input: &JoinInput,
    lang: Lang,
) -> Result<UserView, AppError> {
    let now = svc.clock.now();
    // Hashing a new password is slow: done before the transaction.
    let existing_email = {
        let i = open_invitation(&svc.db, &input.token, now).await?;
        i.email
    };
    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(existing_email.as_str()))
        .one(&svc.db)
        .await
        .map_err(internal_error)?;
    let new_account = match (&existing, caller) {
        (Some(u), Some(c)) if c.id == u.id => None,
        (Some(_), Some(_)) => return Err(AppError::Forbidden),
        (Some(_), None) => return Err(AppError::conflict("token", "err.team.sign_in_first")),
        (None, _) => {
            let (name, password) = input.new_account()?;
            Some((name, passwords::hash(password).await?))
        }
    };
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let i = open_invitation(&txn, &input.token, now).await?;
    let account = match (existing, new_account) {
        (Some(u), _) => {
            if u.role != Role::Merchant.as_str() || u.deactivated_at.is_some() {
                return Err(AppError::conflict("token", "err.team.not_merchant_account"));
            }
            if !crate::record::merchants_of(&txn, u.id).await?.is_empty() {
                return Err(AppError::conflict("token", "err.team.has_business"));
            }
            u
        }
        (None, Some((name, hash))) => user::ActiveModel {
            email: Set(i.email.clone()),
            password_hash: Set(hash),
            display_name: Set(name),
            role: Set(Role::Merchant.as_str().into()),
            lang: Set(lang.code().into()),
            email_verified_at: Set(Some(now)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(conflict_on_unique("token", "err.email_taken"))?,
        (None, None) => return Err(AppError::NotFound),
    };
    merchant_staff::ActiveModel {
        merchant_id: Set(i.merchant_id),
        user_id: Set(account.id),
        added_by: Set(i.invited_by),
        added_at: Set(now),
        removed_at: Set(None),
        removed_by: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(conflict_on_unique("token", "err.team.has_business"))?;
    let used = inv::Entity::update_many()
        .col_expr(inv::Column::AcceptedAt, Expr::value(now))
        .col_expr(inv::Column::AcceptedBy, Expr::value(account.id))
        .filter(inv::Column::Id.eq(i.id))
        .filter(inv::Column::AcceptedAt.is_null())
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    if used.rows_affected == 0 {
        return Err(AppError::conflict("token", "err.team.invitation_closed"));
    }
    crate::record::notice::add(&txn, i.invited_by, None, "team_joined", now).await?;
    txn.commit().await.map_err(internal_error)?;
    tracing::info!(
        merchant_id = i.merchant_id,
        user = account.id,
        "staff joined"
    );
    Ok(crate::accounts::view(&account))
}
