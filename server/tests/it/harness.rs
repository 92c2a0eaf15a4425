//! `TestApp`: the whole router on a fresh database (SQLite file or a
//! PostgreSQL database created for the test and dropped after it), requests
//! sent in-process, and helpers for accounts and mail. `backend_tests!`
//! defines every test once per backend.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use domain::{Lang, Role};
use http_body_util::BodyExt;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use services::mail::backend::{StoredMail, read_mailbox};
use services::{Config, Services};
use tower::ServiceExt;

/// The password every helper-made account gets.
pub const PASSWORD: &str = "correct horse battery";
/// The host the requests claim to be for (`Host`, `Origin`).
pub const HOST: &str = "gongdao.test";

pub use test_db::{Backend, TestDb};

/// Runs `test` against a fresh app on `backend`, then drops the database,
/// also when the test panics (the panic is passed on).
pub async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let tdb = TestDb::create(backend).await;
    let db = services::db::connect(&tdb.url)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    services::db::migrate(&db)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let svc = Services::with_db(Config::for_tests(&tdb.url, tdb.data_dir()), db.clone());
    let app = TestApp {
        router: server::router(svc.clone()),
        svc,
        staff_made: Arc::default(),
    };
    let outcome = tokio::spawn(test(app)).await;
    tdb.destroy(&db).await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Defines each `async fn name(app) { … }` twice, as `sqlite::name` and
