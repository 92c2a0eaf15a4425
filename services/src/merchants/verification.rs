//! Real-name verification (实名登记, 亮照亮标): a merchant account registers
//! or claims a business by its USCC with the licence fields, shop names and a
//! licence image; a regulator or admin verifies or rejects it with a reason.
//! Verifying links the account to the business (it then answers its
//! complaints) and gives the business its verification mark.

use domain::merchant::{
    LegalForm, MerchantKind, RegistrationInput, VerificationStatus, VerificationView,
};
use domain::{AppError, Role, UserView};
use entities::{merchant, merchant_verification as mv};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::Services;
use crate::db::{conflict_on_unique, internal_error};

pub(crate) fn view(v: mv::Model, uscc: String) -> VerificationView {
    VerificationView {
        id: v.id,
        merchant_id: v.merchant_id,
        uscc,
        account_id: v.account_id,
        name: v.name,
        legal_form: LegalForm::parse(&v.legal_form).unwrap_or(LegalForm::Other),
        kind: MerchantKind::parse(&v.kind).unwrap_or(MerchantKind::Shop),
        registered_address: v.registered_address,
        business_scope: v.business_scope,
        shop_names: serde_json::from_str(&v.shop_names).unwrap_or_default(),
        licence_valid_until: v.licence_valid_until,
        licence_sha256: v.licence_sha256,
        status: VerificationStatus::parse(&v.status).unwrap_or(VerificationStatus::Pending),
        reason: v.reason,
        decided_at: v.decided_at,
        created_at: v.created_at,
    }
}

/// `POST /api/v1/merchants`: a merchant account registers a business, or
/// claims one the registry already lists. The request waits for a regulator.
pub async fn register(
    svc: &Services,
    user: &UserView,
    input: &RegistrationInput,
) -> Result<VerificationView, AppError> {
    if user.role != Role::Merchant {
        return Err(AppError::Forbidden);
    }
    let now = svc.clock.now();
    let r = input.check(domain::calendar::local_date(now))?;
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let existing = merchant::Entity::find()
        .filter(merchant::Column::Uscc.eq(r.uscc.as_str()))
        .one(&txn)
        .await
        .map_err(internal_error)?;
    let m = match existing {
        Some(m) if m.verified_at.is_some() && m.account_id != Some(user.id) => {
            return Err(AppError::conflict("uscc", "err.merchant.claimed"));
        }
        Some(m) => m,
        None => merchant::ActiveModel {
            uscc: Set(r.uscc.as_str().into()),
            name: Set(r.name.clone()),
            kind: Set(r.kind.as_str().into()),
            entity_type: Set(String::new()),
            registered_on: Set(None),
            registered_capital: Set(String::new()),
            business_scope: Set(r.business_scope.clone()),
            province: Set(String::new()),
            region: Set(String::new()),
            address: Set(r.registered_address.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(conflict_on_unique("uscc", "err.case_changed"))?,
    };
    // A new merchant has a public page now (and every page counts merchants).
    crate::changes::merchant_changed(&txn, m.id, now).await?;
    let row = mv::ActiveModel {
        merchant_id: Set(m.id),
        account_id: Set(user.id),
        name: Set(r.name),
        legal_form: Set(r.legal_form.as_str().into()),
        kind: Set(r.kind.as_str().into()),
        registered_address: Set(r.registered_address),
        business_scope: Set(r.business_scope),
        shop_names: Set(serde_json::to_string(&r.shop_names).map_err(|_| AppError::Internal)?),
        licence_valid_until: Set(r.licence_valid_until),
        licence_sha256: Set(None),
        licence_content_type: Set(None),
        status: Set(VerificationStatus::Pending.as_str().into()),
        reason: Set(None),
        decided_by: Set(None),
        decided_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(conflict_on_unique("uscc", "err.verification.pending"))?;
    txn.commit().await.map_err(internal_error)?;
    Ok(view(row, m.uscc))
}

async fn load(svc: &Services, id: i32) -> Result<(mv::Model, merchant::Model), AppError> {
    load_in(&svc.db, id).await
}

async fn load_in<C: sea_orm::ConnectionTrait>(
    conn: &C,
    id: i32,
) -> Result<(mv::Model, merchant::Model), AppError> {
    let v = mv::Entity::find_by_id(id)
        .one(conn)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    let m = merchant::Entity::find_by_id(v.merchant_id)
        .one(conn)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    Ok((v, m))
}

fn is_verifier(role: Role) -> bool {
    matches!(role, Role::Regulator | Role::Admin)
}

/// The request as its applicant or a verifier may read it; 404 for anyone else.
pub async fn get(svc: &Services, user: &UserView, id: i32) -> Result<VerificationView, AppError> {
    let (v, m) = load(svc, id).await?;
    if v.account_id != user.id && !is_verifier(user.role) {
        return Err(AppError::NotFound);
    }
    Ok(view(v, m.uscc))
}

/// The applicant attaches the licence image (or PDF) to a pending request.
pub async fn attach_licence(
    svc: &Services,
    user: &UserView,
    id: i32,
    bytes: &[u8],
) -> Result<VerificationView, AppError> {
    let content_type = crate::blobs::check(bytes, "file")?;
    let (v, m) = load(svc, id).await?;
    if v.account_id != user.id {
        return Err(AppError::NotFound);
    }
    if v.status != VerificationStatus::Pending.as_str() {
        return Err(AppError::conflict("status", "err.verification.decided"));
    }
    let sha = crate::blobs::store(svc, bytes).await?;
    let mut am: mv::ActiveModel = v.into();
    am.licence_sha256 = Set(Some(sha));
    am.licence_content_type = Set(Some(content_type.into()));
    let v = am.update(&svc.db).await.map_err(internal_error)?;
    Ok(view(v, m.uscc))
}

/// The licence file: the applicant and verifiers always; anyone once the
/// business is verified with it (亮照).
pub async fn licence_file(
    svc: &Services,
    user: Option<&UserView>,
    id: i32,
) -> Result<(String, Vec<u8>), AppError> {
    let (v, _) = load(svc, id).await?;
    let allowed = v.status == VerificationStatus::Verified.as_str()
        || user.is_some_and(|u| u.id == v.account_id || is_verifier(u.role));
    let (Some(sha), Some(ct), true) = (v.licence_sha256, v.licence_content_type, allowed) else {
        return Err(AppError::NotFound);
    };
    Ok((ct, crate::blobs::read(svc, &sha).await?))
}

/// Requests by status, oldest first (verifiers), or the caller's own (merchants).
pub async fn list(
    svc: &Services,
    user: &UserView,
    status: Option<VerificationStatus>,
) -> Result<Vec<VerificationView>, AppError> {
    let mut q = mv::Entity::find();
    if user.role == Role::Merchant {
        q = q.filter(mv::Column::AccountId.eq(user.id));
    } else if !is_verifier(user.role) {
        return Err(AppError::Forbidden);
    }
    if let Some(s) = status {
        q = q.filter(mv::Column::Status.eq(s.as_str()));
    }
    let rows = q
        .order_by_asc(mv::Column::CreatedAt)
        .order_by_asc(mv::Column::Id)
        .limit(500)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let usccs: std::collections::HashMap<i32, String> = merchant::Entity::find()
        .select_only()
        .column(merchant::Column::Id)
        .column(merchant::Column::Uscc)
        .filter(merchant::Column::Id.is_in(rows.iter().map(|r| r.merchant_id)))
        .into_tuple::<(i32, String)>()
        .all(&svc.db)
        .await
        .map_err(internal_error)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let u = usccs.get(&r.merchant_id).cloned().unwrap_or_default();
            view(r, u)
        })
        .collect())
}

