//! The vocabulary of credit: severities, record kinds, grades.

named_enum! {
    /// How grave a record is. It sets the display period (展示期限) and the
    /// weight a negative record takes off the score.
    Severity {
        Minor = "minor",
        Serious = "serious",
        Severe = "severe",
    }
}

impl Severity {
    pub fn label_key(self) -> String {
        format!("credit.severity.{}", self.as_str())
    }
}

named_enum! {
    /// Which way a record pulls a merchant's credit.
    Polarity {
        Positive = "positive",
        Negative = "negative",
        Neutral = "neutral",
    }
}

impl Polarity {
    pub fn label_key(self) -> String {
        format!("credit.polarity.{}", self.as_str())
    }
}

named_enum! {
    /// Where a kind of record comes from, which decides how the score uses it
    /// (see [`RecordKind::group`]).
    RecordGroup {
        /// Written by the case flow. The score counts these through the
        /// 12-month counters of `CreditInputs`, never through `records`, so
        /// one outcome is never counted twice.
        CaseOutcome = "case_outcome",
        /// Found by a regulator.
        Misconduct = "misconduct",
        /// A credit commitment (信用承诺) signed or broken.
        Commitment = "commitment",
        /// A commendation by a regulator or the platform.
        Commendation = "commendation",
    }
}

named_enum! {
    /// One kind of entry in a merchant's credit file (信用档案). The strings
    /// are what `credit_records.kind` stores.
    RecordKind {
        /// The case ended in a settlement (和解) the merchant fulfilled.
        Settled = "settled",
        /// The case ended in a mediated agreement.
        Mediated = "mediated",
        /// An arbitration decision went against the merchant.
        DecidedAgainst = "decided_against",
        /// A settlement or award was not honoured in time.
        NonCompliant = "non_compliant",
        /// First compensation (先行赔付) was paid on the merchant's behalf.
        FcPaid = "fc_paid",
        /// What the fund paid was recovered from the merchant.
        FcRecovered = "fc_recovered",
        /// 刷单炒信: fabricated orders or ratings.
        Brushing = "brushing",
        /// 虚假宣传.
        FalseAdvertising = "false_advertising",
        /// 假冒伪劣: counterfeit or shoddy goods.
        Counterfeit = "counterfeit",
        /// 价格欺诈.
        PriceFraud = "price_fraud",
        /// 图物不符.
        NotAsPictured = "not_as_pictured",
        /// 恶意评价: reviews used to harass consumers or competitors.
        MaliciousRating = "malicious_rating",
        /// 泄露个人信息: consumers' personal data leaked or sold.
        DataLeak = "data_leak",
        /// Any other misconduct a regulator records, described in its summary.
        MisconductOther = "misconduct_other",
        /// The standard credit commitment was signed.
        CommitmentSigned = "commitment_signed",
        /// A signed commitment was broken.
        CommitmentBroken = "commitment_broken",
        /// Commended by a regulator or the platform.
        Commendation = "commendation",
    }
}

impl RecordKind {
    pub fn label_key(self) -> String {
        format!("credit.kind.{}", self.as_str())
    }

    pub fn group(self) -> RecordGroup {
        use RecordKind as K;
        match self {
            K::Settled
            | K::Mediated
            | K::DecidedAgainst
            | K::NonCompliant
            | K::FcPaid
            | K::FcRecovered => RecordGroup::CaseOutcome,
            K::Brushing
            | K::FalseAdvertising
            | K::Counterfeit
            | K::PriceFraud
            | K::NotAsPictured
            | K::MaliciousRating
            | K::DataLeak
            | K::MisconductOther => RecordGroup::Misconduct,
            K::CommitmentSigned | K::CommitmentBroken => RecordGroup::Commitment,
            K::Commendation => RecordGroup::Commendation,
        }
    }

