//! The Gongdao HTTP server: SSR pages and server functions (Leptos), the JSON
//! API under `/api/v1`, health, language switch. `main.rs` adds the command line.

pub mod api;
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
        .build()
}

/// The whole application as one router (used by `serve` and by the tests).
pub fn router(svc: Services) -> Router {
    let leptos_options = leptos_options(&svc.config);
    let routes = generate_route_list(app::App);
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
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(
            app::shell,
        ))
        .with_state(state.clone());
    web::wrap(
        Router::new()
            .merge(web::routes(state.clone()))
            .nest("/api/v1", api::routes(state))
            .merge(pages),
        &svc,
    )
}
