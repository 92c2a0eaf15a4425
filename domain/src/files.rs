//! The one rule for uploaded files (case evidence, licence images), for the
//! case page's upload and the filing form alike: images and PDFs recognised
//! by their first bytes (never the name or the declared type), not empty, at
//! most [`MAX_BYTES`] each; a filing carries at most [`MAX_FILING_FILES`]
//! of them, [`MAX_FILING_BYTES`] together.

use crate::AppError;

/// The largest file accepted.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The most evidence files one complaint may carry when it is filed (more
/// may be added on the case page afterwards).
pub const MAX_FILING_FILES: usize = 5;

/// The most bytes the files of one filing may hold together.
pub const MAX_FILING_BYTES: usize = 25 * 1024 * 1024;

/// The types accepted, as a file input's `accept` attribute.
pub const ACCEPT: &str = "image/jpeg,image/png,image/webp,image/gif,application/pdf";

/// The type the bytes really are, if we accept it.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// Is a stored file of `content_type` an image (shown as a preview)?
pub fn is_image(content_type: &str) -> bool {
    content_type.starts_with("image/")
}

/// Checks a file (`field` names it in errors): not empty, not too large, a
/// type we accept. Returns its content type.
pub fn check(bytes: &[u8], field: &str) -> Result<&'static str, AppError> {
    check_key(bytes).map_err(|key| AppError::invalid(field, key))
}

/// [`check`] for one of several files: the error names the file as it was
/// sent (`file_name`), so the person knows which one to replace.
pub fn check_named(bytes: &[u8], field: &str, file_name: &str) -> Result<&'static str, AppError> {
    check_key(bytes).map_err(|key| AppError::InvalidFile {
        field: field.into(),
        file_name: file_name.into(),
        key: key.into(),
    })
}

/// The files of a filing together: how many, how large.
pub fn check_filing(sizes: &[usize], field: &str) -> Result<(), AppError> {
    if sizes.len() > MAX_FILING_FILES {
        return Err(AppError::invalid(field, "err.files_too_many"));
    }
    if sizes.iter().sum::<usize>() > MAX_FILING_BYTES {
        return Err(AppError::invalid(field, "err.files_too_large"));
    }
    Ok(())
}

fn check_key(bytes: &[u8]) -> Result<&'static str, &'static str> {
    if bytes.is_empty() {
        return Err("err.file_empty");
    }
    if bytes.len() > MAX_BYTES {
        return Err("err.file_too_large");
    }
    sniff(bytes).ok_or("err.file_type")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;

    #[test]
    fn files_are_recognised_by_their_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"MZ\x90\x00 an exe"), None);
        assert_eq!(sniff(b"<html>"), None);
    }

    #[test]
    fn a_refused_file_is_named_in_the_message() {
        let e = check_named(b"MZ\x90\x00", "evidence", "发票.exe").unwrap_err();
        assert_eq!(e.status(), 422);
        assert_eq!(e.field(), Some("evidence"));
        let zh = e.message(Lang::Zh);
        assert!(zh.contains("“发票.exe”") && zh.contains("PDF"), "{zh}");
        let en = e.message(Lang::En);
        assert!(en.contains("\"发票.exe\"") && en.contains("PDF"), "{en}");
        let empty = check_named(b"", "evidence", "a.png").unwrap_err();
        assert!(empty.message(Lang::En).contains("empty"));
        assert_eq!(
            check_named(b"%PDF-1.4", "evidence", "a.pdf"),
            Ok("application/pdf")
        );
    }

    #[test]
    fn a_filing_carries_a_bounded_number_and_size_of_files() {
        assert!(check_filing(&[1; MAX_FILING_FILES], "evidence").is_ok());
        assert!(check_filing(&[1; MAX_FILING_FILES + 1], "evidence").is_err());
        assert!(check_filing(&[MAX_BYTES, MAX_BYTES, MAX_BYTES], "evidence").is_err());
        assert!(check_filing(&[], "evidence").is_ok());
    }
}
