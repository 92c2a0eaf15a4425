//! A small HTTP/1.1 client for webhook POSTs: one request per connection
//! (`Connection: close`), TLS through rustls with the platform's trust
//! store (the stack lettre already uses), to addresses checked beforehand
//! (`address::resolve`) with the URL's host as the TLS server name. It
//! reads at most [`READ_MAX`] bytes of the answer: the status and the start
//! of the body are all the delivery log keeps.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{self, pki_types::ServerName};
use url::Url;

/// The most of an answer read.
pub const READ_MAX: usize = 16 * 1024;
/// The characters of the answer's body kept in the log.
pub const EXCERPT_CHARS: usize = 200;

/// An endpoint's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    /// The start of the body, as text.
    pub excerpt: String,
}

/// POSTs `body` as JSON to `url` at one of `addrs`, with `headers`; the whole
/// exchange within `timeout`. `Err` says why there was no answer.
pub async fn post(
    url: &Url,
    addrs: &[SocketAddr],
    headers: &[(&str, String)],
    body: &str,
    timeout: Duration,
) -> Result<Answer, String> {
    let deadline = tokio::time::Instant::now() + timeout;
    // The outer limit only guards connecting and TLS; reading stops at the
    // deadline with what came (an answer whose end cannot be told, on a
    // connection the peer keeps open, still has its status).
    match tokio::time::timeout_at(
        deadline + Duration::from_millis(500),
        exchange(url, addrs, headers, body, deadline),
    )
    .await
    {
        Ok(r) => r,
        Err(_) => Err(format!("no answer within {} s", timeout.as_secs())),
    }
}

async fn exchange(
    url: &Url,
    addrs: &[SocketAddr],
    headers: &[(&str, String)],
    body: &str,
    deadline: tokio::time::Instant,
) -> Result<Answer, String> {
    let host = url.host_str().ok_or("the URL has no host")?;
    let mut stream = None;
    let mut last_error = String::from("no address to connect to");
    for a in addrs {
        match TcpStream::connect(a).await {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last_error = format!("connecting to {a}: {e}"),
        }
    }
    let tcp = stream.ok_or(last_error)?;
    let _ = tcp.set_nodelay(true);
    let host_header = match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    };
    let mut target = url.path().to_string();
    if let Some(q) = url.query() {
        target.push('?');
        target.push_str(q);
    }
    let mut request = format!(
        "POST {target} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: Gongdao-Webhooks/1\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    if url.scheme() == "https" {
        // An IPv6 literal comes bracketed from host_str().
        let name = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let name = ServerName::try_from(name).map_err(|e| format!("TLS server name: {e}"))?;
        let tls = TlsConnector::from(tls_config()?)
            .connect(name, tcp)
            .await
            .map_err(|e| format!("TLS: {e}"))?;
        talk(tls, request.as_bytes(), deadline).await
    } else {
        talk(tcp, request.as_bytes(), deadline).await
    }
}

fn tls_config() -> Result<Arc<rustls::ClientConfig>, String> {
    static CONFIG: OnceLock<Result<Arc<rustls::ClientConfig>, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            use rustls_platform_verifier::BuilderVerifierExt;
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| e.to_string())?
                .with_platform_verifier()
                .map_err(|e| e.to_string())
                .map(|b| Arc::new(b.with_no_client_auth()))
        })
        .clone()
}

async fn talk<S: AsyncRead + AsyncWrite + Unpin>(
    mut s: S,
    request: &[u8],
    deadline: tokio::time::Instant,
) -> Result<Answer, String> {
    s.write_all(request)
        .await
        .map_err(|e| format!("sending: {e}"))?;
    s.flush().await.map_err(|e| format!("sending: {e}"))?;
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let read = tokio::time::timeout_at(deadline, s.read(&mut chunk)).await;
        let n = match read {
            // Out of time: an answer whose head came is still an answer.
            Err(_) if find(&buf, b"\r\n\r\n").is_some() => break,
            Err(_) => return Err("no answer in time".into()),
            Ok(Ok(n)) => n,
            // A peer that closes without TLS close_notify: keep what came.
            Ok(Err(e)) if !buf.is_empty() => {
                tracing::debug!("webhook answer ended: {e}");
                0
            }
            Ok(Err(e)) => return Err(format!("reading the answer: {e}")),
        };
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() >= READ_MAX || complete(&buf) {
            break;
        }
    }
    parse_answer(&buf)
}

