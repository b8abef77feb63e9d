//! The size × colour grid: sizes across, colours down, a numeric input per
//! cell, and row, column and grand totals that update as you type. Tab goes
//! row by row (the inputs are in reading order). At 480 px the grid scrolls
//! sideways inside its card; the page does not.

use domain::master::Qty;
use domain::orders::{grid_totals, GridCell};
use leptos::prelude::*;

/// One grid being edited: its axes and a text signal per cell.
#[derive(Clone)]
pub struct GridState {
    pub rows_attribute: String,
    pub cols_attribute: String,
    pub fixed: String,
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    /// `cells[r][c]`, as typed.
    pub cells: Vec<Vec<RwSignal<String>>>,
}

impl GridState {
    pub fn new(
        rows_attribute: String,
        cols_attribute: String,
        fixed: String,
        rows: Vec<String>,
        cols: Vec<String>,
        values: impl Fn(usize, usize) -> String,
    ) -> GridState {
        let cells = (0..rows.len())
            .map(|r| {
                (0..cols.len())
                    .map(|c| RwSignal::new(values(r, c)))
                    .collect()
            })
            .collect();
        GridState {
            rows_attribute,
            cols_attribute,
            fixed,
            rows,
            cols,
            cells,
        }
    }

    /// Every cell, row by row (empty ones too, so an error's `cells[j]`
    /// is row `j / cols`, column `j % cols`).
    pub fn to_cells(&self) -> Vec<GridCell> {
        let mut out = Vec::new();
        for (r, row) in self.rows.iter().enumerate() {
            for (c, col) in self.cols.iter().enumerate() {
                out.push(GridCell {
                    row: row.clone(),
                    col: col.clone(),
                    qty: self.cells[r][c].get_untracked(),
                });
            }
        }
        out
    }
}

/// A cell's quantity: empty is zero; text that is not a number is None.
fn cell_qty(s: &str) -> Option<Qty> {
    if s.trim().is_empty() {
        return Some(Qty::ZERO);
    }
    Qty::parse("qty", s).ok().filter(|q| !q.is_negative())
}

/// The grid, editable. `bad_cell` is the index the server refused, if any.
#[component]
pub fn GridEditor(
    grid: GridState,
    #[prop(into)] label: String,
    bad_cell: Signal<Option<usize>>,
) -> impl IntoView {
    let cells = grid.cells.clone();
    let totals = Memo::new(move |_| {
        let qtys: Vec<Vec<Qty>> = cells
            .iter()
            .map(|row| {
                row.iter()
                    .map(|s| s.with(|t| cell_qty(t).unwrap_or(Qty::ZERO)))
                    .collect()
            })
            .collect();
        grid_totals(&qtys)
    });
    let ncols = grid.cols.len();
    let row_head = if grid.rows_attribute.is_empty() {
        String::new()
    } else {
        format!("{} \\ {}", grid.rows_attribute, grid.cols_attribute)
    };
    let fixed = grid.fixed.clone();
    view! {
        <div class="grid-card card" data-testid="grid">
            <p class="grid-label">
                <strong>{label}</strong>
                {(!fixed.is_empty()).then(|| view! { <span class="muted">{format!(" · {fixed}")}</span> })}
            </p>
            <div class="grid-scroll">
                <table class="qty-grid">
                    <thead>
                        <tr>
                            <th scope="col">{row_head}</th>
                            {grid.cols.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}
                            <th scope="col" class="total">"Total"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {grid.rows.iter().enumerate().map(|(r, row)| {
                            let row_label = row.clone();
                            view! {
                                <tr>
                                    <th scope="row">{if row_label.is_empty() { "Qty".to_string() } else { row_label.clone() }}</th>
                                    {grid.cols.iter().enumerate().map(|(c, col)| {
                                        let sig = grid.cells[r][c];
                                        let j = r * ncols + c;
                                        let aria = format!("{} {}", row_label, col).trim().to_string();
                                        let testid = format!("cell-{}-{}", row_label, col);
                                        view! {
                                            <td>
                                                <input
                                                    class="cell"
                                                    class:bad=move || bad_cell.get() == Some(j) || sig.with(|t| cell_qty(t).is_none())
                                                    type="text"
                                                    inputmode="numeric"
                                                    autocomplete="off"
                                                    size="4"
                                                    aria-label=aria
                                                    data-testid=testid
                                                    bind:value=sig
                                                />
                                            </td>
                                        }
                                    }).collect_view()}
                                    <td class="total" data-testid=format!("row-total-{}", row_label)>
                                        {move || totals.with(|t| t.0[r].to_string())}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                    <tfoot>
                        <tr>
                            <th scope="row">"Total"</th>
                            {grid.cols.iter().enumerate().map(|(c, col)| view! {
                                <td class="total" data-testid=format!("col-total-{col}")>
                                    {move || totals.with(|t| t.1.get(c).copied().unwrap_or(Qty::ZERO).to_string())}
                                </td>
                            }).collect_view()}
                            <td class="total grand" data-testid="grid-total">{move || totals.with(|t| t.2.to_string())}</td>
                        </tr>
                    </tfoot>
                </table>
            </div>
        </div>
    }
}

/// A stored grid, read-only, with its totals.
#[component]
pub fn GridTable(grid: domain::orders::GridView) -> impl IntoView {
    let head = if grid.rows_attribute.is_empty() {
        String::new()
    } else {
        format!("{} \\ {}", grid.rows_attribute, grid.cols_attribute)
    };
    let title = if grid.fixed.is_empty() {
        grid.item_code.clone()
    } else {
        format!("{} · {}", grid.item_code, grid.fixed)
    };
    view! {
        <div class="grid-card card" data-testid="grid-view">
            <p class="grid-label"><strong>{title}</strong></p>
            <div class="grid-scroll">
                <table class="qty-grid">
                    <thead><tr>
                        <th scope="col">{head}</th>
                        {grid.cols.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}
                        <th scope="col" class="total">"Total"</th>
                    </tr></thead>
                    <tbody>
                        {grid.rows.iter().enumerate().map(|(r, row)| view! {
                            <tr>
                                <th scope="row">{if row.is_empty() { "Qty".to_string() } else { row.clone() }}</th>
                                {grid.cells[r].iter().map(|q| view! { <td>{if *q == Qty::ZERO { String::new() } else { q.to_string() }}</td> }).collect_view()}
                                <td class="total">{grid.row_totals[r].to_string()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                    <tfoot><tr>
                        <th scope="row">"Total"</th>
                        {grid.col_totals.iter().map(|q| view! { <td class="total">{q.to_string()}</td> }).collect_view()}
                        <td class="total grand" data-testid="grid-view-total">{grid.total.to_string()}</td>
                    </tr></tfoot>
                </table>
            </div>
        </div>
    }
}
