//! The registry importer (`gongdao import merchants FILE.csv`) fed hostile
//! CSV (issue 13): arbitrary bytes, and real rows of the sample twisted the
//! ways real and hostile files are (wrong column counts, quotes and line
//! breaks in fields, byte-order marks, invalid UTF-8, NUL, huge fields,
//! formula injection, repeated codes, bad dates and codes). It never panics;
//! every row read is imported, updated or rejected with its line and a
//! reason; the counts add up; the database holds exactly what was accepted,
//! the last row of a code winning; and the CSV export writes no cell a
//! spreadsheet would run.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use domain::Uscc;
use entities::merchant;
use proptest::prelude::*;
use sea_orm::EntityTrait;
use services::Services;
use services::credit::export;
use services::merchants::import::{ImportReport, import_merchants};

use crate::harness::{Backend, run};

const HEADER: &str =
    "name,uscc,registered_on,entity_type,registered_capital,business_scope,province,region,address";
const USCC_CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Rows of the real sample the importer takes as they are (fields in
/// header order): the first 300 with a valid code, a plain name and a date
/// it reads.
fn real_rows() -> &'static [Vec<String>] {
    static ROWS: OnceLock<Vec<Vec<String>>> = OnceLock::new();
    ROWS.get_or_init(|| {
        let sample = crate::import::sample();
        let mut r = csv::Reader::from_reader(sample.as_slice());
        let mut seen = BTreeSet::new();
        r.records()
            .filter_map(Result::ok)
            .map(|rec| rec.iter().map(str::to_string).collect::<Vec<_>>())
            .filter(|f| {
                let name = f[0].trim();
                let date = f[2].trim();
                Uscc::parse(&f[1]).is_ok()
                    && !name.is_empty()
                    && name.chars().count() <= 200
                    && !name.chars().any(char::is_control)
                    && (date.is_empty()
                        || date == "N/A"
                        || chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok())
            })
            .filter(|f| {
                seen.insert(
                    Uscc::parse(&f[1])
                        .map(|u| u.to_string())
                        .unwrap_or_default(),
                )
            })
            .take(300)
            .collect()
    })
}

/// What is done to a real row, and what the importer must make of it.
#[derive(Debug, Clone, Copy)]
enum Twist {
    AsIs,
    LowerCaseCode,
    SpacedCode,
    /// The name starts like a spreadsheet formula.
    Formula(u8),
    /// Quotes, commas and line breaks inside quoted fields.
    Quoted,
    /// A 200,000-character business scope.
    HugeScope,
    NaFields,
    LongName,
    BlankName,
    BadDate(u8),
    BadCheck(u8),
    Legacy,
    FewerColumns,
    MoreColumns,
    Nul,
    BadUtf8,
    Rtl,
}

impl Twist {
    /// What the reason of a rejection says; `None` when the row is taken.
    fn rejected_for(self) -> Option<&'static str> {
        use Twist::*;
        match self {
            AsIs | LowerCaseCode | SpacedCode | Formula(_) | Quoted | HugeScope | NaFields => None,
            LongName | BlankName => Some("name"),
            BadDate(_) => Some("registered_on"),
            BadCheck(_) => Some("check character"),
            Legacy => Some("legacy"),
            FewerColumns | MoreColumns | BadUtf8 => Some("unreadable"),
            Nul => Some("NUL"),
            Rtl => Some("direction"),
        }
    }
}

fn twist() -> impl Strategy<Value = Twist> {
    use Twist::*;
    prop_oneof![
        4 => Just(AsIs),
        1 => Just(LowerCaseCode),
        1 => Just(SpacedCode),
        2 => (0u8..6).prop_map(Formula),
        2 => Just(Quoted),
        1 => Just(HugeScope),
        1 => Just(NaFields),
        1 => Just(LongName),
        1 => Just(BlankName),
        1 => (0u8..6).prop_map(BadDate),
        1 => (1u8..31).prop_map(BadCheck),
        1 => Just(Legacy),
        1 => Just(FewerColumns),
        1 => Just(MoreColumns),
        1 => Just(Nul),
        1 => Just(BadUtf8),
        1 => Just(Rtl),
    ]
}

/// A file: rows (a real row, by index into a pool of 40 so codes repeat,
/// and its twist), and how it is laid out.
#[derive(Debug, Clone)]
struct Plan {
    rows: Vec<(usize, Twist)>,
    bom: bool,
    crlf: bool,
    blank_lines: bool,
    final_newline: bool,
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        proptest::collection::vec((0usize..40, twist()), 0..25),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(rows, bom, crlf, blank_lines, final_newline)| Plan {
            rows,
            bom,
            crlf,
            blank_lines,
            final_newline,
        })
}

