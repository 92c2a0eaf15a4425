//! The authorisation matrix of the server functions (the forms and page
//! loads under `/api/<endpoint>`), checked against the router: every
//! server function registered in this binary × anonymous and every role,
//! each called as a browser with our page open posts a form, on objects the
//! role owns and objects it does not. The expectations are one table
//! (`MATRIX`, the columns of `authz.rs`); the test fails on a leak (refused
//! expected, the caller got through), on an over-refusal (allowed expected,
//! refused), on a registered function without a row (a new server function
//! without a row fails the test) and on a row no function is registered
//! for. Where the JSON API has the same operation, the row agrees with
//! `authz.rs`'s.
//!
//! A server function answers an error as `AppError`'s JSON (`{"kind": …}`)
//! with the `serverfnerror` header, whatever the kind.
//! `+` allowed: no error, or an error of the rules that follow the gate
//! (`conflict`, `not_allowed`: a rating already given, a decision already
//! taken); never `invalid` (the row's form is valid) nor an internal error.
//! `-` refused: `unauthorized` for anonymous, `forbidden` or `not_found`
//! for a signed-in caller (`not_found` is how a case hides from who is not
//! a party to it). Two kinds of row judge otherwise:
//! - `Judge::Hidden`, a function that asks for no credential and hides what
//!   it does not show: refused is `not_found`, for anonymous too (as a public
//!   route's 404 in `authz.rs`).
//! - `Judge::Part(field)`, a public answer with a guarded part (the merchant
//!   page's owner section, the merchant's fund account): every caller gets
//!   an answer, and the column says who gets the part (`field` not null).
//!
//! The objects: `cases/act`, `cases/get`, `cases/join`, `cases/publication`,
//! `fund/repayment`, `fund/write_off` a fresh case filed by C against
//! merchant A, one per row; `merchants/…` and `fund/merchant` merchant A (M
//! answers for it, its claim verified; M2 answers for merchant B);
//! `regulator/verification` M2's registration of a new business;
//! `merchants/repair` a published finding against A, `merchants/objection`
//! a pending one; `regulator/request` M's objection to a third;
//! `regulator/list` the black-list proposal for A; `cases/rate` a closed case
//! nobody rated, `cases/follow-up` a closed, published case C and M rated
//! (also `complaints/get`'s complaint); `auth/verify_email` and
//! `auth/reset_password` the mailed tokens of a fresh account per column;
//! `regulator/risk_ack` a stored risk warning against A;
//! `admin/organisation_status`, `admin/create_api_key` and
//! `admin/organisation_calls` an e-commerce platform made for the run,
//! `admin/revoke_api_key` a key of it; `admin/organisation_webhooks` the
//! same platform, `admin/replay_webhook` a delivery of it still pending
//! (nothing sends in this test: a replay is a conflict after the gate);
//! `cases/filing-review` C's filing draft.

use std::collections::BTreeSet;

use chrono::Duration;
use serde_json::{Value, json};

use crate::cases::{R, Stage, USCC_A, USCC_UNKNOWN, World, instant};
use crate::credit::{decide, multipart, recompute, register, registration};
use crate::harness::{PASSWORD, Req, Resp, backend_tests, link_token};

// The columns of the expectation strings are the JSON API matrix's.
use crate::authz::COLUMNS;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR server function matrix";

/// The rows whose form names a fresh case (made once per row).
const ON_A_FRESH_CASE: &[&str] = &[
    "cases/act",
    "cases/get",
    "cases/join",
    "cases/publication",
    "fund/repayment",
    "fund/write_off",
    "cases/identity",
    "cases/note",
    "cases/recuse",
    "cases/reassign",
];

/// How a row's cells are judged (see the file's comment).
#[derive(Clone, Copy)]
enum Judge {
    Gate,
    Hidden,
    Part(&'static str),
}
use Judge::{Gate, Hidden, Part};

/// The objects the forms name, made once per run.
struct Objects {
    /// M2's registration of a new business, pending.
    verification: i64,
    /// A counterfeit finding against A, published (its objection period over).
    published: i64,
    /// A finding against A still in its objection period.
    pending: i64,
    /// M's objection to another finding against A.
    request: i64,
    /// The black-list proposal for A.
    list: i64,
    /// A closed case nobody rated.
    unrated: i64,
    /// A closed, published case C and M rated.
    rated: i64,
    /// Per column, a fresh unverified account's verification token.
    verify: Vec<String>,
    /// Per column, the same account's password-reset token.
    reset: Vec<String>,
    /// The screening flag C2's filings raised (repeated narratives).
    screening: i64,
    /// A stored risk warning against A.
    risk_warning: i64,
    /// A mediator the admin rows act on.
    account: i64,
    /// An e-commerce platform, and a key of it.
    organisation: i64,
    api_key: i64,
    /// A webhook delivery of that platform (pending).
    delivery: i64,
    /// Per column, the link token of the same account's change to a new address.
    email_change: Vec<String>,
    /// A's pending staff invitation (withdrawn by its row).
    invitation: i64,
    /// A reply template of A's (rewritten, then deleted by its rows).
    template: i64,
    /// The link token of another pending invitation of A's (read by its row).
    invitation_token: String,
    /// A member of A's staff (removed by its row).
    staff_member: i64,
    /// Per column, the link token of an invitation of A's to a fresh address.
    join_tokens: Vec<String>,
}

/// What a builder knows of the cell.
struct Cell<'a> {
    w: &'a World,
    o: &'a Objects,
    caller: Option<R>,
    /// The index of the caller's column.
    column: usize,
    /// The row's fresh case (0 for rows in no `ON_A_FRESH_CASE`).
    case: i64,
}

