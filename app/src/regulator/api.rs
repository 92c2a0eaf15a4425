//! Server functions behind the regulator's workspace and the public red and
//! black lists; each checks who is asking and calls `services`.

use domain::credit::risk::RiskWarning;
use domain::credit::{ListEntryView, PublicListEntry};
use domain::merchant::{MerchantSummary, RecordRequestView, RecordView, VerificationView};
use domain::{AppError, Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The workspace's sections, each a plain `?tab=` link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tab {
    Verifications,
    Findings,
    Requests,
    Proposals,
    Risk,
    Export,
    Screening,
}

impl Tab {
    pub const ALL: [Tab; 7] = [
        Tab::Verifications,
        Tab::Findings,
        Tab::Requests,
        Tab::Proposals,
        Tab::Risk,
        Tab::Export,
        Tab::Screening,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Tab::Verifications => "verifications",
            Tab::Findings => "findings",
            Tab::Requests => "requests",
            Tab::Proposals => "proposals",
            Tab::Risk => "risk",
            Tab::Export => "export",
            Tab::Screening => "screening",
        }
    }

    pub fn parse(s: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.as_str() == s.trim())
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Tab::Verifications => "reg.tab.verifications",
            Tab::Findings => "reg.tab.findings",
            Tab::Requests => "reg.tab.requests",
            Tab::Proposals => "reg.tab.proposals",
            Tab::Risk => "reg.tab.risk",
            Tab::Export => "reg.tab.export",
            Tab::Screening => "nav.screening",
        }
    }

    /// The sections `role` works in, as the services allow: regulators all
    /// of them; admins verify merchants and read the risk warnings.
    pub fn for_role(role: Role) -> Vec<Tab> {
        match role {
            Role::Regulator => Tab::ALL.to_vec(),
            Role::Admin => vec![Tab::Verifications, Tab::Risk],
            _ => vec![],
        }
    }
}

/// The misconduct form's context: today (Beijing) for the date field, and the
/// credit file of the merchant asked about (`?merchant=`), every record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingsData {
    pub today: String,
    pub merchant: Option<MerchantSummary>,
    pub records: Vec<RecordView>,
}

/// What one section shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Section {
    Verifications(Vec<VerificationView>),
    Findings(FindingsData),
    Requests(Vec<RecordRequestView>),
    Proposals(Vec<ListEntryView>),
    /// The stored warnings, open first; regulators may acknowledge them.
    Risk {
        warnings: Vec<RiskWarning>,
        can_acknowledge: bool,
    },
    Export,
    Screening(Vec<domain::screening::ScreeningView>),
    /// A section of the workspace this (admin) reader does not work in.
    RegulatorOnly,
}

/// The workspace as one reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegulatorData {
    pub tabs: Vec<Tab>,
    pub tab: Tab,
    pub section: Section,
}

/// One section of the workspace. `tab` empty means the reader's first
/// section; `merchant` is the merchant whose credit file the misconduct
/// section shows.
#[server(endpoint = "regulator/load")]
pub async fn load_regulator(tab: String, merchant: Option<i32>) -> Result<RegulatorData, AppError> {
    let user = crate::ssr::require_role(&[Role::Regulator, Role::Admin]).await?;
    let svc = crate::ssr::services()?;
    let tabs = Tab::for_role(user.role);
    let tab = Tab::parse(&tab).unwrap_or(tabs[0]);
    if !tabs.contains(&tab) {
        return Ok(RegulatorData {
            tabs,
            tab,
            section: Section::RegulatorOnly,
        });
    }
    let section = match tab {
        Tab::Verifications => Section::Verifications(
            services::merchants::verification::list(
                &svc,
                &user,
                Some(domain::merchant::VerificationStatus::Pending),
            )
            .await?,
        ),
        Tab::Findings => {
            let today = domain::calendar::local_date(svc.clock.now()).to_string();
            let found = match merchant {
                Some(id) => match services::merchants::find_summary(&svc, id).await {
                    Ok(m) => Some(m),
                    Err(AppError::NotFound) => None,
                    Err(e) => return Err(e),
                },
                None => None,
            };
            let records = match &found {
                Some(m) => services::credit::records::list(&svc, Some(&user), m.id).await?,
                None => vec![],
            };
            Section::Findings(FindingsData {
                today,
                merchant: found,
                records,
            })
        }
        Tab::Requests => Section::Requests(
            services::credit::due_process::list(&svc, &user, Some("pending")).await?,
        ),
        Tab::Proposals => Section::Proposals(services::credit::lists::pending(&svc, &user).await?),
        Tab::Risk => Section::Risk {
            warnings: services::credit::risk::list(&svc, &user, None).await?,
            can_acknowledge: user.role == Role::Regulator,
        },
        Tab::Export => Section::Export,
        Tab::Screening => Section::Screening(services::cases::screening::queue(&svc, &user).await?),
    };
    Ok(RegulatorData { tabs, tab, section })
}