/// One field as CSV: quoted when it holds a comma, quote or line break.
fn field(out: &mut Vec<u8>, f: &[u8]) {
    if f.iter().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for &b in f {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(f);
    }
}

/// The row's fields after its twist (bytes: one twist is not UTF-8).
fn twisted(base: &[String], t: Twist) -> Vec<Vec<u8>> {
    let mut f: Vec<Vec<u8>> = base.iter().map(|s| s.clone().into_bytes()).collect();
    let text = |f: &Vec<u8>| String::from_utf8_lossy(f).into_owned();
    match t {
        Twist::AsIs => {}
        Twist::LowerCaseCode => f[1] = text(&f[1]).to_lowercase().into_bytes(),
        Twist::SpacedCode => f[1] = format!("  {} ", text(&f[1])).into_bytes(),
        Twist::Formula(k) => {
            let prefix = [
                "=cmd|' /C calc'!A0",
                "+1+1",
                "-2+3",
                "@SUM(A1:A9)",
                "=HYPERLINK(\"http://evil.example\",\"点击\")",
                "\t=1+1",
            ][k as usize % 6];
            f[0] = format!("{prefix}{}", text(&f[0])).into_bytes();
        }
        Twist::Quoted => {
            f[0] = format!("\"{}\", 分店", text(&f[0])).into_bytes();
            f[8] = format!("{}\n二楼, \"东门\"", text(&f[8])).into_bytes();
        }
        Twist::HugeScope => f[5] = "经营范围".repeat(50_000).into_bytes(),
        Twist::NaFields => {
            for i in [2, 3, 4, 5, 8] {
                f[i] = b"N/A".to_vec();
            }
        }
        Twist::LongName => f[0] = "长".repeat(201).into_bytes(),
        Twist::BlankName => f[0] = b"  ".to_vec(),
        Twist::BadDate(k) => {
            f[2] = [
                "2001-02-30",
                "20010203",
                "2001/02/03",
                "yesterday",
                "2001-13-01",
                "=NOW()",
            ][k as usize % 6]
                .as_bytes()
                .to_vec()
        }
        Twist::BadCheck(k) => {
            let code = Uscc::parse(&text(&f[1]))
                .map(|u| u.to_string())
                .unwrap_or_default();
            let last = code.chars().last().unwrap_or('0');
            let at = USCC_CHARSET.find(last).unwrap_or(0);
            let other = USCC_CHARSET.as_bytes()[(at + k as usize) % 31] as char;
            f[1] = format!("{}{other}", &code[..17]).into_bytes();
        }
        Twist::Legacy => f[1] = b"110108000000016".to_vec(),
        Twist::FewerColumns => f.truncate(5),
        Twist::MoreColumns => f.push(b"extra".to_vec()),
        Twist::Nul => f[8] = [&f[8][..], b"\0"].concat(),
        Twist::BadUtf8 => f[8] = [&f[8][..], b"\xff\xfe"].concat(),
        Twist::Rtl => f[0] = format!("{}\u{202E}司公", text(&f[0])).into_bytes(),
    }
    f
}

/// The file of `plan` and the line each row starts on.
fn render(plan: &Plan) -> (Vec<u8>, Vec<u64>) {
    let eol: &[u8] = if plan.crlf { b"\r\n" } else { b"\n" };
    let mut out = Vec::new();
    if plan.bom {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    out.extend_from_slice(HEADER.as_bytes());
    let mut lines = vec![];
    for (i, (base, t)) in plan.rows.iter().enumerate() {
        out.extend_from_slice(eol);
        if plan.blank_lines && i % 3 == 1 {
            out.extend_from_slice(eol);
        }
        lines.push(1 + out.iter().filter(|&&b| b == b'\n').count() as u64);
        for (k, f) in twisted(&real_rows()[*base], *t).iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            field(&mut out, f);
        }
    }
    if plan.final_newline {
        out.extend_from_slice(eol);
    }
    (out, lines)
}

/// Every merchant in the database: USCC → name.
async fn merchants(svc: &Services) -> BTreeMap<String, String> {
    merchant::Entity::find()
        .all(&svc.db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.uscc, m.name))
        .collect()
}

/// What holds for any report: the counts add up, every rejection has a
/// line within the file and a reason, in file order.
fn consistent(report: &ImportReport, input: &[u8]) -> Result<(), TestCaseError> {
    let rejected = report.rejected.len() as u64;
    prop_assert_eq!(
        report.read,
        report.imported + report.updated + rejected,
        "{}",
        report
    );
    let lines = 1 + input.iter().filter(|&&b| b == b'\n').count() as u64;
    let mut last = 0;
    for r in &report.rejected {
        prop_assert!(
            r.line >= 2 && r.line <= lines,
            "line {} of {lines}: {:?}",
            r.line,
            r
        );
        prop_assert!(r.line >= last, "out of order: {:?}", report.rejected);
        prop_assert!(!r.reason.trim().is_empty(), "{:?}", r);
        last = r.line;
    }
    Ok(())
}

