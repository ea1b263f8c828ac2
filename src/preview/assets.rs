//! The preview's page and its two assets, compiled into the binary: the server serves these
//! and nothing else from a path (`src/preview/assets/`).

/// The Content-Security-Policy of every response: the page's own script and style, the pages'
/// images inline (`data:`), connections only back to the preview.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const INDEX: &str = include_str!("assets/index.html");
const SCRIPT: &str = include_str!("assets/preview.js");
const STYLE: &str = include_str!("assets/preview.css");

/// The asset at `path` (exactly as requested, never decoded into a file name): its media type
/// and bytes.
pub fn get(path: &str) -> Option<(&'static str, &'static [u8])> {
    Some(match path {
        "/" | "/index.html" => ("text/html; charset=utf-8", INDEX.as_bytes()),
        "/assets/preview.js" => ("text/javascript; charset=utf-8", SCRIPT.as_bytes()),
        "/assets/preview.css" => ("text/css; charset=utf-8", STYLE.as_bytes()),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::get;

    #[test]
    fn only_the_three_assets_are_served() {
        assert!(get("/").is_some());
        for path in [
            "/../Cargo.toml",
            "/assets/../Cargo.toml",
            "/%2e%2e/Cargo.toml",
            "/assets/",
            "//etc/passwd",
            "/assets/preview.js/",
        ] {
            assert!(get(path).is_none(), "{path}");
        }
    }
}
