//! Shopfloor load benchmark.
//!
//! Seeds (or reuses) a SQLite database with N maintenance requests, starts the
//! release server on it, and drives 50 concurrent clients through list,
//! detail, create and transition; then does the same against "the floor": a
//! minimal axum handler in this process running the same queries on the same
//! database with no auth, idempotency or rendering. Prints p50/p95/p99 and
//! throughput for both, their ratio, and the size of what the browser
//! downloads. Then issue 8's section ([`bom`]): BOM explosion and cost in
//! memory and through REST, where-used and item search, each against its
//! floor. Run: `cargo run --release -p bench -- --seconds 10`;
//! `--only bom` runs issue 8's section alone; `--only plan` and
//! `--only plan-db` issue 9's planning figures in memory and on a database.

mod bom;
mod bom_floor;
mod bom_rest;
mod bom_seed;
mod bom_tree;
mod bundle;
mod floor;
mod plan;
mod plan_db;
mod plan_db_bulk;
mod plan_db_phases;
mod plan_db_setup;
mod seed;

use rand::Rng;
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use bundle::{brotli_len, route_downloads};
use floor::start_floor;
use seed::seed;

struct Args {
    seconds: u64,
    clients: usize,
    rows: i64,
    server_bin: String,
    /// Requests per second for the open-loop phase (all clients together).
    open_rate: f64,
    /// Only the download sizes, no load (`--downloads-only`).
    downloads_only: bool,
    /// Only these operations (`--only create,list`); all when empty.
    only: Vec<Op>,
    /// Issue 8's section: run it (`--only bom` runs nothing else).
    bom: bool,
    /// Issue 9's planning figures (`--only plan`).
    plan: bool,
    /// Issue 9's release and drag on a database (`--only plan-db`).
    plan_db: bool,
    /// The maintenance operations (false after `--only bom`).
    maintenance: bool,
    /// Clients for issue 8's REST measurements.
    bom_clients: usize,
}

fn args() -> Args {
    let mut a = Args {
        seconds: 10,
        clients: 50,
        rows: 100_000,
        server_bin: "target/release/shopfloor".into(),
        open_rate: 500.0,
        downloads_only: false,
        only: Vec::new(),
        bom: true,
        plan: true,
        plan_db: true,
        maintenance: true,
        bom_clients: 10,
    };
    let v: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < v.len() {
        let val = v.get(i + 1).cloned().unwrap_or_default();
        if v[i] == "--downloads-only" {
            a.downloads_only = true;
            i += 1;
            continue;
        }
        match v[i].as_str() {
            "--seconds" => a.seconds = val.parse().expect("--seconds N"),
            "--clients" => a.clients = val.parse().expect("--clients N"),
            "--rows" => a.rows = val.parse().expect("--rows N"),
            "--server-bin" => a.server_bin = val,
            "--open-rate" => a.open_rate = val.parse().expect("--open-rate N"),
            "--bom-clients" => a.bom_clients = val.parse().expect("--bom-clients N"),
            "--only" => {
                let names: Vec<&str> = val.split(',').collect();
                a.bom = names.contains(&"bom");
                a.plan = names.contains(&"plan");
                a.plan_db = names.contains(&"plan-db");
                a.only = names
                    .into_iter()
                    .filter(|o| !["bom", "plan", "plan-db"].contains(o))
                    .map(|o| match o {
                        "list" => Op::List,
                        "detail" => Op::Detail,
                        "create" => Op::Create,
                        "transition" => Op::Transition,
                        other => panic!("--only takes list, detail, create, transition, bom, plan, plan-db; not {other}"),
                    })
                    .collect();
                a.maintenance = !a.only.is_empty();
            }
            other => panic!(
                "unknown flag {other}; flags: --seconds --clients --rows --server-bin --open-rate --only --downloads-only --bom-clients"
            ),
        }
        i += 2;
    }
    a
}

// ---------------- load ----------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    List,
    Detail,
    Create,
    Transition,
}

struct Outcome {
    latencies_us: Vec<u64>,
    errors: u64,
    first_error: Option<String>,
    elapsed: Duration,
}

/// How the clients send.
#[derive(Clone, Copy)]
enum Load {
    /// Closed loop: each client sends its next request as soon as the last
    /// is answered, for `seconds`: the server's saturation throughput.
    Closed { seconds: u64 },
    /// Open loop: each client sends on a fixed schedule (together `rate` per
    /// second) whatever the answers do, and latency is counted from when a
    /// request was due, so a server that falls behind shows it (no
    /// coordinated omission). 50 people using the plant, not 50 scripts.
    Open { seconds: u64, rate: f64 },
}

