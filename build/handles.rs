//! Handles at compile time. progenitor puts every operation's method on `Client`; the
//! operations whose credential belongs to one meeting move to the handle that holds it, so
//! calling one on a plain `Client` does not compile:
//!
//! - `Conference` (`client.conference(id, host_password)`): the meeting-control operations,
//!   which need the meeting-control token (obtained with the host password);
//! - `Guest` (`client.guest(id)`, `.with_password(..)`): the operations a guest or an app
//!   without an account of the meeting calls with the meeting's ID and password;
//! - `PasswordReset` (`client.password_reset(token)`): resetting a forgotten password with
//!   the token a checked verification code gives.
//!
//! Each handle fills the parameter naming its meeting. Builders can no longer be made from a
//! client directly (`new` is crate-private): the handle's method is the only way in.

use std::collections::BTreeMap;

use serde_json::Value;

use super::renames::{rust_field, rust_name};
use super::spec_model::Spec;
use super::syntax::{builder_fields, module, module_mut};

/// The handles and the security schemes whose credential each one holds.
const HANDLES: &[(&str, &[&str])] = &[
    ("Conference", &["conferenceToken", "hostPassword", "qosConferenceToken"]),
    ("Guest", &["guestPassword"]),
    ("PasswordReset", &["passwordResetToken"]),
];

/// The handle holding the credentials of an operation that names the schemes `named` (over
/// all its alternatives): `None` for the plain client.
pub fn handle_of(named: &[&str]) -> Result<Option<&'static str>, String> {
    let mut on = HANDLES
        .iter()
        .filter(|(_, schemes)| named.iter().any(|name| schemes.contains(name)))
        .map(|(handle, _)| *handle);
    let first = on.next();
    match (first, on.next()) {
        (Some(first), Some(other)) => Err(format!("its credentials belong to two handles ({first} and {other})")),
        _ => Ok(first),
    }
}

/// The operations of one handle.
pub struct HandleOps {
    /// `Conference` or `Guest`.
    pub handle: &'static str,
    /// Operation id -> the parameter naming the meeting (the handle fills it), if it has one.
    pub operations: BTreeMap<String, Option<String>>,
}

impl HandleOps {
    pub fn contains(&self, id: &str) -> bool {
        self.operations.contains_key(id)
    }

    /// Whether the handle fills `parameter` of operation `id`.
    pub fn fills(&self, id: &str, parameter: &str) -> bool {
        self.operations
            .get(id)
            .is_some_and(|filled| filled.as_deref() == Some(parameter))
    }
}

/// Each handle's operations: those whose `security` (any alternative) names one of its
/// schemes. An operation naming the schemes of two handles fails the build.
pub fn handle_operations(raw: &Value) -> Result<Vec<HandleOps>, String> {
    let spec = Spec::new(raw);
    let mut handles: Vec<HandleOps> = HANDLES
        .iter()
        .map(|(handle, _)| HandleOps {
            handle,
            operations: BTreeMap::new(),
        })
        .collect();
    for op in spec.operations() {
        let Some(id) = op.id() else { continue };
        let named = op.security().unwrap_or_default();
        let Some(handle) = handle_of(&named).map_err(|e| format!("{}: {e}", op.at()))? else {
            continue;
        };
        let index = HANDLES.iter().position(|(h, _)| *h == handle).expect("one of HANDLES");
        handles[index]
            .operations
            .insert(id.to_owned(), op.meeting_parameter().map(str::to_owned));
    }
    Ok(handles)
}

/// Moves the methods of each handle's operations from `impl Client` to `impl <Handle>`
/// (declared here), and makes every builder's `new` crate-private.
pub fn split_handles(file: &mut syn::File, handles: &[HandleOps]) -> Result<(), String> {
    let builders = builder_fields(file)?;
    for handle in handles {
        move_to_handle(file, handle, &builders)?;
    }
    let builders = restrict_builder_constructors(file)?;
    if builders != operations_of_file(file) {
        return Err(format!(
            "made {builders} builder constructors crate-private for {} operations: progenitor's output changed shape",
            operations_of_file(file)
        ));
    }
    Ok(())
}

