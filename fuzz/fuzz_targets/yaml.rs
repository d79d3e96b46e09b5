//! Fuzz target: the YAML comment scanner (see `routeaudit::fuzzing::check_yaml`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| routeaudit::fuzzing::check_yaml(data));
