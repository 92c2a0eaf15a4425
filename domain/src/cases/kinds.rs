//! The vocabulary of cases: statuses, categories, remedies, parties, actions.

named_enum! {
    /// Where a case is. `non_compliant`: the merchant missed the deadline of a
    /// settlement or decision (first compensation builds on it).
    Status {
        AwaitingMerchant = "awaiting_merchant",
        Negotiating = "negotiating",
        Settled = "settled",
        InMediation = "in_mediation",
        InArbitration = "in_arbitration",
        Decided = "decided",
        NonCompliant = "non_compliant",
        Closed = "closed",
        Withdrawn = "withdrawn",
    }
}

impl Status {
    /// Cases in these states are over; nothing but reading (and, later,
    /// rating) happens to them.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Closed | Status::Withdrawn)
    }

    /// "Open" for duplicate detection and queues.
    pub fn is_open(self) -> bool {
        !self.is_final()
    }

    /// The step of the stepper the UI shows (0 filed … 4 closed).
    pub fn step(self) -> u8 {
        match self {
            Status::AwaitingMerchant => 0,
            Status::Negotiating | Status::Settled => 1,
            Status::InMediation => 2,
            Status::InArbitration | Status::Decided | Status::NonCompliant => 3,
            Status::Closed | Status::Withdrawn => 4,
        }
    }
}

named_enum! {
    /// What the complaint is about.
    Category {
        FalseAdvertising = "false_advertising",
        Counterfeit = "counterfeit",
        Quality = "quality",
        NotAsPictured = "not_as_pictured",
        PriceFraud = "price_fraud",
        RefundRefused = "refund_refused",
        ServiceBreach = "service_breach",
        Delivery = "delivery",
        PersonalData = "personal_data",
        Other = "other",
    }
}

named_enum! {
    /// What the consumer asks for, and what an offer, proposal or award gives.
    Remedy {
        Refund = "refund",
        Replacement = "replacement",
        Repair = "repair",
        Compensation = "compensation",
        Apology = "apology",
    }
}

named_enum! {
    /// What the consumer demands (诉求): one of the remedies, or punitive
    /// damages — 退一赔三 (`punitive_3x`, 消费者权益保护法 第55条: a refund
    /// plus three times the price, at least ¥500) or 退一赔十
    /// (`punitive_10x`, 食品安全法 第148条: a refund plus ten times the price,
    /// at least ¥1,000). Optional when filing: absent, it is the remedy.
    Demand {
        Refund = "refund",
        Replacement = "replacement",
        Repair = "repair",
        Compensation = "compensation",
        Apology = "apology",
        #[serde(rename = "punitive_3x")]
        Punitive3x = "punitive_3x",
        #[serde(rename = "punitive_10x")]
        Punitive10x = "punitive_10x",
    }
}

impl Demand {
    /// The demand a complaint that names none makes: its remedy.
    pub fn of_remedy(r: Remedy) -> Demand {
        match r {
            Remedy::Refund => Demand::Refund,
            Remedy::Replacement => Demand::Replacement,
            Remedy::Repair => Demand::Repair,
            Remedy::Compensation => Demand::Compensation,
            Remedy::Apology => Demand::Apology,
        }
    }

    /// Punitive damages (退一赔三 or 退一赔十).
    pub fn is_punitive(self) -> bool {
        matches!(self, Demand::Punitive3x | Demand::Punitive10x)
    }

    pub fn label_key(self) -> String {
        format!("case.demand.{}", self.as_str())
    }
}

named_enum! {
    /// The two sides of a case.
    Party {
        Consumer = "consumer",
        Merchant = "merchant",
    }
}

impl Party {
    pub fn other(self) -> Party {
        match self {
            Party::Consumer => Party::Merchant,
            Party::Merchant => Party::Consumer,
        }
    }
}

named_enum! {
    /// The actions of `POST /api/v1/cases/{id}/actions`.
    ActionKind {
        Respond = "respond",
        Message = "message",
        Offer = "offer",
        AcceptOffer = "accept_offer",
        RejectOffer = "reject_offer",
        Escalate = "escalate",
        Take = "take",
        Handover = "handover",
        Propose = "propose",
        AcceptProposal = "accept_proposal",
        RejectProposal = "reject_proposal",
        RequestEvidence = "request_evidence",
        ProvideEvidence = "provide_evidence",
        Decide = "decide",
        Comply = "comply",
        ConfirmFulfilment = "confirm_fulfilment",
        Reopen = "reopen",
        Withdraw = "withdraw",
        ApplyFirstCompensation = "apply_first_compensation",
        ApproveFirstCompensation = "approve_first_compensation",
        RefuseFirstCompensation = "refuse_first_compensation",
        ContestRecovery = "contest_recovery",
        DecideContest = "decide_contest",
    }
}

named_enum! {
    /// Why a case qualifies for first compensation (先行赔付).
    FcBasis {
        /// The merchant missed the first-response deadline on a claim with an amount.
        NoResponse = "no_response",
        /// The merchant did not fulfil a settlement or comply with a decision in time.
        NonCompliance = "non_compliance",
    }
}

named_enum! {
    /// Where a first-compensation application is.
    FcState {
        Applied = "applied",
        Approved = "approved",
        Refused = "refused",
        /// The case ended (closed or withdrawn) before the fund decided.
        Lapsed = "lapsed",
    }
}

named_enum! {
    /// The merchant's contest of a recovery, decided by an arbitrator.
    ContestState {
        Pending = "pending",
        Upheld = "upheld",
        Refused = "refused",
    }
}

impl ActionKind {
    pub fn label_key(self) -> String {
        format!("case.action.{}", self.as_str())
    }
}

named_enum! {
    /// How a closed case ended, as the public complaint record shows it.
    Outcome {
        /// The parties settled in negotiation.
        Negotiated = "negotiated",
        /// They accepted a mediator's proposal.
        Mediated = "mediated",
        /// An arbitrator decided.
        Decided = "decided",
        /// The consumer-protection fund paid (先行赔付).
        FirstCompensation = "first_compensation",
        /// Closed otherwise (e.g. with no claim left to settle).
        Closed = "closed",
    }
}
