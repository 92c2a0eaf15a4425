//! Risk warnings for regulators: complaint spikes against a merchant's own
//! baseline, and signs of rating brushing. Computed on request from the
//! cases and ratings tables; the thresholds are `domain::credit::risk`.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use domain::credit::risk::{RiskParams, RiskWarning, complaint_spike, rating_signals};
use domain::{AppError, Role, UserView};
use entities::{case, merchant, rating, user};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::Services;
use crate::db::internal_error;

/// Every merchant with at least one signal, the most signals first.
pub async fn warnings(
    svc: &Services,
    viewer: &UserView,
    now: DateTime<Utc>,
    p: &RiskParams,
) -> Result<Vec<RiskWarning>, AppError> {
    if !matches!(viewer.role, Role::Regulator | Role::Admin) {
        return Err(AppError::Forbidden);
    }
    let week = now - Duration::days(7);
    let since = week - Duration::weeks(12);
    // Complaints per merchant: this week, and the 12 weeks before.
    let filed: Vec<(i32, DateTime<Utc>)> = case::Entity::find()
        .select_only()
        .column(case::Column::MerchantId)
        .column(case::Column::CreatedAt)
        .filter(case::Column::CreatedAt.gte(since))
        .into_tuple()
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let mut counts: BTreeMap<i32, (u32, u32)> = BTreeMap::new();
    for (m, at) in filed {
        let e = counts.entry(m).or_default();
        if at >= week {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    let mut signals: BTreeMap<i32, Vec<domain::credit::risk::Signal>> = BTreeMap::new();
    for (m, (this_week, before)) in counts {
        if let Some(s) = complaint_spike(this_week, before, p) {
            signals.entry(m).or_default().push(s);
        }
    }
    // Ratings of the last 7 days by consumers: new accounts' five stars, and IPs.
    let rated: Vec<rating::Model> = rating::Entity::find()
        .filter(rating::Column::CreatedAt.gte(week))
        .filter(rating::Column::Side.eq("consumer"))
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let joined: HashMap<i32, DateTime<Utc>> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::CreatedAt)
        .filter(user::Column::Id.is_in(rated.iter().map(|r| r.author_id)))
        .into_tuple::<(i32, DateTime<Utc>)>()
        .all(&svc.db)
        .await
        .map_err(internal_error)?
        .into_iter()
        .collect();
    let mut per_merchant: BTreeMap<i32, (u32, HashMap<&str, u32>)> = BTreeMap::new();
    for r in &rated {
        let e = per_merchant.entry(r.merchant_id).or_default();
        let new_account = joined
            .get(&r.author_id)
            .is_some_and(|j| r.created_at - *j < Duration::days(i64::from(p.new_account_days)));
        if r.stars == Some(5) && new_account {
            e.0 += 1;
        }
        // An address the server could not tell proves nothing.
        if !r.author_ip.is_empty() && r.author_ip != "unknown" {
            *e.1.entry(r.author_ip.as_str()).or_default() += 1;
        }
    }
    for (m, (burst, ips)) in per_merchant {
        let most = ips.values().copied().max().unwrap_or(0);
        let v = rating_signals(burst, most, p);
        if !v.is_empty() {
            signals.entry(m).or_default().extend(v);
        }
    }
    let names: HashMap<i32, String> = merchant::Entity::find()
        .select_only()
        .column(merchant::Column::Id)
        .column(merchant::Column::Name)
        .filter(merchant::Column::Id.is_in(signals.keys().copied()))
        .into_tuple::<(i32, String)>()
        .all(&svc.db)
        .await
        .map_err(internal_error)?
        .into_iter()
        .collect();
    let mut out: Vec<RiskWarning> = signals
        .into_iter()
        .map(|(merchant_id, signals)| RiskWarning {
            merchant_name: names.get(&merchant_id).cloned().unwrap_or_default(),
            merchant_id,
            signals,
        })
        .collect();
    out.sort_by(|a, b| {
        b.signals
            .len()
            .cmp(&a.signals.len())
            .then(a.merchant_id.cmp(&b.merchant_id))
    });
    Ok(out)
}
