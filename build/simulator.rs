//! The simulator's side of each operation (`OUT_DIR/simulator.rs`): a typed input per
//! operation (its parameters and body, typed as the client's builder types them, with its
//! answer's type as `Operation::Output`), one trait per tag that requires `Handle<Input>` for
//! each of the tag's operations, and per tag a `serve_<tag>` function that reads the input off
//! the wire, calls the area's handler and writes its answer. An area that lacks a handler of
//! its tag does not compile where it is served.

use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::renames::rust_field;
use super::spec_model::Spec;
use super::syntax::{builder_fields, builder_to_type, option_inner, send_outputs};

pub fn simulator(raw: &serde_json::Value, file: &syn::File) -> Result<syn::File, String> {
    let builders = builder_fields(file)?;
    let outputs = send_outputs(file)?;
    let spec = Spec::new(raw);
    let mut inputs = Vec::new();
    // tag -> (`Handle` bounds, serve arms)
    let mut tags: BTreeMap<String, (Vec<TokenStream>, Vec<TokenStream>)> = BTreeMap::new();
    for op in spec.operations() {
        let id = op.id().unwrap_or_default();
        let at = op.at();
        let tag = op.tag().ok_or(format!("{at}: no tag"))?;
        let name = id.to_upper_camel_case();
        let input = format_ident!("{}", name);
        let fields = builders
            .get(&name)
            .ok_or(format!("{at}: progenitor generated no builder `{name}`"))?;
        let field_type = |field: &str| -> Result<syn::Type, String> {
            fields
                .iter()
                .find(|(f, _)| f == field)
                .map(|(_, ty)| ty.clone())
                .ok_or(format!("{at}: the builder has no field `{field}`"))
        };
        let (mut declared, mut read) = (Vec::new(), Vec::new());
        for parameter in op.parameters()? {
            let field = rust_field(parameter.name);
            let ty = field_type(&field)?;
            let ident = format_ident!("{}", field);
            let api_name = parameter.name;
            let location = match parameter.location {
                "path" => quote!(Path),
                "query" => quote!(Query),
                "header" => quote!(Header),
                other => return Err(format!("{at}: parameter `{api_name}` is in `{other}`")),
            };
            let doc = format!("`{api_name}` ({}).", parameter.location);
            declared.push(quote! { #[doc = #doc] pub #ident: #ty, });
            read.push(match option_inner(&ty) {
                Some(_) => quote! { #ident: wire.optional(Location::#location, #api_name)?, },
                None => quote! { #ident: wire.required(Location::#location, #api_name)?, },
            });
        }
        if let Some(upload) = op.upload()? {
            let part = upload.part;
            let doc = format!("The `{part}` part of the multipart body.");
            declared.push(quote! { #[doc = #doc] pub file: super::FilePart, });
            read.push(quote! { file: wire.file(#part)?, });
        } else if op.request_body()?.is_some() {
            let ty = builder_to_type(field_type("body")?);
            declared.push(quote! { #[doc = "The request body."] pub body: #ty, });
            read.push(quote! { body: wire.body()?, });
        }
        let doc = format!("The input of `{id}`: {}", op.at());
        inputs.push(quote! {
            #[doc = #doc]
            #[derive(Debug)]
            #[allow(dead_code)]
            pub struct #input { #(#declared)* }
        });
        let output = outputs
            .get(&name)
            .ok_or(format!("{at}: the builder `{name}` has no `send`"))?;
        inputs.push(quote! {
            impl super::Operation for #input {
                const ID: &'static str = #id;
                type Output = #output;
            }
        });
        let (bounds, arms) = tags.entry(tag.to_owned()).or_default();
        bounds.push(quote! { Handle<input::#input> });
        let answer = if is_unit(output) {
            quote! { Handle::<input::#input>::handle(area, cx, input).map(|()| None) }
        } else {
            quote! { Handle::<input::#input>::handle(area, cx, input).and_then(|answer| json(&answer)) }
        };
        arms.push(quote! {
            #id => {
                let input = input::#input { #(#read)* };
                #answer
            }
        });
    }
    let mut traits = Vec::new();
    let mut variants = Vec::new();
    let mut tag_arms = Vec::new();
    for (tag, (bounds, arms)) in &tags {
        let camel = tag.to_upper_camel_case();
        let trait_name = format_ident!("{}Operations", camel);
        let serve = format_ident!("serve_{}", tag.to_snake_case());
        let variant = format_ident!("{}", camel);
        let trait_doc = format!(
            "Every operation of tag `{tag}`: the area that serves them implements `Handle` for each one's input (a missing one fails to compile where the area is served)."
        );
        let serve_doc = format!("Serves operation `operation_id` of tag `{tag}` on `area`.");
        traits.push(quote! {
            #[doc = #trait_doc]
            pub(crate) trait #trait_name: #(#bounds)+* {}
            impl<T: #(#bounds)+*> #trait_name for T {}

            #[doc = #serve_doc]
            pub(crate) fn #serve(
                area: &mut impl #trait_name,
                cx: &mut Context<'_>,
                operation_id: &str,
                wire: &WireInput<'_>,
            ) -> Outcome {
                match operation_id {
                    #(#arms)*
                    other => Err(not_of_tag(other, #tag)),
                }
            }
        });
        let variant_doc = format!("`{tag}`");
        variants.push(quote! { #[doc = #variant_doc] #variant, });
        let ids: Vec<String> = spec
            .operations()
            .filter(|op| op.tag() == Some(tag.as_str()))
            .filter_map(|op| op.id().map(str::to_owned))
            .collect();
        tag_arms.push(quote! { #(#ids)|* => Some(Tag::#variant), });
    }
    let tokens = quote! {
        /// The typed input of each operation.
        pub(crate) mod input {
            #[allow(unused_imports)]
            use crate::types;
            #(#inputs)*
        }

        #(#traits)*

        /// The tags of the spec: which area serves an operation.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum Tag {
            #(#variants)*
        }

        /// The tag of operation `operation_id`.
        pub(crate) fn tag(operation_id: &str) -> Option<Tag> {
            match operation_id {
                #(#tag_arms)*
                _ => None,
            }
        }
    };
    syn::parse2(tokens).map_err(|e| format!("the generated simulator interface does not parse: {e}"))
}

fn is_unit(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Tuple(t) if t.elems.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;
    use serde_json::json;

    #[test]
    fn each_tag_gets_a_trait_with_typed_inputs_and_answers() {
        let raw = json!({"paths": {
            "/x": {"delete": {"operationId": "cancel_meeting", "tags": ["meetings"], "summary": "Cancel", "parameters": [
                {"name": "conferenceID", "in": "query", "required": true, "schema": {"type": "string"}},
                {"name": "X-Request-Id", "in": "header", "schema": {"type": "string"}}
            ]}},
            "/v": {"get": {"operationId": "search_corp_vmr", "tags": ["vmr"], "requestBody": {}}}
        }});
        let file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct CancelMeeting<'a> { client: &'a super::Client, conference_id: Result<String, String>, x_request_id: Result<Option<String>, String> }
                impl<'a> CancelMeeting<'a> { pub async fn send(self) -> ::std::result::Result<ResponseValue<()>, crate::Error> { todo!() } }
                pub struct SearchCorpVmr<'a> { client: &'a super::Client, body: Result<types::builder::Page, String> }
                impl<'a> SearchCorpVmr<'a> { pub async fn send(self) -> ::std::result::Result<ResponseValue<types::Page>, crate::Error> { todo!() } }
            }
        };
        let code = simulator(&raw, &file).unwrap().to_token_stream().to_string();
        assert!(code.contains("pub conference_id : String"), "{code}");
        assert!(code.contains("pub x_request_id : Option < String >"), "{code}");
        assert!(code.contains("pub body : types :: Page"), "{code}");
        assert!(
            code.contains("conference_id : wire . required (Location :: Query , \"conferenceID\") ?"),
            "{code}"
        );
        assert!(
            code.contains("x_request_id : wire . optional (Location :: Header , \"X-Request-Id\") ?"),
            "{code}"
        );
        assert!(
            code.contains("pub (crate) trait MeetingsOperations : Handle < input :: CancelMeeting > { }"),
            "{code}"
        );
        assert!(
            code.contains("const ID : & 'static str = \"search_corp_vmr\" ; type Output = types :: Page ;"),
            "{code}"
        );
        assert!(
            code.contains("Handle :: < input :: CancelMeeting > :: handle (area , cx , input) . map (| () | None)"),
            "{code}"
        );
        assert!(code.contains("\"search_corp_vmr\" => Some (Tag :: Vmr)"), "{code}");
    }

    #[test]
    fn a_cookie_parameter_fails_the_build() {
        let raw = json!({"paths": {"/x": {"get": {"operationId": "show_x", "tags": ["t"], "parameters": [{"name": "c", "in": "cookie"}]}}}});
        let file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct ShowX<'a> { client: &'a super::Client, c: Result<Option<String>, String> }
                impl<'a> ShowX<'a> { pub async fn send(self) -> Result<ResponseValue<()>, crate::Error> { todo!() } }
            }
        };
        let error = simulator(&raw, &file).map(|_| ()).unwrap_err();
        assert!(
            error.contains("GET /x (show_x): parameter `c` is in `cookie`"),
            "{error}"
        );
    }
}
