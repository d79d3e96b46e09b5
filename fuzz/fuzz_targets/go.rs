//! Fuzz target: the Go front-end and the engine's prefilter depth (see `routeaudit::fuzzing::check_go`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| routeaudit::fuzzing::check_go(data));
