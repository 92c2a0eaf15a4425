use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

use super::*;
use crate::i18n::{Lang, t};

fn now() -> DateTime<Utc> {
    "2027-01-01T00:00:00Z".parse().unwrap()
}

fn days_ago(d: i64) -> DateTime<Utc> {
    now() - Duration::days(d)
}

fn verified() -> CreditInputs {
    CreditInputs {
        verified: true,
        ..Default::default()
    }
}

/// A record of `kind` with its default severity and display period.
fn record(kind: RecordKind, occurred_at: DateTime<Utc>) -> RecordInput {
    RecordInput::new(kind, occurred_at, &DisplayPeriods::default())
}

fn run(inputs: &CreditInputs) -> CreditScore {
    score(inputs, now(), &CreditParams::default())
}

fn points(s: &CreditScore, factor: &str) -> i32 {
    let key = format!("credit.factor.{factor}");
    s.factors.iter().find(|f| f.key == key).unwrap().points
}

/// A large, well-run merchant: 100 000 orders, 0.5 ‰ complaints, every
/// answer in time, almost every case resolved, won its arbitrations.
fn exemplary() -> CreditInputs {
    CreditInputs {
        verified: true,
        commitment_signed: true,
        complaints_12m: 50,
        order_volume_12m: Some(100_000),
        response_due: 50,
        responded_in_time: 50,
        ended: 50,
        resolved: 48,
        decided: 2,
        decided_against: 0,
        records: vec![
            record(RecordKind::Commendation, days_ago(30)),
            record(RecordKind::Commendation, days_ago(200)),
        ],
        ..Default::default()
    }
}

#[test]
fn merchants_get_the_documented_scores_and_grades() {
    let serious_new = CreditInputs {
        records: vec![record(RecordKind::PriceFraud, now())],
        ..verified()
    };
    let cases: Vec<(&str, CreditInputs, Option<u16>, Grade)> = vec![
        (
            "brand-new verified merchant",
            verified(),
            Some(700),
            Grade::B,
        ),
        (
            "new, verified, commitment signed",
            CreditInputs {
                commitment_signed: true,
                ..verified()
            },
            Some(730),
            Grade::B,
        ),
        (
            "brand-new unverified merchant",
            CreditInputs::default(),
            Some(600),
            Grade::C,
        ),
        (
            // 2.50‰ against the 2‰ prior: −6; 1/1 in time: +5.
            "one complaint, no volume, answered in time",
            CreditInputs {
                complaints_12m: 1,
                response_due: 1,
                responded_in_time: 1,
                ..verified()
            },
            Some(699),
            Grade::B,
        ),
        (
            "one complaint, no volume, not even answered",
            CreditInputs {
                complaints_12m: 1,
                response_due: 1,
                ..verified()
            },
            Some(683),
            Grade::B,
        ),
        (
            "one complaint, tiny declared volume",
            CreditInputs {
                complaints_12m: 1,
                order_volume_12m: Some(3),
                response_due: 1,
                responded_in_time: 1,
                ..verified()
            },
            None,
            Grade::B,
        ),
        (
            // complaints −200 (capped), 10/50 in time −76, 5/40 resolved −66.
            "50 complaints on 100 orders, rarely answered",
            CreditInputs {
                complaints_12m: 50,
                order_volume_12m: Some(100),
                response_due: 50,
                responded_in_time: 10,
                ended: 40,
                resolved: 5,
                ..verified()
            },
            Some(358),
            Grade::D,
        ),
        (
            "50 complaints on 100 orders, otherwise average",
            CreditInputs {
                complaints_12m: 50,
                order_volume_12m: Some(100),
                ..verified()
            },
            Some(500),
            Grade::C,
        ),
        // 730 + 74 + 50 + 43 + 7 + 30.
        ("exemplary merchant", exemplary(), Some(934), Grade::APlus),
        (
            // 730 + 23 + 51 + 42 + 3.
            "good merchant",
            CreditInputs {
                verified: true,
                commitment_signed: true,
                complaints_12m: 30,
                order_volume_12m: Some(20_000),
                response_due: 60,
                responded_in_time: 60,
                ended: 58,
                resolved: 55,
                decided: 3,
                decided_against: 1,
                ..Default::default()
            },
            Some(849),
            Grade::A,
        ),
        (
            "exemplary but unverified: 834 would be A, capped at B",
            CreditInputs {
                verified: false,
                ..exemplary()
            },
            Some(834),
            Grade::B,
        ),
        (
            "exemplary with counterfeit goods 10 days ago: 685 would be B, capped at C",
            CreditInputs {
                records: [
                    exemplary().records,
                    vec![record(RecordKind::Counterfeit, days_ago(10))],
                ]
                .concat(),
                ..exemplary()
            },
            Some(934 - 249),
            Grade::C,
        ),
        (
            "a new serious record",
            serious_new.clone(),
            Some(600),
            Grade::C,
        ),
        (
            // −2 × 50 non-compliance; ¥5 000 unrecovered: −(30 + 50).
            "awards not honoured and a fund payout not recovered",
            CreditInputs {
                non_compliant: 2,
                fc_unrecovered_fen: 500_000,
                ..verified()
            },
            Some(520),
            Grade::C,
        ),
        (
            "everything at its worst floors at 0",
            CreditInputs {
                complaints_12m: 1_000,
                order_volume_12m: Some(1_000),
                response_due: 1_000,
                ended: 1_000,
                decided: 100,
                decided_against: 100,
                non_compliant: 100,
                fc_unrecovered_fen: 100_000_000,
                records: (0..6)
                    .map(|_| record(RecordKind::DataLeak, now()))
                    .collect(),
                ..Default::default()
            },
            Some(0),
            Grade::D,
        ),
    ];
    for (name, inputs, want_score, want_grade) in cases {
        let s = run(&inputs);
        if let Some(want) = want_score {
            assert_eq!(s.score, want, "{name}: {s:#?}");
        }
        assert_eq!(s.grade, want_grade, "{name}: {s:#?}");
        // The factors explain the score exactly.
        assert_eq!(i64::from(s.score), s.unclamped().clamp(0, 1000), "{name}");
    }
}

