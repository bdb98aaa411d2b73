//! A headless OpenGL ES 2.0 context through EGL, for tests, screenshots and benchmarks: no
//! window, no display server. Frames are drawn into a texture (see [`crate::Target`]) and read
//! back.
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
pub struct Headless {
    egl: Egl,
    display: egl::Display,
    context: egl::Context,
    /// Destroyed by [`lose`](Self::lose).
    lost: bool,
}

impl Headless {
    /// Loads libEGL, opens a display, makes a GLES 2.0 context current on this thread and
    /// returns it with the glow context over it (use that only while this lives).
    pub fn new() -> Result<(Headless, glow::Context), Error> {
        // SAFETY: loading the system's libEGL runs its initialisers, as linking it would.
        #[allow(unsafe_code, reason = "loading libEGL is FFI")]
        let egl = unsafe {
            let lib = libloading::Library::new("libEGL.so.1")
                .or_else(|_| libloading::Library::new("libEGL.so"))
                .map_err(|e| Error(format!("no libEGL: {e}")))?;
            Egl::load_required_from(lib).map_err(|e| Error(format!("libEGL lacks EGL 1.4: {e}")))?
        };
        let display = open_display(&egl)?;
        let fail = |what: &str, e: egl::Error| Error(format!("EGL: {what}: {e}"));
        egl.bind_api(egl::OPENGL_ES_API).map_err(|e| fail("no OpenGL ES", e))?;
        let attributes = [egl::RENDERABLE_TYPE, egl::OPENGL_ES2_BIT, egl::SURFACE_TYPE, egl::PBUFFER_BIT, egl::NONE];
        let config = egl
            .choose_first_config(display, &attributes)
            .map_err(|e| fail("choosing a config", e))?
            .ok_or_else(|| Error("EGL: no config renders OpenGL ES 2.0".into()))?;
        let context = egl
            .create_context(display, config, None, &[egl::CONTEXT_CLIENT_VERSION, 2, egl::NONE])
            .map_err(|e| fail("creating a GLES 2.0 context", e))?;
        let headless = Headless { egl, display, context, lost: false };
        headless.egl.make_current(display, None, None, Some(context)).map_err(|e| fail("making it current", e))?;
        // SAFETY: the context is current on this thread, and the loader returns its entry points.
        #[allow(unsafe_code, reason = "glow's loader is FFI")]
        let gl = unsafe {
            let egl = &headless.egl;
            glow::Context::from_loader_function(|name| {
                egl.get_proc_address(name).map_or(std::ptr::null(), |f| f as *const std::ffi::c_void)
            })
        };
        Ok((headless, gl))
    }
}

impl Headless {
    /// Whether the context is still this thread's and alive: a driver that reset it (a GPU
    /// hang, a display mode change on some TVs) reports `EGL_CONTEXT_LOST`, and a context no
    /// longer current draws nothing while every GL call seems to succeed.
    pub fn check(&self) -> Result<(), Error> {
        if self.lost || self.egl.get_current_context() != Some(self.context) {
            return Err(Error("the GL context was lost (it is no longer current)".into()));
        }
        match self.egl.get_error() {
            Some(egl::Error::ContextLost) => Err(Error("the GL context was lost (EGL_CONTEXT_LOST)".into())),
            _ => Ok(()),
        }
    }

    /// Destroys the context under whoever draws with it, as a driver reset does, for tests of
    /// what a host does when its context is lost mid-session.
    #[doc(hidden)]
    pub fn lose(&mut self) {
        let _ = self.egl.make_current(self.display, None, None, None);
        let _ = self.egl.destroy_context(self.display, self.context);
        self.lost = true;
    }
}

impl Drop for Headless {
    fn drop(&mut self) {
        // Another context may be current on this thread by now: leave it so.
        if self.egl.get_current_context() == Some(self.context) {
            let _ = self.egl.make_current(self.display, None, None, None);
        }
        if !self.lost {
            let _ = self.egl.destroy_context(self.display, self.context);
        }
        // The display is not terminated: it is the process's one surfaceless display, which a
        // context made since (a host recovering from a lost one, a test's second renderer)
        // shares, and eglTerminate would pull it from under them.
    }
}

/// Mesa's surfaceless display if there is one, else the default display.
fn open_display(egl: &Egl) -> Result<egl::Display, Error> {
    let extensions = egl.query_string(None, egl::EXTENSIONS).map(|s| s.to_string_lossy().into_owned());
    let surfaceless = extensions.as_deref().is_ok_and(|e| e.contains("EGL_MESA_platform_surfaceless"));
    let mut tried = Vec::new();
    if surfaceless && let Some(get) = platform_display(egl) {
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

/// `eglGetPlatformDisplayEXT(SURFACELESS)`, through the extension's entry point (EGL 1.4
/// libraries have no `eglGetPlatformDisplay`). `None`: no entry point.
fn platform_display(egl: &Egl) -> Option<Option<egl::Display>> {
    type GetPlatformDisplay =
        unsafe extern "system" fn(egl::Enum, *mut std::ffi::c_void, *const egl::Int) -> egl::EGLDisplay;
    let f = egl.get_proc_address("eglGetPlatformDisplayEXT")?;
    // SAFETY: the entry point has this signature (EGL_EXT_platform_base); the native display is
    // EGL_DEFAULT_DISPLAY and the attribute list is empty.
    #[allow(unsafe_code, reason = "an EGL extension's entry point is FFI")]
    let display = unsafe {
        let get: GetPlatformDisplay = std::mem::transmute(f);
        let attributes = [egl::NONE];
        let raw = get(PLATFORM_SURFACELESS, std::ptr::null_mut(), attributes.as_ptr());
        (!raw.is_null()).then(|| egl::Display::from_ptr(raw))
    };
    Some(display)
}
