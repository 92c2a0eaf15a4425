//! The authorisation matrix of the JSON API, checked against the router:
//! every operation of `/api/v1/openapi.json` × anonymous and every role, on
//! objects the role owns and objects it does not. The expectations are one
//! table (`MATRIX`); the test fails on a leak (refused expected, the gate
//! let the caller through), on an over-refusal (allowed expected, refused),
//! on an operation of the document without a row (a new route without a row
//! fails the test) and on a row the document does not have.
//!
//! `+` allowed: the caller passed the gate, the status is none of 401, 403,
//! 404 (a 409 or 422 from the rules that follow is fine; a 5xx is not).
//! `-` refused: exactly 401 for anonymous (404 on a route the document marks
//! public, which asks for no credential: what it does not show the public
//! is hidden); 403 or 404 for a signed-in role (404 is how a case or a
//! request hides from who is not a party to it). The organisations' own
//! routes (`/platform/…`) take an API key, never a session: refused there is
//! exactly 401 for every column.
//!
//! The objects in paths: `/cases/{id}…` a fresh case filed by C against
//! merchant A, one per row; `/merchants/{id}…` merchant A (M answers for it,
//! M2 for merchant B); `/merchants/verifications/{id}…` and
//! `/regulator/verifications/{id}…` M2's registration of a new business;
//! `/records/{id}…` a regulator's finding against A; `/regulator/requests/{id}`
//! M's objection to another finding; `/lists/{id}…` and `/regulator/lists/{id}…`
//! the black-list proposal for A; `/regulator/ratings/{id}` C's rating of a
//! closed case; `/evidence/{id}` C's evidence on a fresh case;
//! `/complaints/{id}` a closed, published case;
//! `/regulator/risk-warnings/{id}…` a stored risk warning against A;
//! `/merchants/team/invitations/{id}` A's pending staff invitation and
//! `/merchants/team/members/{id}` a member of A's staff;
//! `/merchants/templates/{id}` a reply template of A (rewritten, then deleted);
//! `/cases/filing/draft/files/{id}` the file of C's filing draft.

use std::collections::BTreeSet;

use chrono::Duration;
use serde_json::{Value, json};

use crate::cases::{R, Stage, USCC_UNKNOWN, World, instant};
use crate::credit::{multipart, recompute, registration};
use crate::harness::{PASSWORD, Req, Resp, backend_tests, new_user};

/// The columns of the expectation strings, in order (the server
/// functions' matrix has the same).
pub(crate) const COLUMNS: [Option<R>; 12] = [
    None,
    Some(R::C),
    Some(R::C2),
    Some(R::M),
    Some(R::M2),
    Some(R::Med),
    Some(R::Med2),
    Some(R::Arb),
    Some(R::Arb2),
    Some(R::Reg),
    Some(R::Adm),
    Some(R::Fund),
];

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR authorisation matrix";

/// What a request carries.
enum Body {
    None,
    Json(Value),
    /// A PNG as the multipart field `file`.
    Png,
    /// A multipart body and its content type.
    Multipart(String, Vec<u8>),
}

/// The objects the paths name, made once per run.
struct Objects {
    evidence: i64,
    draft_file: i64,
    record: i64,
    request: i64,
    list: i64,
    rating: i64,
    verification: i64,
    complaint: i64,
    screening: i64,
    risk_warning: i64,
    account: i64,
    invitation: i64,
    staff_member: i64,
    template: i64,
    organisation: i64,
    api_key: i64,
}

/// A valid body for the row and the caller (`None`: anonymous), made for
/// each request (emails, order references and idempotency keys are fresh
/// each time).
type Build = fn(&World, &Objects, Option<R>) -> Body;

