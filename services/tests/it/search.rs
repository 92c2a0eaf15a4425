//! The merchant search index: real names from the registry sample found by
//! words and by one or two characters, USCC look-up, the red-list boost and
//! black-list demotion, facets and filters, freshness through the outbox,
//! crash safety of that feed, and rebuilding while serving.

use std::path::PathBuf;

use chrono::Utc;
use entities::{merchant, outbox};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use services::Services;
use services::search::indexer::{Indexer, rebuild};
use services::search::{SearchQuery, SortBy};

use crate::harness::backend_tests;

const HEADER: &str =
    "name,uscc,registered_on,entity_type,registered_capital,business_scope,province,region,address";

pub(crate) fn shared_data() -> PathBuf {
    if let Some(p) = std::env::var_os("GONGDAO_SHARED_DATA") {
        return PathBuf::from(p);
    }
    let beside = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data");
    if beside.exists() {
        return beside;
    }
    PathBuf::from("/work/shared/data")
}

/// The first `n` rows of the real registry sample.
pub(crate) fn sample(n: usize) -> String {
    let text = std::fs::read_to_string(shared_data().join("merchants-cn-sample.csv")).unwrap();
    text.lines().take(n + 1).collect::<Vec<_>>().join("\n") + "\n"
}

/// The sample's row for `name`, as it is in the file.
fn shared_sample_row(name: &str) -> String {
    let text = std::fs::read_to_string(shared_data().join("merchants-cn-sample.csv")).unwrap();
    text.lines()
        .find(|l| l.starts_with(&format!("{name},")))
        .unwrap_or_else(|| panic!("{name} is not in the sample"))
        .to_string()
}

/// Applies every pending index update, as the server's writer does.
pub(crate) async fn drain(svc: &Services) -> usize {
    let mut indexer = Indexer::new(svc).unwrap();
    let mut total = 0;
    loop {
        let n = indexer.apply_due(svc, Utc::now()).await.unwrap();
        if n == 0 {
            return total;
        }
        total += n;
    }
}

fn q(text: &str) -> SearchQuery {
    SearchQuery {
        q: text.into(),
        page: 1,
        per_page: 20,
        ..Default::default()
    }
}

fn names(svc: &Services, query: &SearchQuery) -> Vec<String> {
    svc.search
        .index()
        .search(query)
        .unwrap()
        .items
        .into_iter()
        .map(|h| h.name)
        .collect()
}

