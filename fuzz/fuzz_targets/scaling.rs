#![no_main]
//! No super-linear blow-up: the input repeated to 16 KB and 128 KB, timed.

libfuzzer_sys::fuzz_target!(|data: &[u8]| claimex_fuzz::scaling_target(data));
