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
            let (end, groups) = digit_groups(&chars, i);
            if end_is_word(&chars, end) {
                // The last group is part of a code (…1681a, 123abc): kept;
                // the groups before it are looked at as usual.
                let (last_from, _) = groups[groups.len() - 1];
                if groups.len() > 1 {
                    mask_groups(&chars, &groups[..groups.len() - 1], &mut out);
                    out.extend(&chars[groups[groups.len() - 2].1..last_from]);
                }
                out.extend(&chars[last_from..end]);
            } else {
                mask_groups(&chars, &groups, &mut out);
            }
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

/// Words that introduce a person's name in Chinese text; the name that
/// follows (up to three Han characters) is masked to its surname.
const ZH_NAME_CUES: &[&str] = &[
    "我叫",
    "名字叫",
    "名字是",
    "姓名",
    "联系人",
    "收货人",
    "收件人",
    "签收人",
    "经办人",
];
/// The same for English (case aside): up to two capitalised words follow.
const EN_NAME_CUES: &[&str] = &[
    "my name is ",
    "name: ",
    "mr. ",
    "mrs. ",
    "ms. ",
    "miss ",
    "dr. ",
];

/// Masks personal data for the public record and the search index:
/// everything `scrub` masks, the names of the people in the case
/// (`names`, e.g. the consumer's; each becomes 张* / A****), and names the
/// text itself introduces (我叫张三, 收货人：李四, "my name is John Smith").
pub fn scrub_public(text: &str, names: &[&str]) -> String {
    let mut out = scrub(text);
    for name in names {
        let name = name.trim();
        if name.chars().count() >= 2 {
            out = replace_name(&out, name, &crate::cases::mask_name(name));
        }
    }
    mask_cued_names(&out)
}

/// Replaces `name` in `text`: anywhere for a Chinese name (Chinese has no
/// spaces between words), only as a whole word for a Latin one (so `li`
/// does not mask the middle of `like`).
fn replace_name(text: &str, name: &str, masked: &str) -> String {
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == ' ')
    {
        return text.replace(name, masked);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let lower_name = name.to_ascii_lowercase();
    while let Some(at) = rest.to_ascii_lowercase().find(&lower_name) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + name.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        out.push_str(&rest[..at]);
        if word(before) || word(after) {
            out.push_str(&rest[at..at + name.len()]);
        } else {
            out.push_str(masked);
        }
        rest = &rest[at + name.len()..];
    }
    out.push_str(rest);
    out
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

