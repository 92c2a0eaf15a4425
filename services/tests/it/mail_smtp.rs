//! Mail reaches a real SMTP server over TCP, and survives the server being
//! down: the outbox keeps the message, records the failure, and delivers it
//! once the server is up.

use std::time::Duration;

use chrono::Utc;
use domain::Lang;
use entities::outbox;
use sea_orm::EntityTrait;
use services::accounts::{self, NewUser};
use services::config::{MailBackendConfig, SmtpTls};
use services::mail::{Mailer, worker::deliver_due};

use crate::harness::{self, Backend, backend_tests};
use crate::smtp_server;

/// A port on which nothing listens (the OS just handed it out and we let it go).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn smtp_delivery_survives_the_server_being_down(backend: Backend) {
    let port = free_port();
    let config = move |tdb: &harness::TestDb| {
        let mut c = harness::config(tdb);
        c.mail.backend = MailBackendConfig::Smtp {
            host: "127.0.0.1".into(),
            port,
            username: None,
            password: None,
            tls: SmtpTls::None,
        };
        c
    };
    harness::run_with(backend, config, move |svc, _dir| async move {
        let mailer = Mailer::from_config(&svc.config).unwrap();
        let user = accounts::register(
            &svc,
            NewUser {
                email: "Li.Wei@Example.cn".into(),
                password: "correct horse battery".into(),
                display_name: "李伟".into(),
                role: "consumer".into(),
                lang: Lang::Zh,
            },
            "203.0.113.7",
        )
        .await
        .unwrap();
        assert!(!user.email_verified);

        // The server is down: nothing is sent, the message stays queued.
        let first_try = Utc::now();
        assert_eq!(deliver_due(&svc, &mailer, first_try).await.unwrap(), 0);
        let rows = outbox::Entity::find().all(&svc.db).await.unwrap();
        assert_eq!(rows.len(), 1, "the message stays in the outbox");
        assert_eq!(rows[0].attempts, 1);
        let err = rows[0].last_error.as_deref().unwrap_or_default();
        assert!(
            err.contains("SMTP"),
            "last_error records the failure: {err:?}"
        );
        assert!(
            rows[0].next_attempt_at > first_try,
            "the retry is scheduled later"
        );
        // Not due again before its back-off.
        assert_eq!(deliver_due(&svc, &mailer, first_try).await.unwrap(), 0);
        let rows = outbox::Entity::find().all(&svc.db).await.unwrap();
        assert_eq!(rows[0].attempts, 1, "no retry before the back-off");

        // The server comes up on the configured port.
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        let (server, mut inbox) = smtp_server::serve(listener);
        let sent = deliver_due(&svc, &mailer, Utc::now() + chrono::Duration::hours(1))
            .await
            .unwrap();
        assert_eq!(sent, 1);
        let got = tokio::time::timeout(Duration::from_secs(10), inbox.recv())
            .await
            .expect("the SMTP server received the message in time")
            .expect("a message");
        server.abort();

        assert_eq!(got.rcpt_to, vec!["<li.wei@example.cn>".to_string()]);
        assert_eq!(got.mail_from, "<noreply@gongdao.test>");
        assert_eq!(got.header("Subject").as_deref(), Some("请验证您的公道邮箱"));
        assert_eq!(got.header("To").as_deref(), Some("li.wei@example.cn"));
        let body = got.body();
        assert!(body.contains("您好，李伟"), "{body}");
        let link_at = body
            .find("http://gongdao.test/verify?token=")
            .unwrap_or_else(|| panic!("no verification link in {body:?}"));
        let token: String = body[link_at..]
            .trim_start_matches("http://gongdao.test/verify?token=")
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        assert!(
            outbox::Entity::find()
                .all(&svc.db)
                .await
                .unwrap()
                .is_empty(),
            "a delivered message leaves the outbox"
        );
        // The delivered link works.
        let verified = accounts::verify_email(&svc, &token).await.unwrap();
        assert_eq!(verified.id, user.id);
        assert!(verified.email_verified);
    })
    .await
}

backend_tests! { per_backend smtp_delivery_survives_the_server_being_down }
