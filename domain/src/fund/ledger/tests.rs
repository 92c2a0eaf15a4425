use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;

fn fen(a: i64) -> Fen {
    Fen(a)
}

#[test]
fn each_operation_debits_and_credits_the_documented_accounts() {
    let (m, c) = (7, 42);
    let cases = [
        (
            Operation::FundTopUp { amount: fen(5) },
            Account::EXTERNAL,
            Account::FUND_POOL,
        ),
        (
            Operation::DepositTopUp {
                merchant_id: m,
                amount: fen(5),
            },
            Account::EXTERNAL,
            Account::deposit(m),
        ),
        (
            Operation::Payout {
                case_id: c,
                merchant_id: m,
                amount: fen(5),
            },
            Account::receivable(m, c),
            Account::payable(c),
        ),
        (
            Operation::Disbursement {
                case_id: c,
                amount: fen(5),
            },
            Account::payable(c),
            Account::EXTERNAL,
        ),
        (
            Operation::Recovery {
                case_id: c,
                merchant_id: m,
                amount: fen(5),
            },
            Account::deposit(m),
            Account::receivable(m, c),
        ),
        (
            Operation::WriteOff {
                case_id: c,
                merchant_id: m,
                amount: fen(5),
            },
            Account::WRITE_OFF,
            Account::receivable(m, c),
        ),
    ];
    for (op, debit, credit) in cases {
        assert_eq!(
            op.lines(),
            vec![
                Line {
                    account: debit,
                    amount: 5
                },
                Line {
                    account: credit,
                    amount: -5
                }
            ],
            "{op:?}"
        );
    }
}

#[test]
fn a_payout_needs_available_fund_money_not_deposits() {
    let mut b = Books::default();
    b.post(&Operation::DepositTopUp {
        merchant_id: 1,
        amount: fen(10_000),
    })
    .unwrap();
    let payout = Operation::Payout {
        case_id: 9,
        merchant_id: 2,
        amount: fen(100),
    };
    assert_eq!(b.post(&payout), Err(LedgerError::FundInsufficient));
    b.post(&Operation::FundTopUp { amount: fen(100) }).unwrap();
    b.post(&payout).unwrap();
    assert_eq!(b.available(), 0);
    // Recovering from merchant 2's empty deposit is refused; merchant 2 owes 100.
    let recover = Operation::Recovery {
        case_id: 9,
        merchant_id: 2,
        amount: fen(1),
    };
    assert_eq!(
        b.post(&recover),
        Err(LedgerError::Insufficient(AccountKind::Deposit))
    );
    assert_eq!(b.normal_balance(&Account::receivable(2, 9)), 100);
}

#[test]
fn zero_negative_and_huge_amounts_are_refused_and_change_nothing() {
    let mut b = Books::default();
    b.post(&Operation::FundTopUp { amount: fen(50) }).unwrap();
    let before = b.clone();
    for (a, e) in [
        (0, LedgerError::NotPositive),
        (-1, LedgerError::NotPositive),
        (MAX_ENTRY.0 + 1, LedgerError::TooLarge),
    ] {
        assert_eq!(b.post(&Operation::FundTopUp { amount: fen(a) }), Err(e));
    }
    assert_eq!(b, before);
}

#[test]
fn recovering_or_writing_off_more_than_is_owed_is_refused() {
    let mut b = Books::default();
    b.post(&Operation::FundTopUp { amount: fen(500) }).unwrap();
    b.post(&Operation::DepositTopUp {
        merchant_id: 1,
        amount: fen(500),
    })
    .unwrap();
    b.post(&Operation::Payout {
        case_id: 3,
        merchant_id: 1,
        amount: fen(200),
    })
    .unwrap();
    for op in [
        Operation::Recovery {
            case_id: 3,
            merchant_id: 1,
            amount: fen(201),
        },
        Operation::WriteOff {
            case_id: 3,
            merchant_id: 1,
            amount: fen(201),
        },
        Operation::Repayment {
            case_id: 3,
            merchant_id: 1,
            amount: fen(201),
        },
    ] {
        assert_eq!(
            b.post(&op),
            Err(LedgerError::Insufficient(AccountKind::Receivable))
        );
    }
}

// ---- properties over random sequences of operations

