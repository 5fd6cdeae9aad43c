//! File uploads: the operations whose body is `multipart/form-data` with one file part.
//! progenitor 0.15 refuses such a body, so it is left out of what progenitor reads; each such
//! builder then gets a setter for the file (`crate::Upload`), its `into_request` hands the
//! upload to the pipeline with the spec's limits, and its `send()` calls
//! `crate::pipeline::invoke_upload`, which builds the multipart body for each attempt.

use heck::ToUpperCamelCase;
use quote::quote;
use serde_json::Value;

use super::spec_model::{Spec, Upload};

/// The upload operations of the spec: (operationId, its upload).
pub fn uploads(raw: &Value) -> Result<Vec<(String, Upload<'_>)>, String> {
    let mut found = Vec::new();
    for op in Spec::new(raw).operations() {
        if let Some(upload) = op.upload()? {
            found.push((op.id().unwrap_or_default().to_owned(), upload));
        }
    }
    Ok(found)
}

/// `spec` without the multipart request bodies (what progenitor is given).
pub fn without_multipart(mut spec: Value) -> Value {
    for item in spec
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
    {
        for (_, op) in item.as_object_mut().into_iter().flatten() {
            let multipart = op.pointer("/requestBody/content/multipart~1form-data").is_some();
            if multipart && let Some(op) = op.as_object_mut() {
                op.remove("requestBody");
            }
        }
    }
    spec
}

