//! The reshaping of progenitor's output around the call pipeline: each builder's `send()`
//! becomes `into_request` and a call of `crate::pipeline::invoke`, and progenitor's builder
//! messages are reworded into the reasons of typed input errors.

use std::collections::BTreeMap;

use serde_json::Value;
use syn::visit_mut::VisitMut;

use super::renames::rust_field;
use super::spec_model::Spec;
use super::syntax::result_ok_type;

/// Reshapes every builder's `send()` of `file`; `operations` is how many the spec has.
pub fn reshape_sends(file: &mut syn::File, raw: &Value, operations: usize) -> Result<(), String> {
    // The operation table (`table.rs`) is sorted by id: each send names its row by index.
    let mut ids: Vec<&str> = Spec::new(raw).operations().filter_map(|op| op.id()).collect();
    ids.sort_unstable();
    let mut reshape = ReshapeSends {
        fields: parameter_fields(raw)?,
        positions: ids.iter().enumerate().map(|(i, id)| (id.to_string(), i)).collect(),
        sends: 0,
        problem: None,
    };
    reshape.visit_file_mut(file);
    if let Some(problem) = reshape.problem {
        return Err(problem);
    }
    if reshape.sends != operations {
        return Err(format!(
            "reshaped {} send() methods for {operations} operations: progenitor's output changed shape",
            reshape.sends
        ));
    }
    Ok(())
}

/// The Rust field name of each property of the spec, to its name in the API (when only one
/// name of the spec gives that field).
fn json_names(raw: &Value) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, Option<String>> = BTreeMap::new();
    for name in Spec::new(raw).names() {
        let entry = out.entry(rust_field(name)).or_insert_with(|| Some(name.to_owned()));
        if entry.as_deref() != Some(name) {
            *entry = None;
        }
    }
    out.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect()
}

/// Rewords the messages of progenitor's builders (the reason of an input error; the field is
/// named by the pipeline): `conference_id was not initialized` -> `is required but was not
/// set`; `conversion to `i32` for type_ failed` -> `cannot be converted to `i32``; and in
/// body builders `no value supplied for media_types` -> ``mediaTypes` is required but was not
/// set` (and a body given as a builder keeps that message alone). A message of another
/// wording is left as progenitor wrote it.
pub struct Reword {
    json_names: BTreeMap<String, String>,
}

impl Reword {
    pub fn new(raw: &Value) -> Self {
        Reword {
            json_names: json_names(raw),
        }
    }

    /// The reworded text of a string literal, if it is one of progenitor's messages (they
    /// are also inside `format!`, so this runs on tokens, before the code is parsed).
    pub fn literal(&self, text: &str) -> Option<String> {
        if text.ends_with(" was not initialized") {
            Some("is required but was not set".to_owned())
        } else if text.starts_with("conversion to ") && text.ends_with(" failed: {}") {
            // A body given as its builder: the builder's own error says what is missing.
            Some("{}".to_owned())
        } else if let Some(rest) = text.strip_prefix("conversion to ") {
            rest.rsplit_once(" for ")
                .filter(|(_, tail)| tail.ends_with(" failed"))
                .map(|(ty, _)| {
                    // `:: std :: string :: String` (tokens as text) -> `String`
                    let ty = ty.replace(' ', "");
                    let ty = ["::std::string::", "::std::vec::", "::std::collections::"]
                        .iter()
                        .fold(ty, |ty, prefix| ty.replace(prefix, ""));
                    format!("cannot be converted to {ty}")
                })
        } else if let Some(field) = text.strip_prefix("no value supplied for ") {
            let name = self.json_names.get(field).map_or(field, String::as_str);
            Some(format!("`{name}` is required but was not set"))
        } else {
            None
        }
    }
}