#[test]
fn the_prior_keeps_tiny_samples_near_the_platform_average() {
    let one = |volume| {
        let s = run(&CreditInputs {
            complaints_12m: 1,
            order_volume_12m: volume,
            ..verified()
        });
        points(&s, "complaint_rate")
    };
    // 1 complaint of 1 order is not a 100 % complaint rate: (1 + 4) / (1 + 2000)
    // orders is 2.50‰, −6 as with no volume, not −200.
    assert_eq!(one(None), -6);
    assert_eq!(one(Some(1)), -6);
    assert_eq!(one(Some(0)), -6, "a volume below the count is the count");
    assert_eq!(one(Some(200)), -3, "5 / 2200 = 2.27‰");
    // With a large declared volume the same complaint is a good record:
    // (1 + 4) / 1 002 000 = 0.005‰, 99.75 → +100.
    assert_eq!(one(Some(1_000_000)), 100);
    // The sample speaks once it is large: 50 of 100 is as bad as it gets.
    let s = run(&CreditInputs {
        complaints_12m: 50,
        order_volume_12m: Some(100),
        ..verified()
    });
    assert_eq!(points(&s, "complaint_rate"), -200);
}

#[test]
fn rates_show_the_smoothed_value_behind_the_points() {
    let s = run(&CreditInputs {
        complaints_12m: 1,
        response_due: 15,
        responded_in_time: 12,
        ended: 10,
        resolved: 7,
        ..verified()
    });
    let detail = |k: &str| {
        let key = format!("credit.factor.{k}");
        s.factors
            .iter()
            .find(|f| f.key == key)
            .unwrap()
            .detail
            .clone()
    };
    assert_eq!(detail("complaint_rate"), "1/? → 2.50‰");
    // (12 + 0.85·10) / (15 + 10) = 82.0 %
    assert_eq!(detail("response_rate"), "12/15 → 82.0%");
    assert_eq!(detail("resolution_rate"), "7/10 → 70.0%");
    assert_eq!(points(&s, "resolution_rate"), 0, "exactly the prior");
    assert_eq!(detail("arbitration"), "0/0 → 50.0%");
    assert_eq!(detail("verification"), "✓");
}