/// The `crate::upload::Limits` of an upload, as code.
fn limits(upload: &Upload<'_>) -> proc_macro2::TokenStream {
    let option = |value: Option<u64>| match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    let pair = |value: Option<(u64, u64)>| match value {
        Some((a, b)) => quote!(Some((#a, #b))),
        None => quote!(None),
    };
    let max_bytes = option(upload.max_bytes);
    let types = &upload.types;
    let max_pixels = pair(upload.max_pixels);
    let aspect = pair(upload.aspect);
    let part = upload.part;
    quote! {
        crate::upload::Limits {
            part: #part,
            max_bytes: #max_bytes,
            types: &[#(#types),*],
            max_pixels: #max_pixels,
            aspect: #aspect,
        }
    }
}

/// Gives each upload operation's builder its file: a field, a setter, the hand-over in
/// `into_request` and the call of `invoke_upload` in `send()`.
pub fn add_file_setters(file: &mut syn::File, raw: &Value) -> Result<(), String> {
    for (id, upload) in uploads(raw)? {
        let name = id.to_upper_camel_case();
        let builders = super::syntax::module_mut(file, "builder")?;
        let limits = limits(&upload);
        let part = upload.part;
        let mut found = (false, false);
        for item in builders.iter_mut() {
            match item {
                syn::Item::Struct(s) if s.ident == name => {
                    let syn::Fields::Named(fields) = &mut s.fields else {
                        return Err(format!("builder `{name}` has no named fields"));
                    };
                    fields
                        .named
                        .push(syn::parse_quote! { file: Result<Option<crate::Upload>, String> });
                    found.0 = true;
                }
                syn::Item::Impl(block) if matches!(&*block.self_ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name)) =>
                {
                    rewrite_impl(block, &limits, part).map_err(|e| format!("builder `{name}`: {e}"))?;
                    found.1 = true;
                }
                _ => {}
            }
        }
        if found != (true, true) {
            return Err(format!(
                "{id}: progenitor generated no builder `{name}` to give its file"
            ));
        }
    }
    Ok(())
}

fn rewrite_impl(block: &mut syn::ItemImpl, limits: &proc_macro2::TokenStream, part: &str) -> Result<(), String> {
    let doc = format!(
        "The file to upload (the `{part}` part of the `multipart/form-data` body): \
         [`crate::Upload::bytes`], [`crate::Upload::path`] (re-read for a retry) or \
         [`crate::Upload::stream`] (sent once). Required."
    );
    let mut seen = (false, false, false);
    for item in &mut block.items {
        let syn::ImplItem::Fn(f) = item else { continue };
        match f.sig.ident.to_string().as_str() {
            "new" => {
                let Some(syn::Stmt::Expr(syn::Expr::Struct(init), _)) = f.block.stmts.last_mut() else {
                    return Err("`new` does not end with the struct".into());
                };
                init.fields.push(syn::parse_quote! { file: Ok(None) });
                seen.0 = true;
            }
            "into_request" => {
                f.sig.output = syn::parse_quote! {
                    -> ::std::result::Result<(&'a super::Client, ::reqwest::Request, crate::upload::Prepared), crate::Error>
                };
                for stmt in &mut f.block.stmts {
                    if let syn::Stmt::Local(local) = stmt
                        && let syn::Pat::Struct(pattern) = &mut local.pat
                    {
                        let with_file: syn::Pat = syn::parse_quote!(Self { file });
                        if let syn::Pat::Struct(with_file) = with_file {
                            pattern.fields.extend(with_file.fields);
                        }
                    }
                }
                let last = f.block.stmts.pop();
                if !matches!(last, Some(syn::Stmt::Expr(syn::Expr::Call(_), None))) {
                    return Err("`into_request` does not end with `Ok((client, request))`".into());
                }
                f.block.stmts.push(syn::parse_quote! {
                    let upload = crate::upload::Prepared::new(file.ok().flatten(), #limits)?;
                });
                f.block.stmts.push(syn::Stmt::Expr(
                    syn::parse_quote! { Ok((client, request, upload)) },
                    None,
                ));
                seen.1 = true;
            }
            "send" => {
                let mut replaced = false;
                let mut visitor = ReplaceInvoke(&mut replaced);
                syn::visit_mut::VisitMut::visit_block_mut(&mut visitor, &mut f.block);
                if !replaced {
                    return Err("`send` does not call `crate::pipeline::invoke`".into());
                }
                seen.2 = true;
            }
            _ => {}
        }
    }
    if seen != (true, true, true) {
        return Err(format!("new/into_request/send not all found ({seen:?})"));
    }
    block.items.push(syn::parse_quote! {
        #[doc = #doc]
        pub fn file(mut self, file: crate::Upload) -> Self {
            self.file = Ok(Some(file));
            self
        }
    });
    Ok(())
}

/// `crate::pipeline::invoke` -> `crate::pipeline::invoke_upload`.
struct ReplaceInvoke<'a>(&'a mut bool);

impl syn::visit_mut::VisitMut for ReplaceInvoke<'_> {
    fn visit_expr_path_mut(&mut self, path: &mut syn::ExprPath) {
        let text: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
        if text == ["crate", "pipeline", "invoke"] {
            *path = syn::parse_quote! { crate::pipeline::invoke_upload };
            *self.0 = true;
        }
        syn::visit_mut::visit_expr_path_mut(self, path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;
    use serde_json::json;

    fn raw() -> Value {
        json!({"paths": {"/f": {"put": {"operationId": "upload_file", "x-meeting-upload": {"max-bytes": 10, "types": ["image/png"]},
            "requestBody": {"content": {"multipart/form-data": {"schema": {"properties": {"file": {"type": "string", "format": "binary"}}}}}}}}}})
    }

    #[test]
    fn the_multipart_body_is_hidden_from_progenitor_and_the_builder_takes_a_file() {
        assert!(without_multipart(raw()).pointer("/paths/~1f/put/requestBody").is_none());
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct UploadFile<'a> { client: &'a super::Client }
                impl<'a> UploadFile<'a> {
                    pub(crate) fn new(client: &'a super::Client) -> Self { Self { client: client } }
                    fn into_request(self) -> Result<(&'a super::Client, ::reqwest::Request), crate::Error> {
                        let Self { client } = self;
                        let mut request = todo!();
                        Ok((client, request))
                    }
                    pub async fn send(self) -> Result<ResponseValue<()>, crate::Error> {
                        crate::pipeline::invoke(operation, self.into_request(), decode).await
                    }
                }
            }
        };
        add_file_setters(&mut file, &raw()).unwrap();
        let code = file.to_token_stream().to_string();
        assert!(
            code.contains("file : Result < Option < crate :: Upload > , String >"),
            "{code}"
        );
        assert!(code.contains("let Self { client , file } = self"), "{code}");
        assert!(
            code.contains("max_bytes : Some (10u64) , types : & [\"image/png\"]"),
            "{code}"
        );
        assert!(code.contains("Ok ((client , request , upload))"), "{code}");
        assert!(code.contains("crate :: pipeline :: invoke_upload (operation"), "{code}");
        assert!(
            code.contains("pub fn file (mut self , file : crate :: Upload) -> Self"),
            "{code}"
        );
    }

    #[test]
    fn a_multipart_body_without_one_binary_part_fails_the_build() {
        let mut bad = raw();
        bad["paths"]["/f"]["put"]["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]["other"] =
            json!({"type": "string", "format": "binary"});
        let error = uploads(&bad).map(|_| ()).unwrap_err();
        assert!(error.contains("exactly one `format: binary` property"), "{error}");
    }
}
