//! The desktop front end: a winit window showing the engine's frames through softbuffer, with
//! the keyboard mapped to remote keys.
//!
//! winit wants the main thread, and the host's frame loop runs on the engine thread, so the two
//! meet in a shared frame slot: the engine thread's presenter converts the frame's damage to the
//! window's pixel format there and wakes the event loop, which copies what changed since the
//! surface's buffer last showed a frame (all of it when the buffer is new) and presents that
//! damage alone. Keys go the other
//! way, straight to the engine thread's input channel, never through the app thread.
//!
//! With the GPU backend on X11, the host presents in the window itself (an EGL window surface
//! on the engine thread, given the window's Xlib handles): no pixels cross the slot then, until
//! a failing GPU hands the frames back to the CPU. On other window systems (Wayland) the GPU's
//! frames are read back and shown through softbuffer like the CPU's.

use std::num::NonZeroU32;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use marquee_host::{Host, Input, InputSender, Key, KeyAction, Options, Presenter, Report};
use softbuffer::{Context, Surface};
use winit::application::ApplicationHandler;
use winit::dpi::PhysicalSize;
use winit::event::{ElementState, WindowEvent};
use winit::event_loop::{ActiveEventLoop, EventLoop, EventLoopProxy};
use winit::keyboard::{Key as WinitKey, NamedKey};
use winit::window::{Window, WindowId};

/// Why a windowed run did not happen.
pub(crate) enum Error {
    /// No display to open a window on (the caller falls back to headless).
    NoDisplay(String),
    /// The host failed.
    Host(marquee_host::Error),
}

enum Wake {
    Frame,
    Done(Box<Result<Report, marquee_host::Error>>),
}

/// The latest frame as 0x00RRGGBB pixels, written by the engine thread, read by the main thread.
#[derive(Default)]
struct Slot {
    pixels: Vec<u32>,
    width: usize,
    /// What changed since the main thread last copied the slot; `None`: everything.
    damage: Option<Vec<marquee_host::IntRect>>,
    fresh: bool,
}

struct WindowPresenter {
    slot: Arc<Mutex<Slot>>,
    wake: EventLoopProxy<Wake>,
}

impl Presenter for WindowPresenter {
    fn present(&mut self, canvas: &marquee_host::Canvas, damage: &[marquee_host::IntRect]) -> bool {
        if damage.is_empty() {
            return true;
        }
        let Ok(mut slot) = self.slot.lock() else { return false };
        let rgba = canvas.pixmap().data();
        let width = canvas.bounds().w as usize;
        let whole = [canvas.bounds()];
        let same = slot.pixels.len() == rgba.len() / 4 && slot.width == width;
        let rects: Vec<_> = (if same { damage } else { &whole[..] })
            .iter()
            .map(|r| r.intersect(&whole[0]))
            .filter(|r| !r.is_empty())
            .collect();
        slot.pixels.resize(rgba.len() / 4, 0);
        slot.width = width;
        // The canvas is opaque (an opaque background under everything), so premultiplied RGBA
        // is plain RGB here.
        for r in &rects {
            for y in r.y.max(0) as usize..(r.y + r.h).max(0) as usize {
                let (from, to) = (y * width + r.x.max(0) as usize, y * width + (r.x + r.w).max(0) as usize);
                let (Some(out), Some(src)) = (slot.pixels.get_mut(from..to), rgba.get(from * 4..to * 4)) else {
                    continue;
                };
                for (px, c) in out.iter_mut().zip(src.chunks_exact(4)) {
                    *px = u32::from(c[0]) << 16 | u32::from(c[1]) << 8 | u32::from(c[2]);
                }
            }
        }
        if let Some(d) = slot.damage.as_mut() {
            d.extend_from_slice(&rects);
        }
        slot.fresh = true;
        self.wake.send_event(Wake::Frame).is_ok()
    }
}

type WindowSurface = Surface<Rc<Window>, Rc<Window>>;

