//! Demo data: loaded once, with a case in every state for the demo accounts.

use std::collections::BTreeMap;

use entities::{case, merchant, user};
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::harness::backend_tests;

backend_tests! {
    async fn demo_data_has_accounts_merchants_and_a_case_in_every_state(svc) {
        assert!(services::demo::load_if_empty(&svc).await.unwrap());
        assert_eq!(user::Entity::find().count(&svc.db).await.unwrap(), 7, "one account per role");
        assert_eq!(merchant::Entity::find().count(&svc.db).await.unwrap(), 300);
        let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
        for c in case::Entity::find().all(&svc.db).await.unwrap() {
            *by_status.entry(c.status).or_default() += 1;
        }
        for status in ["awaiting_merchant", "negotiating", "settled", "in_mediation", "in_arbitration", "decided", "closed", "withdrawn"] {
            assert!(by_status.contains_key(status), "no demo case is {status}: {by_status:?}");
        }
        // The fund: one payout made, and cases ready for first compensation.
        let cases = 9 + 1 + services::demo::FC_READY_CASES as u64;
        let fc = services::fund::public::summary(&svc.db, None).await.unwrap();
        assert_eq!((fc.payouts, fc.paid_fen), (1, 20_000));
        let check = services::fund::check(&svc).await.unwrap();
        assert_eq!(check.problem, None, "{check}");
        // Every demo trail is intact.
        let (checked, broken) = services::record::trail::verify_all(&svc.db).await.unwrap();
        assert_eq!((checked as u64, broken), (cases, None));
        // An open risk warning for each of the browser specs' merchants.
        let warnings = entities::risk_warning::Entity::find().all(&svc.db).await.unwrap();
        let mut merchants: Vec<i32> = warnings.iter().map(|w| w.merchant_id).collect();
        merchants.sort();
        assert_eq!(merchants, services::demo::RISK_DEMO_MERCHANTS.to_vec());
        assert!(warnings.iter().all(|w| w.acknowledged_at.is_none()));
        // A second start loads nothing more.
        assert!(!services::demo::load_if_empty(&svc).await.unwrap());
        assert_eq!(case::Entity::find().count(&svc.db).await.unwrap(), cases);
    }
}
