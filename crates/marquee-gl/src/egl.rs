//! OpenGL ES 2.0 contexts through EGL: a headless one ([`Headless`]), for tests, screenshots and
//! benchmarks — no window, no display server, frames drawn into a texture (see
//! [`crate::Target`]) and read back — and one drawing into an X11 window ([`Window`]), where a
//! frame drawn into a texture is presented with one quad and a buffer swap, never read back.
//!
//! libEGL is loaded when a context is asked for, not linked, so a host on a machine without GL
//! starts all the same and draws with the CPU backend; every failure on the way is an
//! [`Error`] saying which step failed. The display is Mesa's surfaceless platform when the
//! driver offers it (no X, no GPU device needed: llvmpipe draws in software), else the default
//! display; the context needs no surface (`EGL_KHR_surfaceless_context`).

use std::fmt;

use khronos_egl as egl;

/// `EGL_PLATFORM_SURFACELESS_MESA`.
const PLATFORM_SURFACELESS: egl::Enum = 0x31DD;

/// `EGL_PLATFORM_X11_KHR`.
const PLATFORM_X11: egl::Enum = 0x31D5;

type Egl = egl::DynamicInstance<egl::EGL1_4>;

/// Why no context could be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// A GLES 2.0 context current on the thread that made it: GL calls work while this lives.
pub struct Headless(Context);

/// A GLES 2.0 context drawing into an X11 window, current on the thread that made it.
pub struct Window {
    // Dropped after the surface.
    context: Context,
    surface: egl::Surface,
}

/// The EGL side of a context: the library, the display and the context, made current.
struct Context {
    egl: Egl,
    display: egl::Display,
    context: egl::Context,
    /// Destroyed by [`Headless::lose`].
    lost: bool,
}

impl Headless {
    /// Loads libEGL, opens a display, makes a GLES 2.0 context current on this thread and
    /// returns it with the glow context over it (use that only while this lives).
    pub fn new() -> Result<(Headless, glow::Context), Error> {
        let egl = load()?;
        let display = open_display(&egl)?;
        let (context, _, gl) = Context::new(egl, display, egl::PBUFFER_BIT, |_, _| Ok(None))?;
        Ok((Headless(context), gl))
    }

    /// Whether the context is still this thread's and alive: a driver that reset it (a GPU
    /// hang, a display mode change on some TVs) reports `EGL_CONTEXT_LOST`, and a context no
    /// longer current draws nothing while every GL call seems to succeed.
    pub fn check(&self) -> Result<(), Error> {
        self.0.check()
    }

    /// Destroys the context under whoever draws with it, as a driver reset does, for tests of
    /// what a host does when its context is lost mid-session.
    #[doc(hidden)]
    pub fn lose(&mut self) {
        self.0.lose();
    }
}

impl Window {
    /// A context drawing into X11 window `window` on the Xlib connection `xlib_display`, made
    /// current on this thread, with the glow context over it.
    ///
    /// # Safety
    ///
    /// `xlib_display` is an open Xlib `Display*` and `window` a window on it; both stay open
    /// while this lives, and Xlib was initialised for threads (`XInitThreads`, which winit
    /// calls) if the connection is used on another thread too.
    #[allow(unsafe_code, reason = "the caller vouches for the X11 handles EGL is given")]
    pub unsafe fn x11(xlib_display: *mut std::ffi::c_void, window: u64) -> Result<(Window, glow::Context), Error> {
        let egl = load()?;
        let display = platform_display(&egl, PLATFORM_X11, xlib_display)
            .ok_or_else(|| Error("EGL: no eglGetPlatformDisplayEXT (EGL_EXT_platform_base)".into()))?
            .ok_or_else(|| Error("EGL: no display for the X11 connection".into()))?;
        egl.initialize(display).map_err(|e| Error(format!("EGL: the X11 display: {e}")))?;
        let (context, surface, gl) = Context::new(egl, display, egl::WINDOW_BIT, |egl, config| {
            // SAFETY: the window belongs to the X11 display the EGL display was opened on (the
            // caller's promise), and EGL takes an X11 window by its XID.
            #[allow(unsafe_code, reason = "eglCreateWindowSurface is FFI")]
            let made =
                unsafe { egl.create_window_surface(display, config, window as usize as egl::NativeWindowType, None) };
            made.map(Some).map_err(|e| Error(format!("EGL: a surface for the window: {e}")))
        })?;
        let surface = surface.ok_or_else(|| Error("EGL: no window surface".into()))?;
        Ok((Window { context, surface }, gl))
    }