/// A regulator or admin verifies (`approve`) or rejects (reason required).
/// Verifying links the account to the business, shows the licence fields
/// and the mark, and rejects other pending claims on the same business.
pub async fn decide(
    svc: &Services,
    user: &UserView,
    id: i32,
    approve: bool,
    reason: Option<&str>,
) -> Result<VerificationView, AppError> {
    if !is_verifier(user.role) {
        return Err(AppError::Forbidden);
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if !approve && reason.is_none() {
        return Err(AppError::invalid("reason", "err.required"));
    }
    if reason.is_some_and(|r| r.chars().count() > 2000) {
        return Err(AppError::invalid("reason", "err.text_too_long"));
    }
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let (v, m) = load_in(&txn, id).await?;
    let status = if approve {
        VerificationStatus::Verified
    } else {
        VerificationStatus::Rejected
    };
    // Guarded: only a pending request is decided, once.
    let res = mv::Entity::update_many()
        .col_expr(mv::Column::Status, Expr::value(status.as_str()))
        .col_expr(mv::Column::Reason, Expr::value(reason.map(str::to_string)))
        .col_expr(mv::Column::DecidedBy, Expr::value(user.id))
        .col_expr(mv::Column::DecidedAt, Expr::value(now))
        .filter(mv::Column::Id.eq(id))
        .filter(mv::Column::Status.eq(VerificationStatus::Pending.as_str()))
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict("status", "err.verification.decided"));
    }
    if approve {
        if m.verified_at.is_some() && m.account_id.is_some_and(|a| a != v.account_id) {
            return Err(AppError::conflict("uscc", "err.merchant.claimed"));
        }
        let mut am: merchant::ActiveModel = m.clone().into();
        am.account_id = Set(Some(v.account_id));
        am.verified_at = Set(Some(now));
        am.legal_form = Set(Some(v.legal_form.clone()));
        am.kind = Set(v.kind.clone());
        am.shop_names = Set(Some(v.shop_names.clone()));
        am.licence_valid_until = Set(v.licence_valid_until);
        am.licence_sha256 = Set(v.licence_sha256.clone());
        // The registry's own facts stay; a business new to the registry takes the declared ones.
        if m.business_scope.trim().is_empty() {
            am.business_scope = Set(v.business_scope.clone());
        }
        am.updated_at = Set(now);
        am.update(&txn).await.map_err(internal_error)?;
        // Other claims on the same business lose.
        let others: Vec<mv::Model> = mv::Entity::find()
            .filter(mv::Column::MerchantId.eq(v.merchant_id))
            .filter(mv::Column::Status.eq(VerificationStatus::Pending.as_str()))
            .all(&txn)
            .await
            .map_err(internal_error)?;
        for o in others {
            mv::Entity::update_many()
                .col_expr(
                    mv::Column::Status,
                    Expr::value(VerificationStatus::Rejected.as_str()),
                )
                .col_expr(mv::Column::Reason, Expr::value("err.merchant.claimed"))
                .col_expr(mv::Column::DecidedBy, Expr::value(user.id))
                .col_expr(mv::Column::DecidedAt, Expr::value(now))
                .filter(mv::Column::Id.eq(o.id))
                .exec(&txn)
                .await
                .map_err(internal_error)?;
            crate::record::notice::add(&txn, o.account_id, None, "verification_rejected", now)
                .await?;
        }
        crate::credit::recompute_later(&txn, v.merchant_id, now).await?;
    }
    crate::record::notice::add(
        &txn,
        v.account_id,
        None,
        if approve {
            "verification_approved"
        } else {
            "verification_rejected"
        },
        now,
    )
    .await?;
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    get(svc, user, id).await
}
