//! Suppliers: who materials are bought from, with their lead time.

use super::common::Entity;
use super::parties;
use crate::error::{Result, ServiceError};
use crate::Services;
use domain::auth::CurrentUser;
use domain::master::{PartyInput, SupplierRecord, Versioned};

#[derive(sqlx::FromRow)]
pub struct SupplierRow {
    id: i64,
    code: String,
    name: String,
    email: String,
    phone: String,
    address: String,
    lead_time_days: i64,
    archived_at: Option<i64>,
    version: i64,
}

impl Entity for SupplierRecord {
    const TABLE: &'static str = "suppliers";
    const WHAT: &'static str = "supplier";
    const SELECT: &'static str =
        "SELECT x.id, x.code, x.name, x.email, x.phone, x.address, x.lead_time_days, \
        x.archived_at, x.version FROM suppliers x";
    type Row = SupplierRow;

    fn decode(r: SupplierRow) -> Result<Self> {
        let lead_time_days = u32::try_from(r.lead_time_days).map_err(|_| {
            ServiceError::Internal(format!("supplier {}: lead time {}", r.id, r.lead_time_days))
        })?;
        Ok(SupplierRecord {
            id: r.id,
            code: r.code,
            name: r.name,
            email: r.email,
            phone: r.phone,
            address: r.address,
            lead_time_days,
            archived: r.archived_at.is_some(),
            version: r.version,
        })
    }
    fn id(&self) -> i64 {
        self.id
    }
    fn code(&self) -> &str {
        &self.code
    }
    fn version(&self) -> i64 {
        self.version
    }
}

pub async fn create(
    svc: &Services,
    user: &CurrentUser,
    input: &PartyInput,
    key: Option<&str>,
    now: i64,
) -> Result<SupplierRecord> {
    parties::create(svc, user, input, key, now).await
}

pub async fn update(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    input: &Versioned<PartyInput>,
    key: Option<&str>,
    now: i64,
) -> Result<SupplierRecord> {
    parties::update(svc, user, id, input, key, now).await
}
