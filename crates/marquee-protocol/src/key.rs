//! Remote-control keys, as input events carry them.
//!
//! A TV remote has a handful of keys and every platform names them differently (evdev codes,
//! DOM `key` strings, vendor key codes). The host maps its platform's keys onto this small,
//! stable set once, so the engine and the app see one vocabulary on every device.

crate::wire_enum! {
    /// A remote-control key.
    pub enum Key: u16 {
        /// Arrow up.
        Up = 1 "up",
        /// Arrow down.
        Down = 2 "down",
        /// Arrow left.
        Left = 3 "left",
        /// Arrow right.
        Right = 4 "right",
        /// OK / Select / Enter.
        Enter = 5 "enter",
        /// Back / Return (Escape or Backspace on a keyboard).
        Back = 6 "back",
        /// Play/pause toggle.
        PlayPause = 7 "play-pause",
        /// Menu / Home.
        Menu = 8 "menu",
    }
}

crate::wire_enum! {
    /// What happened to a key.
    pub enum KeyAction: u8 {
        /// The key went down.
        Press = 0 "press",
        /// The key is held and the platform repeated it.
        Repeat = 1 "repeat",
        /// The key went up.
        Release = 2 "release",
    }
}
