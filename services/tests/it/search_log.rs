//! Several servers, one database: each server's index follows the change
//! log from its own cursor, committed with its documents. A change made
//! through one server is searchable on another; a server that starts late
//! replays what it missed, or rebuilds when the log was pruned past it; an
//! import followed by a rebuild leaves nothing to replay; the cursor
//! survives reopening the index.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use entities::merchant;
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryOrder};
use services::search::SearchQuery;
use services::search::indexer::{Indexer, rebuild};
use services::{Config, Services, changes};
use tempfile::TempDir;

use crate::harness::{backend_tests, config, run_with};
use crate::search::{drain, import, sample};

/// A second server on the same database with its own data folder (and so
/// its own index). On PostgreSQL it has its own connections; on SQLite it
/// shares the handle on the one file (separate pools would only add lock waits).
async fn second_server(a: &Services, dir: &TempDir, name: &str) -> Services {
    let url = a.config.database_url.clone();
    let db = if a.db.get_database_backend() == DbBackend::Postgres {
        services::db::connect(&url).await.unwrap()
    } else {
        a.db.clone()
    };
    Services::with_db(Config::for_tests(&url, dir.path().join(name)), db)
}

async fn two_servers<F, Fut>(backend: crate::harness::Backend, test: F)
where
    F: FnOnce(Services, Services, Arc<TempDir>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    run_with(backend, config, |a, dir| async move {
        let b = second_server(&a, &dir, "b").await;
        test(a, b, dir).await
    })
    .await
}

/// Renames merchant `id` in one transaction that logs the change, as a
/// service does.
async fn rename(svc: &Services, id: i32, name: &str) {
    let txn = services::db::begin(&svc.db).await.unwrap();
    txn.execute_unprepared(&format!(
        "UPDATE merchants SET name = '{name}' WHERE id = {id}"
    ))
    .await
    .unwrap();
    changes::merchant_changed(&txn, id, svc.clock.now())
        .await
        .unwrap();
    txn.commit().await.unwrap();
    svc.outbox_wake.notify_one();
}

/// The name `svc`'s index holds for the merchant with `uscc`.
fn indexed_name(svc: &Services, uscc: &str) -> Option<String> {
    let q = SearchQuery {
        q: uscc.into(),
        page: 1,
        per_page: 1,
        ..Default::default()
    };
    let page = svc.search.index().search(&q).unwrap();
    page.items.into_iter().next().map(|h| h.name)
}

async fn merchants(svc: &Services, n: u64) -> Vec<merchant::Model> {
    use sea_orm::QuerySelect;
    merchant::Entity::find()
        .order_by_asc(merchant::Column::Id)
        .limit(n)
        .all(&svc.db)
        .await
        .unwrap()
}

