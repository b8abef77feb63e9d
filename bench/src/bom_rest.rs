//! Issue 8 through REST: closed-loop clients against the release server and
//! the floor (explode, cost, where-used, item search), and, in-process, where
//! a request's time goes (the service call alone and the JSON it answers).

use crate::bom_seed::{search_term, Seeded};
use crate::bom_tree::THREAD;
use crate::{pct, Outcome};
use domain::master::{ItemRecord, ListParams};
use rand::rngs::ThreadRng;
use rand::Rng;
use std::sync::Arc;
use std::time::{Duration, Instant};

type UrlFor = Arc<dyn Fn(&mut ThreadRng) -> String + Send + Sync>;

/// `clients` closed-loop clients sending GETs for `seconds`. With `bump`,
/// each request follows a change of the catalog's version in the database
/// (as a master-data or BOM write would make; not timed), so the server
/// cannot answer from its catalog cache.
async fn drive(
    base: &str,
    token: &str,
    clients: usize,
    seconds: u64,
    url: UrlFor,
    bump: Option<sqlx::AnyPool>,
) -> Outcome {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (base, url, bump) = (base.to_string(), url.clone(), bump.clone());
        let auth = format!("Bearer {token}");
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let (mut lat, mut errors, mut first_error) = (Vec::new(), 0u64, None);
            let end = Instant::now() + Duration::from_secs(seconds);
            while Instant::now() < end {
                let path = url(&mut rand::thread_rng());
                if let Some(db) = &bump {
                    sqlx::query("UPDATE catalog_version SET version = version + 1 WHERE id = 1")
                        .execute(db)
                        .await
                        .unwrap();
                }
                let t = Instant::now();
                match http
                    .get(format!("{base}{path}"))
                    .header("authorization", &auth)
                    .send()
                    .await
                {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        lat.push(t.elapsed().as_micros() as u64);
                    }
                    Ok(r) => {
                        errors += 1;
                        if first_error.is_none() {
                            first_error = Some(format!(
                                "{} {}",
                                r.status(),
                                r.text().await.unwrap_or_default()
                            ));
                        }
                    }
                    Err(e) => {
                        errors += 1;
                        first_error.get_or_insert(e.to_string());
                    }
                }
            }
            (lat, errors, first_error)
        }));
    }
    let mut out = Outcome {
        latencies_us: Vec::new(),
        errors: 0,
        first_error: None,
        elapsed: Duration::ZERO,
    };
    for t in tasks {
        let (l, e, f) = t.await.unwrap();
        out.latencies_us.extend(l);
        out.errors += e;
        if out.first_error.is_none() {
            out.first_error = f;
        }
    }
    out.elapsed = started.elapsed();
    out.latencies_us.sort_unstable();
    out
}

/// The REST table, printed and returned as markdown.
pub(crate) async fn rest_rows(
    base: &str,
    floor: &str,
    root: i64,
    clients: usize,
    seconds: u64,
    db: &sqlx::AnyPool,
) -> String {
    let token = crate::bundle::sign_in(
        &reqwest::Client::new(),
        base,
        "admin",
        crate::ADMIN_PASSWORD,
    )
    .await;
    let explode: UrlFor = Arc::new(move |r: &mut ThreadRng| {
        format!(
            "/api/v1/warehouse/bom/{root}/explode?qty={}",
            r.gen_range(1..100)
        )
    });
    let ops: Vec<(&str, &str, UrlFor)> = vec![
        ("explode", "p95 < 50 ms", explode.clone()),
        (
            "explode, catalog changed before each request (cold)",
            "p95 < 50 ms",
            explode,
        ),
        (
            "cost",
            "",
            Arc::new(move |r: &mut ThreadRng| {
                format!(
                    "/api/v1/warehouse/bom/{root}/cost?qty={}",
                    r.gen_range(1..100)
                )
            }),
        ),
        (
            "where-used",
            "p95 < 20 ms",
            Arc::new(|_: &mut ThreadRng| {
                format!("/api/v1/warehouse/bom/search?component={THREAD}")
            }),
        ),
        (
            "item search",
            "p95 < 10 ms",
            Arc::new(|r: &mut ThreadRng| {
                let q = search_term(r).replace(' ', "%20");
                format!("/api/v1/master/items?q={q}&limit=50")
            }),
        ),
    ];
    let head = format!(
        "\nThrough REST with the database: {clients} clients, closed loop, {seconds} s per operation and target\n\n\
         | operation | target | requests | errors | req/s | p50 ms | p95 ms | p99 ms | answer KB | goal |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|---|\n"
    );
    print!("{head}");
    let mut out = head;
    let mut ratios = String::from("\n");
    let http = reqwest::Client::new();
    for (name, goal, url) in ops {
        let mut figures = Vec::new();
        for (target, at, tok) in [
            ("shopfloor", base, token.as_str()),
            ("floor", floor, "none"),
        ] {
            // One answer's size (the same request for both targets).
            let sample = url(&mut rand::thread_rng());
            let size = http
                .get(format!("{at}{sample}"))
                .header("authorization", format!("Bearer {tok}"))
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .map(|b| b.len())
                .unwrap_or(0);
            let bump = name.ends_with("(cold)").then(|| db.clone());
            let o = drive(at, tok, clients, seconds, url.clone(), bump).await;
            let rps = o.latencies_us.len() as f64 / o.elapsed.as_secs_f64();
            let line = format!(
                "| {name} | {target} | {} | {} | {rps:.0} | {:.1} | {:.1} | {:.1} | {:.0} | {} |",
                o.latencies_us.len(),
                o.errors,
                pct(&o.latencies_us, 0.50),
                pct(&o.latencies_us, 0.95),
                pct(&o.latencies_us, 0.99),
                size as f64 / 1024.0,
                if target == "shopfloor" { goal } else { "" }
            );
            println!("{line}");
            out.push_str(&line);
            out.push('\n');
            if let Some(e) = &o.first_error {
                println!(
                    "    first error: {}",
                    e.chars().take(200).collect::<String>()
                );
            }
            figures.push((rps, pct(&o.latencies_us, 0.95)));
        }
        ratios.push_str(&format!(
            "{name}: Shopfloor throughput {:.2} × the floor's; p95 {:.1} × the floor's\n",
            figures[0].0 / figures[1].0,
            figures[0].1 / figures[1].1
        ));
    }
    print!("{ratios}");
    out.push_str(&ratios);
    out
}