#[test]
fn a_serious_record_decays_with_age_and_leaves_at_the_end_of_its_display_period() {
    let p = CreditParams::default();
    let occurred = days_ago(0);
    let r = record(RecordKind::PriceFraud, occurred);
    assert_eq!(r.severity, Severity::Serious);
    assert_eq!(r.display_until, occurred + Duration::days(1095));
    let at = |when: DateTime<Utc>, r: &RecordInput| {
        let s = score(
            &CreditInputs {
                records: vec![r.clone()],
                ..verified()
            },
            when,
            &p,
        );
        points(&s, "adverse_records")
    };
    let cases = [
        ("new", occurred, -100),
        (
            "after a year (a third of the period)",
            occurred + Duration::days(365),
            -75,
        ),
        ("after two years", occurred + Duration::days(730), -50),
        (
            "the last second on display",
            r.display_until - Duration::seconds(1),
            -25,
        ),
        ("the instant the display period ends", r.display_until, 0),
        ("long after", r.display_until + Duration::days(1), 0),
    ];
    for (name, when, want) in cases {
        assert_eq!(at(when, &r), want, "{name}");
        assert_eq!(r.is_displayed(when), want != 0, "{name}");
    }
    let repaired = RecordInput {
        repaired: true,
        ..r.clone()
    };
    assert_eq!(at(occurred, &repaired), 0, "repaired early");
    assert!(!repaired.is_displayed(occurred));
}

#[test]
fn a_severe_record_caps_the_grade_only_while_it_counts() {
    let mut r = record(RecordKind::Counterfeit, days_ago(10));
    let inputs = |r: &RecordInput| CreditInputs {
        records: [exemplary().records, vec![r.clone()]].concat(),
        ..exemplary()
    };
    let s = run(&inputs(&r));
    assert_eq!(s.caps, vec!["credit.cap.severe".to_string()]);
    assert_eq!(s.grade, Grade::C);
    r.repaired = true;
    let s = run(&inputs(&r));
    assert!(s.caps.is_empty());
    assert_eq!(s.grade, Grade::APlus);
    // A serious record, however heavy, does not cap.
    r = RecordInput {
        severity: Severity::Serious,
        repaired: false,
        ..r
    };
    assert!(run(&inputs(&r)).caps.is_empty());
}

#[test]
fn which_records_count_and_how() {
    let base = run(&verified()).score;
    let with = |records: Vec<RecordInput>| {
        run(&CreditInputs {
            records,
            ..verified()
        })
        .score
    };
    // Case outcomes are counted by the 12-month counters, not as records.
    for kind in RecordKind::ALL
        .iter()
        .filter(|k| k.group() == RecordGroup::CaseOutcome)
    {
        assert_eq!(with(vec![record(*kind, now())]), base, "{kind}");
    }
    // A signed commitment counts through `commitment_signed`, not as a record.
    assert_eq!(
        with(vec![record(RecordKind::CommitmentSigned, now())]),
        base
    );
    // A broken commitment is a serious adverse record.
    assert_eq!(
        with(vec![record(RecordKind::CommitmentBroken, now())]),
        base - 100
    );
    // Commendations: +15 each, at most +45; only while on display.
    let commendations = |n: usize| {
        (0..n)
            .map(|_| record(RecordKind::Commendation, days_ago(1)))
            .collect()
    };
    assert_eq!(with(commendations(2)), base + 30);
    assert_eq!(with(commendations(5)), base + 45);
    assert_eq!(
        with(vec![record(RecordKind::Commendation, days_ago(365))]),
        base
    );
    // Adverse records together take off at most 600.
    let severe: Vec<_> = (0..5)
        .map(|_| record(RecordKind::DataLeak, now()))
        .collect();
    assert_eq!(with(severe), base - 600);
}

