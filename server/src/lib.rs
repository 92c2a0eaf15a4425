//! The Gongdao HTTP server: SSR pages and server functions (Leptos), the JSON
//! API under `/api/v1`, health, language switch. `main.rs` adds the command line.

pub mod api;
pub mod backup;
pub mod cache;
pub mod cli;
pub mod proxy;
pub mod web;

use axum::Router;
use axum::extract::FromRef;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use services::Services;

/// Router state: what Leptos needs plus our services.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub services: Services,
}

pub fn leptos_options(config: &services::Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("gongdao")
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .hash_files(hashed_assets(&config.site_root))
        .build()
}

/// Whether the site's script, module and stylesheet carry their content's
/// hash in their names: `cargo leptos build` (with `hash-files`) writes
/// `hash.txt` beside the binary, and Leptos reads it there when it renders.
/// Without it (a binary built by plain `cargo build`, as the tests are) the
/// plain names are used.
fn hashed_assets(site_root: &std::path::Path) -> bool {
    let Some(file) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
    else {
        return false;
    };
    let Ok(hashes) = std::fs::read_to_string(&file) else {
        return false;
    };
    // Each line `js: <hash>`, `wasm: <hash>`, `css: <hash>` names a file
    // the site must hold; a stale hash.txt (another build's) is not used.
    let pkg = site_root.join("pkg");
    let missing: Vec<String> = hashes
        .lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(ext, _)| matches!(ext.trim(), "js" | "wasm" | "css"))
        .map(|(ext, hash)| format!("gongdao.{}.{}", hash.trim(), ext.trim()))
        .filter(|name| !pkg.join(name).exists())
        .collect();
    if missing.is_empty() {
        true
    } else {
        tracing::error!(
            "{} names files the site at {} does not hold ({}): serving plain names",
            file.display(),
            pkg.display(),
            missing.join(", ")
        );
        false
    }
}

/// The whole application as one router. Its page cache stays unused until
/// its follower runs (`router_and_cache`).
pub fn router(svc: Services) -> Router {
    router_and_cache(svc, cache::Limits::default()).0
}

/// The pages' route list, made once per process. Making it runs the app
/// with leptos_server's process-wide "suppress resource loads" flag set, and
/// a resource whose future is first polled while the flag is up waits for
/// ever (leptos #4773, open upstream): a second router built beside renders
/// in progress (tests build one per test, in parallel) could leave one of
/// those pages unfinished. Every later router reuses the first list.
fn page_routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// Every route of the application — pages, forms, the JSON API, static
/// files — without the layers around them (the route table the OpenAPI
/// test walks).
pub fn routes(svc: &Services) -> Router {
    let leptos_options = leptos_options(&svc.config);
    let routes = page_routes();
    let state = AppState {
        leptos_options: leptos_options.clone(),
        services: svc.clone(),
    };
    let ctx_svc = svc.clone();
    let pages = Router::new()
        .leptos_routes_with_context(&state, routes, move || provide_context(ctx_svc.clone()), {
            let options = leptos_options.clone();
            move || app::shell(options.clone())
        })
        // The filing page's form posts to the page itself, so a refusal
        // rendered in answer (the typed fields kept) sits at the page's own
        // address, where the browser's router finds it again.
        .route("/cases/new", axum::routing::post(api::file_with_evidence))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(
            app::shell,
        ))
        .with_state(state.clone());
    Router::new()
        .merge(web::routes(state.clone()))
        .nest("/api/v1", api::routes(state))
        .merge(pages)
}

/// The whole application and its public page cache, whose follower
/// (`PageCache::follow`) the caller starts (`serve` does, as do the cache's tests).
pub fn router_and_cache(
    svc: Services,
    limits: cache::Limits,
) -> (Router, std::sync::Arc<cache::PageCache>) {
    let page_cache = std::sync::Arc::new(cache::PageCache::new(svc.search.clone(), limits));
    let layer = cache::Layer {
        cache: page_cache.clone(),
        svc: svc.clone(),
    };
    // The cache wraps the whole router, not each route (`Router::layer`
    // would): a hit is answered before routing, without cloning the route's
    // handler and its state — that cloning was a third of a hit's CPU time.
    let app = Router::new()
        .fallback_service(routes(&svc))
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::new(layer),
            cache::layer,
        ))
        // What the cache did not store is compressed as it goes out.
        .layer(tower_http::compression::CompressionLayer::new());
    (web::wrap(app, &svc), page_cache)
}
