//! Health, the OpenAPI document, the API's 404, the language switch.

use crate::harness::{Req, backend_tests};
use domain::Role;

/// The policy's script nonce, after checking that every `<script>` of the
/// page carries it and that the policy allows no inline script without it.
fn checked_nonce(r: &crate::harness::Resp) -> String {
    let csp = r
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("no CSP on a page"));
    let script_src = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src "))
        .unwrap_or_else(|| panic!("no script-src in {csp}"));
    let tokens: Vec<&str> = script_src.split_whitespace().collect();
    assert!(
        !tokens.contains(&"'unsafe-inline'") && !tokens.contains(&"'unsafe-eval'"),
        "{csp}"
    );
    for d in [
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(d), "{d} missing from {csp}");
    }
    let nonce = script_src
        .split_whitespace()
        .find_map(|t| t.strip_prefix("'nonce-")?.strip_suffix('\''))
        .unwrap_or_else(|| panic!("no nonce in {csp}"))
        .to_string();
    assert!(nonce.len() >= 22, "a nonce of at least 128 bits: {nonce}");
    let html = r.text();
    let scripts: Vec<&str> = html
        .split("<script")
        .skip(1)
        .map(|s| s.split('>').next().unwrap_or(""))
        .collect();
    assert!(!scripts.is_empty(), "a hydrated page has scripts");
    for tag in scripts {
        assert!(
            tag.contains(&format!("nonce=\"{nonce}\"")),
            "a script without the nonce: <script{tag}>"
        );
    }
    nonce
}