/// The head and a body as long as `Content-Length` says (or a final chunk).
fn complete(buf: &[u8]) -> bool {
    let Some(end) = find(buf, b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
    let body = &buf[end + 4..];
    // No body follows a 1xx, 204 or 304.
    let status = head.split_whitespace().nth(1).unwrap_or_default();
    if status.starts_with('1') || status == "204" || status == "304" {
        return true;
    }
    if let Some(len) = header(&head, "content-length").and_then(|v| v.parse::<usize>().ok()) {
        return body.len() >= len;
    }
    if header(&head, "transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        return body.ends_with(b"0\r\n\r\n");
    }
    false
}

fn header<'a>(head_lower: &'a str, name: &str) -> Option<&'a str> {
    head_lower.lines().skip(1).find_map(|l| {
        let (n, v) = l.split_once(':')?;
        (n.trim() == name).then(|| v.trim())
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The status and the body's start of an HTTP/1.x answer.
pub fn parse_answer(buf: &[u8]) -> Result<Answer, String> {
    if buf.is_empty() {
        return Err("the connection closed without an answer".into());
    }
    let head_end = find(buf, b"\r\n\r\n").unwrap_or(buf.len());
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let status_line = head.lines().next().unwrap_or_default();
    let mut parts = status_line.split_whitespace();
    let version = parts.next().unwrap_or_default();
    let status = parts.next().and_then(|s| s.parse::<u16>().ok());
    let status = match status {
        Some(s) if version.starts_with("HTTP/1.") && (100..=599).contains(&s) => s,
        _ => return Err("the answer is not HTTP/1.x".into()),
    };
    let mut body = buf.get(head_end + 4..).unwrap_or_default().to_vec();
    if header(&head.to_ascii_lowercase(), "transfer-encoding")
        .is_some_and(|v| v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    let excerpt = String::from_utf8_lossy(&body)
        .chars()
        .take(EXCERPT_CHARS)
        .collect();
    Ok(Answer { status, excerpt })
}

/// The data of a chunked body, as far as it is whole.
fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = find(b, b"\r\n") {
        let size = String::from_utf8_lossy(&b[..eol]);
        let size = size.split(';').next().unwrap_or_default().trim();
        let Ok(n) = usize::from_str_radix(size, 16) else {
            break;
        };
        if n == 0 {
            break;
        }
        let start = eol + 2;
        let end = (start + n).min(b.len());
        out.extend_from_slice(&b[start..end]);
        if end + 2 > b.len() {
            break;
        }
        b = &b[end + 2..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_to_status_and_excerpt() {
        let a =
            parse_answer(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 4\r\n\r\noops")
                .unwrap();
        assert_eq!((a.status, a.excerpt.as_str()), (500, "oops"));
        let a = parse_answer(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!((a.status, a.excerpt.as_str()), (200, "abcde"));
        assert!(parse_answer(b"").is_err());
        assert!(parse_answer(b"SSH-2.0-OpenSSH\r\n").is_err());
        let long = format!("HTTP/1.0 404 Not Found\r\n\r\n{}", "x".repeat(1000));
        assert_eq!(
            parse_answer(long.as_bytes()).unwrap().excerpt.len(),
            EXCERPT_CHARS
        );
        assert!(complete(
            b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n"
        ));
        assert!(!complete(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nab"));
    }

    /// A peer on 127.0.0.1 that reads the request, writes `answer` and
    /// keeps the connection open.
    async fn peer(answer: &'static [u8]) -> Url {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut s, _) = l.accept().await.unwrap();
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf).await;
            s.write_all(answer).await.unwrap();
            tokio::time::sleep(Duration::from_secs(30)).await;
        });
        Url::parse(&format!("http://{addr}/in")).unwrap()
    }

    #[tokio::test]
    async fn an_answer_on_a_connection_kept_open_counts_and_silence_times_out() {
        let url = peer(b"HTTP/1.1 202 Accepted\r\nConnection: keep-alive\r\n\r\nqueued").await;
        let addrs: Vec<SocketAddr> = url.socket_addrs(|| None).unwrap();
        let a = post(&url, &addrs, &[], "{}", Duration::from_millis(700))
            .await
            .unwrap();
        assert_eq!((a.status, a.excerpt.as_str()), (202, "queued"));
        let url = peer(b"").await;
        let addrs: Vec<SocketAddr> = url.socket_addrs(|| None).unwrap();
        assert!(
            post(&url, &addrs, &[], "{}", Duration::from_millis(300))
                .await
                .is_err()
        );
    }
}