/// In-process calls of the service functions the REST handlers call, one
/// at a time: how much of a request is the service (queries, decoding and
/// domain work) and how much its JSON.
pub(crate) struct Probe<'a> {
    seeded: &'a Seeded,
    user: domain::auth::CurrentUser,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

impl<'a> Probe<'a> {
    pub(crate) async fn new(seeded: &'a Seeded) -> Probe<'a> {
        let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'admin'")
            .fetch_one(&seeded.svc.db.read)
            .await
            .unwrap();
        let user = domain::auth::CurrentUser {
            id,
            username: "admin".into(),
            display_name: "Bench admin".into(),
            roles: vec!["admin".into()],
            permissions: domain::perm::default_grants("admin"),
            totp_enabled: false,
        };
        Probe { seeded, user }
    }

    /// Median of 20 sequential calls of `f`, and of serialising its answer.
    async fn time<T: serde::Serialize, F: std::future::Future<Output = T>>(
        &self,
        f: impl Fn() -> F,
    ) -> (f64, f64, usize) {
        let (mut call, mut json, mut size) = (Vec::new(), Vec::new(), 0);
        for _ in 0..20 {
            let t = Instant::now();
            let v = f().await;
            call.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            size = serde_json::to_vec(&v).unwrap().len();
            json.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        (median(call), median(json), size)
    }

    pub(crate) async fn breakdown(&self) -> String {
        let (svc, u, root) = (&self.seeded.svc, &self.user, self.seeded.root_bom);
        let rows = [
            (
                "explode, nothing kept (the first read since start)",
                self.time(|| async move {
                    svc.bom_cache.clear_all();
                    service::bom::explode_bom(svc, u, root, Some("10"), None)
                        .await
                        .unwrap()
                })
                .await,
            ),
            (
                "explode, cold (catalog loaded afresh: the first read after any change)",
                self.time(|| async move {
                    svc.bom_cache.clear();
                    service::bom::explode_bom(svc, u, root, Some("10"), None)
                        .await
                        .unwrap()
                })
                .await,
            ),
            (
                "explode (catalog unchanged since the last read)",
                self.time(|| async move {
                    service::bom::explode_bom(svc, u, root, Some("10"), None)
                        .await
                        .unwrap()
                })
                .await,
            ),
            (
                "cost, cold",
                self.time(|| async move {
                    svc.bom_cache.clear();
                    service::bom::cost_bom(svc, u, root, Some("10"), None)
                        .await
                        .unwrap()
                })
                .await,
            ),
            (
                "cost (catalog unchanged)",
                self.time(|| async move {
                    service::bom::cost_bom(svc, u, root, Some("10"), None)
                        .await
                        .unwrap()
                })
                .await,
            ),
            (
                "where-used",
                self.time(|| async move {
                    service::bom::search(svc, u, Some(THREAD), None, None)
                        .await
                        .unwrap()
                })
                .await,
            ),
            (
                "item search (q=cotton)",
                self.time(|| async move {
                    let p = ListParams {
                        q: "cotton".into(),
                        ..ListParams::default()
                    };
                    service::master::list::<ItemRecord>(&svc.db, u, &p)
                        .await
                        .unwrap()
                })
                .await,
            ),
        ];
        let mut out = String::from(
            "\nWhere the time goes: the service function called in-process, one call at a time (median of 20), and serialising its answer\n\n\
             | operation | service call ms | to JSON ms | answer KB |\n|---|---:|---:|---:|\n",
        );
        for (name, (call, json, size)) in rows {
            out.push_str(&format!(
                "| {name} | {call:.2} | {json:.2} | {:.0} |\n",
                size as f64 / 1024.0
            ));
        }
        print!("{out}");
        out
    }
}
