//! Customers: who sales orders are for.

use super::common::{Entity, Ref};
use super::parties;
use crate::error::Result;
use crate::Services;
use domain::auth::CurrentUser;
use domain::master::{CustomerRecord, PartyInput, Versioned};

#[derive(sqlx::FromRow)]
pub struct CustomerRow {
    id: i64,
    code: String,
    name: String,
    email: String,
    phone: String,
    address: String,
    archived_at: Option<i64>,
    version: i64,
}

impl Entity for CustomerRecord {
    const TABLE: &'static str = "customers";
    const WHAT: &'static str = "customer";
    const SELECT: &'static str =
        "SELECT x.id, x.code, x.name, x.email, x.phone, x.address, x.archived_at, x.version \
        FROM customers x";
    const REFS: &'static [Ref] = &[];
    type Row = CustomerRow;

    fn decode(r: CustomerRow) -> Result<Self> {
        Ok(CustomerRecord {
            id: r.id,
            code: r.code,
            name: r.name,
            email: r.email,
            phone: r.phone,
            address: r.address,
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
) -> Result<CustomerRecord> {
    parties::create(svc, user, input, key, now).await
}

pub async fn update(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    input: &Versioned<PartyInput>,
    key: Option<&str>,
    now: i64,
) -> Result<CustomerRecord> {
    parties::update(svc, user, id, input, key, now).await
}
