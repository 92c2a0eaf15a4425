//! An e-commerce platform's webhook endpoints (scope `webhooks:manage`):
//! register (the secret shown once), list, delete, rotate the secret; the
//! delivery log and replay. The admin reads the same log on the
//! organisation's page and may replay too. Another organisation's endpoint
//! or delivery is a 404, as if it did not exist.

use domain::platforms::Scope;
use domain::webhooks::{
    CreatedWebhook, DeliveryState, MAX_ENDPOINTS, WebhookAttemptView, WebhookDeliveryView,
    WebhookEndpointView, WebhookInput,
};
use domain::{AppError, UserView};
use entities::{webhook_attempt, webhook_delivery, webhook_endpoint};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};

use super::organisations::find;
use super::{OrgCaller, require_admin};
use crate::Services;
use crate::db::internal_error;
use crate::webhooks::{self, Job, address};

/// The most deliveries a log lists.
pub const LOG_MAX: u64 = 100;

/// Registers `input.url` for the caller's organisation.
pub async fn create(
    svc: &Services,
    org: &OrgCaller,
    input: &WebhookInput,
) -> Result<CreatedWebhook, AppError> {
    org.require(Scope::WebhooksManage)?;
    let allow = svc.config.webhooks.allow_private;
    let url = address::parse(&input.url, allow)?;
    address::resolve(&url, allow).await?;
    let live = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::OrganisationId.eq(org.organisation_id))
        .filter(webhook_endpoint::Column::DeletedAt.is_null())
        .count(&svc.db)
        .await
        .map_err(internal_error)?;
    if live >= MAX_ENDPOINTS as u64 {
        return Err(AppError::conflict("url", "err.webhook.too_many"));
    }
    let secret = webhooks::new_secret();
    let e = webhook_endpoint::ActiveModel {
        organisation_id: Set(org.organisation_id),
        url: Set(url.to_string()),
        secret: Set(secret.clone()),
        created_at: Set(svc.clock.now()),
        secret_rotated_at: Set(None),
        deleted_at: Set(None),
        ..Default::default()
    }
    .insert(&svc.db)
    .await
    .map_err(internal_error)?;
    tracing::info!(
        organisation = org.organisation_id,
        endpoint = e.id,
        "webhook endpoint registered"
    );
    Ok(CreatedWebhook {
        secret,
        endpoint: view(&e),
    })
}

/// The caller's live endpoints, oldest first.
pub async fn list(svc: &Services, org: &OrgCaller) -> Result<Vec<WebhookEndpointView>, AppError> {
    org.require(Scope::WebhooksManage)?;
    let rows = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::OrganisationId.eq(org.organisation_id))
        .filter(webhook_endpoint::Column::DeletedAt.is_null())
        .order_by_asc(webhook_endpoint::Column::Id)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    Ok(rows.iter().map(view).collect())
}

/// A live endpoint of the caller's organisation, or 404.
async fn own(
    svc: &Services,
    org: &OrgCaller,
    id: i32,
) -> Result<webhook_endpoint::Model, AppError> {
    webhook_endpoint::Entity::find_by_id(id)
        .filter(webhook_endpoint::Column::OrganisationId.eq(org.organisation_id))
        .filter(webhook_endpoint::Column::DeletedAt.is_null())
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)
}

/// Deletes an endpoint: nothing more is sent to it (queued sends end as
/// failed); its delivery log stays.
pub async fn delete(svc: &Services, org: &OrgCaller, id: i32) -> Result<(), AppError> {
    org.require(Scope::WebhooksManage)?;
    let e = own(svc, org, id).await?;
    let mut am = e.into_active_model();
    am.deleted_at = Set(Some(svc.clock.now()));
    am.update(&svc.db).await.map_err(internal_error)?;
    tracing::info!(
        organisation = org.organisation_id,
        endpoint = id,
        "webhook endpoint deleted"
    );
    Ok(())
}

/// A new secret for an endpoint, shown this once; the old one stops
/// signing at once.
pub async fn rotate(svc: &Services, org: &OrgCaller, id: i32) -> Result<CreatedWebhook, AppError> {
    org.require(Scope::WebhooksManage)?;
    let e = own(svc, org, id).await?;
    let secret = webhooks::new_secret();
    let mut am = e.into_active_model();
    am.secret = Set(secret.clone());
    am.secret_rotated_at = Set(Some(svc.clock.now()));
    let e = am.update(&svc.db).await.map_err(internal_error)?;
    tracing::info!(
        organisation = org.organisation_id,
        endpoint = id,
        "webhook secret rotated"
    );
    Ok(CreatedWebhook {
        secret,
        endpoint: view(&e),
    })
}

/// The organisation's latest deliveries (newest first), each with its attempts.
pub async fn deliveries(
    svc: &Services,
    org: &OrgCaller,
) -> Result<Vec<WebhookDeliveryView>, AppError> {
    org.require(Scope::WebhooksManage)?;
    log(svc, org.organisation_id).await
}