/// For each operation's builder (by its Rust name), how an input error names each field:
/// `query parameter `conferenceID``, `header `X-Site-Id``, `body` (the API's spelling, as
/// request validation names them).
fn parameter_fields(raw: &Value) -> Result<BTreeMap<String, BTreeMap<String, String>>, String> {
    use heck::ToUpperCamelCase;
    let mut out = BTreeMap::new();
    for op in Spec::new(raw).operations() {
        let id = op.id().unwrap_or_default();
        let mut fields = BTreeMap::from([("body".to_owned(), "body".to_owned())]);
        for parameter in op.parameters()? {
            let (name, place) = (parameter.name, parameter.location);
            fields.insert(rust_field(name), format!("{place} parameter `{name}`"));
        }
        out.insert(id.to_upper_camel_case(), fields);
    }
    Ok(out)
}

/// Reshapes each operation builder's generated `send()` into what it is made of, and a
/// `send()` that runs them through the call pipeline (`crate::pipeline::invoke`):
/// - `into_request(self)`: the statements that build the `reqwest::Request`, every `?` in
///   them returning a typed `crate::Error` that names the field in the API's spelling;
/// - the decoding of a success answer, picked from the generated `match` on the status:
///   `crate::pipeline::decode_json` or `decode_empty`.
///
/// progenitor's hook calls and its error-status arms are dropped: the pipeline does that.
/// Anything of another shape fails the build with what was found. `Client::new` and
/// `new_with_client` become crate-private: a client is made by `ClientBuilder`, which checks
/// the endpoint (the builders' `new` are made crate-private by `handles.rs`).
struct ReshapeSends {
    fields: BTreeMap<String, BTreeMap<String, String>>,
    /// Each operation's row in the operation table.
    positions: BTreeMap<String, usize>,
    sends: usize,
    problem: Option<String>,
}

impl VisitMut for ReshapeSends {
    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        let self_name = match &*item.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
            _ => String::new(),
        };
        let is_client = item.trait_.is_none() && self_name == "Client";
        let mut added: Vec<syn::ImplItem> = Vec::new();
        for member in &mut item.items {
            let syn::ImplItem::Fn(function) = member else { continue };
            if is_client && (function.sig.ident == "new" || function.sig.ident == "new_with_client") {
                function.vis = syn::parse_quote!(pub(crate));
            }
            if function.sig.ident != "send" || function.sig.asyncness.is_none() {
                continue;
            }
            match reshape_send(self.fields.get(&self_name), &self.positions, function) {
                Ok(mut items) => {
                    added.append(&mut items);
                    self.sends += 1;
                }
                Err(problem) => {
                    self.problem.get_or_insert(format!("{self_name}::send: {problem}"));
                    return;
                }
            }
        }
        if !added.is_empty() {
            item.items
                .retain(|m| !matches!(m, syn::ImplItem::Fn(f) if f.sig.ident == "send"));
            item.items.extend(added);
        }
        syn::visit_mut::visit_item_impl_mut(self, item);
    }
}

