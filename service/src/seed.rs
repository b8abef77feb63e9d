//! First-start data: roles with their default grants, SLA policies, the first
//! admin, and (with the demo flag) a plausible plant.

use crate::error::{DbContext, Result};
use crate::Services;
use domain::auth::NewUserInput;
use domain::maintenance::{NewRequestInput, Priority, SlaPolicy};
use domain::perm::{default_grants, SEEDED_ROLES};
use sqlx::Row;

/// Password every demo user gets (printed in the README; demo plants only).
pub const DEMO_PASSWORD: &str = "shopfloor-demo";

pub async fn ensure_roles_and_policies(svc: &Services) -> Result<()> {
    let mut tx = svc.db.begin().await?;
    for (name, description) in SEEDED_ROLES {
        let existing = sqlx::query("SELECT id FROM roles WHERE name = $1")
            .bind(*name)
            .fetch_optional(&mut *tx)
            .await
            .ctx("find role")?;
        if existing.is_some() {
            continue; // admins own grants after first start
        }
        let id: i64 =
            sqlx::query("INSERT INTO roles (name, description) VALUES ($1, $2) RETURNING id")
                .bind(*name)
                .bind(*description)
                .fetch_one(&mut *tx)
                .await
                .ctx("insert role")?
                .try_get(0)
                .ctx("decode")?;
        for p in default_grants(name) {
            sqlx::query(
                "INSERT INTO role_permissions (role_id, module, action) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(p.module.as_str())
            .bind(p.action.as_str())
            .execute(&mut *tx)
            .await
            .ctx("grant")?;
        }
    }
    for p in Priority::ALL {
        let d = SlaPolicy::default_for(p);
        sqlx::query(
            "INSERT INTO sla_policies (priority, response_minutes, resolution_minutes) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(p.as_str())
        .bind(d.response_minutes)
        .bind(d.resolution_minutes)
        .execute(&mut *tx)
        .await
        .ctx("seed sla policy")?;
    }
    tx.commit().await.ctx("commit seed")?;
    Ok(())
}

/// Creates the first admin when there are no users. Returns the generated
/// password when none was supplied, so the caller can print it once.
pub async fn ensure_admin(
    svc: &Services,
    password: Option<&str>,
    now: i64,
) -> Result<Option<String>> {
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM users")
        .fetch_one(&svc.db.read)
        .await
        .ctx("count users")?
        .try_get(0)
        .ctx("decode")?;
    if n > 0 {
        return Ok(None);
    }
    let (pw, generated) = match password {
        Some(p) => (p.to_string(), None),
        None => {
            let p = crate::auth::new_token()[..20].to_string();
            (p.clone(), Some(p))
        }
    };
    crate::admin::insert_user(
        svc,
        None,
        &NewUserInput {
            username: "admin".into(),
            display_name: "Administrator".into(),
            password: pw,
            roles: vec!["admin".into()],
        },
        now,
    )
    .await?;
    Ok(generated)
}

/// Seeds the demo plant's BOMs and manufacturing orders once (when
/// `demo_plan` is on), after [`ensure_demo`] and the demo sales orders.
pub async fn ensure_demo_plan(svc: &Services, now: i64) -> Result<()> {
    if !svc.config.demo_plan {
        return Ok(());
    }
    crate::seed_plan::seed(svc, now).await
}

/// Seeds a demo plant once: work centres, machines, a user per role and a few
/// open requests. Safe to call on every start.
pub async fn ensure_demo(svc: &Services, now: i64) -> Result<()> {
    let have: i64 = sqlx::query("SELECT COUNT(*) FROM machines")
        .fetch_one(&svc.db.read)
        .await
        .ctx("count machines")?
        .try_get(0)
        .ctx("decode")?;
    if have > 0 {
        return Ok(());
    }
    let mut tx = svc.db.begin().await?;
    crate::seed_master::seed(&mut tx, now).await?;
    tx.commit().await.ctx("commit demo plant")?;
    let people = [
        ("planner", "Pat Planner"),
        ("supervisor", "Sam Supervisor"),
        ("operator", "Olu Operator"),
        ("quality", "Queenie Quality"),
        ("maintenance", "Thabo Technician"),
        ("warehouse", "Wendy Warehouse"),
        ("finance", "Fikile Finance"),
    ];
    for (role, name) in people {
        let r = crate::admin::insert_user(
            svc,
            None,
            &NewUserInput {
                username: role.into(),
                display_name: name.into(),
                password: DEMO_PASSWORD.into(),
                roles: vec![role.into()],
            },
            now,
        )
        .await;
        match r {
            Ok(_) => {}
            Err(crate::ServiceError::App(domain::AppError::Invalid(f)))
                if f.field == "username" => {}
            Err(e) => return Err(e),
        }
    }
    // A few requests so the list is not empty on first look.
    let operator = crate::auth::load_user(
        &svc.db,
        sqlx::query("SELECT id FROM users WHERE username = 'operator'")
            .fetch_one(&svc.db.read)
            .await
            .ctx("find operator")?
            .try_get(0)
            .ctx("decode")?,
    )
    .await?;
    let machines = crate::maintenance::machines(&svc.db).await?;
    let samples = [
        (
            "EMB-01",
            "breakdown",
            "critical",
            "Head 4 thread break sensor faulty",
            5,
        ),
        (
            "SEW-02",
            "breakdown",
            "high",
            "Needle bar jams on heavy denim",
            40,
        ),
        (
            "FIN-01",
            "preventive",
            "medium",
            "Quarterly steam trap inspection",
            120,
        ),
    ];
    for (code, kind, prio, title, minutes_ago) in samples {
        let Some(m) = machines.iter().find(|m| m.code == code) else {
            continue;
        };
        let input = NewRequestInput {
            machine_id: m.id,
            kind: kind.into(),
            priority: prio.into(),
            title: title.into(),
            description: String::new(),
            ..Default::default()
        };
        crate::maintenance::create(svc, &operator, &input, None, now - minutes_ago * 60_000)
            .await?;
    }
    Ok(())
}
