#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| real_core::fuzzing::run("tar", data));
