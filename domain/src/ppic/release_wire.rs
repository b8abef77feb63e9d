//! Releasing many manufacturing orders in one call: what is asked, and
//! what was done.

use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Most orders one bulk release takes.
pub const MAX_RELEASE_BATCH: usize = 2_000;

/// Draft orders to release together: all or none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReleaseManyInput {
    /// The orders' ids, 1 to 2,000, each once.
    pub orders: Vec<i64>,
}

impl ReleaseManyInput {
    /// The ids, checked: some, not too many, each once, each an id.
    pub fn parse(&self) -> Result<Vec<i64>, AppError> {
        if self.orders.is_empty() {
            return Err(AppError::field("orders", "name at least one order"));
        }
        if self.orders.len() > MAX_RELEASE_BATCH {
            return Err(AppError::field(
                "orders",
                format!("at most {MAX_RELEASE_BATCH} orders at once"),
            ));
        }
        let mut seen = BTreeSet::new();
        for id in &self.orders {
            if *id <= 0 {
                return Err(AppError::field(
                    "orders",
                    format!("{id} is not an order's id"),
                ));
            }
            if !seen.insert(*id) {
                return Err(AppError::field(
                    "orders",
                    format!("order {id} is named twice"),
                ));
            }
        }
        Ok(self.orders.clone())
    }
}

/// One order released.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReleasedOrder {
    pub id: i64,
    pub number: String,
    pub version: i64,
    /// The child orders made for its sub-assemblies.
    pub child_orders: Vec<String>,
}

/// What a bulk release did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReleasedMany {
    pub released: Vec<ReleasedOrder>,
    /// Jobs whose planned times changed when the floor was planned again.
    pub jobs_replanned: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_names_its_orders_once_each_and_not_too_many() {
        let ok = ReleaseManyInput {
            orders: vec![3, 1, 2],
        };
        assert_eq!(ok.parse(), Ok(vec![3, 1, 2]));
        for bad in [
            vec![],
            vec![1, 1],
            vec![0],
            vec![-4],
            vec![1; MAX_RELEASE_BATCH + 1],
        ] {
            let e = ReleaseManyInput {
                orders: bad.clone(),
            }
            .parse()
            .unwrap_err();
            assert_eq!(
                e.field_error().map(|f| f.field.as_str()),
                Some("orders"),
                "{bad:?}"
            );
        }
    }
}