    /// Settling or being mediated is what the platform asks of a merchant, so
    /// it is neutral rather than a merit; a recovered first compensation is
    /// neutral too: the debt is paid, but the payout still shows in
    /// `fc_paid`.
    pub fn polarity(self) -> Polarity {
        use RecordKind as K;
        match self {
            K::Settled | K::Mediated | K::FcRecovered => Polarity::Neutral,
            K::CommitmentSigned | K::Commendation => Polarity::Positive,
            K::DecidedAgainst
            | K::NonCompliant
            | K::FcPaid
            | K::Brushing
            | K::FalseAdvertising
            | K::Counterfeit
            | K::PriceFraud
            | K::NotAsPictured
            | K::MaliciousRating
            | K::DataLeak
            | K::MisconductOther
            | K::CommitmentBroken => Polarity::Negative,
        }
    }

    /// The severity a new record of this kind starts with; the regulator who
    /// writes a misconduct record may choose another.
    ///
    /// Severe by default: counterfeit goods and leaked personal data, which
    /// harm people beyond the order. Serious: deception of the market
    /// (fake orders, false advertising, price fraud, malicious reviews),
    /// broken promises (a broken commitment, an award not honoured) and a
    /// fund payout. Minor: everything else.
    pub fn default_severity(self) -> Severity {
        use RecordKind as K;
        match self {
            K::Counterfeit | K::DataLeak => Severity::Severe,
            K::Brushing
            | K::FalseAdvertising
            | K::PriceFraud
            | K::MaliciousRating
            | K::CommitmentBroken
            | K::NonCompliant
            | K::FcPaid => Severity::Serious,
            K::Settled
            | K::Mediated
            | K::DecidedAgainst
            | K::FcRecovered
            | K::NotAsPictured
            | K::MisconductOther
            | K::CommitmentSigned
            | K::Commendation => Severity::Minor,
        }
    }

    /// May a regulator record this kind by hand (with the due process of a
    /// finding: an objection period, then publication)? Misconduct, a broken
    /// credit commitment and a commendation; case outcomes and signatures
    /// are written by the platform itself.
    pub fn recorded_by_regulator(self) -> bool {
        matches!(
            self.group(),
            RecordGroup::Misconduct | RecordGroup::Commendation
        ) || self == RecordKind::CommitmentBroken
    }

    /// May the merchant apply for credit repair (信用修复) of a published
    /// record of this kind? Misconduct and broken commitments.
    pub fn repairable(self) -> bool {
        self.group() == RecordGroup::Misconduct || self == RecordKind::CommitmentBroken
    }

    /// Does a record of this kind (still on display, not repaired) take
    /// points off through the `adverse_records` factor? Regulator findings
    /// and broken commitments do; case outcomes are counted elsewhere.
    pub fn is_adverse_record(self) -> bool {
        self.polarity() == Polarity::Negative && self.group() != RecordGroup::CaseOutcome
    }
}

named_enum! {
    /// The published credit grade, best first. Shown and serialised as
    /// `A+ A B C D`.
    Grade {
        #[serde(rename = "A+")]
        APlus = "A+",
        #[serde(rename = "A")]
        A = "A",
        #[serde(rename = "B")]
        B = "B",
        #[serde(rename = "C")]
        C = "C",
        #[serde(rename = "D")]
        D = "D",
    }
}

impl Grade {
    /// `credit.grade.a_plus`, `credit.grade.a`, …: the grade's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Grade::APlus => "credit.grade.a_plus",
            Grade::A => "credit.grade.a",
            Grade::B => "credit.grade.b",
            Grade::C => "credit.grade.c",
            Grade::D => "credit.grade.d",
        }
    }

    /// 0 for A+ … 4 for D.
    fn rank(self) -> usize {
        Grade::ALL
            .iter()
            .position(|g| *g == self)
            .unwrap_or(Grade::ALL.len())
    }

    /// This grade, or `cap` when `cap` is worse.
    pub fn at_most(self, cap: Grade) -> Grade {
        if self.rank() < cap.rank() { cap } else { self }
    }

    /// Is `self` better than `other`?
    pub fn is_better_than(self, other: Grade) -> bool {
        self.rank() < other.rank()
    }
}
