//! The home page: what Gongdao is, and the merchant look-up.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::i18n::tr;
use crate::search::SearchBox;
use crate::site::SiteResource;

#[component]
pub fn HomePage() -> impl IntoView {
    let info = expect_context::<SiteResource>();
    let q = use_query_map();
    // After deleting one's account (the only notice the home page gives).
    let deleted = move || q.read().get("notice").as_deref() == Some("deleted");
    view! {
        {move || deleted().then(|| view! { <p class="notice ok" role="status" id="account-deleted">{tr("account.deleted")}</p> })}
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
