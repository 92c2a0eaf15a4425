//! A consumer's real-name identity (实名认证): adding it (each kind of
//! wrong number named), one person to one account (409), the number masked
//! in every answer and never in clear in the database, staff revealing it
//! only with a logged reason, the case steps the configuration keeps for
//! consumers with an identity, and the personal-data key every server
//! over one database must share.

use domain::identity::{GuardedStep, check_char};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::cases::{R, Stage, World, deadline, instant};
use crate::harness::{Req, Resp, TestApp, backend_tests};

/// A valid number from its first 17 digits.
fn number(first17: &str) -> String {
    format!("{first17}{}", check_char(first17.as_bytes()))
}

/// Zhejiang, Hangzhou, born 1990-01-01.
fn n1() -> String {
    number("33010619900101123")
}

/// Beijing, born 1985-06-15.
fn n2() -> String {
    number("11010519850615002")
}

async fn put(w: &World, r: R, body: &Value) -> Resp {
    w.app
        .send(
            Req::new(axum::http::Method::PUT, "/api/v1/users/me/identity")
                .json(body)
                .bearer(w.token(r))
                .lang("en"),
        )
        .await
}

async fn me(w: &World, r: R) -> Value {
    w.app
        .send(Req::get("/api/v1/me").bearer(w.token(r)))
        .await
        .expect(200)
        .json()
}

async fn get(w: &World, r: R, uri: &str) -> Value {
    w.app
        .send(Req::get(uri).bearer(w.token(r)))
        .await
        .expect(200)
        .json()
}