/// Method, path (as in the document), expectation per column, body.
type Row = (&'static str, &'static str, &'static str, Build);

#[rustfmt::skip]
const MATRIX: &[Row] = &[
    // An anonymous caller, C the consumer who files, C2 another consumer,
    // M merchant A's account, M2 merchant B's, mediators, arbitrators, the
    // regulator, the admin, the fund administrator.
    //                                                      anon
    //                                                      |C C2
    //                                                      ||| M M2
    //                                                      ||||| Med Med2
    //                                                      ||||||| Arb Arb2
    //                                                      ||||||||| Reg Adm Fund
    //                                                      ||||||||||||
    ("get",    "/admin/pii-log",                           "----------+-", none),
    ("post",   "/admin/users",                             "----------+-", staff),
    ("get",    "/cases",                                   "-+++++++++++", none),
    ("post",   "/cases",                                   "-++---------", complaint),
    ("post",   "/cases/filing",                            "-++---------", filing),
    // The filing draft (issue 16): C keeps one (with a file), C2 none (404);
    // discarding is every consumer's own (C2's: nothing to discard, 204).
    // The DELETE row comes after the GET rows, which read C's draft.
    ("get",    "/cases/filing/draft",                      "-+----------", none),
    ("get",    "/cases/filing/draft/files/{id}",           "-+----------", none),
    ("delete", "/cases/filing/draft",                      "-++---------", none),
    ("get",    "/statistics/cases",                        "-----+++++++", none),
    ("get",    "/staff/workload",                          "-----++++-+-", none),
    ("get",    "/cases/{id}",                              "-+-+-+++++++", none),
    ("post",   "/cases/{id}/actions",                      "-+-+--------", message),
    ("post",   "/cases/{id}/notes",                        "-----+++++++", note),
    // The fresh case has no owner: nobody may recuse from it (the owner's
    // recusal is tested in `staff`).
    ("post",   "/cases/{id}/recuse",                       "------------", recusal),
    // The fresh case awaits the merchant: the admin passes the gate and the
    // rules refuse (409); the reassignment itself is tested in `staff`.
    ("post",   "/cases/{id}/reassignment",                 "----------+-", reassignment),
    ("get",    "/cases/{id}/evidence",                     "-+-+-+++++++", none),
    ("post",   "/cases/{id}/evidence",                     "-+-+--------", png),
    ("post",   "/cases/{id}/join",                         "-++---------", join),
    ("post",   "/cases/{id}/publication",                  "-+----------", publish),
    ("get",    "/cases/{id}/ratings",                      "-+-+-+++++++", none),
    ("post",   "/cases/{id}/ratings",                      "-+-+--------", rating),
    ("post",   "/cases/{id}/ratings/follow-up",            "-+-+--------", follow_up),
    ("post",   "/cases/{id}/repayment",                    "-----------+", movement),
    ("get",    "/cases/{id}/trail",                        "-+-+-+++++++", none),
    ("get",    "/cases/{id}/trail/verify",                 "-+-+-+++++++", none),
    ("post",   "/cases/{id}/write-off",                    "-----------+", write_off),
    ("get",    "/complaints",                              "++++++++++++", none),
    ("get",    "/complaints/{id}",                         "++++++++++++", none),
    ("get",    "/evidence/{id}",                           "-+-+-+++++++", none),
    // The bulk export is the regulators' (for the national credit system).
    ("get",    "/export/credit",                           "---------+--", none),
    ("get",    "/fund/ledger",                             "++++++++++++", none),
    ("get",    "/fund/summary",                            "++++++++++++", none),
    ("post",   "/fund/top-up",                             "-----------+", movement),
    ("get",    "/lists/black",                             "++++++++++++", none),
    ("get",    "/lists/red",                               "++++++++++++", none),
    ("post",   "/lists/{id}/objection",                    "---+--------", objection),
    ("get",    "/me",                                      "-+++++++++++", none),
    ("get",    "/merchants",                               "++++++++++++", none),
    ("post",   "/merchants",                               "---++-------", register_business),
    ("get",    "/merchants/suggest",                       "++++++++++++", none),
    ("get",    "/merchants/verifications",                 "---++----++-", none),
    ("get",    "/merchants/verifications/{id}",            "----+----++-", none),
    // Public once verified; the pending one hides from the public with 404.
    ("get",    "/merchants/verifications/{id}/licence",    "----+----++-", none),
    ("post",   "/merchants/verifications/{id}/licence",    "----+-------", png),
    ("get",    "/merchants/{id}",                          "++++++++++++", none),
    ("get",    "/merchants/{id}/account",                  "---+-----+++", none),
    ("post",   "/merchants/{id}/commitment",               "---+--------", accept),
    ("get",    "/merchants/{id}/complaints/open",          "++++++++++++", none),
    ("post",   "/merchants/{id}/deposit",                  "-----------+", movement),
    ("post",   "/merchants/{id}/deposit/withdraw",         "-----------+", movement),
    ("get",    "/merchants/{id}/ratings",                  "++++++++++++", none),
    ("get",    "/merchants/{id}/records",                  "++++++++++++", none),
    ("get",    "/notifications",                           "-+++++++++++", none),
    ("post",   "/notifications/read",                      "-+++++++++++", none),
    ("get",    "/openapi.json",                            "++++++++++++", none),
    // Regulators' queue; admins read it too (services::credit::due_process::list).
    ("get",    "/records/requests",                        "---++----++-", none),
    ("post",   "/records/{id}/objection",                  "---+--------", record_request),
    ("post",   "/records/{id}/repair",                     "---+--------", record_request),
    // Dashboards and exports (issue 15): the figures for regulators and
    // admins, the fund's months only for fund administrators; the case and
    // complaint-record exports for regulators only, like the credit export.
    ("get",    "/regulator/dashboard",                     "---------+++", none),
    ("get",    "/regulator/export/cases",                  "---------+--", none),
    ("get",    "/regulator/export/complaints",             "---------+--", none),
    ("get",    "/regulator/lists/proposals",               "---------+--", none),
    ("post",   "/regulator/lists/{id}/decision",           "---------+--", list_decision),
    ("post",   "/regulator/merchants/{id}/records",        "---------+--", finding),
    ("post",   "/regulator/ratings/{id}/hide",             "---------+--", hide),
    ("post",   "/regulator/requests/{id}/decision",        "---------+--", grant),
    // Documented: "Regulators and admins"; only regulators acknowledge.
    ("get",    "/regulator/risk-warnings",                 "---------++-", none),
    ("post",   "/regulator/risk-warnings/{id}/acknowledge", "---------+--", risk_ack),
    // Documented: "Regulator or admin" (admins share the verification queue).
    ("post",   "/regulator/verifications/{id}/decision",   "---------++-", approve),
    // Signing out needs no session: without one it is a no-op (204).
    ("delete", "/session",                                 "++++++++++++", none),
    ("post",   "/session",                                 "++++++++++++", login),
    ("post",   "/users",                                   "++++++++++++", sign_up),
    // Real-name identity (实名认证): consumers add their own (a second
    // account with the same number gets 409, which passed the gate); who
    // may read the case sees it, masked unless staff give a reason.
    ("get",    "/cases/{id}/identity",                     "-+-+-+++++++", none),
    ("put",    "/users/me/identity",                       "-++---------", identity),
    // Case bundles (issue 14): whoever may read the case, as for reading it.
    ("get",    "/cases/{id}/bundle",                       "-+-+-+++++++", none),
    // Professional-claimant screening: consumers see and object to their
    // own (C has no flag: 409, past the gate); regulators decide the flag
    // C2's filings raised. Merchants never see it.
    ("get",    "/screening",                               "-++---------", none),
    ("post",   "/screening/objection",                     "-++---------", screening_objection),
    ("get",    "/regulator/screening",                     "---------+--", none),
    ("post",   "/regulator/screening/{id}/decision",       "---------+--", screening_decision),
    // Account administration (issue 15): admins only; `/admin/users/{id}`
    // is a mediator made for the run.
    ("get",    "/admin/users",                             "----------+-", none),
    ("post",   "/admin/users/{id}/status",                 "----------+-", deactivate),
    ("put",    "/admin/users/{id}/role",                   "----------+-", new_role),
    ("get",    "/admin/audit",                             "----------+-", none),
    // The holder's own settings. The bodies fail the rules after the gate
    // (the same password again, an address that is none), so no account
    // changes under the matrix; deleting is refused after the gate for
    // consumers with open cases and merchants linked to a business (409),
    // and for staff at the gate.
    ("put",    "/users/me/password",                       "-+++++++++++", same_password),
    ("put",    "/users/me/email",                          "-+++++++++++", no_address),
    ("post",   "/users/email-confirmation",                "++++++++++++", made_up_token),
    ("get",    "/users/me/access-log",                     "-+++++++++++", none),
    ("delete", "/users/me",                                "-++++-------", password),
    // A merchant's staff accounts: main accounts (M for A, M2 for B) manage
    // their own team; `{id}`s are A's pending invitation and A's staff
    // member, which B's main account does not find (404). Joining is public:
    // a made-up token is a 422 for anyone.
    ("get",    "/merchants/team",                          "---++-------", none),
    ("post",   "/merchants/team/invitations",              "---++-------", invitation),
    ("delete", "/merchants/team/invitations/{id}",         "---+--------", none),
    ("delete", "/merchants/team/members/{id}",             "---+--------", none),
    ("post",   "/merchants/team/join",                     "++++++++++++", made_up_token),
    // Reply templates: every merchant account keeps its own business's.
    ("get",    "/merchants/templates",                     "---++-------", none),
    ("post",   "/merchants/templates",                     "---++-------", template),
    ("put",    "/merchants/templates/{id}",                "---+--------", template),
    ("delete", "/merchants/templates/{id}",                "---+--------", none),
    // Platforms as participants (issue 15.2): organisations, their keys and
    // their calls are the admins'; `/admin/organisations/{id}…` is an
    // e-commerce platform made for the run, `/admin/api-keys/{id}…` a key of
    // it. `/platform/…` takes only an organisation's API key, so every
    // column here is refused (401: a session is no key); keys and scopes
    // are tried in tests/it/platforms.rs.
    ("get",    "/admin/organisations",                     "----------+-", none),
    ("post",   "/admin/organisations",                     "----------+-", new_organisation),
    ("post",   "/admin/organisations/{id}/status",         "----------+-", org_active),
    ("post",   "/admin/organisations/{id}/keys",           "----------+-", new_key),
    ("get",    "/admin/organisations/{id}/calls",          "----------+-", none),
    ("post",   "/admin/api-keys/{id}/revocation",          "----------+-", none),
    ("post",   "/platform/complaints",                     "------------", none),
    ("get",    "/platform/cases",                          "------------", none),
    ("get",    "/platform/credit",                         "------------", none),
    // Webhooks (keys with webhooks:manage only; tests/it/webhooks.rs).
    ("post",   "/platform/webhooks",                       "------------", none),
    ("get",    "/platform/webhooks",                       "------------", none),
    ("delete", "/platform/webhooks/{id}",                  "------------", none),
    ("post",   "/platform/webhooks/{id}/secret-rotation",  "------------", none),
    ("get",    "/platform/webhooks/deliveries",            "------------", none),
    ("post",   "/platform/webhooks/deliveries/{id}/replay", "------------", none),
];

fn invitation(w: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(
        json!({"email": format!("{}@staff.shop.cn", w.next_ref().to_lowercase()), "name": "新员工"}),
    )
}

fn new_organisation(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(
        json!({"kind": "credit_platform", "name": "矩阵信用平台", "uscc": "91440300MA5D000028", "contact_email": "odr@matrix.example.cn"}),
    )
}

fn org_active(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"active": true}))
}

