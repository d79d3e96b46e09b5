//! Call-graph reachability (`forbid-reach`). Placeholder until the graph lands.
use crate::audit::{Finding, Warning};
use crate::engine::GraphFn;
use crate::policy::Policy;

pub fn evaluate(_policy: &Policy, _graph: &[GraphFn]) -> (Vec<Finding>, Vec<Warning>) {
    (Vec::new(), Vec::new())
}
