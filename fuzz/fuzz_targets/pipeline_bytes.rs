#![no_main]
//! Arbitrary bytes as an input file (JSONL, txt, CSV, gzip) through the readers and the whole pipeline.

libfuzzer_sys::fuzz_target!(|data: &[u8]| claimex_fuzz::bytes_target(data));