fn new_key(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"label": "矩阵", "scopes": ["cases:write"]}))
}

fn deactivate(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"active": false, "reason": "离职交接完毕，停用账号"}))
}

fn new_role(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"role": "arbitrator", "reason": "岗位调整至仲裁庭"}))
}

fn same_password(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"current_password": PASSWORD, "new_password": PASSWORD}))
}

fn no_address(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"password": PASSWORD, "email": "not an address"}))
}

fn made_up_token(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"token": "made-up"}))
}

fn password(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"password": PASSWORD}))
}

fn identity(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"real_name": "王小明", "resident_id": "11010519491231002X"}))
}

fn risk_ack(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"note": "已约谈商户负责人。"}))
}

fn none(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::None
}

fn png(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Png
}

fn staff(w: &World, _: &Objects, _: Option<R>) -> Body {
    let email = format!("{}@staff.gongdao.test", w.next_ref().to_lowercase());
    Body::Json(
        json!({"email": email, "password": PASSWORD, "display_name": "张仲裁", "role": "arbitrator"}),
    )
}

fn sign_up(w: &World, _: &Objects, _: Option<R>) -> Body {
    let email = format!("{}@example.cn", w.next_ref().to_lowercase());
    Body::Json(new_user(&email, "consumer"))
}

fn login(w: &World, _: &Objects, caller: Option<R>) -> Body {
    // Each signs in as itself (sign-ins per account are rate limited).
    let me = caller.unwrap_or(R::C);
    Body::Json(json!({"email": w.who(me).email, "password": PASSWORD}))
}

