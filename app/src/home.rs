//! The home page: what Gongdao is, and the merchant look-up.

use leptos::prelude::*;

use crate::i18n::tr;
use crate::search::SearchBox;
use crate::site::SiteResource;

#[component]
pub fn HomePage() -> impl IntoView {
    let info = expect_context::<SiteResource>();
    view! {
        <section class="hero">
            <h1>{tr("home.hero")}</h1>
            <p>{tr("home.intro")}</p>
            <SearchBox value=""/>
            <Suspense>
                {move || Suspend::new(async move { info.await.ok().map(|i| view! {
                    <p class="muted"><strong id="merchant-count">{i.merchants}</strong>" "{tr("home.merchants")}</p>
                }) })}
            </Suspense>
        </section>
    }
}