fn move_to_handle(
    file: &mut syn::File,
    handle: &HandleOps,
    builders: &BTreeMap<String, Vec<(String, syn::Type)>>,
) -> Result<(), String> {
    let methods: BTreeMap<String, Option<String>> = handle
        .operations
        .iter()
        .map(|(id, parameter)| (rust_name(id), parameter.as_deref().map(rust_field)))
        .collect();
    let mut moved = Vec::new();
    for item in &mut file.items {
        let syn::Item::Impl(block) = item else { continue };
        if block.trait_.is_some() || !is_type(&block.self_ty, "Client") {
            continue;
        }
        let (theirs, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut block.items).into_iter().partition(
            |member| matches!(member, syn::ImplItem::Fn(f) if methods.contains_key(&f.sig.ident.to_string())),
        );
        block.items = kept;
        for member in theirs {
            let syn::ImplItem::Fn(method) = member else {
                unreachable!("partitioned on Fn")
            };
            let prefilled = methods[&method.sig.ident.to_string()].as_deref();
            moved.push(handle_method(method, builders, prefilled, handle.handle)?);
        }
    }
    if moved.len() != methods.len() {
        return Err(format!(
            "found {} of the {} methods of `{}` on `impl Client`: progenitor's output changed shape",
            moved.len(),
            methods.len(),
            handle.handle
        ));
    }
    file.items.push(declaration(handle.handle));
    let name = quote::format_ident!("{}", handle.handle);
    file.items.push(syn::parse_quote! {
        impl #name {
            #(#moved)*
        }
    });
    Ok(())
}

/// The handle's struct and its documentation.
fn declaration(handle: &str) -> syn::Item {
    match handle {
        "Conference" => syn::parse_quote! {
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
        },
        "PasswordReset" => syn::parse_quote! {
            /// A client holding the short-lived token check_verify_code answers once a
            /// verification code sent for a forgotten password is checked, made by
            /// [`Client::password_reset`]: the only way to call `reset_pwd`, which the token
            /// authorizes instead of a sign-in token. The token never appears in its Debug
            /// output.
            ///
            /// ```compile_fail,E0599
            /// # async fn run(client: huaweicloud_meeting::Client) -> Result<(), huaweicloud_meeting::Error> {
            /// client.reset_pwd().send().await?;
            /// # Ok(()) }
            /// ```
            #[derive(Clone, Debug)]
            pub struct PasswordReset {
                pub(crate) client: Client,
            }
        },
        _ => syn::parse_quote! {
            /// A client for what a guest (or an app with no account of the meeting's
            /// enterprise) does with a meeting's ID and password, made by [`Client::guest`]:
            /// checking the meeting and obtaining the random a client joins with. The handle
            /// sends the password (`X-Password`) where the operation takes it and fills the
            /// meeting's ID; the password never appears in its Debug output.
            ///
            /// ```no_run
            /// # async fn run(client: huaweicloud_meeting::Client) -> Result<(), huaweicloud_meeting::Error> {
            /// let guest = client.guest("914083136").with_password("654321");
            /// let random = guest.create_anonymous_auth_random().send().await?;
            /// # Ok(()) }
            /// ```
            ///
            /// On a plain `Client` the same call does not compile:
            ///
            /// ```compile_fail,E0599
            /// # async fn run(client: huaweicloud_meeting::Client) -> Result<(), huaweicloud_meeting::Error> {
            /// client.create_anonymous_auth_random().send().await?;
            /// # Ok(()) }
            /// ```
            #[derive(Clone, Debug)]
            pub struct Guest {
                pub(crate) client: Client,
            }
        },
    }
}

fn is_type(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident(name))
}

/// `pub fn x(&self) -> builder::X<'_> { builder::X::new(self) }` as the handle's method,
/// which gives the builder the handle's scoped client and, when the builder has the
/// `prefilled` field (the meeting's ID), the handle's meeting; its example calls it on the
/// handle (`conference`, `guest`).
fn handle_method(
    method: syn::ImplItemFn,
    builders: &BTreeMap<String, Vec<(String, syn::Type)>>,
    prefilled: Option<&str>,
    handle: &str,
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
    let receiver = format!("= {}.", handle.to_lowercase());
    let attrs: Vec<syn::Attribute> = method.attrs.iter().map(|a| on_handle(a, &receiver)).collect();
    let vis = &method.vis;
    let sig = &method.sig;
    Ok(syn::parse_quote! {
        #(#attrs)*
        #vis #sig {
            #builder::new(&self.client)#fill
        }
    })
}

