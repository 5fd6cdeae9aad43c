//! Meeting control at compile time. progenitor puts every operation's method on `Client`;
//! the operations that need the meeting-control token or the host password move to a
//! `Conference` handle of their own (made by `client.conference(id, host_password)`), so
//! calling one on a plain `Client` does not compile. Builders can no longer be made from a
//! client directly (`new` is crate-private): the handle's method is the only way in.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::renames::{rust_field, rust_name};
use super::spec_model::Spec;
use super::syntax::{builder_fields, module, module_mut};

/// Security schemes only a conference handle can provide.
const CONFERENCE_SCHEMES: &[&str] = &["conferenceToken", "hostPassword"];

/// The meeting-control operations: those whose `security` names a conference scheme.
pub struct ConferenceOps {
    pub ids: BTreeSet<String>,
    /// The parameter naming the meeting (`conferenceID`, the schemes'
    /// `x-meeting-conference-parameter`): the handle fills it.
    pub parameter: Option<String>,
}

impl ConferenceOps {
    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }
}

/// The meeting-control operations of the spec.
pub fn conference_operations(raw: &Value) -> ConferenceOps {
    let spec = Spec::new(raw);
    let ids = spec
        .operations()
        .filter(|op| {
            op.security()
                .unwrap_or_default()
                .iter()
                .any(|name| CONFERENCE_SCHEMES.contains(name))
        })
        .filter_map(|op| op.id().map(str::to_owned))
        .collect();
    let parameter = spec
        .security_schemes()
        .into_iter()
        .flatten()
        .filter(|(name, _)| CONFERENCE_SCHEMES.contains(&name.as_str()))
        .find_map(|(_, scheme)| scheme.get("x-meeting-conference-parameter")?.as_str())
        .map(str::to_owned);
    ConferenceOps { ids, parameter }
}

/// Moves the methods of `conference` operations from `impl Client` to `impl Conference`
/// (declared here), and makes every builder's `new` crate-private.
pub fn split_handles(file: &mut syn::File, conference: &ConferenceOps) -> Result<(), String> {
    let methods: BTreeSet<String> = conference.ids.iter().map(|id| rust_name(id)).collect();
    let builders = builder_fields(file)?;
    let prefilled = conference.parameter.as_deref().map(rust_field);
    let mut moved = Vec::new();
    for item in &mut file.items {
        let syn::Item::Impl(block) = item else { continue };
        if block.trait_.is_some() || !is_type(&block.self_ty, "Client") {
            continue;
        }
        let (control, management): (Vec<_>, Vec<_>) = std::mem::take(&mut block.items)
            .into_iter()
            .partition(|member| matches!(member, syn::ImplItem::Fn(f) if methods.contains(&f.sig.ident.to_string())));
        block.items = management;
        for member in control {
            let syn::ImplItem::Fn(method) = member else {
                unreachable!("partitioned on Fn")
            };
            moved.push(conference_method(method, &builders, prefilled.as_deref())?);
        }
    }
    if moved.len() != methods.len() {
        return Err(format!(
            "found {} of the {} meeting-control methods on `impl Client`: progenitor's output changed shape",
            moved.len(),
            methods.len()
        ));
    }
    let builders = restrict_builder_constructors(file)?;
    if builders != operations_of_file(file) {
        return Err(format!(
            "made {builders} builder constructors crate-private for {} operations: progenitor's output changed shape",
            operations_of_file(file)
        ));
    }
    file.items.push(syn::parse_quote! {
        /// A client for the meeting-control operations of one meeting in progress, made by
        /// [`Client::conference`]. The meeting-control operations exist only here: each needs
        /// the meeting-control token, which the handle obtains with the host password when
        /// first needed, caches (per meeting, shared by every handle of the client), renews
        /// before it expires and when the service rejects it.
        ///
        /// ```no_run
        /// # async fn run(client: huaweicloud_meeting::Client) -> Result<(), huaweicloud_meeting::Error> {
        /// let meeting = client.conference("914083136", "host-password");
        /// meeting.create_conf_token().conference_id("914083136").send().await?;
        /// # Ok(()) }
        /// ```
        ///
        /// On a plain `Client` the same call does not compile (nor does any other
        /// meeting-control operation: `lock_meeting`, `delete_attendees`...):
        ///
        /// ```compile_fail,E0599
        /// # async fn run(client: huaweicloud_meeting::Client) -> Result<(), huaweicloud_meeting::Error> {
        /// client.create_conf_token().conference_id("914083136").send().await?;
        /// # Ok(()) }
        /// ```
        #[derive(Clone, Debug)]
        pub struct Conference {
            pub(crate) client: Client,
        }
    });
    file.items.push(syn::parse_quote! {
        impl Conference {
            #(#moved)*
        }
    });
    Ok(())
}

fn is_type(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident(name))
}

