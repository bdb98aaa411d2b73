//! libFuzzer entry for `marquee_fuzz::image`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| marquee_fuzz::image(data));