#[test]
fn non_compliance_and_first_compensation_are_scaled_and_capped() {
    let cases = [
        (0, 0, 0, 0),
        (1, 0, -50, 0),
        (4, 0, -200, 0),
        (9, 0, -200, 0),
        (0, 1, 0, -30),
        (0, 9_999, 0, -30),
        (0, 10_000, 0, -31),
        (0, 1_200_000, 0, -150),
        (0, 100_000_000, 0, -150),
        (0, -5, 0, 0),
    ];
    for (non_compliant, fen, want_nc, want_fc) in cases {
        let s = run(&CreditInputs {
            non_compliant,
            fc_unrecovered_fen: fen,
            ..verified()
        });
        assert_eq!(points(&s, "non_compliance"), want_nc, "{non_compliant}");
        assert_eq!(points(&s, "first_compensation"), want_fc, "{fen}");
    }
}

#[test]
fn display_periods_follow_severity_and_are_configurable() {
    let at = now();
    let d = DisplayPeriods::default();
    assert_eq!(
        d.display_until(Severity::Minor, at),
        at + Duration::days(365)
    );
    assert_eq!(
        d.display_until(Severity::Serious, at),
        at + Duration::days(1095)
    );
    assert_eq!(
        d.display_until(Severity::Severe, at),
        at + Duration::days(1825)
    );
    let short = DisplayPeriods {
        minor_days: 30,
        ..d
    };
    assert_eq!(
        short.display_until(Severity::Minor, at),
        at + Duration::days(30)
    );
}

#[test]
fn every_factor_is_always_listed_in_the_published_order() {
    let keys: Vec<String> = run(&CreditInputs::default())
        .factors
        .into_iter()
        .map(|f| f.key)
        .collect();
    let want = [
        "verification",
        "commitment",
        "complaint_rate",
        "response_rate",
        "resolution_rate",
        "arbitration",
        "non_compliance",
        "first_compensation",
        "adverse_records",
        "commendations",
    ]
    .map(|k| format!("credit.factor.{k}"));
    assert_eq!(keys, want);
    // min ≤ points ≤ max, and the best case can reach 1000.
    let s = run(&exemplary());
    for f in &s.factors {
        assert!(f.min <= f.points && f.points <= f.max, "{f:?}");
    }
    let best = i64::from(s.base) + s.factors.iter().map(|f| i64::from(f.max)).sum::<i64>();
    assert!(best >= 1000);
}

#[test]
fn vocabulary_round_trips_and_serialises_as_published() {
    for k in RecordKind::ALL {
        assert_eq!(RecordKind::parse(k.as_str()), Some(*k));
        assert_eq!(serde_json::to_string(k).unwrap(), format!("\"{k}\""));
    }
    for s in Severity::ALL {
        assert_eq!(Severity::parse(s.as_str()), Some(*s));
    }
    for g in Grade::ALL {
        assert_eq!(Grade::parse(g.as_str()), Some(*g));
        assert_eq!(serde_json::to_string(g).unwrap(), format!("\"{g}\""));
    }
    assert_eq!(
        Grade::ALL.iter().map(|g| g.as_str()).collect::<Vec<_>>(),
        ["A+", "A", "B", "C", "D"]
    );
    assert_eq!(
        serde_json::from_str::<Grade>("\"A+\"").unwrap(),
        Grade::APlus
    );
    assert_eq!(Grade::A.at_most(Grade::B), Grade::B);
    assert_eq!(Grade::D.at_most(Grade::B), Grade::D);
    // Every regulator finding is adverse; no case outcome is.
    for k in RecordKind::ALL {
        let adverse = k.is_adverse_record();
        match k.group() {
            RecordGroup::Misconduct => {
                assert!(adverse && k.polarity() == Polarity::Negative, "{k}")
            }
            RecordGroup::CaseOutcome | RecordGroup::Commendation => assert!(!adverse, "{k}"),
            RecordGroup::Commitment => assert_eq!(adverse, *k == RecordKind::CommitmentBroken),
        }
    }
    assert_eq!(RecordKind::Counterfeit.default_severity(), Severity::Severe);
    assert_eq!(
        RecordKind::CommitmentBroken.default_severity(),
        Severity::Serious
    );
    assert_eq!(RecordKind::Commendation.polarity(), Polarity::Positive);
}