/// `pub fn x(&self) -> builder::X<'_> { builder::X::new(self) }` as the handle's method,
/// which gives the builder the handle's scoped client and, when the builder has the
/// `prefilled` field (the meeting's ID), the handle's meeting; its example calls it on
/// `conference`.
fn conference_method(
    method: syn::ImplItemFn,
    builders: &BTreeMap<String, Vec<(String, syn::Type)>>,
    prefilled: Option<&str>,
) -> Result<syn::ImplItem, String> {
    let name = method.sig.ident.to_string();
    let syn::ReturnType::Type(_, output) = &method.sig.output else {
        return Err(format!(
            "`Client::{name}` returns nothing: progenitor's output changed shape"
        ));
    };
    let syn::Type::Path(output) = &**output else {
        return Err(format!(
            "`Client::{name}` does not return a builder: progenitor's output changed shape"
        ));
    };
    let mut builder = output.path.clone();
    let Some(last) = builder.segments.last_mut() else {
        return Err(format!("`Client::{name}` returns an empty path"));
    };
    last.arguments = syn::PathArguments::None;
    let fields = builders.get(&last.ident.to_string());
    let fill = prefilled
        .filter(|field| fields.is_some_and(|fields| fields.iter().any(|(f, _)| f == field)))
        .map(|field| {
            let setter = quote::format_ident!("{field}");
            quote::quote! { .#setter(self.conference_id()) }
        });
    let attrs: Vec<syn::Attribute> = method.attrs.iter().map(on_conference).collect();
    let vis = &method.vis;
    let sig = &method.sig;
    Ok(syn::parse_quote! {
        #(#attrs)*
        #vis #sig {
            #builder::new(&self.client)#fill
        }
    })
}

/// A doc attribute whose example calls the method on `client` calls it on `conference`.
fn on_conference(attr: &syn::Attribute) -> syn::Attribute {
    if let syn::Meta::NameValue(nv) = &attr.meta
        && nv.path.is_ident("doc")
        && let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) = &nv.value
    {
        let text = text.value().replace("= client.", "= conference.");
        return syn::parse_quote!(#[doc = #text]);
    }
    attr.clone()
}

/// Makes `new` of every builder in `mod builder` crate-private; returns how many.
fn restrict_builder_constructors(file: &mut syn::File) -> Result<usize, String> {
    let mut count = 0;
    for item in module_mut(file, "builder")? {
        let syn::Item::Impl(block) = item else { continue };
        for member in &mut block.items {
            if let syn::ImplItem::Fn(f) = member
                && f.sig.ident == "new"
            {
                f.vis = syn::parse_quote!(pub(crate));
                count += 1;
            }
        }
    }
    Ok(count)
}

/// How many builders `mod builder` declares (one per operation).
fn operations_of_file(file: &syn::File) -> usize {
    module(file, "builder").map_or(0, |items| {
        items.iter().filter(|i| matches!(i, syn::Item::Struct(_))).count()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;
    use serde_json::json;

    #[test]
    fn control_methods_move_to_the_conference_handle() {
        let raw = json!({"paths": {
            "/lock": {"put": {"operationId": "lock_meeting", "security": [{"conferenceToken": []}]}},
            "/token": {"get": {"operationId": "create_conf_token", "security": [{"hostPassword": []}]}},
            "/list": {"get": {"operationId": "search_meetings", "security": [{"accessToken": []}]}}
        }, "components": {"securitySchemes": {"conferenceToken": {"x-meeting-conference-parameter": "conferenceID"}}}});
        let conference = conference_operations(&raw);
        assert_eq!(
            conference.ids,
            BTreeSet::from(["create_conf_token".to_owned(), "lock_meeting".to_owned()])
        );
        assert_eq!(conference.parameter.as_deref(), Some("conferenceID"));
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                /// ```ignore
                /// let response = client.lock_meeting()
                /// ```
                pub fn lock_meeting(&self) -> builder::LockMeeting<'_> { builder::LockMeeting::new(self) }
                pub fn create_conf_token(&self) -> builder::CreateConfToken<'_> { builder::CreateConfToken::new(self) }
                pub fn search_meetings(&self) -> builder::SearchMeetings<'_> { builder::SearchMeetings::new(self) }
            }
            pub mod builder {
                pub struct LockMeeting<'a> { client: &'a super::Client, conference_id: Result<String, String> }
                impl<'a> LockMeeting<'a> { pub fn new(client: &'a super::Client) -> Self { Self { client } } }
                pub struct CreateConfToken<'a> { client: &'a super::Client }
                impl<'a> CreateConfToken<'a> { pub fn new(client: &'a super::Client) -> Self { Self { client } } }
                pub struct SearchMeetings<'a> { client: &'a super::Client }
                impl<'a> SearchMeetings<'a> { pub fn new(client: &'a super::Client) -> Self { Self { client } } }
            }
        };
        split_handles(&mut file, &conference).unwrap();
        let code = file.to_token_stream().to_string();
        let client = code.split("pub mod builder").next().unwrap();
        assert!(
            client.contains("fn search_meetings") && !client.contains("fn lock_meeting ("),
            "{client}"
        );
        assert!(code.contains("impl Conference {"), "{code}");
        assert!(
            code.contains("builder :: LockMeeting :: new (& self . client) . conference_id (self . conference_id ())"),
            "{code}"
        );
        assert!(
            code.contains("builder :: CreateConfToken :: new (& self . client) }"),
            "no such field, nothing filled: {code}"
        );
        assert!(code.contains("let response = conference.lock_meeting()"), "{code}");
        assert_eq!(code.matches("pub (crate) fn new").count(), 3, "{code}");
    }

    #[test]
    fn a_control_method_progenitor_did_not_generate_fails_the_build() {
        let mut file: syn::File = syn::parse_quote! { impl Client {} pub mod builder {} };
        let conference = ConferenceOps {
            ids: BTreeSet::from(["lock_meeting".to_owned()]),
            parameter: None,
        };
        let error = split_handles(&mut file, &conference).unwrap_err();
        assert!(error.contains("found 0 of the 1 meeting-control methods"), "{error}");
    }
}
