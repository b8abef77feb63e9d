//! Where everything goes on the Gantt chart: the scale of each zoom, a
//! lane per work centre tall enough for the jobs that run in it at once
//! (each bar in the first row free at its start), bars, the time axis, and
//! the arithmetic of a drag (pixels to a snapped time, a height to a lane
//! of the same kind). Pure, so it is tested without a browser.

use domain::ppic::GanttView;
use domain::time::Millis;

pub const AXIS_H: f64 = 34.0;
pub const ROW_H: f64 = 26.0;
pub const BAR_H: f64 = 20.0;
pub const LANE_PAD: f64 = 6.0;
const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
pub const DAY: i64 = 24 * HOUR;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zoom {
    Day,
    Week,
    Month,
}

impl Zoom {
    pub const ALL: [Zoom; 3] = [Zoom::Day, Zoom::Week, Zoom::Month];

    pub fn days(self) -> i64 {
        match self {
            Zoom::Day => 1,
            Zoom::Week => 7,
            Zoom::Month => 28,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Zoom::Day => "Day",
            Zoom::Week => "Week",
            Zoom::Month => "Month",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Zoom::Day => "day",
            Zoom::Week => "week",
            Zoom::Month => "month",
        }
    }

    /// Pixels per day.
    fn day_px(self) -> f64 {
        match self {
            Zoom::Day => 1440.0,
            Zoom::Week => 200.0,
            Zoom::Month => 56.0,
        }
    }

    /// A drag lands on a multiple of this.
    pub fn snap(self) -> i64 {
        match self {
            Zoom::Day => 5 * MINUTE,
            Zoom::Week => 15 * MINUTE,
            Zoom::Month => HOUR,
        }
    }

