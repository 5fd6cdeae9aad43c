//! Root of the `build_script` test target: the build script (`main.rs`, whose modules are
//! its jobs) compiled as a module, so each job's unit tests run under `cargo test`.

#[path = "main.rs"]
mod script;