    /// Shows what was drawn into the window's back buffer.
    pub fn swap(&self) -> Result<(), Error> {
        let c = &self.context;
        c.egl.swap_buffers(c.display, self.surface).map_err(|e| match e {
            egl::Error::ContextLost => Error("the GL context was lost (EGL_CONTEXT_LOST)".into()),
            e => Error(format!("EGL: swapping buffers: {e}")),
        })
    }

    /// The window surface's size in pixels.
    pub fn size(&self) -> (u32, u32) {
        let c = &self.context;
        let side = |what| c.egl.query_surface(c.display, self.surface, what).map_or(0, |v| v.max(0) as u32);
        (side(egl::WIDTH), side(egl::HEIGHT))
    }

    /// Whether the context is still this thread's and alive (see [`Headless::check`]).
    pub fn check(&self) -> Result<(), Error> {
        self.context.check()
    }
}

impl Drop for Window {
    fn drop(&mut self) {
        let c = &self.context;
        if c.egl.get_current_context() == Some(c.context) {
            let _ = c.egl.make_current(c.display, None, None, None);
        }
        let _ = c.egl.destroy_surface(c.display, self.surface);
    }
}

/// libEGL, loaded now.
fn load() -> Result<Egl, Error> {
    // SAFETY: loading the system's libEGL runs its initialisers, as linking it would.
    #[allow(unsafe_code, reason = "loading libEGL is FFI")]
    unsafe {
        let lib = libloading::Library::new("libEGL.so.1")
            .or_else(|_| libloading::Library::new("libEGL.so"))
            .map_err(|e| Error(format!("no libEGL: {e}")))?;
        Egl::load_required_from(lib).map_err(|e| Error(format!("libEGL lacks EGL 1.4: {e}")))
    }
}

impl Context {
    /// A GLES 2.0 context on `display` with a config for `surface_type`, made current with the
    /// surface `surface` makes for the config (none: surfaceless); with that surface and glow
    /// over the context.
    fn new(
        egl: Egl,
        display: egl::Display,
        surface_type: egl::Int,
        surface: impl FnOnce(&Egl, egl::Config) -> Result<Option<egl::Surface>, Error>,
    ) -> Result<(Context, Option<egl::Surface>, glow::Context), Error> {
        let fail = |what: &str, e: egl::Error| Error(format!("EGL: {what}: {e}"));
        egl.bind_api(egl::OPENGL_ES_API).map_err(|e| fail("no OpenGL ES", e))?;
        let attributes = [
            egl::RENDERABLE_TYPE,
            egl::OPENGL_ES2_BIT,
            egl::SURFACE_TYPE,
            surface_type,
            egl::RED_SIZE,
            8,
            egl::GREEN_SIZE,
            8,
            egl::BLUE_SIZE,
            8,
            egl::NONE,
        ];
        let config = egl
            .choose_first_config(display, &attributes)
            .map_err(|e| fail("choosing a config", e))?
            .ok_or_else(|| Error("EGL: no config renders OpenGL ES 2.0 with 8-bit colour".into()))?;
        let context = egl
            .create_context(display, config, None, &[egl::CONTEXT_CLIENT_VERSION, 2, egl::NONE])
            .map_err(|e| fail("creating a GLES 2.0 context", e))?;
        let made = Context { egl, display, context, lost: false };
        let surface = surface(&made.egl, config)?;
        made.egl.make_current(display, surface, surface, Some(context)).map_err(|e| fail("making it current", e))?;
        // SAFETY: the context is current on this thread, and the loader returns its entry points.
        #[allow(unsafe_code, reason = "glow's loader is FFI")]
        let gl = unsafe {
            let egl = &made.egl;
            glow::Context::from_loader_function(|name| {
                egl.get_proc_address(name).map_or(std::ptr::null(), |f| f as *const std::ffi::c_void)
            })
        };
        Ok((made, surface, gl))
    }

