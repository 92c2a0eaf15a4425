//! Personal data in free text (narratives, messages): mobile and landline
//! numbers, resident ID numbers and email addresses are masked before a
//! text reaches anyone who may not see them (the merchant, other
//! consumers, staff without a stated need, the public, the search index).
//!
//! Numbers are found as runs of digits that may be split by single spaces
//! or hyphens (`138 0013 8000`, `010-6512-3456`), so ordinary amounts and
//! dates (`2026-11-23`, `¥1299`) are left alone: only the shapes below are
//! personal data.

/// Masks personal data in `text`.
pub fn scrub(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !is_word(chars[i - 1])) {
            let (end, digits) = digit_run(&chars, i);
            if !end_is_word(&chars, end)
                && let Some(masked) = mask_number(&digits)
            {
                out.push_str(&masked);
                i = end;
                continue;
            }
            // Not personal: copy the run as it was.
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        if chars[i] == '@'
            && let Some((start_back, end)) = email_bounds(&chars, i)
        {
            // Take back the local part already copied.
            let local: String = chars[i - start_back..i].iter().collect();
            for _ in 0..local.chars().count() {
                out.pop();
            }
            let first = local.chars().next().unwrap_or('*');
            out.push(first);
            out.push_str("***");
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn end_is_word(chars: &[char], end: usize) -> bool {
    chars
        .get(end)
        .is_some_and(|c| c.is_ascii_alphanumeric() && *c != 'X' && *c != 'x')
}

/// The run of digits from `start` (single spaces or hyphens between digit
/// groups allowed; an ID number's final X included): its end and digits.
fn digit_run(chars: &[char], start: usize) -> (usize, String) {
    let mut digits = String::new();
    let mut i = start;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            digits.push(c);
            i += 1;
        } else if (c == ' ' || c == '-')
            && chars.get(i + 1).is_some_and(char::is_ascii_digit)
            && !digits.is_empty()
        {
            i += 1;
        } else if (c == 'X' || c == 'x') && digits.len() == 17 {
            digits.push('X');
            i += 1;
            break;
        } else {
            break;
        }
    }
    (i, digits)
}

fn mask_number(d: &str) -> Option<String> {
    let b = d.as_bytes();
    let stars = |n: usize| "*".repeat(n);
    match d.len() {
        // Mainland mobile: 1[3-9]x xxxx xxxx → 138****8000.
        11 if b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) => {
            Some(format!("{}{}{}", &d[..3], stars(4), &d[7..]))
        }
        // Resident ID: 18 characters, the last may be X → 1101**********123X.
        18 if d[..17].bytes().all(|c| c.is_ascii_digit()) => {
            Some(format!("{}{}{}", &d[..4], stars(10), &d[14..]))
        }
        // Landline with area code: 0 + 9..11 digits → 010****3456.
        10..=12 if b[0] == b'0' => Some(format!(
            "{}{}{}",
            &d[..3],
            stars(d.len() - 7),
            &d[d.len() - 4..]
        )),
        _ => None,
    }
}

/// An email address around the `@` at `at`: how far back its local part
/// starts and where its domain ends.
fn email_bounds(chars: &[char], at: usize) -> Option<(usize, usize)> {
    let local_ok = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    let mut back = 0;
    while at > back && local_ok(chars[at - back - 1]) {
        back += 1;
    }
    let mut end = at + 1;
    while end < chars.len()
        && (chars[end].is_ascii_alphanumeric() || chars[end] == '.' || chars[end] == '-')
    {
        end += 1;
    }
    // Trailing dots are punctuation, not domain.
    while end > at + 1 && chars[end - 1] == '.' {
        end -= 1;
    }
    let domain: String = chars[at + 1..end].iter().collect();
    (back > 0 && domain.contains('.') && !domain.starts_with('.')).then_some((back, end))
}

#[cfg(test)]
mod tests {
    use super::scrub;

    #[test]
    fn phones_ids_and_emails_are_masked_and_the_rest_is_kept() {
        let cases = [
            ("请联系我13800138000，谢谢", "请联系我138****8000，谢谢"),
            ("电话 138 0013 8000", "电话 138****8000"),
            ("手机：139-1234-5678。", "手机：139****5678。"),
            ("座机010-65123456", "座机010****3456"),
            ("身份证110101199003074518", "身份证1101**********4518"),
            (
                "身份证号11010119900307451X。",
                "身份证号1101**********451X。",
            ),
            ("邮箱 zhang.san@example.com.", "邮箱 z***@example.com."),
            // Not personal data: amounts, dates, order numbers, short numbers.
            (
                "订单金额¥1299，2026-11-23下单",
                "订单金额¥1299，2026-11-23下单",
            ),
            ("订单号JD202611230001", "订单号JD202611230001"),
            ("编号 12345678901234567890", "编号 12345678901234567890"),
            ("退款 259900 分", "退款 259900 分"),
            ("a@b", "a@b"),
        ];
        for (raw, want) in cases {
            assert_eq!(scrub(raw), want, "{raw}");
        }
    }

    #[test]
    fn real_review_texts_with_planted_numbers() {
        // A real review from shared/data/reviews-cn-sample.csv with a phone and an ID planted in it.
        let raw = "买了三个 还有一个三天了还没给我送 也没人联系我 我的电话15012345678 身份证440301198811112222";
        let got = scrub(raw);
        assert!(
            !got.contains("15012345678") && !got.contains("440301198811112222"),
            "{got}"
        );
        assert!(
            got.starts_with("买了三个 还有一个三天了还没给我送"),
            "{got}"
        );
        assert!(
            got.contains("150****5678") && got.contains("4403**********2222"),
            "{got}"
        );
    }
}
