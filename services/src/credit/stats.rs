//! A merchant's 12315-style statistics over its cases of the last 12
//! months: complaints, response rate, resolution rate, mediation success,
//! average days to resolve, deadlines met.

use chrono::{DateTime, Utc};
use domain::AppError;
use domain::cases::{Case, FcState, Stage, Status};
use domain::merchant::MerchantStats;
use entities::case;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::db::internal_error;

fn bp(x: u32, n: u32) -> Option<u32> {
    (n > 0).then(|| ((u64::from(x) * 10_000 + u64::from(n) / 2) / u64::from(n)) as u32)
}

pub async fn stats<C: ConnectionTrait>(
    conn: &C,
    merchant_id: i32,
    now: DateTime<Utc>,
) -> Result<MerchantStats, AppError> {
    let cases = case::Entity::find()
        .filter(case::Column::MerchantId.eq(merchant_id))
        .filter(case::Column::CreatedAt.gte(now - chrono::Duration::days(365)))
        .all(conn)
        .await
        .map_err(internal_error)?;
    let (mut due, mut in_time) = (0u32, 0u32);
    let (mut fulfil_due, mut fulfilled_in_time) = (0u32, 0u32);
    let (mut ended, mut resolved) = (0u32, 0u32);
    let (mut mediated, mut mediation_settled) = (0u32, 0u32);
    let mut resolve_secs: Vec<i64> = vec![];
    for c in &cases {
        let s: Case = serde_json::from_str(&c.state).map_err(|_| AppError::Internal)?;
        if let Some(ok) = s.first_response_in_time(now) {
            due += 1;
            in_time += u32::from(ok);
        }
        // What the merchant owed: the award if any, else the settlement.
        let owed_by = s
            .decision
            .as_ref()
            .map(|d| d.comply_by)
            .or(s.settlement.as_ref().map(|x| x.fulfil_by));
        if let Some(by) = owed_by
            && (s.fulfilment_claimed_at.is_some() || now > by)
        {
            fulfil_due += 1;
            if s.fulfilment_claimed_at.is_some_and(|at| at <= by) {
                fulfilled_in_time += 1;
            }
        }
        if s.mediate_until.is_some() {
            mediated += 1;
            if s.settlement
                .as_ref()
                .is_some_and(|x| x.via == Stage::Mediation)
            {
                mediation_settled += 1;
            }
        }
        let by_fund = s
            .first_compensation
            .as_ref()
            .is_some_and(|fc| fc.state == FcState::Approved);
        match s.status {
            Status::Closed if !by_fund => {
                ended += 1;
                resolved += 1;
                resolve_secs.push((c.updated_at - c.created_at).num_seconds().max(0));
            }
            Status::Closed | Status::NonCompliant => ended += 1,
            _ => {}
        }
    }
    let avg = (!resolve_secs.is_empty()).then(|| {
        let total: i64 = resolve_secs.iter().sum();
        // Tenths of a day, rounded.
        ((total * 10 + 86_400 * resolve_secs.len() as i64 / 2)
            / (86_400 * resolve_secs.len() as i64)) as u32
    });
    Ok(MerchantStats {
        complaints_12m: cases.len() as u32,
        response_rate_bp: bp(in_time, due),
        resolution_rate_bp: bp(resolved, ended),
        mediation_success_bp: bp(mediation_settled, mediated),
        avg_days_to_resolve_x10: avg,
        deadlines_met_bp: bp(in_time + fulfilled_in_time, due + fulfil_due),
    })
}

#[cfg(test)]
mod tests {
    use super::bp;

    #[test]
    fn rates_round_to_the_nearest_basis_point_and_need_a_denominator() {
        assert_eq!(bp(1, 3), Some(3333));
        assert_eq!(bp(2, 3), Some(6667));
        assert_eq!(bp(0, 0), None);
        assert_eq!(bp(5, 5), Some(10_000));
    }
}