fn complaint(w: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(w.complaint(json!(w.merchant_a), &w.next_ref()))
}

/// A complaint against A with a PNG, as the filing page's form.
fn filing(w: &World, _: &Objects, _: Option<R>) -> Body {
    let (ct, body) = crate::filing::form(
        &crate::filing::fields(w.merchant_a, &w.next_ref()),
        &[("照片.png", PNG)],
    );
    Body::Multipart(ct, body)
}

fn message(w: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(w.body("message", Stage::AwaitingMerchant))
}

fn note(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"note": "商家客服电话已核实，下周一再联系。"}))
}

fn template(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(
        json!({"title": "退货地址", "text": "请寄回：上海市浦东新区演示路1号，收件人：售后部。"}),
    )
}

fn reassignment(w: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"to": w.who(R::Med).id, "reason": "原承办人离职。"}))
}

fn recusal(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"reason": "本人曾在该商家任职。"}))
}

fn join(w: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(
        json!({"order_ref": w.next_ref(), "order_date": "2026-11-02", "amount_paid_fen": 100_000, "amount_claimed_fen": 80_000}),
    )
}

fn publish(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"publish": true}))
}

fn rating(_: &World, _: &Objects, caller: Option<R>) -> Body {
    // The consumer gives stars; a merchant gives none, only text.
    match caller.map(R::role) {
        Some(domain::Role::Merchant) => Body::Json(json!({"text": "已按约定全额退款。"})),
        _ => Body::Json(json!({"stars": 4, "text": "处理及时，退款到账。"})),
    }
}

