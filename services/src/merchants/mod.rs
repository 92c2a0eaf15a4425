//! Merchants: import from the enterprise registry, look-up.

pub mod import;
pub mod team;
pub mod templates;
pub mod verification;

use domain::AppError;
pub use domain::merchant::MerchantSummary;
use entities::merchant;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::Services;
use crate::db::internal_error;

pub async fn count(svc: &Services) -> Result<u64, AppError> {
    merchant::Entity::find()
        .count(&svc.db)
        .await
        .map_err(internal_error)
}

/// A merchant as a consumer sees it while complaining: name, credit grade
/// and the figures of the last 12 months (`credit::stats`).
pub async fn standing_of<C: sea_orm::ConnectionTrait>(
    conn: &C,
    m: &merchant::Model,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<domain::cases::MerchantStanding, AppError> {
    use domain::merchant::MerchantKind;
    Ok(domain::cases::MerchantStanding {
        id: m.id,
        name: m.name.clone(),
        kind: MerchantKind::parse(&m.kind).unwrap_or(MerchantKind::Shop),
        grade: m.credit_grade.clone(),
        stats: crate::credit::stats::stats(conn, m.id, now).await?,
    })
}

/// [`standing_of`] the merchant `key` names, as typed in the filing form
/// (its number or USCC); none when it names none.
pub async fn standing(
    svc: &Services,
    key: &str,
) -> Result<Option<domain::cases::MerchantStanding>, AppError> {
    let Ok(key) = domain::cases::MerchantRef::parse(key, "merchant") else {
        return Ok(None);
    };
    match by_ref(&svc.db, &key).await? {
        Some(m) => Ok(Some(standing_of(&svc.db, &m, svc.clock.now()).await?)),
        None => Ok(None),
    }
}

/// The merchant a filing names: by its number or its USCC.
pub async fn by_ref<C: sea_orm::ConnectionTrait>(
    conn: &C,
    key: &domain::cases::MerchantRef,
) -> Result<Option<merchant::Model>, AppError> {
    use domain::cases::MerchantRef;
    match key {
        MerchantRef::Id(id) => merchant::Entity::find_by_id(*id).one(conn).await,
        MerchantRef::Uscc(u) => {
            merchant::Entity::find()
                .filter(merchant::Column::Uscc.eq(u.as_str()))
                .one(conn)
                .await
        }
    }
    .map_err(internal_error)
}

/// Plain database look-up by name fragment or USCC, until the search index
/// (tantivy) takes over.
pub async fn find_by_name_or_uscc(
    svc: &Services,
    q: &str,
    limit: u64,
) -> Result<Vec<MerchantSummary>, AppError> {
    let q = q.trim();
    if q.is_empty() {
        return Ok(vec![]);
    }
    let uscc: String = q
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let rows = merchant::Entity::find()
        .filter(
            Condition::any()
                .add(merchant::Column::Name.contains(q))
                .add(merchant::Column::Uscc.eq(uscc)),
        )
        .order_by_asc(merchant::Column::Name)
        .limit(limit)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    Ok(rows
        .into_iter()
        .map(|m| MerchantSummary {
            id: m.id,
            name: m.name,
            uscc: m.uscc,
            province: m.province,
            region: m.region,
        })
        .collect())
}

/// Makes `user_id` (a merchant account) the account that answers for
/// `merchant_id`, without verification. Only for test fixtures and the
/// benchmark: in the product an account answers for a business once a
/// regulator verified its claim (`verification::decide`).
pub async fn link_account(svc: &Services, merchant_id: i32, user_id: i32) -> Result<(), AppError> {
    use sea_orm::sea_query::Expr;
    let u = entities::user::Entity::find_by_id(user_id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    if u.role != domain::Role::Merchant.as_str() {
        return Err(AppError::invalid("role", "err.role_unknown"));
    }
    let res = merchant::Entity::update_many()
        .col_expr(merchant::Column::AccountId, Expr::value(user_id))
        .filter(merchant::Column::Id.eq(merchant_id))
        .exec(&svc.db)
        .await
        .map_err(internal_error)?;
    if res.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub async fn find_summary(svc: &Services, id: i32) -> Result<MerchantSummary, AppError> {
    let m = merchant::Entity::find_by_id(id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    Ok(MerchantSummary {
        id: m.id,
        name: m.name,
        uscc: m.uscc,
        province: m.province,
        region: m.region,
    })
}

/// The public profile of merchant `id`.
pub async fn profile(
    svc: &Services,
    id: i32,
) -> Result<domain::merchant::MerchantProfile, AppError> {
    use domain::merchant::{LegalForm, MerchantKind, VerificationStatus};
    let m = merchant::Entity::find_by_id(id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    // The licence image of the verification that verified it.
    let licence = match (&m.licence_sha256, m.verified_at) {
        (Some(sha), Some(_)) => entities::merchant_verification::Entity::find()
            .filter(entities::merchant_verification::Column::MerchantId.eq(id))
            .filter(
                entities::merchant_verification::Column::Status
                    .eq(VerificationStatus::Verified.as_str()),
            )
            .filter(entities::merchant_verification::Column::LicenceSha256.eq(sha.clone()))
            .order_by_desc(entities::merchant_verification::Column::Id)
            .one(&svc.db)
            .await
            .map_err(internal_error)?
            .map(|v| format!("/api/v1/merchants/verifications/{}/licence", v.id)),
        _ => None,
    };
    let (red_list, black_list) = crate::credit::lists::badges(&svc.db, id).await?;
    Ok(domain::merchant::MerchantProfile {
        id: m.id,
        kind: MerchantKind::parse(&m.kind).unwrap_or(MerchantKind::Shop),
        legal_form: m.legal_form.as_deref().and_then(LegalForm::parse),
        shop_names: m
            .shop_names
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default(),
        licence_valid_until: m.licence_valid_until,
        verified_at: m.verified_at,
        licence_url: licence,
        credit: m
            .credit_factors
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok()),
        credit_computed_at: m.credit_computed_at,
        commitments: crate::credit::commitments::list(&svc.db, id).await?,
        fund: crate::fund::public::summary(&svc.db, Some(id)).await?,
        red_list,
        black_list,
        stats: crate::credit::stats::stats(&svc.db, id, svc.clock.now()).await?,
        name: m.name,
        uscc: m.uscc,
        entity_type: m.entity_type,
        registered_on: m.registered_on,
        registered_capital: m.registered_capital,
        business_scope: m.business_scope,
        province: m.province,
        region: m.region,
        address: m.address,
    })
}
