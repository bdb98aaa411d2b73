//! Stand-ins for engine.wasm, for tests of what a host does when the guest misbehaves: a module
//! with every export the ABI requires, answering like the engine, except where a test says
//! otherwise. Written as WAT (the tests compile it with `wat`).

/// The text of a guest with the full ABI (the current `ABI_VERSION`), whose `mq_apply(ptr, len)` and
/// `mq_frame(time)` run `apply` and `frame` (WAT instructions leaving an `i32` and an `i64`), and
/// whose memory holds `data` at byte 2048 (escaped as WAT writes bytes: `\00\ff…`). Batches are
/// written at 8192, above it.
pub fn wat(apply: &str, frame: &str, data: &str) -> String {
    format!(
        r#"(module (memory (export "memory") 1)
        (data (i32.const 2048) "{data}")
        (func (export "mq_abi_version") (result i32) i32.const {abi})
        (func (export "mq_protocol_version") (result i32) i32.const 2)
        (func (export "mq_alloc") (param i32) (result i32) i32.const 8192)
        (func (export "mq_free") (param i32 i32))
        (func (export "mq_apply") (param i32 i32) (result i32) {apply})
        (func (export "mq_frame") (param f64) (result i64) {frame})
        (func (export "mq_key") (param i32 i32) (result i32) i32.const 0)
        (func (export "mq_stat") (param i32) (result i64) i64.const 0)
        (func (export "mq_image_ready") (param i32 i32 i32) (result i32) i32.const 0)
        (func (export "mq_image_failed") (param i32 i32) (result i32) i32.const 0)
        (func (export "mq_set_texture_budget") (param i32 i32))
        (func (export "mq_profile") (param i32))
        (func (export "mq_invalidate")))"#,
        abi = marquee_engine_contract::abi::ABI_VERSION
    )
}

/// `bytes` as a WAT data string.
pub fn data(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("\\{b:02x}")).collect()
}

/// Deterministic bytes that look random (xorshift32 from `seed`): files a download or a cache
/// cannot compress or guess.
pub fn noise(seed: u32, len: usize) -> Vec<u8> {
    let mut x = seed.max(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}
