//! Typed checks (`src/checks.rs`): the spec's constraints written into the generated code, so
//! a typed request is checked without serialising it and parsing it back. Every type of
//! `mod types` implements `crate::checks::Checked` (an object checks each field against its
//! property's rules; other types have nothing of their own), and each builder's
//! `into_request` checks its parameters and body before building the request.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::renames::rust_field;
use super::spec_model::Spec;
use super::syntax::{module, module_mut};

/// The rules of a schema as a `crate::checks::Rules` expression, or `None` when it has no
/// constraint. A `$ref`'s target adds its own (draft 2020-12 applies both).
pub fn rules(spec: &Spec<'_>, written: &Value) -> Result<Option<TokenStream>, String> {
    let mut layers = vec![written];
    let mut current = written;
    while current.get("$ref").is_some() {
        let (target, _) = spec.follow(current)?;
        layers.push(target);
        current = target;
    }
    let find = |key: &str| layers.iter().find_map(|schema| schema.get(key));
    let number = |key: &str| find(key).and_then(Value::as_f64);
    let count = |key: &str| find(key).and_then(Value::as_u64);
    let integer = layers
        .iter()
        .any(|schema| schema.get("type").and_then(Value::as_str) == Some("integer"));
    let allowed: Vec<i64> = match find("enum").and_then(Value::as_array) {
        Some(values) if integer => values.iter().filter_map(Value::as_i64).collect(),
        _ => Vec::new(),
    };
    let items = match find("items") {
        Some(items) => rules(spec, items)?,
        None => None,
    };
    let option = |value: Option<TokenStream>| match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    };
    let fields = [
        ("min_length", option(count("minLength").map(|n| quote!(#n)))),
        ("max_length", option(count("maxLength").map(|n| quote!(#n)))),
        (
            "pattern",
            option(find("pattern").and_then(Value::as_str).map(|p| quote!(#p))),
        ),
        ("minimum", option(number("minimum").map(|n| quote!(#n)))),
        ("maximum", option(number("maximum").map(|n| quote!(#n)))),
        ("min_items", option(count("minItems").map(|n| quote!(#n)))),
        ("max_items", option(count("maxItems").map(|n| quote!(#n)))),
        ("items", option(items.map(|items| quote!(&#items)))),
    ];
    let constrained: Vec<TokenStream> = fields
        .into_iter()
        .filter(|(_, value)| value.to_string() != "None")
        .map(|(name, value)| {
            let name = format_ident!("{name}");
            quote!(#name: #value,)
        })
        .collect();
    if constrained.is_empty() && allowed.is_empty() {
        return Ok(None);
    }
    let allowed = (!allowed.is_empty()).then(|| quote!(allowed: &[#(#allowed),*],));
    Ok(Some(quote! {
        crate::checks::Rules { #(#constrained)* #allowed ..crate::checks::Rules::NONE }
    }))
}

/// `&rules`, or `&Rules::NONE`.
fn rules_ref(rules: Option<TokenStream>) -> TokenStream {
    match rules {
        Some(rules) => quote!(&#rules),
        None => quote!(&crate::checks::Rules::NONE),
    }
}

/// Implements `Checked` for every type of `mod types`.
pub fn implement_checked(file: &mut syn::File, raw: &Value) -> Result<(), String> {
    use heck::ToUpperCamelCase;
    let spec = Spec::new(raw);
    let components: BTreeMap<String, &Value> = spec
        .component_schemas()
        .map(|(name, schema)| (name.to_upper_camel_case(), schema))
        .collect();
    let mut impls: Vec<syn::Item> = Vec::new();
    for item in module(file, "types")? {
        let (name, fields) = match item {
            syn::Item::Struct(s) => (&s.ident, Some(&s.fields)),
            syn::Item::Enum(e) => (&e.ident, None),
            _ => continue,
        };
        let schema = components.get(&name.to_string());
        let body = match (fields, schema) {
            (Some(syn::Fields::Named(fields)), Some(schema)) => field_checks(&spec, name, fields, schema)?,
            (Some(syn::Fields::Named(_)), None) => {
                return Err(format!("type `{name}` has fields but no component schema of the spec"));
            }
            // A newtype (an array or string component with constraints): its value checked
            // against the component's rules and the ones it is used with.
            (Some(syn::Fields::Unnamed(fields)), Some(schema)) if fields.unnamed.len() == 1 => {
                let own = rules_ref(rules(&spec, schema)?);
                impls.push(syn::parse_quote! {
                    impl crate::checks::Checked for types::#name {
                        fn check(
                            &self,
                            rules: &crate::checks::Rules,
                            at: &crate::checks::Path<'_>,
                        ) -> ::std::result::Result<(), crate::checks::Violation> {
                            crate::checks::Checked::check(&self.0, #own, at)?;
                            crate::checks::Checked::check(&self.0, rules, at)
                        }
                    }
                });
                continue;
            }
            _ => {
                if schema.is_some_and(|schema| rules(&spec, schema).ok().flatten().is_some()) {
                    return Err(format!("type `{name}` is not an object but its schema has constraints"));
                }
                impls.push(syn::parse_quote!(impl crate::checks::Checked for types::#name {}));
                continue;
            }
        };
        if body.is_empty() {
            // No field with a rule or an object inside.
            impls.push(syn::parse_quote!(impl crate::checks::Checked for types::#name {}));
            continue;
        }
        impls.push(syn::parse_quote! {
            impl crate::checks::Checked for types::#name {
                fn check(
                    &self,
                    _: &crate::checks::Rules,
                    at: &crate::checks::Path<'_>,
                ) -> ::std::result::Result<(), crate::checks::Violation> {
                    #body
                    Ok(())
                }
            }
        });
    }
    file.items.extend(impls);
    Ok(())
}

/// The checks of each field of an object, against its property's rules.
fn field_checks(
    spec: &Spec<'_>,
    name: &syn::Ident,
    fields: &syn::FieldsNamed,
    schema: &Value,
) -> Result<TokenStream, String> {
    let properties = spec
        .resolve(schema)?
        .get("properties")
        .and_then(Value::as_object)
        .ok_or(format!("type `{name}`: its schema has no properties"))?;
    let mut checks = Vec::new();
    for field in &fields.named {
        let ident = field.ident.as_ref().expect("named field");
        let serde = serde_attributes(field);
        let json = serde.rename.unwrap_or_else(|| ident.to_string());
        let property = properties
            .get(&json)
            .ok_or(format!("`{name}.{ident}`: no property `{json}` in the schema"))?;
        let rules = rules(spec, property)?;
        // A field with no rule whose type holds no object has nothing to check.
        if rules.is_none() && is_leaf(&field.ty) {
            continue;
        }
        let rules = rules_ref(rules);
        let check = quote! {
            crate::checks::Checked::check(&self.#ident, #rules, &crate::checks::Path::Key(at, #json))?;
        };
        // A field serde leaves out when empty is absent from the request: nothing to check.
        checks.push(match serde.skip_if_empty {
            true => quote!(if !self.#ident.is_empty() { #check }),
            false => check,
        });
    }
    Ok(quote!(#(#checks)*))
}

/// Whether a field's type holds no generated object (only text, numbers, booleans, secrets,
/// lenient values, JSON, and options and vectors of those).
fn is_leaf(ty: &syn::Type) -> bool {
    const LEAVES: &[&str] = &[
        "String",
        "i32",
        "i64",
        "u32",
        "u64",
        "f64",
        "bool",
        "Secret",
        "LenientBool",
        "LenientI32",
        "LenientI64",
        "Value",
    ];
    let syn::Type::Path(path) = ty else { return false };
    let Some(last) = path.path.segments.last() else {
        return false;
    };
    match &last.arguments {
        syn::PathArguments::None => LEAVES.contains(&last.ident.to_string().as_str()),
        syn::PathArguments::AngleBracketed(args) if last.ident == "Option" || last.ident == "Vec" => args
            .args
            .iter()
            .all(|arg| matches!(arg, syn::GenericArgument::Type(inner) if is_leaf(inner))),
        _ => false,
    }
}

struct SerdeField {
    rename: Option<String>,
    skip_if_empty: bool,
}

fn serde_attributes(field: &syn::Field) -> SerdeField {
    let mut out = SerdeField {
        rename: None,
        skip_if_empty: false,
    };
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                out.rename = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.path.is_ident("skip_serializing_if") {
                let condition = meta.value()?.parse::<syn::LitStr>()?.value();
                out.skip_if_empty = condition.ends_with("is_empty");
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
    }
    out
}

/// The checks of one operation's parameters (by builder field) and body, as statements of
/// its `into_request` after the fields are unwrapped.
pub fn request_checks(spec: &Spec<'_>, id: &str) -> Result<TokenStream, String> {
    let op = spec.operation(id).ok_or(format!("no operation `{id}`"))?;
    let mut checks = Vec::new();
    for parameter in op.parameters()? {
        let Some(rules) = rules(spec, parameter.written_schema)? else {
            continue;
        };
        let field = format_ident!("{}", rust_field(parameter.name));
        let at = format!("{} parameter `{}`", parameter.location, parameter.name);
        checks.push(quote!(crate::checks::check(&#field, &#rules, #at)?;));
    }
    if let Some(schema) = op.request_body()?.and_then(|body| body.schema) {
        let rules = rules_ref(rules(spec, schema)?);
        checks.push(quote!(crate::checks::check(&body, #rules, "body")?;));
    }
    Ok(quote!(#(#checks)*))
}

/// Inserts each builder's checks into its `into_request`, before the request is built (and
/// only when the client validates requests).
pub fn insert_request_checks(file: &mut syn::File, raw: &Value) -> Result<(), String> {
    use heck::ToUpperCamelCase;
    let spec = Spec::new(raw);
    let ids: BTreeMap<String, &str> = spec
        .operations()
        .filter_map(|op| op.id())
        .map(|id| (id.to_upper_camel_case(), id))
        .collect();
    let mut inserted = 0;
    for item in module_mut(file, "builder")? {
        let syn::Item::Impl(block) = item else { continue };
        let syn::Type::Path(self_type) = &*block.self_ty else {
            continue;
        };
        let Some(name) = self_type.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        for member in &mut block.items {
            let syn::ImplItem::Fn(function) = member else { continue };
            if function.sig.ident != "into_request" {
                continue;
            }
            let id = ids.get(&name).ok_or(format!("builder `{name}` has no operation"))?;
            let checks = request_checks(&spec, id)?;
            let statements = &mut function.block.stmts;
            let at = statements
                .iter()
                .position(
                    |s| matches!(s, syn::Stmt::Local(l) if matches!(&l.pat, syn::Pat::Ident(p) if p.ident == "url")),
                )
                .ok_or(format!(
                    "`{name}::into_request` has no `let url`: progenitor's output changed shape"
                ))?;
            if !checks.is_empty() {
                statements.insert(
                    at,
                    syn::parse_quote! {
                        if client.inner.shared.validate { #checks }
                    },
                );
            }
            inserted += 1;
        }
    }
    if inserted != ids.len() {
        return Err(format!(
            "checked {inserted} builders for {} operations: progenitor's output changed shape",
            ids.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;
    use serde_json::json;

    fn text(tokens: Option<TokenStream>) -> String {
        tokens.map(|t| t.to_string().replace(' ', "")).unwrap_or_default()
    }

    #[test]
    fn a_schema_s_constraints_become_rules_through_its_reference() {
        let raw =
            json!({"components": {"schemas": {"Id": {"type": "string", "pattern": "^[0-9]+$", "maxLength": 16}}}});
        let spec = Spec::new(&raw);
        let rules_of = |schema: Value| text(rules(&spec, &schema).unwrap());
        assert_eq!(
            rules_of(json!({"$ref": "#/components/schemas/Id", "minLength": 4})),
            r#"crate::checks::Rules{min_length:Some(4u64),max_length:Some(16u64),pattern:Some("^[0-9]+$"),..crate::checks::Rules::NONE}"#
        );
        assert_eq!(
            rules_of(json!({"type": "integer", "enum": [0, 1], "minimum": 0})),
            "crate::checks::Rules{minimum:Some(0f64),allowed:&[0i64,1i64],..crate::checks::Rules::NONE}"
        );
        assert_eq!(
            rules_of(json!({"type": "string", "enum": ["a"]})),
            "",
            "a string enum is a Rust enum"
        );
        assert!(
            rules_of(json!({"type": "array", "maxItems": 2, "items": {"maxLength": 3}}))
                .contains("items:Some(&crate::checks::Rules{max_length:Some(3u64)")
        );
    }

    #[test]
    fn each_field_is_checked_under_its_json_name() {
        let raw = json!({"components": {"schemas": {
            "RestThingDTO": {"type": "object", "properties": {"confUUIDs": {"type": "array", "minItems": 1}, "subject": {"maxLength": 2}}},
            "Mode": {"type": "string", "enum": ["a"]}
        }}});
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct RestThingDto {
                    #[serde(rename = "confUUIDs", default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                    pub conf_uuids: Vec<String>,
                    pub subject: Option<String>,
                }
                pub enum Mode { A }
            }
        };
        implement_checked(&mut file, &raw).unwrap();
        let code = file.to_token_stream().to_string().replace(' ', "");
        assert!(code.contains(r#"if!self.conf_uuids.is_empty(){crate::checks::Checked::check(&self.conf_uuids,&crate::checks::Rules{min_items:Some(1u64),..crate::checks::Rules::NONE},&crate::checks::Path::Key(at,"confUUIDs"))?;}"#), "{code}");
        assert!(code.contains(r#"&crate::checks::Path::Key(at,"subject"))?;"#), "{code}");
        assert!(code.contains("implcrate::checks::Checkedfortypes::Mode{}"), "{code}");
    }

    #[test]
    fn only_fields_with_rules_or_objects_inside_are_checked() {
        let leaf = |ty: syn::Type| is_leaf(&ty);
        assert!(leaf(syn::parse_quote!(Option<::std::vec::Vec<::std::string::String>>)));
        assert!(leaf(syn::parse_quote!(crate::Secret)));
        assert!(
            !leaf(syn::parse_quote!(Option<Vec<RestAttendeeDto>>)),
            "objects inside are checked"
        );
        assert!(!leaf(syn::parse_quote!(Mode)));
    }

    #[test]
    fn a_field_the_schema_does_not_know_fails_the_build() {
        let raw = json!({"components": {"schemas": {"Thing": {"type": "object", "properties": {}}}}});
        let mut file: syn::File = syn::parse_quote! { pub mod types { pub struct Thing { pub ghost: String } } };
        let error = implement_checked(&mut file, &raw).unwrap_err();
        assert!(error.contains("no property `ghost`"), "{error}");
    }

    #[test]
    fn parameters_and_body_are_checked_before_the_request_is_built() {
        let raw = json!({"paths": {"/x": {"post": {"operationId": "create_x", "parameters": [
            {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 500}},
            {"name": "plain", "in": "query", "schema": {"type": "string"}}
        ], "requestBody": {"content": {"application/json": {"schema": {"type": "array", "maxItems": 3}}}}}}}});
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> CreateX<'a> {
                    fn into_request(self) -> Result<(), ()> {
                        let Self { client, limit, plain, body } = self;
                        let url = format!("{}/x", client.baseurl);
                        Ok(())
                    }
                }
            }
        };
        insert_request_checks(&mut file, &raw).unwrap();
        let code = file.to_token_stream().to_string().replace(' ', "");
        assert!(code.contains(r#"ifclient.inner.shared.validate{crate::checks::check(&limit,&crate::checks::Rules{maximum:Some(500f64),..crate::checks::Rules::NONE},"queryparameter`limit`")?;crate::checks::check(&body,&crate::checks::Rules{max_items:Some(3u64),..crate::checks::Rules::NONE},"body")?;}leturl"#), "{code}");
        assert!(!code.contains("&plain"), "no rules, no check: {code}");
    }
}
