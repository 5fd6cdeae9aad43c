//! Generates the client from `spec/` with progenitor at compile time.
//!
//! Outputs in `OUT_DIR`:
//! - `codegen.rs`: the progenitor client (types, builders, `Client`), each builder's `send()`
//!   reshaped into `into_request` and a call of `crate::pipeline::invoke`;
//! - `dispatch.rs`: `Client::call`, any operation by id with JSON values;
//! - `operations.rs`: per-operation metadata the wrapper needs (credentials, retry class),
//!   read from the spec's `security` and `x-meeting-retry`;
//! - `openapi.json`: the spec itself, for request validation and tests.
//!
//! Operation groups: an operation is generated when the cargo feature named after its tag is
//! enabled (`meetings`, `control`, ...; all of them by default), or when its tag is `auth`
//! (what the client itself calls). Components no generated operation reaches are left out, so
//! a build with fewer groups compiles less.
//!
//! A broken spec fails the build with a message naming the file and the problem.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypePatch};
use serde_json::Value;

#[path = "build/handles.rs"]
mod handles;
#[path = "src/naming.rs"]
mod naming;
#[path = "build/reshape.rs"]
mod reshape;

const SPEC_FILE: &str = "spec/openapi.yaml";
/// Security schemes the wrapper knows how to satisfy (src/client.rs matches on the
/// generated `Scheme` enum), by their name in the spec and their variant.
const KNOWN_SCHEMES: &[(&str, &str)] = &[
    ("accessToken", "AccessToken"),
    ("conferenceToken", "ConferenceToken"),
    ("hostPassword", "HostPassword"),
    ("appIdSignature", "AppIdSignature"),
    ("accountPassword", "AccountPassword"),
];
const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options", "trace"];