/// Real rows twisted: each row is taken or refused as its twist says, on
/// the line it starts on; new codes are imported, known ones updated, and
/// the database ends with the last accepted row of each code.
async fn twisted_rows(backend: Backend) {
    run(backend, |svc| async move {
        let handle = tokio::runtime::Handle::current();
        let rows = AtomicU64::new(0);
        let rejected = AtomicU64::new(0);
        tokio::task::block_in_place(|| {
            let config = ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() };
            proptest!(config, |(plan in plan())| {
                handle.block_on(async {
                    let (input, lines) = render(&plan);
                    let before = merchants(&svc).await;
                    let report = import_merchants(&svc, input.as_slice()).await;
                    let report = match report {
                        Ok(r) => r,
                        Err(e) => return Err(TestCaseError::fail(format!("import failed: {e:#}"))),
                    };
                    consistent(&report, &input)?;
                    prop_assert_eq!(report.read, plan.rows.len() as u64, "{}", report);
                    let mut want_rejected = vec![];
                    let mut want = before.clone();
                    let mut new_codes = BTreeSet::new();
                    let mut accepted = 0;
                    for ((base, t), line) in plan.rows.iter().zip(&lines) {
                        match t.rejected_for() {
                            Some(reason) => want_rejected.push((*line, reason)),
                            None => {
                                accepted += 1;
                                let row = &real_rows()[*base];
                                let code = Uscc::parse(&row[1]).map(|u| u.to_string()).unwrap_or_default();
                                if !before.contains_key(&code) {
                                    new_codes.insert(code.clone());
                                }
                                let fields = twisted(row, *t);
                                want.insert(code, String::from_utf8_lossy(&fields[0]).trim().to_string());
                            }
                        }
                    }
                    let got: Vec<u64> = report.rejected.iter().map(|r| r.line).collect();
                    let lines_wanted: Vec<u64> = want_rejected.iter().map(|(l, _)| *l).collect();
                    prop_assert_eq!(got, lines_wanted, "{}", report);
                    for (r, (_, reason)) in report.rejected.iter().zip(&want_rejected) {
                        prop_assert!(r.reason.contains(reason), "line {}: {:?} should say {:?}", r.line, r.reason, reason);
                    }
                    prop_assert_eq!(report.imported, new_codes.len() as u64, "{}", report);
                    prop_assert_eq!(report.updated, accepted - new_codes.len() as u64, "{}", report);
                    prop_assert_eq!(merchants(&svc).await, want);
                    rows.fetch_add(report.read, Ordering::Relaxed);
                    rejected.fetch_add(report.rejected.len() as u64, Ordering::Relaxed);
                    Ok::<(), TestCaseError>(())
                })?;
            });
        });
        let in_db = merchants(&svc).await;
        eprintln!(
            "{backend:?}: 64 files, {} rows, {} rejected, {} merchants",
            rows.load(Ordering::Relaxed),
            rejected.load(Ordering::Relaxed),
            in_db.len()
        );
        assert_export_is_inert(&svc, &in_db).await;
    })
    .await
}

/// The CSV export of everything imported starts no cell with a formula
/// character, and gives each name back behind an apostrophe when it would.
async fn assert_export_is_inert(svc: &Services, in_db: &BTreeMap<String, String>) {
    let mut csv = Vec::new();
    let mut after = 0;
    loop {
        let page = export::page(&svc.db, after, export::PAGE, chrono::Utc::now())
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = last.id;
        csv.extend(export::encode(&page, export::Format::Csv, csv.is_empty()).unwrap());
    }
    let mut r = csv::Reader::from_reader(csv.as_slice());
    let mut names = HashMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        for cell in rec.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a formula cell in the export: {cell:?}"
            );
        }
        names.insert(rec[1].to_string(), rec[2].to_string());
    }
    assert_eq!(names.len(), in_db.len());
    let mut formulas = 0;
    for (code, name) in in_db {
        let exported = &names[code];
        if name.starts_with(['=', '+', '-', '@', '\t']) {
            formulas += 1;
            assert_eq!(exported, &format!("'{name}"));
        } else {
            assert_eq!(exported, name);
        }
    }
    eprintln!(
        "export: {} rows, {formulas} names that would be formulas written as text",
        names.len()
    );
}

