//! The debug overlay's exports (see the table in `abi`), and its drawing in `mw_draw`: the
//! page's figures and keys in, the engine's debug query asked through the `debug.query`
//! import, the panels drawn over the frame before it is presented.

use super::{Gpu, bytes, with_web};

#[link(wasm_import_module = "debug")]
unsafe extern "C" {
    /// The engine's debug query, as the page asks it (see `abi`'s module docs).
    #[link_name = "query"]
    fn debug_query(kind: u32, a: u32, b: u32, ptr: *mut u8, cap: u32) -> u32;
}

/// `debug.query`'s answers that are not lengths: the engine has no debug query, the call failed.
const NO_QUERY: u32 = u32::MAX;
const QUERY_FAILED: u32 = u32::MAX - 1;

/// The longest answer read (far past what 4,096 children and their styles take): a longer
/// one is read cut, and fails to decode.
const MAX_ANSWER: u32 = 1 << 20;

/// The debug query call failed: the page replaces the engine.
struct QueryFailed;

/// Asks the engine's debug query through the page.
fn engine_query(query: marquee_engine_contract::debug::Query) -> Result<Option<Vec<u8>>, QueryFailed> {
    let (kind, a, b) = query.to_args();
    let mut answer = vec![0u8; 4096];
    loop {
        // SAFETY: the page writes at most `cap` bytes at `ptr`, within `answer`.
        let len = unsafe { debug_query(kind, a, b, answer.as_mut_ptr(), answer.len() as u32) };
        match len {
            NO_QUERY => return Ok(None),
            QUERY_FAILED => return Err(QueryFailed),
            len if len as usize <= answer.len() => {
                answer.truncate(len as usize);
                return Ok(Some(answer));
            }
            // Asking again changes nothing in the engine.
            len if len <= MAX_ANSWER => answer.resize(len as usize, 0),
            _ => return Ok(Some(answer)),
        }
    }
}

/// An overlay call's outcome for the page: `ok`, or 2 when the debug query call failed.
fn overlay_code(result: Result<u32, QueryFailed>) -> u32 {
    result.unwrap_or(2)
}

/// Draws the panels over the frame `stats` drew, before it is presented; a failure fails the
/// draw (the next is whole, and the overlay's textures go to the renderer anew).
pub(super) fn draw(
    gpu: &mut Gpu,
    session: &mut marquee_overlay::Session,
    mut stats: marquee_gl::Stats,
) -> Result<marquee_gl::Stats, String> {
    let Some(parts) = session.gpu_parts() else { return Ok(stats) };
    let fresh = !std::mem::replace(&mut gpu.overlay_textures, true);
    match marquee_overlay::gpu::draw(&mut gpu.renderer, &gpu.frame, parts, fresh) {
        Ok(calls) => {
            stats.draw_calls += calls;
            Ok(stats)
        }
        Err(e) => {
            gpu.overlay_textures = false;
            Err(format!("the debug overlay: {e}"))
        }
    }
}

/// The debug overlay's next step (F12, `?overlay`); its state after.
#[unsafe(no_mangle)]
pub extern "C" fn mw_overlay_cycle() -> u32 {
    with_web(0, |web| {
        web.overlay_cycle();
        web.overlay_state()
    })
}

/// A key the page got (see `abi`'s module docs).
#[unsafe(no_mangle)]
pub extern "C" fn mw_overlay_key(key: u32, action: u32, time_ms: f64, now_ms: f64) -> u32 {
    let (Some(key), Some(action)) = (
        u16::try_from(key).ok().and_then(marquee_protocol::Key::from_code),
        u8::try_from(action).ok().and_then(marquee_protocol::KeyAction::from_code),
    ) else {
        // Not a key the overlay knows: the engine's to refuse.
        return 0;
    };
    with_web(0, |web| overlay_code(web.overlay_key((key, action), (time_ms, now_ms), &mut engine_query).map(u32::from)))
}

/// A click at `x, y` of the canvas: the inspector takes the node there.
#[unsafe(no_mangle)]
pub extern "C" fn mw_overlay_pick(x: f32, y: f32) -> u32 {
    with_web(0, |web| overlay_code(web.overlay_pick(x, y, &mut engine_query).map(|()| 0)))
}

/// 1 when the panels are to be built at frame time `time_ms`.
#[unsafe(no_mangle)]
pub extern "C" fn mw_overlay_due(time_ms: f64) -> u32 {
    with_web(0, |web| u32::from(web.overlay_due(time_ms)))
}

/// Builds the panels from the page's figures (JSON at `ptr..ptr+len`).
///
/// # Safety
/// The range lies within a live buffer from [`mw_alloc`](super::mw_alloc).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mw_overlay_build(ptr: u32, len: u32, time_ms: f64) -> u32 {
    // SAFETY: the caller's contract.
    let json = unsafe { bytes(ptr, len) };
    with_web(0, |web| overlay_code(web.build_overlay(json, time_ms, &mut engine_query).map(|()| 0)))
}

/// A frame reached the screen at `now_ms` on the page's clock.
#[unsafe(no_mangle)]
pub extern "C" fn mw_overlay_presented(now_ms: f64) {
    with_web((), |web| web.overlay_presented(now_ms));
}

/// The node the inspector has picked, or `u32::MAX`.
#[unsafe(no_mangle)]
pub extern "C" fn mw_overlay_inspected() -> u32 {
    with_web(u32::MAX, |web| web.overlay_inspected().unwrap_or(u32::MAX))
}
