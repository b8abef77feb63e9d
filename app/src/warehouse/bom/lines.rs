//! Component lines as an indented tree: first-level lines edited in place
//! (component, quantity fixed or by attribute, scrap %, attribute rules),
//! sub-assemblies expandable read-only with a link to their own BOM; and
//! the variant overrides.

use super::api::bom_get;
use super::editor::{issues_at, Ed};
use crate::call::read;
use domain::bom::{AttrRule, AttrSource, BomLineInput, ChangeInput, OverrideInput, QtyRuleInput};
use leptos::prelude::*;
use leptos_router::components::A;
use std::collections::BTreeMap;

/// `S=0.08; M=0.12` as a map, and back.
fn parse_values(s: &str) -> BTreeMap<String, String> {
    s.split(';')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .filter(|(k, _)| !k.is_empty())
        .collect()
}

fn show_values(m: &BTreeMap<String, String>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Basis points as a percentage (`550` → `5.5`), and back.
fn percent(bp: u32) -> String {
    if bp.is_multiple_of(100) {
        return (bp / 100).to_string();
    }
    let frac = format!("{:02}", bp % 100);
    format!("{}.{}", bp / 100, frac.trim_end_matches('0'))
}

fn basis_points(s: &str) -> u32 {
    let t = s.trim();
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let frac: String = frac.chars().chain("00".chars()).take(2).collect();
    int.parse::<u32>().unwrap_or(0).saturating_mul(100) + frac.parse::<u32>().unwrap_or(0)
}

fn qty_text(q: &QtyRuleInput) -> String {
    match q {
        QtyRuleInput::Fixed { qty } => qty.clone(),
        QtyRuleInput::ByAttribute {
            attribute,
            values,
            default,
        } => format!(
            "by {attribute}: {}{}",
            show_values(values),
            default
                .as_ref()
                .map(|d| format!(" (else {d})"))
                .unwrap_or_default()
        ),
    }
}

fn rule_text(r: &AttrRule) -> String {
    match &r.source {
        AttrSource::Follow { parent_attribute } => {
            format!("{} follows {parent_attribute}", r.component_attribute)
        }
        AttrSource::Fixed { value } => format!("{} = {value}", r.component_attribute),
    }
}

fn new_line(no: u32) -> BomLineInput {
    BomLineInput {
        line_no: no,
        component: String::new(),
        qty: QtyRuleInput::Fixed { qty: "1".into() },
        scrap_bp: 0,
        attrs: vec![],
    }
}

/// One editable line.
fn line_row(ed: Ed, i: usize, l: BomLineInput) -> impl IntoView {
    let upd = move |f: Box<dyn FnOnce(&mut BomLineInput)>| {
        ed.form.update(|b| {
            if let Some(l) = b.lines.get_mut(i) {
                f(l)
            }
        })
    };
    let by_attr = matches!(l.qty, QtyRuleInput::ByAttribute { .. });
    let bom_id = ed.components.with_untracked(|cs| {
        cs.iter()
            .find(|c| c.code == l.component.trim().to_uppercase())
            .and_then(|c| c.bom_id)
    });
    let open = RwSignal::new(false);
    let dis = !ed.editable;
    let qty_cell = match l.qty.clone() {
        QtyRuleInput::Fixed { qty } => view! {
            <input class="qty" aria-label=format!("Quantity of line {}", l.line_no) data-testid="line-qty" disabled=dis
                prop:value=qty
                on:change=move |ev| { let v = event_target_value(&ev); upd(Box::new(move |l| l.qty = QtyRuleInput::Fixed { qty: v })) } />
        }.into_any(),
        QtyRuleInput::ByAttribute { attribute, values, default } => view! {
            <input class="attr" aria-label=format!("Attribute for the quantity of line {}", l.line_no) disabled=dis prop:value=attribute
                on:change=move |ev| { let v = event_target_value(&ev); upd(Box::new(move |l| if let QtyRuleInput::ByAttribute { attribute, .. } = &mut l.qty { *attribute = v })) } />
            <input aria-label=format!("Quantities by value for line {}", l.line_no) placeholder="S=0.08; M=0.12" disabled=dis prop:value=show_values(&values)
                data-testid="line-qty-values"
                on:change=move |ev| { let v = parse_values(&event_target_value(&ev)); upd(Box::new(move |l| if let QtyRuleInput::ByAttribute { values, .. } = &mut l.qty { *values = v })) } />
            <input class="qty" aria-label=format!("Default quantity of line {}", l.line_no) placeholder="default" disabled=dis prop:value=default.unwrap_or_default()
                on:change=move |ev| { let v = event_target_value(&ev); upd(Box::new(move |l| if let QtyRuleInput::ByAttribute { default, .. } = &mut l.qty { *default = (!v.trim().is_empty()).then_some(v) })) } />
        }.into_any(),
    };
    let rules = l.attrs.clone().into_iter().enumerate().map(|(j, r)| {
        let follow = matches!(r.source, AttrSource::Follow { .. });
        let value = match &r.source { AttrSource::Follow { parent_attribute } => parent_attribute.clone(), AttrSource::Fixed { value } => value.clone() };
        view! {
            <span class="rule" data-testid="attr-rule" title=rule_text(&r)>
                <input aria-label="Component attribute" placeholder="colour" disabled=dis prop:value=r.component_attribute.clone()
                    on:change=move |ev| { let v = event_target_value(&ev); upd(Box::new(move |l| if let Some(r) = l.attrs.get_mut(j) { r.component_attribute = v })) } />
                <select aria-label="Rule" disabled=dis on:change=move |ev| {
                    let follow = event_target_value(&ev) == "follow";
                    upd(Box::new(move |l| if let Some(r) = l.attrs.get_mut(j) {
                        let v = match &r.source { AttrSource::Follow { parent_attribute } => parent_attribute.clone(), AttrSource::Fixed { value } => value.clone() };
                        r.source = if follow { AttrSource::Follow { parent_attribute: v } } else { AttrSource::Fixed { value: v } };
                    }))
                }>
                    <option value="follow" selected=follow>"follows"</option>
                    <option value="fixed" selected=!follow>"is always"</option>
                </select>
                <input aria-label="Parent attribute or value" disabled=dis prop:value=value
                    on:change=move |ev| { let v = event_target_value(&ev); upd(Box::new(move |l| if let Some(r) = l.attrs.get_mut(j) {
                        r.source = match &r.source { AttrSource::Follow { .. } => AttrSource::Follow { parent_attribute: v }, AttrSource::Fixed { .. } => AttrSource::Fixed { value: v } };
                    })) } />
                <button type="button" class="btn small" aria-label="Remove rule" disabled=dis
                    on:click=move |_| upd(Box::new(move |l| { if j < l.attrs.len() { l.attrs.remove(j); } }))>"×"</button>
            </span>
        }
    }).collect_view();
    let at = format!("lines[{i}]");
    view! {
        <tr data-testid="bom-line" data-line=l.line_no>
            <td class="tree">
                {bom_id.map(|_| view! {
                    <button type="button" class="btn small" data-testid="line-expand" aria-label="Show its components"
                        on:click=move |_| open.update(|o| *o = !*o)>{move || if open.get() { "▾" } else { "▸" }}</button>
                })}
                {l.line_no}
            </td>
            <td>
                <input aria-label=format!("Component of line {}", l.line_no) data-testid="line-component" disabled=dis prop:value=l.component.clone()
                    on:change=move |ev| { let v = event_target_value(&ev).trim().to_uppercase(); upd(Box::new(move |l| l.component = v)) } />
                {bom_id.map(|b| view! { <A href=format!("/warehouse/bom/{b}") attr:class="small">" open"</A> })}
            </td>
            <td>
                <select aria-label=format!("Quantity kind of line {}", l.line_no) data-testid="line-qty-kind" disabled=dis on:change=move |ev| {
                    let by = event_target_value(&ev) == "by_attribute";
                    upd(Box::new(move |l| l.qty = if by {
                        QtyRuleInput::ByAttribute { attribute: "size".into(), values: BTreeMap::new(), default: None }
                    } else { QtyRuleInput::Fixed { qty: "1".into() } }))
                }>
                    <option value="fixed" selected=!by_attr>"fixed"</option>
                    <option value="by_attribute" selected=by_attr>"by attribute"</option>
                </select>
                {qty_cell}
            </td>
            <td><input class="qty" aria-label=format!("Scrap % of line {}", l.line_no) data-testid="line-scrap" disabled=dis prop:value=percent(l.scrap_bp)
                on:change=move |ev| { let v = basis_points(&event_target_value(&ev)); upd(Box::new(move |l| l.scrap_bp = v)) } /></td>
            <td class="rules">
                {rules}
                <button type="button" class="btn small" data-testid="add-rule" disabled=dis
                    on:click=move |_| upd(Box::new(|l| l.attrs.push(AttrRule { component_attribute: "colour".into(), source: AttrSource::Follow { parent_attribute: "colour".into() } })))>"+ rule"</button>
            </td>
            <td><button type="button" class="btn small" aria-label=format!("Remove line {}", l.line_no) disabled=dis
                on:click=move |_| ed.form.update(|b| { if i < b.lines.len() { b.lines.remove(i); } })>"Remove"</button></td>
        </tr>
        <tr class="issues-row"><td colspan="6">{issues_at(ed, at)}</td></tr>
        {move || match (open.get(), bom_id) {
            (true, Some(b)) => view! { <tr class="subtree"><td colspan="6"><SubTree id=b depth=1 /></td></tr> }.into_any(),
            _ => ().into_any(),
        }}
    }
}

#[component]
pub(super) fn LinesTable(ed: Ed) -> impl IntoView {
    view! {
        <div class="card">
            <h2>"Components"</h2>
            <div class="scroll-x">
                <table class="table bom-lines" data-testid="bom-lines">
                    <thead><tr><th>"Line"</th><th>"Component"</th><th>"Qty per"</th><th>"Scrap %"</th><th>"Variant rules"</th><th></th></tr></thead>
                    <tbody>
                        {move || ed.form.with(|f| f.lines.clone()).into_iter().enumerate().map(|(i, l)| line_row(ed, i, l)).collect_view()}
                    </tbody>
                </table>
            </div>
            <Show when=move || ed.editable>
                <button type="button" class="btn" data-testid="add-line" on:click=move |_| ed.form.update(|b| {
                    let no = b.lines.iter().map(|l| l.line_no).max().unwrap_or(0) + 1;
                    b.lines.push(new_line(no));
                })>"+ Line"</button>
            </Show>
        </div>
    }
}

/// A sub-assembly's lines, read only, each expandable in turn.
#[component]
fn SubTree(id: i64, depth: u32) -> impl IntoView {
    let bom = Resource::new(
        move || id,
        |id| read("Loading a sub-assembly", move || bom_get(id)),
    );
    view! {
        <Suspense fallback=|| view! { <span class="spinner"></span> }>
            {move || bom.get().map(|r| match r {
                Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                Ok(v) => view! {
                    <ul class="bom-subtree" data-depth=depth data-testid="bom-subtree">
                        <li class="muted"><A href=format!("/warehouse/bom/{}", v.id)>{format!("Open {} v{}", v.item, v.version)}</A></li>
                        {v.form.lines.iter().map(|l| {
                            let child = v.components.iter().find(|c| c.code == l.component).and_then(|c| c.bom_id);
                            let open = RwSignal::new(false);
                            view! {
                                <li data-testid="subtree-line">
                                    {child.map(|_| view! { <button type="button" class="btn small" on:click=move |_| open.update(|o| *o = !*o)>{move || if open.get() { "▾" } else { "▸" }}</button> })}
                                    {format!("{} × {} (scrap {} %)", l.component, qty_text(&l.qty), percent(l.scrap_bp))}
                                    {move || match (open.get(), child) {
                                        (true, Some(c)) => view! { <SubTree id=c depth=depth + 1 /> }.into_any(),
                                        _ => ().into_any(),
                                    }}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Suspense>
    }
}

fn change_text(c: &ChangeInput) -> String {
    match c {
        ChangeInput::Add { line } => format!(
            "add line {}: {} × {}",
            line.line_no,
            line.component,
            qty_text(&line.qty)
        ),
        ChangeInput::Remove { line_no } => format!("remove line {line_no}"),
        ChangeInput::Replace { line_no, line } => format!(
            "replace line {line_no} with {} × {}",
            line.component,
            qty_text(&line.qty)
        ),
    }
}

#[component]
pub(super) fn OverridesCard(ed: Ed) -> impl IntoView {
    let when = RwSignal::new(String::new());
    let kind = RwSignal::new("add".to_string());
    let line_no = RwSignal::new(String::new());
    let component = RwSignal::new(String::new());
    let qty = RwSignal::new("1".to_string());
    let add = move |_| {
        let when = parse_values(&when.get_untracked().replace(',', ";"));
        let no = line_no.get_untracked().trim().parse::<u32>().unwrap_or(0);
        let line = BomLineInput {
            component: component.get_untracked().trim().to_uppercase(),
            qty: QtyRuleInput::Fixed {
                qty: qty.get_untracked(),
            },
            ..new_line(no)
        };
        let change = match kind.get_untracked().as_str() {
            "remove" => ChangeInput::Remove { line_no: no },
            "replace" => ChangeInput::Replace { line_no: no, line },
            _ => ChangeInput::Add { line },
        };
        ed.form
            .update(|b| b.overrides.push(OverrideInput { when, change }));
    };
    view! {
        <div class="card">
            <h2>"Variant overrides"</h2>
            <ul class="overrides" data-testid="bom-overrides">
                {move || ed.form.with(|f| f.overrides.clone()).into_iter().enumerate().map(|(i, o)| view! {
                    <li data-testid="bom-override">
                        {format!("when {}: {}", show_values(&o.when), change_text(&o.change))}
                        <Show when=move || ed.editable>
                            <button type="button" class="btn small" on:click=move |_| ed.form.update(|b| { if i < b.overrides.len() { b.overrides.remove(i); } })>"Remove"</button>
                        </Show>
                        {issues_at(ed, format!("overrides[{i}]"))}
                    </li>
                }).collect_view()}
            </ul>
            <Show when=move || ed.editable>
                <div class="inline-form" data-testid="override-form">
                    <input aria-label="Override when" placeholder="colour=white; size=M" prop:value=move || when.get() on:input=move |ev| when.set(event_target_value(&ev)) />
                    <select aria-label="Override change" on:change=move |ev| kind.set(event_target_value(&ev))>
                        <option value="add">"add"</option><option value="remove">"remove"</option><option value="replace">"replace"</option>
                    </select>
                    <input class="qty" aria-label="Override line number" placeholder="line" prop:value=move || line_no.get() on:input=move |ev| line_no.set(event_target_value(&ev)) />
                    <input aria-label="Override component" placeholder="component" prop:value=move || component.get() on:input=move |ev| component.set(event_target_value(&ev)) />
                    <input class="qty" aria-label="Override quantity" prop:value=move || qty.get() on:input=move |ev| qty.set(event_target_value(&ev)) />
                    <button type="button" class="btn" data-testid="add-override" on:click=add>"+ Override"</button>
                </div>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrap_percent_round_trips() {
        assert_eq!(basis_points("5.5"), 550);
        assert_eq!(basis_points("10"), 1000);
        assert_eq!(basis_points("0.25"), 25);
        assert_eq!(percent(550), "5.5");
        assert_eq!(percent(1000), "10");
        assert_eq!(percent(0), "0");
    }

    #[test]
    fn values_text_parses() {
        let m = parse_values("S=0.08; M = 0.12;");
        assert_eq!(show_values(&m), "M=0.12; S=0.08");
    }
}