/// Bytes an outsider might pass as the file: anything; and a valid header
/// followed by text heavy in what CSV parsers trip on.
fn csv_bytes() -> impl Strategy<Value = Vec<u8>> {
    let tricky = prop_oneof![
        Just(b",".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\0".to_vec()),
        Just("\u{feff}".as_bytes().to_vec()),
        Just(b"\xff".to_vec()),
        Just(b"N/A".to_vec()),
        Just(b"=cmd|' /C calc'!A0".to_vec()),
        Just(b"2001-02-03".to_vec()),
        Just(b"91110106102167290A".to_vec()),
        Just(b"91110106102167290a".to_vec()),
        Just("北京海淀电器有限公司".as_bytes().to_vec()),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..1024),
        proptest::collection::vec(tricky, 0..200).prop_map(|parts| {
            let mut v = format!("{HEADER}\n").into_bytes();
            v.extend(parts.concat());
            v
        }),
    ]
}

/// Arbitrary bytes: no panic; with a valid header, never a failure (a bad
/// row is a rejection, not an error) and the counts add up; without one,
/// an error naming the header and nothing imported.
async fn arbitrary_bytes(backend: Backend) {
    run(backend, |svc| async move {
        let handle = tokio::runtime::Handle::current();
        let (ok, refused) = (AtomicU64::new(0), AtomicU64::new(0));
        tokio::task::block_in_place(|| {
            let config = ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() };
            proptest!(config, |(input in csv_bytes())| {
                handle.block_on(async {
                    let before = merchants(&svc).await.len() as u64;
                    match import_merchants(&svc, input.as_slice()).await {
                        Ok(report) => {
                            consistent(&report, &input)?;
                            let after = merchants(&svc).await.len() as u64;
                            prop_assert_eq!(after, before + report.imported);
                            ok.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => {
                            let e = format!("{e:#}");
                            prop_assert!(!input.starts_with(HEADER.as_bytes()), "a file with a valid header failed: {}", e);
                            prop_assert!(e.contains("header") || e.contains("CSV") || e.contains("UTF-8") || e.contains("utf-8"), "{}", e);
                            prop_assert_eq!(merchants(&svc).await.len() as u64, before);
                            refused.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    Ok::<(), TestCaseError>(())
                })?;
            });
        });
        eprintln!(
            "{backend:?}: 128 inputs, {} read, {} refused as a whole",
            ok.load(Ordering::Relaxed),
            refused.load(Ordering::Relaxed)
        );
    })
    .await
}

/// Hand-made hostile rows, each checked on its line and reason.
async fn hostile_rows(backend: Backend) {
    run(backend, |svc| async move {
        let big = "范".repeat(1 << 20);
        let input = format!(
            "\u{feff}\u{feff}name , uscc,registered_on,entity_type,registered_capital,business_scope,province,region,address\n\
             =cmd|' /C calc'!A0,91110106102167290A,2001-02-03,,,,北京,海淀,\n\
             \"多行\n名称\",9111000010000106X1,,,,,北京,东城,\n\
             \n\
             北京丙有限公司,91110102MA00CFMR4A,2001-02-03,,,\"{big}\",北京,西城,\n\
             北京丁有限公司,91110102MA00CFMR4A,2001-02-03,,,,北京,西城,\"地址\0\"\n\
             \"未闭合的引号,91340000148941325J,2001-02-03,,,,安徽,合肥,\n"
        );
        let report = import_merchants(&svc, input.as_bytes()).await.unwrap();
        eprintln!("{report}");
        let rejected: Vec<(u64, &str)> = report.rejected.iter().map(|r| (r.line, r.reason.as_str())).collect();
        // Line 3's name spans two lines; line 5 is blank; line 7's NUL is
        // refused; line 8 opens a quote that never closes and swallows the
        // rest of the file as one field: one short, unreadable row.
        assert_eq!(rejected.len(), 3, "{report}");
        assert_eq!(rejected[0].0, 3);
        assert!(rejected[0].1.contains("name"), "{rejected:?}");
        assert_eq!(rejected[1].0, 7);
        assert!(rejected[1].1.contains("NUL"), "{rejected:?}");
        assert_eq!(rejected[2].0, 8);
        assert!(rejected[2].1.contains("unreadable"), "{rejected:?}");
        assert_eq!((report.read, report.imported, report.updated), (5, 2, 0), "{report}");
        let m = merchants(&svc).await;
        assert_eq!(m["91110106102167290A"], "=cmd|' /C calc'!A0");
        assert_eq!(m["91110102MA00CFMR4A"], "北京丙有限公司");
        assert_export_is_inert(&svc, &m).await;
    })
    .await
}

macro_rules! on_both {
    ($($name:ident => $f:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$f(super::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$f(super::Backend::Postgres).await
                }
            )*
        }
    };
}

on_both! {
    real_rows_twisted_are_taken_or_refused_on_their_line => twisted_rows,
    arbitrary_bytes_never_panic_and_every_row_is_counted => arbitrary_bytes,
    hand_made_hostile_rows_are_refused_with_line_and_reason => hostile_rows,
}