/// A regulator (or admin) verifies a merchant's request (`approve=true`) or
/// rejects it (`approve=false`, reason required).
#[server(endpoint = "regulator/verification")]
pub async fn decide_verification(
    id: i32,
    approve: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let approve = yes_no(&approve, "approve")?;
    let v = services::merchants::verification::decide(
        &crate::ssr::services()?,
        &user,
        id,
        approve,
        reason.as_deref(),
    )
    .await?;
    leptos_axum::redirect(&format!(
        "/regulator?tab=verifications&done={}&id={id}",
        v.status.as_str()
    ));
    Ok(())
}

/// A regulator records a finding of misconduct against a merchant named by
/// its number or its USCC; the page then shows the merchant's credit file
/// with the new record.
#[server(endpoint = "regulator/finding")]
pub async fn record_finding(
    merchant: String,
    kind: String,
    severity: String,
    summary: String,
    evidence: String,
    occurred_on: String,
) -> Result<(), AppError> {
    let user = crate::ssr::require_role(&[Role::Regulator]).await?;
    let svc = crate::ssr::services()?;
    let merchant_id = merchant_ref(&svc, &merchant).await?;
    let input = domain::credit::FindingInput::from_form(
        &kind,
        &severity,
        &summary,
        &evidence,
        &occurred_on,
    );
    let r = services::credit::records::create_finding(&svc, &user, merchant_id, &input)
        .await
        .map_err(|e| match e {
            AppError::NotFound => AppError::invalid("merchant", "err.merchant.unknown"),
            e => e,
        })?;
    leptos_axum::redirect(&format!(
        "/regulator?tab=findings&merchant={merchant_id}&record={}",
        r.id
    ));
    Ok(())
}

/// A regulator decides an objection or a repair application (`grant`), with reasons.
#[server(endpoint = "regulator/request")]
pub async fn decide_request(id: i32, grant: String, reason: String) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let grant = yes_no(&grant, "grant")?;
    let v =
        services::credit::due_process::decide(&crate::ssr::services()?, &user, id, grant, &reason)
            .await?;
    leptos_axum::redirect(&format!(
        "/regulator?tab=requests&done=request&id={id}&status={}",
        v.status
    ));
    Ok(())
}

/// A regulator confirms or refuses a red or black list proposal, with reasons.
#[server(endpoint = "regulator/list")]
pub async fn decide_proposal(id: i32, confirm: String, reason: String) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let confirm = yes_no(&confirm, "confirm")?;
    let v = services::credit::lists::decide(&crate::ssr::services()?, &user, id, confirm, &reason)
        .await?;
    leptos_axum::redirect(&format!(
        "/regulator?tab=proposals&done=list&id={id}&status={}",
        v.status.as_str()
    ));
    Ok(())
}

/// A regulator upholds or clears a filing-pattern review (职业索赔筛查), with reasons.
#[server(endpoint = "regulator/screening")]
pub async fn decide_screening(id: i32, uphold: String, reason: String) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let uphold = yes_no(&uphold, "uphold")?;
    let input = domain::screening::ScreeningDecisionInput { uphold, reason };
    let v = services::cases::screening::decide(&crate::ssr::services()?, &user, id, &input).await?;
    leptos_axum::redirect(&format!(
        "/regulator?tab=screening&done=screening&id={id}&status={}",
        v.status.as_str()
    ));
    Ok(())
}

/// A regulator acknowledges a risk warning with a note.
#[server(endpoint = "regulator/risk_ack")]
pub async fn acknowledge_risk(id: i32, note: String) -> Result<(), AppError> {
    let user = crate::ssr::require_user().await?;
    let input = domain::credit::risk::AcknowledgeInput { note: Some(note) };
    services::credit::risk::acknowledge(&crate::ssr::services()?, &user, id, &input).await?;
    leptos_axum::redirect(&format!("/regulator?tab=risk&done=risk_ack&id={id}"));
    Ok(())
}

/// A published list (`red` or `black`): confirmed entries, newest first.
#[server(endpoint = "lists/public")]
pub async fn load_public_list(kind: String) -> Result<Vec<PublicListEntry>, AppError> {
    let kind = domain::credit::ListKind::parse(&kind).ok_or(AppError::NotFound)?;
    services::credit::lists::list_public(&crate::ssr::services()?, kind).await
}

/// `true` / `false` from a form's button.
#[cfg(feature = "ssr")]
fn yes_no(v: &str, field: &str) -> Result<bool, AppError> {
    match v.trim() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(AppError::invalid(field, "err.decision_unknown")),
    }
}

/// The merchant a form names: its number, or its USCC.
#[cfg(feature = "ssr")]
async fn merchant_ref(svc: &services::Services, v: &str) -> Result<i32, AppError> {
    let v = v.trim();
    if v.is_empty() {
        return Err(AppError::invalid("merchant", "err.required"));
    }
    if v.len() <= 9 && v.chars().all(|c| c.is_ascii_digit()) {
        return v
            .parse()
            .map_err(|_| AppError::invalid("merchant", "err.merchant.unknown"));
    }
    let uscc = domain::Uscc::parse(v).map_err(|e| AppError::invalid("merchant", e.key()))?;
    services::merchants::find_by_name_or_uscc(svc, uscc.as_str(), 10)
        .await?
        .into_iter()
        .find(|m| m.uscc == uscc.as_str())
        .map(|m| m.id)
        .ok_or_else(|| AppError::invalid("merchant", "err.merchant.unknown"))
}
