//! Several servers on one database, each with its own data folder and its
//! own connection pool: leases of periodic jobs, mail sent exactly once by
//! two workers, rate limits that hold across servers (database and Redis),
//! and evidence files in a shared folder.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use entities::outbox;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, Statement};
use services::config::{MailBackendConfig, SmtpTls};
use services::lease;
use services::mail::{MailMessage, Mailer};
use services::{Config, Services};

use crate::harness::backend_tests;
use crate::smtp_server;

/// A second server on `svc`'s database: its own pool and data folder,
/// `config` adjusted by `adjust`.
async fn second_server(svc: &Services, adjust: impl FnOnce(&mut Config)) -> Services {
    let mut config = (*svc.config).clone();
    config.data_dir = svc.config.data_dir.join("server-b");
    config.files_dir = config.data_dir.join("evidence");
    adjust(&mut config);
    let db = services::db::connect(&config.database_url).await.unwrap();
    Services::with_db(config, db)
}

const REDIS_URL: &str = "redis://127.0.0.1:6379";

backend_tests! {
    async fn one_holder_at_a_time_and_another_takes_over_after_expiry(svc) {
        let b = second_server(&svc, |_| {}).await;
        assert_ne!(svc.holder, b.holder, "each server has its own holder id");
        let ttl = Duration::from_secs(30);
        let t0 = Utc.with_ymd_and_hms(2026, 12, 4, 10, 0, 0).unwrap();
        let (a_id, b_id) = (&*svc.holder, &*b.holder);

        // Both ask at once: exactly one gets it.
        let (ra, rb) = tokio::join!(
            lease::acquire(&svc.db, "job", a_id, ttl, t0),
            lease::acquire(&b.db, "job", b_id, ttl, t0),
        );
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert!(ra ^ rb, "exactly one holder: {ra} {rb}");
        let (holder, holder_db, other, other_db) = if ra {
            (a_id, &svc.db, b_id, &b.db)
        } else {
            (b_id, &b.db, a_id, &svc.db)
        };
        // The holder renews; the other is refused while the lease lasts.
        let t1 = t0 + chrono::Duration::seconds(20);
        assert!(lease::acquire(holder_db, "job", holder, ttl, t1).await.unwrap());
        let t2 = t1 + chrono::Duration::seconds(29);
        assert!(!lease::acquire(other_db, "job", other, ttl, t2).await.unwrap());
        // Another job's lease is separate.
        assert!(lease::acquire(other_db, "other-job", other, ttl, t2).await.unwrap());
        // The holder stopped renewing (died): once expired, the other takes it…
        let t3 = t1 + chrono::Duration::seconds(30);
        assert!(lease::acquire(other_db, "job", other, ttl, t3).await.unwrap());
        // …and the old holder, coming back, is refused.
        assert!(!lease::acquire(holder_db, "job", holder, ttl, t3).await.unwrap());

        // run_held runs the work only on the holder (wall clock: the lease was
        // taken with a fake 2026 clock, so take it afresh now).
        lease::release(other_db, "job", other).await.unwrap();
        let ran = lease::run_held(holder_db, "job", holder, ttl, async { 7 }).await;
        assert_eq!(ran, Some(7));
        let ran = lease::run_held(other_db, "job", other, ttl, async { 7 }).await;
        assert_eq!(ran, None, "the other server does not run the job");
        test_db::close(&b.db).await;
    }

    async fn a_renewal_keeps_a_long_run_going_and_a_lost_lease_stops_it(svc) {
        let b = second_server(&svc, |_| {}).await;
        let ttl = Duration::from_millis(600);
        // A run longer than the lease: renewed meanwhile, so B cannot take it.
        let (a_id, b_id) = (svc.holder.clone(), b.holder.clone());
        let long = lease::run_held(&svc.db, "job", &a_id, ttl, async {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            let taken = lease::acquire(&b.db, "job", &b_id, ttl, Utc::now()).await.unwrap();
            assert!(!taken, "renewed while the run goes on");
            "done"
        });
        assert_eq!(long.await, Some("done"));
        // A holder that stops renewing (dies) loses it once it expires.
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert!(lease::acquire(&b.db, "job", &b_id, ttl, Utc::now()).await.unwrap());
        test_db::close(&b.db).await;
    }

    async fn two_mail_workers_deliver_each_of_200_messages_exactly_once(svc) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (sink, mut inbox) = smtp_server::serve(listener);
        let smtp = MailBackendConfig::Smtp {
            host: "127.0.0.1".into(),
            port,
            username: None,
            password: None,
            tls: SmtpTls::None,
        };
        let b = second_server(&svc, |c| c.mail.backend = smtp.clone()).await;
        let mut ca = (*svc.config).clone();
        ca.mail.backend = smtp;
        let mailer_a = Mailer::from_config(&ca).unwrap();
        let mailer_b = Mailer::from_config(&b.config).unwrap();

        let messages: Vec<MailMessage> = (0..200)
            .map(|i| MailMessage {
                to: format!("user{i}@example.cn"),
                subject: format!("message {i}"),
                body: format!("body {i}"),
            })
            .collect();
        services::outbox::enqueue_many(&svc.db, services::mail::TOPIC, &messages, Utc::now())
            .await
            .unwrap();
        let workers = [
            tokio::spawn(services::mail::worker::run(svc.clone(), mailer_a)),
            tokio::spawn(services::mail::worker::run(b.clone(), mailer_b)),
        ];
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut message_ids: HashMap<String, usize> = HashMap::new();
        let started = std::time::Instant::now();
        // Everything, then a little longer for any duplicate still on its way.
        let mut quiet_until = None;
        loop {
            let wait = match quiet_until {
                Some(t) => t,
                None => started + Duration::from_secs(60),
            };
            match tokio::time::timeout_at(wait.into(), inbox.recv()).await {
                Ok(Some(m)) => {
                    *seen.entry(m.header("Subject").unwrap_or_default()).or_default() += 1;
                    *message_ids.entry(m.header("Message-ID").unwrap_or_default()).or_default() += 1;
                    if seen.len() == 200 && quiet_until.is_none() {
                        eprintln!("200 messages in {:?}", started.elapsed());
                        quiet_until = Some(std::time::Instant::now() + Duration::from_secs(3));
                    }
                }
                _ => break,
            }
        }
        for w in workers {
            w.abort();
        }
        sink.abort();
        assert_eq!(seen.len(), 200, "every message arrived");
        let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
        assert!(twice.is_empty(), "sent more than once: {twice:?}");
        assert_eq!(message_ids.len(), 200, "one Message-ID each");
        assert_eq!(outbox::Entity::find().count(&svc.db).await.unwrap(), 0, "the outbox is empty");
        test_db::close(&b.db).await;
    }

    async fn the_sign_in_limit_holds_across_two_servers_sharing_the_database(svc) {
        let b = second_server(&svc, |_| {}).await;
        let minute = Duration::from_secs(60);
        let key = "login-ip:203.0.113.9";
        let mut allowed = 0;
        for i in 0..10 {
            let s = if i % 2 == 0 { &svc } else { &b };
            allowed += usize::from(s.limiter.allow(key, 6, minute).await);
        }
        assert_eq!(allowed, 6, "six attempts in all, whichever server took them");
        assert!(svc.limiter.allow("login-ip:198.51.100.1", 6, minute).await, "keys are separate");
        // Concurrent attempts count each once too.
        let hits = futures_join(&svc, &b, "register-ip:203.0.113.10", 5).await;
        assert_eq!(hits, 5);
        test_db::close(&b.db).await;
    }

    async fn a_new_window_starts_over_and_old_windows_are_removed(svc) {
        let l = &svc.limiter;
        let w = Duration::from_secs(60);
        let t = Utc.with_ymd_and_hms(2026, 12, 4, 10, 0, 5).unwrap();
        assert!(l.allow_at("k", 2, w, t).await);
        assert!(l.allow_at("k", 2, w, t + chrono::Duration::seconds(10)).await);
        assert!(!l.allow_at("k", 2, w, t + chrono::Duration::seconds(54)).await, "same window");
        assert!(l.allow_at("k", 2, w, t + chrono::Duration::seconds(55)).await, "the next minute");
        let removed = services::rate_limit::purge_expired(&svc.db, t + chrono::Duration::seconds(55)).await.unwrap();
        assert_eq!(removed, 1, "the first window's counter");
        let removed = services::rate_limit::purge_expired(&svc.db, t + chrono::Duration::seconds(55)).await.unwrap();
        assert_eq!(removed, 0, "the current window stays");
    }

    async fn the_limit_holds_across_servers_in_redis_and_falls_back_when_redis_is_down(svc) {
        let redis_url = |c: &mut Config| c.redis_url = Some(REDIS_URL.into());
        let a = second_server(&svc, redis_url).await;
        let b = second_server(&svc, redis_url).await;
        // A key no earlier run used (Redis outlives the test database).
        let key = format!("login-ip:test-{:x}", rand::random::<u64>());
        let minute = Duration::from_secs(60);
        let mut allowed = 0;
        for i in 0..10 {
            let s = if i % 2 == 0 { &a } else { &b };
            allowed += usize::from(s.limiter.allow(&key, 4, minute).await);
        }
        assert_eq!(allowed, 4);
        assert_eq!(counters_in_db(&svc).await, 0, "counted in Redis, not the database");
        // A new window in Redis starts over.
        let t = Utc::now() + chrono::Duration::hours(1);
        assert!(a.limiter.allow_at(&key, 1, minute, t).await);
        assert!(!b.limiter.allow_at(&key, 1, minute, t).await);

        // Redis configured but down: the database counts, shared as before.
        let dead = |c: &mut Config| c.redis_url = Some(format!("redis://127.0.0.1:{}", free_port()));
        let c = second_server(&svc, dead).await;
        let d = second_server(&svc, dead).await;
        let mut allowed = 0;
        for i in 0..6 {
            let s = if i % 2 == 0 { &c } else { &d };
            allowed += usize::from(s.limiter.allow("reset-ip:203.0.113.11", 3, minute).await);
        }
        assert_eq!(allowed, 3);
        for s in [a, b, c, d] {
            test_db::close(&s.db).await;
        }
    }

    async fn a_file_stored_through_one_server_is_served_through_another(svc) {
        let shared = svc.config.data_dir.join("shared-files");
        let a = second_server(&svc, |c| c.files_dir = shared.clone()).await;
        let b = second_server(&svc, |c| {
            c.data_dir = c.data_dir.join("other");
            c.files_dir = shared.clone();
        })
        .await;
        assert_ne!(a.config.data_dir, b.config.data_dir);
        let pdf = b"%PDF-1.7\n shared evidence".to_vec();
        let sha = services::blobs::store(&a, &pdf).await.unwrap();
        assert_eq!(services::blobs::read(&b, &sha).await.unwrap(), pdf);
        // No temporary file is left beside it.
        let dir = shared.join(&sha[..2]);
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, [std::ffi::OsString::from(&sha)]);
        // The default stays where existing data is.
        assert_eq!(svc.config.files_dir, svc.config.data_dir.join("evidence"));
        for s in [a, b] {
            test_db::close(&s.db).await;
        }
    }
}

/// How many rate-limit counters the database holds.
async fn counters_in_db(svc: &Services) -> i64 {
    let row = svc
        .db
        .query_one_raw(Statement::from_string(
            svc.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM rate_limit",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// Fires `2n` attempts at `key` at once, alternating between the servers,
/// under a limit of `n`; returns how many were allowed.
async fn futures_join(a: &Services, b: &Services, key: &str, n: u32) -> usize {
    let minute = Duration::from_secs(60);
    let mut tasks = vec![];
    for i in 0..2 * n {
        let s = if i % 2 == 0 { a.clone() } else { b.clone() };
        let key = key.to_string();
        tasks.push(tokio::spawn(async move {
            s.limiter.allow(&key, n, minute).await
        }));
    }
    let mut allowed = 0;
    for t in tasks {
        allowed += usize::from(t.await.unwrap());
    }
    allowed
}

/// A port on which nothing listens.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
