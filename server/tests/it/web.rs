//! Health, the OpenAPI document, the API's 404, the language switch.

use crate::harness::{Req, backend_tests};
use domain::Role;

backend_tests! {
    async fn healthz_reports_the_database_ok(app) {
        let r = app.send(Req::get("/healthz")).await.expect(200);
        assert_eq!(r.json()["status"], "ok");
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
