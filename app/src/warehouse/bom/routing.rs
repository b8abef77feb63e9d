//! The routing: operations in order, reordered by dragging the handle
//! (pointer events, so mouse, pen and touch) or with the up and down
//! buttons (keyboard and small screens); run time per unit or from an
//! embroidery design.

use super::editor::{issues_at, Ed};
use domain::bom::{OperationInput, RunTimeInput};
use leptos::prelude::*;

/// Moves operation `from` to `to` and numbers the steps 10, 20, 30, …
pub(super) fn move_op(ops: &mut Vec<OperationInput>, from: usize, to: usize) {
    if from >= ops.len() || to >= ops.len() || from == to {
        return;
    }
    let op = ops.remove(from);
    ops.insert(to, op);
    for (i, o) in ops.iter_mut().enumerate() {
        o.seq = (i as u32 + 1) * 10;
    }
}

fn op_row(ed: Ed, i: usize, o: OperationInput, drag: RwSignal<Option<usize>>) -> impl IntoView {
    let upd = move |f: Box<dyn FnOnce(&mut OperationInput)>| {
        ed.form.update(|b| {
            if let Some(o) = b.operations.get_mut(i) {
                f(o)
            }
        })
    };
    let dis = !ed.editable;
    let emb = matches!(o.run, RunTimeInput::Embroidery { .. });
    let run_value = match &o.run {
        RunTimeInput::PerUnit { minutes } => minutes.clone(),
        RunTimeInput::Embroidery { design } => design.clone(),
    };
    let n = ed.form.with_untracked(|f| f.operations.len());
    view! {
        <li class="op-row" data-testid="bom-op" data-seq=o.seq
            class:drop-target=move || drag.get().is_some_and(|d| d != i)
            on:pointerup=move |_| if let Some(from) = drag.get_untracked() {
                drag.set(None);
                ed.form.update(|b| move_op(&mut b.operations, from, i));
            }>
            <span class="drag-handle" role="button" aria-label="Drag to reorder" data-testid="op-drag"
                on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                    if dis { return; }
                    #[cfg(feature = "hydrate")]
                    {
                        use wasm_bindgen::JsCast;
                        // Let the pointer's release land on the row it ends over.
                        if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                            let _ = el.release_pointer_capture(ev.pointer_id());
                        }
                    }
                    #[cfg(not(feature = "hydrate"))]
                    let _ = ev;
                    drag.set(Some(i));
                }>"⠿"</span>
            <span class="seq">{o.seq}</span>
            <input aria-label=format!("Work centre of step {}", o.seq) data-testid="op-wc" disabled=dis prop:value=o.work_centre.clone()
                on:change=move |ev| { let v = event_target_value(&ev).trim().to_uppercase(); upd(Box::new(move |o| o.work_centre = v)) } />
            <label>"setup "<input class="qty" aria-label=format!("Setup minutes of step {}", o.seq) disabled=dis prop:value=o.setup_minutes.clone()
                on:change=move |ev| { let v = event_target_value(&ev); upd(Box::new(move |o| o.setup_minutes = v)) } /></label>
            <select aria-label=format!("Run time of step {}", o.seq) data-testid="op-run-kind" disabled=dis on:change=move |ev| {
                let e = event_target_value(&ev) == "embroidery";
                upd(Box::new(move |o| o.run = if e { RunTimeInput::Embroidery { design: String::new() } } else { RunTimeInput::PerUnit { minutes: "1".into() } }))
            }>
                <option value="per_unit" selected=!emb>"min per unit"</option>
                <option value="embroidery" selected=emb>"embroidery design"</option>
            </select>
            <input aria-label=if emb { format!("Design of step {}", o.seq) } else { format!("Run minutes of step {}", o.seq) }
                data-testid="op-run" disabled=dis prop:value=run_value
                on:change=move |ev| { let v = event_target_value(&ev); upd(Box::new(move |o| match &mut o.run {
                    RunTimeInput::PerUnit { minutes } => *minutes = v,
                    RunTimeInput::Embroidery { design } => *design = v.trim().to_uppercase(),
                })) } />
            <button type="button" class="btn small" aria-label=format!("Move step {} up", o.seq) data-testid="op-up" disabled={dis || i == 0}
                on:click=move |_| ed.form.update(|b| move_op(&mut b.operations, i, i.saturating_sub(1)))>"↑"</button>
            <button type="button" class="btn small" aria-label=format!("Move step {} down", o.seq) data-testid="op-down" disabled={dis || i + 1 >= n}
                on:click=move |_| ed.form.update(|b| move_op(&mut b.operations, i, i + 1))>"↓"</button>
            <button type="button" class="btn small" aria-label=format!("Remove step {}", o.seq) disabled=dis
                on:click=move |_| ed.form.update(|b| { if i < b.operations.len() { b.operations.remove(i); } })>"Remove"</button>
            {issues_at(ed, format!("operations[{i}]"))}
        </li>
    }
}

#[component]
pub(super) fn RoutingCard(ed: Ed) -> impl IntoView {
    let drag = RwSignal::new(None::<usize>);
    view! {
        <div class="card">
            <h2>"Routing"</h2>
            <ol class="ops" data-testid="bom-ops" on:pointerleave=move |_| drag.set(None)>
                {move || ed.form.with(|f| f.operations.clone()).into_iter().enumerate().map(|(i, o)| op_row(ed, i, o, drag)).collect_view()}
            </ol>
            <Show when=move || ed.editable>
                <button type="button" class="btn" data-testid="add-op" on:click=move |_| ed.form.update(|b| {
                    let seq = (b.operations.len() as u32 + 1) * 10;
                    b.operations.push(OperationInput { seq, work_centre: String::new(), setup_minutes: "0".into(), run: RunTimeInput::PerUnit { minutes: "1".into() } });
                })>"+ Operation"</button>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(seq: u32, wc: &str) -> OperationInput {
        OperationInput {
            seq,
            work_centre: wc.into(),
            setup_minutes: "0".into(),
            run: RunTimeInput::PerUnit {
                minutes: "1".into(),
            },
        }
    }

    #[test]
    fn moving_a_step_renumbers_the_routing() {
        let mut ops = vec![op(1, "CUT"), op(2, "SEW"), op(3, "EMB")];
        move_op(&mut ops, 2, 0);
        let got: Vec<_> = ops
            .iter()
            .map(|o| (o.seq, o.work_centre.as_str()))
            .collect();
        assert_eq!(got, vec![(10, "EMB"), (20, "CUT"), (30, "SEW")]);
        move_op(&mut ops, 0, 9);
        assert_eq!(ops[0].work_centre, "EMB");
    }
}