fn follow_up(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"text": "后来又联系了客服，问题已解决。"}))
}

fn movement(w: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"amount_fen": 1_000, "idempotency_key": w.next_ref()}))
}

fn write_off(w: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(
        json!({"amount_fen": 1_000, "idempotency_key": w.next_ref(), "reason": "商户已注销，无法追偿。"}),
    )
}

fn objection(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"text": "涉案商品系供应商调包，我司已报警并召回全部批次。"}))
}

fn register_business(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(registration(USCC_UNKNOWN))
}

fn accept(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"accept": true}))
}

fn record_request(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(
        json!({"text": "宣传用语已于检查前下架，且“最低价”有比价截图为证。", "evidence": "比价截图说明", "renew_commitment": true}),
    )
}

fn list_decision(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"confirm": false, "reason": "商户已召回全部批次"}))
}

fn finding(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(finding_body())
}

fn finding_body() -> Value {
    json!({"kind": "false_advertising", "summary": "商品详情页宣称“全网最低价”，经核查与事实不符。", "occurred_on": "2026-11-10"})
}

fn hide(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"reason": "含有他人个人信息"}))
}

fn grant(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"grant": false, "reason": "证据不足"}))
}

fn approve(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"approve": true}))
}

fn screening_objection(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"statement": "我是普通消费者，三次购买都是自用，内容相同是因为问题相同。"}))
}

fn screening_decision(_: &World, _: &Objects, _: Option<R>) -> Body {
    Body::Json(json!({"uphold": false, "reason": "消费者说明合理，属于正常维权。"}))
}

