//! `Client::call` and `Conference::call` (`OUT_DIR/dispatch.rs`): any operation by id with
//! JSON parameters and body, filling the operation's typed builder, so a call by name runs
//! exactly what a typed call runs.

use serde_json::Value;

use super::renames::rust_field;
use super::spec_model::Spec;
use super::syntax::{builder_fields, builder_to_type, option_inner};
use super::{checks, handles};

/// `Client::call`: any operation by id with JSON parameters and body, filling the operation's
/// typed builder (so a call runs exactly the code a typed call runs). Parameter names are the
/// API's; the setter and its type come from the builder progenitor generated, checked here.
pub fn dispatcher(raw: &Value, file: &syn::File) -> Result<syn::File, String> {
    use heck::ToUpperCamelCase;
    use quote::{format_ident, quote};
    let builders = builder_fields(file)?;
    let handles = handles::handle_operations(raw)?;
    // Arms and operation ids by handle: `Client`, then each of `handles`.
    let names: Vec<&str> = std::iter::once("Client")
        .chain(handles.iter().map(|h| h.handle))
        .collect();
    let mut arms = vec![Vec::new(); names.len()];
    let mut handle_ids: Vec<Vec<String>> = vec![Vec::new(); names.len()];
    let handle_of = |id: &str| handles.iter().position(|h| h.contains(id)).map_or(0, |i| i + 1);
    let mut ids = Vec::new();
    let spec = Spec::new(raw);
    let mut typed_bodies = Vec::new();
    for op in spec.operations() {
        let id = op.id().unwrap_or_default();
        let at = op.at();
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
        for parameter in op.parameters()? {
            let name = parameter.name;
            let field = rust_field(name);
            let ty = field_type(&field)?;
            let (ty, required) = match option_inner(&ty) {
                Some(inner) => (inner, false),
                None => (ty, true),
            };
            // A handle fills its meeting's ID: one given must be the same.
            let filled_by_handle = handles.iter().any(|h| h.fills(id, name));
            let required = required && !filled_by_handle;
            let setter = format_ident!("{}", field);
            if required {
                sets.push(quote! { builder = builder.#setter(params.required::<#ty>(#name)?); });
            } else {
                sets.push(quote! { if let Some(value) = params.optional::<#ty>(#name)? { builder = builder.#setter(value); } });
            }
        }
        let body = if let Some(upload) = op.upload()? {
            // The file comes as a parameter naming its path, as on the command line.
            let part = upload.part;
            sets.push(quote! {
                if let Some(path) = params.optional::<::std::string::String>(#part)? {
                    builder = builder.file(crate::Upload::path(path));
                }
            });
            quote! { params.no_body(body)?; }
        } else if let Some(request_body) = op.request_body()? {
            let ty = builder_to_type(field_type("body")?);
            let rules = match request_body.schema {
                Some(schema) => checks::rules(&spec, schema)?,
                None => None,
            };
            let rules = rules.map_or_else(|| quote!(&crate::checks::Rules::NONE), |rules| quote!(&#rules));
            typed_bodies.push(quote! {
                #id => {
                    let typed: #ty = ::serde_json::from_value(body).ok()?;
                    Some(crate::checks::check(&typed, #rules, "body"))
                }
            });
            quote! { builder = builder.body(params.body::<#ty>(body)?); }
        } else {
            quote! { params.no_body(body)?; }
        };
        let method_ident = format_ident!("{}", id);
        let handle = handle_of(id);
        handle_ids[handle].push(id.to_owned());
        arms[handle].push(quote! {
            #id => {
                let mut builder = self.#method_ident();
                #(#sets)*
                #body
                params.finish()?;
                // Boxed: the future of `call` would otherwise hold every operation's send
                // state at once (hundreds of kilobytes: a stack overflow in a debug build).
                crate::dispatch::to_json(::std::boxed::Box::pin(builder.send()).await?)
            }
        });
        ids.push(id.to_owned());
    }
    ids.sort();
    let docs = [
        quote! {
            /// Calls the operation `operation_id` (its `operationId` in the spec, the official
            /// SDK's name) with its parameters and body as JSON values, and returns the response
            /// body as JSON.
            ///
            /// It fills the operation's typed builder, so it runs exactly what a typed call
            /// runs: validation against the spec, credentials, retries, the same errors.
            /// Parameters are keyed by their name in the API (`conferenceID`, `X-Request-Id`);
            /// a string is accepted for a number or boolean parameter and vice versa.
            /// Meeting-control operations are called on [`Conference::call`], a guest's on
            /// [`Guest::call`], reset_pwd on [`PasswordReset::call`] (one of theirs here is an
            /// [`crate::Error::Config`] saying so).
            ///
            /// An unknown operation, an unknown parameter, a missing required one, a value of
            /// the wrong type or a body where none is taken is an [`crate::Error::InvalidInput`]
            /// naming it; nothing is sent.
        },
        quote! {
            /// Calls the meeting-control operation `operation_id` with JSON parameters and
            /// body, as [`Client::call`] calls the others (an operation of another handle
            /// here is an [`crate::Error::Config`] saying where to call it).
        },
        quote! {
            /// Calls the guest operation `operation_id` with JSON parameters and body, as
            /// [`Client::call`] calls the others (an operation of another handle here is an
            /// [`crate::Error::Config`] saying where to call it).
        },
        quote! {
            /// Calls `operation_id` (reset_pwd) with JSON parameters and body, as
            /// [`Client::call`] calls the others (an operation of another handle here is an
            /// [`crate::Error::Config`] saying where to call it).
        },
    ];
    if docs.len() != names.len() {
        return Err(format!(
            "the dispatcher documents {} handles, not {}",
            docs.len(),
            names.len()
        ));
    }
    let mut calls = Vec::new();
    for (index, name) in names.iter().enumerate() {
        // Another handle's operation is refused with where to call it (an empty list would
        // make an empty pattern).
        let elsewhere = names
            .iter()
            .enumerate()
            .filter(|(other, _)| *other != index)
            .filter_map(|(other, other_name)| {
                let ids = &handle_ids[other];
                (!ids.is_empty())
                    .then(|| quote! { #(#ids)|* => Err(crate::dispatch::on_handle(operation_id, #other_name)), })
            });
        let handle = format_ident!("{name}");
        calls.push(call_method(
            quote!(#handle),
            docs[index].clone(),
            &arms[index],
            quote!(#(#elsewhere)*),
        ));
    }
    let tokens = quote! {
        #(#calls)*

        /// Every operation the handles' `call` methods know, sorted.
        pub const CALLABLE_OPERATIONS: &[&str] = &[#(#ids),*];

        /// The typed checks of `operation_id`'s body on `body` made its typed value (`None`
        /// when the operation takes no body or `body` is not one): how the tests compare
        /// them with the JSON validator's.
        pub fn check_typed_body(
            operation_id: &str,
            body: ::serde_json::Value,
        ) -> ::std::option::Option<::std::result::Result<(), crate::Error>> {
            match operation_id {
                #(#typed_bodies)*
                _ => None,
            }
        }
    };
    syn::parse2(tokens).map_err(|e| format!("the generated dispatcher does not parse: {e}"))
}

/// `impl #handle { pub async fn call(..) }` with these arms, then the refusals of the other
/// handle's operations.
fn call_method(
    handle: proc_macro2::TokenStream,
    docs: proc_macro2::TokenStream,
    arms: &[proc_macro2::TokenStream],
    elsewhere: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    use quote::quote;
    // A build whose operation groups leave a handle without operations still has the handle.
    let setup = if arms.is_empty() {
        quote! { let _ = (&params, &body); }
    } else {
        quote! { let mut params = crate::dispatch::Params::new(operation_id, params); }
    };
    quote! {
        impl #handle {
            #docs
            pub async fn call(
                &self,
                operation_id: &str,
                params: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                body: ::std::option::Option<::serde_json::Value>,
            ) -> ::std::result::Result<ResponseValue<::serde_json::Value>, crate::Error> {
                #setup
                match operation_id {
                    #(#arms)*
                    #elsewhere
                    _ => Err(crate::dispatch::unknown_operation(operation_id)),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;
    use serde_json::json;

    #[test]
    fn each_operation_is_dispatched_on_its_handle_by_its_api_names() {
        let raw = json!({"paths": {
            "/x": {"delete": {"operationId": "cancel_meeting", "security": [{"accessToken": []}], "parameters": [
                {"name": "conferenceID", "in": "query", "required": true, "schema": {"type": "string"}},
                {"name": "type", "in": "query", "schema": {"type": "integer"}}
            ]}},
            "/lock": {"put": {"operationId": "lock_meeting", "security": [{"conferenceToken": []}], "requestBody": {}}}
        }});
        let file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct CancelMeeting<'a> { client: &'a super::Client, conference_id: Result<String, String>, type_: Result<Option<i32>, String> }
                pub struct LockMeeting<'a> { client: &'a super::Client, body: Result<types::builder::LockBody, String> }
            }
        };
        let code = dispatcher(&raw, &file).unwrap().to_token_stream().to_string();
        let (client, conference) = code.split_once("impl Conference").unwrap();
        assert!(
            client.contains(r#"builder . conference_id (params . required :: < String > ("conferenceID") ?)"#),
            "{client}"
        );
        assert!(
            client.contains(r#"params . optional :: < i32 > ("type") ?"#),
            "{client}"
        );
        assert!(
            client.contains(r#""lock_meeting" => Err (crate :: dispatch :: on_handle (operation_id , "Conference"))"#),
            "{client}"
        );
        assert!(
            conference.contains(r#"params . body :: < types :: LockBody > (body) ?"#),
            "{conference}"
        );
        assert!(
            conference
                .contains(r#""cancel_meeting" => Err (crate :: dispatch :: on_handle (operation_id , "Client"))"#),
            "{conference}"
        );
        assert!(
            code.contains(r#"CALLABLE_OPERATIONS : & [& str] = & ["cancel_meeting" , "lock_meeting"]"#),
            "{code}"
        );
    }

    #[test]
    fn a_parameter_without_a_builder_field_fails_the_build() {
        let raw = json!({"paths": {"/x": {"get": {"operationId": "show_x", "parameters": [{"name": "limit", "in": "query"}]}}}});
        let file: syn::File =
            syn::parse_quote! { pub mod builder { pub struct ShowX<'a> { client: &'a super::Client } } };
        let error = dispatcher(&raw, &file).map(|_| ()).unwrap_err();
        assert!(
            error.contains("GET /x (show_x): the builder has no field `limit`"),
            "{error}"
        );
    }
}