/// `postgres::name`, each on its own fresh database.
macro_rules! backend_tests {
    ($( $(#[$meta:meta])* async fn $name:ident($app:ident) $body:block )*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                $(#[$meta])*
                #[tokio::test]
                async fn $name() {
                    $crate::harness::run($crate::harness::Backend::Sqlite, |$app| async move $body).await
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                $(#[$meta])*
                #[tokio::test]
                async fn $name() {
                    $crate::harness::run($crate::harness::Backend::Postgres, |$app| async move $body).await
                }
            )*
        }
    };
}
pub(crate) use backend_tests;

// ---------------------------------------------------------------- requests

/// A request under construction.
pub struct Req {
    method: Method,
    uri: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    content_length: bool,
    peer: Option<std::net::SocketAddr>,
}

impl Req {
    pub fn new(method: Method, uri: &str) -> Req {
        Req {
            method,
            uri: uri.into(),
            headers: vec![],
            body: vec![],
            content_length: true,
            peer: None,
        }
    }

    pub fn get(uri: &str) -> Req {
        Req::new(Method::GET, uri)
    }

    pub fn post(uri: &str) -> Req {
        Req::new(Method::POST, uri)
    }

    pub fn put(uri: &str) -> Req {
        Req::new(Method::PUT, uri)
    }

    pub fn delete(uri: &str) -> Req {
        Req::new(Method::DELETE, uri)
    }

    /// A form post to the server function at `/api/{endpoint}`, as a
    /// browser with our page open sends it.
    pub fn server_fn<V: AsRef<str>>(endpoint: &str, fields: &[(&str, V)]) -> Req {
        let body: String = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencoding::encode(v.as_ref())))
            .collect::<Vec<_>>()
            .join("&");
        Req::post(&format!("/api/{endpoint}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .same_origin()
            .body(body)
    }

    pub fn header(mut self, name: &str, value: &str) -> Req {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn json(self, v: &Value) -> Req {
        self.raw(serde_json::to_vec(v).unwrap())
    }

    /// Sets `name` to `value`, dropping earlier values.
    pub fn replace_header(&mut self, name: &str, value: &str) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.headers.push((name.into(), value.into()));
    }

    /// A body as is; set the content type yourself.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Req {
        self.body = body.into();
        self
    }

    /// A body sent as JSON, whatever it holds.
    pub fn raw(mut self, body: impl Into<Vec<u8>>) -> Req {
        self.body = body.into();
        self.header("content-type", "application/json")
    }

    /// Sends the body without a `Content-Length` (as a chunked upload would).
    pub fn without_content_length(mut self) -> Req {
        self.content_length = false;
        self
    }

    pub fn bearer(self, token: &str) -> Req {
        self.header("authorization", &format!("Bearer {token}"))
    }

    pub fn cookie(self, token: &str) -> Req {
        self.header("cookie", &format!("gongdao_session={token}"))
    }

    pub fn lang(self, accept_language: &str) -> Req {
        self.header("accept-language", accept_language)
    }

    /// The TCP peer the request arrives from (axum's `ConnectInfo`), as
    /// `serve` sets it; without it the client address is unknown.
    pub fn peer(mut self, addr: &str) -> Req {
        self.peer = Some(addr.parse().unwrap());
        self
    }

    /// `Host` and a matching `Origin`, as our own pages send.
    pub fn same_origin(self) -> Req {
        self.header("host", HOST)
            .header("origin", &format!("http://{HOST}"))
    }

    fn build(self) -> Request<Body> {
        let mut b = Request::builder().method(self.method).uri(self.uri);
        for (k, v) in &self.headers {
            b = b.header(k, v);
        }
        if self.content_length && !self.body.is_empty() {
            b = b.header(header::CONTENT_LENGTH, self.body.len());
        }
        let mut req = b.body(Body::from(self.body)).unwrap();
        if let Some(peer) = self.peer {
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
        }
        req
    }
}

/// A response, body read.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{} body is not JSON ({e}): {:?}", self.status, self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The `items` of a list answer.
    pub fn items(&self) -> Vec<Value> {
        match self.json().get_mut("items").map(Value::take) {
            Some(Value::Array(items)) => items,
            other => panic!("no items list in {}: {other:?}", self.text()),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(String::from)
            .collect()
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Resp {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text());
        self
    }

    /// The API error's `(code, field, message)`.
    pub fn error(&self) -> (String, Option<String>, String) {
        let v = self.json();
        let e = &v["error"];
        (
            e["code"]
                .as_str()
                .unwrap_or_else(|| panic!("not an API error: {v}"))
                .into(),
            e["field"].as_str().map(String::from),
            e["message"].as_str().unwrap_or_default().into(),
        )
    }
}

// ---------------------------------------------------------------- the app

pub struct TestApp {
    pub svc: Services,
    router: Router,
    staff_made: Arc<std::sync::atomic::AtomicUsize>,
}

impl TestApp {
    /// Serves through a page cache whose follower reads the change log, as
    /// `gongdao serve` does (without one the cache is never used).
    pub async fn start_page_cache(&mut self) -> Arc<server::cache::PageCache> {
        let (router, cache) =
            server::router_and_cache(self.svc.clone(), server::cache::Limits::default());
        self.router = router;
        cache.catch_up(&self.svc).await.unwrap();
        tokio::spawn(cache.clone().follow(self.svc.clone()));
        cache
    }

    /// Sends `req` and reads the whole answer. An answer that has not ended
    /// within two minutes fails the test, naming the request, instead of
    /// hanging the suite.
    pub async fn send(&self, req: Req) -> Resp {
        let what = format!("{} {}", req.method, req.uri);
        let exchange = async {
            let resp = self.router.clone().oneshot(req.build()).await.unwrap();
            let (parts, body) = resp.into_parts();
            Resp {
                status: parts.status,
                headers: parts.headers,
                body: body.collect().await.unwrap().to_bytes(),
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(120), exchange)
            .await
            .unwrap_or_else(|_| panic!("{what}: no whole answer within 120 s"))
    }

    /// Self-registers through `POST /api/v1/users`; asserts 201.
    pub async fn register(&self, email: &str, role: Role) -> Value {
        self.send(Req::post("/api/v1/users").json(&new_user(email, role.as_str())))
            .await
            .expect(201)
            .json()
    }

    /// Signs in through `POST /api/v1/session`; asserts 200 and returns the token.
    pub async fn login(&self, email: &str) -> String {
        self.login_with(email, PASSWORD).await
    }

    pub async fn login_with(&self, email: &str, password: &str) -> String {
        let r = self
            .send(Req::post("/api/v1/session").json(&json!({"email": email, "password": password})))
            .await
            .expect(200);
        r.json()["token"].as_str().expect("a token").to_string()
    }

    /// A verified account of any role, made as the admin CLI does; returns its email.
    pub async fn create_staff(&self, role: Role) -> String {
        let n = self
            .staff_made
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let email = format!("{}-{n}@staff.gongdao.test", role.as_str().replace('_', "-"));
        let u = services::accounts::create_user(
            &self.svc,
            services::accounts::NewUser {
                email: email.clone(),
                password: PASSWORD.into(),
                display_name: format!("{role} {n}"),
                role: role.as_str().into(),
                lang: Lang::Zh,
            },
            true,
        )
        .await
        .unwrap();
        assert_eq!(u.role, role);
        email
    }

    /// The same app on a fixed clock set to `at`: requests and services read
    /// it, and `app.svc.clock.advance(…)` moves it for both.
    /// A second server on this app's database: its own connection pool,
    /// data folder and caches, the same clock. Close its pool when done.
    pub async fn second_server(&self) -> TestApp {
        self.second_server_with(|_| {}).await
    }

    /// [`second_server`](Self::second_server) with its configuration adjusted.
    pub async fn second_server_with(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = (*self.svc.config).clone();
        static SERVERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(2);
        let n = SERVERS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        config.data_dir = config.data_dir.join(format!("server-{n}"));
        config.files_dir = config.data_dir.join("evidence");
        adjust(&mut config);
        let db = services::db::connect(&config.database_url)
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
        let svc = Services {
            clock: self.svc.clock.clone(),
            ..Services::with_db(config, db)
        };
        TestApp {
            router: server::router(svc.clone()),
            svc,
            staff_made: self.staff_made.clone(),
        }
    }

    pub fn at(mut self, at: chrono::DateTime<chrono::Utc>) -> TestApp {
        self.svc.clock = services::Clock::fixed(at);
        self.router = server::router(self.svc.clone());
        self
    }

    /// The same app (database, clock) with its configuration adjusted.
    pub fn with_config(mut self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = (*self.svc.config).clone();
        adjust(&mut config);
        self.svc.config = Arc::new(config);
        self.router = server::router(self.svc.clone());
        self
    }

    /// A verified account made as the admin CLI does; returns its id.
    pub async fn create_account(
        &self,
        email: &str,
        role: Role,
        display_name: &str,
        lang: Lang,
    ) -> i32 {
        services::accounts::create_user(
            &self.svc,
            services::accounts::NewUser {
                email: email.into(),
                password: PASSWORD.into(),
                display_name: display_name.into(),
                role: role.as_str().into(),
                lang,
            },
            true,
        )
        .await
        .unwrap_or_else(|e| panic!("creating {email}: {e:?}"))
        .id
    }

    /// Runs SQL straight against the database (to tamper with rows as an
    /// attacker with database access would); returns the rows affected.
    pub async fn execute_sql(&self, sql: &str) -> u64 {
        self.svc
            .db
            .execute_unprepared(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .rows_affected()
    }

    /// Delivers every queued mail (as the worker would, an hour from now so
    /// back-off never delays it); returns how many were sent.
    pub async fn deliver_mail(&self) -> usize {
        let mailer = services::mail::Mailer::from_config(&self.svc.config).unwrap();
        services::mail::worker::deliver_due(
            &self.svc,
            &mailer,
            chrono::Utc::now() + chrono::Duration::hours(1),
        )
        .await
        .unwrap()
    }

    /// Delivered mail (file backend), newest first.
    pub fn mailbox(&self) -> Vec<StoredMail> {
        read_mailbox(&self.svc.config.mailbox_dir())
    }

    pub fn mail_to(&self, email: &str) -> Vec<StoredMail> {
        self.mailbox()
            .into_iter()
            .filter(|m| m.message.to == email)
            .collect()
    }
}

/// A valid registration body.
pub fn new_user(email: &str, role: &str) -> Value {
    json!({
        "email": email,
        "password": PASSWORD,
        "display_name": "王小明",
        "role": role,
    })
}

/// The token of the first `<public_url><path>?token=…` link in `body`.
#[track_caller]
pub fn link_token(body: &str, path: &str) -> String {
    let prefix = format!("http://{HOST}{path}?token=");
    let at = body
        .find(&prefix)
        .unwrap_or_else(|| panic!("no {prefix} link in {body:?}"));
    let token: String = body[at + prefix.len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    assert!(token.len() >= 40, "token too short: {token:?}");
    token
}
