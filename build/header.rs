//! Generates the C header (`include/exsync.h`) from `src/ffi` with cbindgen. Shared by `build.rs`
//! and the test that checks the checked-in header is current (`tests/ffi_header.rs`).

use std::fmt::Write as _;
use std::path::Path;

/// The version macros for `version` (`MAJOR.MINOR.PATCH[-PRE]`, as in Cargo.toml).
pub fn version_macros(version: &str) -> Result<String, String> {
    let core = version.split(['-', '+']).next().unwrap_or(version);
    let parts: Vec<&str> = core.split('.').collect();
    let [major, minor, patch] = parts[..] else {
        return Err(format!("version {version:?} is not MAJOR.MINOR.PATCH"));
    };
    let mut out = String::new();
    for (name, value) in [("MAJOR", major), ("MINOR", minor), ("PATCH", patch)] {
        let n: u32 = value.parse().map_err(|_| format!("version {version:?}: {value:?} is not a number"))?;
        let _ = writeln!(out, "#define EXSYNC_VERSION_{name} {n}");
    }
    let _ = writeln!(out, "#define EXSYNC_VERSION_STRING \"{version}\"");
    Ok(out)
}

/// The header's text for the crate in `crate_dir` at `version`.
pub fn generate(crate_dir: &Path, version: &str) -> Result<String, String> {
    let mut config =
        cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).map_err(|e| format!("cbindgen.toml: {e}"))?;
    let macros = version_macros(version)?;
    config.after_includes = Some(match config.after_includes.take() {
        Some(text) => format!("{text}\n{macros}"),
        None => format!("\n{macros}"),
    });
    // cbindgen follows the `mod` declarations of src/ffi/mod.rs.
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src").join("ffi").join("mod.rs"))
        .generate()
        .map_err(|e| format!("cbindgen: {e}"))?;
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).map_err(|e| format!("cbindgen wrote non-UTF-8: {e}"))
}
