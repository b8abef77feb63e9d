//! The call layer: every browser call to the server goes through here.
//!
//! - a timeout on every call (configured by the server, default 10 s);
//! - retries with exponential backoff and jitter for transient failures —
//!   reads always, mutations too because each carries one idempotency key for
//!   all its attempts, so the server applies it once;
//! - every final failure becomes a toast saying what happened and what to do;
//! - `Pending` gives forms a spinner, a disabled submit and field errors.

#[cfg(feature = "hydrate")]
use crate::toast::{push_toast, ToastKind};
use domain::{AppError, FieldError};
use leptos::prelude::*;
use std::future::Future;

#[cfg(feature = "hydrate")]
async fn attempt<T, Fut: Future<Output = Result<T, AppError>>>(
    fut: Fut,
    timeout_ms: u64,
) -> Result<T, AppError> {
    use futures::future::{select, Either};
    let timer = gloo_timers::future::TimeoutFuture::new(timeout_ms.min(u32::MAX as u64) as u32);
    futures::pin_mut!(fut);
    match select(fut, timer).await {
        Either::Left((r, _)) => r,
        Either::Right(_) => Err(AppError::Timeout {
            after_ms: timeout_ms,
        }),
    }
}

#[cfg(feature = "hydrate")]
async fn with_retries<T, F, Fut>(label: &str, f: F) -> Result<T, AppError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let cfg = crate::live::client_config();
    let mut tries = 0u32;
    loop {
        let r = attempt(f(), cfg.request_timeout_ms).await;
        match r {
            Err(e) if e.is_transient() && tries < cfg.retries => {
                tries += 1;
                let wait =
                    domain::config::backoff_ms(cfg.retry_base_ms, tries, js_sys::Math::random());
                gloo_timers::future::TimeoutFuture::new(wait as u32).await;
            }
            Err(e) => {
                if !matches!(e, AppError::Invalid(_)) {
                    push_toast(ToastKind::Error, format!("{label}: {}", e.user_message()));
                } else if let Some(f) = e.field_error() {
                    push_toast(
                        ToastKind::Error,
                        format!(
                            "{label}: check {} — {}",
                            f.field.replace('_', " "),
                            f.message
                        ),
                    );
                }
                if matches!(e, AppError::Unauthenticated) {
                    crate::live::session_expired();
                }
                return Err(e);
            }
            ok => return ok,
        }
    }
}

/// A read: timeout, retries, toast on failure. Usable in a `Resource`.
pub fn read<T, F, Fut>(
    label: &'static str,
    f: F,
) -> impl Future<Output = Result<T, AppError>> + Send + 'static
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    T: Send + 'static,
{
    #[cfg(feature = "hydrate")]
    {
        send_wrapper::SendWrapper::new(async move { with_retries(label, f).await })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = label;
        async move { f().await }
    }
}

/// A fresh idempotency key: 16 random bytes as hex (works on plain-HTTP LANs,
/// where `crypto.randomUUID` is unavailable).
pub fn new_idempotency_key() -> String {
    #[cfg(feature = "hydrate")]
    {
        let mut bytes = [0u8; 16];
        if let Some(c) = web_sys::window().and_then(|w| w.crypto().ok()) {
            let _ = c.get_random_values_with_u8_array(&mut bytes);
        } else {
            for b in bytes.iter_mut() {
                *b = (js_sys::Math::random() * 256.0) as u8;
            }
        }
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::from("server-side-render-key")
    }
}

/// A mutation: one idempotency key for all attempts; timeout, retries, toast.
pub async fn mutate<T, F, Fut>(label: &'static str, f: F) -> Result<T, AppError>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let key = new_idempotency_key();
    #[cfg(feature = "hydrate")]
    {
        with_retries(label, || f(key.clone())).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = label;
        f(key).await
    }
}

/// The state of one form or button: busy while a call is in flight (the
/// submit is disabled and shows a spinner), and the field the server
/// rejected, if any.
#[derive(Clone, Copy)]
pub struct Pending {
    pub busy: RwSignal<bool>,
    pub field: RwSignal<Option<FieldError>>,
}

impl Default for Pending {
    fn default() -> Self {
        Self::new()
    }
}

impl Pending {
    pub fn new() -> Self {
        Pending {
            busy: RwSignal::new(false),
            field: RwSignal::new(None),
        }
    }

    /// Runs a mutation unless one is already in flight.
    pub fn run<T, F, Fut>(&self, label: &'static str, call: F, on_ok: impl FnOnce(T) + 'static)
    where
        T: 'static,
        F: Fn(String) -> Fut + 'static,
        Fut: Future<Output = Result<T, AppError>> + 'static,
    {
        if self.busy.get_untracked() {
            return;
        }
        self.busy.set(true);
        self.field.set(None);
        let (busy, field) = (self.busy, self.field);
        leptos::task::spawn_local(async move {
            let r = mutate(label, call).await;
            busy.set(false);
            match r {
                Ok(v) => {
                    crate::toast::clear_errors_about(label);
                    on_ok(v)
                }
                Err(e) => field.set(e.field_error().cloned()),
            }
        });
    }

    /// The server's message for `name`, if it rejected that field.
    pub fn error_for(
        &self,
        name: &'static str,
    ) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
        let field = self.field;
        move || field.get().filter(|f| f.field == name).map(|f| f.message)
    }
}
