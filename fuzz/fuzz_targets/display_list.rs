//! libFuzzer entry for `marquee_fuzz::display_list`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| marquee_fuzz::display_list(data));
