//! What makes screens live: a clock that ticks every second (for SLA
//! countdowns), server push over SSE that bumps a version per topic (screens
//! refetch when it moves), the connection state for the offline banner, and
//! the settings the server put in the page.

use domain::config::ClientConfig;
use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conn {
    Online,
    /// The live channel dropped; the browser is reconnecting.
    Reconnecting,
    /// The browser says there is no network.
    Offline,
}

#[cfg(feature = "hydrate")]
thread_local! {
    static CONFIG: std::cell::OnceCell<ClientConfig> = const { std::cell::OnceCell::new() };
    static NOW: ArcRwSignal<i64> = ArcRwSignal::new(js_sys::Date::now() as i64);
    static SKEW: ArcRwSignal<i64> = ArcRwSignal::new(0);
    static CONN: ArcRwSignal<Conn> = ArcRwSignal::new(Conn::Online);
    static MAINTENANCE: ArcRwSignal<u64> = ArcRwSignal::new(0);
    static STARTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Settings from `<meta name="shopfloor-config">`, read once.
pub fn client_config() -> ClientConfig {
    #[cfg(feature = "hydrate")]
    {
        CONFIG.with(|c| {
            c.get_or_init(|| {
                web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| {
                        d.query_selector("meta[name=shopfloor-config]")
                            .ok()
                            .flatten()
                    })
                    .and_then(|m| m.get_attribute("content"))
                    .and_then(|s| serde_json::from_str(&s).ok())
                    .unwrap_or_default()
            })
            .clone()
        })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        use_context::<ClientConfig>().unwrap_or_default()
    }
}

/// Milliseconds since the epoch, ticking every second in the browser.
pub fn now() -> ArcRwSignal<i64> {
    #[cfg(feature = "hydrate")]
    {
        NOW.with(|n| n.clone())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        ArcRwSignal::new(domain_now())
    }
}

#[cfg(not(feature = "hydrate"))]
fn domain_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Server clock minus browser clock, learnt from each answer's `server_now`.
pub fn skew() -> ArcRwSignal<i64> {
    #[cfg(feature = "hydrate")]
    {
        SKEW.with(|s| s.clone())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        ArcRwSignal::new(0)
    }
}

pub fn learn_server_time(server_now_iso: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(server) = domain::time::parse_iso(server_now_iso) {
        let local = js_sys::Date::now() as i64;
        // Ignore sub-second differences (network latency).
        let s = server - local;
        skew().set(if s.abs() < 1500 { 0 } else { s });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = server_now_iso;
}

pub fn conn() -> ArcRwSignal<Conn> {
    #[cfg(feature = "hydrate")]
    {
        CONN.with(|c| c.clone())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        ArcRwSignal::new(Conn::Online)
    }
}

/// Bumped whenever any maintenance request changes anywhere.
pub fn maintenance_version() -> ArcRwSignal<u64> {
    #[cfg(feature = "hydrate")]
    {
        MAINTENANCE.with(|c| c.clone())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        ArcRwSignal::new(0)
    }
}

pub fn session_expired() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let path = w.location().pathname().unwrap_or_default();
        if !path.starts_with("/login") {
            let _ = w.location().set_href(&format!("/login?next={path}"));
        }
    }
}

/// Starts the ticker, the SSE connection and the online/offline listeners,
/// once per page load. Called from an effect, so only in the browser.
pub fn start() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::prelude::*;
        use wasm_bindgen::JsCast;
        if STARTED.with(|s| s.replace(true)) {
            return;
        }
        let tick = now();
        gloo_timers::callback::Interval::new(1000, move || tick.set(js_sys::Date::now() as i64))
            .forget();

        let Some(window) = web_sys::window() else {
            return;
        };
        // Lets tests (and support staff) see the page is interactive.
        if let Some(body) = window.document().and_then(|d| d.body()) {
            let _ = body.set_attribute("data-hydrated", "true");
        }
        let c = conn();
        if !window.navigator().on_line() {
            c.set(Conn::Offline);
        }
        let on_offline = {
            let c = c.clone();
            Closure::<dyn Fn()>::new(move || c.set(Conn::Offline))
        };
        let on_online = {
            let c = c.clone();
            Closure::<dyn Fn()>::new(move || {
                c.set(Conn::Online);
                // Catch up on whatever changed while we were away.
                maintenance_version().update(|v| *v += 1);
            })
        };
        let _ =
            window.add_event_listener_with_callback("offline", on_offline.as_ref().unchecked_ref());
        let _ =
            window.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
        on_offline.forget();
        on_online.forget();

        // The service worker serves the app shell offline.
        let _ = window.navigator().service_worker().register("/sw.js");
    }
}

/// Opens the server-push channel, once, for a signed-in user.
pub fn start_live_events() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::prelude::*;
        use wasm_bindgen::JsCast;
        thread_local! {
            static SSE_STARTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        }
        if SSE_STARTED.with(|s| s.replace(true)) {
            return;
        }
        let c = conn();
        // Server push. EventSource reconnects by itself; after a reconnect we
        // refetch, since events sent while disconnected were missed.
        if let Ok(es) = web_sys::EventSource::new("/api/v1/events") {
            let had_error = std::rc::Rc::new(std::cell::Cell::new(false));
            let on_msg =
                Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                    let data = ev.data().as_string().unwrap_or_default();
                    if data.contains("\"topic\":\"maintenance\"") {
                        maintenance_version().update(|v| *v += 1);
                    }
                });
            let on_open = {
                let c = c.clone();
                let had_error = had_error.clone();
                Closure::<dyn Fn()>::new(move || {
                    if c.get_untracked() == Conn::Reconnecting {
                        c.set(Conn::Online);
                    }
                    if had_error.replace(false) {
                        maintenance_version().update(|v| *v += 1);
                    }
                })
            };
            let on_error = {
                let c = c.clone();
                Closure::<dyn Fn()>::new(move || {
                    had_error.set(true);
                    if c.get_untracked() == Conn::Online {
                        c.set(Conn::Reconnecting);
                    }
                })
            };
            es.set_onmessage(Some(on_msg.as_ref().unchecked_ref()));
            es.set_onopen(Some(on_open.as_ref().unchecked_ref()));
            es.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            on_msg.forget();
            on_open.forget();
            on_error.forget();
            std::mem::forget(es);
        }
    }
}

/// An ISO instant in the plant's time zone: `23 Nov 2026, 16:05`.
pub fn local_time(iso: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsValue;
        let tz = client_config().plant_time_zone;
        let opts = js_sys::Object::new();
        let set = |k: &str, v: &str| {
            let _ = js_sys::Reflect::set(&opts, &JsValue::from_str(k), &JsValue::from_str(v));
        };
        set("timeZone", &tz);
        set("day", "2-digit");
        set("month", "short");
        set("year", "numeric");
        set("hour", "2-digit");
        set("minute", "2-digit");
        set("hourCycle", "h23");
        let d = js_sys::Date::new(&JsValue::from_str(iso));
        String::from(d.to_locale_string("en-GB", &opts))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        #[cfg(feature = "ssr")]
        {
            let tz = client_config().plant_time_zone;
            service::format_local(iso, &tz)
        }
        #[cfg(not(feature = "ssr"))]
        {
            iso.to_string()
        }
    }
}
