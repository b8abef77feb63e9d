//! The sales order lifecycle:
//!
//! ```text
//! draft ──confirm──▶ confirmed ──start──▶ in_production ──ship──▶ shipped ──close──▶ closed
//!   └──cancel──▶ cancelled ◀──cancel──┘
//! ```
//!
//! Cancelling is allowed from `draft` and `confirmed` only: until production
//! starts nothing has been cut, sewn or embroidered, so calling the order off
//! costs nothing but the plan. Once in production the work in progress has
//! to be dealt with (finished and stocked, or scrapped and costed) — a
//! decision for planning, not a button; once shipped the goods are with the
//! customer and a return is a new document. Closed and cancelled are final.

use crate::error::{AppError, UnknownValue};
use crate::perm::Action;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OrderStatus {
    Draft,
    Confirmed,
    InProduction,
    Shipped,
    Closed,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 6] = [
        OrderStatus::Draft,
        OrderStatus::Confirmed,
        OrderStatus::InProduction,
        OrderStatus::Shipped,
        OrderStatus::Closed,
        OrderStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Draft => "draft",
            OrderStatus::Confirmed => "confirmed",
            OrderStatus::InProduction => "in_production",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Closed => "closed",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::Draft => "Draft",
            OrderStatus::Confirmed => "Confirmed",
            OrderStatus::InProduction => "In production",
            OrderStatus::Shipped => "Shipped",
            OrderStatus::Closed => "Closed",
            OrderStatus::Cancelled => "Cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Lines and the due date may still change (a confirmed order's changes
    /// pin the BOM of any new item, as confirming did).
    pub fn is_editable(self) -> bool {
        matches!(self, OrderStatus::Draft | OrderStatus::Confirmed)
    }

    /// No further step is possible.
    pub fn is_final(self) -> bool {
        matches!(self, OrderStatus::Closed | OrderStatus::Cancelled)
    }
}

impl TryFrom<String> for OrderStatus {
    type Error = UnknownValue;
    fn try_from(value: String) -> Result<Self, UnknownValue> {
        OrderStatus::parse(&value).ok_or(UnknownValue {
            what: "order status",
            value,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OrderTransition {
    Confirm,
    Start,
    Ship,
    Close,
    Cancel,
}

impl OrderTransition {
    pub const ALL: [OrderTransition; 5] = [
        OrderTransition::Confirm,
        OrderTransition::Start,
        OrderTransition::Ship,
        OrderTransition::Close,
        OrderTransition::Cancel,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderTransition::Confirm => "confirm",
            OrderTransition::Start => "start",
            OrderTransition::Ship => "ship",
            OrderTransition::Close => "close",
            OrderTransition::Cancel => "cancel",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OrderTransition::Confirm => "Confirm",
            OrderTransition::Start => "Start production",
            OrderTransition::Ship => "Ship",
            OrderTransition::Close => "Close",
            OrderTransition::Cancel => "Cancel order",
        }
    }

    pub fn parse(s: &str) -> Option<OrderTransition> {
        OrderTransition::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Where the step leads, if it is allowed from `from`.
    pub fn target(self, from: OrderStatus) -> Option<OrderStatus> {
        use OrderStatus::*;
        use OrderTransition::*;
        match (from, self) {
            (Draft, Confirm) => Some(Confirmed),
            (Confirmed, Start) => Some(InProduction),
            (InProduction, Ship) => Some(Shipped),
            (Shipped, Close) => Some(Closed),
            (Draft | Confirmed, Cancel) => Some(Cancelled),
            _ => None,
        }
    }

    /// The state this step leads to from `from`, or a conflict (409) naming
    /// the current state and the steps it allows.
    pub fn apply(self, from: OrderStatus) -> Result<OrderStatus, AppError> {
        self.target(from).ok_or_else(|| {
            let next = OrderTransition::available_from(from);
            let allowed = if next.is_empty() {
                format!("a {} order takes no further steps", from.as_str())
            } else {
                format!(
                    "from {} the next steps are: {}",
                    from.as_str(),
                    next.iter()
                        .map(|t| t.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            AppError::conflict(format!(
                "cannot {} an order that is {}; {allowed}",
                self.as_str(),
                from.as_str()
            ))
        })
    }

    /// The steps a user could take from `from` (for the buttons and the 409).
    pub fn available_from(from: OrderStatus) -> Vec<OrderTransition> {
        OrderTransition::ALL
            .into_iter()
            .filter(|t| t.target(from).is_some())
            .collect()
    }

    /// The permission a step needs on the orders module: confirming commits
    /// the plant (and freezes BOM versions) and cancelling calls it off, so
    /// both are APPROVE; moving a confirmed order along is UPDATE.
    pub fn required_action(self) -> Action {
        match self {
            OrderTransition::Confirm | OrderTransition::Cancel => Action::Approve,
            _ => Action::Update,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus::*;
    use OrderTransition::*;

    const LEGAL: [(OrderStatus, OrderTransition, OrderStatus); 6] = [
        (Draft, Confirm, Confirmed),
        (Confirmed, Start, InProduction),
        (InProduction, Ship, Shipped),
        (Shipped, Close, Closed),
        (Draft, Cancel, Cancelled),
        (Confirmed, Cancel, Cancelled),
    ];

    #[test]
    fn every_legal_step_and_every_other_refused_naming_state_and_next() {
        for (from, t, to) in LEGAL {
            assert_eq!(t.apply(from), Ok(to), "{from:?} --{t:?}-->");
        }
        for from in OrderStatus::ALL {
            for t in OrderTransition::ALL {
                if LEGAL.iter().any(|(f, tt, _)| *f == from && *tt == t) {
                    continue;
                }
                let Err(AppError::Conflict { message }) = t.apply(from) else {
                    panic!("{from:?} --{t:?}--> should be refused");
                };
                assert!(message.contains(from.as_str()), "{message}");
                for next in OrderTransition::available_from(from) {
                    assert!(message.contains(next.as_str()), "{message}");
                }
            }
        }
        assert_eq!(
            Ship.apply(Draft).unwrap_err().to_string(),
            "cannot ship an order that is draft; from draft the next steps are: confirm, cancel"
        );
        assert_eq!(
            Cancel.apply(InProduction).unwrap_err().to_string(),
            "cannot cancel an order that is in_production; from in_production the next steps are: ship"
        );
        assert_eq!(
            Start.apply(Closed).unwrap_err().to_string(),
            "cannot start an order that is closed; a closed order takes no further steps"
        );
    }

    #[test]
    fn stored_values_read_back_or_fail() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::try_from(s.as_str().to_string()), Ok(s));
        }
        assert!(OrderStatus::try_from("open".to_string()).is_err());
        for t in OrderTransition::ALL {
            assert_eq!(OrderTransition::parse(t.as_str()), Some(t));
        }
    }

    #[test]
    fn editable_and_final_states() {
        let editable: Vec<_> = OrderStatus::ALL
            .into_iter()
            .filter(|s| s.is_editable())
            .collect();
        assert_eq!(editable, vec![Draft, Confirmed]);
        for s in OrderStatus::ALL {
            assert_eq!(s.is_final(), OrderTransition::available_from(s).is_empty());
        }
        assert_eq!(Confirm.required_action(), Action::Approve);
        assert_eq!(Ship.required_action(), Action::Update);
    }
}
