//! A merchant's reply templates (回复模板): shared by the main account and its
//! staff, refused to everyone else (another business's template is 404),
//! checked field by field, bounded at 50, and offered on the case page of
//! the business's own cases only.

use serde_json::{Value, json};

use crate::cases::{R, World};
use crate::harness::{Req, Resp, backend_tests};

async fn send(w: &World, token: &str, req: Req) -> Resp {
    w.app.send(req.bearer(token).lang("en")).await
}

fn body(title: &str, text: &str) -> Value {
    json!({"title": title, "text": text})
}

backend_tests! {
    async fn the_team_keeps_reply_templates_that_nobody_else_reads(app) {
        let w = World::new(app).await;
        let m = w.token(R::M).to_string();
        let (_, staff) = crate::team::staff_member(&w, R::M, "kefu@shop.cn", "客服小李").await;
        // The main account writes one; its staff read it, rewrite it.
        let t = send(&w, &m, Req::post("/api/v1/merchants/templates").json(&body(" 退款时限 ", "退款将在3个工作日内原路退回。"))).await.expect(201).json();
        assert_eq!(t["title"], "退款时限", "trimmed");
        let id = t["id"].as_i64().unwrap();
        let listed = send(&w, &staff, Req::get("/api/v1/merchants/templates")).await.expect(200).json();
        assert_eq!(listed.as_array().unwrap().len(), 1);
        let put = send(&w, &staff, Req::put(&format!("/api/v1/merchants/templates/{id}")).json(&body("退款时限", "退款将在1个工作日内原路退回。"))).await.expect(200).json();
        assert_eq!(put["text"], "退款将在1个工作日内原路退回。");
        // Another business does not see it and cannot touch it.
        let other = w.token(R::M2).to_string();
        assert!(send(&w, &other, Req::get("/api/v1/merchants/templates")).await.expect(200).json().as_array().unwrap().is_empty());
        send(&w, &other, Req::put(&format!("/api/v1/merchants/templates/{id}")).json(&body("改", "改"))).await.expect(404);
        send(&w, &other, Req::delete(&format!("/api/v1/merchants/templates/{id}"))).await.expect(404);
        // Nor does anyone but a merchant account.
        for r in [R::C, R::Med, R::Reg, R::Adm] {
            send(&w, w.token(r), Req::get("/api/v1/merchants/templates")).await.expect(403);
            send(&w, w.token(r), Req::post("/api/v1/merchants/templates").json(&body("标题", "正文"))).await.expect(403);
        }
        w.app.send(Req::get("/api/v1/merchants/templates")).await.expect(401);
        // Each field checked, in the caller's language.
        let field = |r: Resp| r.expect(422).error().1;
        assert_eq!(field(send(&w, &m, Req::post("/api/v1/merchants/templates").json(&body(" ", "正文"))).await).as_deref(), Some("title"));
        assert_eq!(field(send(&w, &m, Req::post("/api/v1/merchants/templates").json(&body(&"题".repeat(51), "正文"))).await).as_deref(), Some("title"));
        assert_eq!(field(send(&w, &m, Req::post("/api/v1/merchants/templates").json(&json!({"title": "标题"}))).await).as_deref(), Some("text"));
        assert_eq!(field(send(&w, &m, Req::put(&format!("/api/v1/merchants/templates/{id}")).json(&body("标题", &"字".repeat(5001)))).await).as_deref(), Some("text"));
        let r = w.app.send(Req::post("/api/v1/merchants/templates").json(&body("", "正文")).bearer(&m).lang("zh")).await.expect(422);
        assert!(r.text().contains("标题：此项必填"), "{}", r.text());
        // At most 50: the 51st is refused and nothing is half-written.
        for i in 1..50 {
            send(&w, &m, Req::post("/api/v1/merchants/templates").json(&body(&format!("模板{i:02}"), "正文"))).await.expect(201);
        }
        let full = send(&w, &m, Req::post("/api/v1/merchants/templates").json(&body("第51条", "正文"))).await.expect(409);
        assert_eq!(full.error().1.as_deref(), Some("title"));
        let all = send(&w, &m, Req::get("/api/v1/merchants/templates")).await.expect(200).json();
        assert_eq!(all.as_array().unwrap().len(), 50);
        assert!(all.as_array().unwrap().iter().all(|t| t["title"] != "第51条"));
        // Deleting makes room again.
        send(&w, &staff, Req::delete(&format!("/api/v1/merchants/templates/{id}"))).await.expect(204);
        send(&w, &m, Req::delete(&format!("/api/v1/merchants/templates/{id}"))).await.expect(404);
        send(&w, &m, Req::post("/api/v1/merchants/templates").json(&body("第51条", "正文"))).await.expect(201);
    }

    async fn the_case_page_offers_the_templates_to_the_merchants_accounts_only_and_fills_one_in(app) {
        let w = World::new(app).await;
        let m = w.token(R::M).to_string();
        let t = send(&w, &m, Req::post("/api/v1/merchants/templates").json(&body("退款时限", "退款将在3个工作日内原路退回，请留意。"))).await.expect(201).json();
        let id = w.case_at(crate::cases::Stage::AwaitingMerchant).await;
        let page = |r: R, q: &str| {
            let w = &w;
            let uri = format!("/cases/{id}{q}");
            async move { w.app.send(Req::get(&uri).cookie(w.token(r))).await.expect(200).text() }
        };
        // The merchant's respond form lists the template; picking it fills the field.
        let html = page(R::M, "").await;
        let link = format!("?template={}&step=respond#act-respond", t["id"]);
        assert!(html.contains(&link.replace('&', "&amp;")) || html.contains(&link), "no template link in the page");
        let filled = page(R::M, &format!("?template={}&step=respond", t["id"])).await;
        assert!(filled.contains(">退款将在3个工作日内原路退回，请留意。</textarea>"), "the field is not filled");
        // Picked for another step, it fills that step's field only (here: none shown with it).
        let elsewhere = page(R::M, &format!("?template={}&step=withdraw", t["id"])).await;
        assert!(!elsewhere.contains("请留意。</textarea>"), "another step's field is filled");
        // A template id of another business, or nonsense, fills nothing.
        let other = send(&w, w.token(R::M2), Req::post("/api/v1/merchants/templates").json(&body("别家", "别家的模板正文"))).await.expect(201).json();
        assert!(!page(R::M, &format!("?template={}", other["id"])).await.contains("别家的模板正文"));
        assert!(!page(R::M, "?template=abc").await.contains("请留意。</textarea>"), "a bad id fills nothing");
        // The consumer and staff never see them.
        for r in [R::C, R::Med, R::Adm] {
            let html = page(r, &format!("?template={}", t["id"])).await;
            assert!(!html.contains("退款时限") && !html.contains("请留意"), "{r:?} sees the merchant's templates");
        }
    }
}
