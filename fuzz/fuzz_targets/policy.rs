//! Fuzz target: the policy reader (see `routeaudit::fuzzing::check_policy`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| routeaudit::fuzzing::check_policy(data));