fn op_strategy() -> impl Strategy<Value = Operation> {
    let m = 1..4i32;
    let c = 1..5i32;
    // Mostly small positive amounts, sometimes zero or negative.
    let amount = prop_oneof![8 => 1..5_000i64, 1 => -3..1i64].prop_map(Fen);
    prop_oneof![
        amount
            .clone()
            .prop_map(|amount| Operation::FundTopUp { amount }),
        (m.clone(), amount.clone()).prop_map(|(merchant_id, amount)| Operation::DepositTopUp {
            merchant_id,
            amount
        }),
        (m.clone(), amount.clone()).prop_map(|(merchant_id, amount)| {
            Operation::DepositWithdrawal {
                merchant_id,
                amount,
            }
        }),
        (c.clone(), m.clone(), amount.clone()).prop_map(|(case_id, merchant_id, amount)| {
            Operation::Payout {
                case_id,
                merchant_id,
                amount,
            }
        }),
        (c.clone(), amount.clone())
            .prop_map(|(case_id, amount)| Operation::Disbursement { case_id, amount }),
        (c.clone(), m.clone(), amount.clone()).prop_map(|(case_id, merchant_id, amount)| {
            Operation::Recovery {
                case_id,
                merchant_id,
                amount,
            }
        }),
        (c.clone(), m.clone(), amount.clone()).prop_map(|(case_id, merchant_id, amount)| {
            Operation::Repayment {
                case_id,
                merchant_id,
                amount,
            }
        }),
        (c.clone(), m.clone(), amount.clone()).prop_map(|(case_id, merchant_id, amount)| {
            Operation::WriteOff {
                case_id,
                merchant_id,
                amount,
            }
        }),
        (c.clone(), m.clone(), amount.clone()).prop_map(|(case_id, merchant_id, amount)| {
            Operation::RecoveryReversal {
                case_id,
                merchant_id,
                amount,
            }
        }),
        (c, m, amount).prop_map(
            |(case_id, merchant_id, amount)| Operation::RepaymentRefund {
                case_id,
                merchant_id,
                amount,
            }
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_operations_keep_the_books_balanced_and_consistent(
        ops in proptest::collection::vec(op_strategy(), 1..60)
    ) {
        let mut books = Books::default();
        // What each (merchant, case) has been paid out, got back, given up — from
        // the accepted operations alone, to compare with the receivable accounts.
        let mut expected: BTreeMap<(i32, i32), i64> = BTreeMap::new();
        for op in &ops {
            let before = books.clone();
            match books.post(op) {
                Ok(lines) => {
                    prop_assert_eq!(lines.iter().map(|l| l.amount).sum::<i64>(), 0);
                    prop_assert!(op.amount().0 > 0);
                    if let (Some(m), Some(c)) = (op.merchant_id(), op.case_id()) {
                        let owed = expected.entry((m, c)).or_insert(0);
                        match op.kind() {
                            EntryKind::Payout | EntryKind::RecoveryReversal
                            | EntryKind::RepaymentRefund => *owed += op.amount().0,
                            EntryKind::Recovery | EntryKind::Repayment
                            | EntryKind::WriteOff => *owed -= op.amount().0,
                            _ => {}
                        }
                    }
                }
                Err(_) => prop_assert_eq!(&books, &before, "a refused operation changed the books"),
            }
            // The trial balance: all lines ever posted sum to zero.
            prop_assert_eq!(books.balances.values().sum::<i64>(), 0);
            // No account is below zero on its own side; the fund is not overspent.
            for (a, _) in books.balances.iter() {
                prop_assert!(books.normal_balance(a) >= 0, "{:?} negative", a);
            }
            prop_assert!(books.available() >= 0);
            // The receivable total is the sum of the receivable accounts …
            let receivables: i64 = books
                .balances
                .iter()
                .filter(|(a, _)| a.kind == AccountKind::Receivable)
                .map(|(_, v)| v)
                .sum();
            prop_assert_eq!(books.receivable_total, receivables);
            // … and each one is payout − recovered − repaid − written off (+ reversals).
            for ((m, c), owed) in &expected {
                prop_assert_eq!(books.normal_balance(&Account::receivable(*m, *c)), *owed);
            }
        }
    }
}
