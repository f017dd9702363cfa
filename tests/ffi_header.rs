//! The checked-in C header (`include/exsync.h`) is what the code generates, and its version
//! macros and `exsync_version()` match Cargo.toml.

#[path = "../build/header.rs"]
mod header;

use std::ffi::CStr;
use std::path::{Path, PathBuf};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `version` of `[package]` in Cargo.toml, read from the file itself.
fn cargo_toml_version() -> String {
    let text = std::fs::read_to_string(crate_dir().join("Cargo.toml")).expect("Cargo.toml is readable");
    let mut in_package = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(value) = line.strip_prefix("version").map(str::trim_start).and_then(|l| l.strip_prefix('=')) {
                return value.trim().trim_matches('"').to_owned();
            }
        }
    }
    panic!("Cargo.toml has no [package] version");
}

fn checked_in() -> String {
    std::fs::read_to_string(crate_dir().join("include").join("exsync.h")).expect("include/exsync.h is checked in")
}

#[test]
fn checked_in_header_is_current() {
    let generated = header::generate(&crate_dir(), &cargo_toml_version()).expect("cbindgen generates the header");
    let dir = std::env::temp_dir().join(format!("exsync-header-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fresh = dir.join("exsync.h");
    std::fs::write(&fresh, &generated).unwrap();
    let old = checked_in();
    if old != generated {
        let line = old.lines().zip(generated.lines()).position(|(a, b)| a != b).map_or(0, |i| i + 1);
        panic!(
            "include/exsync.h differs from what src/ffi generates (first at line {line}; fresh copy in {}); \
             run `cargo build` (outside CI) and commit include/exsync.h",
            fresh.display()
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

fn macro_value<'a>(header: &'a str, name: &str) -> &'a str {
    let prefix = format!("#define {name} ");
    header.lines().find_map(|l| l.strip_prefix(prefix.as_str())).unwrap_or_else(|| panic!("{name} is not defined"))
}

#[test]
fn version_macros_and_function_match_cargo_toml() {
    let version = cargo_toml_version();
    let header = checked_in();
    let core: Vec<&str> = version.split(['-', '+']).next().unwrap().split('.').collect();
    assert_eq!(macro_value(&header, "EXSYNC_VERSION_MAJOR"), core[0]);
    assert_eq!(macro_value(&header, "EXSYNC_VERSION_MINOR"), core[1]);
    assert_eq!(macro_value(&header, "EXSYNC_VERSION_PATCH"), core[2]);
    assert_eq!(macro_value(&header, "EXSYNC_VERSION_STRING"), format!("\"{version}\""));
    let from_library = unsafe { CStr::from_ptr(exsync::ffi::exsync_version()) }.to_str().unwrap();
    assert_eq!(from_library, version);
}

#[test]
fn version_macros_are_checked() {
    assert!(header::version_macros("1.2").is_err());
    assert!(header::version_macros("1.x.3").is_err());
    let text = header::version_macros("10.20.30-rc.1").unwrap();
    assert!(text.contains("#define EXSYNC_VERSION_MINOR 20\n"));
    assert!(text.contains("#define EXSYNC_VERSION_STRING \"10.20.30-rc.1\"\n"));
}

#[test]
fn header_documents_the_contract() {
    let header = checked_in();
    for needle in
        ["UNDEFINED BEHAVIOUR", "_free(NULL) does nothing", "EXSYNC_ERR_BUFFER_TOO_SMALL", "exsync_version(void)"]
    {
        assert!(header.contains(needle), "the header does not mention {needle}");
    }
    assert!(Path::new(&crate_dir()).join("cbindgen.toml").exists());
}