fn mask_cued_names(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<char> = chars.iter().map(|c| c.to_ascii_lowercase()).collect();
    let mut masked = vec![false; chars.len()];
    let starts_at = |i: usize, cue: &str| {
        let cue: Vec<char> = cue.chars().collect();
        lower.len() >= i + cue.len() && lower[i..i + cue.len()] == cue[..]
    };
    for i in 0..chars.len() {
        for cue in ZH_NAME_CUES {
            if !starts_at(i, cue) {
                continue;
            }
            let mut j = i + cue.chars().count();
            while j < chars.len() && matches!(chars[j], ' ' | ':' | '：' | '是' | '为') {
                j += 1;
            }
            let han = (j..chars.len().min(j + 3))
                .take_while(|&k| is_han(chars[k]))
                .count();
            if han >= 2 {
                masked[j + 1..j + han].iter_mut().for_each(|m| *m = true);
            }
        }
        for cue in EN_NAME_CUES {
            if !starts_at(i, cue) || (i > 0 && chars[i - 1].is_ascii_alphabetic()) {
                continue;
            }
            let mut j = i + cue.chars().count();
            for _ in 0..2 {
                if !chars.get(j).is_some_and(char::is_ascii_uppercase) {
                    break;
                }
                let end = (j..chars.len())
                    .find(|&k| !chars[k].is_ascii_alphabetic())
                    .unwrap_or(chars.len());
                masked[j + 1..end].iter_mut().for_each(|m| *m = true);
                j = end;
                if chars.get(j) == Some(&' ') {
                    j += 1;
                } else {
                    break;
                }
            }
        }
    }
    chars
        .iter()
        .zip(masked)
        .map(|(c, m)| if m { '*' } else { *c })
        .collect()
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn end_is_word(chars: &[char], end: usize) -> bool {
    chars
        .get(end)
        .is_some_and(|c| c.is_ascii_alphanumeric() && *c != 'X' && *c != 'x')
}

/// The digit groups of the run from `start` (split by single spaces or
/// hyphens): each group's character range. Returns the run's end too.
fn digit_groups(chars: &[char], start: usize) -> (usize, Vec<(usize, usize)>) {
    let (end, _) = digit_run(chars, start);
    let mut groups = vec![];
    let mut from = start;
    for (k, c) in chars.iter().enumerate().take(end).skip(start) {
        if *c == ' ' || *c == '-' {
            groups.push((from, k));
            from = k + 1;
        }
    }
    groups.push((from, end));
    (end, groups)
}

/// Copies the groups to `out`, masking each longest stretch of consecutive
/// groups that is a phone or ID number (so `13800138000 609` masks the
/// phone and keeps the 609, and `010 6512 3456` is one landline).
fn mask_groups(chars: &[char], groups: &[(usize, usize)], out: &mut String) {
    let digits = |a: usize, b: usize| -> String {
        chars[groups[a].0..groups[b].1]
            .iter()
            .filter(|c| **c != ' ' && **c != '-')
            .collect()
    };
    let mut k = 0;
    while k < groups.len() {
        let found = (k..groups.len())
            .rev()
            .find_map(|j| mask_number(&digits(k, j)).map(|m| (j, m)));
        let (last, text) = match found {
            Some((j, masked)) => (j, masked),
            None => (k, chars[groups[k].0..groups[k].1].iter().collect()),
        };
        out.push_str(&text);
        // The separator after the piece, as it was.
        if let Some(next) = groups.get(last + 1) {
            out.extend(&chars[groups[last].1..next.0]);
        }
        k = last + 1;
    }
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

/// Masks a reference (an order number) for exports: the first two and the
/// last two characters kept, the rest starred (`TB20261123001` →
/// `TB*********01`); six characters or fewer are starred whole.
pub fn mask_ref(r: &str) -> String {
    let chars: Vec<char> = r.trim().chars().collect();
    let n = chars.len();
    if n <= 6 {
        return "*".repeat(n);
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < 2 || i >= n - 2 { *c } else { '*' })
        .collect()
}

#[cfg(test)]
mod ref_tests {
    #[test]
    fn references_keep_their_ends() {
        assert_eq!(super::mask_ref("TB20261123001"), "TB*********01");
        assert_eq!(super::mask_ref("123456"), "******");
        assert_eq!(super::mask_ref(""), "");
    }
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
            // A phone beside other numbers: only the phone goes.
            (
                "Sections 13800138000 609 ( a )",
                "Sections 138****8000 609 ( a )",
            ),
            ("订单 609 13800138000", "订单 609 138****8000"),
            ("tel 010 6512 3456.", "tel 010****3456."),
            (
                "US Code 13800138000 1681a section",
                "US Code 138****8000 1681a section",
            ),
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

    #[test]
    fn public_texts_lose_the_names_too() {
        use super::scrub_public;
        let cases = [
            // The consumer's own name wherever it appears.
            (
                "张伟买的手机坏了，张伟要求退款",
                &["张伟"][..],
                "张*买的手机坏了，张*要求退款",
            ),
            // Names the text introduces.
            (
                "你好，我叫李小红，电话13800138000",
                &[][..],
                "你好，我叫李**，电话138****8000",
            ),
            ("收货人：王五 地址北京", &[][..], "收货人：王* 地址北京"),
            (
                "My name is John Smith and I paid.",
                &[][..],
                "My name is J*** S**** and I paid.",
            ),
            (
                "I called Mr. Brown twice",
                &[][..],
                "I called Mr. B**** twice",
            ),
            // A Latin name only as a whole word, in any case.
            (
                "I like it, Li said; LI agreed",
                &["li"][..],
                "I like it, l* said; l* agreed",
            ),
            // No cue, no known name: the text stays.
            (
                "快递三天没到，客服不理人",
                &[][..],
                "快递三天没到，客服不理人",
            ),
            (
                "The name: of the product",
                &[][..],
                "The name: of the product",
            ),
        ];
        for (raw, names, want) in cases {
            assert_eq!(scrub_public(raw, names), want, "{raw}");
        }
    }
}