/// A valid form for the row and the caller, made for each request (emails,
/// order references and idempotency keys are fresh each time).
type Build = fn(&Cell) -> Vec<(&'static str, String)>;

/// Endpoint, judge, expectation per column, form.
type Row = (&'static str, Judge, &'static str, Build);

#[rustfmt::skip]
const MATRIX: &[Row] = &[
    // An anonymous caller, C the consumer who files, C2 another consumer,
    // M merchant A's account, M2 merchant B's, mediators, arbitrators, the
    // regulator, the admin, the fund administrator.
    //                                                        anon
    //                                                        |C C2
    //                                                        ||| M M2
    //                                                        ||||| Med Med2
    //                                                        ||||||| Arb Arb2
    //                                                        ||||||||| Reg Adm Fund
    //                                                        ||||||||||||
    ("admin/calendar",              Gate,             "----------+-", none),
    ("admin/calendar/set",          Gate,             "----------+-", calendar_day),
    ("admin/create_staff",          Gate,             "----------+-", staff),
    ("admin/pii_log",               Gate,             "----------+-", none),
    ("auth/current_user",           Gate,             "++++++++++++", none),
    // The demo accounts: an empty list unless the server runs with demo data.
    ("auth/demo_accounts",          Gate,             "++++++++++++", none),
    ("auth/login",                  Gate,             "++++++++++++", login),
    // Signing out needs no session: without one it only clears the cookie.
    ("auth/logout",                 Gate,             "++++++++++++", none),
    ("auth/register",               Gate,             "++++++++++++", sign_up),
    ("auth/request_password_reset", Gate,             "++++++++++++", own_email),
    ("auth/resend_verification",    Gate,             "-+++++++++++", none),
    ("auth/reset_password",         Gate,             "++++++++++++", reset),
    ("auth/verify_email",           Gate,             "++++++++++++", verify),
    ("cases/act",                   Gate,             "-+-+--------", message),
    // The filing form's page: public (the draft only for its consumer).
    ("cases/filing-form",           Gate,             "++++++++++++", none),
    // The review of C's draft (made for the run); C2 keeps none (not_found).
    ("cases/filing-review",         Gate,             "-+----------", none),
    ("cases/follow-up",             Gate,             "-+-+--------", follow_up),
    ("cases/get",                   Gate,             "-+-+-+++++++", case_id),
    ("cases/join",                  Gate,             "-++---------", join),
    ("cases/list",                  Gate,             "-+++++++++++", my_cases),
    ("cases/note",                  Gate,             "-----+++++++", note),
    ("cases/publication",           Gate,             "-+----------", publish),
    ("cases/rate",                  Gate,             "-+-+--------", rating),
    // Nobody owns the fresh case: nobody may recuse (the owner's recusal is tested in `staff`).
    ("cases/recuse",                Gate,             "------------", recusal),
    // The fresh case awaits the merchant: the admin passes the gate, the rules refuse.
    ("cases/reassign",              Gate,             "----------+-", reassignment),
    ("cases/statistics",            Gate,             "-----+++++++", none),
    ("complaints/get",              Gate,             "++++++++++++", complaint_id),
    ("complaints/search",           Gate,             "++++++++++++", complaint_search),
    // Dashboards (issue 15): regulators and admins see every figure, fund
    // administrators the fund's months only.
    ("dashboard/fund",              Gate,             "---------+++", none),
    ("dashboard/load",              Gate,             "---------+++", none),
    // Development only: the mailbox holds every account's verification and
    // password-reset links. This server runs without demo data: nobody.
    ("dev/mailbox",                 Hidden,           "------------", none),
    ("fund/admin",                  Gate,             "-----------+", none),
    ("fund/deposit",                Gate,             "-----------+", deposit),
    // The figures are public; the account is its merchant's and the
    // staff's who keep or oversee the books (`GET /merchants/{id}/account`).
    ("fund/merchant",               Part("account"),  "---+-----+++", merchant_a),
    ("fund/public",                 Gate,             "++++++++++++", first_page),
    ("fund/repayment",              Gate,             "-----------+", case_movement),
    ("fund/top_up",                 Gate,             "-----------+", movement),
    ("fund/write_off",              Gate,             "-----------+", write_off),
    // The home page's figures and latest public records: public.
    ("home/view",                   Gate,             "++++++++++++", none),
    ("inbox/list",                  Gate,             "-+++++++++++", none),
    ("inbox/read",                  Gate,             "-+++++++++++", none),
    ("lists/public",                Gate,             "++++++++++++", black_list),
    ("merchants/commitment",        Gate,             "---+--------", commitment),
    ("merchants/mine",              Gate,             "---++-------", none),
    ("merchants/objection",         Gate,             "---+--------", objection),
    // The page is public; its owner section is for the account that answers for it.
    ("merchants/page",              Part("owner"),    "---+--------", merchant_a),
    ("merchants/register",          Gate,             "---++-------", register_business),
    ("merchants/repair",            Gate,             "---+--------", repair),
    ("merchants/search",            Gate,             "++++++++++++", merchant_search),
    ("merchants/suggest",           Gate,             "++++++++++++", suggest),
    ("regulator/finding",           Gate,             "---------+--", finding),
    ("regulator/list",              Gate,             "---------+--", list_decision),
    // The regulator's workspace; admins share its verification queue and
    // risk warnings (`regulator::Tab::for_role`).
    ("regulator/load",              Gate,             "---------++-", workspace),
    ("regulator/request",           Gate,             "---------+--", grant),
    ("regulator/verification",      Gate,             "---------++-", approve),
    ("site/info",                   Gate,             "++++++++++++", none),
    ("staff/workload",              Gate,             "-----++++-+-", none),
    // Real-name identity (实名认证): one's own, masked; consumers add
    // theirs (C2 sending C's number gets a conflict, past the gate); the
    // consumer's on a case for who may read it (`GET /cases/{id}/identity`).
    ("auth/identity",               Gate,             "-+++++++++++", none),
    ("auth/set_identity",           Gate,             "-++---------", identity),
    ("cases/identity",              Gate,             "-+-+-+++++++", case_id),
    // Professional-claimant screening: a consumer objects to their own
    // review (neither C nor C2 is under review: a conflict, past the gate);
    // a regulator decides the review C2's filings raised.
    ("screening/object",            Gate,             "-++---------", screening_objection),
    ("regulator/screening",         Gate,             "---------+--", screening_decision),
    // Risk warnings: regulators acknowledge them (`POST …/risk-warnings/{id}/acknowledge`).
    ("regulator/risk_ack",          Gate,             "---------+--", risk_ack),
    // Account administration (`/admin/accounts`): admins only; the forms
    // act on a mediator made for the run.
    ("admin/accounts",              Gate,             "----------+-", account_query),
    ("admin/set_status",            Gate,             "----------+-", deactivate),
    ("admin/set_role",              Gate,             "----------+-", new_role),
    ("admin/audit",                 Gate,             "----------+-", none),
    // The holder's own settings (`/account`). A new address is asked for
    // (nothing changes until its link is used); the link of a fresh
    // account per column confirms one, signed in or not; deleting is
    // refused after the gate for consumers with open cases and merchants
    // linked to a business, at the gate for staff. The password changes
    // last: the caller's session stays, and no later row signs in.
    ("account/change_email",        Gate,             "-+++++++++++", new_email),
    ("account/confirm_email",       Gate,             "++++++++++++", email_link),
    ("account/access_log",          Gate,             "-+++++++++++", none),
    ("account/delete",              Gate,             "-++++-------", password),
    ("account/change_password",     Gate,             "-+++++++++++", new_password),
    // A merchant's staff accounts (`/merchants/team`): main accounts manage
    // their own team (A's pending invitation and A's staff member, which
    // B's main account does not find); anyone reads an invitation by its
    // link and accepts one (a fresh address per column: a new account).
    ("team/view",                   Gate,             "---++-------", none),
    ("team/invite",                 Gate,             "---++-------", team_invite),
    ("team/revoke",                 Gate,             "---+--------", team_revoke),
    ("team/remove",                 Gate,             "---+--------", team_remove),
    ("team/invitation",             Gate,             "++++++++++++", team_invitation),
    ("team/join",                   Gate,             "++++++++++++", team_join),
    // Reply templates: every merchant account keeps its own business's.
    ("templates/list",              Gate,             "---++-------", none),
    ("templates/save",              Gate,             "---++-------", template_new),
    ("templates/delete",            Gate,             "---+--------", template_delete),
    // Organisations and their API keys (`/admin/organisations`): admins
    // only, as in `authz.rs`; the forms act on an e-commerce platform made
    // for the run and a key of it. A second creation of the same
    // organisation is a conflict after the gate.
    ("admin/organisations",         Gate,             "----------+-", none),
    ("admin/create_organisation",   Gate,             "----------+-", new_organisation),
    ("admin/organisation_status",   Gate,             "----------+-", org_active),
    ("admin/create_api_key",        Gate,             "----------+-", new_key),
    ("admin/new_api_key",           Gate,             "----------+-", none),
    ("admin/revoke_api_key",        Gate,             "----------+-", revoke_key),
    ("admin/organisation_calls",    Gate,             "----------+-", org_id),
    ("admin/organisation_webhooks", Gate,             "----------+-", org_id),
    ("admin/replay_webhook",        Gate,             "----------+-", replay_delivery),
];

fn team_invite(c: &Cell) -> Fields {
    let email = fresh_email(c.w, "staff.shop.cn");
    fields(&[("email", &email), ("name", "新员工")])
}

fn template_new(_: &Cell) -> Fields {
    fields(&[
        ("title", "退货地址"),
        ("text", "请寄回：上海市浦东新区演示路1号，售后部收。"),
    ])
}

fn template_delete(c: &Cell) -> Fields {
    fields(&[("id", &c.o.template.to_string())])
}

fn team_revoke(c: &Cell) -> Fields {
    fields(&[("id", &c.o.invitation.to_string())])
}

fn team_remove(c: &Cell) -> Fields {
    fields(&[("user_id", &c.o.staff_member.to_string())])
}

fn team_invitation(c: &Cell) -> Fields {
    fields(&[("token", &c.o.invitation_token)])
}

fn team_join(c: &Cell) -> Fields {
    fields(&[
        ("token", &c.o.join_tokens[c.column]),
        ("name", "新员工"),
        ("password", PASSWORD),
    ])
}

fn new_organisation(_: &Cell) -> Fields {
    fields(&[
        ("kind", "credit_platform"),
        ("name", "矩阵信用平台"),
        ("uscc", "91440300MA5D000028"),
        ("contact_email", "odr@matrix.example.cn"),
    ])
}

fn org_active(c: &Cell) -> Fields {
    fields(&[("id", &c.o.organisation.to_string()), ("active", "true")])
}

fn org_id(c: &Cell) -> Fields {
    fields(&[("id", &c.o.organisation.to_string())])
}

fn new_key(c: &Cell) -> Fields {
    fields(&[
        ("organisation", &c.o.organisation.to_string()),
        ("label", "矩阵"),
        ("cases_write", "on"),
    ])
}

fn replay_delivery(c: &Cell) -> Fields {
    fields(&[
        ("organisation", &c.o.organisation.to_string()),
        ("delivery", &c.o.delivery.to_string()),
    ])
}

fn revoke_key(c: &Cell) -> Fields {
    fields(&[("id", &c.o.api_key.to_string())])
}

fn account_query(_: &Cell) -> Fields {
    fields(&[("q", ""), ("role", "mediator"), ("before", "")])
}

fn deactivate(c: &Cell) -> Fields {
    fields(&[
        ("id", &c.o.account.to_string()),
        ("active", "false"),
        ("reason", "离职交接完毕，停用账号"),
    ])
}

fn new_role(c: &Cell) -> Fields {
    fields(&[
        ("id", &c.o.account.to_string()),
        ("role", "arbitrator"),
        ("reason", "岗位调整至仲裁庭"),
    ])
}

fn new_email(c: &Cell) -> Fields {
    let email = fresh_email(c.w, "example.cn");
    fields(&[("password", PASSWORD), ("email", &email)])
}

fn email_link(c: &Cell) -> Fields {
    fields(&[("token", &c.o.email_change[c.column])])
}

fn password(_: &Cell) -> Fields {
    fields(&[("password", PASSWORD)])
}

fn new_password(_: &Cell) -> Fields {
    fields(&[
        ("current_password", PASSWORD),
        ("new_password", "a new correct horse"),
    ])
}

fn identity(_: &Cell) -> Fields {
    fields(&[
        ("real_name", "王小明"),
        ("resident_id", "11010519491231002X"),
    ])
}

type Fields = Vec<(&'static str, String)>;

fn none(_: &Cell) -> Fields {
    vec![]
}

fn fields(pairs: &[(&'static str, &str)]) -> Fields {
    pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

fn fresh_email(w: &World, domain: &str) -> String {
    format!("{}@{domain}", w.next_ref().to_lowercase())
}

fn calendar_day(_: &Cell) -> Fields {
    // A Wednesday long after every deadline the other rows meet.
    fields(&[
        ("day", "2027-03-03"),
        ("kind", "holiday"),
        ("note", "测试假日"),
    ])
}

fn staff(c: &Cell) -> Fields {
    let email = fresh_email(c.w, "staff.gongdao.test");
    fields(&[
        ("email", &email),
        ("password", PASSWORD),
        ("display_name", "张仲裁"),
        ("role", "arbitrator"),
    ])
}

/// The caller's own address (anonymous: C's).
fn my_email<'a>(c: &Cell<'a>) -> &'a str {
    &c.w.who(c.caller.unwrap_or(R::C)).email
}

fn login(c: &Cell) -> Fields {
    // Each signs in as itself (sign-ins per account are rate limited).
    fields(&[("email", my_email(c)), ("password", PASSWORD)])
}

fn own_email(c: &Cell) -> Fields {
    fields(&[("email", my_email(c))])
}

fn sign_up(c: &Cell) -> Fields {
    let email = fresh_email(c.w, "example.cn");
    fields(&[
        ("email", &email),
        ("password", PASSWORD),
        ("display_name", "王小明"),
        ("role", "consumer"),
    ])
}

fn reset(c: &Cell) -> Fields {
    fields(&[
        ("token", &c.o.reset[c.column]),
        ("password", "a new correct horse"),
    ])
}

fn verify(c: &Cell) -> Fields {
    fields(&[("token", &c.o.verify[c.column])])
}

fn message(c: &Cell) -> Fields {
    fields(&[
        ("id", &c.case.to_string()),
        ("action", "message"),
        ("message", "请提供漏水部位的照片。"),
    ])
}

fn follow_up(c: &Cell) -> Fields {
    fields(&[
        ("id", &c.o.rated.to_string()),
        ("text", "后来又联系了客服，问题已解决。"),
    ])
}

fn case_id(c: &Cell) -> Fields {
    fields(&[("id", &c.case.to_string())])
}

fn join(c: &Cell) -> Fields {
    fields(&[
        ("id", &c.case.to_string()),
        ("order_ref", &c.w.next_ref()),
        ("order_date", "2026-11-02"),
        ("amount_paid", "1000.00"),
        ("amount_claimed", "800.00"),
    ])
}

fn note(c: &Cell) -> Fields {
    fields(&[
        ("id", &c.case.to_string()),
        ("note", "已电话联系商家客服，等待回复。"),
    ])
}

fn reassignment(c: &Cell) -> Fields {
    fields(&[
        ("id", &c.case.to_string()),
        ("to", &c.w.who(R::Med).id.to_string()),
        ("reason", "原承办人离职。"),
    ])
}

fn recusal(c: &Cell) -> Fields {
    fields(&[
        ("id", &c.case.to_string()),
        ("reason", "本人曾在该商家任职。"),
    ])
}

fn my_cases(_: &Cell) -> Fields {
    fields(&[("role_view", "mine"), ("status", "")])
}

fn publish(c: &Cell) -> Fields {
    fields(&[("id", &c.case.to_string()), ("publish", "true")])
}

fn rating(c: &Cell) -> Fields {
    let id = c.o.unrated.to_string();
    // The consumer gives stars; a merchant gives none, only text.
    match c.caller.map(R::role) {
        Some(domain::Role::Merchant) => fields(&[("id", &id), ("text", "已按约定全额退款。")]),
        _ => fields(&[
            ("id", &id),
            ("stars", "4"),
            ("text", "处理及时，退款到账。"),
        ]),
    }
}

fn complaint_id(c: &Cell) -> Fields {
    fields(&[("id", &c.o.rated.to_string())])
}

fn complaint_search(_: &Cell) -> Fields {
    fields(&[("params[q]", "洗衣机")])
}

fn deposit(c: &Cell) -> Fields {
    fields(&[
        ("merchant_id", &c.w.merchant_a.to_string()),
        ("direction", "in"),
        ("amount", "10.00"),
        ("idempotency_key", &c.w.next_ref()),
    ])
}

fn merchant_a(c: &Cell) -> Fields {
    fields(&[("id", &c.w.merchant_a.to_string())])
}

fn first_page(_: &Cell) -> Fields {
    fields(&[("page", "1")])
}

fn case_movement(c: &Cell) -> Fields {
    fields(&[
        ("case_id", &c.case.to_string()),
        ("amount", "10.00"),
        ("idempotency_key", &c.w.next_ref()),
    ])
}

fn movement(c: &Cell) -> Fields {
    fields(&[("amount", "10.00"), ("idempotency_key", &c.w.next_ref())])
}

fn write_off(c: &Cell) -> Fields {
    let mut f = case_movement(c);
    f.push(("reason", "商户已注销，无法追偿。".into()));
    f
}

fn black_list(_: &Cell) -> Fields {
    fields(&[("kind", "black")])
}

fn commitment(c: &Cell) -> Fields {
    fields(&[
        ("merchant_id", &c.w.merchant_a.to_string()),
        ("accept", "on"),
    ])
}

const REQUEST_TEXT: &str = "宣传用语已于检查前下架，且“最低价”有比价截图为证。";

fn objection(c: &Cell) -> Fields {
    fields(&[
        ("merchant_id", &c.w.merchant_a.to_string()),
        ("record_id", &c.o.pending.to_string()),
        ("text", REQUEST_TEXT),
        ("evidence", "比价截图说明"),
    ])
}

fn register_business(_: &Cell) -> Fields {
    let r = registration(USCC_UNKNOWN);
    let text = |k: &str| r[k].as_str().unwrap().to_string();
    let shops: Vec<&str> = r["shop_names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    vec![
        ("uscc", text("uscc")),
        ("name", text("name")),
        ("entity_type", text("entity_type")),
        ("kind", text("kind")),
        ("registered_address", text("registered_address")),
        ("business_scope", text("business_scope")),
        ("shop_names", shops.join("\n")),
        ("licence_valid_until", text("licence_valid_until")),
    ]
}

fn repair(c: &Cell) -> Fields {
    fields(&[
        ("merchant_id", &c.w.merchant_a.to_string()),
        ("record_id", &c.o.published.to_string()),
        ("text", REQUEST_TEXT),
        ("evidence", "比价截图说明"),
        ("renew_commitment", "on"),
    ])
}

fn merchant_search(_: &Cell) -> Fields {
    fields(&[("params[q]", "海淀")])
}

fn suggest(_: &Cell) -> Fields {
    fields(&[("q", "海淀")])
}

fn finding(c: &Cell) -> Fields {
    fields(&[
        ("merchant", &c.w.merchant_a.to_string()),
        ("kind", "false_advertising"),
        ("severity", "minor"),
        ("summary", "商品详情页宣称“全网最低价”，经核查与事实不符。"),
        ("evidence", "检查笔录"),
        ("occurred_on", "2026-11-10"),
    ])
}

fn list_decision(c: &Cell) -> Fields {
    fields(&[
        ("id", &c.o.list.to_string()),
        ("confirm", "false"),
        ("reason", "商户已召回全部批次"),
    ])
}

fn workspace(_: &Cell) -> Fields {
    fields(&[("tab", "")])
}

fn grant(c: &Cell) -> Fields {
    fields(&[
        ("id", &c.o.request.to_string()),
        ("grant", "false"),
        ("reason", "证据不足"),
    ])
}

fn approve(c: &Cell) -> Fields {
    fields(&[("id", &c.o.verification.to_string()), ("approve", "true")])
}

fn screening_objection(_: &Cell) -> Fields {
    fields(&[
        ("id", "1"),
        (
            "statement",
            "我是普通消费者，几次购买都是自用，内容相同是因为问题相同。",
        ),
    ])
}

fn screening_decision(c: &Cell) -> Fields {
    fields(&[
        ("id", &c.o.screening.to_string()),
        ("uphold", "false"),
        ("reason", "消费者说明合理，属于正常维权。"),
    ])
}

fn risk_ack(c: &Cell) -> Fields {
    fields(&[
        ("id", &c.o.risk_warning.to_string()),
        ("note", "已约谈商户负责人。"),
    ])
}

fn name(col: Option<R>) -> String {
    col.map_or("anonymous".into(), |r| format!("{r:?}"))
}

fn form(endpoint: &str, fields: &[(&str, String)]) -> Req {
    Req::server_fn(endpoint, fields)
}

/// What a server function answered.
enum Answer {
    /// Its value.
    Value(Value),
    /// An `AppError`, by kind.
    Error(String),
    /// Anything else (a router's 404, a panic's 500): never a server function's answer.
    Broken,
}

fn answer(r: &Resp) -> Answer {
    let json = serde_json::from_slice::<Value>(&r.body);
    match (r.header("serverfnerror").is_some(), json) {
        (true, Ok(v)) => v["kind"]
            .as_str()
            .map_or(Answer::Broken, |kind| Answer::Error(kind.to_string())),
        (false, Ok(v)) if r.status == 200 => Answer::Value(v),
        _ => Answer::Broken,
    }
}

/// The status and the start of the body, for a problem's line.
fn shown(r: &Resp) -> String {
    let text = r.text();
    let cut: String = text.chars().take(300).collect();
    let more = if cut.len() < text.len() { " …" } else { "" };
    format!("{} {cut}{more}", r.status)
}

/// The token of the newest mail to `email` with a `path` link.
fn mailed_token(w: &World, email: &str, path: &str) -> String {
    let mails = w.app.mail_to(email);
    let mail = mails
        .iter()
        .find(|m| m.message.body.contains(&format!("{path}?token=")))
        .unwrap_or_else(|| panic!("no {path} mail to {email}"));
    link_token(&mail.message.body, path)
}

/// The id of what a 201 answer created.
fn created(r: Resp) -> i64 {
    r.expect(201).json()["id"].as_i64().expect("an id")
}

async fn api(w: &World, path: &str, body: Value, r: R) -> Resp {
    w.app
        .send(
            Req::post(&format!("/api/v1{path}"))
                .json(&body)
                .bearer(w.token(r))
                .lang("en"),
        )
        .await
}

/// The objects the forms name (see the file's comment).
async fn objects(w: &World) -> Objects {
    let a = w.merchant_a;
    // M claims A (the fixture only linked the account), a regulator verifies
    // the claim: M answers for A as an account does in the product.
    let claim = created(register(w, R::M, &registration(USCC_A)).await);
    decide(w, R::Reg, claim, &json!({"approve": true}))
        .await
        .expect(200);
    // M2 registers a new business: the verification request is M2's.
    let verification = created(register(w, R::M2, &registration(USCC_UNKNOWN)).await);
    let (content_type, png) = multipart(PNG);
    w.app
        .send(
            Req::post(&format!(
                "/api/v1/merchants/verifications/{verification}/licence"
            ))
            .body(png)
            .header("content-type", &content_type)
            .bearer(w.token(R::M2)),
        )
        .await
        .expect(200);
    // A counterfeit finding against A (published once its objection period
    // is over, it proposes A for the black list), and a second finding M
    // objects to (the request).
    let counterfeit = json!({"kind": "counterfeit", "summary": "销售假冒品牌洗衣机，经鉴定为假冒产品。", "evidence": "鉴定报告", "occurred_on": "2026-11-01"});
    let records = format!("/regulator/merchants/{a}/records");
    let f = api(w, &records, counterfeit, R::Reg)
        .await
        .expect(201)
        .json();
    let advertising = json!({"kind": "false_advertising", "summary": "商品详情页宣称“全网最低价”，经核查与事实不符。", "occurred_on": "2026-11-10"});
    let g = created(api(w, &records, advertising.clone(), R::Reg).await);
    let request = created(
        api(
            w,
            &format!("/records/{g}/objection"),
            json!({"text": REQUEST_TEXT}),
            R::M,
        )
        .await,
    );
    w.set_now(instant(&f["objection_until"]) + Duration::minutes(1));
    services::cases::sweep::sweep(&w.app.svc, w.now())
        .await
        .unwrap();
    recompute(w).await;
    let proposals = w
        .app
        .send(Req::get("/api/v1/regulator/lists/proposals").bearer(w.token(R::Reg)))
        .await
        .expect(200)
        .json();
    let list = proposals["items"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no list proposal: {proposals}"));
    // A finding still in its objection period.
    let pending = created(api(w, &records, advertising, R::Reg).await);
    // Two closed cases: one nobody rated; one C and M rated, published.
    let unrated = w.case_at(Stage::Closed).await;
    let rated = w.case_at(Stage::Closed).await;
    let ratings = format!("/cases/{rated}/ratings");
    api(
        w,
        &ratings,
        json!({"stars": 2, "text": "退款拖了很久。"}),
        R::C,
    )
    .await
    .expect(201);
    api(w, &ratings, json!({"text": "已按约定全额退款。"}), R::M)
        .await
        .expect(201);
    crate::complaints::drain(w).await;
    // Per column, a fresh unverified account with a verification link and a
    // reset link (the reset asked from the column's own address: resets are
    // limited per address). Resetting verifies the address; the verification
    // link still works after it.
    let mut emails = vec![];
    for column in 0..COLUMNS.len() {
        let email = fresh_email(w, "example.cn");
        let account = services::accounts::NewUser {
            email: email.clone(),
            password: PASSWORD.into(),
            display_name: "赵六".into(),
            role: "consumer".into(),
            lang: domain::Lang::Zh,
        };
        let user = services::accounts::create_user(&w.app.svc, account, false)
            .await
            .unwrap();
        let ip = format!("10.1.{column}.1");
        services::accounts::request_password_reset(&w.app.svc, &email, &ip)
            .await
            .unwrap();
        let change = domain::accounts::EmailChangeInput {
            password: PASSWORD.into(),
            email: format!("new-{email}"),
        };
        services::accounts::own::request_email_change(&w.app.svc, &user, &change)
            .await
            .unwrap();
        emails.push(email);
    }
    w.app.deliver_mail().await;
    let tokens = |path| emails.iter().map(|e| mailed_token(w, e, path)).collect();
    let (verify, reset) = (tokens("/verify"), tokens("/reset"));
    let email_change = emails
        .iter()
        .map(|e| mailed_token(w, &format!("new-{e}"), "/account/email"))
        .collect();
    let account = created(api(
        w,
        "/admin/users",
        json!({"email": "matrix-target@staff.gongdao.test", "password": PASSWORD, "display_name": "调解员丙", "role": "mediator"}),
        R::Adm,
    )
    .await);
    // C2 files the same story against both merchants three times: a
    // screening flag (repeated narratives).
    for m in [w.merchant_a, w.merchant_b, w.merchant_a] {
        w.file_as(R::C2, &w.complaint(json!(m), &w.next_ref()))
            .await
            .expect(201);
    }
    let screening = services::cases::screening::queue(&w.app.svc, &staff_view(w, R::Reg))
        .await
        .unwrap()
        .first()
        .map(|f| i64::from(f.id))
        .expect("a screening flag");
    let risk_warning = crate::risk::stored_warning(w).await;
    // A's staff: a pending invitation, one to read, one member, and one
    // invitation per column to accept.
    let invite = |email: String| async move {
        api(
            w,
            "/merchants/team/invitations",
            json!({"email": email, "name": "员工"}),
            R::M,
        )
        .await
    };
    let invitation = created(invite("fn-revoke@shop.cn".into()).await);
    let template = created(
        api(
            w,
            "/merchants/templates",
            json!({"title": "退款时限", "text": "退款将在3个工作日内原路退回。"}),
            R::M,
        )
        .await,
    );
    invite("fn-read@shop.cn".into()).await.expect(201);
    let join_emails: Vec<String> = (0..COLUMNS.len())
        .map(|i| format!("fn-join-{i}@shop.cn"))
        .collect();
    for e in &join_emails {
        invite(e.clone()).await.expect(201);
    }
    let (staff_member, _) = crate::team::staff_member(w, R::M, "fn-staff@shop.cn", "员工甲").await;
    w.app.deliver_mail().await;
    let invitation_token = mailed_token(w, "fn-read@shop.cn", "/merchants/team/join");
    let join_tokens = join_emails
        .iter()
        .map(|e| mailed_token(w, e, "/merchants/team/join"))
        .collect();
    let organisation = created(
        api(
            w,
            "/admin/organisations",
            json!({"kind": "ecommerce_platform", "name": "矩阵商城", "uscc": "91440300MA5D000015", "contact_email": "odr@mall.example.cn"}),
            R::Adm,
        )
        .await,
    );
    let api_key = api(
        w,
        &format!("/admin/organisations/{organisation}/keys"),
        json!({"label": "矩阵", "scopes": ["cases:write"]}),
        R::Adm,
    )
    .await
    .expect(201)
    .json()["api_key"]["id"]
        .as_i64()
        .expect("a key id");
    let delivery = crate::webhooks::pending_delivery(w, organisation).await;
    // C's filing draft, for the review's row.
    crate::filing::save_draft(w, R::C, &[]).await;
    Objects {
        delivery,
        invitation,
        template,
        invitation_token,
        staff_member,
        join_tokens,
        organisation,
        api_key,
        risk_warning,
        account,
        email_change,
        screening,
        verification,
        published: f["id"].as_i64().unwrap(),
        pending,
        request,
        list,
        unrated,
        rated,
        verify,
        reset,
    }
}

/// The signed-in `r` as the services know it.
fn staff_view(w: &World, r: R) -> domain::UserView {
    domain::UserView {
        id: w.who(r).id as i32,
        email: w.who(r).email.clone(),
        display_name: String::new(),
        role: r.role(),
        lang: domain::Lang::Zh,
        email_verified: true,
    }
}

/// Whether the answer is the refusal `judge` expects of `caller`; `None`
/// when it is neither a refusal nor a pass (a broken answer, a wrong form).
fn refused(judge: Judge, caller: Option<R>, a: &Answer) -> Option<bool> {
    match (judge, a) {
        (_, Answer::Broken) => None,
        (Gate, Answer::Error(kind)) => match (caller, kind.as_str()) {
            (None, "unauthorized") | (Some(_), "forbidden" | "not_found") => Some(true),
            (_, "conflict" | "not_allowed") => Some(false),
            _ => None,
        },
        (Hidden, Answer::Error(kind)) => match kind.as_str() {
            "not_found" => Some(true),
            "conflict" | "not_allowed" => Some(false),
            _ => None,
        },
        (Gate | Hidden, Answer::Value(_)) => Some(false),
        // The public part answers everyone: any error is broken.
        (Part(_), Answer::Error(_)) => None,
        (Part(field), Answer::Value(v)) => Some(v[field].is_null()),
    }
}

backend_tests! {
    async fn every_server_function_refuses_and_allows_whom_the_matrix_says(app) {
        let started = std::time::Instant::now();
        let w = World::new(app).await;
        // The server functions this binary registered, as the router serves them.
        let mut registered = BTreeSet::new();
        let mut problems = vec![];
        for (path, method) in leptos::server_fn::axum::server_fn_paths() {
            let Some(endpoint) = path.strip_prefix("/api/") else {
                problems.push(format!("{path}: registered outside /api/"));
                continue;
            };
            if method != http::Method::POST {
                problems.push(format!("{endpoint}: registered for {method}, the matrix posts forms"));
            }
            registered.insert(endpoint.to_string());
        }
        let mut rows = BTreeSet::new();
        for (endpoint, _, expect, _) in MATRIX {
            assert_eq!(expect.chars().count(), COLUMNS.len(), "{endpoint}: {expect:?}");
            assert!(expect.chars().all(|c| c == '+' || c == '-'), "{endpoint}: {expect:?}");
            if !rows.insert(endpoint.to_string()) {
                problems.push(format!("{endpoint}: two rows"));
            }
        }
        for endpoint in registered.difference(&rows) {
            problems.push(format!("{endpoint}: a registered server function, no row in the matrix"));
        }
        for endpoint in rows.difference(&registered) {
            problems.push(format!("{endpoint}: a row in the matrix, no such server function"));
        }

        let o = objects(&w).await;
        let mut cells = 0;
        // Allowed cells that met a rule after the gate (shown, not failed).
        let mut after_gate = vec![];
        for &(endpoint, judge, expect, build) in MATRIX {
            if !registered.contains(endpoint) {
                continue;
            }
            let case = if ON_A_FRESH_CASE.contains(&endpoint) {
                w.file().await["id"].as_i64().unwrap()
            } else {
                0
            };
            let cols: Vec<(usize, bool)> = expect.chars().map(|c| c == '+').enumerate().collect();
            // Refused cells first, so that no refused attempt is what made an
            // allowed one fail, and the allowed roles' writes come last.
            let order = cols.iter().filter(|c| !c.1).chain(cols.iter().filter(|c| c.1));
            for &(column, allowed) in order {
                let caller = COLUMNS[column];
                // Each caller from its own address: sign-ins and resets are
                // rate limited by address, and one caller's attempts must not
                // throttle another's.
                let ip = format!("10.0.{column}.1");
                let token = match caller {
                    None => None,
                    // Signing out ends the session: sign out a fresh one.
                    Some(r) if endpoint == "auth/logout" => Some(
                        services::accounts::login(&w.app.svc, &w.who(r).email, PASSWORD, &ip)
                            .await
                            .unwrap()
                            .1,
                    ),
                    Some(r) => Some(w.token(r).to_string()),
                };
                let cell = Cell { w: &w, o: &o, caller, column, case };
                let mut req = form(endpoint, &build(&cell)).peer(&format!("{ip}:40000"));
                if let Some(token) = &token {
                    req = req.cookie(token);
                }
                let r = w.app.send(req).await;
                cells += 1;
                let a = answer(&r);
                let what = format!("{endpoint} as {}", name(caller));
                match refused(judge, caller, &a) {
                    None => problems.push(format!(
                        "{what}: expected {}, got neither a pass nor a refusal: {}",
                        if allowed { "allowed" } else { "refused" },
                        shown(&r)
                    )),
                    Some(true) if allowed => {
                        problems.push(format!("{what}: expected allowed, refused: {}", shown(&r)))
                    }
                    Some(false) if !allowed => {
                        problems.push(format!("{what}: expected refused, got through: {}", shown(&r)))
                    }
                    Some(_) => {
                        if let (true, Answer::Error(kind)) = (allowed, &a) {
                            after_gate.push(format!("{what}: {kind}"));
                        }
                    }
                }
            }
        }
        println!(
            "server functions: {} rows × {} columns = {cells} cells in {:.1} s; allowed, then a rule after the gate:\n  {}",
            MATRIX.len(),
            COLUMNS.len(),
            started.elapsed().as_secs_f64(),
            after_gate.join("\n  ")
        );
        assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
        assert_eq!(cells, MATRIX.len() * COLUMNS.len(), "every cell was tried");
    }

    async fn the_development_mailbox_opens_only_on_a_demo_server(app) {
        let mailbox = || form("dev/mailbox", &[]);
        // A server without demo data (the file backend is merely the default
        // when no SMTP server is configured): nobody reads its mail.
        app.register("c@example.cn", domain::Role::Consumer).await;
        assert_eq!(app.deliver_mail().await, 1);
        let r = app.send(mailbox()).await;
        assert!(matches!(answer(&r), Answer::Error(ref k) if k == "not_found"), "{}: {}", r.status, r.text());
        // A demo server (`cargo xtask run`, the browser tests): the mailbox is
        // how its users read their links.
        let demo = app.second_server_with(|c| c.demo_data = true).await;
        demo.register("d@example.cn", domain::Role::Consumer).await;
        assert_eq!(demo.deliver_mail().await, 1);
        let r = demo.send(mailbox()).await;
        match answer(&r) {
            Answer::Value(v) => assert_eq!(v[0]["to"], "d@example.cn", "{v}"),
            _ => panic!("{}: {}", r.status, r.text()),
        }
        demo.svc.db.clone().close().await.unwrap();
    }
}
