#![no_main]
//! The `clean` stage (and the stages it needs before it) on arbitrary text.

libfuzzer_sys::fuzz_target!(|data: &[u8]| claimex_fuzz::text_target(data, Some("clean")));
