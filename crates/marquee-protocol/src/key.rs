//! Remote-control keys, as input events carry them.
//!
//! A TV remote has a few dozen keys and every platform names them differently (evdev codes,
//! DOM `key` strings, vendor key codes). The host maps its platform's keys onto this stable set
//! once (docs/protocol.md, "Keys", has every host's map), so the engine and the app see one
//! vocabulary on every device. New keys take new codes; an engine that does not know a code
//! ignores the key.

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
        /// Digit 0 on the number pad.
        Digit0 = 9 "0",
        /// Digit 1.
        Digit1 = 10 "1",
        /// Digit 2.
        Digit2 = 11 "2",
        /// Digit 3.
        Digit3 = 12 "3",
        /// Digit 4.
        Digit4 = 13 "4",
        /// Digit 5.
        Digit5 = 14 "5",
        /// Digit 6.
        Digit6 = 15 "6",
        /// Digit 7.
        Digit7 = 16 "7",
        /// Digit 8.
        Digit8 = 17 "8",
        /// Digit 9.
        Digit9 = 18 "9",
        /// Channel up (CH+, Page Up on a keyboard).
        ChannelUp = 19 "channel-up",
        /// Channel down (CH−, Page Down on a keyboard).
        ChannelDown = 20 "channel-down",
        /// The red colour key (F1 on a keyboard).
        Red = 21 "red",
        /// The green colour key (F2).
        Green = 22 "green",
        /// The yellow colour key (F3).
        Yellow = 23 "yellow",
        /// The blue colour key (F4).
        Blue = 24 "blue",
        /// Play (remotes with separate play and pause keys).
        Play = 25 "play",
        /// Pause.
        Pause = 26 "pause",
        /// Stop.
        Stop = 27 "stop",
        /// Rewind.
        Rewind = 28 "rewind",
        /// Fast-forward.
        FastForward = 29 "fast-forward",
        /// Info (F5 on a keyboard).
        Info = 30 "info",
        /// Guide / EPG (F6 on a keyboard).
        Guide = 31 "guide",
    }
}

impl Key {
    /// The digit key for `d` (0–9).
    pub fn digit(d: u32) -> Option<Key> {
        Key::from_code(9 + u16::try_from(d).ok().filter(|&d| d < 10)?)
    }

    /// Whether the key moves focus (the arrows): those are never long-pressed, since holding one
    /// repeats the move.
    pub fn is_arrow(self) -> bool {
        matches!(self, Key::Up | Key::Down | Key::Left | Key::Right)
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
        /// The key has been held down for [`LONG_PRESS_MS`] since it was pressed: sent once per
        /// press, by the engine, for every key but the arrows.
        LongPress = 3 "long-press",
    }
}

/// How long a key is held before the engine sends its [`KeyAction::LongPress`], in ms: Android's
/// long-press timeout, which TV platforms follow.
pub const LONG_PRESS_MS: f64 = 500.0;