#[test]
fn every_key_the_module_hands_out_has_a_text() {
    let mut keys: Vec<String> = Vec::new();
    keys.extend(RecordKind::ALL.iter().map(|k| k.label_key()));
    keys.extend(Severity::ALL.iter().map(|s| s.label_key()));
    keys.extend(Polarity::ALL.iter().map(|p| p.label_key()));
    keys.extend(Grade::ALL.iter().map(|g| g.label_key().to_string()));
    keys.extend(["credit.cap.unverified", "credit.cap.severe"].map(String::from));
    keys.extend(
        run(&CreditInputs::default())
            .factors
            .into_iter()
            .map(|f| f.key),
    );
    for row in method_params_table(&CreditParams::default()) {
        keys.push(row.group);
        keys.push(row.key);
    }
    for k in keys {
        assert_ne!(t(Lang::Zh, &k), k, "missing text for {k}");
    }
}

#[test]
fn the_method_table_publishes_the_parameters() {
    let rows = method_params_table(&CreditParams::default());
    let value = |group: &str, key: &str| {
        rows.iter()
            .find(|r| r.group == group && r.key == format!("credit.param.{key}"))
            .unwrap_or_else(|| panic!("{group} {key}"))
            .value
            .clone()
    };
    assert_eq!(value("credit.param.group.score", "base"), "600");
    assert_eq!(value("credit.factor.complaint_rate", "prior"), "2.00‰");
    assert_eq!(value("credit.factor.complaint_rate", "pseudo"), "2000");
    assert_eq!(value("credit.factor.response_rate", "prior"), "85.0%");
    assert_eq!(
        value("credit.factor.first_compensation", "fc_per_point"),
        "¥100.00"
    );
    assert_eq!(
        value("credit.factor.adverse_records", "decay_floor"),
        "25.0%"
    );
    assert_eq!(
        value("credit.param.group.grades", "unverified_max_grade"),
        "B"
    );
    assert_eq!(value("credit.param.group.display", "severe_days"), "1825");
}

// ---- properties ---------------------------------------------------------

fn record_strategy(kinds: Vec<RecordKind>) -> impl Strategy<Value = RecordInput> {
    (
        proptest::sample::select(kinds),
        proptest::sample::select(Severity::ALL.to_vec()),
        -2200i64..30,
        0i64..2000,
        any::<bool>(),
        0i64..86_400,
    )
        .prop_map(|(kind, severity, start, len, repaired, secs)| {
            let occurred_at = now() + Duration::days(start) + Duration::seconds(secs);
            RecordInput {
                kind,
                severity,
                occurred_at,
                display_until: occurred_at + Duration::days(len),
                repaired,
            }
        })
}

fn inputs_strategy() -> impl Strategy<Value = CreditInputs> {
    (
        (
            any::<bool>(),
            any::<bool>(),
            0u32..5_000,
            proptest::option::of(0u64..5_000_000),
        ),
        (0u32..2_000, 0u32..=100, 0u32..2_000, 0u32..=100),
        (0u32..200, 0u32..=100, 0u32..10, 0i64..5_000_000),
        proptest::collection::vec(record_strategy(RecordKind::ALL.to_vec()), 0..8),
    )
        .prop_map(
            |(
                (verified, commitment_signed, complaints, volume),
                (due, in_time_pct, ended, resolved_pct),
                (decided, against_pct, non_compliant, fc),
                records,
            )| {
                CreditInputs {
                    verified,
                    commitment_signed,
                    complaints_12m: complaints,
                    order_volume_12m: volume,
                    response_due: due,
                    responded_in_time: due * in_time_pct / 100,
                    ended,
                    resolved: ended * resolved_pct / 100,
                    decided,
                    decided_against: decided * against_pct / 100,
                    non_compliant,
                    fc_unrecovered_fen: fc,
                    records,
                }
            },
        )
}

