//! Read-modify-write edits (`OUT_DIR/edits.rs`): for each operation the spec marks with
//! `x-meeting-edit`, a `Client` method that reads the current object (through
//! `crate::edit::current`, which reads the pairing from the spec), lets the caller change it as
//! the update's body builder, and sends the update.

use quote::{format_ident, quote};

use super::renames::rust_field;
use super::spec_model::Spec;
use super::syntax::{builder_fields, builder_to_type, option_inner, send_outputs};

pub fn edits(raw: &serde_json::Value, file: &syn::File) -> Result<syn::File, String> {
    use heck::ToUpperCamelCase;
    let builders = builder_fields(file)?;
    let outputs = send_outputs(file)?;
    let spec = Spec::new(raw);
    let mut methods = Vec::new();
    for op in spec.operations() {
        let Some(edit) = op.edit()? else { continue };
        let id = op.id().unwrap_or_default();
        let at = op.at();
        let read = spec.operation(edit.read).ok_or(format!(
            "{at}: x-meeting-edit.read `{}` is not an operation of this build",
            edit.read
        ))?;
        if read.method != "get" {
            return Err(format!("{at}: x-meeting-edit.read `{}` must be a GET", edit.read));
        }
        let name = id.to_upper_camel_case();
        let fields = builders.get(&name).ok_or(format!("{at}: no builder `{name}`"))?;
        let body = fields
            .iter()
            .find(|(field, _)| field == "body")
            .map(|(_, ty)| ty.clone())
            .ok_or(format!("{at}: x-meeting-edit needs a body"))?;
        let body_type = builder_to_type(body.clone());
        let output = outputs.get(&name).ok_or(format!("{at}: no `send`"))?;
        let read_parameters: Vec<&str> = read.parameters()?.iter().map(|p| p.name).collect();
        // The update's required parameters are the method's; the read takes them too.
        let (mut arguments, mut params, mut sets) = (Vec::new(), Vec::new(), Vec::new());
        for parameter in op.parameters()?.into_iter().filter(|p| p.required) {
            let api_name = parameter.name;
            if !read_parameters.contains(&api_name) {
                return Err(format!(
                    "{at}: x-meeting-edit: `{}` does not take the parameter `{api_name}`",
                    edit.read
                ));
            }
            let field = rust_field(api_name);
            let ty = fields
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, ty)| ty.clone())
                .ok_or(format!("{at}: no builder field `{field}`"))?;
            if option_inner(&ty).is_some() || quote!(#ty).to_string().replace(' ', "") != "::std::string::String" {
                return Err(format!(
                    "{at}: x-meeting-edit supports text parameters only (`{api_name}`)"
                ));
            }
            let ident = format_ident!("{}", field);
            arguments.push(quote! { #ident: &str, });
            params.push(quote! { params.insert(#api_name.to_owned(), ::serde_json::Value::from(#ident)); });
            sets.push(quote! { .#ident(#ident) });
        }
        let (not_carried, items_not_carried) = spec.not_carried_by_edit(id)?;
        let list = |names: &[&str]| names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
        let list_doc = match &edit.list {
            Some(l) => format!(
                " Every page of `{}` becomes `{}`; of each item the read does not carry {}.",
                l.page,
                l.to,
                list(&items_not_carried)
            ),
            None => String::new(),
        };
        let doc = format!(
            "Edits with `{id}` what `{read}` reads, keeping what `change` does not touch: reads the \
             current `{object}` (with `{read}`), makes it `{id}`'s body, passes it to `change` as the \
             body builder, and sends the result.\n\n\
             `{id}` replaces the whole object (what its body omits returns to its default); this \
             keeps it. The read does not carry {top}: they return to the service's defaults unless \
             `change` sets them.{list_doc} An edit that would lose what the read cannot give back \
             (no start or end time to keep the length from, fewer items than the object has, an item \
             with no number, account, e-mail or user UUID) is refused with \
             [`crate::Error::InvalidInput`] naming the field, and nothing is sent.\n\n\
             Not atomic: another edit between the read and the update is overwritten (the service \
             offers no version to check).",
            read = edit.read,
            object = edit.object,
            top = list(&not_carried),
        );
        let method = format_ident!("{}", edit.method);
        let update = format_ident!("{}", id);
        methods.push(quote! {
            #[doc = #doc]
            pub async fn #method(
                &self,
                #(#arguments)*
                change: impl FnOnce(#body) -> #body,
            ) -> ::std::result::Result<ResponseValue<#output>, crate::Error> {
                let mut params = ::serde_json::Map::new();
                #(#params)*
                let current: #body_type = crate::edit::current(self, #id, params).await?;
                self.#update()
                    #(#sets)*
                    .body(change(current.into()))
                    .send()
                    .await
            }
        });
    }
    let tokens = if methods.is_empty() {
        quote! {}
    } else {
        quote! { impl Client { #(#methods)* } }
    };
    syn::parse2(tokens).map_err(|e| format!("the generated edits do not parse: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;
    use serde_json::json;

    fn raw(read_parameter: &str) -> serde_json::Value {
        json!({
            "paths": {
                "/m": {
                    "put": {"operationId": "update_m", "x-meeting-edit": {"method": "edit_m", "read": "show_m", "object": "info"},
                            "parameters": [{"name": "conferenceID", "in": "query", "required": true, "schema": {"type": "string"}}],
                            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Body"}}}}},
                    "get": {"operationId": "show_m", "parameters": [{"name": read_parameter, "in": "query", "schema": {"type": "string"}}],
                            "responses": {"200": {"content": {"application/json": {"schema": {"properties": {"info": {"$ref": "#/components/schemas/Info"}}}}}}}}
                }
            },
            "components": {"schemas": {
                "Body": {"properties": {"subject": {"type": "string"}, "secretMode": {"type": "integer"}}},
                "Info": {"properties": {"subject": {"type": "string"}, "endTime": {"type": "string"}}}
            }}
        })
    }

    fn file() -> syn::File {
        syn::parse_quote! {
            pub mod builder {
                pub struct UpdateM<'a> { client: &'a super::Client, conference_id: Result<::std::string::String, String>, body: Result<types::builder::Body, String> }
                impl<'a> UpdateM<'a> { pub async fn send(self) -> Result<ResponseValue<types::Info>, crate::Error> { todo!() } }
                pub struct ShowM<'a> { client: &'a super::Client, conference_id: Result<Option<::std::string::String>, String> }
                impl<'a> ShowM<'a> { pub async fn send(self) -> Result<ResponseValue<types::Answer>, crate::Error> { todo!() } }
            }
        }
    }

    #[test]
    fn an_edit_method_reads_changes_and_sends_and_says_what_the_read_lacks() {
        let code = edits(&raw("conferenceID"), &file())
            .unwrap()
            .to_token_stream()
            .to_string();
        assert!(code.contains("pub async fn edit_m (& self , conference_id : & str , change : impl FnOnce (types :: builder :: Body) -> types :: builder :: Body ,)"), "{code}");
        assert!(
            code.contains("crate :: edit :: current (self , \"update_m\" , params)"),
            "{code}"
        );
        assert!(
            code.contains("self . update_m () . conference_id (conference_id) . body (change (current . into ()))"),
            "{code}"
        );
        assert!(code.contains("The read does not carry `secretMode`"), "{code}");
    }

    #[test]
    fn a_read_without_the_update_s_parameter_fails_the_build() {
        let error = edits(&raw("confID"), &file()).map(|_| ()).unwrap_err();
        assert!(
            error.contains("`show_m` does not take the parameter `conferenceID`"),
            "{error}"
        );
    }
}