    fn check(&self) -> Result<(), Error> {
        if self.lost || self.egl.get_current_context() != Some(self.context) {
            return Err(Error("the GL context was lost (it is no longer current)".into()));
        }
        match self.egl.get_error() {
            Some(egl::Error::ContextLost) => Err(Error("the GL context was lost (EGL_CONTEXT_LOST)".into())),
            _ => Ok(()),
        }
    }

    fn lose(&mut self) {
        let _ = self.egl.make_current(self.display, None, None, None);
        let _ = self.egl.destroy_context(self.display, self.context);
        self.lost = true;
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        // Another context may be current on this thread by now: leave it so.
        if self.egl.get_current_context() == Some(self.context) {
            let _ = self.egl.make_current(self.display, None, None, None);
        }
        if !self.lost {
            let _ = self.egl.destroy_context(self.display, self.context);
        }
        // The display is not terminated: it is the process's one surfaceless display (or the
        // window's X11 one), which a context made since (a host recovering from a lost one, a
        // test's second renderer) shares, and eglTerminate would pull it from under them.
    }
}

/// Mesa's surfaceless display if there is one, else the default display.
fn open_display(egl: &Egl) -> Result<egl::Display, Error> {
    let extensions = egl.query_string(None, egl::EXTENSIONS).map(|s| s.to_string_lossy().into_owned());
    let surfaceless = extensions.as_deref().is_ok_and(|e| e.contains("EGL_MESA_platform_surfaceless"));
    let mut tried = Vec::new();
    if surfaceless && let Some(get) = platform_display(egl, PLATFORM_SURFACELESS, std::ptr::null_mut()) {
        match get {
            Some(display) => match egl.initialize(display) {
                Ok(_) => return Ok(display),
                Err(e) => tried.push(format!("the surfaceless display: {e}")),
            },
            None => tried.push("no surfaceless display".into()),
        }
    }
    // SAFETY: EGL_DEFAULT_DISPLAY is a valid native display for eglGetDisplay.
    #[allow(unsafe_code, reason = "eglGetDisplay is FFI")]
    let display = unsafe { egl.get_display(egl::DEFAULT_DISPLAY) };
    match display {
        Some(display) => match egl.initialize(display) {
            Ok(_) => return Ok(display),
            Err(e) => tried.push(format!("the default display: {e}")),
        },
        None => tried.push("no default display".into()),
    }
    Err(Error(format!("EGL: no display ({})", tried.join("; "))))
}

/// `eglGetPlatformDisplayEXT(platform, native)`, through the extension's entry point (EGL 1.4
/// libraries have no `eglGetPlatformDisplay`). `None`: no entry point; `Some(None)`: no display.
/// `native` must be what `platform` takes: null for Mesa's surfaceless platform, an open Xlib
/// `Display*` for X11.
fn platform_display(egl: &Egl, platform: egl::Enum, native: *mut std::ffi::c_void) -> Option<Option<egl::Display>> {
    type GetPlatformDisplay =
        unsafe extern "system" fn(egl::Enum, *mut std::ffi::c_void, *const egl::Int) -> egl::EGLDisplay;
    let f = egl.get_proc_address("eglGetPlatformDisplayEXT")?;
    // SAFETY: the entry point has this signature (EGL_EXT_platform_base); the native display is
    // one the platform takes (the callers' promise) and the attribute list is empty.
    #[allow(unsafe_code, reason = "an EGL extension's entry point is FFI")]
    let display = unsafe {
        let get: GetPlatformDisplay = std::mem::transmute(f);
        let attributes = [egl::NONE];
        let raw = get(platform, native, attributes.as_ptr());
        (!raw.is_null()).then(|| egl::Display::from_ptr(raw))
    };
    Some(display)
}