fn name(col: Option<R>) -> String {
    col.map_or("anonymous".into(), |r| format!("{r:?}"))
}

async fn post(w: &World, path: String, body: Value, token: Option<&str>) -> Resp {
    send(w, "post", &path, Body::Json(body), token).await
}

async fn send(w: &World, method: &str, path: &str, body: Body, token: Option<&str>) -> Resp {
    w.app.send(request(method, path, body, token)).await
}

fn request(method: &str, path: &str, body: Body, token: Option<&str>) -> Req {
    let uri = format!("/api/v1{path}");
    let mut req = match method {
        "get" => Req::get(&uri),
        "post" => Req::post(&uri),
        "delete" => Req::delete(&uri),
        "put" => Req::new(axum::http::Method::PUT, &uri),
        other => panic!("no method {other}"),
    };
    req = match body {
        Body::None => req,
        Body::Json(v) => req.json(&v),
        Body::Png => {
            let (content_type, b) = multipart(PNG);
            req.body(b).header("content-type", &content_type)
        }
        Body::Multipart(content_type, b) => req.body(b).header("content-type", &content_type),
    };
    if let Some(token) = token {
        req = req.bearer(token);
    }
    req.lang("en")
}

/// The id of what a 201 answer created.
fn created(r: Resp) -> i64 {
    r.expect(201).json()["id"].as_i64().expect("an id")
}

