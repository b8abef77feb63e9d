//! Embroidery: designs (stitches, colour changes, threads, hoop) and
//! multi-head machines, and how long a batch of pieces takes to embroider.

use super::codes::Code;
use super::qty::Qty;
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// An embroidery design as the machine runs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Design {
    pub code: String,
    pub stitch_count: u32,
    /// How many times the machine switches thread during one run.
    pub colour_changes: u32,
    pub thread_colours: Vec<String>,
    /// The hoop it needs, e.g. `H-10X10`.
    pub hoop: String,
}

/// A design as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DesignInput {
    pub code: String,
    /// What people call it ("Bear nose, satin"); checked by the service
    /// ([`crate::master::Name`]) since a [`Design`] needs no name to be run.
    #[serde(default)]
    pub name: String,
    pub stitch_count: u32,
    pub colour_changes: u32,
    #[serde(default)]
    pub thread_colours: Vec<String>,
    pub hoop: String,
}

impl DesignInput {
    pub fn parse(&self) -> Result<Design, AppError> {
        let code = Code::parse("code", &self.code)?.into_string();
        if self.stitch_count == 0 {
            return Err(AppError::field("stitch_count", "must be more than zero"));
        }
        let mut thread_colours = Vec::with_capacity(self.thread_colours.len());
        for (i, t) in self.thread_colours.iter().enumerate() {
            thread_colours.push(super::codes::parse_label(
                &format!("thread_colours[{i}]"),
                t,
            )?);
        }
        let hoop = Code::parse("hoop", &self.hoop)?.into_string();
        Ok(Design {
            code,
            stitch_count: self.stitch_count,
            colour_changes: self.colour_changes,
            thread_colours,
            hoop,
        })
    }
}

/// An embroidery machine: its speed and how many pieces it sews at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmbroideryMachine {
    pub stitches_per_minute: u32,
    pub heads: u32,
}

/// Minutes to embroider `pieces` with `design` on `machine`.
///
/// Each run of the machine embroiders `heads` pieces at once, so a batch
/// needs `runs = ceil(pieces ÷ heads)`; each run sews every stitch and makes
/// every colour change:
///
/// `minutes = runs × (stitch_count ÷ stitches_per_minute + colour_changes × minutes_per_colour_change)`
///
/// The stitching time per run is rounded half up at six decimals. Zero
/// pieces take no time. A machine with no speed or no heads is an error.
pub fn run_minutes(
    design: &Design,
    machine: &EmbroideryMachine,
    pieces: u64,
    minutes_per_colour_change: Qty,
) -> Result<Qty, AppError> {
    if machine.stitches_per_minute == 0 {
        return Err(AppError::field(
            "stitches_per_minute",
            "the machine needs a speed above zero",
        ));
    }
    if machine.heads == 0 {
        return Err(AppError::field(
            "heads",
            "the machine needs at least one head",
        ));
    }
    let too_big = |_| AppError::field("qty", "is too large to schedule");
    let runs = pieces.div_ceil(machine.heads as u64);
    let runs = Qty::from_int(
        i64::try_from(runs).map_err(|_| AppError::field("qty", "is too large to schedule"))?,
    )
    .map_err(too_big)?;
    let stitching = Qty::ratio(
        design.stitch_count as i64,
        machine.stitches_per_minute as i64,
    )
    .map_err(too_big)?;
    let changes = Qty::from_int(design.colour_changes as i64)
        .and_then(|c| c.mul(minutes_per_colour_change))
        .map_err(too_big)?;
    stitching
        .checked_add(changes)
        .and_then(|per_run| per_run.mul(runs))
        .map_err(too_big)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Qty {
        Qty::parse("q", s).unwrap()
    }

    fn design(stitches: u32, changes: u32) -> Design {
        Design {
            code: "LOGO".into(),
            stitch_count: stitches,
            colour_changes: changes,
            thread_colours: vec!["red".into()],
            hoop: "H10".into(),
        }
    }

    #[test]
    fn worked_example() {
        // 12,000 stitches at 800 spm = 15 min a run; 20 pieces on 6 heads = 4 runs
        // (6 + 6 + 6 + 2); 3 colour changes at 0.5 min each = 1.5 min a run.
        // 4 × (15 + 1.5) = 66 minutes.
        let m = EmbroideryMachine {
            stitches_per_minute: 800,
            heads: 6,
        };
        assert_eq!(
            run_minutes(&design(12_000, 3), &m, 20, q("0.5")).unwrap(),
            q("66")
        );
        // 18 pieces fill exactly 3 runs: 3 × 16.5 = 49.5.
        assert_eq!(
            run_minutes(&design(12_000, 3), &m, 18, q("0.5")).unwrap(),
            q("49.5")
        );
        // One piece still costs a whole run.
        assert_eq!(
            run_minutes(&design(12_000, 3), &m, 1, q("0.5")).unwrap(),
            q("16.5")
        );
        assert_eq!(
            run_minutes(&design(12_000, 3), &m, 0, q("0.5")).unwrap(),
            Qty::ZERO
        );
        // 1,000 stitches at 750 spm = 1.333333 min.
        let m1 = EmbroideryMachine {
            stitches_per_minute: 750,
            heads: 1,
        };
        assert_eq!(
            run_minutes(&design(1_000, 0), &m1, 3, q("1")).unwrap(),
            q("3.999999")
        );
    }

    #[test]
    fn a_machine_without_speed_or_heads_is_refused() {
        let d = design(1000, 1);
        assert!(run_minutes(
            &d,
            &EmbroideryMachine {
                stitches_per_minute: 0,
                heads: 6
            },
            5,
            Qty::ONE
        )
        .is_err());
        assert!(run_minutes(
            &d,
            &EmbroideryMachine {
                stitches_per_minute: 800,
                heads: 0
            },
            5,
            Qty::ONE
        )
        .is_err());
    }

    #[test]
    fn design_input_names_the_bad_field() {
        let ok = DesignInput {
            code: "nose-d1".into(),
            name: "Nose".into(),
            stitch_count: 1200,
            colour_changes: 1,
            thread_colours: vec!["black".into()],
            hoop: "h-5x5".into(),
        };
        assert_eq!(ok.parse().unwrap().hoop, "H-5X5");
        let f = |i: DesignInput| i.parse().unwrap_err().field_error().unwrap().field.clone();
        assert_eq!(
            f(DesignInput {
                stitch_count: 0,
                ..ok.clone()
            }),
            "stitch_count"
        );
        assert_eq!(
            f(DesignInput {
                thread_colours: vec!["".into()],
                ..ok.clone()
            }),
            "thread_colours[0]"
        );
        assert_eq!(
            f(DesignInput {
                hoop: "".into(),
                ..ok.clone()
            }),
            "hoop"
        );
    }
}