struct App<'a> {
    options: Options,
    /// Hears of the host once it has started (`marquee dev` attaches its loop).
    started: &'a mut dyn FnMut(InputSender),
    slot: Arc<Mutex<Slot>>,
    proxy: EventLoopProxy<Wake>,
    input: Option<InputSender>,
    window: Option<(Rc<Window>, WindowSurface)>,
    result: Option<Result<Report, marquee_host::Error>>,
    /// Where the mouse is, in the window's pixels (the canvas's: the window is its size).
    pointer: (f32, f32),
}

impl App<'_> {
    fn start(&mut self, event_loop: &ActiveEventLoop) -> Result<(), String> {
        let (w, h) = self.options.size;
        let attributes = Window::default_attributes()
            .with_title("Marquee")
            .with_inner_size(PhysicalSize::new(w, h))
            .with_resizable(false);
        let window = Rc::new(event_loop.create_window(attributes).map_err(|e| e.to_string())?);
        let context = Context::new(window.clone()).map_err(|e| e.to_string())?;
        let mut surface = Surface::new(&context, window.clone()).map_err(|e| e.to_string())?;
        let (nw, nh) = (NonZeroU32::new(w).ok_or("zero width")?, NonZeroU32::new(h).ok_or("zero height")?);
        surface.resize(nw, nh).map_err(|e| e.to_string())?;
        // The GPU backend presents in the window itself where it can take the window's handles.
        if self.options.renderer != marquee_host::RendererChoice::Cpu {
            self.options.gpu_window = xlib_handles(&window);
        }
        self.window = Some((window, surface));

        let presenter = WindowPresenter { slot: self.slot.clone(), wake: self.proxy.clone() };
        let host = Host::start(self.options.clone(), Box::new(presenter)).map_err(|e| e.to_string())?;
        self.input = Some(host.input());
        (self.started)(host.input());
        let done = self.proxy.clone();
        // Waits for the host's threads to end and wakes the window loop with the report. If it
        // cannot start, the window still closes when asked; the report is lost.
        let _ = std::thread::Builder::new().name("marquee-host-join".into()).spawn(move || {
            let _ = done.send_event(Wake::Done(Box::new(host.join())));
        });
        Ok(())
    }

    fn draw(&mut self) {
        let Some((window, surface)) = &mut self.window else { return };
        let Ok(mut slot) = self.slot.lock() else { return };
        if !slot.fresh {
            return;
        }
        slot.fresh = false;
        let Ok(mut buffer) = surface.buffer_mut() else { return };
        // A buffer that showed the last frame (age 1) needs only what changed since; any other
        // holds something older, or nothing.
        let damage = slot.damage.replace(Vec::new()).filter(|_| buffer.age() == 1 && buffer.len() == slot.pixels.len());
        let width = slot.width.max(1);
        let Some(damage) = damage else {
            let n = buffer.len().min(slot.pixels.len());
            buffer[..n].copy_from_slice(&slot.pixels[..n]);
            window.pre_present_notify();
            let _ = buffer.present();
            return;
        };
        let mut rects = Vec::with_capacity(damage.len());
        for r in &damage {
            for y in r.y.max(0) as usize..(r.y + r.h).max(0) as usize {
                let (from, to) = (y * width + r.x.max(0) as usize, y * width + (r.x + r.w).max(0) as usize);
                if let (Some(out), Some(src)) = (buffer.get_mut(from..to), slot.pixels.get(from..to)) {
                    out.copy_from_slice(src);
                }
            }
            let (Some(w), Some(h)) = (NonZeroU32::new(r.w.max(0) as u32), NonZeroU32::new(r.h.max(0) as u32)) else {
                continue;
            };
            rects.push(softbuffer::Rect { x: r.x.max(0) as u32, y: r.y.max(0) as u32, width: w, height: h });
        }
        window.pre_present_notify();
        let _ = buffer.present_with_damage(&rects);
    }
}