backend_tests! {
    async fn pages_carry_a_content_security_policy_whose_nonce_is_on_every_script(app) {
        let mut app = app;
        app.start_page_cache().await;
        let page = |token: Option<String>| {
            let mut req = Req::get("/").header("accept", "text/html");
            if let Some(t) = token {
                req = req.bearer(&t);
            }
            let app = &app;
            async move { app.send(req).await.expect(200) }
        };
        let first = checked_nonce(&page(None).await);
        // Answered from the page cache: the header it was rendered with
        // comes back with its body.
        let mut hit = None;
        for _ in 0..40 {
            let r = page(None).await;
            if r.header("x-cache") == Some("hit") {
                hit = Some(r);
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        checked_nonce(&hit.expect("the home page is answered from the page cache"));
        app.register("csp@example.cn", Role::Consumer).await;
        let token = app.login("csp@example.cn").await;
        let signed_in = checked_nonce(&page(Some(token)).await);
        assert_ne!(first, signed_in, "each render has its own nonce");
        // Answers that are not pages carry no policy to get in their way.
        let api = app.send(Req::get("/api/v1/merchants")).await.expect(200);
        assert_eq!(api.header("content-security-policy"), None);
    }

    async fn healthz_reports_the_database_ok(app) {
        let r = app.send(Req::get("/healthz")).await.expect(200);
        assert_eq!(r.json()["status"], "ok");
    }

    async fn request_bodies_are_the_typed_inputs_with_their_limits(app) {
        use domain::input::{max, min};
        let doc = app.send(Req::get("/api/v1/openapi.json")).await.expect(200).json();
        let body = |path: &str| {
            doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        };
        for (path, schema) in [
            ("/cases", "ComplaintInput"),
            ("/cases/{id}/actions", "ActionInput"),
            ("/cases/{id}/join", "OrderInput"),
            ("/cases/{id}/ratings", "RatingInput"),
            ("/cases/{id}/ratings/follow-up", "FollowUpInput"),
            ("/fund/top-up", "MovementInput"),
            ("/merchants", "RegistrationInput"),
            ("/regulator/merchants/{id}/records", "FindingInput"),
            ("/records/{id}/objection", "RequestInput"),
        ] {
            assert_eq!(body(path), format!("#/components/schemas/{schema}"), "{path}");
        }
        // The limits the document states are the ones the inputs check.
        let prop = |schema: &str, field: &str, key: &str| {
            doc["components"]["schemas"][schema]["properties"][field][key].as_u64()
        };
        let n = |v: usize| Some(v as u64);
        // Case actions: one variant per action, its own fields required,
        // its own text limits, required text not blank.
        let variants = doc["components"]["schemas"]["ActionInput"]["oneOf"].as_array().unwrap();
        assert_eq!(variants.len(), domain::cases::ActionKind::ALL.len());
        for &kind in domain::cases::ActionKind::ALL {
            let v = variants
                .iter()
                .find(|v| v["properties"]["action"]["enum"][0] == kind.as_str())
                .unwrap_or_else(|| panic!("no variant for {kind:?}"));
            let mut want: Vec<&str> = vec!["action"];
            want.extend(domain::cases::action_fields(kind).iter().filter(|f| f.1).map(|f| f.0));
            let got: Vec<&str> = v["required"].as_array().unwrap().iter().filter_map(|r| r.as_str()).collect();
            assert_eq!(got, want, "{kind:?}");
            for (field, required) in domain::cases::action_fields(kind) {
                let p = &v["properties"][field];
                if matches!(*field, "message" | "reason") {
                    assert_eq!(p["maxLength"].as_u64(), n(domain::cases::text_max(kind, field)), "{kind:?} {field}");
                    assert_eq!(p["pattern"].as_str().is_some(), *required, "{kind:?} {field}");
                }
            }
            // The amount's cap where the action reads one; any i64 where not.
            let reads_amount = domain::cases::action_fields(kind).iter().any(|f| f.0 == "amount_fen");
            assert_eq!(
                v["properties"]["amount_fen"]["maximum"].as_i64(),
                Some(if reads_amount { domain::cases::MAX_AMOUNT.0 } else { i64::MAX }),
                "{kind:?}"
            );
        }
        // Text is trimmed before its length counts: the pattern says so.
        assert_eq!(
            doc["components"]["schemas"]["ComplaintInput"]["properties"]["narrative"]["pattern"],
            format!(r"\S[\s\S]{{{},}}\S", min::NARRATIVE - 2)
        );
        assert_eq!(prop("ComplaintInput", "title", "minLength"), n(min::TITLE));
        assert_eq!(prop("ComplaintInput", "title", "maxLength"), n(max::TITLE));
        assert_eq!(prop("ComplaintInput", "narrative", "minLength"), n(min::NARRATIVE));
        assert_eq!(prop("ComplaintInput", "narrative", "maxLength"), n(max::NARRATIVE));
        assert_eq!(prop("ComplaintInput", "order_ref", "maxLength"), n(max::ORDER_REF));
        assert_eq!(prop("OrderInput", "order_ref", "maxLength"), n(max::ORDER_REF));
        assert_eq!(prop("RatingInput", "text", "maxLength"), n(domain::credit::TEXT_MAX));
        assert_eq!(prop("FollowUpInput", "text", "maxLength"), n(domain::credit::TEXT_MAX));
        assert_eq!(prop("MovementInput", "idempotency_key", "maxLength"), n(domain::fund::KEY_MAX));
        assert_eq!(prop("MovementInput", "reason", "maxLength"), n(domain::fund::REASON_MAX));
        assert_eq!(prop("AcknowledgeInput", "note", "maxLength"), n(domain::credit::risk::NOTE_MAX));
        assert_eq!(prop("FindingInput", "summary", "minLength"), n(domain::credit::SUMMARY_MIN));
        assert_eq!(prop("FindingInput", "summary", "maxLength"), n(domain::credit::SUMMARY_MAX));
        assert_eq!(prop("RequestInput", "text", "minLength"), n(domain::credit::REQUEST_TEXT_MIN));
        assert_eq!(prop("RequestInput", "text", "maxLength"), n(domain::credit::REQUEST_TEXT_MAX));
        use domain::merchant::registration as reg;
        assert_eq!(prop("RegistrationInput", "name", "minLength"), n(reg::NAME_MIN));
        assert_eq!(prop("RegistrationInput", "name", "maxLength"), n(reg::NAME_MAX));
        assert_eq!(prop("RegistrationInput", "business_scope", "maxLength"), n(reg::SCOPE_MAX));
        // Shop names: a list or one text with a name per line, 20 at most.
        let shops = &doc["components"]["schemas"]["RegistrationInput"]["properties"]["shop_names"]["anyOf"];
        assert_eq!(shops[0]["maxItems"].as_u64(), n(reg::SHOP_NAMES_MAX));
        assert_eq!(shops[1]["pattern"], format!(r"^[^\n]*(\n[^\n]*){{0,{}}}$", reg::SHOP_NAMES_MAX - 1));
    }

    async fn the_openapi_document_describes_the_api(app) {
        let doc = app.send(Req::get("/api/v1/openapi.json")).await.expect(200).json();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
        let paths = doc["paths"].as_object().unwrap();
        for (path, method) in [
            ("/users", "post"),
            ("/session", "post"),
            ("/session", "delete"),
            ("/me", "get"),
            ("/admin/users", "post"),
        ] {
            assert!(paths.get(path).and_then(|p| p.get(method)).is_some(), "{method} {path} is described");
        }
        assert_eq!(doc["servers"][0]["url"], "/api/v1");
        assert_eq!(doc["info"]["title"], "Gongdao API");
        let schemes = &doc["components"]["securitySchemes"];
        assert_eq!(schemes["bearer"]["scheme"], "bearer", "{schemes}");
        assert_eq!(schemes["cookie"]["name"], "gongdao_session", "{schemes}");
        let error = &doc["components"]["schemas"]["Error"]["properties"]["error"];
        assert_eq!(error["required"], serde_json::json!(["code", "message"]), "{error}");
        assert_eq!(paths["/me"]["get"]["security"][0], serde_json::json!({"bearer": []}));
        assert!(paths["/merchants"]["get"].get("security").is_none(), "public routes need no credential");
    }

    async fn the_documents_links_lead_from_each_answer_to_the_operations_on_what_it_names(app) {
        let doc = app.send(Req::get("/api/v1/openapi.json")).await.expect(200).json();
        // Every link's producer, answer, pointer and target is in the document.
        let problems = server::api::openapi::links(&mut doc.clone());
        assert!(problems.is_empty(), "{problems:#?}");
        let ids: std::collections::HashSet<&str> = doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|ops| ops.as_object().unwrap().values())
            .filter_map(|op| op["operationId"].as_str())
            .collect();
        let mut count = 0;
        for ops in doc["paths"].as_object().unwrap().values() {
            for op in ops.as_object().unwrap().values() {
                for answer in op["responses"].as_object().unwrap().values() {
                    for link in answer["links"].as_object().into_iter().flat_map(|l| l.values()) {
                        count += 1;
                        let target = link["operationId"].as_str().unwrap();
                        assert!(ids.contains(target), "{target}");
                        assert!(link["parameters"]["id"].as_str().unwrap().starts_with("$response.body#/"));
                    }
                }
            }
        }
        // A filed case leads to everything done to a case.
        let filed = doc["paths"]["/cases"]["post"]["responses"]["201"]["links"].as_object().unwrap();
        for id in ["get_cases_id", "post_cases_id_actions", "post_cases_id_evidence", "get_cases_id_trail"] {
            assert_eq!(filed[id]["parameters"]["id"], "$response.body#/id", "{id}");
        }
        assert!(count >= 40, "{count} links");
    }

    async fn every_routed_api_path_and_method_is_in_the_openapi_document(app) {
        let doc = app.send(Req::get("/api/v1/openapi.json")).await.expect(200).json();
        let mut documented = vec![];
        let mut ids = std::collections::HashSet::new();
        for (path, ops) in doc["paths"].as_object().unwrap() {
            for (method, op) in ops.as_object().unwrap() {
                let id = op["operationId"].as_str().unwrap_or_default();
                assert!(ids.insert(id.to_string()), "operationId {id:?} twice");
                let statuses: Vec<&String> = op["responses"].as_object().unwrap().keys().collect();
                assert!(statuses.iter().any(|s| s.starts_with('2')), "{method} {path}: {statuses:?}");
                documented.push((method.to_uppercase(), format!("/api/v1{path}")));
            }
        }
        documented.sort();
        let text = doc.to_string();
        for r in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = r.split('"').next().unwrap_or_default();
            assert!(doc["components"]["schemas"].get(name).is_some(), "unresolved $ref {name}");
        }
        let routed = routed_api(&server::routes(&app.svc));
        assert!(routed.len() >= 57, "the route walk found too little: {routed:?}");
        let undocumented: Vec<_> = routed.iter().filter(|r| !documented.contains(r)).collect();
        assert!(undocumented.is_empty(), "routed but not in the document: {undocumented:?}");
        let unrouted: Vec<_> = documented.iter().filter(|d| !routed.contains(d)).collect();
        assert!(unrouted.is_empty(), "documented but not routed: {unrouted:?}");
    }

    async fn an_unknown_api_path_is_a_json_404(app) {
        for (req, message) in [
            (Req::get("/api/v1/nope"), "页面或记录不存在。"),
            (Req::post("/api/v1/nope/deeper").raw("{}"), "页面或记录不存在。"),
            (Req::get("/api/v1/nope").lang("en"), "Not found."),
        ] {
            let r = app.send(req).await.expect(404);
            assert!(r.header("content-type").unwrap_or_default().starts_with("application/json"));
            assert_eq!(r.error().0, "not_found");
            assert_eq!(r.error().2, message);
        }
    }

    async fn a_missing_records_page_is_a_404_that_says_so(app) {
        app.register("web-404@example.com", Role::Consumer).await;
        let token = app.login("web-404@example.com").await;
        for (path, signed_in) in [
            ("/merchants/999999", false),
            ("/complaints/999999", false),
            ("/cases/999999", true),
        ] {
            let mut req = Req::get(path).header("accept", "text/html");
            if signed_in {
                req = req.bearer(&token);
            }
            let r = app.send(req).await.expect(404);
            assert!(r.text().contains("页面或记录不存在。"), "{path}: {}", r.text());
        }
    }

    async fn the_language_switch_sets_a_cookie_and_goes_back_only_locally(app) {
        let r = app.send(Req::get("/lang/en?back=/dashboard")).await;
        assert!(r.status.is_redirection(), "{}", r.status);
        assert_eq!(r.header("location"), Some("/dashboard"));
        let cookies = r.set_cookies();
        assert!(cookies.iter().any(|c| c.starts_with("gongdao_lang=en;")), "{cookies:?}");

        for back in ["//evil.com", "https://evil.com/", "/%5Cevil.com", "evil.com"] {
            let r = app.send(Req::get(&format!("/lang/zh?back={back}"))).await;
            assert!(r.status.is_redirection(), "{back}: {}", r.status);
            assert_eq!(r.header("location"), Some("/"), "{back}");
            assert!(r.set_cookies().iter().any(|c| c.starts_with("gongdao_lang=zh;")));
        }
        let r = app.send(Req::get("/lang/en")).await;
        assert_eq!(r.header("location"), Some("/"));

        // Signed in, the choice is kept on the account (its mail follows it).
        app.register("li.wei@example.cn", Role::Consumer).await;
        let token = app.login("li.wei@example.cn").await;
        app.send(Req::get("/lang/en?back=/").cookie(&token)).await;
        let me = app.send(Req::get("/api/v1/me").bearer(&token)).await.expect(200).json();
        assert_eq!(me["lang"], "en");
        // And the API then answers in that language when the cookie is sent.
        let r = app
            .send(Req::get("/api/v1/nope").header("cookie", "gongdao_lang=en"))
            .await
            .expect(404);
        assert_eq!(r.error().2, "Not found.");
    }
}

