//! Beside the editor: the cost roll-up for a chosen variant and quantity,
//! where the item is used, and the versions of this BOM.

use super::api::{bom_cost, bom_versions, bom_where_used};
use crate::call::read;
use domain::master::Attribute;
use leptos::prelude::*;
use leptos_router::components::A;

fn money(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", minor.abs() / 100, minor.abs() % 100)
}

/// Every variant key of the attributes (at most 200 offered); none for an
/// item without attributes (its one variant is the plain item, and an
/// option with an empty label would not hydrate: the parser drops it).
fn variant_keys(attributes: &[Attribute]) -> Vec<String> {
    if attributes.is_empty() {
        return Vec::new();
    }
    let mut out = vec![Vec::<String>::new()];
    for a in attributes {
        out = out
            .into_iter()
            .flat_map(|v| {
                a.values.iter().map(move |x| {
                    let mut w = v.clone();
                    w.push(format!("{}={x}", a.name));
                    w
                })
            })
            .take(200)
            .collect();
    }
    let mut keys: Vec<String> = out
        .into_iter()
        .map(|mut v| {
            v.sort();
            v.join(";")
        })
        .collect();
    keys.sort();
    keys
}

#[component]
pub(super) fn CostPanel(id: Option<i64>, attributes: Vec<Attribute>) -> impl IntoView {
    let keys = variant_keys(&attributes);
    let variant = RwSignal::new(keys.first().cloned().unwrap_or_default());
    let qty = RwSignal::new("1".to_string());
    let cost = Resource::new(
        move || (id, qty.get(), variant.get()),
        |(id, qty, variant)| async move {
            match id {
                None => None,
                Some(id) => Some(
                    read("Costing the BOM", move || {
                        bom_cost(id, qty.clone(), variant.clone())
                    })
                    .await,
                ),
            }
        },
    );
    view! {
        <div class="card" data-testid="bom-cost">
            <h2>"Cost roll-up"</h2>
            <div class="inline-form">
                <label>"Qty "<input class="qty" aria-label="Quantity to cost" data-testid="cost-qty" prop:value=move || qty.get()
                    on:change=move |ev| qty.set(event_target_value(&ev)) /></label>
                <Show when={ let has = !keys.is_empty(); move || has }>
                    <select aria-label="Variant to cost" data-testid="cost-variant" on:change=move |ev| variant.set(event_target_value(&ev))>
                        {keys.clone().into_iter().map(|k| view! { <option value=k.clone()>{k.clone()}</option> }).collect_view()}
                    </select>
                </Show>
            </div>
            <Transition fallback=|| view! { <span class="spinner"></span> }>
                {move || cost.get().map(|r| match r {
                    None => view! { <p class="muted">"Save the BOM to see its cost."</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Some(Ok(c)) => view! {
                        <div class="scroll-x">
                            <table class="table">
                                <thead><tr><th>"Item"</th><th>"Qty"</th><th>"Material"</th><th>"Labour"</th><th>"Total"</th></tr></thead>
                                <tbody>
                                    {c.lines.iter().map(|l| view! {
                                        <tr data-testid="cost-line">
                                            <td class=format!("lvl lvl-{}", l.level.min(9))>{l.item.clone()}</td>
                                            <td>{l.total_qty.to_string()}</td>
                                            <td>{money(l.cost.material_minor)}</td>
                                            <td>{money(l.cost.labour_minor)}</td>
                                            <td>{money(l.cost.total_minor)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                                <tfoot>
                                    {c.levels.iter().map(|l| view! {
                                        <tr><td colspan="4">{format!("Level {}", l.level)}</td><td>{money(l.cost.total_minor)}</td></tr>
                                    }).collect_view()}
                                    <tr><th colspan="2">"Total"</th><td>{money(c.total.material_minor)}</td><td>{money(c.total.labour_minor)}</td>
                                        <td data-testid="cost-total">{money(c.total.total_minor)}</td></tr>
                                    <tr><td colspan="4">{format!("of which scrap {}; per unit", money(c.total.scrap_minor))}</td>
                                        <td data-testid="cost-per-unit">{money(c.per_unit.total_minor)}</td></tr>
                                </tfoot>
                            </table>
                        </div>
                    }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
pub(super) fn WhereUsedPanel(item: String) -> impl IntoView {
    let uses = Resource::new(
        move || item.clone(),
        |item| {
            read("Finding where it is used", move || {
                bom_where_used(item.clone())
            })
        },
    );
    view! {
        <div class="card" data-testid="bom-where-used">
            <h2>"Where used"</h2>
            <Transition fallback=|| view! { <span class="spinner"></span> }>
                {move || uses.get().map(|r| match r {
                    Err(_) => view! { <p class="muted">"Not used anywhere yet."</p> }.into_any(),
                    Ok(s) => {
                        let uses = s.where_used.map(|w| w.uses).unwrap_or_default();
                        if uses.is_empty() {
                            view! { <p class="muted">"Not used in any BOM."</p> }.into_any()
                        } else {
                            view! {
                                <ul>
                                    {uses.into_iter().map(|u| view! {
                                        <li data-testid="where-used-row">{format!("level {}: {}", u.level, u.path.join(" → "))}</li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
pub(super) fn VersionsPanel(id: i64) -> impl IntoView {
    let versions = Resource::new(
        move || id,
        |id| read("Loading versions", move || bom_versions(id)),
    );
    view! {
        <div class="card" data-testid="bom-versions">
            <h2>"Versions"</h2>
            <Transition fallback=|| view! { <span class="spinner"></span> }>
                {move || versions.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(vs) => view! {
                        <ul>
                            {vs.into_iter().map(|v| view! {
                                <li data-testid="bom-version">
                                    <A href=format!("/warehouse/bom/{}", v.id)>{format!("v{}", v.version)}</A>
                                    {if v.is_current { " current" } else { "" }}
                                    {if v.frozen { " · used by orders" } else { "" }}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_keys_cover_every_combination() {
        let a = vec![
            Attribute {
                name: "size".into(),
                values: vec!["S".into(), "M".into()],
            },
            Attribute {
                name: "colour".into(),
                values: vec!["red".into()],
            },
        ];
        assert_eq!(
            variant_keys(&a),
            vec!["colour=red;size=M", "colour=red;size=S"]
        );
        assert_eq!(money(12345), "123.45");
        assert_eq!(money(-5), "-0.05");
    }
}
