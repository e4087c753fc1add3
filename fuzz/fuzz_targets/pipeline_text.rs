#![no_main]
//! The whole pipeline, claims included, on arbitrary text.

libfuzzer_sys::fuzz_target!(|data: &[u8]| claimex_fuzz::text_target(data, None));