/// The (METHOD, path) pairs the app routes under `/api/v1`, read from the
/// router itself: axum lists its paths and each path's method handlers in its
/// `Debug` output (`RouteId(n): MethodRouter(MethodRouter { get: …, … })` and
/// `RouteId(n): "/path"`); a method shows `None` when nothing handles it.
fn routed_api(router: &axum::Router) -> Vec<(String, String)> {
    let dump = format!("{router:?}");
    // The main path router comes first; the fallback router after it is not routes.
    let main = dump.split("fallback_router:").next().unwrap_or_default();
    let after_id = |s: &str| -> Option<(String, String)> {
        let (id, rest) = s.split_once(')')?;
        Some((id.to_string(), rest.trim_start_matches(": ").to_string()))
    };
    let mut methods = std::collections::HashMap::new();
    let mut paths = std::collections::HashMap::new();
    for chunk in main.split("RouteId(").skip(1) {
        let Some((id, rest)) = after_id(chunk) else {
            continue;
        };
        if let Some(fields) = rest.strip_prefix("MethodRouter(MethodRouter { ") {
            let handled: Vec<String> = fields
                .split(", ")
                .map_while(|f| f.split_once(": "))
                .take_while(|(name, _)| *name != "fallback")
                .filter(|(_, v)| !v.starts_with("None"))
                .map(|(name, _)| name.to_uppercase())
                .collect();
            methods.insert(id, handled);
        } else if let Some(path) = rest.strip_prefix('"') {
            paths.insert(id, path.split('"').next().unwrap_or_default().to_string());
        }
    }
    let mut routed = vec![];
    for (id, path) in paths {
        if !path.starts_with("/api/v1/") || path.contains("__private__") {
            continue;
        }
        for m in methods.get(&id).into_iter().flatten() {
            routed.push((m.clone(), path.clone()));
        }
    }
    routed.sort();
    routed
}
