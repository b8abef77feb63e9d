//! What each main route makes the browser download when it is opened: the
//! files its HTML names from `/pkg` (the shell's script, the main wasm, the
//! stylesheet) plus, with `--split`, its lazy route's wasm and the chunks
//! that route needs, as the split manifest lists them (the server preloads
//! them from the HTML when it can; otherwise the browser fetches the same
//! files while hydrating). Each file is counted as built, raw and
//! brotli-compressed. `end2end/tests/bundle.spec.ts` checks in Chromium that
//! opening a page fetches exactly these files.

use std::collections::{BTreeSet, HashMap};

/// The first page a user meets; its download must stay under this.
const FIRST_PAGE_BUDGET_KB: f64 = 250.0;

pub(crate) fn brotli_len(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
    std::io::Write::write_all(&mut w, bytes).unwrap();
    drop(w);
    out.len()
}

/// Every `/pkg/<file>` the HTML refers to.
fn pkg_files(html: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = html;
    while let Some(i) = rest.find("/pkg/") {
        let tail = &rest[i + 5..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || "._-".contains(c)))
            .unwrap_or(tail.len());
        if end > 0 {
            out.insert(tail[..end].to_string());
        }
        rest = &tail[end..];
    }
    out
}

pub(crate) async fn sign_in(
    http: &reqwest::Client,
    base: &str,
    user: &str,
    password: &str,
) -> String {
    let r: serde_json::Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    r["token"]
        .as_str()
        .unwrap_or_else(|| panic!("sign-in as {user} failed: {r}"))
        .to_string()
}

/// The split build's map from each lazy function to the wasm modules it
/// needs (without `--split`, none: everything is in the main wasm).
fn split_manifest() -> HashMap<String, Vec<String>> {
    match std::fs::read_to_string("target/site/pkg/__wasm_split_manifest.json") {
        Ok(text) => serde_json::from_str(&text).expect("the split manifest is a map of lists"),
        Err(_) => HashMap::new(),
    }
}

/// The files the lazy route `route` (its struct name in snake case, such
/// as `list_route`) loads beyond the shell.
fn route_modules(manifest: &HashMap<String, Vec<String>>, route: &str) -> BTreeSet<String> {
    let prefix = format!("__{route}_view_");
    let mut out = BTreeSet::new();
    let matching: Vec<&String> = manifest.keys().filter(|k| k.starts_with(&prefix)).collect();
    // Two lazy routes of one name in different modules would both match;
    // route names are unique across the app so each row counts one route.
    assert!(
        matching.len() <= 1,
        "lazy route {route} is ambiguous in the split manifest: {matching:?}"
    );
    for (key, modules) in manifest {
        if key.starts_with(&prefix) {
            out.extend(modules.iter().map(|m| format!("{m}.wasm")));
            out.insert("__wasm_split.______________________.js".to_string());
        }
    }
    assert!(
        manifest.is_empty() || !out.is_empty(),
        "no lazy route {route} in the split manifest"
    );
    out
}

