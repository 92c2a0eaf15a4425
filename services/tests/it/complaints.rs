//! The public complaint index's privacy rule on real texts (every CFPB
//! narrative of the sample, and Chinese shopping reviews, with personal
//! data planted in them), and a rebuild by another process
//! (`gongdao reindex`) while a server keeps serving and then follows it.

use std::time::{Duration, Instant};

use chrono::Utc;
use domain::pii::scrub_public;
use sea_orm::ConnectionTrait;
use services::search::SearchQuery;

use crate::harness::backend_tests;
use crate::search::{drain, id_of, import, sample, shared_data};

/// The narratives of the CFPB sample (389 of its 2,066 rows have one).
fn cfpb_narratives() -> Vec<String> {
    let mut r = csv::Reader::from_path(shared_data().join("complaints-cfpb-sample.csv")).unwrap();
    let col = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "Consumer complaint narrative")
        .unwrap();
    r.records()
        .map(|rec| rec.unwrap()[col].to_string())
        .filter(|t| !t.trim().is_empty())
        .collect()
}

/// The first `n` review texts of the Chinese sample.
fn reviews(n: usize) -> Vec<String> {
    let mut r = csv::Reader::from_path(shared_data().join("reviews-cn-sample.csv")).unwrap();
    r.records()
        .take(n)
        .map(|rec| rec.unwrap()[2].to_string())
        .collect()
}

/// Inserts `plant` after the `at`-th character, moved on past any letter
/// or digit there (planting inside a real number would make a new one).
fn plant(text: &str, at: usize, plant: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut at = chars.len().min(at);
    while at > 0 && at < chars.len() && chars[at - 1].is_ascii_alphanumeric() {
        at += 1;
    }
    let head: String = text.chars().take(at).collect();
    let tail: String = text.chars().skip(at).collect();
    format!("{head}{plant}{tail}")
}

#[test]
fn personal_data_planted_in_every_real_narrative_is_masked_and_the_rest_kept() {
    let cfpb = cfpb_narratives();
    assert_eq!(cfpb.len(), 389, "the sample's narratives");
    let zh = reviews(3000);
    let planted = [
        (" call me at 13800138000 ", "13800138000", "138****8000"),
        (
            " id 110101199003074518 ",
            "110101199003074518",
            "1101**********4518",
        ),
        (
            " mail li.lei@example.com ",
            "li.lei@example.com",
            "l***@example.com",
        ),
    ];
    let mut changed_without_plant = 0;
    for (i, text) in cfpb.iter().chain(zh.iter()).enumerate() {
        // Texts as they are: the masks do not eat ordinary words and numbers
        // (amounts, dates, the CFPB's own XXXX redactions stay as they were).
        if scrub_public(text, &[]) != *text {
            changed_without_plant += 1;
        }
        for (p, raw, masked) in planted {
            let at = (i * 37) % (text.chars().count() + 1);
            let got = scrub_public(&plant(text, at, p), &[]);
            assert!(!got.contains(raw), "{raw} survived in text {i}: {got}");
            assert!(got.contains(masked), "text {i}: {got}");
        }
        // The consumer's own name, wherever it is put.
        let got = scrub_public(&plant(text, i % 50, "王小明"), &["王小明"]);
        assert!(
            !got.contains("王小明") && got.contains("王**"),
            "text {i}: {got}"
        );
    }
    // "Mr. XXXX" in a CFPB text becomes "Mr. X***": the only kind of change
    // to unplanted texts, and rare.
    let total = cfpb.len() + zh.len();
    assert!(
        changed_without_plant * 100 < total,
        "{changed_without_plant} of {total} real texts were changed with nothing planted"
    );
    // Names the text introduces, in a real Chinese review.
    let review = "收到货了，手机屏幕有划痕，联系客服没人理。";
    let got = scrub_public(&format!("我叫李小红，{review}收货人：张伟"), &[]);
    assert_eq!(got, format!("我叫李**，{review}收货人：张*"));
}

backend_tests! {
    async fn another_process_rebuilds_while_the_server_serves_and_the_server_follows(svc) {
        import(&svc, &sample(300)).await;
        drain(&svc).await;
        let served = svc.search.current().dir().to_path_buf();
        // The server's writer runs.
        let writer = tokio::spawn(services::search::indexer::run(svc.clone()));
        // `gongdao reindex`: another process on the same data folder and database.
        let cli = services::Services::with_db((*svc.config).clone(), svc.db.clone());
        let id = id_of(&svc, "常州市五星禾润农资有限公司").await;
        svc.db.execute_unprepared(&format!("UPDATE merchants SET name = '常州另一进程改名有限公司' WHERE id = {id}")).await.unwrap();
        services::changes::merchant_changed(&svc.db, id, Utc::now()).await.unwrap();
        let during = std::sync::Mutex::new(vec![]);
        let n = services::search::indexer::rebuild(&cli, |_, _| {
            // Meanwhile the server answers from its old index (its writer
            // goes on following the change log there).
            let hits = svc.search.index().num_docs();
            during.lock().unwrap().push((hits, svc.search.paused(), svc.search.current().dir().to_path_buf()));
        })
        .await
        .unwrap();
        assert_eq!(n, svc.search.index().num_docs(), "every merchant");
        let during = during.into_inner().unwrap();
        assert!(!during.is_empty());
        assert!(during.iter().all(|(hits, paused, dir)| *hits >= 1 && *paused && *dir == served), "{during:?}");
        // The server switches to the new indexes within a second or two, finds
        // the update there, and removes the folder it no longer serves.
        let started = Instant::now();
        let renamed = loop {
            let q = SearchQuery { q: "另一进程改名".into(), page: 1, per_page: 5, ..Default::default() };
            if svc.search.current().dir() != served.as_path()
                && svc.search.index().search(&q).unwrap().items.iter().any(|h| h.id == id)
            {
                break true;
            }
            if started.elapsed() > Duration::from_secs(3) {
                break false;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        writer.abort();
        assert!(renamed, "the server did not follow the rebuild");
        assert_ne!(svc.search.current().dir(), served.as_path());
        assert!(!served.exists(), "the old generation is removed by the server");
    }
}
