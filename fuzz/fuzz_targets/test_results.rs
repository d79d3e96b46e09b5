//! Fuzz target: the test-results reader (go test -json, JUnit XML) (see `routeaudit::fuzzing::check_test_results`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| routeaudit::fuzzing::check_test_results(data));