/// Sends a delivery of the caller's organisation again (same event id,
/// same body, a fresh signature). 409 while it is still pending.
pub async fn replay(
    svc: &Services,
    org: &OrgCaller,
    delivery_id: i32,
) -> Result<WebhookDeliveryView, AppError> {
    org.require(Scope::WebhooksManage)?;
    replay_in(svc, org.organisation_id, delivery_id).await
}

/// The admin's view of organisation `org_id`: every endpoint (deleted ones
/// too) and the latest deliveries.
pub async fn for_admin(
    svc: &Services,
    admin: &UserView,
    org_id: i32,
) -> Result<(Vec<WebhookEndpointView>, Vec<WebhookDeliveryView>), AppError> {
    require_admin(admin)?;
    find(&svc.db, org_id).await?;
    let endpoints = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::OrganisationId.eq(org_id))
        .order_by_asc(webhook_endpoint::Column::Id)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    Ok((
        endpoints.iter().map(view).collect(),
        log(svc, org_id).await?,
    ))
}

/// The admin replays delivery `delivery_id` of organisation `org_id`.
pub async fn admin_replay(
    svc: &Services,
    admin: &UserView,
    org_id: i32,
    delivery_id: i32,
) -> Result<WebhookDeliveryView, AppError> {
    require_admin(admin)?;
    let d = replay_in(svc, org_id, delivery_id).await?;
    tracing::info!(
        admin = admin.id,
        organisation = org_id,
        delivery = delivery_id,
        "webhook delivery replayed by an admin"
    );
    Ok(d)
}

async fn replay_in(
    svc: &Services,
    org_id: i32,
    delivery_id: i32,
) -> Result<WebhookDeliveryView, AppError> {
    let d = webhook_delivery::Entity::find_by_id(delivery_id)
        .filter(webhook_delivery::Column::OrganisationId.eq(org_id))
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    let live = webhook_endpoint::Entity::find_by_id(d.endpoint_id)
        .filter(webhook_endpoint::Column::DeletedAt.is_null())
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .is_some();
    if !live {
        return Err(AppError::NotFound);
    }
    let txn = svc.db.begin().await.map_err(internal_error)?;
    // Guarded: of two replays at once (or one while a send is queued) one wins.
    let moved = webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::State,
            Expr::value(DeliveryState::Pending.as_str()),
        )
        .filter(webhook_delivery::Column::Id.eq(d.id))
        .filter(webhook_delivery::Column::State.ne(DeliveryState::Pending.as_str()))
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    if moved.rows_affected != 1 {
        return Err(AppError::conflict("delivery", "err.webhook.pending"));
    }
    crate::outbox::enqueue(
        &txn,
        webhooks::TOPIC,
        &Job { delivery_id: d.id },
        chrono::Utc::now(),
    )
    .await
    .map_err(internal_error)?;
    txn.commit().await.map_err(internal_error)?;
    let d = webhook_delivery::Entity::find_by_id(d.id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    Ok(delivery_view(d, vec![]))
}

async fn log(svc: &Services, org_id: i32) -> Result<Vec<WebhookDeliveryView>, AppError> {
    let rows = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::OrganisationId.eq(org_id))
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(LOG_MAX)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let ids: Vec<i32> = rows.iter().map(|d| d.id).collect();
    let attempts = if ids.is_empty() {
        vec![]
    } else {
        webhook_attempt::Entity::find()
            .filter(webhook_attempt::Column::DeliveryId.is_in(ids))
            .order_by_asc(webhook_attempt::Column::Id)
            .all(&svc.db)
            .await
            .map_err(internal_error)?
    };
    Ok(rows
        .into_iter()
        .map(|d| {
            let mine = attempts
                .iter()
                .filter(|a| a.delivery_id == d.id)
                .map(|a| WebhookAttemptView {
                    at: a.at,
                    status_code: a.status_code,
                    error: a.error.clone(),
                    duration_ms: a.duration_ms,
                    response_excerpt: a.response_excerpt.clone(),
                })
                .collect();
            delivery_view(d, mine)
        })
        .collect())
}

fn delivery_view(
    d: webhook_delivery::Model,
    attempt_log: Vec<WebhookAttemptView>,
) -> WebhookDeliveryView {
    WebhookDeliveryView {
        id: d.id,
        endpoint_id: d.endpoint_id,
        case_id: d.case_id,
        event_id: d.event_id,
        event_type: d.event_type,
        state: DeliveryState::parse(&d.state).unwrap_or(DeliveryState::Pending),
        attempts: d.attempts,
        created_at: d.created_at,
        last_attempt_at: d.last_attempt_at,
        delivered_at: d.delivered_at,
        attempt_log,
    }
}

fn view(e: &webhook_endpoint::Model) -> WebhookEndpointView {
    WebhookEndpointView {
        id: e.id,
        organisation_id: e.organisation_id,
        url: e.url.clone(),
        created_at: e.created_at,
        secret_rotated_at: e.secret_rotated_at,
        deleted_at: e.deleted_at,
    }
}
