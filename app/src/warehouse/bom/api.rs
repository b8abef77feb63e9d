//! Server functions for the BOM screens: each checks the session, calls one
//! service function, and maps its error.

use crate::codec::Json;
use domain::bom::{
    BomEdit, BomInput, BomPage, BomSaved, BomSearch, BomValidation, BomVersion, BomView, CostRollup,
};
use domain::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::ssr::{current_user, fail, now};

#[server(prefix = "/sfn", endpoint = "warehouse/bom/list", input = Json)]
pub async fn bom_list(q: String, offset: i64) -> Result<BomPage, AppError> {
    let (svc, user) = current_user().await?;
    service::bom::list(&svc, &user, Some(&q), Some(50), Some(offset))
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "warehouse/bom/get", input = Json)]
pub async fn bom_get(id: i64) -> Result<BomView, AppError> {
    let (svc, user) = current_user().await?;
    service::bom::get(&svc, &user, id).await.map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "warehouse/bom/versions", input = Json)]
pub async fn bom_versions(id: i64) -> Result<Vec<BomVersion>, AppError> {
    let (svc, user) = current_user().await?;
    service::bom::versions(&svc, &user, id).await.map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "warehouse/bom/validate", input = Json)]
pub async fn bom_validate(form: BomInput) -> Result<BomValidation, AppError> {
    let (svc, user) = current_user().await?;
    service::bom::validate_form(&svc, &user, &form)
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "warehouse/bom/create", input = Json)]
pub async fn bom_create(idempotency_key: String, form: BomInput) -> Result<BomSaved, AppError> {
    let (svc, user) = current_user().await?;
    service::bom::create(&svc, &user, &form, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "warehouse/bom/update", input = Json)]
pub async fn bom_update(
    idempotency_key: String,
    id: i64,
    edit: BomEdit,
) -> Result<BomSaved, AppError> {
    let (svc, user) = current_user().await?;
    service::bom::update(&svc, &user, id, &edit, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "warehouse/bom/cost", input = Json)]
pub async fn bom_cost(id: i64, qty: String, variant: String) -> Result<CostRollup, AppError> {
    let (svc, user) = current_user().await?;
    service::bom::cost_bom(&svc, &user, id, Some(&qty), Some(&variant))
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "warehouse/bom/where-used", input = Json)]
pub async fn bom_where_used(component: String) -> Result<BomSearch, AppError> {
    let (svc, user) = current_user().await?;
    service::bom::search(&svc, &user, Some(&component), None, None)
        .await
        .map_err(fail)
}
