//! libFuzzer entry for `marquee_fuzz::bundle`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| marquee_fuzz::bundle(data));
