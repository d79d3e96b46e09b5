//! routeaudit: proves architectural boundaries in controller code.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod audit;
pub mod lang;
pub mod policy;
pub mod report;
pub mod span;
pub mod testresults;
