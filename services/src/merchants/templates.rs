//! A merchant's reply templates (回复模板): kept by the business, written and
//! used by its main account and every staff member alike (`record::merchants_of`
//! says which business an account answers for). The rules and bodies are
//! `domain::merchant::templates`.

use domain::merchant::templates::{MAX_TEMPLATES, ReplyTemplate, TemplateInput};
use domain::{AppError, Role, UserView};
use entities::{merchant, reply_template as tpl};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::Services;
use crate::db::internal_error;

/// The business `user` answers for; 403 for any other account.
async fn business_of<C: ConnectionTrait>(conn: &C, user: &UserView) -> Result<i32, AppError> {
    if user.role != Role::Merchant {
        return Err(AppError::Forbidden);
    }
    crate::record::merchants_of(conn, user.id)
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::Forbidden)
}

fn view(t: tpl::Model) -> ReplyTemplate {
    ReplyTemplate {
        id: t.id,
        title: t.title,
        text: t.body,
        updated_at: t.updated_at,
    }
}

/// The business's templates, by title.
pub async fn list(svc: &Services, user: &UserView) -> Result<Vec<ReplyTemplate>, AppError> {
    let merchant_id = business_of(&svc.db, user).await?;
    Ok(tpl::Entity::find()
        .filter(tpl::Column::MerchantId.eq(merchant_id))
        .order_by_asc(tpl::Column::Title)
        .order_by_asc(tpl::Column::Id)
        .all(&svc.db)
        .await
        .map_err(internal_error)?
        .into_iter()
        .map(view)
        .collect())
}

/// The templates for a case page: the business's, when `user` answers for
/// the case's merchant; none for anyone else (never an error).
pub async fn for_case(
    svc: &Services,
    user: &UserView,
    case_merchant: i32,
) -> Result<Vec<ReplyTemplate>, AppError> {
    match business_of(&svc.db, user).await {
        Ok(id) if id == case_merchant => list(svc, user).await,
        Ok(_) | Err(AppError::Forbidden) => Ok(vec![]),
        Err(e) => Err(e),
    }
}

/// Adds a template; 409 on `title` once the business keeps [`MAX_TEMPLATES`]
/// (the merchant's row is locked meanwhile, so two at once cannot pass it).
pub async fn create(
    svc: &Services,
    user: &UserView,
    input: &TemplateInput,
) -> Result<ReplyTemplate, AppError> {
    let (title, text) = input.check()?;
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let merchant_id = business_of(&txn, user).await?;
    merchant::Entity::find_by_id(merchant_id)
        .lock_exclusive()
        .one(&txn)
        .await
        .map_err(internal_error)?;
    let kept = tpl::Entity::find()
        .filter(tpl::Column::MerchantId.eq(merchant_id))
        .count(&txn)
        .await
        .map_err(internal_error)?;
    if kept >= MAX_TEMPLATES {
        return Err(AppError::conflict("title", "err.templates.full"));
    }
    let now = svc.clock.now();
    let t = tpl::ActiveModel {
        merchant_id: Set(merchant_id),
        title: Set(title),
        body: Set(text),
        updated_by: Set(user.id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(internal_error)?;
    txn.commit().await.map_err(internal_error)?;
    Ok(view(t))
}

/// One of the business's templates; 404 for another business's (or none).
async fn own<C: ConnectionTrait>(
    conn: &C,
    user: &UserView,
    id: i32,
) -> Result<tpl::Model, AppError> {
    let merchant_id = business_of(conn, user).await?;
    tpl::Entity::find_by_id(id)
        .one(conn)
        .await
        .map_err(internal_error)?
        .filter(|t| t.merchant_id == merchant_id)
        .ok_or(AppError::NotFound)
}

/// Rewrites a template.
pub async fn update(
    svc: &Services,
    user: &UserView,
    id: i32,
    input: &TemplateInput,
) -> Result<ReplyTemplate, AppError> {
    let t = own(&svc.db, user, id).await?;
    let (title, text) = input.check()?;
    let mut a: tpl::ActiveModel = t.into();
    a.title = Set(title);
    a.body = Set(text);
    a.updated_by = Set(user.id);
    a.updated_at = Set(svc.clock.now());
    Ok(view(a.update(&svc.db).await.map_err(internal_error)?))
}

/// Deletes a template (messages already sent with it keep their text).
pub async fn delete(svc: &Services, user: &UserView, id: i32) -> Result<(), AppError> {
    let t = own(&svc.db, user, id).await?;
    tpl::Entity::delete_by_id(t.id)
        .exec(&svc.db)
        .await
        .map_err(internal_error)?;
    Ok(())
}
