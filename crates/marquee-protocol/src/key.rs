//! Remote-control keys, as input events carry them.
//!
//! A TV remote has a handful of keys and every platform names them differently (evdev codes,
//! DOM `key` strings, vendor key codes). The host maps its platform's keys onto this small,
//! stable set once, so the engine and the app see one vocabulary on every device.

/// A remote-control key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum Key {
    /// Arrow up.
    Up = 1,
    /// Arrow down.
    Down = 2,
    /// Arrow left.
    Left = 3,
    /// Arrow right.
    Right = 4,
    /// OK / Select / Enter.
    Enter = 5,
    /// Back / Return (Escape or Backspace on a keyboard).
    Back = 6,
    /// Play/pause toggle.
    PlayPause = 7,
    /// Menu / Home.
    Menu = 8,
}

impl Key {
    /// Every key, in code order.
    pub const ALL: [Key; 8] =
        [Key::Up, Key::Down, Key::Left, Key::Right, Key::Enter, Key::Back, Key::PlayPause, Key::Menu];

    /// The key with this wire code.
    pub fn from_code(code: u16) -> Option<Key> {
        Key::ALL.into_iter().find(|k| *k as u16 == code)
    }

    /// The lower-case name the SDK and the text form use (`up`, `play-pause`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Key::Up => "up",
            Key::Down => "down",
            Key::Left => "left",
            Key::Right => "right",
            Key::Enter => "enter",
            Key::Back => "back",
            Key::PlayPause => "play-pause",
            Key::Menu => "menu",
        }
    }

    /// The key with this name.
    pub fn from_name(name: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// What happened to a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum KeyAction {
    /// The key went down.
    Press = 0,
    /// The key is held and the platform repeated it.
    Repeat = 1,
    /// The key went up.
    Release = 2,
}

impl KeyAction {
    /// Every action, in wire order.
    pub const ALL: [KeyAction; 3] = [KeyAction::Press, KeyAction::Repeat, KeyAction::Release];

    /// The lower-case name the SDK and the text form use.
    pub fn name(self) -> &'static str {
        match self {
            KeyAction::Press => "press",
            KeyAction::Repeat => "repeat",
            KeyAction::Release => "release",
        }
    }

    /// The action with this name.
    pub fn from_name(name: &str) -> Option<KeyAction> {
        KeyAction::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The action with this wire code.
    pub fn from_code(code: u8) -> Option<KeyAction> {
        [KeyAction::Press, KeyAction::Repeat, KeyAction::Release].into_iter().find(|a| *a as u8 == code)
    }
}
