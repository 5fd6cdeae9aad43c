//! Reading progenitor's output: its builders' fields and the types inside `Result` and
//! `Option`.

use std::collections::BTreeMap;

/// The items of progenitor's top-level `mod #name` (`types`, `builder`).
pub fn module<'f>(file: &'f syn::File, name: &str) -> Result<&'f [syn::Item], String> {
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| items.as_slice()),
            _ => None,
        })
        .ok_or(format!("progenitor generated no `mod {name}`"))
}

/// The items of progenitor's top-level `mod #name`, to change them.
pub fn module_mut<'f>(file: &'f mut syn::File, name: &str) -> Result<&'f mut Vec<syn::Item>, String> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .ok_or(format!("progenitor generated no `mod {name}`"))
}

/// Each builder struct of progenitor's `mod builder`: its fields but `client`, with the `T`
/// of their `Result<T, String>` type.
pub fn builder_fields(file: &syn::File) -> Result<BTreeMap<String, Vec<(String, syn::Type)>>, String> {
    let mut builders = BTreeMap::new();
    for item in module(file, "builder")? {
        let syn::Item::Struct(s) = item else { continue };
        let mut fields = Vec::new();
        for field in &s.fields {
            let Some(name) = &field.ident else { continue };
            if name == "client" {
                continue;
            }
            let inner = first_generic(&field.ty, "Result").ok_or(format!(
                "builder `{}` field `{name}` is not a Result<_, String>",
                s.ident
            ))?;
            fields.push((name.to_string(), inner));
        }
        builders.insert(s.ident.to_string(), fields);
    }
    Ok(builders)
}

/// `T` of `Wrapper<T, ..>` when the type's last path segment is `wrapper`.
pub fn first_generic(ty: &syn::Type, wrapper: &str) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else { return None };
    let last = path.path.segments.last().filter(|s| s.ident == wrapper)?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner.clone()),
        _ => None,
    }
}

pub fn option_inner(ty: &syn::Type) -> Option<syn::Type> {
    first_generic(ty, "Option")
}

/// `types::builder::X` (a body builder) -> `types::X`, the type its setter converts into.
pub fn builder_to_type(ty: syn::Type) -> syn::Type {
    let syn::Type::Path(mut path) = ty else { return ty };
    let segments: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
    if segments.len() == 3 && segments[0] == "types" && segments[1] == "builder" {
        let last = path.path.segments.pop().expect("three segments");
        path.path.segments.pop();
        path.path.segments.push(last);
    }
    syn::Type::Path(path)
}

/// `T` of a `Result<T, E>` return type.
pub fn result_ok_type(output: &syn::ReturnType) -> Option<syn::Type> {
    match output {
        syn::ReturnType::Type(_, ty) => first_generic(ty, "Result"),
        syn::ReturnType::Default => None,
    }
}

/// Each builder's `send()` success type (`T` of `Result<ResponseValue<T>, _>`), by builder.
pub fn send_outputs(file: &syn::File) -> Result<BTreeMap<String, syn::Type>, String> {
    let mut outputs = BTreeMap::new();
    for item in module(file, "builder")? {
        let syn::Item::Impl(block) = item else { continue };
        let syn::Type::Path(self_ty) = &*block.self_ty else {
            continue;
        };
        let Some(name) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        for inner in &block.items {
            let syn::ImplItem::Fn(f) = inner else { continue };
            if f.sig.ident != "send" {
                continue;
            }
            let value = result_ok_type(&f.sig.output)
                .and_then(|ok| first_generic(&ok, "ResponseValue"))
                .ok_or(format!("`{name}::send` does not return a Result<ResponseValue<_>, _>"))?;
            outputs.insert(name.clone(), value);
        }
    }
    Ok(outputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_fields_are_read_with_their_value_types() {
        let file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct CancelMeeting<'a> {
                    client: &'a super::Client,
                    conference_id: Result<::std::string::String, String>,
                    type_: Result<Option<i32>, String>,
                    body: Result<types::builder::Body, String>,
                }
            }
        };
        let fields = builder_fields(&file).unwrap();
        let rendered: Vec<(String, String)> = fields["CancelMeeting"]
            .iter()
            .map(|(name, ty)| (name.clone(), quote::quote!(#ty).to_string().replace(' ', "")))
            .collect();
        assert_eq!(
            rendered,
            [
                ("conference_id".to_owned(), "::std::string::String".to_owned()),
                ("type_".to_owned(), "Option<i32>".to_owned()),
                ("body".to_owned(), "types::builder::Body".to_owned()),
            ]
        );
        let (_, body) = &fields["CancelMeeting"][2];
        let body = builder_to_type(body.clone());
        assert_eq!(quote::quote!(#body).to_string().replace(' ', ""), "types::Body");
        let (_, optional) = &fields["CancelMeeting"][1];
        assert!(option_inner(optional).is_some());
    }

    #[test]
    fn a_builder_field_that_is_not_a_result_is_refused() {
        let file: syn::File = syn::parse_quote! { pub mod builder { pub struct X { limit: i32 } } };
        let Err(error) = builder_fields(&file) else {
            panic!("a plain field was accepted")
        };
        assert!(error.contains("is not a Result<_, String>"), "{error}");
    }
}
