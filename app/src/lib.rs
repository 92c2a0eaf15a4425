//! The Gongdao UI: one module per feature, each with its pages and the server
//! functions behind their forms. Server functions stay a few lines and call
//! `services`.
// Deep view trees (the merchant page) outgrow the default when rendered on the server.
#![recursion_limit = "256"]

pub mod account;
pub mod admin;
pub mod admin_accounts;
pub mod admin_platforms;
pub mod auth;
pub mod cases;
pub mod charts;
pub mod complaints;
pub mod components;
pub mod credit;
pub mod dashboard;
pub mod dev;
pub mod fund;
pub mod home;
pub mod i18n;
pub mod inbox;
pub mod merchants;
pub mod regulator;
pub mod search;
pub mod site;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

use crate::components::Layout;
use crate::i18n::{tr, use_lang};

/// The HTML document around the app (server side only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    ssr::set_content_security_policy();
    let lang = use_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.html_lang()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                // Content-addressed names when the build hashed them (`hash.txt`
                // beside the binary), so browsers may keep them for a year.
                <HashedStylesheet id="leptos" options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = use_lang();
    provide_context(lang);
    view! {
        <Title text=tr("app.name")/>
        <Router>
            <Layout>
                <Routes fallback=|| view! { <p class="notice">{tr("err.not_found")}</p> }>
                    <Route path=path!("/") view=home::HomePage ssr=SsrMode::InOrder/>
                    <Route path=path!("/search") view=search::SearchPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/complaints") view=complaints::ComplaintsPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/complaints/:id") view=complaints::ComplaintRecordPage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=auth::LoginPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/register") view=auth::RegisterPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/verify") view=auth::VerifyPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/forgot") view=auth::ForgotPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/reset") view=auth::ResetPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/dashboard") view=dashboard::DashboardPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/cases") view=cases::CasesPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/cases/new") view=cases::NewCasePage ssr=SsrMode::InOrder/>
                    <Route path=path!("/cases/new/review") view=cases::FilingReviewPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/cases/:id") view=cases::CasePage ssr=SsrMode::Async/>
                    <Route path=path!("/staff/workload") view=cases::WorkloadPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/fund") view=fund::FundPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/fund/admin") view=fund::FundAdminPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/merchants/register") view=merchants::MyBusinessPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/merchants/team") view=merchants::TeamPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/merchants/team/join") view=merchants::JoinTeamPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/merchants/templates") view=merchants::TemplatesPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/merchants/:id") view=merchants::MerchantPage ssr=SsrMode::Async/>
                    <Route path=path!("/credit/method") view=credit::MethodPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/inbox") view=inbox::InboxPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/admin/calendar") view=admin::CalendarPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/admin/users") view=admin::StaffPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/admin/pii-log") view=admin::PiiLogPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/admin/accounts") view=admin_accounts::AccountsPage ssr=SsrMode::InOrder/>
                    // Async: the page clears the one-time key cookie, so its
                    // headers wait for the whole page.
                    <Route path=path!("/admin/organisations") view=admin_platforms::OrganisationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=account::AccountPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/account/email") view=account::ConfirmEmailPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/regulator") view=regulator::RegulatorPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/regulator/dashboard") view=regulator::RegulatorDashboardPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/lists/:kind") view=regulator::PublicListPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/dev/mailbox") view=dev::MailboxPage ssr=SsrMode::InOrder/>
                </Routes>
            </Layout>
        </Router>
    }
}
