//! Merchant name suggestions (autocomplete) over real names of the registry
//! sample: a name typed from its start, from its middle or in scattered
//! characters; names starting with the text first, then by credit; USCC
//! prefixes; limits; nothing for nothing. The index is built in memory
//! straight from the CSV (no database: `suggest` reads only the index).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use domain::search::{MAX_SUGGESTIONS, Suggestion};
use services::search::MerchantIndex;
use services::search::index::MerchantDoc;

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

/// (name, score, grade, red, black) given to some merchants; the rest are
/// ungraded and on no list.
const CREDIT: &[(&str, i32, &str, bool, bool)] = &[
    ("常州市武进东方化工有限公司", 950, "A+", true, false),
    ("常州市武进净化设备有限公司", 700, "B", false, false),
    ("佛山市威扬彩印实业有限公司", 820, "A", false, false),
    ("常州市谭墅机械有限公司", 120, "D", false, true),
];

/// An index of the first `n` rows of the real registry sample.
fn index(n: usize) -> MerchantIndex {
    let index = MerchantIndex::in_memory().unwrap();
    let mut writer = index.writer().unwrap();
    let mut csv = csv::Reader::from_path(shared_data().join("merchants-cn-sample.csv")).unwrap();
    let headers = csv.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (name, uscc, scope, province, region) = (
        col("name"),
        col("uscc"),
        col("business_scope"),
        col("province"),
        col("region"),
    );
    for (i, row) in csv.records().take(n).enumerate() {
        let row = row.unwrap();
        let credit = CREDIT.iter().find(|c| c.0 == &row[name]);
        let doc = MerchantDoc {
            id: i as i32 + 1,
            name: row[name].to_string(),
            shop_names: vec![],
            scope: row[scope].to_string(),
            uscc: row[uscc].to_string(),
            province: row[province].to_string(),
            region: row[region].to_string(),
            kind: "shop".into(),
            grade: credit.map(|c| c.2.to_string()),
            score: credit.map(|c| c.1),
            red: credit.is_some_and(|c| c.3),
            black: credit.is_some_and(|c| c.4),
            verified: false,
            complaints_12m: 0,
        };
        writer.add_document(index.document(&doc)).unwrap();
    }
    writer.commit().unwrap();
    index.reload().unwrap();
    index
}

fn names(s: &[Suggestion]) -> Vec<&str> {
    s.iter().map(|s| s.name.as_str()).collect()
}

/// Builds the index once for every assertion (jieba is slow in debug builds).
#[test]
fn suggestions_over_real_names() {
    let index = index(10_000);
    let suggest = |typed: &str, limit: usize| index.suggest(typed, limit).unwrap();

    // The start of a name, and a part from its middle.
    let s = suggest("常州市五星", 8);
    assert_eq!(
        names(&s).first(),
        Some(&"常州市五星禾润农资有限公司"),
        "{s:?}"
    );
    assert_eq!(
        names(&suggest("威利宝", 8)).first(),
        Some(&"佛山市威利宝家用电器有限公司")
    );
    assert_eq!(
        names(&suggest("五星禾润", 8)),
        vec!["常州市五星禾润农资有限公司"]
    );
    // Characters apart (市 and 五星 left out) still find it.
    assert!(names(&suggest("常州禾润", 8)).contains(&"常州市五星禾润农资有限公司"));

    // Names starting with the text come before names holding it elsewhere
    // (中国银行股份有限公司常州…), and every name holds every character.
    let s = suggest("常州", 20);
    assert_eq!(s.len(), 20);
    assert!(
        s.iter()
            .all(|m| m.name.contains('常') && m.name.contains('州')),
        "{s:?}"
    );
    let starts: Vec<bool> = s.iter().map(|m| m.name.starts_with("常州")).collect();
    assert!(starts[0], "{s:?}");
    assert!(
        starts.windows(2).all(|w| w[0] || !w[1]),
        "starting names first: {s:?}"
    );

    // Among names starting alike, the higher credit first, ungraded last;
    // grade and list flags come along.
    let s = suggest("常州市武进", 5);
    assert_eq!(
        names(&s)[..2],
        ["常州市武进东方化工有限公司", "常州市武进净化设备有限公司"],
        "{s:?}"
    );
    assert_eq!(
        (s[0].grade.as_deref(), s[0].red_list, s[0].black_list),
        (Some("A+"), true, false)
    );
    assert_eq!(s[1].grade.as_deref(), Some("B"));
    assert!(
        s[2..]
            .iter()
            .all(|m| m.grade.is_none() && m.name.starts_with("常州市武进")),
        "{s:?}"
    );
    let s = suggest("佛山市威", 2);
    assert_eq!(
        names(&s),
        vec!["佛山市威扬彩印实业有限公司", "佛山市威利宝家用电器有限公司"]
    );
    let black = suggest("常州市谭墅", 1);
    assert!(
        black[0].black_list && black[0].grade.as_deref() == Some("D"),
        "{black:?}"
    );
    assert!(black[0].id > 0);

    // The start of a unified social credit code, in any case and spacing.
    for typed in ["913204041372", "9132 0404 1372 95", "91320404137295380k"] {
        assert_eq!(
            names(&suggest(typed, 3)).first(),
            Some(&"常州市五星禾润农资有限公司"),
            "{typed}"
        );
    }

    // Limits: as asked, never above the maximum.
    assert_eq!(suggest("有限公司", 3).len(), 3);
    assert_eq!(suggest("有限公司", 500).len(), MAX_SUGGESTIONS);
    assert!(suggest("有限公司", 0).is_empty());

    // Nothing typed, punctuation, or text no name holds: nothing.
    for typed in ["", "   ", "，。！", "ＺＺＱＱ鑫鑫鑫鑫鑫"] {
        assert!(suggest(typed, 8).is_empty(), "{typed:?}");
    }

    // Fast: a keystroke's answer is well under a typing pause, even for one
    // very common character (a debug build on a shared machine, so generous).
    let started = Instant::now();
    for typed in ["公", "有限", "常州市", "电器", "北京市海淀", "上海"] {
        assert!(!suggest(typed, 8).is_empty(), "{typed}");
    }
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(3),
        "six suggestions took {took:?}"
    );
}
