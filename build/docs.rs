//! Docs from the spec on what progenitor and typify leave undocumented: each setter of a body
//! builder (`types::builder::X`) gets its property's description, each setter of an operation
//! builder (`builder::X`) its parameter's (or the request body's).

use std::collections::BTreeMap;

use serde_json::Value;

use super::renames::rust_field;
use super::spec_model::Spec;
use super::syntax::module_mut;

/// The description of each property of each component, by type name and Rust field.
fn property_docs(spec: &Spec<'_>) -> BTreeMap<String, BTreeMap<String, String>> {
    use heck::ToUpperCamelCase;
    spec.component_schemas()
        .map(|(name, schema)| {
            let schema = spec.resolve(schema).unwrap_or(schema);
            let fields = schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(property, field)| {
                    let field = spec.resolve(field).unwrap_or(field);
                    (rust_field(property), describe(property, field))
                })
                .collect();
            (name.to_upper_camel_case(), fields)
        })
        .collect()
}

/// "`jsonName`: description" (the API's name first: it is what the service's docs use).
fn describe(name: &str, schema: &Value) -> String {
    let text = schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim();
    if text.is_empty() {
        format!("`{name}`.")
    } else {
        format!("`{name}`: {text}")
    }
}

/// The description of each parameter (and the body) of each operation, by builder name and
/// Rust field.
fn parameter_docs(spec: &Spec<'_>) -> Result<BTreeMap<String, BTreeMap<String, String>>, String> {
    use heck::ToUpperCamelCase;
    let mut out = BTreeMap::new();
    for op in spec.operations() {
        let Some(id) = op.id() else { continue };
        let mut fields = BTreeMap::new();
        for parameter in op.parameters()? {
            let mut doc = describe(parameter.name, parameter.raw);
            if parameter.required {
                doc.push_str("\n\nRequired.");
            }
            fields.insert(rust_field(parameter.name), doc);
        }
        if let Some(body) = op.request_body()? {
            let schema = body.schema.map(|s| spec.resolve(s)).transpose()?;
            let text = schema
                .and_then(|s| s.get("description"))
                .and_then(Value::as_str)
                .unwrap_or("The request body.")
                .trim();
            fields.insert("body".to_owned(), format!("{text}\n\nA value or its builder."));
            fields.insert(
                "body_map".to_owned(),
                "Changes the request body with a function of its builder.".to_owned(),
            );
        }
        out.insert(id.to_upper_camel_case(), fields);
    }
    Ok(out)
}

/// Adds the docs to every setter that has none; returns how many were documented.
pub fn document_setters(file: &mut syn::File, raw: &Value) -> Result<usize, String> {
    let spec = Spec::new(raw);
    let properties = property_docs(&spec);
    let parameters = parameter_docs(&spec)?;
    let mut documented = 0;
    for item in module_mut(file, "types")? {
        if let syn::Item::Mod(m) = item
            && m.ident == "builder"
            && let Some((_, items)) = m.content.as_mut()
        {
            documented += document_impls(items, &properties);
        }
    }
    documented += document_impls(module_mut(file, "builder")?, &parameters);
    Ok(documented)
}

/// Documents the methods of `impl X` blocks from `docs[X][method]`.
fn document_impls(items: &mut [syn::Item], docs: &BTreeMap<String, BTreeMap<String, String>>) -> usize {
    let mut documented = 0;
    for item in items {
        let syn::Item::Impl(block) = item else { continue };
        let syn::Type::Path(self_type) = &*block.self_ty else {
            continue;
        };
        let Some(name) = self_type.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        let Some(fields) = docs.get(&name) else { continue };
        for member in &mut block.items {
            let syn::ImplItem::Fn(method) = member else { continue };
            let has_doc = method.attrs.iter().any(|a| a.path().is_ident("doc"));
            if let (false, Some(doc)) = (has_doc, fields.get(&method.sig.ident.to_string())) {
                for line in doc.lines() {
                    let line = format!(" {line}");
                    method.attrs.push(syn::parse_quote!(#[doc = #line]));
                }
                documented += 1;
            }
        }
    }
    documented
}

/// `Client`'s own page: how to use it (progenitor puts the spec's contributor notes there).
pub fn document_client(file: &mut syn::File) -> Result<(), String> {
    let client = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Struct(s) if s.ident == "Client" => Some(s),
            _ => None,
        })
        .ok_or("progenitor generated no `struct Client`")?;
    client.attrs.retain(|a| !a.path().is_ident("doc"));
    let docs: Vec<syn::Attribute> = syn::parse_quote! {
        /// A client of the Huawei Cloud Meeting API: one method per management operation, each
        /// returning the operation's builder; `send()` runs the call (checked against the spec,
        /// authenticated, retried when that is safe) and returns its typed answer or an
        /// [`Error`](crate::Error).
        ///
        /// Make one with [`Client::builder`] (endpoint, credentials, timeouts, retries) or
        /// [`Client::from_env`]; it is cheap to clone and every clone shares the access token.
        /// Meeting-control operations are on the handle [`Client::conference`] returns, and any
        /// operation can be called by name with JSON values ([`Client::call`]).
        ///
        /// ```no_run
        /// # async fn run() -> Result<(), huaweicloud_meeting::Error> {
        /// use huaweicloud_meeting::{Client, Credentials};
        /// let client = Client::builder()
        ///     .credentials(Credentials::app_id("my-app-id", "my-app-key"))
        ///     .build()?;
        /// let page = client.search_meetings().limit(10).send().await?;
        /// println!("{} meetings", page.count.unwrap_or_default());
        /// # Ok(()) }
        /// ```
    };
    client.attrs.splice(0..0, docs);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;
    use serde_json::json;

    #[test]
    fn setters_get_the_spec_s_descriptions() {
        let raw = json!({
            "paths": {"/x": {"post": {"operationId": "create_x",
                "parameters": [{"name": "X-Site-Id", "in": "header", "required": true, "description": "The site."}],
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/XBody"}}}}}}},
            "components": {"schemas": {"XBody": {"type": "object", "description": "What to create.",
                "properties": {"confUUIDs": {"description": "The meetings."}, "plain": {}}}}}
        });
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub mod builder {
                    impl XBody {
                        pub fn conf_uuids<T>(mut self, value: T) -> Self { self }
                        pub fn plain<T>(mut self, value: T) -> Self { self }
                    }
                }
            }
            pub mod builder {
                impl<'a> CreateX<'a> {
                    pub fn x_site_id<V>(mut self, value: V) -> Self { self }
                    pub fn body<V>(mut self, value: V) -> Self { self }
                    /// Already documented.
                    pub fn body_map(mut self) -> Self { self }
                }
            }
        };
        assert_eq!(document_setters(&mut file, &raw).unwrap(), 4);
        let code = file.to_token_stream().to_string();
        for expected in [
            r#"# [doc = " `confUUIDs`: The meetings."] pub fn conf_uuids"#,
            r#"# [doc = " `plain`."] pub fn plain"#,
            r#"# [doc = " `X-Site-Id`: The site."] # [doc = " "] # [doc = " Required."] pub fn x_site_id"#,
            r#"# [doc = " What to create."] # [doc = " "] # [doc = " A value or its builder."] pub fn body <"#,
            r#"# [doc = r" Already documented."] pub fn body_map"#,
        ] {
            assert!(code.contains(expected), "{expected}\n{code}");
        }
    }
}
