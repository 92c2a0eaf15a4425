//! Admin pages: creating staff accounts, the working-day calendar, the
//! personal-data access log.

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
    let admin = crate::ssr::require_role(&[Role::Admin]).await?;
    let svc = crate::ssr::services()?;
    let input = services::accounts::NewUser {
        email,
        password,
        display_name,
        role,
        lang: crate::i18n::use_lang(),
    };
    services::accounts::create_by_admin(&svc, &admin, input).await?;
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
                {move || Suspend::new(async move { match user.await.ok().flatten() {
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
                } })}
            </Suspense>
        </section>
    }
}

/// The holiday calendar as the admin sees it: (date, kind, note).
#[server(endpoint = "admin/calendar")]
pub async fn calendar_days() -> Result<Vec<(String, String, String)>, AppError> {
    crate::ssr::require_role(&[Role::Admin]).await?;
    let svc = crate::ssr::services()?;
    Ok(services::record::calendar::days(&svc.db)
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
    services::record::calendar::edit(&svc, date, kind, &note).await?;
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
                {move || Suspend::new(async move { match days.await {
                    Err(e) => view! { <p class="notice error">{e.message(lang)}</p> }.into_any(),
                    Ok(list) => view! {
                        <table tabindex="0" class="cases" id="calendar">
                            <tbody>
                                {list.into_iter().map(|(d, k, n)| view! {
                                    <tr data-day=d.clone()><td>{d.clone()}</td><td>{t(lang, if k == "holiday" { "admin.day_holiday" } else { "admin.day_workday" })}</td><td>{n}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

/// One line of the personal-data access log, as the admin page shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PiiAccessRow {
    pub id: i32,
    pub staff_name: String,
    pub staff_role: String,
    pub case_id: i32,
    pub case_number: String,
    pub fields: String,
    pub reason: String,
    /// When, Beijing time (`domain::calendar::format_local`).
    pub at: String,
}

/// The newest unmasked reads of consumers' personal data (admins only).
#[server(endpoint = "admin/pii_log")]
pub async fn pii_log() -> Result<Vec<PiiAccessRow>, AppError> {
    let user = crate::ssr::require_role(&[Role::Admin]).await?;
    let svc = crate::ssr::services()?;
    Ok(access_rows(
        services::cases::privacy::access_log(&svc, &user, 500).await?,
    ))
}

/// The log's lines as the pages show them (the admin's log, a consumer's own).
#[cfg(feature = "ssr")]
pub(crate) fn access_rows(rows: Vec<domain::cases::AccessView>) -> Vec<PiiAccessRow> {
    rows.into_iter()
        .map(|r| PiiAccessRow {
            id: r.id,
            staff_name: r.staff_name,
            staff_role: r.staff_role,
            case_id: r.case_id,
            case_number: r.case_number,
            fields: r.fields,
            reason: r.reason,
            at: domain::calendar::format_local(r.at),
        })
        .collect()
}

/// A role's name from its identifier (`mediator` → 调解员).
pub(crate) fn role_text(lang: domain::Lang, role: &str) -> String {
    Role::parse(role)
        .map(|x| t(lang, x.label_key()).to_string())
        .unwrap_or_else(|| role.to_string())
}

/// `name,narrative` → 姓名、投诉内容
pub(crate) fn fields_text(lang: domain::Lang, fields: &str) -> String {
    fields
        .split(',')
        .map(|p| t(lang, &format!("pii.field.{}", p.trim())).to_string())
        .collect::<Vec<_>>()
        .join(if lang == domain::Lang::Zh {
            "、"
        } else {
            ", "
        })
}

/// `/admin/pii-log`: who saw which consumer's data unmasked, on which case, and why.
#[component]
pub fn PiiLogPage() -> impl IntoView {
    let lang = use_lang();
    let rows = Resource::new(|| (), |_| pii_log());
    let fields = move |f: &str| fields_text(lang, f);
    view! {
        <section class="card">
            <h1>{t(lang, "admin.pii_log")}</h1>
            <Suspense>
                {move || Suspend::new(async move { match rows.await {
                    Err(AppError::Unauthorized { .. }) => view! {
                        <p class="notice error" id="pii-refused">{t(lang, "err.not_signed_in")}" "<a href="/login">{t(lang, "auth.login")}</a></p>
                    }.into_any(),
                    Err(AppError::Forbidden) => view! {
                        <p class="notice error" id="pii-refused">{t(lang, "admin.only")}</p>
                    }.into_any(),
                    Err(e) => view! { <p class="notice error">{e.message(lang)}</p> }.into_any(),
                    Ok(list) => {
                        let empty = list.is_empty();
                        view! {
                            <p class="muted">{t(lang, "admin.pii.intro")}</p>
                            {empty.then(|| view! { <p class="muted" id="pii-empty">{t(lang, "admin.pii.empty")}</p> })}
                            <table tabindex="0" class="cases" id="pii-log" class:hidden=empty>
                                <thead><tr>
                                    <th>{t(lang, "admin.pii.staff")}</th>
                                    <th>{t(lang, "admin.pii.role")}</th>
                                    <th>{t(lang, "admin.pii.case")}</th>
                                    <th>{t(lang, "admin.pii.fields")}</th>
                                    <th>{t(lang, "admin.pii.reason")}</th>
                                    <th>{t(lang, "admin.pii.at")}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|r| {
                                        let role = role_text(lang, &r.staff_role);
                                        view! {
                                            <tr data-entry=r.id.to_string() data-case=r.case_id.to_string() data-role=r.staff_role.clone()>
                                                <td class="staff">{r.staff_name.clone()}</td>
                                                <td class="role">{role}</td>
                                                <td class="case nowrap"><a href=format!("/cases/{}", r.case_id)>{r.case_number.clone()}</a></td>
                                                <td class="fields" data-fields=r.fields.clone()>{fields(&r.fields)}</td>
                                                <td class="reason">{r.reason.clone()}</td>
                                                <td class="at nowrap">{r.at.clone()}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }
                } })}
            </Suspense>
        </section>
    }
}