/// Everything the table holds, as one text.
async fn stored(app: &TestApp) -> String {
    let db = &app.svc.db;
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT real_name, resident_id_hash, resident_id_cipher, resident_id_masked \
             FROM consumer_identity",
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            (0..4)
                .map(|i| r.try_get_by_index::<String>(i).unwrap())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The masked form of a number.
fn masked(n: &str) -> String {
    format!("{}**********{}", &n[..4], &n[14..])
}

backend_tests! {
    async fn a_consumer_adds_an_identity_and_sees_it_masked_and_the_database_keeps_no_clear_number(app) {
        let w = World::new(app).await;
        let n = n1();
        assert_eq!(me(&w, R::C).await["identity"], Value::Null);
        // Lower-case x and spaces around are accepted (a number ending in X).
        let x = number("11010519491231002");
        assert!(x.ends_with('X'));
        let v = put(&w, R::C, &json!({"real_name": " 王小明 ", "resident_id": format!(" {} ", x.to_lowercase())})).await.expect(200).json();
        assert_eq!(v["real_name"], "王小明");
        assert_eq!(v["resident_id_masked"], "1101**********002X");
        assert!(v["verified_at"].is_string());
        let m = me(&w, R::C).await;
        assert_eq!(m["identity"]["resident_id_masked"], "1101**********002X");
        assert_eq!(m["email"], "wang@example.cn", "the account's own fields stay");
        assert!(!m.to_string().contains(&x));
        // The same again: the same answer; another identity: support changes it.
        put(&w, R::C, &json!({"real_name": "王小明", "resident_id": x})).await.expect(200);
        let r = put(&w, R::C, &json!({"real_name": "王小明", "resident_id": n})).await.expect(409);
        assert_eq!(r.error().1.as_deref(), Some("identity"));
        // C2 too; the table holds neither number in clear, nor their middle digits.
        put(&w, R::C2, &json!({"real_name": "Li Si", "resident_id": n})).await.expect(200);
        let text = stored(&w.app).await;
        assert_eq!(text.lines().count(), 2);
        for number in [&x, &n] {
            assert!(!text.contains(number.as_str()) && !text.contains(&number[4..14]), "{text}");
            assert!(text.contains(&masked(number)), "{text}");
        }
        // Merchants and staff have no identity to add.
        for r in [R::M, R::Med, R::Reg, R::Adm] {
            put(&w, r, &json!({"real_name": "张三", "resident_id": n2()})).await.expect(403);
        }
        w.app.send(Req::new(axum::http::Method::PUT, "/api/v1/users/me/identity").json(&json!({"real_name": "张三", "resident_id": n2()}))).await.expect(401);
    }

    async fn each_kind_of_wrong_number_or_name_is_named_and_nothing_is_kept(app) {
        let w = World::new(app).await;
        let good = n1();
        let mut bad_check = good.clone();
        let last = bad_check.pop().unwrap();
        bad_check.push(if last == '0' { '1' } else { '0' });
        let cases = [
            (&good[..17], "resident_id", "must have 18 characters"),
            (&bad_check[..], "resident_id", "the check character is wrong"),
            ("33010619900231123X", "resident_id", "birth date does not exist"),
            ("330106199001011A3X", "resident_id", "17 digits"),
            ("99010619900101123X", "resident_id", "province"),
        ];
        for (n, field, words) in cases {
            let r = put(&w, R::C, &json!({"real_name": "王小明", "resident_id": n})).await.expect(422);
            let (code, f, message) = r.error();
            assert_eq!((code.as_str(), f.as_deref()), ("invalid", Some(field)), "{n}");
            assert!(message.contains(words) && message.starts_with("Resident ID number"), "{n}: {message}");
        }
        // Born tomorrow (by the business clock): a date in the future.
        let tomorrow = (w.now() + chrono::Duration::days(1)).format("%Y%m%d").to_string();
        let future = number(&format!("330106{tomorrow}123"));
        let r = put(&w, R::C, &json!({"real_name": "王小明", "resident_id": future})).await.expect(422);
        assert!(r.error().2.contains("future"), "{}", r.error().2);
        for name in ["王", "王小明2", "R2D2"] {
            let r = put(&w, R::C, &json!({"real_name": name, "resident_id": good})).await.expect(422);
            assert_eq!(r.error().1.as_deref(), Some("real_name"), "{name}");
        }
        let r = put(&w, R::C, &json!({"resident_id": good})).await.expect(422);
        assert_eq!(r.error().1.as_deref(), Some("real_name"));
        // Chinese messages name the field too.
        let r = w.app.send(Req::new(axum::http::Method::PUT, "/api/v1/users/me/identity").json(&json!({"real_name": "王小明", "resident_id": bad_check})).bearer(w.token(R::C)).lang("zh")).await.expect(422);
        assert!(r.error().2.starts_with("身份证号：校验位不正确"), "{}", r.error().2);
        assert_eq!(me(&w, R::C).await["identity"], Value::Null);
        assert_eq!(stored(&w.app).await, "");
    }

    async fn one_person_one_account_a_second_account_gets_409(app) {
        let w = World::new(app).await;
        let n = n1();
        put(&w, R::C, &json!({"real_name": "王小明", "resident_id": n})).await.expect(200);
        // The same number by another account, in any case or spacing.
        let r = put(&w, R::C2, &json!({"real_name": "王小明", "resident_id": format!("  {n}")})).await.expect(409);
        let (code, field, message) = r.error();
        assert_eq!((code.as_str(), field.as_deref()), ("conflict", Some("resident_id")));
        assert!(message.contains("already verified on another account"), "{message}");
        assert!(!message.contains("wang@") && !message.contains("王小明"), "which account is not said: {message}");
        assert_eq!(me(&w, R::C2).await["identity"], Value::Null);
        put(&w, R::C2, &json!({"real_name": "李四", "resident_id": n2()})).await.expect(200);
    }

    async fn staff_reveal_the_number_only_with_a_reason_and_the_read_is_logged(app) {
        let w = World::new(app).await;
        let n = n1();
        let id = w.file().await["id"].as_i64().unwrap();
        let uri = format!("/api/v1/cases/{id}/identity");
        // No identity yet: null for everyone who may read the case.
        assert_eq!(get(&w, R::Reg, &uri).await["identity"], Value::Null);
        put(&w, R::C, &json!({"real_name": "王小明", "resident_id": n})).await.expect(200);
        // The consumer: their own name, the number masked.
        let own = get(&w, R::C, &uri).await;
        assert_eq!((own["identity"]["real_name"].as_str(), own["identity"]["resident_id_masked"].as_str()), (Some("王小明"), Some(masked(&n).as_str())));
        assert_eq!(own["resident_id"], Value::Null);
        // The merchant: name and number masked, a reason changes nothing.
        for q in ["", "?reveal=curious"] {
            let v = get(&w, R::M, &format!("{uri}{q}")).await;
            assert_eq!(v["identity"]["real_name"], "王**");
            assert_eq!(v["resident_id"], Value::Null);
            assert!(!v.to_string().contains(&n));
        }
        // Another consumer does not see the case at all.
        w.app.send(Req::get(&uri).bearer(w.token(R::C2))).await.expect(404);
        w.app.send(Req::get(&uri)).await.expect(401);
        // Staff without a reason: masked, nothing logged.
        let v = get(&w, R::Reg, &uri).await;
        assert_eq!((v["identity"]["real_name"].as_str(), v["resident_id"].as_str()), (Some("王**"), None));
        let log = || async { get(&w, R::Adm, "/api/v1/admin/pii-log").await["items"].as_array().unwrap().clone() };
        assert!(log().await.is_empty());
        // With a reason: in full, and logged with it.
        let v = get(&w, R::Reg, &format!("{uri}?reveal=%E6%A0%B8%E5%AE%9E%E8%BA%AB%E4%BB%BD")).await;
        assert_eq!(v["resident_id"], n);
        assert_eq!(v["identity"]["real_name"], "王小明");
        let items = log().await;
        assert_eq!(items.len(), 1, "{items:?}");
        assert_eq!((items[0]["staff_id"].as_i64(), items[0]["fields"].as_str(), items[0]["reason"].as_str(), items[0]["case_id"].as_i64()), (Some(w.who(R::Reg).id), Some("resident_id"), Some("核实身份"), Some(id)));
        // The case, its trail and every list keep the number out, for everyone.
        for r in [R::C, R::M, R::Reg, R::Med] {
            for u in [format!("/api/v1/cases/{id}"), format!("/api/v1/cases/{id}/trail"), "/api/v1/cases".into(), format!("/api/v1/cases/{id}?reveal=x")] {
                let text = get(&w, r, &u).await.to_string();
                assert!(!text.contains(&n) && !text.contains(&masked(&n)), "{r:?} {u}: {text}");
            }
        }
        let public = w.app.send(Req::get("/api/v1/complaints")).await.expect(200).text();
        assert!(!public.contains(&n));
        let export = w.app.send(Req::get("/api/v1/export/credit").bearer(w.token(R::Reg))).await.expect(200).text();
        assert!(!export.contains(&n) && !export.contains(&masked(&n)));
    }

    async fn the_configured_steps_are_refused_without_an_identity_and_allowed_with_it(app) {
        let app = app.with_config(|c| c.real_name_required = GuardedStep::ALL.to_vec());
        let w = World::new(app).await;
        // First compensation: an award not honoured.
        let fc = w.case_at(Stage::Decided).await;
        let due = instant(&deadline(&w.view(R::Adm, fc).await, "comply_by")["at"]);
        w.set_now(due + chrono::Duration::minutes(1));
        services::cases::sweep::sweep(&w.app.svc, w.now()).await.unwrap();
        assert_eq!(w.view(R::Adm, fc).await["status"], "non_compliant");
        // Arbitration: a mediated settlement the consumer says was not honoured.
        let arb = w.case_at(Stage::Proposed).await;
        w.ok(R::C, arb, "accept_proposal", Stage::Proposed).await;
        w.ok(R::M, arb, "accept_proposal", Stage::Proposed).await;
        w.ok(R::M, arb, "comply", Stage::Settled).await;
        let trails = (w.trail(fc).await.len(), w.trail(arb).await.len());
        let apply = json!({"action": "apply_first_compensation", "message": "商户拒不执行裁决"});
        let reopen = json!({"action": "reopen", "reason": "商户没有按调解协议退款"});
        for (id, body, words) in [(fc, &apply, "first compensation needs"), (arb, &reopen, "arbitration needs")] {
            let r = w.act(R::C, id, body).await.expect(409);
            let (code, field, message) = r.error();
            assert_eq!((code.as_str(), field.as_deref()), ("conflict", Some("identity")));
            assert!(message.contains(words) && message.contains("account page"), "{message}");
        }
        // Nothing changed.
        assert_eq!(w.view(R::Adm, fc).await["status"], "non_compliant");
        assert_eq!(w.view(R::Adm, fc).await["first_compensation"], Value::Null);
        assert_eq!(w.view(R::Adm, arb).await["status"], "settled");
        assert_eq!((w.trail(fc).await.len(), w.trail(arb).await.len()), trails);
        // Steps that are not the consumer's own are never held up: the
        // mediator escalates a case of this consumer, who has no identity.
        let other = w.case_at(Stage::Mediating).await;
        let v = w.ok(R::Med, other, "escalate", Stage::Mediating).await;
        assert_eq!(v["status"], "in_arbitration");
        // With an identity, both go ahead.
        put(&w, R::C, &json!({"real_name": "王小明", "resident_id": n1()})).await.expect(200);
        let v = w.act(R::C, fc, &apply).await.expect(200).json();
        assert_eq!(v["first_compensation"]["state"], "applied");
        let v = w.act(R::C, arb, &reopen).await.expect(200).json();
        assert_eq!(v["status"], "in_arbitration");
    }

    async fn only_the_configured_steps_need_an_identity(app) {
        let app = app.with_config(|c| c.real_name_required = vec![GuardedStep::Arbitration]);
        let w = World::new(app).await;
        let fc = w.case_at(Stage::Decided).await;
        let due = instant(&deadline(&w.view(R::Adm, fc).await, "comply_by")["at"]);
        w.set_now(due + chrono::Duration::minutes(1));
        services::cases::sweep::sweep(&w.app.svc, w.now()).await.unwrap();
        w.act(R::C, fc, &json!({"action": "apply_first_compensation"})).await.expect(200);
    }

    async fn a_server_with_another_personal_data_key_refuses_to_start(app) {
        use services::config::SecretKey;
        let base = (*app.svc.config).clone();
        let start = |key: Option<SecretKey>, dir: &str| {
            let mut c = base.clone();
            c.pii_key = key;
            c.data_dir = c.data_dir.join(dir);
            async move { services::Services::start(c).await }
        };
        // The first start records the key's check value; the same key starts again.
        let a = start(Some(SecretKey([1; 32])), "a").await.unwrap();
        let w = World::new(app.with_config(|_| {})).await;
        // An identity written by a server with key A…
        let svc_a = services::Services { clock: w.app.svc.clock.clone(), ..a.clone() };
        let c = services::accounts::view(&entities::user::Entity::find_by_id(w.who(R::C).id as i32).one(&svc_a.db).await.unwrap().unwrap());
        let input = domain::identity::IdentityInput { real_name: "王小明".into(), resident_id: n1() };
        services::accounts::identity::set(&svc_a, &c, &input).await.unwrap();
        let again = start(Some(SecretKey([1; 32])), "a2").await.unwrap();
        let revealed = services::accounts::identity::reveal(&again, &again.db, c.id).await.unwrap().unwrap();
        assert_eq!(revealed.resident_id, n1());
        // …a server with key B, or with a key of its own made in its data
        // folder, would write what A cannot read: it refuses to start.
        for key in [Some(SecretKey([2; 32])), None] {
            let e = match start(key, "b").await {
                Ok(_) => panic!("started with another key"),
                Err(e) => format!("{e:#}"),
            };
            assert!(e.contains("GONGDAO_PII_KEY") && e.contains("same key"), "{e}");
        }
        assert!(base.data_dir.join("b").join("pii.key").exists(), "the single-server key was made");
        for s in [a, again] {
            s.db.close().await.unwrap();
        }
    }
}

use sea_orm::EntityTrait;
