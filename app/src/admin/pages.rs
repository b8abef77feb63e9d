//! Admin screens: users, the role × permission matrix, the audit log.

use super::api::*;
use crate::call::{read, Pending};
use crate::components::{FieldMsg, LocalTime, SubmitButton};
use crate::toast::{push_toast, ToastKind};
use domain::auth::{CurrentUser, NewUserInput, UserSummary};
use domain::perm::{Action, Module, Permission, SEEDED_ROLES};
use leptos::prelude::*;

#[component]
pub fn UsersPage() -> impl IntoView {
    let me = expect_context::<CurrentUser>();
    let reload = RwSignal::new(0u32);
    let users = Resource::new(move || reload.get(), |_| read("Loading users", list_users));
    let username = RwSignal::new(String::new());
    let display = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new("operator".to_string());
    let pending = Pending::new();
    let reset_link = RwSignal::new(None::<String>);
    let can_create = me.can(Module::Admin, Action::Create);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = NewUserInput {
            username: username.get_untracked(),
            display_name: display.get_untracked(),
            password: password.get_untracked(),
            roles: vec![role.get_untracked()],
        };
        pending.run(
            "Creating the user",
            move |k| create_user(k, input.clone()),
            move |u| {
                push_toast(ToastKind::Success, format!("User {} created", u.username));
                username.set(String::new());
                display.set(String::new());
                password.set(String::new());
                reload.update(|v| *v += 1);
            },
        );
    };
    view! {
        <section class="page">
            <h1>"Users"</h1>
            <Show when=move || can_create>
                <form class="card form inline" on:submit=create>
                    <label>"Username" <input name="username" bind:value=username autocapitalize="none" /></label>
                    <label>"Full name" <input name="display_name" bind:value=display /></label>
                    <label>"Password" <input name="password" type="password" autocomplete="new-password" bind:value=password /></label>
                    <label>"Role"
                        <select name="role" bind:value=role>
                            {SEEDED_ROLES.iter().map(|(r, _)| view! { <option value=*r>{*r}</option> }).collect_view()}
                        </select>
                    </label>
                    <SubmitButton busy=pending.busy label="Create user" busy_label="Creating…" />
                    <FieldMsg msg=pending.error_for("username") />
                    <FieldMsg msg=pending.error_for("display_name") />
                    <FieldMsg msg=pending.error_for("password") />
                    <FieldMsg msg=pending.error_for("roles") />
                </form>
            </Show>
            <Show when=move || reset_link.get().is_some()>
                <div class="card notice">
                    <p>"One-time password reset link (valid 24 h). Give it to the user:"</p>
                    <code class="secret" data-testid="reset-link">{move || reset_link.get().unwrap_or_default()}</code>
                </div>
            </Show>
            <Transition fallback=|| view! { <p class="loading"><span class="spinner"></span></p> }>
                {move || users.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="table stack">
                            <thead><tr><th>"User"</th><th>"Roles"</th><th>"2FA"</th><th>"Status"</th><th></th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|u| view! { <UserRow user=u reload=reload reset_link=reset_link /> }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn UserRow(
    user: UserSummary,
    reload: RwSignal<u32>,
    reset_link: RwSignal<Option<String>>,
) -> impl IntoView {
    let pending = Pending::new();
    // The whole set of roles: what is saved replaces the user's roles, so
    // the editor starts from all of them.
    let roles = RwSignal::new(user.roles.clone());
    let (id, active, uname) = (user.id, user.active, user.username.clone());
    let save_roles = move |_| {
        let set = roles.get_untracked();
        pending.run(
            "Changing roles",
            move |k| set_user_roles(k, id, set.clone()),
            move |_| {
                push_toast(ToastKind::Success, "Roles saved");
                reload.update(|v| *v += 1);
            },
        );
    };
    let toggle = move |_| {
        pending.run(
            "Changing the account",
            move |k| set_user_active(k, id, !active),
            move |_| {
                reload.update(|v| *v += 1);
            },
        );
    };
    let reset = move |_| {
        let u = uname.clone();
        pending.run(
            "Issuing a reset link",
            move |k| issue_reset(k, u.clone()),
            move |link| reset_link.set(Some(link)),
        );
    };
    view! {
        <tr data-testid="user-row">
            <td><strong>{user.display_name.clone()}</strong><br /><span class="muted">{user.username.clone()}</span></td>
            <td data-label="Roles">
                <fieldset class="role-set" aria-label=format!("Roles of {}", user.username)>
                    {SEEDED_ROLES.iter().map(|(r, _)| {
                        let name = r.to_string();
                        let on = {
                            let name = name.clone();
                            move || roles.with(|set| set.contains(&name))
                        };
                        let toggle = move |ev: leptos::ev::Event| {
                            let checked = event_target_checked(&ev);
                            let name = name.clone();
                            roles.update(|set| {
                                set.retain(|x| *x != name);
                                if checked {
                                    set.push(name);
                                }
                            });
                        };
                        view! {
                            <label class="check">
                                <input type="checkbox" name="roles" value=*r prop:checked=on on:change=toggle />
                                {*r}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <button class="btn small" on:click=save_roles disabled=move || pending.busy.get() || roles.with(Vec::is_empty)>"Save roles"</button>
                <FieldMsg msg=pending.error_for("roles") />
            </td>
            <td data-label="2FA">{if user.totp_enabled { "on" } else { "off" }}</td>
            <td data-label="Status">{if active { "active" } else { "disabled" }}</td>
            <td class="buttons">
                <button class="btn small" on:click=toggle disabled=move || pending.busy.get()>{if active { "Disable" } else { "Enable" }}</button>
                <button class="btn small" on:click=reset disabled=move || pending.busy.get()>"Reset password"</button>
                <span class="muted">"since " <LocalTime iso=user.created_at.clone() /></span>
            </td>
        </tr>
    }
}

#[component]
pub fn RolesPage() -> impl IntoView {
    let me = expect_context::<CurrentUser>();
    let can_edit = me.can(Module::Admin, Action::Update);
    let roles = Resource::new(|| (), |_| read("Loading roles", list_roles));
    view! {
        <section class="page">
            <h1>"Roles and permissions"</h1>
            <Transition fallback=|| view! { <p class="loading"><span class="spinner"></span></p> }>
                {move || roles.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(list) => list.into_iter().map(|role| {
                        let rid = role.id;
                        let granted = RwSignal::new(role.permissions.clone());
                        view! {
                            <details class="card role">
                                <summary><strong>{role.name.clone()}</strong> " — " {role.description.clone()}
                                    <span class="muted">{format!(" ({} permissions)", role.permissions.len())}</span></summary>
                                <div class="scroll-x">
                                <table class="table matrix">
                                    <thead><tr><th>"Module"</th>{Action::ALL.iter().map(|a| view! { <th>{a.as_str()}</th> }).collect_view()}</tr></thead>
                                    <tbody>
                                        {domain::registry::modules().map(|d| view! {
                                            <tr><td>{d.label}</td>
                                            {Action::ALL.iter().map(|a| {
                                                let p = Permission::new(d.module, *a);
                                                // Only the actions that mean something for the module.
                                                d.actions.contains(a).then(|| view! { <PermBox role_id=rid permission=p granted=granted can_edit=can_edit /> })
                                                    .map(|b| view! { <td>{b}</td> }.into_any())
                                                    .unwrap_or_else(|| view! { <td class="muted">"—"</td> }.into_any())
                                            }).collect_view()}
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                </div>
                            </details>
                        }
                    }).collect_view().into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn PermBox(
    role_id: i64,
    permission: Permission,
    granted: RwSignal<Vec<Permission>>,
    can_edit: bool,
) -> impl IntoView {
    let pending = Pending::new();
    let on = move || granted.with(|g| g.contains(&permission));
    let toggle = move |_| {
        let want = !on();
        pending.run(
            "Changing a permission",
            move |k| set_role_permission(k, role_id, permission, want),
            move |_| {
                granted.update(|g| {
                    g.retain(|p| *p != permission);
                    if want {
                        g.push(permission);
                    }
                })
            },
        );
    };
    view! {
        <input type="checkbox" prop:checked=on on:change=toggle disabled=move || !can_edit || pending.busy.get()
            aria-label=format!("{} {}", permission.module, permission.action) />
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let entries = Resource::new(|| (), |_| read("Loading the audit log", audit_log));
    view! {
        <section class="page">
            <h1>"Audit log"</h1>
            <Transition fallback=|| view! { <p class="loading"><span class="spinner"></span></p> }>
                {move || entries.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="table stack">
                            <thead><tr><th>"When"</th><th>"Who"</th><th>"What"</th><th>"Detail"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|e| view! {
                                    <tr><td data-label="When"><LocalTime iso=e.at.clone() /></td><td data-label="Who">{e.user.clone().unwrap_or_else(|| "system".into())}</td>
                                    <td data-label="What">{format!("{} {} {}", e.action, e.entity, e.entity_id)}</td><td data-label="Detail">{e.detail.clone()}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}