fn negative_kinds() -> Vec<RecordKind> {
    RecordKind::ALL
        .iter()
        .copied()
        .filter(|k| k.polarity() == Polarity::Negative)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_score_is_in_range_and_explained_by_its_factors(inputs in inputs_strategy()) {
        let p = CreditParams::default();
        let s = score(&inputs, now(), &p);
        prop_assert!(s.score <= 1000);
        prop_assert_eq!(i64::from(s.score), s.unclamped().clamp(0, 1000));
        for f in &s.factors {
            prop_assert!(f.min <= f.points && f.points <= f.max, "{:?}", f);
        }
        // The grade is the threshold grade, lowered only by caps in force.
        let by_score = p.grade_for(s.score);
        prop_assert!(!s.grade.is_better_than(by_score));
        if s.caps.is_empty() {
            prop_assert_eq!(s.grade, by_score);
        }
        if !inputs.verified {
            prop_assert!(!s.grade.is_better_than(Grade::B));
        }
        // What is stored is what is shown.
        let json = serde_json::to_string(&s).unwrap();
        prop_assert_eq!(serde_json::from_str::<CreditScore>(&json).unwrap(), s);
    }

    #[test]
    fn record_order_does_not_matter(
        (inputs, shuffled) in inputs_strategy().prop_flat_map(|i| {
            let records = Just(i.records.clone()).prop_shuffle();
            (Just(i), records)
        })
    ) {
        let p = CreditParams::default();
        let again = CreditInputs { records: shuffled, ..inputs.clone() };
        prop_assert_eq!(score(&inputs, now(), &p), score(&again, now(), &p));
    }

    #[test]
    fn a_negative_record_never_raises_the_score(
        inputs in inputs_strategy(),
        extra in record_strategy(negative_kinds()),
    ) {
        let p = CreditParams::default();
        let before = score(&inputs, now(), &p);
        let mut more = inputs.clone();
        more.records.push(extra);
        let after = score(&more, now(), &p);
        prop_assert!(after.score <= before.score);
        prop_assert!(!after.grade.is_better_than(before.grade));
    }

    #[test]
    fn more_responses_in_time_never_lower_the_score(inputs in inputs_strategy()) {
        let p = CreditParams::default();
        let before = score(&inputs, now(), &p);
        // One more of the due cases answered in time…
        if inputs.responded_in_time < inputs.response_due {
            let better = CreditInputs { responded_in_time: inputs.responded_in_time + 1, ..inputs.clone() };
            let after = score(&better, now(), &p);
            prop_assert!(after.score >= before.score);
            prop_assert!(!before.grade.is_better_than(after.grade));
        }
        // …or one more case, answered in time.
        let more = CreditInputs {
            response_due: inputs.response_due + 1,
            responded_in_time: inputs.responded_in_time + 1,
            ..inputs.clone()
        };
        prop_assert!(score(&more, now(), &p).score >= before.score);
    }

    #[test]
    fn more_unrecovered_first_compensation_never_raises_the_score(
        inputs in inputs_strategy(),
        extra in 0i64..10_000_000,
    ) {
        let p = CreditParams::default();
        let before = score(&inputs, now(), &p);
        let worse = CreditInputs { fc_unrecovered_fen: inputs.fc_unrecovered_fen + extra, ..inputs.clone() };
        let after = score(&worse, now(), &p);
        prop_assert!(after.score <= before.score);
        prop_assert!(!after.grade.is_better_than(before.grade));
    }
}

#[test]
fn the_decay_example_of_the_method() {
    let p = CreditParams::default();
    let r = record(RecordKind::FalseAdvertising, now());
    let inputs = CreditInputs {
        commitment_signed: true,
        records: vec![r.clone()],
        ..verified()
    };
    let at = |when| score(&inputs, when, &p);
    assert_eq!(at(now()).score, 630);
    assert_eq!(at(now()).grade, Grade::C);
    assert_eq!(at(now() + Duration::days(365)).score, 655);
    assert_eq!(at(now() + Duration::days(365)).grade, Grade::B);
    assert_eq!(at(r.display_until).score, 730);
    let repaired = CreditInputs {
        records: vec![RecordInput {
            repaired: true,
            ..r
        }],
        ..inputs.clone()
    };
    assert_eq!(score(&repaired, now(), &p).score, 730);
}