/// The window's Xlib connection and XID, when it is an X11 window (winit opens its Xlib
/// connection for threads).
#[allow(clippy::useless_conversion, reason = "an XID is a c_ulong: u64 here, u32 on 32-bit ARM TVs")]
fn xlib_handles(window: &Window) -> Option<marquee_host::GpuWindow> {
    use winit::raw_window_handle::{HasDisplayHandle, HasWindowHandle, RawDisplayHandle, RawWindowHandle};
    let display = window.display_handle().ok()?.as_raw();
    let handle = window.window_handle().ok()?.as_raw();
    match (display, handle) {
        (RawDisplayHandle::Xlib(d), RawWindowHandle::Xlib(w)) => {
            Some(marquee_host::GpuWindow { xlib_display: d.display?.as_ptr() as usize, window: u64::from(w.window) })
        }
        _ => None,
    }
}

/// The remote key for a keyboard key (or a remote's, where the platform names it): the map in
/// docs/protocol.md, "Keys".
fn remote_key(key: &WinitKey) -> Option<Key> {
    let named = match key {
        WinitKey::Named(named) => named,
        // The number row and the number pad both give the digit.
        WinitKey::Character(c) => return c.parse::<u32>().ok().filter(|_| c.len() == 1).and_then(Key::digit),
        _ => return None,
    };
    Some(match named {
        NamedKey::ArrowUp => Key::Up,
        NamedKey::ArrowDown => Key::Down,
        NamedKey::ArrowLeft => Key::Left,
        NamedKey::ArrowRight => Key::Right,
        NamedKey::Enter => Key::Enter,
        NamedKey::Escape | NamedKey::Backspace | NamedKey::BrowserBack => Key::Back,
        NamedKey::Space | NamedKey::MediaPlayPause => Key::PlayPause,
        NamedKey::ContextMenu | NamedKey::Home => Key::Menu,
        NamedKey::PageUp | NamedKey::ChannelUp => Key::ChannelUp,
        NamedKey::PageDown | NamedKey::ChannelDown => Key::ChannelDown,
        NamedKey::F1 | NamedKey::ColorF0Red => Key::Red,
        NamedKey::F2 | NamedKey::ColorF1Green => Key::Green,
        NamedKey::F3 | NamedKey::ColorF2Yellow => Key::Yellow,
        NamedKey::F4 | NamedKey::ColorF3Blue => Key::Blue,
        NamedKey::MediaPlay => Key::Play,
        NamedKey::MediaPause => Key::Pause,
        NamedKey::MediaStop => Key::Stop,
        NamedKey::MediaRewind => Key::Rewind,
        NamedKey::MediaFastForward => Key::FastForward,
        NamedKey::F5 | NamedKey::Info => Key::Info,
        NamedKey::F6 | NamedKey::Guide => Key::Guide,
        _ => return None,
    })
}

