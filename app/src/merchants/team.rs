//! `/merchants/team`: the business's accounts — the main account invites
//! staff by e-mail, withdraws invitations and removes staff; a staff member
//! sees the team and may leave. `/merchants/team/join?token=`: the mailed
//! invitation, accepted signed in or with a new account. Every form works
//! with JavaScript off; the services decide who may.

use domain::calendar::format_local;
use domain::merchant::team::{InvitationView, TeamView};
use domain::{AppError, t, tf};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::{ActionErrorView, UserResource};
use crate::i18n::{tr, use_lang};

#[server(endpoint = "team/view")]
pub async fn my_team() -> Result<TeamView, AppError> {
    let u = crate::ssr::require_role(&[domain::Role::Merchant]).await?;
    let svc = crate::ssr::services()?;
    services::merchants::team::team(&svc, &u).await
}

#[server(endpoint = "team/invite")]
pub async fn invite_staff(email: String, name: String) -> Result<(), AppError> {
    let u = crate::ssr::require_role(&[domain::Role::Merchant]).await?;
    let svc = crate::ssr::services()?;
    let lang = crate::i18n::use_lang();
    let input = domain::merchant::team::InviteInput { email, name };
    services::merchants::team::invite(&svc, &u, &input, lang).await?;
    leptos_axum::redirect("/merchants/team?notice=invited");
    Ok(())
}

#[server(endpoint = "team/revoke")]
pub async fn revoke_invitation(id: i32) -> Result<(), AppError> {
    let u = crate::ssr::require_role(&[domain::Role::Merchant]).await?;
    let svc = crate::ssr::services()?;
    services::merchants::team::revoke(&svc, &u, id).await?;
    leptos_axum::redirect("/merchants/team?notice=revoked");
    Ok(())
}

#[server(endpoint = "team/remove")]
pub async fn remove_staff(user_id: i32) -> Result<(), AppError> {
    let u = crate::ssr::require_role(&[domain::Role::Merchant]).await?;
    let svc = crate::ssr::services()?;
    services::merchants::team::remove(&svc, &u, user_id).await?;
    if user_id == u.id {
        leptos_axum::redirect("/account?notice=left_team");
    } else {
        leptos_axum::redirect("/merchants/team?notice=removed");
    }
    Ok(())
}

#[server(endpoint = "team/invitation")]
pub async fn load_invitation(token: String) -> Result<InvitationView, AppError> {
    let svc = crate::ssr::services()?;
    services::merchants::team::invitation(&svc, &token).await
}

