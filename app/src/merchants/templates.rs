//! `/merchants/templates`: the business's reply templates (回复模板) — the
//! main account and every staff member add, rewrite and delete them; the
//! case page offers them in its message fields. Every form works with
//! JavaScript off; the service decides who may.

use domain::calendar::format_local;
use domain::merchant::templates::ReplyTemplate;
use domain::{AppError, t};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::ActionErrorView;
use crate::i18n::{tr, use_lang};

#[server(endpoint = "templates/list")]
pub async fn my_templates() -> Result<Vec<ReplyTemplate>, AppError> {
    let u = crate::ssr::require_role(&[domain::Role::Merchant]).await?;
    services::merchants::templates::list(&crate::ssr::services()?, &u).await
}

/// Adds a template, or rewrites template `id`.
#[server(endpoint = "templates/save")]
pub async fn save_template(id: Option<i32>, title: String, text: String) -> Result<(), AppError> {
    let u = crate::ssr::require_role(&[domain::Role::Merchant]).await?;
    let svc = crate::ssr::services()?;
    let input = domain::merchant::templates::TemplateInput {
        title: Some(title),
        text: Some(text),
    };
    match id {
        Some(id) => services::merchants::templates::update(&svc, &u, id, &input).await?,
        None => services::merchants::templates::create(&svc, &u, &input).await?,
    };
    leptos_axum::redirect("/merchants/templates?notice=saved");
    Ok(())
}

#[server(endpoint = "templates/delete")]
pub async fn delete_template(id: i32) -> Result<(), AppError> {
    let u = crate::ssr::require_role(&[domain::Role::Merchant]).await?;
    services::merchants::templates::delete(&crate::ssr::services()?, &u, id).await?;
    leptos_axum::redirect("/merchants/templates?notice=deleted");
    Ok(())
}

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    let notice = move || q.read().get("notice");
    let templates = Resource::new(|| (), |_| my_templates());
    let add = ServerAction::<SaveTemplate>::new();
    view! {
        <section class="card" id="templates">
            <h1>{tr("templates.title")}</h1>
            <p class="hint">{tr("templates.hint")}</p>
            {move || notice().map(|n| view! {
                <p class="notice ok" role="status" id="templates-notice" data-notice=n.clone()>{t(lang, &format!("templates.notice.{n}")).to_string()}</p>
            })}
            <Suspense>
                {move || Suspend::new(async move { match templates.await {
                    Err(e) => view! { <p class="notice error" id="templates-error">{e.message(lang)}</p> }.into_any(),
                    Ok(list) => view! {
                        {list.is_empty().then(|| view! { <p class="muted" id="templates-none">{t(lang, "templates.none")}</p> })}
                        <ul class="results" id="template-list">
                            {list.into_iter().map(|tpl| view! { <TemplateItem tpl=tpl/> }).collect_view()}
                        </ul>
                        <h2>{t(lang, "templates.add")}</h2>
                        <ActionForm action=add attr:class="form" attr:id="template-form">
                            <label>{t(lang, "field.title")}<input type="text" name="title" required maxlength=domain::merchant::templates::TITLE_MAX.to_string()/></label>
                            <label>{t(lang, "field.text")}<textarea name="text" rows="4" required maxlength=domain::input::max::MESSAGE.to_string()></textarea></label>
                            <ActionErrorView error=move || add.value().get().and_then(Result::err)/>
                            <button type="submit">{t(lang, "templates.save")}</button>
                        </ActionForm>
                    }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

/// One template: its text, a form to rewrite it (folded), and delete.
#[component]
fn TemplateItem(tpl: ReplyTemplate) -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SaveTemplate>::new();
    let delete = ServerAction::<DeleteTemplate>::new();
    let id = tpl.id;
    view! {
        <li data-template=id.to_string()>
            <h3 class="template-title">{tpl.title.clone()}</h3>
            <p class="template-text">{tpl.text.clone()}</p>
            <p class="muted small">{format_local(tpl.updated_at)}</p>
            <details>
                <summary>{t(lang, "templates.edit")}</summary>
                <ActionForm action=save attr:class="form edit-template">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <label>{t(lang, "field.title")}<input type="text" name="title" required maxlength=domain::merchant::templates::TITLE_MAX.to_string() value=tpl.title.clone()/></label>
                    <label>{t(lang, "field.text")}<textarea name="text" rows="4" required maxlength=domain::input::max::MESSAGE.to_string()>{tpl.text.clone()}</textarea></label>
                    <ActionErrorView error=move || save.value().get().and_then(Result::err)/>
                    <button type="submit">{t(lang, "templates.save")}</button>
                </ActionForm>
            </details>
            <ActionForm action=delete attr:class="inline-form delete-template">
                <input type="hidden" name="id" value=id.to_string()/>
                <button type="submit" class="secondary">{t(lang, "templates.delete")}</button>
            </ActionForm>
            <ActionErrorView error=move || delete.value().get().and_then(Result::err)/>
        </li>
    }
}
