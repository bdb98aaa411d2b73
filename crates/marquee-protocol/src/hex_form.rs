//! The `.hex` form of the golden vectors (`tests/vectors`, `tests/malformed`, the event batch):
//! bytes as lowercase hex pairs, whitespace and `#` comments to the end of a line ignored. The
//! protocol's tests, the SDK agreement test and the fuzzers' seeds read it.

/// Formats bytes as lowercase hex pairs separated by spaces.
pub fn write(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Reads hex pairs, ignoring whitespace and `#` comments to the end of a line.
pub fn read(text: &str) -> Result<Vec<u8>, String> {
    let digits: String = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .flat_map(|l| l.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    if !digits.len().is_multiple_of(2) {
        return Err("odd number of hex digits".into());
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).map_err(|e| format!("bad hex at {i}: {e}")))
        .collect()
}
