//! What makes screens live: a clock that ticks every second (for SLA
//! countdowns), server push over SSE (typed `domain::events::LiveEvent`s)
//! that bumps a version per topic (screens refetch when it moves), the connection state for the offline banner, and
//! the settings the server put in the page.

use domain::config::ClientConfig;
use domain::perm::Module;
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
    static TOPICS: std::cell::RefCell<std::collections::HashMap<Module, ArcRwSignal<u64>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
    /// The last event seq seen on the live stream.
    static LAST_SEQ: std::cell::Cell<Option<i64>> = const { std::cell::Cell::new(None) };
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

/// Bumped whenever anything in `topic` changes anywhere; screens that show
/// the module's data refetch when it moves.
pub fn topic_version(topic: Module) -> ArcRwSignal<u64> {
    #[cfg(feature = "hydrate")]
    {
        TOPICS.with(|t| t.borrow_mut().entry(topic).or_default().clone())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = topic;
        ArcRwSignal::new(0)
    }
}

/// Bumped whenever any maintenance request changes anywhere.
pub fn maintenance_version() -> ArcRwSignal<u64> {
    topic_version(Module::Maintenance)
}

/// Every screen refetches (after a `resync`, or back online).
pub fn refetch_all() {
    #[cfg(feature = "hydrate")]
    {
        let all: Vec<_> = TOPICS.with(|t| t.borrow().values().cloned().collect());
        for v in all {
            v.update(|v| *v += 1);
        }
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

/// Marks the page interactive (`body[data-hydrated]`) for tests and support
/// staff. Called from an effect of each lazy route's view, so it runs only
/// once that route's own code has loaded and hydrated, not when the shell has.
pub fn mark_hydrated() {
    #[cfg(feature = "hydrate")]
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-hydrated", "true");
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
                refetch_all();
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
        thread_local! {
            static SSE_STARTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        }
        if SSE_STARTED.with(|s| s.replace(true)) {
            return;
        }
        open_event_stream(2_000);
    }
}

/// What one live-stream message means for the screens: bump the changed
/// topic, or every topic on a `resync` (or a message this build cannot read).
#[cfg(feature = "hydrate")]
fn apply_live_message(data: &str) {
    use domain::events::LiveEvent;
    match serde_json::from_str::<LiveEvent>(data) {
        Ok(LiveEvent::Change(c)) => {
            LAST_SEQ.with(|l| l.set(Some(c.seq)));
            topic_version(c.topic).update(|v| *v += 1);
        }
        Ok(LiveEvent::Resync { seq }) => {
            LAST_SEQ.with(|l| l.set(Some(seq)));
            refetch_all();
        }
        Err(_) => refetch_all(),
    }
}

/// Server push. EventSource reconnects by itself and sends `Last-Event-ID`,
/// so the server replays what was missed (or says `resync`). When the
/// browser gives up on it (an error status, say a proxy's 502 during a
/// restart), a new stream is opened after `backoff_ms` from the last seq seen.
#[cfg(feature = "hydrate")]
fn open_event_stream(backoff_ms: u32) {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    let url = match LAST_SEQ.with(|l| l.get()) {
        Some(seq) => format!("/api/v1/events?after={seq}"),
        None => "/api/v1/events".to_string(),
    };
    let Ok(es) = web_sys::EventSource::new(&url) else {
        return;
    };
    let c = conn();
    let on_msg = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
        apply_live_message(&ev.data().as_string().unwrap_or_default());
    });
    // The first message names where the stream starts, for a later reopen.
    let on_hello =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if let Ok(seq) = ev.last_event_id().parse::<i64>() {
                LAST_SEQ.with(|l| l.set(Some(seq)));
            }
        });
    let opened = std::rc::Rc::new(std::cell::Cell::new(false));
    let on_open = {
        let c = c.clone();
        let opened = opened.clone();
        Closure::<dyn Fn()>::new(move || {
            opened.set(true);
            if c.get_untracked() == Conn::Reconnecting {
                c.set(Conn::Online);
            }
        })
    };
    let on_error = {
        let es = es.clone();
        Closure::<dyn Fn()>::new(move || {
            if c.get_untracked() == Conn::Online {
                c.set(Conn::Reconnecting);
            }
            if es.ready_state() == web_sys::EventSource::CLOSED {
                es.close();
                let next = if opened.get() {
                    2_000
                } else {
                    (backoff_ms * 2).min(60_000)
                };
                gloo_timers::callback::Timeout::new(backoff_ms, move || open_event_stream(next))
                    .forget();
            }
        })
    };
    es.set_onmessage(Some(on_msg.as_ref().unchecked_ref()));
    let _ = es.add_event_listener_with_callback("hello", on_hello.as_ref().unchecked_ref());
    es.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    es.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_msg.forget();
    on_hello.forget();
    on_open.forget();
    on_error.forget();
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