async fn poll(within: Duration, mut f: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    loop {
        if f() {
            return true;
        }
        if started.elapsed() > within {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

backend_tests! {
    runner = two_servers;

    async fn a_merchant_changed_through_one_server_is_found_on_another_within_two_seconds(a, b, _dir) {
        import(&a, &sample(100)).await;
        let count = merchant::Entity::find().count(&a.db).await.unwrap();
        let wa = tokio::spawn(services::search::indexer::run(a.clone()));
        let wb = tokio::spawn(services::search::indexer::run(b.clone()));
        // B builds its own index from the database at start.
        assert!(poll(Duration::from_secs(20), || b.search.index().num_docs() == count).await, "B never built its index");
        let m = &merchants(&a, 1).await[0];
        rename(&a, m.id, "北京跨服务器改名有限公司").await;
        let started = Instant::now();
        let on_b = poll(Duration::from_secs(2), || indexed_name(&b, &m.uscc).as_deref() == Some("北京跨服务器改名有限公司")).await;
        let took = started.elapsed();
        let on_a = poll(Duration::from_secs(2), || indexed_name(&a, &m.uscc).as_deref() == Some("北京跨服务器改名有限公司")).await;
        // A merchant registered through A (a new row and its change) too.
        let uscc = "91110106102167290A";
        import(&a, &format!("{}\n上海甲乙电器有限公司,{uscc},2001-05-01,有限责任公司,100万,家用电器销售,上海,浦东,上海市浦东新区1号\n", sample(0).trim_end())).await;
        let new_on_b = poll(Duration::from_secs(2), || indexed_name(&b, uscc).is_some()).await;
        wa.abort();
        wb.abort();
        assert!(on_b, "not searchable on B within 2 s");
        assert!(on_a, "not searchable on A within 2 s");
        assert!(new_on_b, "a new merchant was not searchable on B within 2 s");
        eprintln!("A → B in {took:?}");
    }

    async fn a_server_started_late_replays_what_it_missed_and_a_new_one_catches_up(a, b, dir) {
        import(&a, &sample(150)).await;
        drain(&a).await;
        drain(&b).await;
        let b_dir = b.search.current().dir().to_path_buf();
        let before = Indexer::new(&b).unwrap().cursor().unwrap();
        // B is down while 100 changes are made through A.
        let ms = merchants(&a, 100).await;
        for (i, m) in ms.iter().enumerate() {
            rename(&a, m.id, &format!("追赶测试{i}号有限公司")).await;
        }
        let head = changes::head(&a.db).await.unwrap();
        assert_eq!(head - before, 100);
        // B comes back: it replays from its cursor, without rebuilding.
        let mut indexer = Indexer::new(&b).unwrap();
        assert_eq!(indexer.cursor(), Some(before));
        assert_eq!(indexer.apply_due(&b, Utc::now()).await.unwrap(), 100);
        assert_eq!(indexer.cursor(), Some(head));
        assert_eq!(b.search.current().dir(), b_dir.as_path(), "replayed, not rebuilt");
        for (i, m) in ms.iter().enumerate() {
            assert_eq!(indexed_name(&b, &m.uscc), Some(format!("追赶测试{i}号有限公司")));
        }
        // A server whose index is created only now finds all of it too.
        let c = second_server(&a, &dir, "c").await;
        drain(&c).await;
        assert_eq!(Indexer::new(&c).unwrap().cursor(), Some(head));
        for (i, m) in ms.iter().enumerate() {
            assert_eq!(indexed_name(&c, &m.uscc), Some(format!("追赶测试{i}号有限公司")));
        }
        assert_eq!(c.search.index().num_docs(), a.search.index().num_docs());
    }

    async fn a_server_whose_cursor_predates_pruned_changes_rebuilds(a, b, _dir) {
        import(&a, &sample(50)).await;
        drain(&b).await;
        let cursor = Indexer::new(&b).unwrap().cursor().unwrap();
        let b_generation = b.search.generation();
        // While B is down, changes are made; the older ones are pruned.
        let ms = merchants(&a, 3).await;
        let long_ago = Utc::now() - chrono::Duration::days(8);
        for (i, m) in ms.iter().enumerate() {
            a.db.execute_unprepared(&format!("UPDATE merchants SET name = '剪除之前{i}号有限公司' WHERE id = {}", m.id)).await.unwrap();
            changes::merchant_changed(&a.db, m.id, long_ago).await.unwrap();
        }
        changes::record(&a.db, changes::Change::Ledger, Utc::now()).await.unwrap();
        let head = changes::head(&a.db).await.unwrap();
        // Time passes: what B had read is old too.
        {
            use entities::change_log::{Column, Entity};
            use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
            Entity::update_many().col_expr(Column::CreatedAt, Expr::value(long_ago)).filter(Column::Id.lte(cursor)).exec(&a.db).await.unwrap();
        }
        assert!(changes::prune(&a.db, Utc::now() - chrono::Duration::days(7)).await.unwrap() >= 3);
        assert!(changes::oldest(&a.db).await.unwrap().unwrap() > cursor + 1);
        // B notices the gap and rebuilds instead of replaying.
        let mut indexer = Indexer::new(&b).unwrap();
        assert!(indexer.apply_due(&b, Utc::now()).await.unwrap() >= 50);
        assert_eq!(b.search.generation(), b_generation + 1, "rebuilt");
        assert_eq!(indexer.cursor(), Some(head));
        for (i, m) in ms.iter().enumerate() {
            assert_eq!(indexed_name(&b, &m.uscc), Some(format!("剪除之前{i}号有限公司")));
        }
        assert_eq!(indexer.apply_due(&b, Utc::now()).await.unwrap(), 0, "nothing left");
    }

    async fn an_import_followed_by_a_rebuild_leaves_no_backlog(a, b, _dir) {
        let _ = b;
        import(&a, &sample(3000)).await;
        let merchants = merchant::Entity::find().count(&a.db).await.unwrap();
        let logged = entities::change_log::Entity::find().count(&a.db).await.unwrap();
        assert!(logged >= merchants, "a change per merchant, recorded in the import's batches");
        rebuild(&a, |_, _| {}).await.unwrap();
        let head = changes::head(&a.db).await.unwrap();
        let mut indexer = Indexer::new(&a).unwrap();
        assert_eq!(indexer.cursor(), Some(head), "the new generation starts at the head");
        assert_eq!(indexer.apply_due(&a, Utc::now()).await.unwrap(), 0, "no backlog to replay");
        assert_eq!(a.search.index().num_docs(), merchants);
    }

    async fn the_cursor_survives_reopening_the_index(a, b, _dir) {
        let _ = b;
        import(&a, &sample(30)).await;
        drain(&a).await;
        let m = &merchants(&a, 1).await[0];
        rename(&a, m.id, "重新打开之后有限公司").await;
        drain(&a).await;
        let head = changes::head(&a.db).await.unwrap();
        // Another process on the same data folder (a restart) reads the
        // cursor from the index's last commit, beside the documents.
        let again = Services::with_db((*a.config).clone(), a.db.clone());
        assert!(!again.search.needs_rebuild.load(std::sync::atomic::Ordering::SeqCst));
        assert_eq!(again.search.current().cursor().unwrap(), Some(head));
        assert_eq!(indexed_name(&again, &m.uscc).as_deref(), Some("重新打开之后有限公司"));
        let mut indexer = Indexer::new(&again).unwrap();
        assert_eq!(indexer.apply_due(&again, Utc::now()).await.unwrap(), 0);
    }

    async fn pruning_keeps_the_newest_change_so_the_head_never_goes_back(a, b, _dir) {
        let _ = b;
        for id in 1..=5 {
            changes::record(&a.db, changes::Change::Merchant(id), Utc::now() - chrono::Duration::days(30)).await.unwrap();
        }
        let head = changes::head(&a.db).await.unwrap();
        assert_eq!(changes::prune(&a.db, Utc::now()).await.unwrap(), 4);
        assert_eq!(changes::prune(&a.db, Utc::now()).await.unwrap(), 0, "idempotent");
        assert_eq!(changes::head(&a.db).await.unwrap(), head);
        assert_eq!(changes::oldest(&a.db).await.unwrap(), Some(head));
        changes::record(&a.db, changes::Change::Calendar, Utc::now()).await.unwrap();
        assert_eq!(changes::head(&a.db).await.unwrap(), head + 1, "ids are not handed out again");
    }
}
