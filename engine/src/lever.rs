//! Scenario levers as they act on one segment: deterministic, monotone maps
//! of a trial's shared draws (volume × factor, rate operations in lever
//! order, deal × factor).

use crate::error::{check_finite_in, Field, ModelError, Problem};
use crate::model::Lever;

/// One change to a rate, applied to each trial's drawn rate in lever order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum RateOp {
    Points(f64),
    Relative(f64),
}

impl RateOp {
    #[inline]
    pub(crate) fn apply(self, r: f64) -> f64 {
        match self {
            RateOp::Points(p) => crate::special::clamp(r + p, 0.0, 1.0),
            RateOp::Relative(f) => crate::special::clamp(r * (1.0 + f), 0.0, 1.0),
        }
    }
}

/// A scenario's levers as they act on one segment.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SegmentLevers {
    pub volume_factor: f64,
    /// `rate_ops[i - 1]`: operations on the rate into stage i, in order.
    pub rate_ops: Vec<Vec<RateOp>>,
    pub deal_factor: f64,
}

impl SegmentLevers {
    pub(crate) fn identity(stages: usize) -> Self {
        Self {
            volume_factor: 1.0,
            rate_ops: vec![Vec::new(); stages - 1],
            deal_factor: 1.0,
        }
    }

    /// Scenario `s`'s levers on a funnel of `stages` stages; each lever out
    /// of range is reported (in lever order) and left out.
    pub(crate) fn from_levers(
        levers: &[Lever],
        stages: usize,
        s: usize,
        errs: &mut Vec<ModelError>,
    ) -> Self {
        let mut lv = Self::identity(stages.max(1));
        let mut push = |field: Field, problem: Problem| errs.push(ModelError::new(field, problem));
        for lever in levers {
            match *lever {
                Lever::Volume { frac } => match check_finite_in(frac, -1.0, 100.0) {
                    Ok(()) => lv.volume_factor *= 1.0 + frac,
                    Err(p) => push(Field::LeverVolumePct(s), p),
                },
                Lever::Deal { frac } => match check_finite_in(frac, -1.0, 100.0) {
                    Ok(()) => lv.deal_factor *= 1.0 + frac,
                    Err(p) => push(Field::LeverDealPct(s), p),
                },
                Lever::RatePoints { stage, points } => {
                    if stage == 0 || stage >= stages {
                        push(Field::LeverRatePts(s, stage), Problem::NoSuchIndex);
                    } else {
                        match check_finite_in(points, -1.0, 1.0) {
                            Ok(()) => lv.rate_ops[stage - 1].push(RateOp::Points(points)),
                            Err(p) => push(Field::LeverRatePts(s, stage), p),
                        }
                    }
                }
                Lever::RateRelative { stage, frac } => {
                    if stage == 0 || stage >= stages {
                        push(Field::LeverRatePct(s, stage), Problem::NoSuchIndex);
                    } else {
                        match check_finite_in(frac, -1.0, 100.0) {
                            Ok(()) => lv.rate_ops[stage - 1].push(RateOp::Relative(frac)),
                            Err(p) => push(Field::LeverRatePct(s, stage), p),
                        }
                    }
                }
            }
        }
        lv
    }

    pub(crate) fn is_identity(&self) -> bool {
        self.volume_factor == 1.0
            && self.deal_factor == 1.0
            && self.rate_ops.iter().all(|v| v.is_empty())
    }

    #[inline]
    pub(crate) fn rate(&self, i: usize, r: f64) -> f64 {
        self.rate_ops[i].iter().fold(r, |r, op| op.apply(r))
    }
}
