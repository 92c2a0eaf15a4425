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

/// The holiday calendar as the admin sees it: (date, kind, note).
#[server(endpoint = "admin/calendar")]
pub async fn calendar_days() -> Result<Vec<(String, String, String)>, AppError> {
    crate::ssr::require_role(&[Role::Admin]).await?;
    let svc = crate::ssr::services()?;
    Ok(services::cases::calendar::days(&svc.db)
        .await?
        .into_iter()
        .map(|(d, k, n)| {
            let kind = match k {
                domain::calendar::DayKind::Holiday => "holiday",
                domain::calendar::DayKind::Workday => "workday",
            };
            (d.to_string(), kind.to_string(), n)
        })
        .collect())
}

/// Sets one day: `holiday`, `workday` (a make-up working day) or `normal` (remove the entry).
#[server(endpoint = "admin/calendar/set")]
pub async fn set_calendar_day(day: String, kind: String, note: String) -> Result<(), AppError> {
    crate::ssr::require_role(&[Role::Admin]).await?;
    let svc = crate::ssr::services()?;
    let date = chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid("day", "err.date_invalid"))?;
    let kind = match kind.as_str() {
        "holiday" => Some(domain::calendar::DayKind::Holiday),
        "workday" => Some(domain::calendar::DayKind::Workday),
        "normal" => None,
        _ => return Err(AppError::invalid("kind", "err.day_kind")),
    };
    services::cases::calendar::set_day(&svc.db, date, kind, &note).await?;
    leptos_axum::redirect("/admin/calendar");
    Ok(())
}

#[component]
pub fn CalendarPage() -> impl IntoView {
    let lang = use_lang();
    let days = Resource::new(|| (), |_| calendar_days());
    let set = ServerAction::<SetCalendarDay>::new();
    view! {
        <section class="card">
            <h1>{t(lang, "admin.calendar_title")}</h1>
            <p class="muted">{t(lang, "admin.calendar_intro")}</p>
            <ActionForm action=set attr:class="form" attr:id="calendar-form">
                <div class="row">
                    <label>{t(lang, "field.day")}<input type="date" name="day" required/></label>
                    <label>{t(lang, "field.kind")}
                        <select name="kind">
                            <option value="holiday">{t(lang, "admin.day_holiday")}</option>
                            <option value="workday">{t(lang, "admin.day_workday")}</option>
                            <option value="normal">{t(lang, "admin.day_normal")}</option>
                        </select>
                    </label>
                    <label>{t(lang, "field.note")}<input type="text" name="note" maxlength="100"/></label>
                </div>
                <ActionErrorView error=move || set.value().get().and_then(Result::err)/>
                <button type="submit">{t(lang, "admin.save")}</button>
            </ActionForm>
            <Suspense>
                {move || days.get().map(|r| match r {
                    Err(e) => view! { <p class="notice error">{e.message(lang)}</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="cases" id="calendar">
                            <tbody>
                                {list.into_iter().map(|(d, k, n)| view! {
                                    <tr data-day=d.clone()><td>{d.clone()}</td><td>{t(lang, if k == "holiday" { "admin.day_holiday" } else { "admin.day_workday" })}</td><td>{n}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