pub(crate) async fn id_of(svc: &Services, name: &str) -> i32 {
    merchant::Entity::find()
        .filter(merchant::Column::Name.eq(name))
        .one(&svc.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no {name}"))
        .id
}

pub(crate) async fn import(svc: &Services, csv: &str) {
    services::merchants::import::import_merchants(svc, csv.as_bytes())
        .await
        .unwrap();
}

backend_tests! {
    async fn real_names_are_found_by_words_and_by_one_or_two_characters(svc) {
        import(&svc, &sample(6000)).await;
        assert!(drain(&svc).await > 5800, "the first writer run built the index from the database");
        // A name typed without its legal suffix, and out of its parts.
        let first = |query: &str| names(&svc, &q(query)).into_iter().next().unwrap_or_default();
        assert_eq!(first("常州五星禾润"), "常州市五星禾润农资有限公司");
        assert_eq!(first("辉腾国际"), "山西辉腾国际货运代理有限公司");
        // 电器 finds 家用电器 (jieba's search mode indexes the shorter words too).
        assert_eq!(first("威利宝电器"), "佛山市威利宝家用电器有限公司");
        let hits = names(&svc, &q("电器"));
        assert!(hits.len() == 20 && hits.iter().all(|n| n.contains("电器")), "{hits:?}");
        // A fragment across jieba's words (华奈 / 工贸) finds the name that holds it
        // in one piece; a full legal name finds itself although 有限公司 (in most
        // names) is left out of the query; typed alone, 有限公司 still finds names.
        let huanai = shared_sample_row("上海华奈工贸有限公司");
        import(&svc, &format!("{HEADER}\n{huanai}\n")).await;
        drain(&svc).await;
        assert_eq!(first("华奈工"), "上海华奈工贸有限公司");
        assert_eq!(first("山西辉腾国际货运代理有限公司"), "山西辉腾国际货运代理有限公司");
        assert_eq!(svc.search.index().search(&q("有限公司")).unwrap().items.len(), 20);
        // Words of the business scope count too: 录音机 is only in this shop's scope.
        let scope = SearchQuery { per_page: 100, ..q("录音机") };
        assert!(names(&svc, &scope).contains(&"天津塘沽商业大厦集团利群文化用品商店".to_string()));
        // One character and two characters still find names containing them.
        let hits = names(&svc, &q("鞋"));
        assert!(hits.contains(&"镇江皮革制鞋厂有限责任公司".to_string()), "{hits:?}");
        let hits = names(&svc, &q("常州"));
        assert!(hits.len() >= 5 && hits.iter().take(5).all(|n| n.contains("常州")), "{hits:?}");
        // Nothing for nonsense, an empty page for punctuation.
        assert!(names(&svc, &q("ＺＺＺＱＱＱ")).is_empty());
        assert_eq!(svc.search.index().search(&q("，。！")).unwrap().total, 0);
    }

    async fn a_uscc_finds_its_merchant_in_any_case_and_spacing(svc) {
        import(&svc, &sample(300)).await;
        drain(&svc).await;
        for typed in ["91320404137295380K", "91320404137295380k", " 9132 0404 1372 9538 0K "] {
            let page = svc.search.index().search(&q(typed)).unwrap();
            assert_eq!(page.total, 1, "{typed}");
            assert_eq!(page.items[0].name, "常州市五星禾润农资有限公司");
        }
    }

    async fn the_red_list_lifts_and_the_black_list_lowers_equally_relevant_merchants(svc) {
        import(&svc, &format!("{HEADER}\n上海甲乙电器有限公司,91110106102167290A,2001-05-01,有限责任公司,100万,家用电器销售,上海,浦东,上海市浦东新区1号\n上海丙丁电器有限公司,9111000010000106X1,2001-05-01,有限责任公司,100万,家用电器销售,上海,浦东,上海市浦东新区2号\n")).await;
        drain(&svc).await;
        let before = names(&svc, &q("电器"));
        assert_eq!(before.len(), 2);
        // The one ranked second goes on the red list: now it comes first.
        let second = id_of(&svc, &before[1]).await;
        let now = Utc::now();
        svc.db.execute_unprepared(&format!(
            "INSERT INTO list_entries (merchant_id, list, status, reasons, proposed_at, decided_at, created_at) \
             VALUES ({second}, 'red', 'confirmed', '[]', '{now}', '{now}', '{now}')",
            now = now.to_rfc3339()
        )).await.unwrap();
        services::changes::merchant_changed(&svc.db, second, now).await.unwrap();
        drain(&svc).await;
        let after = svc.search.index().search(&q("电器")).unwrap();
        assert_eq!(after.items[0].name, before[1], "the red-listed merchant is lifted");
        assert!(after.items[0].red_list);
        // The other goes on the black list: flagged, and it stays last.
        let other = id_of(&svc, &before[0]).await;
        svc.db.execute_unprepared(&format!(
            "INSERT INTO list_entries (merchant_id, list, status, reasons, proposed_at, decided_at, created_at) \
             VALUES ({other}, 'black', 'confirmed', '[]', '{now}', '{now}', '{now}')",
            now = now.to_rfc3339()
        )).await.unwrap();
        services::changes::merchant_changed(&svc.db, other, now).await.unwrap();
        drain(&svc).await;
        let page = svc.search.index().search(&q("电器")).unwrap();
        assert!(page.items[1].black_list && page.items[1].name == before[0], "{page:?}");
        // Facets and filters.
        assert!(page.facets.list.contains(&("black".to_string(), 1)), "{:?}", page.facets);
        assert!(page.facets.province.contains(&("上海".to_string(), 2)), "{:?}", page.facets);
        let only_red = SearchQuery { list: Some("red".into()), ..q("电器") };
        assert_eq!(names(&svc, &only_red), vec![before[1].clone()]);
        let by_complaints = SearchQuery { sort: SortBy::Complaints, ..q("") };
        assert_eq!(svc.search.index().search(&by_complaints).unwrap().total, 2);
    }

    async fn a_change_is_searchable_after_the_writer_runs_and_a_crash_loses_nothing(svc) {
        import(&svc, &sample(50)).await;
        drain(&svc).await;
        let id = id_of(&svc, "常州市五星禾润农资有限公司").await;
        let before = Indexer::new(&svc).unwrap().cursor().unwrap();
        svc.db.execute_unprepared(&format!("UPDATE merchants SET name = '常州禾润新名有限公司' WHERE id = {id}")).await.unwrap();
        services::changes::merchant_changed(&svc.db, id, Utc::now()).await.unwrap();
        let renamed = "常州禾润新名有限公司".to_string();
        assert!(!names(&svc, &q("禾润新名")).contains(&renamed), "not before the writer ran");
        // A writer died between its two commits: the merchant index holds
        // the new cursor, the complaint index not yet. The generation's
        // cursor is the lower one, so the change is done again.
        {
            let merchants = svc.search.current().merchants.clone();
            let mut w = merchants.writer().unwrap();
            services::search::store::commit_at(&mut w, before + 1).unwrap();
        }
        assert_eq!(svc.search.current().merchants.cursor().unwrap(), Some(before + 1));
        let mut dead = Indexer::new(&svc).unwrap();
        assert_eq!(dead.cursor(), Some(before), "the lower of the two");
        assert_eq!(dead.apply_due(&svc, Utc::now()).await.unwrap(), 1);
        assert_eq!(names(&svc, &q("禾润新名")).first(), Some(&renamed));
        assert!(!names(&svc, &q("五星禾润")).contains(&"常州市五星禾润农资有限公司".to_string()), "the old name is gone");
        assert_eq!(dead.cursor(), Some(before + 1));
        assert_eq!(svc.search.current().cursor().unwrap(), Some(before + 1), "committed with the documents");
        assert_eq!(outbox::Entity::find().count(&svc.db).await.unwrap(), 0, "the index needs no outbox rows");
    }

    async fn a_rebuild_keeps_serving_the_old_index_and_then_switches(svc) {
        import(&svc, &sample(200)).await;
        drain(&svc).await;
        let before = svc.search.index();
        let generation = svc.search.generation();
        let count = before.num_docs();
        // An update logged before the rebuild is in the new index (it reads the
        // log's head before the database); one logged during it, after.
        let id = id_of(&svc, "常州市五星禾润农资有限公司").await;
        svc.db.execute_unprepared(&format!("UPDATE merchants SET name = '常州重建期间改名有限公司' WHERE id = {id}")).await.unwrap();
        services::changes::merchant_changed(&svc.db, id, Utc::now()).await.unwrap();
        let n = rebuild(&svc, |_, _| {}).await.unwrap();
        assert_eq!(n as u64, count);
        assert_eq!(svc.search.generation(), generation + 1);
        // The old handle still answers for whoever held it.
        assert_eq!(before.num_docs(), count);
        assert_eq!(svc.search.index().num_docs(), count);
        drain(&svc).await;
        assert_eq!(names(&svc, &q("重建期间改名")).first().map(String::as_str), Some("常州重建期间改名有限公司"));
    }
}

#[test]
fn a_missing_or_broken_index_is_replaced_and_marked_for_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let (_, fresh) = services::search::SearchState::open(dir.path()).unwrap();
    assert!(fresh, "nothing there: a new index, to be rebuilt");
    let (_, fresh) = services::search::SearchState::open(dir.path()).unwrap();
    assert!(!fresh, "the same index opens again");
    // Its files damaged: replaced and marked.
    let current = std::fs::read_to_string(dir.path().join("CURRENT")).unwrap();
    std::fs::write(
        dir.path().join(current.trim()).join("merchants/meta.json"),
        b"{not json",
    )
    .unwrap();
    let (_, fresh) = services::search::SearchState::open(dir.path()).unwrap();
    assert!(fresh);
}
