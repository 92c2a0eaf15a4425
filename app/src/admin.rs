//! Admin pages: creating staff accounts.

use domain::{AppError, Role, t};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::{ActionErrorView, UserResource};
use crate::i18n::{tr, use_lang};

/// An admin creates an account of any role; its address counts as verified.
#[server(endpoint = "admin/create_staff")]
pub async fn create_staff(
    email: String,
    password: String,
    display_name: String,
    role: String,
) -> Result<(), AppError> {
    crate::ssr::require_role(&[Role::Admin]).await?;
    let svc = crate::ssr::services()?;
    let input = services::accounts::NewUser {
        email,
        password,
        display_name,
        role,
        lang: crate::i18n::use_lang(),
    };
    services::accounts::create_user(&svc, input, true).await?;
    leptos_axum::redirect("/admin/users?notice=created");
    Ok(())
}

#[component]
pub fn StaffPage() -> impl IntoView {
    let user = expect_context::<UserResource>();
    let action = ServerAction::<CreateStaff>::new();
    let lang = use_lang();
    let q = use_query_map();
    let created = move || q.read().get("notice").as_deref() == Some("created");
    view! {
        <section class="card narrow">
            <h1>{tr("admin.staff_title")}</h1>
            <Suspense>
                {move || user.get().map(|u| match u.ok().flatten() {
                    Some(u) if u.role == Role::Admin => view! {
                        {created().then(|| view! { <p class="notice ok" role="status">{t(lang, "admin.staff_created")}</p> })}
                        <ActionForm action=action attr:class="form" attr:id="staff-form">
                            <label>{t(lang, "field.display_name")}<input type="text" name="display_name" required maxlength="50"/></label>
                            <label>{t(lang, "field.email")}<input type="email" name="email" required/></label>
                            <label>{t(lang, "field.password")}<input type="password" name="password" required minlength="8" autocomplete="new-password"/></label>
                            <label>{t(lang, "field.role")}
                                <select name="role">
                                    {Role::ALL.into_iter().filter(|r| r.is_staff()).map(|r| view! {
                                        <option value=r.as_str()>{t(lang, r.label_key())}</option>
                                    }).collect_view()}
                                </select>
                            </label>
                            <ActionErrorView error=move || action.value().get().and_then(Result::err)/>
                            <button type="submit">{t(lang, "admin.create")}</button>
                        </ActionForm>
                    }.into_any(),
                    Some(_) => view! { <p class="notice error">{t(lang, "err.forbidden")}</p> }.into_any(),
                    None => view! { <p class="notice error">{t(lang, "err.not_signed_in")}" "<a href="/login">{t(lang, "auth.login")}</a></p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
