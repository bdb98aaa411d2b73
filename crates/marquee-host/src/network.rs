//! The app's network policy, from its manifest: which origins `fetch` may reach and how large a
//! response may be.
//!
//! ```json
//! { "marquee": { "permissions": { "network": ["https://api.example.com", "http://127.0.0.1:8080"] },
//!                "limits": { "responseBytes": 33554432 } } }
//! ```
//!
//! An origin is a scheme, a host and a port; anything else in an entry (a path, a query) is a
//! mistake the host names in a warning and leaves out, so the app reaches less than it meant,
//! never more. No entry: no network.

use std::path::Path;

use marquee_net::Policy;

/// The most a manifest may set a response's size to: the device's memory is not the app's to
/// give away.
pub(crate) const MAX_RESPONSE_BYTES: u64 = 256 << 20;

/// The policy the manifest of the app in `app_dir` asks for, and warnings for the entries left
/// out.
pub(crate) fn policy(app_dir: &Path) -> (Policy, Vec<String>) {
    let mut policy = Policy::default();
    let mut warnings = Vec::new();
    let manifest = std::fs::read_to_string(app_dir.join("package.json"))
        .ok()
        .and_then(|m| serde_json::from_str::<serde_json::Value>(&m).ok())
        .unwrap_or_default();
    let marquee = &manifest["marquee"];
    if let Some(entries) = marquee["permissions"]["network"].as_array() {
        for entry in entries {
            match origin(entry) {
                Ok(o) => policy.origins.push(o),
                Err(why) => warnings.push(format!("marquee.permissions.network: {entry} is left out: {why}")),
            }
        }
    }
    match &marquee["limits"]["responseBytes"] {
        serde_json::Value::Null => {}
        v => match v.as_u64().filter(|&n| n > 0 && n <= MAX_RESPONSE_BYTES) {
            Some(n) => policy.max_body = n,
            None => warnings.push(format!(
                "marquee.limits.responseBytes: {v} is not a size from 1 to {MAX_RESPONSE_BYTES}; {} is used",
                policy.max_body
            )),
        },
    }
    (policy, warnings)
}

/// A manifest entry as an origin, or why it is not one.
fn origin(entry: &serde_json::Value) -> Result<String, String> {
    let text = entry.as_str().ok_or("not a string")?;
    let url = url::Url::parse(text).map_err(|e| e.to_string())?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("only http: and https: origins can be reached".into());
    }
    let origin = url.origin().ascii_serialization();
    if text.trim_end_matches('/') != origin {
        return Err(format!("an origin has no path, query or credentials (did you mean {origin}?)"));
    }
    Ok(origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_taken_as_written_and_anything_more_is_left_out() {
        let dir = std::env::temp_dir().join(format!("marquee-network-policy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let manifest = serde_json::json!({ "marquee": {
            "permissions": { "network": [
                "https://api.example.com", "http://127.0.0.1:8080/", "https://CDN.Example.com:443",
                "https://api.example.com/v1", "ftp://files.example.com", 42, "not a url",
            ] },
            "limits": { "responseBytes": 1000 },
        } });
        std::fs::write(dir.join("package.json"), manifest.to_string()).unwrap();
        let (p, warnings) = policy(&dir);
        assert_eq!(p.origins, ["https://api.example.com", "http://127.0.0.1:8080"]);
        assert_eq!(p.max_body, 1000);
        assert_eq!(warnings.len(), 5, "{warnings:?}");
        assert!(warnings[0].contains("CDN.Example.com"), "{warnings:?}");
        assert!(warnings[1].contains("did you mean https://api.example.com?"), "{warnings:?}");
        std::fs::write(dir.join("package.json"), r#"{ "marquee": { "limits": { "responseBytes": -1 } } }"#).unwrap();
        let (p, warnings) = policy(&dir);
        assert!(p.origins.is_empty() && p.max_body == Policy::default().max_body);
        assert_eq!(warnings.len(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