/// The objects the paths name (see the file's comment).
async fn objects(w: &World) -> Objects {
    let reg = Some(w.token(R::Reg));
    let a = w.merchant_a;
    // M2 registers a new business: the verification request is M2's.
    let verification = created(
        post(
            w,
            "/merchants".into(),
            registration(USCC_UNKNOWN),
            Some(w.token(R::M2)),
        )
        .await,
    );
    let licence = format!("/merchants/verifications/{verification}/licence");
    send(w, "post", &licence, Body::Png, Some(w.token(R::M2)))
        .await
        .expect(200);
    // A counterfeit finding against A (published once its objection period
    // is over, it proposes A for the black list), and a second finding M
    // objects to (the request).
    let counterfeit = json!({"kind": "counterfeit", "summary": "销售假冒品牌洗衣机，经鉴定为假冒产品。", "evidence": "鉴定报告", "occurred_on": "2026-11-01"});
    let records = format!("/regulator/merchants/{a}/records");
    let f = post(w, records.clone(), counterfeit, reg)
        .await
        .expect(201)
        .json();
    let record = f["id"].as_i64().unwrap();
    let g = post(w, records, finding_body(), reg)
        .await
        .expect(201)
        .json();
    let request = created(
        post(
            w,
            format!("/records/{}/objection", g["id"]),
            json!({"text": "宣传用语已于检查前下架，且“最低价”有比价截图为证。"}),
            Some(w.token(R::M)),
        )
        .await,
    );
    w.set_now(instant(&f["objection_until"]) + Duration::minutes(1));
    services::cases::sweep::sweep(&w.app.svc, w.now())
        .await
        .unwrap();
    recompute(w).await;
    let proposals = send(w, "get", "/regulator/lists/proposals", Body::None, reg)
        .await
        .expect(200)
        .json();
    let list = proposals["items"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no list proposal: {proposals}"));
    // A closed case, published, that C rated.
    let closed = w.case_at(Stage::Closed).await;
    crate::complaints::drain(w).await;
    let rating = created(
        post(
            w,
            format!("/cases/{closed}/ratings"),
            json!({"stars": 2, "text": "退款拖了很久。"}),
            Some(w.token(R::C)),
        )
        .await,
    );
    // C's evidence on a fresh case.
    let case = w.file().await["id"].as_i64().unwrap();
    let evidence = created(
        send(
            w,
            "post",
            &format!("/cases/{case}/evidence"),
            Body::Png,
            Some(w.token(R::C)),
        )
        .await,
    );
    // C2 files the same story against both merchants three times: a
    // screening flag (repeated narratives).
    for m in [w.merchant_a, w.merchant_b, w.merchant_a] {
        w.file_as(R::C2, &w.complaint(json!(m), &w.next_ref()))
            .await
            .expect(201);
    }
    let queue = send(w, "get", "/regulator/screening", Body::None, reg)
        .await
        .expect(200)
        .json();
    let screening = queue["items"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no screening flag: {queue}"));
    let risk_warning = crate::risk::stored_warning(w).await;
    // A mediator the admin rows act on.
    let account = created(
        post(
            w,
            "/admin/users".into(),
            json!({"email": "matrix-target@staff.gongdao.test", "password": PASSWORD, "display_name": "调解员丙", "role": "mediator"}),
            Some(w.token(R::Adm)),
        )
        .await,
    );
    // A's pending invitation, and a member of A's staff.
    let invitation = created(
        post(
            w,
            "/merchants/team/invitations".into(),
            json!({"email": "matrix-invitee@shop.cn", "name": "待加入"}),
            Some(w.token(R::M)),
        )
        .await,
    );
    let (staff_member, _) =
        crate::team::staff_member(w, R::M, "matrix-staff@shop.cn", "员工甲").await;
    let template = created(
        post(
            w,
            "/merchants/templates".into(),
            json!({"title": "退款时限", "text": "退款将在3个工作日内原路退回。"}),
            Some(w.token(R::M)),
        )
        .await,
    );
    // An e-commerce platform and a key of it.
    let organisation = created(
        post(
            w,
            "/admin/organisations".into(),
            json!({"kind": "ecommerce_platform", "name": "矩阵商城", "uscc": "91440300MA5D000015", "contact_email": "odr@mall.example.cn"}),
            Some(w.token(R::Adm)),
        )
        .await,
    );
    let api_key = post(
        w,
        format!("/admin/organisations/{organisation}/keys"),
        json!({"label": "矩阵", "scopes": ["cases:write", "cases:read:own"]}),
        Some(w.token(R::Adm)),
    )
    .await
    .expect(201)
    .json()["api_key"]["id"]
        .as_i64()
        .expect("a key id");
    // C's filing draft, with a file.
    let draft = crate::filing::save_draft(w, R::C, &[("照片.png", PNG)]).await;
    let draft_file = draft["files"][0]["id"].as_i64().expect("a draft file");
    Objects {
        draft_file,
        invitation,
        staff_member,
        template,
        organisation,
        api_key,
        risk_warning,
        account,
        screening,
        evidence,
        record,
        request,
        list,
        rating,
        verification,
        complaint: closed,
    }
}

/// The path with its `{id}` filled in (a fresh case for `/cases/{id}…`).
async fn concrete(w: &World, o: &Objects, path: &str) -> String {
    if !path.contains("{id}") {
        return path.to_string();
    }
    let id = if path.starts_with("/merchants/team/invitations/") {
        o.invitation
    } else if path.starts_with("/merchants/team/members/") {
        o.staff_member
    } else if path.starts_with("/merchants/templates/") {
        o.template
    } else if path.starts_with("/cases/filing/draft/files/") {
        o.draft_file
    } else if path.starts_with("/cases/") {
        w.file().await["id"].as_i64().unwrap()
    } else if path.starts_with("/merchants/verifications/")
        || path.starts_with("/regulator/verifications/")
    {
        o.verification
    } else if path.starts_with("/merchants/") || path.starts_with("/regulator/merchants/") {
        w.merchant_a
    } else if path.starts_with("/evidence/") {
        o.evidence
    } else if path.starts_with("/records/") {
        o.record
    } else if path.starts_with("/regulator/requests/") {
        o.request
    } else if path.starts_with("/lists/") || path.starts_with("/regulator/lists/") {
        o.list
    } else if path.starts_with("/regulator/ratings/") {
        o.rating
    } else if path.starts_with("/complaints/") {
        o.complaint
    } else if path.starts_with("/regulator/screening/") {
        o.screening
    } else if path.starts_with("/regulator/risk-warnings/") {
        o.risk_warning
    } else if path.starts_with("/admin/users/") {
        o.account
    } else if path.starts_with("/admin/organisations/") {
        o.organisation
    } else if path.starts_with("/admin/api-keys/") {
        o.api_key
    } else if path.starts_with("/platform/") {
        // Refused at the gate (a session is no key) whatever the id.
        1
    } else {
        panic!("no object for {path}")
    };
    path.replace("{id}", &id.to_string())
}

backend_tests! {
    async fn every_operation_of_the_api_refuses_and_allows_whom_the_matrix_says(app) {
        let w = World::new(app).await;
        let doc = w.app.send(Req::get("/api/v1/openapi.json")).await.expect(200).json();
        let mut documented = BTreeSet::new();
        // The operations the document marks public (no `security`).
        let mut public = BTreeSet::new();
        for (path, ops) in doc["paths"].as_object().unwrap() {
            for (method, op) in ops.as_object().unwrap() {
                documented.insert((method.to_lowercase(), path.clone()));
                if op.get("security").is_none() {
                    public.insert((method.to_lowercase(), path.clone()));
                }
            }
        }
        let mut problems = vec![];
        let mut rows = BTreeSet::new();
        for (method, path, expect, _) in MATRIX {
            assert_eq!(expect.chars().count(), COLUMNS.len(), "{method} {path}: {expect:?}");
            assert!(expect.chars().all(|c| c == '+' || c == '-'), "{method} {path}: {expect:?}");
            if !rows.insert((method.to_string(), path.to_string())) {
                problems.push(format!("{} {path}: two rows", method.to_uppercase()));
            }
        }
        for (method, path) in documented.difference(&rows) {
            problems.push(format!("{} {path}: in the OpenAPI document, no row in the matrix", method.to_uppercase()));
        }
        for (method, path) in rows.difference(&documented) {
            problems.push(format!("{} {path}: a row in the matrix, not in the OpenAPI document", method.to_uppercase()));
        }

        let o = objects(&w).await;
        let mut cells = 0;
        for (method, path, expect, build) in MATRIX {
            if !documented.contains(&(method.to_string(), path.to_string())) {
                continue;
            }
            let uri = concrete(&w, &o, path).await;
            let is_public = public.contains(&(method.to_string(), path.to_string()));
            let cols: Vec<(Option<R>, bool)> =
                COLUMNS.iter().copied().zip(expect.chars().map(|c| c == '+')).collect();
            // Refused cells first, so that no refused attempt is what made an
            // allowed one fail, and the allowed roles' writes come last.
            let order = cols.iter().filter(|c| !c.1).chain(cols.iter().filter(|c| c.1));
            for &(col, allowed) in order {
                let fresh;
                let token = match col {
                    None => None,
                    // Signing out ends the session: sign out a fresh one.
                    Some(r) if *path == "/session" && *method == "delete" => {
                        fresh = w.app.login(&w.who(r).email).await;
                        Some(fresh.as_str())
                    }
                    Some(r) => Some(w.token(r)),
                };
                // Each caller from its own address: sign-ins are rate limited
                // by address, and one caller's attempts must not throttle another's.
                let column = COLUMNS.iter().position(|c| *c == col).unwrap();
                let req = request(method, &uri, build(&w, &o, col), token)
                    .peer(&format!("10.0.{column}.1:40000"));
                let r = w.app.send(req).await;
                let status = r.status.as_u16();
                cells += 1;
                let refused = match col {
                    // A public route asks for no credential: what it does
                    // not show the public is hidden, 404.
                    None => status == 401 || (is_public && status == 404),
                    // The organisations' routes take no session at all.
                    Some(_) if path.starts_with("/platform/") => status == 401,
                    Some(_) => status == 403 || status == 404,
                };
                let gated = matches!(status, 401 | 403 | 404);
                let what = format!("{} {path} as {}", method.to_uppercase(), name(col));
                if allowed && (gated || status >= 500) {
                    problems.push(format!("{what}: expected allowed, got {status} {}", r.text()));
                } else if !allowed && !refused {
                    problems.push(format!("{what}: expected refused, got {status}"));
                }
            }
        }
        assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
        assert_eq!(cells, MATRIX.len() * COLUMNS.len(), "every cell was tried");
    }
}