impl ApplicationHandler<Wake> for App<'_> {
    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        if self.window.is_none()
            && let Err(e) = self.start(event_loop)
        {
            self.result = Some(Err(marquee_host::Error::Surface(e)));
            event_loop.exit();
        }
    }

    fn user_event(&mut self, event_loop: &ActiveEventLoop, event: Wake) {
        match event {
            Wake::Frame => {
                if let Some((window, _)) = &self.window {
                    window.request_redraw();
                }
            }
            Wake::Done(result) => {
                self.result = Some(*result);
                event_loop.exit();
            }
        }
    }

    fn window_event(&mut self, _event_loop: &ActiveEventLoop, _id: WindowId, event: WindowEvent) {
        match event {
            WindowEvent::RedrawRequested => self.draw(),
            WindowEvent::CloseRequested => {
                if let Some(input) = &self.input {
                    input.send(Input::Quit);
                }
            }
            WindowEvent::CursorMoved { position, .. } => self.pointer = (position.x as f32, position.y as f32),
            WindowEvent::MouseInput {
                state: ElementState::Pressed, button: winit::event::MouseButton::Left, ..
            } => {
                if let Some(input) = &self.input {
                    let (x, y) = self.pointer;
                    input.send(Input::Pick { x, y });
                }
            }
            // A synthetic event is winit's account of a key already down when the window got
            // the focus, not a key the viewer pressed: taken, it would press F12 or an arrow twice.
            WindowEvent::KeyboardInput { is_synthetic: true, .. } => {}
            WindowEvent::KeyboardInput { event, .. } => {
                let Some(input) = &self.input else { return };
                if event.logical_key == WinitKey::Named(NamedKey::F12) {
                    if event.state == ElementState::Pressed && !event.repeat {
                        input.send(Input::Overlay);
                    }
                    return;
                }
                let Some(key) = remote_key(&event.logical_key) else {
                    // Not a remote's key: what it types is text input (letters, punctuation,
                    // an input method's characters), repeats included; controls are not text.
                    if event.state == ElementState::Pressed
                        && let Some(text) = &event.text
                    {
                        for character in text.chars().filter(|c| !c.is_control()) {
                            input.send(Input::Text(character));
                        }
                    }
                    return;
                };
                let action = match (event.state, event.repeat) {
                    (ElementState::Released, _) => KeyAction::Release,
                    (ElementState::Pressed, true) => KeyAction::Repeat,
                    (ElementState::Pressed, false) => KeyAction::Press,
                };
                input.send(Input::Key(key, action));
            }
            _ => {}
        }
    }
}

/// Runs the host with a window until the app quits or the window closes; `started` hears of
/// the host once it runs.
pub(crate) fn run(options: Options, started: &mut dyn FnMut(InputSender)) -> Result<Report, Error> {
    let event_loop = EventLoop::<Wake>::with_user_event().build().map_err(|e| Error::NoDisplay(e.to_string()))?;
    let mut app = App {
        options,
        started,
        slot: Arc::default(),
        proxy: event_loop.create_proxy(),
        input: None,
        window: None,
        result: None,
        pointer: (0.0, 0.0),
    };
    event_loop.run_app(&mut app).map_err(|e| Error::NoDisplay(e.to_string()))?;
    match app.result {
        Some(Ok(report)) => Ok(report),
        Some(Err(marquee_host::Error::Surface(e))) => Err(Error::NoDisplay(e)),
        Some(Err(e)) => Err(Error::Host(e)),
        None => Err(Error::NoDisplay("the window system ended the event loop".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyboard_and_remote_keys_map_as_documented() {
        let named = |k| WinitKey::Named(k);
        let typed = |c: &str| WinitKey::Character(c.into());
        let cases = [
            (named(NamedKey::ArrowUp), Some(Key::Up)),
            (named(NamedKey::Backspace), Some(Key::Back)),
            (named(NamedKey::Space), Some(Key::PlayPause)),
            (typed("0"), Some(Key::Digit0)),
            (typed("7"), Some(Key::Digit7)),
            (named(NamedKey::PageUp), Some(Key::ChannelUp)),
            (named(NamedKey::ChannelDown), Some(Key::ChannelDown)),
            (named(NamedKey::F1), Some(Key::Red)),
            (named(NamedKey::ColorF3Blue), Some(Key::Blue)),
            (named(NamedKey::MediaPlay), Some(Key::Play)),
            (named(NamedKey::MediaPause), Some(Key::Pause)),
            (named(NamedKey::MediaStop), Some(Key::Stop)),
            (named(NamedKey::MediaRewind), Some(Key::Rewind)),
            (named(NamedKey::MediaFastForward), Some(Key::FastForward)),
            (named(NamedKey::F5), Some(Key::Info)),
            (named(NamedKey::Guide), Some(Key::Guide)),
            // Letters, several digits at once (an input method's), and keys no remote has.
            (typed("a"), None),
            (typed("12"), None),
            (typed("٣"), None),
            (named(NamedKey::F12), None),
            (named(NamedKey::Tab), None),
        ];
        for (key, want) in cases {
            assert_eq!(remote_key(&key), want, "{key:?}");
        }
    }
}
