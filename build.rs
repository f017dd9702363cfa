//! Build script. The C header (`include/exsync.h`) is generated here by cbindgen once the C ABI lands;
//! for now it only tells cargo when to run again.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
}
