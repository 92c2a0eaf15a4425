//! The dashboard's figures (`domain::dashboard`): the cases filed in the
//! range (filtered by category and the merchant's province) read page by
//! page and folded with `Tally`; first responses from the case state,
//! closings from the trail; the fund's months from the ledger entries.
//! Regulators and admins see everything; fund administrators the fund's
//! months only.

use std::collections::HashMap;

use domain::dashboard::{
    CaseFact, CaseFigures, DashboardFilter, DashboardView, MerchantCount, Tally, fund_months,
};
use domain::{AppError, Role, UserView};
use entities::{case, ledger_entry, merchant};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::Services;
use crate::db::internal_error;
use crate::export::PAGE;

/// What `viewer` may see: `Some(true)` everything, `Some(false)` the fund
/// only, `None` nothing (403).
fn scope(viewer: &UserView) -> Option<bool> {
    match viewer.role {
        Role::Regulator | Role::Admin => Some(true),
        Role::FundAdmin => Some(false),
        _ => None,
    }
}

/// The dashboard for the filters as given (checked against today in
/// Beijing), as `viewer` may see it: 403 before any 422.
pub async fn for_params(
    svc: &Services,
    viewer: &UserView,
    params: &domain::dashboard::DashboardParams,
) -> Result<DashboardView, AppError> {
    scope(viewer).ok_or(AppError::Forbidden)?;
    let today = domain::calendar::local_date(svc.clock.now());
    dashboard(svc, viewer, params.parse(today)?).await
}

/// The dashboard for `filter` as `viewer` may see it.
pub async fn dashboard(
    svc: &Services,
    viewer: &UserView,
    filter: DashboardFilter,
) -> Result<DashboardView, AppError> {
    let full = scope(viewer).ok_or(AppError::Forbidden)?;
    let cases = if full {
        Some(case_figures(svc, &filter).await?)
    } else {
        None
    };
    let provinces = if full { provinces(svc).await? } else { vec![] };
    let fund = fund(svc, &filter).await?;
    Ok(DashboardView {
        filter,
        cases,
        fund,
        provinces,
    })
}

/// The provinces merchants are registered in, in order.
async fn provinces(svc: &Services) -> Result<Vec<String>, AppError> {
    // Sorted here: the engines' collations order Chinese differently.
    let mut v: Vec<String> = merchant::Entity::find()
        .select_only()
        .column(merchant::Column::Province)
        .distinct()
        .filter(merchant::Column::Province.ne(""))
        .into_tuple()
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    v.sort();
    Ok(v)
}

fn bounds(
    filter: &DashboardFilter,
) -> (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) {
    let start = domain::calendar::end_of_local_day(filter.from.pred_opt().unwrap_or(filter.from));
    (start, domain::calendar::end_of_local_day(filter.to))
}