fn main() {
    if let Err(message) = run() {
        // One readable line instead of a panic backtrace.
        println!("cargo::error={SPEC_FILE}: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);
    watch_spec_dir(&manifest.join("spec"))?;

    let text = fs::read_to_string(manifest.join(SPEC_FILE)).map_err(|e| format!("cannot read: {e}"))?;
    let raw: Value = serde_norway::from_str(&text).map_err(|e| format!("invalid YAML: {e}"))?;
    // The whole spec must hold to the conventions, whatever groups this build compiles.
    check_conventions(&raw)?;
    let raw = selected_groups(&raw)?;
    let operations = check_conventions(&raw)?;
    let spec: openapiv3::OpenAPI = serde_path_to_error::deserialize(without_constraints(&raw))
        .map_err(|e| format!("not a valid OpenAPI 3.0 document at `{}`: {}", e.path(), e.inner()))?;

    let file = generate(&spec, &raw, operation_count(&raw))?;
    let dispatch = dispatcher(&raw, &file)?;
    write(&out.join("codegen.rs"), &render(&file))?;
    write(&out.join("dispatch.rs"), &render(&dispatch))?;
    write(&out.join("operations.rs"), &operations)?;
    write(
        &out.join("openapi.json"),
        &serde_json::to_string_pretty(&raw).expect("JSON value serializes"),
    )?;
    Ok(())
}

/// The tag of the operations the client itself calls (authentication, meeting-control
/// tokens, sign-out): always compiled.
const CORE_TAG: &str = "auth";

/// Whether the cargo feature of operation group `tag` is enabled.
fn group_enabled(tag: &str) -> bool {
    tag == CORE_TAG || env::var_os(format!("CARGO_FEATURE_{}", tag.to_uppercase().replace('-', "_"))).is_some()
}

/// The spec with only the operations of the enabled groups, and only the components they
/// reach.
fn selected_groups(raw: &Value) -> Result<Value, String> {
    let mut selected = raw.clone();
    let paths = selected
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .ok_or("paths is missing")?;
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        let mut dropped = Vec::new();
        for (method, op) in item.iter().filter(|(m, _)| METHODS.contains(&m.as_str())) {
            let tag = op.pointer("/tags/0").and_then(Value::as_str).ok_or(format!(
                "{} {method}: an operation needs a tag (its group)",
                op["operationId"]
            ))?;
            if !group_enabled(tag) {
                dropped.push(method.clone());
            }
        }
        for method in dropped {
            item.remove(&method);
        }
    }
    paths.retain(|_, item| {
        item.as_object()
            .is_some_and(|i| i.keys().any(|m| METHODS.contains(&m.as_str())))
    });
    // Components reached from the kept operations, following $ref transitively.
    let mut reached = std::collections::BTreeSet::new();
    let mut pending = vec![selected["paths"].clone()];
    while let Some(value) = pending.pop() {
        let mut refs = Vec::new();
        collect_refs(&value, &mut refs);
        for r in refs {
            if reached.insert(r.clone()) {
                let target = raw
                    .pointer(r.trim_start_matches('#'))
                    .ok_or(format!("unresolved {r}"))?;
                pending.push(target.clone());
            }
        }
    }
    for section in ["schemas", "parameters", "responses"] {
        if let Some(components) = selected
            .pointer_mut(&format!("/components/{section}"))
            .and_then(Value::as_object_mut)
        {
            components.retain(|name, _| reached.contains(&format!("#/components/{section}/{name}")));
        }
    }
    Ok(selected)
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                out.push(r.to_owned());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

fn watch_spec_dir(dir: &Path) -> Result<(), String> {
    println!("cargo::rerun-if-changed={}", dir.display());
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        println!("cargo::rerun-if-changed={}", entry.path().display());
    }
    Ok(())
}

fn write(path: &Path, content: &str) -> Result<(), String> {
    fs::write(path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Runs progenitor, turning its panics (it asserts on some unsupported shapes) into errors.
fn render(file: &syn::File) -> String {
    format!(
        "// Generated by build.rs from {SPEC_FILE} with progenitor 0.15.1. Do not edit.\n{}",
        prettyplease::unparse(file)
    )
}

fn generate(spec: &openapiv3::OpenAPI, raw: &Value, operations: usize) -> Result<syn::File, String> {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type("crate::state::ClientState".parse().expect("valid path"))
        .with_derive("schemars::JsonSchema")
        .with_derive("PartialEq");
    for (name, schema) in component_schemas(raw) {
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
    let renames = identifier_renames(raw)?;
    let reword = reshape::Reword::new(raw);
    let tokens = rewrite_identifiers(tokens, &renames, &reword);
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    reshape::reshape_sends(&mut file, raw, operations)?;
    handles::split_handles(&mut file, &handles::conference_operations(raw))?;
    Ok(file)
}

/// The builder field progenitor makes of a parameter name (`type` -> `type_`).
fn rust_field(name: &str) -> String {
    let mut field = rust_name(name);
    if syn::parse_str::<syn::Ident>(&field).is_err() {
        field.push('_'); // progenitor's rule for Rust keywords
    }
    field
}

/// `Client::call`: any operation by id with JSON parameters and body, filling the operation's
/// typed builder (so a call runs exactly the code a typed call runs). Parameter names are the
/// API's; the setter and its type come from the builder progenitor generated, checked here.
fn dispatcher(raw: &Value, file: &syn::File) -> Result<syn::File, String> {
    use heck::ToUpperCamelCase;
    use quote::{format_ident, quote};
    let builders = builder_fields(file)?;
    let conference = handles::conference_operations(raw);
    let (mut client_arms, mut conference_arms) = (Vec::new(), Vec::new());
    let (mut client_ids, mut conference_ids) = (Vec::new(), Vec::new());
    let mut ids = Vec::new();
    for (path, method, op) in operations_of(raw) {
        let id = op.get("operationId").and_then(Value::as_str).unwrap_or_default();
        let at = format!("{} {path} ({id})", method.to_uppercase());
        let builder_name = id.to_upper_camel_case();
        let fields = builders
            .get(&builder_name)
            .ok_or(format!("{at}: progenitor generated no builder `{builder_name}`"))?;
        let field_type = |field: &str| -> Result<syn::Type, String> {
            fields
                .iter()
                .find(|(name, _)| name == field)
                .map(|(_, ty)| ty.clone())
                .ok_or(format!("{at}: the builder has no field `{field}`"))
        };
        let mut sets = Vec::new();
        let parameters = op.get("parameters").and_then(Value::as_array).into_iter().flatten();
        for parameter in parameters {
            let parameter = resolve(raw, parameter)?;
            let name = parameter
                .get("name")
                .and_then(Value::as_str)
                .ok_or(format!("{at}: a parameter has no name"))?;
            let field = rust_field(name);
            let ty = field_type(&field)?;
            let (ty, required) = match option_inner(&ty) {
                Some(inner) => (inner, false),
                None => (ty, true),
            };
            let setter = format_ident!("{}", field);
            if required {
                sets.push(quote! { builder = builder.#setter(params.required::<#ty>(#name)?); });
            } else {
                sets.push(quote! { if let Some(value) = params.optional::<#ty>(#name)? { builder = builder.#setter(value); } });
            }
        }
        let body = if op.get("requestBody").is_some() {
            let ty = builder_to_type(field_type("body")?);
            quote! { builder = builder.body(params.body::<#ty>(body)?); }
        } else {
            quote! { params.no_body(body)?; }
        };
        let method_ident = format_ident!("{}", id);
        let (arms, handle_ids) = if conference.contains(id) {
            (&mut conference_arms, &mut conference_ids)
        } else {
            (&mut client_arms, &mut client_ids)
        };
        handle_ids.push(id.to_owned());
        arms.push(quote! {
            #id => {
                let mut builder = self.#method_ident();
                #(#sets)*
                #body
                params.finish()?;
                crate::dispatch::to_json(builder.send().await?)
            }
        });
        ids.push(id.to_owned());
    }
    // An operation of the other handle is refused with where to call it (an empty list
    // would make an empty pattern).
    let elsewhere = |ids: &[String], refusal: proc_macro2::TokenStream| {
        (!ids.is_empty()).then(|| quote! { #(#ids)|* => Err(#refusal), })
    };
    let conference_elsewhere = elsewhere(&conference_ids, quote! { crate::dispatch::on_conference(operation_id) });
    let client_elsewhere = elsewhere(&client_ids, quote! { crate::dispatch::on_client(operation_id) });
    let tokens = quote! {
        impl Client {
            /// Calls the operation `operation_id` (its `operationId` in the spec, the official
            /// SDK's name) with its parameters and body as JSON values, and returns the response
            /// body as JSON.
            ///
            /// It fills the operation's typed builder, so it runs exactly what a typed call
            /// runs: validation against the spec, credentials, retries, the same errors.
            /// Parameters are keyed by their name in the API (`conferenceID`, `X-Request-Id`);
            /// a string is accepted for a number or boolean parameter and vice versa. Meeting-
            /// control operations are called on [`Conference::call`] (a meeting-control
            /// operation here is an [`crate::Error::Config`] saying so).
            ///
            /// An unknown operation, an unknown parameter, a missing required one, a value of
            /// the wrong type or a body where none is taken is an [`crate::Error::InvalidInput`]
            /// naming it; nothing is sent.
            pub async fn call(
                &self,
                operation_id: &str,
                params: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                body: ::std::option::Option<::serde_json::Value>,
            ) -> ::std::result::Result<ResponseValue<::serde_json::Value>, crate::Error> {
                let mut params = crate::dispatch::Params::new(operation_id, params);
                match operation_id {
                    #(#client_arms)*
                    #conference_elsewhere
                    _ => Err(crate::dispatch::unknown_operation(operation_id)),
                }
            }
        }

        impl Conference {
            /// Calls the meeting-control operation `operation_id` with JSON parameters and
            /// body, as [`Client::call`] calls the others (an operation of the plain client
            /// here is an [`crate::Error::Config`] saying so).
            pub async fn call(
                &self,
                operation_id: &str,
                params: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                body: ::std::option::Option<::serde_json::Value>,
            ) -> ::std::result::Result<ResponseValue<::serde_json::Value>, crate::Error> {
                let mut params = crate::dispatch::Params::new(operation_id, params);
                match operation_id {
                    #(#conference_arms)*
                    #client_elsewhere
                    _ => Err(crate::dispatch::unknown_operation(operation_id)),
                }
            }
        }

        /// Every operation `Client::call` and `Conference::call` know, sorted.
        pub const CALLABLE_OPERATIONS: &[&str] = &[#(#ids),*];
    };
    syn::parse2(tokens).map_err(|e| format!("the generated dispatcher does not parse: {e}"))
}

/// Each builder struct of progenitor's `mod builder`: its fields but `client`, with the `T`
/// of their `Result<T, String>` type.
fn builder_fields(file: &syn::File) -> Result<BTreeMap<String, Vec<(String, syn::Type)>>, String> {
    let builder_mod = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
            _ => None,
        })
        .ok_or("progenitor generated no `mod builder`")?;
    let mut builders = BTreeMap::new();
    for item in &builder_mod.1 {
        let syn::Item::Struct(s) = item else { continue };
        let mut fields = Vec::new();
        for field in &s.fields {
            let Some(name) = &field.ident else { continue };
            if name == "client" {
                continue;
            }
            let inner = first_generic(&field.ty, "Result").ok_or(format!(
                "builder `{}` field `{name}` is not a Result<_, String>",
                s.ident
            ))?;
            fields.push((name.to_string(), inner));
        }
        builders.insert(s.ident.to_string(), fields);
    }
    Ok(builders)
}

/// `T` of `Wrapper<T, ..>` when the type's last path segment is `wrapper`.
fn first_generic(ty: &syn::Type, wrapper: &str) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else { return None };
    let last = path.path.segments.last().filter(|s| s.ident == wrapper)?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner.clone()),
        _ => None,
    }
}

fn option_inner(ty: &syn::Type) -> Option<syn::Type> {
    first_generic(ty, "Option")
}

/// `types::builder::X` (a body builder) -> `types::X`, the type its setter converts into.
fn builder_to_type(ty: syn::Type) -> syn::Type {
    let syn::Type::Path(mut path) = ty else { return ty };
    let segments: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
    if segments.len() == 3 && segments[0] == "types" && segments[1] == "builder" {
        let last = path.path.segments.pop().expect("three segments");
        path.path.segments.pop();
        path.path.segments.push(last);
    }
    syn::Type::Path(path)
}

/// A `$ref` to `#/components/...` resolved, or the value itself.
fn resolve<'a>(raw: &'a Value, value: &'a Value) -> Result<&'a Value, String> {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => raw
            .pointer(reference.trim_start_matches('#'))
            .ok_or(format!("unresolved $ref {reference}")),
        None => Ok(value),
    }
}

/// Every operation of the spec: (path, method, operation).
fn operations_of(raw: &Value) -> impl Iterator<Item = (&String, &String, &Value)> {
    raw.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(path, item)| item.as_object().map(|item| (path, item)))
        .flat_map(|(path, item)| {
            item.iter()
                .filter(|(method, _)| METHODS.contains(&method.as_str()))
                .map(move |(method, op)| (path, method, op))
        })
}

/// `T` of a `Result<T, E>` return type.
fn result_ok_type(output: &syn::ReturnType) -> Option<syn::Type> {
    match output {
        syn::ReturnType::Type(_, ty) => first_generic(ty, "Result"),
        syn::ReturnType::Default => None,
    }
}

fn operation_count(raw: &Value) -> usize {
    operations_of(raw).count()
}

/// Identifiers progenitor derives from the spec's names that read better with an acronym's
/// plural as one word (`conf_uui_ds` -> `conf_uuids`), progenitor's spelling -> ours.
fn identifier_renames(raw: &Value) -> Result<BTreeMap<String, String>, String> {
    use heck::ToSnakeCase;
    let mut names = Vec::new();
    spec_names(raw, &mut names);
    let derived: std::collections::BTreeSet<String> = names.iter().map(|n| n.to_snake_case()).collect();
    let mut renames = BTreeMap::new();
    for name in &names {
        let ours = rust_name(name);
        let theirs = name.to_snake_case();
        if ours != theirs {
            if derived.contains(&ours) {
                return Err(format!(
                    "`{name}` would be `{ours}`, which another name of the spec already is"
                ));
            }
            renames.insert(theirs, ours);
        }
    }
    Ok(renames)
}

/// The Rust identifier of a name of the spec, as the generated code has it after
/// `rewrite_identifiers` (`confUUIDs` -> `conf_uuids`; progenitor's own rule otherwise).
fn rust_name(name: &str) -> String {
    use heck::ToSnakeCase;
    naming::acronym_plurals_as_words(name).to_snake_case()
}

/// Every property and parameter name of the spec.
fn spec_names(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                out.extend(properties.keys().cloned());
            }
            if let (Some(Value::String(name)), Some(_)) = (map.get("name"), map.get("in")) {
                out.push(name.clone());
            }
            map.values().for_each(|v| spec_names(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| spec_names(v, out)),
        _ => {}
    }
}

/// Rewrites progenitor's identifiers: the `renames` (and their mentions in string literals,
/// docs and messages, whole words only; serde's `rename = "confUUIDs"` keeps the wire name),
/// and `gen`, which typify 0.8 names a parameter but edition 2024 reserves, as `r#gen`.
fn rewrite_identifiers(
    tokens: proc_macro2::TokenStream,
    renames: &BTreeMap<String, String>,
    reword: &reshape::Reword,
) -> proc_macro2::TokenStream {
    use proc_macro2::{Group, Ident, Literal, TokenTree};
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Ident(ident) if ident == "gen" => TokenTree::Ident(Ident::new_raw("gen", ident.span())),
            TokenTree::Ident(ident) => match renames.get(&ident.to_string()) {
                Some(ours) => TokenTree::Ident(Ident::new(ours, ident.span())),
                None => TokenTree::Ident(ident),
            },
            TokenTree::Literal(literal)
                if let Some(reworded) = syn::parse_str::<syn::LitStr>(&literal.to_string())
                    .ok()
                    .and_then(|text| reword.literal(&text.value())) =>
            {
                let mut reworded = Literal::string(&reworded);
                reworded.set_span(literal.span());
                TokenTree::Literal(reworded)
            }
            TokenTree::Literal(literal) if !renames.is_empty() => {
                let text = literal.to_string();
                let renamed = renames
                    .iter()
                    .fold(text.clone(), |text, (theirs, ours)| replace_word(&text, theirs, ours));
                match renamed.parse::<Literal>() {
                    Ok(mut renamed) if renamed.to_string() != text => {
                        renamed.set_span(literal.span());
                        TokenTree::Literal(renamed)
                    }
                    _ => TokenTree::Literal(literal),
                }
            }
            TokenTree::Group(group) => {
                let mut rewritten = Group::new(group.delimiter(), rewrite_identifiers(group.stream(), renames, reword));
                rewritten.set_span(group.span());
                TokenTree::Group(rewritten)
            }
            other => other,
        })
        .collect()
}

/// `text` with every whole-word `word` (not inside a longer identifier) replaced.
fn replace_word(text: &str, word: &str, with: &str) -> String {
    let is_ident_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let before = rest[..at].chars().next_back().or_else(|| out.chars().next_back());
        let after = rest[at + word.len()..].chars().next();
        out.push_str(&rest[..at]);
        if before.is_some_and(is_ident_char) || after.is_some_and(is_ident_char) {
            out.push_str(word);
        } else {
            out.push_str(with);
        }
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

/// Value constraints stay in the spec but not in the generated types: the wrapper validates
/// every request against the spec before sending it, with errors that name the field and
/// the rule, and the types stay plain (`String`, not one newtype per constrained field; an
/// integer with an `enum` of allowed values is an `i32`, not a newtype, while a string enum
/// stays a Rust enum).
fn without_constraints(value: &Value) -> Value {
    const CONSTRAINTS: &[&str] = &[
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "minItems",
        "maxItems",
    ];
    match value {
        Value::Object(map) => {
            let integer = map.get("type").and_then(Value::as_str) == Some("integer");
            Value::Object(
                map.iter()
                    .filter(|(key, v)| !CONSTRAINTS.contains(&key.as_str()) || v.is_object())
                    .filter(|(key, _)| !(integer && key.as_str() == "enum"))
                    .map(|(key, v)| (key.clone(), without_constraints(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(without_constraints).collect()),
        other => other.clone(),
    }
}

fn component_schemas(raw: &Value) -> impl Iterator<Item = (&String, &Value)> {
    raw.pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

/// Checks the project's conventions and renders the operation table for the wrapper.
fn check_conventions(raw: &Value) -> Result<String, String> {
    let schemes = raw
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .ok_or("components.securitySchemes is missing")?;
    let mut scheme_rows = String::new();
    let mut scheme_variants = String::new();
    for (name, scheme) in schemes {
        let Some((_, variant)) = KNOWN_SCHEMES.iter().find(|(known, _)| known == name) else {
            return Err(format!(
                "security scheme `{name}` is not one the wrapper supports ({:?})",
                KNOWN_SCHEMES.iter().map(|(n, _)| n).collect::<Vec<_>>()
            ));
        };
        let description = scheme
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or(name)
            .lines()
            .map(|line| format!("    /// {line}\n"))
            .collect::<String>();
        writeln!(scheme_variants, "{description}    {variant},").unwrap();
        let conference_parameter = match scheme.get("x-meeting-conference-parameter") {
            None => "None".to_owned(),
            Some(Value::String(parameter)) => format!("Some({parameter:?})"),
            Some(_) => return Err(format!("x-meeting-conference-parameter of `{name}` must be a string")),
        };
        let header = match scheme.get("type").and_then(Value::as_str) {
            Some("apiKey") if scheme.get("in").and_then(Value::as_str) == Some("header") => scheme
                .get("name")
                .and_then(Value::as_str)
                .ok_or(format!("security scheme `{name}` has no header name"))?,
            Some("http") if scheme.get("scheme").and_then(Value::as_str) == Some("basic") => "Authorization",
            _ => {
                return Err(format!(
                    "security scheme `{name}` must be an apiKey header or http basic"
                ));
            }
        };
        let mut fixed = String::new();
        if let Some(headers) = scheme.get("x-meeting-fixed-headers").and_then(Value::as_object) {
            for (h, v) in headers {
                let v = v
                    .as_str()
                    .ok_or(format!("x-meeting-fixed-headers.{h} of `{name}` must be a string"))?;
                write!(fixed, "({:?}, {v:?}), ", h.to_ascii_lowercase()).unwrap();
            }
        }
        writeln!(
            scheme_rows,
            "    SecurityScheme {{ scheme: Scheme::{variant}, header: {:?}, fixed_headers: &[{fixed}], conference_parameter: {conference_parameter} }},",
            header.to_ascii_lowercase()
        )
        .unwrap();
    }

    let paths = raw
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("`paths` is missing")?;
    let mut ops = BTreeMap::new();
    for (path, item) in paths {
        let item = item.as_object().ok_or(format!("path `{path}` is not an object"))?;
        for (method, op) in item.iter().filter(|(m, _)| METHODS.contains(&m.as_str())) {
            let at = format!("{} {path}", method.to_uppercase());
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .ok_or(format!("{at} has no operationId"))?;
            if !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(format!(
                    "{at}: operationId `{id}` must be snake_case (the official SDK's name)"
                ));
            }
            let retry = match op.get("x-meeting-retry").and_then(Value::as_str) {
                Some("idempotent") => "Idempotent",
                Some("unsafe") => "Unsafe",
                _ => {
                    return Err(format!("{at} ({id}): x-meeting-retry must be `idempotent` or `unsafe`"));
                }
            };
            // `security: []` is an operation that needs no credential; a missing one is an
            // oversight (OpenAPI would fall back to a global default, which this spec has not).
            let security = op.get("security").and_then(Value::as_array).ok_or(format!(
                "{at} ({id}): declare its credentials in `security` (`[]` for none)"
            ))?;
            let mut names = Vec::new();
            for requirement in security {
                for name in requirement.as_object().into_iter().flat_map(|r| r.keys()) {
                    if !schemes.contains_key(name) {
                        return Err(format!("{at} ({id}): unknown security scheme `{name}`"));
                    }
                    let (_, variant) = KNOWN_SCHEMES
                        .iter()
                        .find(|(known, _)| known == name)
                        .expect("checked above");
                    names.push(format!("Scheme::{variant}"));
                }
            }
            let error_format = match op.get("x-meeting-error-format").and_then(Value::as_str) {
                Some("mmc") => "Mmc",
                Some("usg") => "Usg",
                _ => {
                    return Err(format!(
                        "{at} ({id}): x-meeting-error-format must be `mmc` or `usg` (the service's error body of that API family)"
                    ));
                }
            };
            let in_progress = match op.get("x-meeting-in-progress") {
                None => false,
                Some(Value::Bool(b)) => *b,
                Some(_) => return Err(format!("{at} ({id}): x-meeting-in-progress must be a boolean")),
            };
            let token_effect = match op.get("x-meeting-token-effect").and_then(Value::as_str) {
                None => "None",
                Some("revokes") => "Revokes",
                Some("renews") => "Renews",
                Some(other) => {
                    return Err(format!(
                        "{at} ({id}): x-meeting-token-effect `{other}` must be `revokes` or `renews`"
                    ));
                }
            };
            // URLs reach logs (the call's tracing span), proxies and servers' access logs.
            for parameter in op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
                let parameter = resolve(raw, parameter)?;
                let schema = resolve(raw, parameter.get("schema").unwrap_or(&Value::Null))?;
                let place = parameter.get("in").and_then(Value::as_str).unwrap_or_default();
                if matches!(place, "query" | "path") && schema.get("format").and_then(Value::as_str) == Some("password")
                {
                    let name = parameter.get("name").and_then(Value::as_str).unwrap_or_default();
                    return Err(format!(
                        "{at} ({id}): parameter `{name}` is a secret (format password) in the {place}: secrets go in headers or the body, never in the URL"
                    ));
                }
            }
            if op.pointer("/responses/default").is_some() {
                return Err(format!(
                    "{at} ({id}): use explicit 4XX/5XX error responses, not `default` (progenitor treats it as a success too)"
                ));
            }
            if ops.insert(id.to_string(), format!(
                "    OperationMeta {{ id: {id:?}, method: {:?}, path: {path:?}, retry: RetryClass::{retry}, security: &[{}], error_format: ErrorFormat::{error_format}, needs_meeting_in_progress: {in_progress}, token_effect: TokenEffect::{token_effect} }},",
                method.to_uppercase(),
                names.join(", ")
            )).is_some() {
                return Err(format!("operationId `{id}` is used twice"));
            }
        }
    }
    let mut out = String::from(
        "// Generated by build.rs from the spec's `securitySchemes`, `security` and `x-meeting-*` extensions. Do not edit.\n",
    );
    writeln!(
        out,
        "/// A credential an operation needs: the spec's `securitySchemes`.\n#[derive(Clone, Copy, Debug, PartialEq, Eq)]\n#[non_exhaustive]\npub enum Scheme {{\n{scheme_variants}}}"
    )
    .unwrap();
    writeln!(
        out,
        "pub(crate) static SECURITY_SCHEMES: &[SecurityScheme] = &[\n{scheme_rows}];"
    )
    .unwrap();
    writeln!(
        out,
        "/// Sorted by operation id.\npub(crate) static OPERATIONS: &[OperationMeta] = &[\n{}\n];",
        ops.into_values().collect::<Vec<_>>().join("\n")
    )
    .unwrap();
    Ok(out)
}
