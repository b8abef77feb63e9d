//! Sign-in, sign-out, the session, the account page (TOTP) and password reset.

use crate::call::{read, Pending};
use crate::codec::Json;
use crate::components::{FieldMsg, SubmitButton};
use crate::toast::{push_toast, ToastKind};
use domain::auth::{
    ChangePasswordInput, CurrentUser, LoginInput, TotpDisableInput, TotpEnableInput, TotpSetup,
};
use domain::AppError;
use leptos::prelude::*;

#[server(prefix = "/sfn", endpoint = "auth/me", input = Json)]
pub async fn get_me() -> Result<Option<CurrentUser>, AppError> {
    use crate::ssr::*;
    // Being signed out is an answer here, not an error.
    let svc = services()?;
    let Some(token) = session_token() else {
        return Ok(None);
    };
    match service::auth::session_user(&svc, &token, now()).await {
        Ok(u) => Ok(Some(u)),
        Err(service::ServiceError::App(AppError::Unauthenticated)) => Ok(None),
        Err(e) => Err(fail(e)),
    }
}

#[server(prefix = "/sfn", endpoint = "auth/login", input = Json)]
pub async fn login(input: LoginInput) -> Result<CurrentUser, AppError> {
    use crate::ssr::*;
    let svc = services()?;
    let (token, user) = service::auth::login(&svc, &input, &client_addr(), now())
        .await
        .map_err(fail)?;
    set_session_cookie(&svc, Some(&token));
    Ok(user)
}

#[server(prefix = "/sfn", endpoint = "auth/logout", input = Json)]
pub async fn logout() -> Result<(), AppError> {
    use crate::ssr::*;
    let svc = services()?;
    if let Some(token) = session_token() {
        service::auth::logout(&svc, &token).await.map_err(fail)?;
    }
    set_session_cookie(&svc, None);
    clear_site_data();
    Ok(())
}

#[server(prefix = "/sfn", endpoint = "auth/refresh", input = Json)]
pub async fn refresh_session() -> Result<CurrentUser, AppError> {
    use crate::ssr::*;
    let svc = services()?;
    let token = session_token().ok_or(AppError::Unauthenticated)?;
    let (new, user) = service::auth::refresh(&svc, &token, now())
        .await
        .map_err(fail)?;
    set_session_cookie(&svc, Some(&new));
    Ok(user)
}

#[server(prefix = "/sfn", endpoint = "auth/totp/begin", input = Json)]
pub async fn totp_begin() -> Result<TotpSetup, AppError> {
    let (_, user) = crate::ssr::current_user().await?;
    Ok(service::auth::new_totp_setup(&user.username))
}

#[server(prefix = "/sfn", endpoint = "auth/totp/enable", input = Json)]
pub async fn totp_enable(idempotency_key: String, input: TotpEnableInput) -> Result<(), AppError> {
    use crate::ssr::*;
    let (svc, user) = current_user().await?;
    service::auth::enable_totp(&svc, &user, &input, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "auth/totp/disable", input = Json)]
pub async fn totp_disable(
    idempotency_key: String,
    input: TotpDisableInput,
) -> Result<(), AppError> {
    use crate::ssr::*;
    let (svc, user) = current_user().await?;
    service::auth::disable_totp(&svc, &user, &input, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "auth/password", input = Json)]
pub async fn change_password(
    idempotency_key: String,
    input: ChangePasswordInput,
) -> Result<(), AppError> {
    use crate::ssr::*;
    let (svc, user) = current_user().await?;
    let token = session_token().ok_or(AppError::Unauthenticated)?;
    service::auth::change_password(&svc, &user, &token, &input, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "auth/password-reset", input = Json)]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use crate::ssr::*;
    let svc = services()?;
    service::auth::reset_password(&svc, &token, &password, &client_addr(), now())
        .await
        .map_err(fail)
}