/// Prints (and returns as Markdown) the bytes each main route downloads.
pub(crate) async fn route_downloads(base: &str, admin_password: &str) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let operator = sign_in(&http, base, "maintenance", service::seed::DEMO_PASSWORD).await;
    let planner = sign_in(&http, base, "planner", service::seed::DEMO_PASSWORD).await;
    let admin = sign_in(&http, base, "admin", admin_password).await;
    let manifest = split_manifest();
    // (path, who opens it, the lazy route it renders), a main screen per
    // module; the sign-in page ships no wasm (`app::auth::NO_WASM_PAGES`),
    // so it loads no lazy route either.
    let routes: [(&str, Option<&str>, &str, &str); 15] = [
        ("/login", None, "signed out", ""),
        ("/maintenance", Some(&operator), "technician", "list_route"),
        (
            "/maintenance/new",
            Some(&operator),
            "technician",
            "new_request_route",
        ),
        (
            "/maintenance/1",
            Some(&operator),
            "technician",
            "detail_route",
        ),
        ("/master/items", Some(&planner), "planner", "items_route"),
        ("/orders", Some(&planner), "planner", "order_list_route"),
        ("/orders/new", Some(&planner), "planner", "new_order_route"),
        (
            "/warehouse/bom/new",
            Some(&planner),
            "planner",
            "bom_new_route",
        ),
        ("/ppic/orders", Some(&planner), "planner", "mo_list_route"),
        ("/ppic/kanban", Some(&planner), "planner", "kanban_route"),
        ("/ppic/gantt", Some(&planner), "planner", "gantt_route"),
        (
            "/ppic/analytics",
            Some(&planner),
            "planner",
            "plan_analytics_route",
        ),
        ("/import-export", Some(&admin), "admin", "import_route"),
        ("/admin/users", Some(&admin), "admin", "users_route"),
        ("/admin/audit", Some(&admin), "admin", "audit_route"),
    ];
    let mut sizes: HashMap<String, (usize, usize)> = HashMap::new();
    let header = "| route | as | files | raw KB | brotli KB |\n|---|---|---:|---:|---:|";
    println!("\nWhat each route downloads on opening (target: first page < {FIRST_PAGE_BUDGET_KB} KB brotli):\n\n{header}");
    let mut report = format!("\n\n{header}\n");
    for (path, token, who, route) in routes {
        let mut req = http.get(format!("{base}{path}"));
        if let Some(t) = token {
            req = req.header("Cookie", format!("sf_session={t}"));
        }
        let resp = req.send().await.unwrap();
        assert!(
            resp.status().is_success(),
            "{path} answered {}",
            resp.status()
        );
        let mut files = pkg_files(&resp.text().await.unwrap());
        if !route.is_empty() {
            files.extend(route_modules(&manifest, route));
        }
        let (mut raw, mut br) = (0, 0);
        for f in &files {
            let (r, b) = *sizes.entry(f.clone()).or_insert_with(|| {
                let bytes = std::fs::read(format!("target/site/pkg/{f}"))
                    .unwrap_or_else(|e| panic!("{path} names /pkg/{f}, which is not built: {e}"));
                (bytes.len(), brotli_len(&bytes))
            });
            raw += r;
            br += b;
        }
        let line = format!(
            "| {path} | {who} | {} | {:.1} | {:.1} |",
            files.len(),
            raw as f64 / 1024.0,
            br as f64 / 1024.0
        );
        println!("{line}");
        report.push_str(&line);
        report.push('\n');
    }
    // After the sign-in page has loaded, its service worker's install
    // fetches the app shell in the background (`public/sw.js`'s list), so
    // the first signed-in page finds it cached.
    let sw = std::fs::read_to_string("public/sw.js").expect("public/sw.js");
    let (mut raw, mut br) = (0, 0);
    let shell = pkg_files(&sw);
    for f in &shell {
        let bytes = std::fs::read(format!("target/site/pkg/{f}"))
            .unwrap_or_else(|e| panic!("sw.js names /pkg/{f}, which is not built: {e}"));
        raw += bytes.len();
        br += brotli_len(&bytes);
    }
    let line = format!(
        "| (then, in the background: the service worker's shell) | signed out | {} | {:.1} | {:.1} |",
        shell.len(),
        raw as f64 / 1024.0,
        br as f64 / 1024.0
    );
    println!("{line}");
    report.push_str(&line);
    report.push('\n');
    // Everything built, as one unsplit bundle would have to download it.
    let (mut raw, mut br, mut n) = (0, 0, 0);
    for e in std::fs::read_dir("target/site/pkg").unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().to_string();
        if name.ends_with(".wasm")
            || name.ends_with(".css")
            || (name.ends_with(".js") && !name.ends_with(".d.ts"))
        {
            let bytes = std::fs::read(e.path()).unwrap();
            raw += bytes.len();
            br += brotli_len(&bytes);
            n += 1;
        }
    }
    let line = format!(
        "| (every file built) | | {n} | {:.1} | {:.1} |",
        raw as f64 / 1024.0,
        br as f64 / 1024.0
    );
    println!("{line}");
    report.push_str(&line);
    report.push('\n');
    report
}

#[cfg(test)]
mod tests {
    use super::pkg_files;

    #[test]
    fn finds_each_pkg_file_once() {
        let html = r#"<link rel="modulepreload" href="/pkg/shopfloor.js"><link href="/pkg/a_b-1.wasm" as="fetch">
            <script>import('/pkg/shopfloor.js').then(m => m.default({module_or_path: '/pkg/shopfloor.wasm'}))</script>"#;
        let files: Vec<_> = pkg_files(html).into_iter().collect();
        assert_eq!(files, ["a_b-1.wasm", "shopfloor.js", "shopfloor.wasm"]);
    }
}
