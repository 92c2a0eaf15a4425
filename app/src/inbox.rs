//! The in-app inbox.

use domain::calendar::format_local;
use domain::inbox::NotificationView;
use domain::{AppError, t};
use leptos::prelude::*;

use crate::i18n::use_lang;

#[server(endpoint = "inbox/list")]
pub async fn inbox() -> Result<(u64, Vec<NotificationView>), AppError> {
    let user = crate::ssr::require_user().await?;
    let svc = crate::ssr::services()?;
    Ok((
        services::inbox::unread_count(&svc, &user).await?,
        services::inbox::list(&svc, &user, 100).await?,
    ))
}

#[server(endpoint = "inbox/read")]
pub async fn mark_inbox_read() -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    services::inbox::mark_all_read(&crate::ssr::services()?, &user).await?;
    leptos_axum::redirect("/inbox");
    Ok(())
}

#[component]
pub fn InboxPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |_| inbox());
    let mark = ServerAction::<MarkInboxRead>::new();
    view! {
        <section>
            <h1>{t(lang, "inbox.title")}</h1>
            <Suspense>
                {move || Suspend::new(async move { match data.await {
                    Err(e) => view! { <p class="notice error">{e.message(lang)}" "<a href="/login">{t(lang, "auth.login")}</a></p> }.into_any(),
                    Ok((_, list)) if list.is_empty() => view! { <p class="muted">{t(lang, "inbox.empty")}</p> }.into_any(),
                    Ok((unread, list)) => view! {
                        {(unread > 0).then(|| view! {
                            <ActionForm action=mark attr:class="inline">
                                <button type="submit" class="link" id="mark-read">{t(lang, "inbox.mark_read")}</button>
                            </ActionForm>
                        })}
                        <ul class="inbox" id="inbox">
                            {list.into_iter().map(|n| {
                                let what = t(lang, &format!("notice.{}", n.key)).to_string();
                                view! {
                                    <li class:unread=!n.read>
                                        <span class="muted">{format_local(n.created_at)}</span>" "
                                        {match (n.case_id, n.case_number) {
                                            (Some(id), Some(no)) => view! { <a href=format!("/cases/{id}")>{no}</a> }.into_any(),
                                            _ => view! { <span></span> }.into_any(),
                                        }}
                                        " "{what}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}