    /// Grid lines every this long (local time), labelled on multiples of
    /// the second.
    fn ticks(self) -> (i64, i64) {
        match self {
            Zoom::Day => (HOUR, 2 * HOUR),
            Zoom::Week => (6 * HOUR, DAY),
            Zoom::Month => (DAY, 2 * DAY),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LaneBox {
    pub code: String,
    pub kind: String,
    pub y: f64,
    pub h: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BarBox {
    /// Index into the view's bars.
    pub bar: usize,
    pub lane: usize,
    pub x: f64,
    pub w: f64,
    pub y: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub x: f64,
    /// A label under a major tick; none for a minor one.
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// For each of the view's bars, its box's index in `bars` (none when
    /// it is not drawn).
    by_bar: Vec<Option<usize>>,
    pub from: Millis,
    pub to: Millis,
    pub px_per_ms: f64,
    pub width: f64,
    pub height: f64,
    pub lanes: Vec<LaneBox>,
    pub bars: Vec<BarBox>,
    pub ticks: Vec<Tick>,
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

impl Layout {
    pub fn new(v: &GanttView, zoom: Zoom) -> Layout {
        let span = (v.to - v.from).max(HOUR);
        let width = zoom.day_px() * span as f64 / DAY as f64;
        let px_per_ms = width / span as f64;
        let x_of = |t: Millis| (t - v.from) as f64 * px_per_ms;
        // Each lane's bars in rows: a bar takes the first row free where it
        // starts on the drawing (a short job is drawn wider than its time,
        // so rows go by pixels: no bar ever covers another).
        let mut rows_in: Vec<Vec<f64>> = vec![Vec::new(); v.lanes.len()];
        let mut placed: Vec<(usize, usize, usize)> = Vec::with_capacity(v.bars.len());
        let mut order: Vec<usize> = (0..v.bars.len()).collect();
        order.sort_by_key(|&i| (v.bars[i].planned_start, v.bars[i].id));
        for i in order {
            let b = &v.bars[i];
            let (Some(s), Some(e)) = (b.planned_start, b.planned_end) else {
                continue;
            };
            let Some(lane) = v.lanes.iter().position(|l| l.code == b.work_centre) else {
                continue;
            };
            let (x0, x1) = (x_of(s), x_of(s) + width_px(s, e, px_per_ms));
            let rows = &mut rows_in[lane];
            let row = match rows.iter().position(|&end| end <= x0) {
                Some(r) => {
                    rows[r] = x1;
                    r
                }
                None => {
                    rows.push(x1);
                    rows.len() - 1
                }
            };
            placed.push((i, lane, row));
        }
        let mut lanes = Vec::with_capacity(v.lanes.len());
        let mut y = AXIS_H;
        for (l, rows) in v.lanes.iter().zip(&rows_in) {
            let h = rows.len().max(1) as f64 * ROW_H + 2.0 * LANE_PAD;
            lanes.push(LaneBox {
                code: l.code.clone(),
                kind: l.kind.clone(),
                y,
                h,
            });
            y += h;
        }
        let mut by_bar = vec![None; v.bars.len()];
        for (k, (i, _, _)) in placed.iter().enumerate() {
            by_bar[*i] = Some(k);
        }
        let bars = placed
            .into_iter()
            .map(|(i, lane, row)| {
                let b = &v.bars[i];
                let (s, e) = (b.planned_start.unwrap_or(0), b.planned_end.unwrap_or(0));
                BarBox {
                    bar: i,
                    lane,
                    x: x_of(s),
                    w: width_px(s, e, px_per_ms),
                    y: lanes[lane].y + LANE_PAD + row as f64 * ROW_H + (ROW_H - BAR_H) / 2.0,
                }
            })
            .collect();
        Layout {
            by_bar,
            from: v.from,
            to: v.to,
            px_per_ms,
            width,
            height: y,
            lanes,
            bars,
            ticks: ticks(v.from, v.to, v.utc_offset_minutes, zoom, px_per_ms),
        }
    }

    /// The box of the view's bar `i`.
    pub fn bar(&self, i: usize) -> Option<&BarBox> {
        self.bars.get((*self.by_bar.get(i)?)?)
    }

    /// Where a bar starting at `start` lands when dragged `(dx, dy)`: its
    /// start (kept when the drag barely went sideways) and its lane.
    pub fn drop_target(
        &self,
        start: Millis,
        b: &BarBox,
        dx: f64,
        dy: f64,
        zoom: Zoom,
    ) -> (Millis, usize) {
        let start = if dx.abs() < 4.0 {
            start
        } else {
            self.dragged_start(start, dx, zoom)
        };
        (start, self.dragged_lane(b.lane, b.y + dy + BAR_H / 2.0))
    }

    pub fn x_of(&self, t: Millis) -> f64 {
        (t - self.from) as f64 * self.px_per_ms
    }

    /// The start a bar starting at `start` lands on when dragged `dx`
    /// pixels, snapped.
    pub fn dragged_start(&self, start: Millis, dx: f64, zoom: Zoom) -> Millis {
        let t = start + (dx / self.px_per_ms).round() as i64;
        let step = zoom.snap();
        (t as f64 / step as f64).round() as i64 * step
    }

    /// The lane a bar of lane `from` lands in when its middle is dragged to
    /// height `y`: a lane of the same kind, else where it was.
    pub fn dragged_lane(&self, from: usize, y: f64) -> usize {
        match self.lanes.iter().position(|l| y >= l.y && y < l.y + l.h) {
            Some(to) if self.lanes[to].kind == self.lanes[from].kind => to,
            _ => from,
        }
    }
}

/// A bar's drawn width: its time, and at least enough to see and grab.
fn width_px(s: Millis, e: Millis, px_per_ms: f64) -> f64 {
    ((e - s) as f64 * px_per_ms).max(3.0)
}

fn ticks(from: Millis, to: Millis, offset_min: i32, zoom: Zoom, px: f64) -> Vec<Tick> {
    let (step, major) = zoom.ticks();
    let off = offset_min as i64 * MINUTE;
    // Ticks on local boundaries: the first at or after `from`.
    let local = from + off;
    let first = local.div_euclid(step) * step + if local.rem_euclid(step) == 0 { 0 } else { step };
    let mut out = Vec::new();
    let mut t = first;
    while t - off < to {
        out.push(Tick {
            x: (t - off - from) as f64 * px,
            label: (t.rem_euclid(major) == 0).then(|| label(t, zoom)),
        });
        t += step;
    }
    out
}

/// A local instant's label: `14:00` by the day, `Tue 08` by the week and month.
fn label(local: Millis, zoom: Zoom) -> String {
    let day = local.div_euclid(DAY);
    let in_day = local.rem_euclid(DAY);
    let date = domain::master::Date::from_days(day);
    match zoom {
        Zoom::Day => format!("{:02}:{:02}", in_day / HOUR, in_day % HOUR / MINUTE),
        _ => {
            let d = date.to_string();
            format!("{} {}", WEEKDAYS[date.weekday() % 7], &d[8..])
        }
    }
}

/// An order's colour: hues spread by id so neighbours differ.
pub fn order_colour(mo_id: i64) -> String {
    let hue = (mo_id.rem_euclid(360) * 137) % 360;
    format!("hsl({hue} 55% 52%)")
}

/// A `datetime-local` value (`2026-12-08T07:30`, the plant's time) as UTC
/// milliseconds; none when malformed.
pub fn parse_local(s: &str, offset_min: i32) -> Option<Millis> {
    let (date, time) = s.trim().split_once('T')?;
    let date = domain::master::Date::parse("start", date).ok()?;
    let mut hm = time.split(':');
    let h: i64 = hm.next()?.parse().ok()?;
    let m: i64 = hm.next()?.parse().ok()?;
    if !(0..24).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    Some(date.days() * DAY + h * HOUR + m * MINUTE - offset_min as i64 * MINUTE)
}

/// UTC milliseconds as a `datetime-local` value in the plant's time.
pub fn format_local(t: Millis, offset_min: i32) -> String {
    let local = t + offset_min as i64 * MINUTE;
    let date = domain::master::Date::from_days(local.div_euclid(DAY));
    let in_day = local.rem_euclid(DAY);
    format!("{date}T{:02}:{:02}", in_day / HOUR, in_day % HOUR / MINUTE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::ppic::{GanttLane, JobView, TaskStatus};

    fn bar(id: i64, wc: &str, s: Millis, e: Millis) -> JobView {
        JobView {
            id,
            mo_id: 1,
            mo_number: "MO-1".into(),
            item: "TOY".into(),
            seq: 1,
            name: "Sew".into(),
            work_centre: wc.into(),
            status: TaskStatus::Draft,
            qty: domain::master::Qty::from_millionths(1_000_000),
            good: domain::master::Qty::from_millionths(0),
            scrap: domain::master::Qty::from_millionths(0),
            minutes: 60,
            after: vec![],
            planned_start: Some(s),
            planned_end: Some(e),
            latest_start: None,
            late: false,
            pinned: false,
            version: 0,
        }
    }

    fn lane(id: i64, code: &str, kind: &str) -> GanttLane {
        GanttLane {
            id,
            code: code.into(),
            name: code.into(),
            kind: kind.into(),
            slots: 2,
        }
    }

    fn view() -> GanttView {
        GanttView {
            from: 0,
            to: 7 * DAY,
            now: DAY,
            utc_offset_minutes: 120,
            lanes: vec![
                lane(1, "CUT", "cutting"),
                lane(2, "SEW", "sewing"),
                lane(3, "SEW2", "sewing"),
            ],
            bars: vec![
                bar(1, "CUT", 0, 2 * HOUR),
                bar(2, "CUT", HOUR, 3 * HOUR),
                bar(3, "CUT", 2 * HOUR, 4 * HOUR),
                bar(4, "SEW", DAY, DAY + HOUR),
            ],
            windows: vec![],
        }
    }

    #[test]
    fn overlapping_bars_take_rows_and_lanes_grow() {
        let l = Layout::new(&view(), Zoom::Week);
        assert_eq!(l.width, 1400.0);
        let row = |id: i64| {
            let b = l.bars.iter().find(|b| view().bars[b.bar].id == id).unwrap();
            ((b.y - l.lanes[b.lane].y - LANE_PAD) / ROW_H).floor() as i64
        };
        // 1 and 2 overlap; 3 starts when 1 ends and reuses its row.
        assert_eq!((row(1), row(2), row(3)), (0, 1, 0));
        assert_eq!(l.lanes[0].h, 2.0 * ROW_H + 2.0 * LANE_PAD);
        assert_eq!(l.lanes[1].y, AXIS_H + l.lanes[0].h);
        let b4 = l.bars.iter().find(|b| b.bar == 3).unwrap();
        assert_eq!(b4.x, 200.0);
        assert!((b4.w - 200.0 / 24.0).abs() < 1e-9);
    }

    #[test]
    fn short_jobs_drawn_wider_than_their_time_never_cover_each_other() {
        let mut v = view();
        // Two 10-minute jobs 12 minutes apart: under a pixel apart by the month.
        v.bars = vec![
            bar(1, "SEW", DAY, DAY + 10 * MINUTE),
            bar(2, "SEW", DAY + 12 * MINUTE, DAY + 22 * MINUTE),
        ];
        let l = Layout::new(&v, Zoom::Month);
        let (a, b) = (l.bar(0).unwrap(), l.bar(1).unwrap());
        assert_eq!(a.w, 3.0);
        assert_ne!(a.y, b.y, "the second goes in a row of its own");
        let l = Layout::new(&v, Zoom::Day);
        assert_eq!(
            l.bar(0).unwrap().y,
            l.bar(1).unwrap().y,
            "by the day they fit in one row"
        );
    }

    #[test]
    fn a_drag_snaps_and_stays_in_its_kind() {
        let l = Layout::new(&view(), Zoom::Week);
        // 200 px a day: 25 px is three hours; 26 px snaps to the same quarter.
        assert_eq!(l.dragged_start(DAY, 25.0, Zoom::Week), DAY + 3 * HOUR);
        assert_eq!(l.dragged_start(DAY, 25.3, Zoom::Week), DAY + 3 * HOUR);
        assert_eq!(l.dragged_start(DAY, -25.0, Zoom::Week), DAY - 3 * HOUR);
        let sew2 = l.lanes[2].y + 5.0;
        assert_eq!(l.dragged_lane(1, sew2), 2, "sewing to sewing");
        assert_eq!(l.dragged_lane(0, sew2), 0, "cutting stays cutting");
        assert_eq!(l.dragged_lane(1, -50.0), 1, "off the chart: where it was");
    }

    #[test]
    fn local_times_round_trip() {
        let t = parse_local("2026-12-08T07:30", 120).unwrap();
        assert_eq!(domain::time::format_iso(t), "2026-12-08T05:30:00.000Z");
        assert_eq!(format_local(t, 120), "2026-12-08T07:30");
        assert_eq!(parse_local("2026-12-08T24:00", 120), None);
        assert_eq!(parse_local("08/12/2026 07:30", 120), None);
    }

    #[test]
    fn ticks_fall_on_local_boundaries() {
        let l = Layout::new(&view(), Zoom::Week);
        // From 00:00 UTC = 02:00 local: the first 6-hour tick is 06:00 local.
        assert_eq!(l.ticks[0].x, 4.0 * 200.0 / 24.0);
        assert_eq!(
            l.ticks[0].label, None,
            "only midnights are labelled by the week"
        );
        let midnight = l
            .ticks
            .iter()
            .find(|t| t.label.as_deref() == Some("Fri 02"))
            .unwrap();
        assert!((midnight.x - (DAY - 2 * HOUR) as f64 * l.px_per_ms).abs() < 1e-6);
    }
}
