//! Scenario 4, the file store fills up: evidence is uploaded onto a small
//! tmpfs until it is full. The upload that does not fit gets a clear 507 in
//! the user's language, leaves no file and no evidence row behind, the
//! server keeps serving (cases are still filed), and once there is room
//! again the same upload succeeds without a restart.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use serde_json::json;

use super::load;
use super::node::Node;
use super::{Ctx, Outcome};
use crate::client::Client;

/// A tmpfs of `size` at `dir`, unmounted when dropped.
pub(super) struct Tmpfs(PathBuf);

impl Tmpfs {
    pub(super) fn mount(dir: &Path, size: &str) -> anyhow::Result<Tmpfs> {
        std::fs::create_dir_all(dir)?;
        let s = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .context("running mount")?;
        if !s.success() {
            bail!("mounting a tmpfs needs root (mount -t tmpfs)");
        }
        Ok(Tmpfs(dir.to_path_buf()))
    }

    pub(super) fn resize(&self, size: &str) -> anyhow::Result<()> {
        let s = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.0)
            .status()?;
        if !s.success() {
            bail!("remounting the tmpfs failed");
        }
        Ok(())
    }
}

impl Tmpfs {
    /// Unmounts what an earlier, interrupted run left mounted at `dir`
    /// (quietly: usually nothing is).
    pub(super) fn clear(dir: &Path) {
        let _ = Command::new("umount")
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status();
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// (whole files, temporary leftovers) under the file store.
fn files_on_disk(dir: &Path) -> (usize, usize) {
    let mut counts = (0, 0);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if e.file_name().to_string_lossy().starts_with('.') {
                counts.1 += 1;
            } else {
                counts.0 += 1;
            }
        }
    }
    counts
}

/// A PNG-looking file of `len` bytes, different for each `n`.
fn png(n: u64, len: usize) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

fn upload(c: &Client, token: &str, case: i64, bytes: &[u8]) -> (u16, serde_json::Value) {
    let boundary = "gongdao-chaos-boundary";
    let mut body = format!(
        "--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"photo.png\"\r\ncontent-type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    match c.send_bytes(
        "POST",
        &format!("/api/v1/cases/{case}/evidence"),
        Some(token),
        &format!("multipart/form-data; boundary={boundary}"),
        &body,
    ) {
        Ok(a) => (a.status, a.body),
        Err(e) => (0, json!(e.to_string())),
    }
}

pub fn run(ctx: &Ctx) -> anyhow::Result<Outcome> {
    let name = "file store full".to_string();
    let dir = ctx.work.join("disk");
    Tmpfs::clear(&dir.join("files"));
    let _ = std::fs::remove_dir_all(&dir);
    let files = dir.join("files");
    let store = Tmpfs::mount(&files, "2m")?;
    let files_s = files.display().to_string();
    let mut env = ctx.base_env();
    env.push(("GONGDAO_FILES_DIR", files_s.as_str()));
    let mut node = Node::new(&ctx.bin, &dir.join("server"), &env)?;
    node.start()?;
    let c = node.client;
    let w = load::world(&c, 1, "disk")?;
    let token = w.consumers[0].clone();
    let file = |order: &str| {
        let body = json!({
            "merchant_id": w.targets[0], "category": "quality", "title": "照片证据",
            "narrative": "收到的电饭煲第二天就无法加热，联系客服要求退货被拒绝。",
            "order_ref": order, "order_date": "2026-11-01", "amount_paid_fen": 39_900,
            "amount_claimed_fen": 39_900, "remedy": "refund", "publish_narrative": false,
        });
        c.post("/api/v1/cases", Some(&token), &body)
            .ok()
            .filter(|a| a.status == 201)
            .and_then(|a| a.body["id"].as_i64())
    };
    let case = file("DISK-1").context("filing the case")?;

    let mut stored = 0;
    let mut refusal = None;
    for n in 0..10 {
        let bytes = png(n, 600 * 1024);
        match upload(&c, &token, case, &bytes) {
            (201, _) => stored += 1,
            (status, body) => {
                refusal = Some((n, status, body));
                break;
            }
        }
    }
    let listed = c
        .get(&format!("/api/v1/cases/{case}/evidence"), Some(&token))
        .ok()
        .and_then(|a| a.body["items"].as_array().map(Vec::len));
    let (whole, leftovers) = files_on_disk(&files);
    let still_files = file("DISK-2").is_some();
    let mut problems = vec![];
    let mut recovered = false;
    match &refusal {
        None => problems.push("the store never filled up".into()),
        Some((n, status, body)) => {
            let said = body["error"]["message"].as_str().unwrap_or_default();
            if *status != 507
                || body["error"]["code"] != "storage_full"
                || !said.contains("storage is full")
            {
                problems.push(format!("the upload that did not fit got {status} {body}"));
            }
            store.resize("16m")?;
            recovered = upload(&c, &token, case, &png(*n, 600 * 1024)).0 == 201;
            if !recovered {
                problems.push("with room again, the same upload still failed".into());
            }
        }
    }
    if listed != Some(stored) {
        problems.push(format!("{stored} uploads accepted but {listed:?} listed"));
    }
    if whole != stored || leftovers > 0 {
        problems.push(format!(
            "{whole} files and {leftovers} temporary leftovers on disk for {stored} uploads"
        ));
    }
    if !still_files {
        problems.push("filing a case failed while the file store was full".into());
    }
    if !node.alive() || node.panics() > 0 {
        problems.push("the server died or panicked".into());
    }
    let message = refusal
        .as_ref()
        .and_then(|(_, _, b)| b["error"]["message"].as_str().map(str::to_string))
        .unwrap_or_default();
    let figures = format!(
        "2 MiB store: {stored} × 600 KiB kept, the next refused with {} ({message:?}); \
         on disk {whole} files, {leftovers} leftovers; cases still filed: {still_files}; \
         accepted again after the store grew: {recovered}",
        refusal.as_ref().map(|r| r.1).unwrap_or_default(),
    );
    drop(node);
    drop(store);
    Ok(Outcome::new(name, figures, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_pngs_differ_and_look_like_png() {
        let (a, b) = (png(1, 100), png(2, 100));
        assert_eq!(a.len(), 100);
        assert!(a.starts_with(b"\x89PNG"));
        assert_ne!(a, b);
    }
}
