//! A small blocking HTTP/1.1 client for the harnesses: one connection per
//! request (`connection: close`), JSON in and out, with timeouts, so that a
//! server that hangs is seen as a hang and one that dies as a refused or cut
//! connection.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use serde_json::Value;

/// What came back: the status and the body (JSON when it parses, else a string).
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

/// Why no answer came.
#[derive(Debug)]
pub enum Failure {
    /// Refused, reset or cut before a full answer: the server is down or died.
    Connection(String),
    /// No answer within the read timeout.
    Timeout,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Connection(e) => write!(f, "connection: {e}"),
            Failure::Timeout => write!(f, "no answer in time"),
        }
    }
}

impl std::error::Error for Failure {}

/// The server at `127.0.0.1:port`.
#[derive(Debug, Clone, Copy)]
pub struct Client {
    pub port: u16,
    pub timeout: Duration,
}

impl Client {
    pub fn new(port: u16) -> Client {
        Client {
            port,
            timeout: Duration::from_secs(15),
        }
    }

    pub fn get(&self, path: &str, bearer: Option<&str>) -> Result<Answer, Failure> {
        self.send("GET", path, bearer, None)
    }

    pub fn post(&self, path: &str, bearer: Option<&str>, body: &Value) -> Result<Answer, Failure> {
        self.send("POST", path, bearer, Some(body))
    }

    /// Signs `email` in through `POST /api/v1/session`; the bearer token.
    pub fn sign_in(&self, email: &str, password: &str) -> anyhow::Result<String> {
        use anyhow::Context;
        let a = self
            .post(
                "/api/v1/session",
                None,
                &serde_json::json!({"email": email, "password": password}),
            )
            .with_context(|| format!("signing in as {email}"))?;
        a.body["token"]
            .as_str()
            .map(str::to_string)
            .with_context(|| format!("signing in as {email}: {} {}", a.status, a.body))
    }

    /// Polls `path` every 200 ms until it answers 200, for at most `limit`.
    pub fn wait_for(&self, path: &str, limit: Duration) -> anyhow::Result<()> {
        let start = std::time::Instant::now();
        while start.elapsed() < limit {
            if matches!(self.get(path, None), Ok(a) if a.status == 200) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        anyhow::bail!(
            "nothing answered 200 on port {}{path} within {limit:?}",
            self.port
        )
    }

    pub fn send(
        &self,
        method: &str,
        path: &str,
        bearer: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Answer, Failure> {
        let body = body.map(Value::to_string).unwrap_or_default();
        self.send_bytes(method, path, bearer, "application/json", body.as_bytes())
    }

    /// Any body with its content type (a multipart upload, say).
    pub fn send_bytes(
        &self,
        method: &str,
        path: &str,
        bearer: Option<&str>,
        content_type: &str,
        body: &[u8],
    ) -> Result<Answer, Failure> {
        let conn = |e: std::io::Error| Failure::Connection(e.to_string());
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).map_err(conn)?;
        s.set_read_timeout(Some(self.timeout)).map_err(conn)?;
        s.set_write_timeout(Some(self.timeout)).map_err(conn)?;
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1:{}\r\nconnection: close\r\naccept-language: en\r\n",
            self.port
        );
        if let Some(t) = bearer {
            req.push_str(&format!("authorization: Bearer {t}\r\n"));
        }
        if method != "GET" {
            req.push_str(&format!(
                "content-type: {content_type}\r\ncontent-length: {}\r\n",
                body.len()
            ));
        }
        req.push_str("\r\n");
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(body);
        s.write_all(&bytes).map_err(conn)?;
        let mut raw = Vec::new();
        if let Err(e) = s.read_to_end(&mut raw) {
            return Err(match e.kind() {
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => Failure::Timeout,
                _ => conn(e),
            });
        }
        parse(&raw).ok_or_else(|| Failure::Connection("cut before a full answer".into()))
    }
}

/// Status and body of a whole HTTP/1.1 response (chunked or not).
fn parse(raw: &[u8]) -> Option<Answer> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase()
            .starts_with("transfer-encoding: chunked")
    });
    let body = if chunked {
        dechunk(body)?
    } else {
        body.to_string()
    };
    let body = serde_json::from_str(&body).unwrap_or(Value::String(body));
    Some(Answer { status, body })
}

fn dechunk(mut rest: &str) -> Option<String> {
    let mut out = String::new();
    loop {
        let (size, after) = rest.split_once("\r\n")?;
        let n = usize::from_str_radix(size.trim(), 16).ok()?;
        if n == 0 {
            return Some(out);
        }
        out.push_str(after.get(..n)?);
        rest = after.get(n..)?.strip_prefix("\r\n")?;
    }
}

pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_plain_and_chunked() {
        let a = parse(b"HTTP/1.1 201 Created\r\ncontent-length: 8\r\n\r\n{\"id\":7}").unwrap();
        assert_eq!((a.status, a.body["id"].as_i64()), (201, Some(7)));
        let a = parse(
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(a.body["a"].as_i64(), Some(1));
        assert!(parse(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\n{\"a").is_none());
        assert!(parse(b"HTTP/1.1 20").is_none());
    }
}