fn go(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_href(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// The pages served without wasm: plain forms that post to the server
/// (`server/src/rest/forms.rs`) and work as served, so the first page a user
/// meets downloads its HTML and the stylesheet only. Opened from inside the
/// app (a session that ended) they render as any other route and submit
/// through their server functions.
pub const NO_WASM_PAGES: [&str; 2] = ["/login", "/reset"];

/// A form post that failed, for the page the server renders in answer: the
/// message comes from the server, never from the address (an address is
/// anyone's to write), and what was typed is kept except the password.
#[derive(Clone, Debug, Default)]
pub struct FormFailure {
    pub field: Option<String>,
    pub message: String,
    pub username: String,
}

/// The failed form post this page answers, if any (server side only).
fn form_failure() -> Option<FormFailure> {
    use_context::<FormFailure>()
}

/// What `?reset=done` says after a password was set: a fixed text.
const RESET_DONE: &str = "Password set. Sign in with it now.";

#[component]
pub fn LoginPage() -> impl IntoView {
    let failure = form_failure();
    // Typed before a failed post: the served page's `value` (bind:value
    // renders none on the server).
    let typed = failure
        .as_ref()
        .map(|f| f.username.clone())
        .unwrap_or_default();
    let username = RwSignal::new(typed.clone());
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let need_code = RwSignal::new(
        failure
            .as_ref()
            .is_some_and(|f| f.field.as_deref() == Some("totp_code")),
    );
    let pending = Pending::new();
    let query = leptos_router::hooks::use_query_map();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = LoginInput {
            username: username.get_untracked(),
            password: password.get_untracked(),
            totp_code: Some(code.get_untracked()).filter(|c| !c.is_empty()),
        };
        let next = domain::safe_path::next_or_home(query.get_untracked().get("next").as_deref());
        pending.run(
            "Signing in",
            move |_key| login(input.clone()),
            move |_user| go(&next),
        );
    };
    Effect::new(move |_| {
        if pending.field.get().is_some_and(|f| f.field == "totp_code") {
            need_code.set(true);
        }
    });
    let failed = failure.map(|f| view! { <p class="error-box" role="alert">{f.message}</p> });
    view! {
        <main class="login-page">
            <form class="card login-card" method="post" action="/login" on:submit=on_submit novalidate>
                <h1>"Shopfloor"</h1>
                <p class="muted">"Sign in to continue"</p>
                {failed}
                {move || (query.read().get("reset").as_deref() == Some("done"))
                    .then(|| view! { <p class="notice-box" role="status">{RESET_DONE}</p> })}
                <input type="hidden" name="next" value=move || query.read().get("next").unwrap_or_default() />
                <label>
                    "Username"
                    <input name="username" autocomplete="username" autocapitalize="none" value=typed bind:value=username required />
                </label>
                <FieldMsg msg=pending.error_for("username") />
                <label>
                    "Password"
                    <input name="password" type="password" autocomplete="current-password" bind:value=password required />
                </label>
                <FieldMsg msg=pending.error_for("password") />
                <Show when=move || need_code.get()>
                    <label>
                        "Authenticator code"
                        <input name="totp_code" inputmode="numeric" autocomplete="one-time-code" bind:value=code />
                    </label>
                </Show>
                <FieldMsg msg=pending.error_for("totp_code") />
                <SubmitButton busy=pending.busy label="Sign in" busy_label="Signing in…" />
            </form>
        </main>
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let password = RwSignal::new(String::new());
    let pending = Pending::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let token = query.get_untracked().get("token").unwrap_or_default();
        let pw = password.get_untracked();
        pending.run(
            "Setting your password",
            move |_k| reset_password(token.clone(), pw.clone()),
            |_| go("/login?reset=done"),
        );
    };
    let failed =
        form_failure().map(|f| view! { <p class="error-box" role="alert">{f.message}</p> });
    view! {
        <main class="login-page">
            <form class="card login-card" method="post" action="/reset" on:submit=on_submit novalidate>
                <h1>"Choose a new password"</h1>
                {failed}
                <input type="hidden" name="token" value=move || query.read().get("token").unwrap_or_default() />
                <label>
                    "New password (10+ characters)"
                    <input name="password" type="password" autocomplete="new-password" bind:value=password />
                </label>
                <FieldMsg msg=pending.error_for("password") />
                <FieldMsg msg=pending.error_for("token") />
                <SubmitButton busy=pending.busy label="Set password" busy_label="Saving…" />
            </form>
        </main>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let sign_out_pending = Pending::new();
    let sign_out = move |_| {
        sign_out_pending.run("Signing out", move |_k| logout(), |_| go("/login"));
    };
    view! {
        <section class="page">
            <h1>"Your account"</h1>
            <div class="card">
                <p><strong>{user.display_name.clone()}</strong> " (" {user.username.clone()} ")"</p>
                <p class="muted">"Roles: " {user.roles.join(", ")}</p>
            </div>
            <TwoFactorCard enabled=user.totp_enabled />
            <ChangePasswordCard />
            <button class="btn danger" on:click=sign_out>"Sign out"</button>
        </section>
    }
}

/// Two-factor sign-in: set up (the app's code and the current password),
/// or turn off (the current password or a current code).
#[component]
fn TwoFactorCard(enabled: bool) -> impl IntoView {
    let setup = RwSignal::new(None::<TotpSetup>);
    let code = RwSignal::new(String::new());
    let current = RwSignal::new(String::new());
    let current_code = RwSignal::new(String::new());
    let enabled = RwSignal::new(enabled);
    let pending = Pending::new();
    let begin = move |_| {
        pending.run(
            "Starting two-factor set-up",
            move |_k| totp_begin(),
            move |s| setup.set(Some(s)),
        );
    };
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(s) = setup.get_untracked() else {
            return;
        };
        let input = TotpEnableInput {
            secret: s.secret_base32,
            code: code.get_untracked(),
            current_password: current.get_untracked(),
            current_code: None,
        };
        pending.run(
            "Turning on two-factor sign-in",
            move |k| totp_enable(k, input.clone()),
            move |_| {
                setup.set(None);
                code.set(String::new());
                current.set(String::new());
                enabled.set(true);
                push_toast(ToastKind::Success, "Two-factor sign-in is on.");
            },
        );
    };
    let disable = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = TotpDisableInput {
            current_password: current.get_untracked(),
            current_code: Some(current_code.get_untracked()).filter(|c| !c.trim().is_empty()),
        };
        pending.run(
            "Turning off two-factor sign-in",
            move |k| totp_disable(k, input.clone()),
            move |_| {
                current.set(String::new());
                current_code.set(String::new());
                enabled.set(false);
                push_toast(ToastKind::Info, "Two-factor sign-in is off.");
            },
        );
    };
    view! {
        <div class="card">
            <h2>"Two-factor sign-in"</h2>
            <Show
                when=move || enabled.get()
                fallback=move || {
                    view! {
                        <Show
                            when=move || setup.get().is_some()
                            fallback=move || view! {
                                <button class="btn" on:click=begin disabled=move || pending.busy.get()>"Set up an authenticator app"</button>
                            }
                        >
                            <form class="form" on:submit=confirm>
                                <p>"Add this key to your authenticator app, then enter the code it shows."</p>
                                <code class="secret" data-testid="totp-secret">{move || setup.get().map(|s| s.secret_base32).unwrap_or_default()}</code>
                                <label>"Code" <input name="totp_code" inputmode="numeric" autocomplete="one-time-code" bind:value=code /></label>
                                <FieldMsg msg=pending.error_for("totp_code") />
                                <label>"Your current password" <input name="current_password" type="password" autocomplete="current-password" bind:value=current /></label>
                                <FieldMsg msg=pending.error_for("current_password") />
                                <FieldMsg msg=pending.error_for("secret") />
                                <SubmitButton busy=pending.busy label="Turn on" busy_label="Checking…" />
                            </form>
                        </Show>
                    }
                }
            >
                <form class="form" on:submit=disable>
                    <p>"On. You will be asked for a code when you sign in."</p>
                    <label>"Your current password" <input name="current_password" type="password" autocomplete="current-password" bind:value=current /></label>
                    <FieldMsg msg=pending.error_for("current_password") />
                    <label>"or a code from your app" <input name="current_code" inputmode="numeric" autocomplete="one-time-code" bind:value=current_code /></label>
                    <FieldMsg msg=pending.error_for("current_code") />
                    <SubmitButton busy=pending.busy label="Turn off" busy_label="Turning off…" />
                </form>
            </Show>
        </div>
    }
}

