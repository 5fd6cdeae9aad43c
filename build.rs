//! Generates the client from `spec/` with progenitor at compile time.
//!
//! Outputs in `OUT_DIR`:
//! - `codegen.rs`: the progenitor client (types, builders, `Client`), never edited by hand;
//! - `operations.rs`: per-operation metadata the wrapper needs (credentials, retry class),
//!   read from the spec's `security` and `x-meeting-retry`;
//! - `openapi.json`: the spec itself, for request validation and tests.
//!
//! A broken spec fails the build with a message naming the file and the problem.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypePatch};
use serde_json::Value;
use syn::visit_mut::VisitMut;

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
    let operations = check_conventions(&raw)?;
    let spec: openapiv3::OpenAPI = serde_path_to_error::deserialize(without_constraints(&raw))
        .map_err(|e| format!("not a valid OpenAPI 3.0 document at `{}`: {}", e.path(), e.inner()))?;

    let code = generate(&spec, &raw, operation_count(&raw))?;
    write(&out.join("codegen.rs"), &code)?;
    write(&out.join("operations.rs"), &operations)?;
    write(
        &out.join("openapi.json"),
        &serde_json::to_string_pretty(&raw).expect("JSON value serializes"),
    )?;
    Ok(())
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
fn generate(spec: &openapiv3::OpenAPI, raw: &Value, operations: usize) -> Result<String, String> {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type("crate::state::ClientState".parse().expect("valid path"))
        .with_hooks(HooksMode::Expected)
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
    let mut file: syn::File =
        syn::parse2(escape_reserved_idents(tokens)).map_err(|e| format!("generated code does not parse: {e}"))?;
    let mut wrap = WrapSends::default();
    wrap.visit_file_mut(&mut file);
    if let Some(problem) = wrap.problem {
        return Err(problem);
    }
    if wrap.sends != operations {
        return Err(format!(
            "wrapped {} send() methods for {operations} operations: progenitor's output changed shape",
            wrap.sends
        ));
    }
    Ok(format!(
        "// Generated by build.rs from {SPEC_FILE} with progenitor 0.15.1. Do not edit.\n{}",
        prettyplease::unparse(&file)
    ))
}

/// Every builder's public `send()` returns `crate::Error`: progenitor's `send` becomes the
/// private `send_generated`, wrapped by one that runs it through `crate::outcome` (which turns
/// the hooks' failures into typed errors). `Client::new`/`new_with_client` become
/// crate-private: a client is made by `ClientBuilder`, which checks the endpoint.
#[derive(Default)]
struct WrapSends {
    sends: usize,
    problem: Option<String>,
}

impl VisitMut for WrapSends {
    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        let is_client =
            item.trait_.is_none() && matches!(&*item.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        let mut wrappers: Vec<syn::ImplItem> = Vec::new();
        for member in &mut item.items {
            let syn::ImplItem::Fn(function) = member else { continue };
            if is_client && (function.sig.ident == "new" || function.sig.ident == "new_with_client") {
                function.vis = syn::parse_quote!(pub(crate));
            }
            if function.sig.ident != "send" || function.sig.asyncness.is_none() {
                continue;
            }
            let Some(success) = result_ok_type(&function.sig.output) else {
                self.problem = Some(format!(
                    "a generated send() does not return Result<_, _>: {}",
                    quote::ToTokens::to_token_stream(&function.sig.output)
                ));
                return;
            };
            let docs: Vec<syn::Attribute> = function
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("doc"))
                .cloned()
                .collect();
            function.attrs.retain(|a| !a.path().is_ident("doc"));
            function.sig.ident = syn::Ident::new("send_generated", function.sig.ident.span());
            function.vis = syn::Visibility::Inherited;
            wrappers.push(syn::parse_quote! {
                #(#docs)*
                ///
                /// The request is checked against the spec, sent with the client's credentials
                /// and retried when that is safe; any failure is a [`crate::Error`].
                pub async fn send(self) -> ::std::result::Result<#success, crate::Error> {
                    crate::outcome::run(self.send_generated()).await
                }
            });
            self.sends += 1;
        }
        item.items.extend(wrappers);
        syn::visit_mut::visit_item_impl_mut(self, item);
    }
}

/// `T` of a `Result<T, E>` return type.
fn result_ok_type(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let syn::Type::Path(path) = &**ty else { return None };
    let last = path.path.segments.last().filter(|s| s.ident == "Result")?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(ok) => Some(ok.clone()),
        _ => None,
    }
}

fn operation_count(raw: &Value) -> usize {
    raw.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.keys())
        .filter(|method| METHODS.contains(&method.as_str()))
        .count()
}

/// typify 0.8 names a parameter `gen`, reserved since edition 2024; emit it as `r#gen`.
fn escape_reserved_idents(tokens: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    use proc_macro2::{Group, Ident, TokenTree};
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Ident(ident) if ident == "gen" => TokenTree::Ident(Ident::new_raw("gen", ident.span())),
            TokenTree::Group(group) => {
                let mut escaped = Group::new(group.delimiter(), escape_reserved_idents(group.stream()));
                escaped.set_span(group.span());
                TokenTree::Group(escaped)
            }
            other => other,
        })
        .collect()
}

/// Value constraints stay in the spec but not in the generated types: the wrapper validates
/// every request against the spec before sending it, with errors that name the field and
/// the rule, and the types stay plain (`String`, not one newtype per constrained field).
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
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, v)| !CONSTRAINTS.contains(&key.as_str()) || v.is_object())
                .map(|(key, v)| (key.clone(), without_constraints(v)))
                .collect(),
        ),
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
            let security = op
                .get("security")
                .and_then(Value::as_array)
                .filter(|s| !s.is_empty())
                .ok_or(format!("{at} ({id}): declare its credentials in `security`"))?;
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
            if op.pointer("/responses/default").is_some() {
                return Err(format!(
                    "{at} ({id}): use explicit 4XX/5XX error responses, not `default` (progenitor treats it as a success too)"
                ));
            }
            if ops.insert(id.to_string(), format!(
                "    OperationMeta {{ id: {id:?}, method: {:?}, path: {path:?}, retry: RetryClass::{retry}, security: &[{}], error_format: ErrorFormat::{error_format} }},",
                method.to_uppercase(),
                names.join(", ")
            )).is_some() {
                return Err(format!("operationId `{id}` is used twice"));
            }
        }
    }
    let mut out = String::from(
        "// Generated by build.rs from the spec's `securitySchemes`, `security`, `x-meeting-retry` and `x-meeting-error-format`. Do not edit.\n",
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
