//! The build script: generates the client from `spec/openapi.yaml` with progenitor at compile
//! time. One module per job:
//!
//! - `selection`: the operations of the enabled cargo features (groups), and the components
//!   they reach;
//! - `conventions`: the project's rules, checked on the whole spec (retry class, credentials,
//!   error format, extensions, no secret in a URL...);
//! - `table`: the operation table the wrapper reads;
//! - `constraints`: the spec's value constraints left out of the generated types;
//! - `settings`: progenitor's settings and run, and the rewrites of its output:
//!   `renames` (identifiers), `reshape` (each builder's `send()` into `into_request` and a
//!   call of the pipeline), `handles` (meeting-control methods onto `Conference`), `checks`
//!   (the spec's constraints as checks of the typed values, in each `into_request`);
//! - `docs`: the spec's descriptions on the setters of body and operation builders, and
//!   `Client`'s own page;
//! - `setters`: body-builder setters that take `&str` for optional text and builders for
//!   lists of objects;
//! - `dispatcher`: `Client::call` and `Conference::call`;
//! - `simulator`: the simulator's typed input of each operation and one trait per tag;
//! - `uploads`: the multipart bodies hidden from progenitor, and the file of their builders;
//! - `edits`: the read-modify-write methods of the full replacements (`x-meeting-edit`);
//! - `syntax`: reading progenitor's output; `spec_model` (shared with the library, from
//!   `src/`): the spec read one way, through one `$ref` resolver.
//!
//! Outputs in `OUT_DIR`:
//! - `codegen.rs`: the progenitor client (types, builders, `Client`, `Conference`), each
//!   builder's `send()` reshaped into `into_request` and a call of `crate::pipeline::invoke`;
//! - `dispatch.rs`: `Client::call` and `Conference::call`, any operation by id with JSON values;
//! - `edits.rs`: `Client::edit_meeting` and the other read-modify-write edits;
//! - `simulator.rs`: the simulator's inputs, one trait per tag and its `serve_<tag>`;
//! - `operations.rs`: the security schemes and per-operation metadata the wrapper needs
//!   (credentials, retry class, error format, meeting in progress, token effect);
//! - `openapi.json`: the spec of the enabled groups, for request validation, the `meeting`
//!   command and tests.
//!
//! A broken spec fails the build with one line naming the file and the problem. The
//! `build_script` test target (`build/tests.rs`) compiles this file as a module and runs
//! each job's unit tests.

#![cfg_attr(test, allow(dead_code))]

#[cfg(not(test))]
use std::path::{Path, PathBuf};
#[cfg(not(test))]
use std::{env, fs};

#[cfg(not(test))]
use serde_json::Value;

mod checks;
mod constraints;
mod conventions;
mod dispatcher;
mod docs;
mod edits;
mod handles;
#[path = "../src/naming.rs"]
mod naming;
mod renames;
mod reshape;
mod selection;
// progenitor's run is tested by the generated-code snapshots, not by unit tests: leaving it
// out of the test target spares compiling progenitor a second time.
mod setters;
#[cfg(not(test))]
mod settings;
mod simulator;
#[path = "../src/spec_model/mod.rs"]
mod spec_model;
mod syntax;
mod table;
mod uploads;

const SPEC_FILE: &str = "spec/openapi.yaml";

#[cfg(not(test))]
fn main() {
    if let Err(message) = run() {
        // One readable line instead of a panic backtrace.
        println!("cargo::error={SPEC_FILE}: {message}");
        std::process::exit(1);
    }
}

#[cfg(not(test))]
fn run() -> Result<(), String> {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);
    watch(&manifest.join("spec"))?;

    let text = fs::read_to_string(manifest.join(SPEC_FILE)).map_err(|e| format!("cannot read: {e}"))?;
    let raw: Value = serde_norway::from_str(&text).map_err(|e| format!("invalid YAML: {e}"))?;
    // The whole spec must hold to the conventions, whatever groups this build compiles.
    conventions::check(&raw)?;
    let raw = selection::selected_groups(&raw, feature_enabled)?;
    let table = table::render(&conventions::check(&raw)?);
    let for_progenitor = uploads::without_multipart(constraints::without_constraints(&raw));
    let spec: openapiv3::OpenAPI = serde_path_to_error::deserialize(for_progenitor)
        .map_err(|e| format!("not a valid OpenAPI 3.0 document at `{}`: {}", e.path(), e.inner()))?;

    let operations = spec_model::Spec::new(&raw).operations().count();
    let mut file = settings::generate(&spec, &raw, operations)?;
    uploads::add_file_setters(&mut file, &raw)?;
    let dispatch = dispatcher::dispatcher(&raw, &file)?;
    let simulated = simulator::simulator(&raw, &file)?;
    let edits = edits::edits(&raw, &file)?;
    write(&out.join("codegen.rs"), &render(&file))?;
    write(&out.join("dispatch.rs"), &render(&dispatch))?;
    write(&out.join("simulator.rs"), &render(&simulated))?;
    write(&out.join("edits.rs"), &render(&edits))?;
    write(&out.join("operations.rs"), &table)?;
    write(
        &out.join("openapi.json"),
        &serde_json::to_string_pretty(&raw).expect("JSON value serializes"),
    )?;
    Ok(())
}

/// Whether the cargo feature named after operation group `tag` is enabled.
#[cfg(not(test))]
fn feature_enabled(tag: &str) -> bool {
    env::var_os(format!("CARGO_FEATURE_{}", tag.to_uppercase().replace('-', "_"))).is_some()
}

/// Reruns the build when `dir` or a file in it changes.
#[cfg(not(test))]
fn watch(dir: &Path) -> Result<(), String> {
    println!("cargo::rerun-if-changed={}", dir.display());
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        println!("cargo::rerun-if-changed={}", entry.path().display());
    }
    Ok(())
}

#[cfg(not(test))]
fn write(path: &Path, content: &str) -> Result<(), String> {
    fs::write(path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(not(test))]
fn render(file: &syn::File) -> String {
    format!(
        "// Generated by build.rs from {SPEC_FILE} with progenitor 0.15.1. Do not edit.\n{}",
        prettyplease::unparse(file)
    )
}