/// `into_request` and the public `send` of one builder, from its generated `send`.
fn reshape_send(
    fields: Option<&BTreeMap<String, String>>,
    positions: &BTreeMap<String, usize>,
    function: &syn::ImplItemFn,
) -> Result<Vec<syn::ImplItem>, String> {
    use quote::{ToTokens, quote};
    let fields = fields.ok_or("no operation of the spec has this builder")?;
    let success = result_ok_type(&function.sig.output).ok_or_else(|| {
        format!(
            "does not return Result<_, _>: {}",
            function.sig.output.to_token_stream()
        )
    })?;
    let statements = &function.block.stmts;
    let info_at = statements
        .iter()
        .position(|s| s.to_token_stream().to_string().starts_with("let info = OperationInfo"))
        .ok_or("no `let info = OperationInfo { .. }` statement")?;
    let mut build: Vec<syn::Stmt> = Vec::new();
    for statement in &statements[..info_at] {
        let text = statement.to_token_stream().to_string();
        // progenitor adds `api-version` to every request; the service has no use for it.
        if text.contains("\"api-version\"") {
            continue;
        }
        let mut statement = statement.clone();
        let mut typed = TypedTries { fields, problem: None };
        typed.visit_stmt_mut(&mut statement);
        if let Some(problem) = typed.problem {
            return Err(problem);
        }
        build.push(statement);
    }
    let Some(syn::Stmt::Expr(syn::Expr::Match(answer), None)) = statements.last() else {
        return Err("the last statement is not the `match` on the status".into());
    };
    let mut decode = None;
    for arm in &answer.arms {
        let pattern = arm.pat.to_token_stream().to_string();
        let body = arm.body.to_token_stream().to_string();
        match pattern.as_str() {
            "200u16" if body.contains("ResponseValue :: empty") => decode = Some(quote!(decode_empty)),
            "200u16" if body.contains("ResponseValue :: from_response") => decode = Some(quote!(decode_json)),
            "400u16 ..= 499u16" | "500u16 ..= 599u16" | "_" => {}
            _ => {
                return Err(format!(
                    "an answer arm `{pattern} => {body}` the pipeline does not decode"
                ));
            }
        }
    }
    let decode = decode.ok_or("no `200u16` arm")?;
    let operation = statements[info_at]
        .to_token_stream()
        .to_string()
        .split('"')
        .nth(1)
        .map(str::to_owned)
        .ok_or("no operation_id in `OperationInfo`")?;
    let index = *positions
        .get(&operation)
        .ok_or(format!("`{operation}` is not an operation of the spec"))?;
    let docs: Vec<&syn::Attribute> = function.attrs.iter().filter(|a| a.path().is_ident("doc")).collect();
    Ok(vec![
        syn::parse_quote! {
            /// The request this builder describes, or the input at fault.
            fn into_request(self) -> ::std::result::Result<(&'a super::Client, ::reqwest::Request), crate::Error> {
                #(#build)*
                Ok((client, request))
            }
        },
        syn::parse_quote! {
            #(#docs)*
            ///
            /// The request is checked against the spec, sent with the client's credentials
            /// and retried when that is safe; any failure is a [`crate::Error`].
            pub async fn send(self) -> ::std::result::Result<#success, crate::Error> {
                let operation = crate::operations::at(#index, #operation);
                crate::pipeline::invoke(operation, self.into_request(), crate::pipeline::#decode).await
            }
        },
    ])
}

/// Makes every `?` of a builder's request statements return a typed `crate::Error`.
struct TypedTries<'f> {
    fields: &'f BTreeMap<String, String>,
    problem: Option<String>,
}

