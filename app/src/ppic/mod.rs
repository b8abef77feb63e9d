//! Planning screens: manufacturing orders (list, new, one order with its
//! jobs, materials, child orders, release and promise date), the Kanban
//! board, the Gantt chart and the plan's analytics.

pub mod analytics;
pub mod api;
mod changeover;
pub mod gantt;
pub mod kanban;
pub mod orders;
mod shared;

pub use analytics::AnalyticsPage;
pub use gantt::GanttPage;
pub use kanban::KanbanPage;
pub use orders::{MoDetailPage, MoListPage, MoNewPage};

lazy_page!(
    MoListRoute => MoListPage,
    MoNewRoute => MoNewPage,
    MoDetailRoute => MoDetailPage,
    KanbanRoute => KanbanPage,
    GanttRoute => GanttPage,
    PlanAnalyticsRoute => AnalyticsPage,
);
