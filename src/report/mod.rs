//! Renderers: one [`Audit`](crate::audit::Audit) in, one output format out.
