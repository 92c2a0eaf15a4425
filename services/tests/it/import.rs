//! `import_merchants`: the real 49,913-row sample, and hand-made edge cases.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use entities::merchant;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use services::merchants::{self, import::import_merchants};

use crate::harness::backend_tests;

const HEADER: &str =
    "name,uscc,registered_on,entity_type,registered_capital,business_scope,province,region,address";

/// The shared data folder: `GONGDAO_SHARED_DATA`, else `../shared/data` beside
/// the checkout, else this machine kind's `/work/shared/data`.
fn shared_data() -> PathBuf {
    if let Some(p) = std::env::var_os("GONGDAO_SHARED_DATA") {
        return PathBuf::from(p);
    }
    let beside = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data");
    if beside.exists() {
        return beside;
    }
    PathBuf::from("/work/shared/data")
}

pub fn sample() -> Vec<u8> {
    let path = shared_data().join("merchants-cn-sample.csv");
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "reading {} ({e}); set GONGDAO_SHARED_DATA to the shared data folder",
            path.display()
        )
    })
}

backend_tests! {
    async fn the_registry_sample_imports_with_exactly_its_bad_codes_rejected(svc) {
        let started = Instant::now();
        let report = import_merchants(&svc, sample().as_slice()).await.unwrap();
        let first = started.elapsed();
        assert_eq!(report.read, 49_913);
        assert_eq!(report.rejected.len(), 155, "{report}");
        let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &report.rejected {
            assert!(r.line >= 2 && r.line <= 49_914, "{r:?}");
            assert!(!r.uscc.is_empty(), "the rejected code is shown: {r:?}");
            assert!(
                r.reason.contains("USCC") || r.reason.contains("legacy"),
                "only bad codes are rejected in the sample: {r:?}"
            );
            *reasons.entry(r.reason.as_str()).or_default() += 1;
        }
        eprintln!("rejection reasons: {reasons:?}");
        assert_eq!(
            report.imported + report.updated + report.rejected.len() as u64,
            report.read
        );
        let count = merchants::count(&svc).await.unwrap();
        assert_eq!(count, report.imported);
        assert!(count > 49_000, "{count}");
        let found = merchants::find_by_name_or_uscc(&svc, "91320404137295380k", 5)
            .await
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "常州市五星禾润农资有限公司");
        assert_eq!(found[0].province, "江苏");

        let started = Instant::now();
        let again = import_merchants(&svc, sample().as_slice()).await.unwrap();
        let second = started.elapsed();
        assert_eq!(again.imported, 0, "a re-import adds nobody");
        assert_eq!(again.updated, report.imported + report.updated);
        assert_eq!(again.rejected, report.rejected);
        assert_eq!(merchants::count(&svc).await.unwrap(), count);
        eprintln!(
            "{:?}: first import {first:.1?}, re-import {second:.1?}",
            svc.db.get_database_backend()
        );
    }

    async fn bad_rows_are_reported_and_skipped_and_codes_normalised(svc) {
        let csv = format!(
            "{HEADER}\n\
             北京甲科技有限公司,91110106102167290A,2001-02-03,N/A,100万人民币,软件开发,北京,海淀,中关村大街1号\n\
             北京乙有限公司,9111000010000106X1,2001-02-30,有限责任公司,N/A,N/A,北京,东城,\n\
             \x20 ,91510823MA6253LF1T,1979-10-25,,,,四川,广元,\n\
             北京丙有限公司, 91110102ma00cfmr4a ,N/A,,,,北京,西城,西城区某路2号\n\
             安徽丁有限公司,91340000148941325J,2010-01-01,,,,安徽,合肥,\n\
             缺列的公司,91110106102167290A,2001-02-03\n\
             旧号码公司,110108000000016,2001-02-03,,,,北京,海淀,\n"
        );
        let report = import_merchants(&svc, csv.as_bytes()).await.unwrap();
        assert_eq!(report.read, 7);
        assert_eq!(report.imported, 2, "{report}");
        assert_eq!(report.updated, 0);
        let rejected: Vec<(u64, &str)> = report
            .rejected
            .iter()
            .map(|r| (r.line, r.reason.as_str()))
            .collect();
        assert_eq!(rejected.len(), 5, "{report}");
        let reason = |line: u64| {
            rejected
                .iter()
                .find(|(l, _)| *l == line)
                .map(|(_, r)| *r)
                .unwrap_or_else(|| panic!("line {line} is not reported: {report}"))
        };
        assert!(reason(3).contains("registered_on"), "{}", reason(3));
        assert!(reason(3).contains("2001-02-30"), "{}", reason(3));
        assert!(reason(4).contains("name"), "{}", reason(4));
        assert!(reason(6).contains("check character"), "{}", reason(6));
        assert!(reason(7).contains("unreadable"), "{}", reason(7));
        assert!(reason(8).contains("legacy"), "{}", reason(8));

        let rows = merchant::Entity::find().all(&svc.db).await.unwrap();
        let mut usccs: Vec<&str> = rows.iter().map(|m| m.uscc.as_str()).collect();
        usccs.sort();
        assert_eq!(usccs, ["91110102MA00CFMR4A", "91110106102167290A"]);
        let lower = merchant::Entity::find()
            .filter(merchant::Column::Uscc.eq("91110102MA00CFMR4A"))
            .one(&svc.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(lower.name, "北京丙有限公司");
        assert_eq!(lower.registered_on, None, "N/A is no date");
        let first = rows.iter().find(|m| m.uscc == "91110106102167290A").unwrap();
        assert_eq!(first.registered_on, chrono::NaiveDate::from_ymd_opt(2001, 2, 3));
        assert_eq!(first.entity_type, "", "N/A is stored as empty");
        assert_eq!(first.registered_capital, "100万人民币");

        // The same code again, renamed: an update, not a second merchant.
        let csv = format!(
            "{HEADER}\n北京甲科技股份有限公司,91110106102167290a,2001-02-03,,,,北京,海淀,\n"
        );
        let report = import_merchants(&svc, csv.as_bytes()).await.unwrap();
        assert_eq!((report.imported, report.updated), (0, 1));
        assert_eq!(merchants::count(&svc).await.unwrap(), 2);
        let renamed = merchants::find_by_name_or_uscc(&svc, "91110106102167290A", 5)
            .await
            .unwrap();
        assert_eq!(renamed[0].name, "北京甲科技股份有限公司");
    }

    async fn a_wrong_header_fails_the_whole_import_naming_the_column(svc) {
        let csv = "name,uscc,registration_date,entity_type,registered_capital,business_scope,province,region,address\n\
                   北京甲科技有限公司,91110106102167290A,2001-02-03,,,,北京,海淀,\n";
        let e = import_merchants(&svc, csv.as_bytes()).await.unwrap_err().to_string();
        assert!(e.contains("registered_on"), "{e}");
        assert_eq!(merchants::count(&svc).await.unwrap(), 0, "nothing is imported");
    }
}
