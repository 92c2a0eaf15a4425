//! A minimal SMTP server (RFC 5321 subset: EHLO/HELO, MAIL, RCPT, DATA, RSET,
//! NOOP, QUIT; no TLS, no auth) that hands every accepted message to the test,
//! plus the little MIME decoding needed to read what lettre sends.

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The message as transmitted (headers and body), dot-stuffing undone.
    pub data: String,
}

impl Received {
    /// The value of header `name`, unfolded, with RFC 2047 encoded words decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        let (head, _) = split_message(&self.data);
        let mut unfolded: Vec<String> = vec![];
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                if let Some(last) = unfolded.last_mut() {
                    last.push_str(line);
                }
            } else {
                unfolded.push(line.to_string());
            }
        }
        unfolded.iter().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name)
                .then(|| decode_encoded_words(v.trim()))
        })
    }

    /// The body with its Content-Transfer-Encoding undone.
    pub fn body(&self) -> String {
        let (_, body) = split_message(&self.data);
        let encoding = self
            .header("Content-Transfer-Encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();
        match encoding.as_str() {
            "base64" => {
                let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .expect("base64 body");
                String::from_utf8(bytes).expect("UTF-8 body")
            }
            "quoted-printable" => String::from_utf8(decode_qp(body, false)).expect("UTF-8 body"),
            _ => body.to_string(),
        }
    }
}

fn split_message(data: &str) -> (&str, &str) {
    data.split_once("\r\n\r\n").unwrap_or((data, ""))
}

/// Decodes `=?charset?B|Q?text?=` words (UTF-8 only); whitespace between two
/// encoded words is dropped, as RFC 2047 says.
fn decode_encoded_words(v: &str) -> String {
    let mut out = String::new();
    let mut rest = v;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let between = &rest[..start];
        let after = &rest[start + 2..];
        let parts: Vec<&str> = after.splitn(3, '?').collect();
        let Some(end) = parts.get(2).and_then(|p| p.find("?=")) else {
            break;
        };
        if !(last_was_word && between.trim().is_empty()) {
            out.push_str(between);
        }
        let text = &parts[2][..end];
        let bytes = match parts[1] {
            "B" | "b" => base64::engine::general_purpose::STANDARD
                .decode(text)
                .expect("base64 encoded word"),
            _ => decode_qp(text, true),
        };
        out.push_str(&String::from_utf8(bytes).expect("UTF-8 encoded word"));
        let consumed = 2 + parts[0].len() + 1 + parts[1].len() + 1 + end + 2;
        rest = &rest[start + consumed..];
        last_was_word = true;
    }
    out.push_str(rest);
    out
}

fn decode_qp(s: &str, underscore_is_space: bool) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'=' if b[i + 1..].starts_with(b"\r\n") => i += 3,
            b'=' if b[i + 1..].starts_with(b"\n") => i += 2,
            b'=' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).expect("QP escape");
                out.push(u8::from_str_radix(hex, 16).expect("QP hex"));
                i += 3;
            }
            b'_' if underscore_is_space => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Serves SMTP on `listener` until the returned task is aborted; each
/// accepted message arrives on the receiver.
pub fn serve(listener: TcpListener) -> (JoinHandle<()>, mpsc::UnboundedReceiver<Received>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let tx = tx.clone();
            tokio::spawn(async move {
                if let Err(e) = session(stream, tx).await {
                    eprintln!("test SMTP server: {e}");
                }
            });
        }
    });
    (task, rx)
}

async fn session(stream: TcpStream, tx: mpsc::UnboundedSender<Received>) -> std::io::Result<()> {
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    w.write_all(b"220 localhost ESMTP test\r\n").await?;
    let mut mail_from = String::new();
    let mut rcpt_to = vec![];
    let mut line = Vec::new();
    loop {
        line.clear();
        if r.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let cmd = String::from_utf8_lossy(&line).trim_end().to_string();
        let verb = cmd
            .split([' ', ':'])
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-localhost\r\n250 HELP\r\n",
            "HELO" => b"250 localhost\r\n",
            "MAIL" => {
                mail_from = cmd[cmd.find(':').map_or(0, |i| i + 1)..].trim().to_string();
                rcpt_to.clear();
                b"250 OK\r\n"
            }
            "RCPT" => {
                rcpt_to.push(cmd[cmd.find(':').map_or(0, |i| i + 1)..].trim().to_string());
                b"250 OK\r\n"
            }
            "DATA" => {
                w.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if r.read_until(b'\n', &mut line).await? == 0 {
                        return Ok(());
                    }
                    let text = String::from_utf8_lossy(&line);
                    if text == ".\r\n" {
                        break;
                    }
                    data.push_str(text.strip_prefix('.').unwrap_or(&text));
                }
                let _ = tx.send(Received {
                    mail_from: std::mem::take(&mut mail_from),
                    rcpt_to: std::mem::take(&mut rcpt_to),
                    data,
                });
                b"250 OK queued\r\n"
            }
            "RSET" => {
                mail_from.clear();
                rcpt_to.clear();
                b"250 OK\r\n"
            }
            "NOOP" => b"250 OK\r\n",
            "QUIT" => {
                w.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 command not implemented\r\n",
        };
        w.write_all(reply).await?;
    }
}

#[test]
fn encoded_words_and_quoted_printable_are_decoded() {
    assert_eq!(
        decode_encoded_words("=?utf-8?b?5YWs6YGT?= =?utf-8?b?5YWs6YGT?="),
        "公道公道"
    );
    assert_eq!(decode_encoded_words("plain"), "plain");
    assert_eq!(decode_qp("a=3Db=\r\nc", false), b"a=bc");
}
