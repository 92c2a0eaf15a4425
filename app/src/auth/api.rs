//! Server functions behind the account forms. Each is a few lines over
//! `services::accounts`.

use domain::user::DemoAccount;
use domain::{AppError, UserView};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::ssr::{client_ip, services, set_cookie};

#[server(endpoint = "auth/current_user")]
pub async fn current_user() -> Result<Option<UserView>, AppError> {
    crate::ssr::current_user().await
}

#[server(endpoint = "auth/register")]
pub async fn register(
    email: String,
    password: String,
    display_name: String,
    role: String,
) -> Result<(), AppError> {
    let svc = services()?;
    let input = services::accounts::NewUser {
        email,
        password,
        display_name,
        role,
        lang: crate::i18n::use_lang(),
    };
    services::accounts::register(&svc, input, &client_ip()).await?;
    leptos_axum::redirect("/login?notice=registered");
    Ok(())
}

#[server(endpoint = "auth/login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let svc = services()?;
    let (_, token) = services::accounts::login(&svc, &email, &password, &client_ip()).await?;
    set_cookie(services::accounts::cookies::session_cookie(
        &token,
        svc.config.secure_cookies,
    ));
    // `?next=` of the login page (the home page's "file a complaint" link):
    // a path on this site only, else the dashboard.
    leptos_axum::redirect(domain::accounts::local_next(next.as_deref()).unwrap_or("/dashboard"));
    Ok(())
}

#[server(endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    let svc = services()?;
    if let Some(token) = crate::ssr::session_token() {
        services::accounts::logout(&svc, &token).await?;
    }
    set_cookie(services::accounts::cookies::clear_session_cookie(
        svc.config.secure_cookies,
    ));
    leptos_axum::redirect("/");
    Ok(())
}

#[server(endpoint = "auth/verify_email")]
pub async fn verify_email(token: String) -> Result<UserView, AppError> {
    services::accounts::verify_email(&services()?, &token).await
}

#[server(endpoint = "auth/resend_verification")]
pub async fn resend_verification() -> Result<(), AppError> {
    let u = crate::ssr::require_user().await?;
    services::accounts::resend_verification(&services()?, u.id).await?;
    leptos_axum::redirect("/dashboard?notice=sent");
    Ok(())
}

#[server(endpoint = "auth/request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    services::accounts::request_password_reset(&services()?, &email, &client_ip()).await?;
    leptos_axum::redirect("/forgot?notice=sent");
    Ok(())
}

#[server(endpoint = "auth/reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    services::accounts::reset_password(&services()?, &token, &password).await?;
    leptos_axum::redirect("/login?notice=reset");
    Ok(())
}

/// The demo accounts, only when the server runs with demo data.
#[server(endpoint = "auth/demo_accounts")]
pub async fn demo_accounts() -> Result<Vec<DemoAccount>, AppError> {
    let svc = services()?;
    Ok(if svc.config.demo_data {
        services::demo::accounts()
    } else {
        vec![]
    })
}

/// The signed-in account's real-name identity, the number masked (none for
/// an account without one, staff and merchants included).
#[server(endpoint = "auth/identity")]
pub async fn my_identity() -> Result<Option<domain::identity::IdentityView>, AppError> {
    let u = crate::ssr::require_user().await?;
    services::accounts::identity::of_user(&services()?.db, u.id).await
}

/// A consumer adds their real-name identity (实名认证).
#[server(endpoint = "auth/set_identity")]
pub async fn set_identity(real_name: String, resident_id: String) -> Result<(), AppError> {
    let u = crate::ssr::require_user().await?;
    let input = domain::identity::IdentityInput {
        real_name,
        resident_id,
    };
    services::accounts::identity::set(&services()?, &u, &input).await?;
    leptos_axum::redirect("/dashboard?notice=identity#identity");
    Ok(())
}
