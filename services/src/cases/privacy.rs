//! Personal data on cases: who sees the consumer's name and the texts
//! unmasked (the consumer; staff with a need, each read logged with its
//! reason), and the log admins read.

use domain::{AppError, Role, UserView};
use entities::case;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::Services;
use crate::db::internal_error;
use crate::record::{self, is_case_staff, trail};

/// How much of the consumer's personal data a reader sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exposure {
    /// The consumer who filed: their own data.
    Own,
    /// Staff with a need, logged with its reason: the case's handler, or
    /// staff who stated why (`?reveal=`).
    Logged(String),
    /// Everyone else (the merchant, other consumers, staff without a
    /// reason): names masked (张**), phones, ID numbers and emails in the
    /// texts masked.
    Masked,
}

/// What `viewer` sees of the consumer's data on case `c`.
pub fn exposure(viewer: &UserView, c: &case::Model, reveal: Option<&str>) -> Exposure {
    let reveal = reveal.map(str::trim).filter(|r| !r.is_empty());
    match viewer.role {
        Role::Consumer if c.consumer_id == viewer.id => Exposure::Own,
        r if is_case_staff(r) && c.owner_id == Some(viewer.id) => {
            Exposure::Logged(reveal.unwrap_or("case handler").chars().take(500).collect())
        }
        r if is_case_staff(r) => match reveal {
            Some(why) => Exposure::Logged(why.chars().take(500).collect()),
            None => Exposure::Masked,
        },
        _ => Exposure::Masked,
    }
}

/// Records an unmasked read by staff.
pub(crate) async fn log_access(
    svc: &Services,
    viewer: &UserView,
    c: &case::Model,
    fields: &str,
    reason: &str,
) -> Result<(), AppError> {
    log_access_in(&svc.db, viewer, c, fields, reason, svc.clock.now()).await
}

/// `log_access` in `conn` (the transaction of the change that reads them).
pub(crate) async fn log_access_in<C: sea_orm::ConnectionTrait>(
    conn: &C,
    viewer: &UserView,
    c: &case::Model,
    fields: &str,
    reason: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    entities::pii_access::ActiveModel {
        staff_id: Set(viewer.id),
        staff_role: Set(viewer.role.as_str().into()),
        case_id: Set(c.id),
        consumer_id: Set(c.consumer_id),
        fields: Set(fields.into()),
        reason: Set(reason.into()),
        at: Set(at),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map_err(internal_error)?;
    Ok(())
}

/// Records an unmasked bulk export by staff: one row for the whole export
/// (case and consumer 0), `fields` saying what was exported.
pub(crate) async fn log_export<C: sea_orm::ConnectionTrait>(
    conn: &C,
    viewer: &UserView,
    fields: &str,
    reason: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    entities::pii_access::ActiveModel {
        staff_id: Set(viewer.id),
        staff_role: Set(viewer.role.as_str().into()),
        case_id: Set(0),
        consumer_id: Set(0),
        fields: Set(fields.chars().take(200).collect()),
        reason: Set(reason.into()),
        at: Set(at),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map_err(internal_error)?;
    Ok(())
}

/// Masks personal data in every string of a trail body (messages, reasons).
pub(crate) fn scrub_strings(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => *s = domain::pii::scrub(s),
        serde_json::Value::Array(a) => a.iter_mut().for_each(scrub_strings),
        serde_json::Value::Object(o) => o.values_mut().for_each(scrub_strings),
        _ => {}
    }
}

pub use domain::cases::AccessView;

/// The identity of the consumer of case `case_id` as `viewer` may see it:
/// the number masked for everyone; in full only to staff who state a
/// reason (`reveal`), and that read is logged (`fields = resident_id`).
/// Who may not read the case gets 404.
pub async fn case_identity(
    svc: &Services,
    viewer: &UserView,
    case_id: i32,
    reveal: Option<&str>,
) -> Result<domain::identity::CaseIdentity, AppError> {
    use domain::identity::CaseIdentity;
    let (c, _) = record::load_readable(&svc.db, viewer, case_id).await?;
    let stated = reveal.map(str::trim).filter(|r| !r.is_empty());
    if let (Some(why), true) = (stated, is_case_staff(viewer.role)) {
        let why: String = why.chars().take(500).collect();
        let full = crate::accounts::identity::reveal(svc, &svc.db, c.consumer_id).await?;
        let Some(full) = full else {
            return Ok(CaseIdentity {
                identity: None,
                resident_id: None,
            });
        };
        // Logged before it is shown: a read the log missed never leaves.
        log_access(svc, viewer, &c, "resident_id", &why).await?;
        return Ok(CaseIdentity {
            identity: Some(domain::identity::IdentityView {
                real_name: full.real_name,
                resident_id_masked: domain::identity::mask(&full.resident_id),
                verified_at: full.verified_at,
            }),
            resident_id: Some(full.resident_id),
        });
    }
    let mut identity = crate::accounts::identity::of_user(&svc.db, c.consumer_id).await?;
    if exposure(viewer, &c, None) == Exposure::Masked
        && let Some(i) = identity.as_mut()
    {
        i.real_name = domain::cases::mask_name(&i.real_name);
    }
    Ok(CaseIdentity {
        identity,
        resident_id: None,
    })
}

/// The newest reads first; admins only.
pub async fn access_log(
    svc: &Services,
    viewer: &UserView,
    limit: u64,
) -> Result<Vec<AccessView>, AppError> {
    if viewer.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    record::access_log(&svc.db, None, limit.min(1000)).await
}

/// The consumer who filed case `case_id` allows (or stops allowing) its
/// narrative to be published. A closed case's public record appears (or
/// goes) within seconds; the change is on the case's trail.
pub async fn set_publication(
    svc: &Services,
    viewer: &UserView,
    case_id: i32,
    publish: bool,
) -> Result<(), AppError> {
    use sea_orm::sea_query::Expr;
    // Who may not read the case is told it does not exist (404), as on every
    // other case route; who may read it but did not file it gets 403.
    let (c, _) = record::load_readable(&svc.db, viewer, case_id).await?;
    if viewer.role != Role::Consumer || c.consumer_id != viewer.id {
        return Err(AppError::Forbidden);
    }
    if c.publish_narrative == publish {
        return Ok(());
    }
    let now = svc.clock.now();
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    case::Entity::update_many()
        .col_expr(case::Column::PublishNarrative, Expr::value(publish))
        .col_expr(case::Column::UpdatedAt, Expr::value(now))
        .filter(case::Column::Id.eq(case_id))
        .exec(&txn)
        .await
        .map_err(internal_error)?;
    trail::append(
        &txn,
        case_id,
        now,
        Some(viewer.id),
        viewer.role.as_str(),
        "publication",
        &serde_json::json!({ "publish": publish }),
    )
    .await?;
    crate::changes::case_changed(&txn, case_id, now).await?;
    txn.commit().await.map_err(internal_error)?;
    svc.outbox_wake.notify_one();
    Ok(())
}
