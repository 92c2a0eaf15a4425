//! Every parser of outside input, fed what an outsider can send: arbitrary
//! text and bytes. None may panic; each either refuses with a field-named
//! error or accepts a value that is canonical (parsing it again gives it
//! back), and each accepts what it must.

use domain::AppError;
use domain::cases::{ActionInput, ComplaintInput, MerchantRef};
use domain::credit::RatingInput;
use domain::email::Email;
use domain::money::Fen;
use domain::search::{ComplaintParams, SearchParams, parse_suggest};
use domain::uscc::{Uscc, UsccError};
use proptest::prelude::*;

const USCC_CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Text an outsider might send: any Unicode, and a lot of what parsers
/// look for (digits, dots, signs, @, quotes, spaces, USCC letters).
fn outside_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9.+\\-@ a-zA-Z\"'\\\\/_,:{}\\[\\]\u{3000}\u{ff10}-\u{ff19}]{0,40}",
    ]
}

fn refused_on_a_field(e: &AppError) -> bool {
    matches!(e, AppError::Invalid { field, .. } if !field.is_empty())
}

proptest! {
    #[test]
    fn yuan_amounts_parse_to_fen_and_back(raw in outside_text()) {
        if let Some(f) = Fen::parse_yuan(&raw) {
            prop_assert!(f.0 >= 0, "{raw:?} gave {f:?}");
            prop_assert_eq!(Fen::parse_yuan(&f.yuan_string()), Some(f));
        }
    }

    #[test]
    fn every_amount_in_fen_is_written_and_read_back(fen in 0i64..=i64::MAX) {
        let f = Fen(fen);
        prop_assert_eq!(Fen::parse_yuan(&f.yuan_string()), Some(f));
    }

    #[test]
    fn amounts_as_people_type_them_are_accepted(
        yuan in 0i64..10_000_000_000,
        frac in proptest::option::of("[0-9]{1,2}"),
    ) {
        let typed = match &frac {
            Some(f) => format!(" {yuan}.{f} "),
            None => format!("{yuan}"),
        };
        let cents = frac.map_or(0, |f| if f.len() == 1 { f.parse::<i64>().unwrap_or(0) * 10 } else { f.parse().unwrap_or(0) });
        prop_assert_eq!(Fen::parse_yuan(&typed), Some(Fen(yuan * 100 + cents)));
    }

    #[test]
    fn ordinary_addresses_are_accepted_in_any_case(
        local in "[a-zA-Z0-9._%+-]{1,20}",
        domain in "[a-zA-Z0-9]{1,10}(\\.[a-zA-Z0-9]{1,10}){0,2}\\.[a-zA-Z]{2,6}",
    ) {
        let raw = format!("  {local}@{domain} ");
        let e = Email::parse(&raw);
        prop_assert_eq!(e.as_ref().map(|e| e.as_str().to_string()), Some(format!("{local}@{domain}").to_lowercase()), "{}", raw);
    }

    #[test]
    fn email_addresses_are_canonical_once_accepted(raw in outside_text()) {
        if let Some(e) = Email::parse(&raw) {
            let s = e.as_str();
            prop_assert_eq!(s, s.to_lowercase());
            prop_assert!(s.len() <= 254 && s.matches('@').count() == 1, "{s:?}");
            prop_assert!(!s.chars().any(char::is_whitespace), "{s:?}");
            prop_assert_eq!(Email::parse(s), Some(e.clone()));
        }
    }

    #[test]
    fn a_uscc_has_exactly_one_check_character(body in "[0-9A-HJ-NPQRTUWXY]{17}") {
        let valid: Vec<char> = USCC_CHARSET
            .chars()
            .filter(|c| Uscc::parse(&format!("{body}{c}")).is_ok())
            .collect();
        prop_assert_eq!(valid.len(), 1, "{}", body);
        // Spaces and lower case are the same code.
        let code = format!("{body}{}", valid[0]);
        let spaced = format!(" {} {} ", &code[..9].to_lowercase(), &code[9..]);
        prop_assert_eq!(Uscc::parse(&spaced).map(|u| u.as_str().to_string()), Ok(code));
    }

    #[test]
    fn one_wrong_character_in_a_uscc_is_always_caught(
        body in "[0-9A-HJ-NPQRTUWXY]{17}",
        at in 0usize..18,
        to in 0usize..31,
    ) {
        let check = USCC_CHARSET
            .chars()
            .find(|c| Uscc::parse(&format!("{body}{c}")).is_ok())
            .expect("a check character");
        let mut code: Vec<char> = format!("{body}{check}").chars().collect();
        let new = USCC_CHARSET.chars().nth(to).expect("in the charset");
        prop_assume!(code[at] != new);
        code[at] = new;
        let typo: String = code.into_iter().collect();
        prop_assert_eq!(Uscc::parse(&typo).map(|_| ()), Err(UsccError::Checksum));
    }

    #[test]
    fn merchant_references_never_panic_and_name_their_field(raw in outside_text()) {
        if let Err(e) = MerchantRef::parse(&raw, "merchant") {
            prop_assert!(refused_on_a_field(&e), "{e:?}");
        }
        if let Err(e) = Uscc::parse(&raw) {
            prop_assert!(e.key().starts_with("err.uscc_"));
        }
    }

    #[test]
    fn search_parameters_never_panic_and_name_what_is_wrong(
        q in proptest::option::of(outside_text()),
        a in proptest::option::of(outside_text()),
        b in proptest::option::of(outside_text()),
        c in proptest::option::of(outside_text()),
        d in proptest::option::of(outside_text()),
    ) {
        let merchants = SearchParams {
            q: q.clone(),
            sort: a.clone(),
            province: b.clone(),
            grade: c.clone(),
            list: d.clone(),
            verified: a.clone(),
            kind: d.clone(),
            page: b.clone(),
            per_page: c.clone(),
        };
        if let Err(e) = merchants.parse() {
            prop_assert!(refused_on_a_field(&e), "{e:?}");
        }
        let complaints = ComplaintParams {
            q,
            merchant: a.clone(),
            category: b.clone(),
            outcome: c.clone(),
            from: d.clone(),
            to: a.clone(),
            page: b.clone(),
            per_page: d.clone(),
        };
        if let Err(e) = complaints.parse() {
            prop_assert!(refused_on_a_field(&e), "{e:?}");
        }
        if let Err(e) = parse_suggest(a.as_deref(), b.as_deref()) {
            prop_assert!(refused_on_a_field(&e), "{e:?}");
        }
    }

    #[test]
    fn json_bodies_never_panic_and_name_what_is_wrong(
        raw in prop_oneof![
            any::<Vec<u8>>(),
            outside_text().prop_map(String::into_bytes),
            // Objects with the real field names and values of any JSON type.
            proptest::collection::vec(
                (
                    prop_oneof![
                        Just("action"), Just("message"), Just("reason"), Just("amount_fen"),
                        Just("merchant_id"), Just("order_ref"), Just("order_date"),
                        Just("amount_paid_fen"), Just("amount_claimed_fen"), Just("remedy"),
                        Just("category"), Just("stars"), Just("text"), Just("publish_narrative"),
                    ],
                    prop_oneof![
                        Just("null".to_string()), Just("true".to_string()),
                        any::<i64>().prop_map(|n| n.to_string()),
                        any::<f64>().prop_map(|f| format!("{f:?}")),
                        outside_text().prop_map(|s| serde_json::to_string(&s).unwrap_or_default()),
                        Just("[]".to_string()), Just("{}".to_string()),
                    ],
                ),
                0..8,
            )
            .prop_map(|fields| {
                let body: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                format!("{{{}}}", body.join(",")).into_bytes()
            }),
        ],
    ) {
        if let Err(e) = domain::input::from_json::<ComplaintInput>(&raw) {
            prop_assert!(refused_on_a_field(&e), "{e:?}");
        }
        if let Err(e) = domain::input::from_json::<ActionInput>(&raw) {
            prop_assert!(refused_on_a_field(&e), "{e:?}");
        }
        if let Err(e) = domain::input::from_json::<RatingInput>(&raw) {
            prop_assert!(refused_on_a_field(&e), "{e:?}");
        }
    }
}
