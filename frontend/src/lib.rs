//! The wasm entry point: hydrates the page the server rendered.

use leptos::prelude::*;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // After a server function redirects (sign-in, sign-out), load the new
    // page in full so everything server-rendered (the signed-in user, the
    // language) is fresh.
    let _ = leptos::server_fn::redirect::set_redirect_hook(|loc: &str| {
        let _ = window().location().set_href(loc);
    });
    leptos::mount::hydrate_body(app::App);
    // Lets browser tests wait for hydration before they click.
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "1");
    }
}
