//! Organisations: created, listed, deactivated and reactivated by an admin.

use domain::platforms::{NewOrganisation, OrgKind, OrganisationInput, OrganisationView};
use domain::{AppError, UserView};
use entities::{api_key, organisation};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};

use super::require_admin;
use crate::Services;
use crate::db::{conflict_on_unique, internal_error};

pub async fn create(
    svc: &Services,
    admin: &UserView,
    input: &OrganisationInput,
) -> Result<OrganisationView, AppError> {
    require_admin(admin)?;
    let NewOrganisation {
        kind,
        name,
        uscc,
        contact_email,
    } = input.check()?;
    let o = organisation::ActiveModel {
        kind: Set(kind.as_str().into()),
        name: Set(name),
        uscc: Set(uscc.as_str().into()),
        contact_email: Set(contact_email.as_str().into()),
        created_by: Set(admin.id),
        created_at: Set(svc.clock.now()),
        deactivated_at: Set(None),
        ..Default::default()
    }
    .insert(&svc.db)
    .await
    .map_err(conflict_on_unique("uscc", "err.platform.uscc_taken"))?;
    tracing::info!(
        admin = admin.id,
        organisation = o.id,
        "organisation created"
    );
    Ok(view(&o, vec![]))
}

/// Every organisation with its keys, newest first.
pub async fn list(svc: &Services, admin: &UserView) -> Result<Vec<OrganisationView>, AppError> {
    require_admin(admin)?;
    let orgs = organisation::Entity::find()
        .order_by_desc(organisation::Column::Id)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let keys = api_key::Entity::find()
        .order_by_desc(api_key::Column::Id)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    Ok(orgs
        .iter()
        .map(|o| {
            let mine = keys
                .iter()
                .filter(|k| k.organisation_id == o.id)
                .map(super::keys::view)
                .collect();
            view(o, mine)
        })
        .collect())
}

/// One organisation with its keys; 404 when there is none.
pub async fn get(svc: &Services, admin: &UserView, id: i32) -> Result<OrganisationView, AppError> {
    require_admin(admin)?;
    let o = find(&svc.db, id).await?;
    let keys = api_key::Entity::find()
        .filter(api_key::Column::OrganisationId.eq(id))
        .order_by_desc(api_key::Column::Id)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    Ok(view(&o, keys.iter().map(super::keys::view).collect()))
}

/// Deactivates (every key refused from the next call, on every server: the
/// check reads the database) or reactivates. The same state again changes nothing.
pub async fn set_active(
    svc: &Services,
    admin: &UserView,
    id: i32,
    active: bool,
) -> Result<OrganisationView, AppError> {
    require_admin(admin)?;
    let o = find(&svc.db, id).await?;
    if o.deactivated_at.is_none() != active {
        let mut am = o.into_active_model();
        am.deactivated_at = Set((!active).then(|| svc.clock.now()));
        am.update(&svc.db).await.map_err(internal_error)?;
        tracing::info!(
            admin = admin.id,
            organisation = id,
            active,
            "organisation status"
        );
    }
    get(svc, admin, id).await
}

pub(super) async fn find<C: ConnectionTrait>(
    conn: &C,
    id: i32,
) -> Result<organisation::Model, AppError> {
    organisation::Entity::find_by_id(id)
        .one(conn)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)
}

pub(super) fn kind_of(o: &organisation::Model) -> OrgKind {
    OrgKind::parse(&o.kind).unwrap_or(OrgKind::EcommercePlatform)
}

fn view(o: &organisation::Model, keys: Vec<domain::platforms::ApiKeyView>) -> OrganisationView {
    OrganisationView {
        id: o.id,
        kind: kind_of(o),
        name: o.name.clone(),
        uscc: o.uscc.clone(),
        contact_email: o.contact_email.clone(),
        active: o.deactivated_at.is_none(),
        created_at: o.created_at,
        keys,
    }
}