async fn run(base: &str, token: &str, op: Op, clients: usize, rows: i64, load: Load) -> Outcome {
    use tokio::time::Instant;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let base = base.to_string();
        let auth = format!("Bearer {token}");
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .pool_max_idle_per_host(2)
                .build()
                .unwrap();
            let own = if op == Op::Transition {
                Some(own_request(&http, &base, &auth, c).await)
            } else {
                None
            };
            let (mut lat, mut errors, mut first_error) = (Vec::new(), 0u64, None);
            let begun = Instant::now();
            for n in 1u64.. {
                // When this request counts from; None when the client is done.
                let due = match load {
                    Load::Closed { seconds } => {
                        Some(Instant::now()).filter(|t| *t < begun + Duration::from_secs(seconds))
                    }
                    Load::Open { seconds, rate } => {
                        let interval = Duration::from_secs_f64(clients as f64 / rate);
                        // Spread the clients' first sends over one interval.
                        let first = begun + interval.mul_f64(c as f64 / clients as f64);
                        let due = first + interval.mul_f64((n - 1) as f64);
                        (due < begun + Duration::from_secs(seconds)).then_some(due)
                    }
                };
                let Some(due) = due else { break };
                tokio::time::sleep_until(due).await;
                let req = request_for(&http, &base, op, c, n, rows, own);
                match req.header("authorization", &auth).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        lat.push(due.elapsed().as_micros() as u64);
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

/// A request of its own for a transition client, acknowledged and started,
/// which it then moves between waiting for parts and in progress.
async fn own_request(http: &reqwest::Client, base: &str, auth: &str, c: usize) -> i64 {
    let r = http
        .post(format!("{base}/api/v1/maintenance/requests"))
        .header("authorization", auth)
        .json(&json!({"machine_id": 1, "kind": "breakdown", "priority": "low", "title": format!("bench client {c}")}))
        .send()
        .await
        .unwrap();
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    for step in ["acknowledge", "start"] {
        http.post(format!("{base}/api/v1/maintenance/requests/{id}/{step}"))
            .header("authorization", auth)
            .send()
            .await
            .unwrap();
    }
    id
}

/// The n-th request of client c for an operation.
fn request_for(
    http: &reqwest::Client,
    base: &str,
    op: Op,
    c: usize,
    n: u64,
    rows: i64,
    own: Option<i64>,
) -> reqwest::RequestBuilder {
    let mut rng = rand::thread_rng();
    match op {
        Op::List => http.get(format!("{base}/api/v1/maintenance/requests?limit=50&offset={}", rng.gen_range(0..20) * 50)),
        Op::Detail => http.get(format!("{base}/api/v1/maintenance/requests/{}", rng.gen_range(1..=rows))),
        Op::Create => http
            .post(format!("{base}/api/v1/maintenance/requests"))
            .header("idempotency-key", format!("bench-{c}-{n}-{}", rng.gen::<u32>()))
            .json(&json!({"machine_id": 1 + (n % 10) as i64, "kind": "breakdown", "priority": "medium", "title": format!("bench create {c}-{n}")})),
        Op::Transition => {
            let step = if n % 2 == 1 { "wait_for_parts" } else { "resume" };
            http.post(format!("{base}/api/v1/maintenance/requests/{}/{step}", own.unwrap()))
        }
    }
}

/// Prints one table row of figures (and the first error, if any) and adds it to the report.
fn report_row(report: &mut String, op: Op, name: &str, o: &Outcome) {
    let line = format!(
        "| {op:?} | {name} | {} | {} | {:.0} | {:.1} | {:.1} | {:.1} |",
        o.latencies_us.len(),
        o.errors,
        o.latencies_us.len() as f64 / o.elapsed.as_secs_f64(),
        pct(&o.latencies_us, 0.50),
        pct(&o.latencies_us, 0.95),
        pct(&o.latencies_us, 0.99)
    );
    println!("{line}");
    report.push_str(&line);
    report.push('\n');
    if let Some(e) = &o.first_error {
        println!(
            "    first error: {}",
            e.chars().take(200).collect::<String>()
        );
    }
}

fn pct(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

fn wait_ready(base: &str) {
    for _ in 0..200 {
        if let Ok(mut s) = std::net::TcpStream::connect(base.trim_start_matches("http://")) {
            use std::io::{Read, Write};
            let _ = s.write_all(b"GET /readyz HTTP/1.0\r\n\r\n");
            let mut buf = String::new();
            let _ = s.read_to_string(&mut buf);
            if buf.contains("200") {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("server at {base} did not become ready");
}

/// Starts the release server on `db_url` and waits until it is ready;
/// dropping the guard stops it.
fn spawn_server(bin: &str, db_url: &str) -> (Guard, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let child = Command::new(bin)
        .env("DATABASE_URL", db_url)
        .env("SHOPFLOOR_BIND", format!("127.0.0.1:{port}"))
        .env("SHOPFLOOR_LOG", "warn")
        .env("SHOPFLOOR_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .stdout(Stdio::null())
        .spawn()
        .expect("start the release server");
    let guard = Guard(child);
    wait_ready(&base);
    (guard, base)
}

struct Guard(Child);
impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

/// The first admin's password, set when the bench database is first served.
const ADMIN_PASSWORD: &str = "bench-admin-password";

/// The server's allocator, so the in-memory figures are what the server
/// would see.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    let a = args();
    let needs_server = a.maintenance || a.bom || a.downloads_only;
    if needs_server && !std::path::Path::new(&a.server_bin).exists() {
        eprintln!(
            "{} is missing: build it first with `scripts/build.sh`",
            a.server_bin
        );
        std::process::exit(2);
    }
    if a.plan && !a.downloads_only {
        let report = plan::section();
        std::fs::create_dir_all("target/bench").unwrap();
        std::fs::write("target/bench/report-plan.md", &report).unwrap();
    }
    if a.plan_db && !a.downloads_only {
        let report = plan_db::section(ADMIN_PASSWORD).await;
        std::fs::create_dir_all("target/bench").unwrap();
        std::fs::write("target/bench/report-plan-db.md", &report).unwrap();
        println!("written to target/bench/report-plan-db.md");
    }
    if !a.maintenance && !a.bom && !a.downloads_only {
        return;
    }
    if !a.maintenance && !a.downloads_only {
        let report = bom::section(&a).await;
        std::fs::write("target/bench/report-bom.md", &report).unwrap();
        println!("\nwritten to target/bench/report-bom.md");
        return;
    }
    let db_path = format!("target/bench/bench-{}.db", a.rows);
    let db_url = seed(&db_path, a.rows).await;

    let (guard, base) = spawn_server(&a.server_bin, &db_url);
    let token = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "maintenance", "password": service::seed::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let ops: Vec<Op> = if a.only.is_empty() {
        vec![Op::List, Op::Detail, Op::Create, Op::Transition]
    } else {
        a.only.clone()
    };
    if a.downloads_only {
        route_downloads(&base, ADMIN_PASSWORD).await;
        return;
    }
    let floor = start_floor(&db_url).await;
    // Who is measured: Shopfloor through its REST API, and the floor.
    let targets = [
        ("shopfloor", base.as_str(), token.as_str()),
        ("floor", floor.as_str(), "none"),
    ];

    println!(
        "\n{} clients, {} s per operation and target, {} seeded requests, SQLite\n",
        a.clients, a.seconds, a.rows
    );
    let header = "| operation | target | requests | errors | req/s | p50 ms | p95 ms | p99 ms |";
    println!("{header}\n|---|---|---:|---:|---:|---:|---:|---:|");
    let mut report = format!("{header}\n|---|---|---:|---:|---:|---:|---:|---:|\n");
    let mut ratios = Vec::new();
    for op in ops.clone() {
        let mut tput = [0.0; 2];
        for (i, (name, url, tok)) in targets.into_iter().enumerate() {
            let o = run(
                url,
                tok,
                op,
                a.clients,
                a.rows,
                Load::Closed { seconds: a.seconds },
            )
            .await;
            tput[i] = o.latencies_us.len() as f64 / o.elapsed.as_secs_f64();
            report_row(&mut report, op, name, &o);
        }
        ratios.push((op, tput[0] / tput[1]));
    }
    println!();
    for (op, r) in &ratios {
        let line = format!(
            "{op:?}: Shopfloor throughput is {:.2} × the floor's (target ≥ 0.50)",
            r
        );
        println!("{line}");
        report.push_str(&format!("\n{line}"));
    }
    // Open loop: the same operations at a steady, plant-like rate.
    let header = format!(
        "Open loop: {} clients sending {:.0} req/s together on a fixed schedule, latency from when each request was due",
        a.clients, a.open_rate
    );
    println!("\n{header}\n");
    report.push_str(&format!("\n\n{header}\n\n"));
    let table = "| operation | target | requests | errors | req/s | p50 ms | p95 ms | p99 ms |\n|---|---|---:|---:|---:|---:|---:|---:|";
    println!("{table}");
    report.push_str(table);
    report.push('\n');
    for op in ops.clone() {
        for (name, url, tok) in targets {
            let o = run(
                url,
                tok,
                op,
                a.clients,
                a.rows,
                Load::Open {
                    seconds: a.seconds,
                    rate: a.open_rate,
                },
            )
            .await;
            report_row(&mut report, op, name, &o);
        }
    }
    println!("\nThe main files built (target: wasm < 400 KB brotli):");
    report.push_str("\n\n| file | raw KB | brotli KB |\n|---|---:|---:|\n");
    for f in ["shopfloor.wasm", "shopfloor.js", "shopfloor.css"] {
        let p = format!("target/site/pkg/{f}");
        match std::fs::read(&p) {
            Ok(bytes) => {
                let line = format!(
                    "| {f} | {:.1} | {:.1} |",
                    bytes.len() as f64 / 1024.0,
                    brotli_len(&bytes) as f64 / 1024.0
                );
                println!("  {line}");
                report.push_str(&line);
                report.push('\n');
            }
            Err(e) => println!("  {p}: {e}"),
        }
    }
    report.push_str(&route_downloads(&base, ADMIN_PASSWORD).await);
    drop(guard);
    if a.bom {
        report.push_str(&bom::section(&a).await);
    }
    std::fs::write("target/bench/report.md", &report).unwrap();
    println!("\nwritten to target/bench/report.md");
}