/// A doc attribute whose example calls the method on `client` calls it on the handle
/// (`receiver` is `= conference.`).
fn on_handle(attr: &syn::Attribute, receiver: &str) -> syn::Attribute {
    if let syn::Meta::NameValue(nv) = &attr.meta
        && nv.path.is_ident("doc")
        && let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) = &nv.value
    {
        let text = text.value().replace("= client.", receiver);
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
    fn methods_move_to_the_handle_holding_their_credential() {
        let raw = json!({"paths": {
            "/lock": {"put": {"operationId": "lock_meeting", "security": [{"conferenceToken": []}],
                "parameters": [{"name": "conferenceID", "in": "query"}]}},
            "/token": {"get": {"operationId": "create_conf_token", "security": [{"hostPassword": []}]}},
            "/random": {"get": {"operationId": "create_auth_random", "x-meeting-conference-parameter": "conf_id",
                "security": [{"accessToken": [], "guestPassword": []}, {"accessToken": []}]}},
            "/list": {"get": {"operationId": "search_meetings", "security": [{"accessToken": []}]}}
        }, "components": {"securitySchemes": {"conferenceToken": {"x-meeting-conference-parameter": "conferenceID"}}}});
        let handles = handle_operations(&raw).unwrap();
        let (conference, guest) = (&handles[0], &handles[1]);
        assert_eq!(
            conference.operations.keys().collect::<Vec<_>>(),
            ["create_conf_token", "lock_meeting"]
        );
        assert!(conference.fills("lock_meeting", "conferenceID"));
        assert!(
            guest.fills("create_auth_random", "conf_id"),
            "the operation's own parameter"
        );
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                /// ```ignore
                /// let response = client.lock_meeting()
                /// ```
                pub fn lock_meeting(&self) -> builder::LockMeeting<'_> { builder::LockMeeting::new(self) }
                pub fn create_conf_token(&self) -> builder::CreateConfToken<'_> { builder::CreateConfToken::new(self) }
                pub fn create_auth_random(&self) -> builder::CreateAuthRandom<'_> { builder::CreateAuthRandom::new(self) }
                pub fn search_meetings(&self) -> builder::SearchMeetings<'_> { builder::SearchMeetings::new(self) }
            }
            pub mod builder {
                pub struct LockMeeting<'a> { client: &'a super::Client, conference_id: Result<String, String> }
                impl<'a> LockMeeting<'a> { pub fn new(client: &'a super::Client) -> Self { Self { client } } }
                pub struct CreateConfToken<'a> { client: &'a super::Client }
                impl<'a> CreateConfToken<'a> { pub fn new(client: &'a super::Client) -> Self { Self { client } } }
                pub struct CreateAuthRandom<'a> { client: &'a super::Client, conf_id: Result<String, String> }
                impl<'a> CreateAuthRandom<'a> { pub fn new(client: &'a super::Client) -> Self { Self { client } } }
                pub struct SearchMeetings<'a> { client: &'a super::Client }
                impl<'a> SearchMeetings<'a> { pub fn new(client: &'a super::Client) -> Self { Self { client } } }
            }
        };
        split_handles(&mut file, &handles).unwrap();
        let code = file.to_token_stream().to_string();
        let client = code.split("pub mod builder").next().unwrap();
        assert!(
            client.contains("fn search_meetings")
                && !client.contains("fn lock_meeting (")
                && !client.contains("fn create_auth_random ("),
            "{client}"
        );
        assert!(
            code.contains("impl Conference {") && code.contains("impl Guest {"),
            "{code}"
        );
        assert!(
            code.contains("builder :: LockMeeting :: new (& self . client) . conference_id (self . conference_id ())"),
            "{code}"
        );
        assert!(
            code.contains("builder :: CreateAuthRandom :: new (& self . client) . conf_id (self . conference_id ())"),
            "{code}"
        );
        assert!(
            code.contains("builder :: CreateConfToken :: new (& self . client) }"),
            "no such field, nothing filled: {code}"
        );
        assert!(code.contains("let response = conference.lock_meeting()"), "{code}");
        assert_eq!(code.matches("pub (crate) fn new").count(), 4, "{code}");
    }

    #[test]
    fn an_operation_with_the_credentials_of_two_handles_fails_the_build() {
        let raw = json!({"paths": {"/x": {"get": {"operationId": "show_x",
            "security": [{"conferenceToken": [], "guestPassword": []}]}}}});
        let error = handle_operations(&raw).map(|_| ()).unwrap_err();
        assert!(
            error.contains("belong to two handles (Conference and Guest)"),
            "{error}"
        );
    }

    #[test]
    fn a_handle_method_progenitor_did_not_generate_fails_the_build() {
        let mut file: syn::File = syn::parse_quote! { impl Client {} pub mod builder {} };
        let conference = HandleOps {
            handle: "Conference",
            operations: BTreeMap::from([("lock_meeting".to_owned(), None)]),
        };
        let error = split_handles(&mut file, &[conference]).unwrap_err();
        assert!(error.contains("found 0 of the 1 methods of `Conference`"), "{error}");
    }
}