impl VisitMut for TypedTries<'_> {
    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        // `header_map.append("X-Site-Id", value.to_string().try_into()?)`
        if call.method == "append"
            && let [
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(name),
                    ..
                }),
                syn::Expr::Try(tried),
            ] = call.args.iter_mut().collect::<Vec<_>>().as_mut_slice()
        {
            let field = format!("header parameter `{}`", name.value());
            let inner = &tried.expr;
            *tried.expr = syn::parse_quote! {
                #inner.map_err(|_| crate::Error::invalid_input(#field, "is not a valid header value"))
            };
            return;
        }
        syn::visit_mut::visit_expr_method_call_mut(self, call);
    }

    fn visit_expr_try_mut(&mut self, tried: &mut syn::ExprTry) {
        use quote::ToTokens;
        syn::visit_mut::visit_expr_try_mut(self, tried);
        let text = tried.expr.to_token_stream().to_string();
        let syn::Expr::MethodCall(call) = &mut *tried.expr else {
            self.problem.get_or_insert(format!("an unexpected `?` on `{text}`"));
            return;
        };
        if call.method == "build" && call.args.is_empty() {
            // Building fails only on a query value that cannot be serialized.
            *tried.expr = syn::parse_quote! { #call.map_err(crate::pipeline::unbuildable) };
        } else if call.method == "map_err" && text.ends_with("map_err (Error :: InvalidRequest)") {
            let receiver = call.receiver.to_token_stream().to_string();
            let local = receiver.split_whitespace().next().unwrap_or_default();
            let Some(field) = self.fields.get(local) else {
                self.problem
                    .get_or_insert(format!("`{local}` is neither a parameter of the spec nor the body"));
                return;
            };
            call.args = syn::parse_quote! { |reason| crate::Error::invalid_input(#field, reason) };
        } else if !text.contains("crate :: Error :: invalid_input") {
            self.problem.get_or_insert(format!("an unexpected `?` on `{text}`"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;
    use serde_json::json;

    fn spec() -> Value {
        json!({
            "paths": {"/x": {"delete": {"operationId": "cancel_meeting", "parameters": [
                {"name": "conferenceID", "in": "query", "schema": {"type": "string"}},
                {"name": "X-Site-Id", "in": "header", "schema": {"type": "string"}}
            ]}}},
            "components": {"schemas": {"Body": {"properties": {"mediaTypes": {}}}}}
        })
    }

    /// A builder's `send()` in the shape progenitor 0.15.1 generates, with `last_arm` after
    /// the success and error arms.
    fn generated_send(last_arm: proc_macro2::TokenStream) -> syn::ImplItemFn {
        syn::parse_quote! {
            pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                let Self { client, conference_id } = self;
                let conference_id = conference_id.map_err(Error::InvalidRequest)?;
                let url = format!("{}/x", client.baseurl);
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                header_map.append("X-Site-Id", site.to_string().try_into()?);
                header_map.append("api-version", client.api_version().try_into()?);
                let mut request = client.client.delete(url).headers(header_map).build()?;
                let info = OperationInfo { operation_id: "cancel_meeting" };
                let response = client.exec(request, &info).await?;
                match response.status().as_u16() {
                    200u16 => Ok(ResponseValue::empty(response)),
                    400u16..=499u16 => Err(Error::ErrorResponse(ResponseValue::empty(response))),
                    #last_arm
                }
            }
        }
    }

    fn positions() -> BTreeMap<String, usize> {
        BTreeMap::from([("cancel_meeting".to_owned(), 3)])
    }

    #[test]
    fn a_send_becomes_into_request_and_a_pipeline_call() {
        let fields = parameter_fields(&spec()).unwrap();
        let reshaped = reshape_send(
            fields.get("CancelMeeting"),
            &positions(),
            &generated_send(quote::quote!(_ => Err(Error::UnexpectedResponse(response)),)),
        )
        .unwrap();
        let [into_request, send] = reshaped.as_slice() else {
            panic!("two methods")
        };
        let into_request = into_request.to_token_stream().to_string();
        assert!(
            into_request.contains(r#"crate :: Error :: invalid_input ("query parameter `conferenceID`" , reason)"#),
            "{into_request}"
        );
        assert!(
            into_request.contains(
                r#"crate :: Error :: invalid_input ("header parameter `X-Site-Id`" , "is not a valid header value")"#
            ),
            "{into_request}"
        );
        assert!(
            into_request.contains("map_err (crate :: pipeline :: unbuildable)"),
            "{into_request}"
        );
        assert!(!into_request.contains("api-version"), "{into_request}");
        let send = send.to_token_stream().to_string();
        assert!(send.contains(r#"let operation = crate :: operations :: at (3usize , "cancel_meeting") ; crate :: pipeline :: invoke (operation , self . into_request () , crate :: pipeline :: decode_empty)"#), "{send}");
    }

    #[test]
    fn an_answer_the_pipeline_does_not_decode_fails_the_build() {
        let fields = parameter_fields(&spec()).unwrap();
        let send = generated_send(quote::quote!(201u16 => Ok(ResponseValue::empty(response)),));
        let error = |fields| reshape_send(fields, &positions(), &send).map(|_| ()).unwrap_err();
        let unknown_arm = error(fields.get("CancelMeeting"));
        assert!(unknown_arm.contains("an answer arm `201u16"), "{unknown_arm}");
        assert!(error(None).contains("no operation of the spec"));
    }

    #[test]
    fn progenitor_messages_are_reworded() {
        let reword = Reword::new(&spec());
        let cases = [
            ("conference_id was not initialized", Some("is required but was not set")),
            (
                "conversion to `i32` for type_ failed",
                Some("cannot be converted to `i32`"),
            ),
            ("conversion to `Body` for body failed: {}", Some("{}")),
            (
                "no value supplied for media_types",
                Some("`mediaTypes` is required but was not set"),
            ),
            ("anything else", None),
        ];
        for (text, expected) in cases {
            assert_eq!(reword.literal(text).as_deref(), expected, "{text}");
        }
    }
}
