//! Account roles and what each may do on its own.

use serde::{Deserialize, Serialize};

/// Who an account is. Consumers and merchants register themselves; every other
/// role is staff and is created only by an admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Consumer,
    Merchant,
    Mediator,
    Arbitrator,
    FundAdmin,
    Regulator,
    Admin,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Consumer,
        Role::Merchant,
        Role::Mediator,
        Role::Arbitrator,
        Role::FundAdmin,
        Role::Regulator,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Consumer => "consumer",
            Role::Merchant => "merchant",
            Role::Mediator => "mediator",
            Role::Arbitrator => "arbitrator",
            Role::FundAdmin => "fund_admin",
            Role::Regulator => "regulator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// Staff roles are never self-registered.
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Consumer | Role::Merchant)
    }

    /// The i18n key of the role's display name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Consumer => "role.consumer",
            Role::Merchant => "role.merchant",
            Role::Mediator => "role.mediator",
            Role::Arbitrator => "role.arbitrator",
            Role::FundAdmin => "role.fund_admin",
            Role::Regulator => "role.regulator",
            Role::Admin => "role.admin",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn only_consumers_and_merchants_are_not_staff() {
        let not_staff: Vec<_> = Role::ALL.into_iter().filter(|r| !r.is_staff()).collect();
        assert_eq!(not_staff, vec![Role::Consumer, Role::Merchant]);
    }
}
