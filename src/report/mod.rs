//! Renderers: one [`Audit`](crate::audit::Audit) in, one output format out.
pub mod github;
pub mod junit;
pub mod markdown;
pub mod sarif;

#[cfg(test)]
mod sample;
