//! Build script: generates the C header `include/exsync.h` from `src/ffi` with cbindgen
//! (configuration in `cbindgen.toml`; version macros from Cargo.toml).
//!
//! The header is checked in. A build rewrites it when it differs from what the code generates,
//! except under CI (`CI` set and not `false`), where it is left alone so that the test
//! `tests/ffi_header.rs` catches a header that was not regenerated and committed. A cbindgen
//! failure never fails the build: it is reported as a cargo warning.

#[path = "build/header.rs"]
mod header;

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/header.rs");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-env-changed=CI");

    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let version = std::env::var("CARGO_PKG_VERSION").expect("cargo sets CARGO_PKG_VERSION");
    let text = match header::generate(&crate_dir, &version) {
        Ok(text) => text,
        Err(e) => {
            println!("cargo:warning=include/exsync.h was not regenerated: {e}");
            return;
        }
    };
    let path = crate_dir.join("include").join("exsync.h");
    if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
        return;
    }
    let under_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    if under_ci {
        println!("cargo:warning=include/exsync.h is stale; run `cargo build` outside CI and commit it");
        return;
    }
    if let Err(e) = std::fs::create_dir_all(crate_dir.join("include")).and_then(|()| std::fs::write(&path, &text)) {
        println!("cargo:warning=include/exsync.h could not be written: {e}");
    }
}