#[server(endpoint = "team/join")]
pub async fn join_team(
    token: String,
    name: Option<String>,
    password: Option<String>,
) -> Result<(), AppError> {
    let svc = crate::ssr::services()?;
    let caller = crate::ssr::current_user().await?;
    let lang = crate::i18n::use_lang();
    let input = domain::merchant::team::JoinInput {
        token,
        name: name.filter(|n| !n.trim().is_empty()),
        password: password.filter(|p| !p.is_empty()),
    };
    let joined = services::merchants::team::join(&svc, caller.as_ref(), &input, lang).await?;
    if caller.is_some_and(|c| c.id == joined.id) {
        leptos_axum::redirect("/merchants/team?notice=joined");
    } else {
        leptos_axum::redirect("/login?notice=joined");
    }
    Ok(())
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    let notice = move || q.read().get("notice");
    let team = Resource::new(|| (), |_| my_team());
    let invite = ServerAction::<InviteStaff>::new();
    view! {
        <section class="card" id="team">
            <h1>{tr("team.title")}</h1>
            <p class="hint">{tr("team.hint")}</p>
            {move || notice().map(|n| view! {
                <p class="notice ok" role="status" id="team-notice" data-notice=n.clone()>{t(lang, &format!("team.notice.{n}")).to_string()}</p>
            })}
            <Suspense>
                {move || Suspend::new(async move { match team.await {
                    Err(e) => view! { <p class="notice error" id="team-error">{e.message(lang)}</p> }.into_any(),
                    Ok(v) => view! { <TeamBody team=v invite=invite/> }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

#[component]
fn TeamBody(team: TeamView, invite: ServerAction<InviteStaff>) -> impl IntoView {
    let lang = use_lang();
    let manages = team.manages;
    view! {
        <p class="muted" id="team-business">{t(lang, "field.merchant")}": "<a href=format!("/merchants/{}", team.merchant_id)>{team.merchant_name.clone()}</a></p>
        <div class="table-scroll">
            <table class="cases" id="team-members" tabindex="0">
                <caption>{t(lang, "team.members")}</caption>
                <thead><tr>
                    <th scope="col">{t(lang, "team.name")}</th>
                    <th scope="col">{t(lang, "field.email")}</th>
                    <th scope="col">{t(lang, "team.kind")}</th>
                    <th scope="col">{t(lang, "team.since")}</th>
                    <th scope="col"><span class="visually-hidden">{t(lang, "team.actions")}</span></th>
                </tr></thead>
                <tbody>
                    {team.members.into_iter().map(|m| {
                        let removable = !m.main;
                        view! {
                            <tr data-user=m.user_id.to_string() data-main=m.main.to_string()>
                                <td>{m.name.clone()}</td>
                                <td>{m.email.clone()}</td>
                                <td>{t(lang, if m.main { "team.main" } else { "team.staff" })}</td>
                                <td class="nowrap">{format_local(m.since)}</td>
                                <td>{(removable && (manages || m.you)).then(|| view! { <RemoveForm user_id=m.user_id mine=m.you/> })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {manages.then(|| view! {
            <h2>{t(lang, "team.invitations")}</h2>
            {team.invitations.is_empty().then(|| view! { <p class="muted" id="invitations-none">{t(lang, "team.invitations_none")}</p> })}
            <ul class="results" id="invitations">
                {team.invitations.into_iter().map(|i| view! { <Invitation id=i.id email=i.email name=i.name expires=format_local(i.expires_at)/> }).collect_view()}
            </ul>
            <h2>{t(lang, "team.invite")}</h2>
            <p class="hint">{t(lang, "team.invite_hint")}</p>
            <ActionForm action=invite attr:class="form" attr:id="invite-form">
                <label>{t(lang, "field.email")}<input type="email" name="email" required maxlength="254" autocomplete="off"/></label>
                <label>{t(lang, "team.name")}<input type="text" name="name" required maxlength="50"/></label>
                <ActionErrorView error=move || invite.value().get().and_then(Result::err)/>
                <button type="submit">{t(lang, "team.invite_submit")}</button>
            </ActionForm>
        })}
    }
}

#[component]
fn Invitation(id: i32, email: String, name: String, expires: String) -> impl IntoView {
    let lang = use_lang();
    let revoke = ServerAction::<RevokeInvitation>::new();
    view! {
        <li data-invitation=id.to_string()>
            <strong>{name}</strong>" · "{email}" · "<span class="muted">{tf(lang, "team.expires", &[&expires])}</span>
            <ActionForm action=revoke attr:class="inline-form">
                <input type="hidden" name="id" value=id.to_string()/>
                <button type="submit" class="secondary">{t(lang, "team.revoke")}</button>
            </ActionForm>
            <ActionErrorView error=move || revoke.value().get().and_then(Result::err)/>
        </li>
    }
}

/// The main account's "remove"; a staff member's own row says "leave".
#[component]
fn RemoveForm(user_id: i32, mine: bool) -> impl IntoView {
    let lang = use_lang();
    let remove = ServerAction::<RemoveStaff>::new();
    view! {
        <ActionForm action=remove attr:class="inline-form">
            <input type="hidden" name="user_id" value=user_id.to_string()/>
            <button type="submit" class="secondary">{t(lang, if mine { "team.leave" } else { "team.remove" })}</button>
        </ActionForm>
        <ActionErrorView error=move || remove.value().get().and_then(Result::err)/>
    }
}

/// `/merchants/team/join?token=`.
#[component]
pub fn JoinTeamPage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    let token = q.read_untracked().get("token").unwrap_or_default();
    let invitation = Resource::new(
        {
            let token = token.clone();
            move || token.clone()
        },
        load_invitation,
    );
    let me = expect_context::<UserResource>();
    let join = ServerAction::<JoinTeam>::new();
    view! {
        <section class="card narrow" id="join-team">
            <h1>{tr("team.join_title")}</h1>
            <Suspense>
                {move || {
                    let token = token.clone();
                    Suspend::new(async move {
                        let me = me.await.ok().flatten();
                        match invitation.await {
                            Err(e) => view! { <p class="notice error" id="join-error">{e.message(lang)}</p> }.into_any(),
                            Ok(i) => view! {
                                <p id="join-invitation">{tf(lang, "team.join_intro", &[&i.name, &i.merchant_name])}</p>
                                <p class="muted">{tf(lang, "team.expires", &[&format_local(i.expires_at)])}</p>
                                {match (i.account_exists, me) {
                                    (true, None) => view! {
                                        <p class="notice warn" id="join-sign-in">{tf(lang, "team.join_sign_in", &[&i.email])}" "<a href="/login">{t(lang, "auth.login")}</a></p>
                                    }.into_any(),
                                    (true, Some(u)) if u.email != i.email => view! {
                                        <p class="notice warn" id="join-other-account">{tf(lang, "team.join_other_account", &[&u.email, &i.email])}</p>
                                    }.into_any(),
                                    (exists, _) => view! {
                                        <ActionForm action=join attr:class="form" attr:id="join-form">
                                            <input type="hidden" name="token" value=token.clone()/>
                                            {(!exists).then(|| view! {
                                                <p class="hint">{tf(lang, "team.join_new_account", &[&i.email])}</p>
                                                <label>{t(lang, "team.name")}<input type="text" name="name" required maxlength="50" value=i.name.clone()/></label>
                                                <label>{t(lang, "field.password")}<input type="password" name="password" required minlength="8" maxlength="128" autocomplete="new-password"/></label>
                                            })}
                                            <ActionErrorView error=move || join.value().get().and_then(Result::err)/>
                                            <button type="submit">{t(lang, "team.join_submit")}</button>
                                        </ActionForm>
                                    }.into_any(),
                                }}
                            }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}
