//! libFuzzer entry for `marquee_fuzz::text`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| marquee_fuzz::text(data));
