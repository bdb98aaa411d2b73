//! libFuzzer entry for `marquee_fuzz::protocol_engine`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| marquee_fuzz::protocol_engine(data));
