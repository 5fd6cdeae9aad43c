//! progenitor's settings and run: the Builder interface with every operation on `Client`,
//! the wrapper's state as the client's inner type, secrets as `crate::Secret`, loosely sent
//! values as hand-written types, `#[non_exhaustive]` objects; then the rewrites of its
//! output (identifiers, sends, handles).

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypePatch};
use serde_json::Value;

use super::spec_model::Spec;
use super::{checks, docs, handles, renames, reshape, setters};

/// The generated client of `spec` (the OpenAPI document of `raw`), reshaped around the call
/// pipeline; `operations` is how many operations it has.
pub fn generate(spec: &openapiv3::OpenAPI, raw: &Value, operations: usize) -> Result<syn::File, String> {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type("crate::state::ClientState".parse().expect("valid path"))
        .with_derive("schemars::JsonSchema")
        .with_derive("PartialEq");
    for (name, schema) in Spec::new(raw).component_schemas() {
        if let Some(rust_type) = schema.get("x-meeting-rust-type").and_then(Value::as_str) {
            // A hand-written type for values the service sends loosely.
            settings.with_replacement(name, rust_type, std::iter::empty());
        } else if schema.get("format").and_then(Value::as_str) == Some("password") {
            // Secrets get a type whose Debug never prints them.
            settings.with_replacement(name, "crate::Secret", std::iter::empty());
        } else if schema.get("type").and_then(Value::as_str) == Some("object") {
            // Fields will be added as the service grows: build values with `builder()`.
            settings.with_patch(name, TypePatch::default().with_attr("#[non_exhaustive]"));
        }
    }
    let mut generator = Generator::new(&settings);

    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| generator.generate_tokens(spec)));
    std::panic::set_hook(previous_hook);
    let tokens = match result {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => return Err(format!("progenitor rejected the spec: {e}")),
        Err(panic) => {
            let reason = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown reason".into());
            let hint = if reason.contains("response_types") {
                "; an operation has more than one success or error body shape: give all its 2XX one schema and all its 4XX/5XX one schema"
            } else {
                ""
            };
            return Err(format!(
                "progenitor cannot generate this spec (it panicked: {reason}){hint}"
            ));
        }
    };
    let renames = renames::identifier_renames(raw)?;
    let reword = reshape::Reword::new(raw);
    let tokens = renames::rewrite_identifiers(tokens, &renames, &reword);
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    reshape::reshape_sends(&mut file, raw, operations)?;
    handles::split_handles(&mut file, &handles::handle_operations(raw)?)?;
    checks::implement_checked(&mut file, raw)?;
    checks::insert_request_checks(&mut file, raw)?;
    docs::document_setters(&mut file, raw)?;
    docs::document_client(&mut file)?;
    setters::accept_what_people_type(&mut file)?;
    Ok(file)
}
