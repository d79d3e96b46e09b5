//! Fuzz target: the Rust front-end and the engine's prefilter depth (see `routeaudit::fuzzing::check_rust`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| routeaudit::fuzzing::check_rust(data));