async fn case_figures(svc: &Services, filter: &DashboardFilter) -> Result<CaseFigures, AppError> {
    let db = &svc.db;
    let now = svc.clock.now();
    let (start, end) = bounds(filter);
    // The provinces of the merchants met so far (a page's are read with it).
    let mut provinces: HashMap<i32, String> = HashMap::new();
    let mut tally = Tally::default();
    let mut after = 0;
    loop {
        let mut q = case::Entity::find()
            .select_only()
            .column(case::Column::Id)
            .column(case::Column::CreatedAt)
            .column(case::Column::Category)
            .column(case::Column::MerchantId)
            .column(case::Column::State)
            .filter(case::Column::Id.gt(after))
            .filter(case::Column::CreatedAt.gte(start))
            .filter(case::Column::CreatedAt.lt(end));
        if let Some(c) = &filter.category {
            q = q.filter(case::Column::Category.eq(c.as_str()));
        }
        if let Some(p) = &filter.province {
            q = q.filter(
                case::Column::MerchantId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(merchant::Column::Id)
                        .from(merchant::Entity)
                        .and_where(merchant::Column::Province.eq(p.as_str()))
                        .to_owned(),
                ),
            );
        }
        let rows: Vec<(i32, chrono::DateTime<chrono::Utc>, String, i32, String)> = q
            .order_by_asc(case::Column::Id)
            .limit(PAGE)
            .into_tuple()
            .all(db)
            .await
            .map_err(internal_error)?;
        let Some(last) = rows.last().map(|r| r.0) else {
            break;
        };
        let full = (rows.len() as u64) == PAGE;
        let unseen: Vec<i32> = rows
            .iter()
            .map(|r| r.3)
            .filter(|m| !provinces.contains_key(m))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        if !unseen.is_empty() {
            let found: Vec<(i32, String)> = merchant::Entity::find()
                .select_only()
                .column(merchant::Column::Id)
                .column(merchant::Column::Province)
                .filter(merchant::Column::Id.is_in(unseen))
                .into_tuple()
                .all(db)
                .await
                .map_err(internal_error)?;
            provinces.extend(found);
        }
        let rows: Vec<_> = rows
            .into_iter()
            .filter_map(|(id, filed_at, category, merchant_id, state)| {
                match serde_json::from_str::<domain::cases::Case>(&state) {
                    Ok(state) => Some((id, filed_at, category, merchant_id, state)),
                    Err(_) => {
                        tracing::warn!(case = id, "dashboard: unreadable case state");
                        None
                    }
                }
            })
            .collect();
        let closed_ids: Vec<i32> = rows
            .iter()
            .filter(|r| r.4.status == domain::cases::Status::Closed)
            .map(|r| r.0)
            .collect();
        let closed = if closed_ids.is_empty() {
            HashMap::new()
        } else {
            crate::record::trail::closing_times(db, &closed_ids)
                .await
                .map_err(|e| {
                    tracing::error!("dashboard: {e}");
                    AppError::Internal
                })?
        };
        for (id, filed_at, category, merchant_id, state) in rows {
            let (due, met) = CaseFact::deadlines(&state, now);
            let closed_at = (state.status == domain::cases::Status::Closed)
                .then(|| closed.get(&id).copied())
                .flatten();
            tally.add(&CaseFact {
                filed_at,
                category,
                merchant_id,
                province: provinces.get(&merchant_id).cloned().unwrap_or_default(),
                outcome: CaseFact::outcome_of(&state),
                responded_at: state.responded_at.filter(|_| state.merchant_responded),
                closed_at,
                deadlines_due: due,
                deadlines_met: met,
            });
        }
        if !full {
            break;
        }
        after = last;
    }
    let top = tally.top_merchants();
    let names = crate::record::merchant_names(db, top.iter().map(|t| t.0)).await?;
    let top = top
        .into_iter()
        .map(|(merchant_id, count)| {
            let name = names.get(&merchant_id).cloned().unwrap_or_default();
            let province = provinces.get(&merchant_id).cloned().unwrap_or_default();
            MerchantCount {
                merchant_id,
                name,
                province,
                count,
            }
        })
        .collect();
    Ok(tally.finish(filter, top))
}

async fn fund(
    svc: &Services,
    filter: &DashboardFilter,
) -> Result<Vec<domain::dashboard::FundMonth>, AppError> {
    let (start, end) = bounds(filter);
    let entries: Vec<(String, chrono::DateTime<chrono::Utc>, i64)> = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::Kind)
        .column(ledger_entry::Column::CreatedAt)
        .column(ledger_entry::Column::AmountFen)
        .filter(
            ledger_entry::Column::Kind
                .is_in(crate::fund::public::PUBLIC_KINDS.iter().map(|k| k.as_str())),
        )
        .filter(ledger_entry::Column::CreatedAt.gte(start))
        .filter(ledger_entry::Column::CreatedAt.lt(end))
        .into_tuple()
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    Ok(fund_months(filter.from, filter.to, entries))
}