/// Changing one's own password; other sessions end, this one stays.
#[component]
fn ChangePasswordCard() -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let pending = Pending::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = ChangePasswordInput {
            current_password: current.get_untracked(),
            new_password: new_password.get_untracked(),
        };
        pending.run(
            "Changing your password",
            move |k| change_password(k, input.clone()),
            move |_| {
                current.set(String::new());
                new_password.set(String::new());
                push_toast(
                    ToastKind::Success,
                    "Password changed. Your other sessions were signed out.",
                );
            },
        );
    };
    view! {
        <div class="card">
            <h2>"Password"</h2>
            <form class="form" on:submit=submit>
                <label>"Current password" <input name="current_password" type="password" autocomplete="current-password" bind:value=current /></label>
                <FieldMsg msg=pending.error_for("current_password") />
                <label>"New password (10+ characters)" <input name="new_password" type="password" autocomplete="new-password" bind:value=new_password /></label>
                <FieldMsg msg=pending.error_for("new_password") />
                <SubmitButton busy=pending.busy label="Change password" busy_label="Saving…" />
            </form>
        </div>
    }
}

/// Loads the signed-in user for the layout.
pub fn me_resource() -> Resource<Result<Option<CurrentUser>, AppError>> {
    Resource::new(|| (), |_| read("Checking your session", get_me))
}

lazy_page!(LoginRoute => LoginPage, ResetRoute => ResetPage, AccountRoute => AccountPage);
