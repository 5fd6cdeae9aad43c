//! Body-builder setters that take what people type (typify has no setting for them):
//! an optional text field takes `&str` as well as `String` and `Option`s of them
//! (`.subject("Design review")`), and a list of objects takes their builders as well as their
//! values (`.attendees(vec![RestAttendeeDto::builder().name("Ann")])`).

use quote::quote;

use super::syntax::module_mut;

/// Rewrites the setters of `types::builder`; returns how many.
pub fn accept_what_people_type(file: &mut syn::File) -> Result<usize, String> {
    let mut rewritten = 0;
    for item in module_mut(file, "types")? {
        let syn::Item::Mod(m) = item else { continue };
        let Some((_, items)) = m.content.as_mut().filter(|_| m.ident == "builder") else {
            continue;
        };
        for item in items {
            let syn::Item::Impl(block) = item else { continue };
            for member in &mut block.items {
                let syn::ImplItem::Fn(setter) = member else { continue };
                if let Some(new) = rewrite(setter) {
                    *setter = new;
                    rewritten += 1;
                }
            }
        }
    }
    Ok(rewritten)
}

/// The `X` of the setter's bound `T: TryInto<X>`.
fn target(setter: &syn::ImplItemFn) -> Option<syn::Type> {
    let predicates = &setter.sig.generics.where_clause.as_ref()?.predicates;
    predicates.iter().find_map(|predicate| {
        let syn::WherePredicate::Type(bound) = predicate else {
            return None;
        };
        bound.bounds.iter().find_map(|b| {
            let syn::TypeParamBound::Trait(t) = b else { return None };
            let last = t.path.segments.last().filter(|s| s.ident == "TryInto")?;
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            match args.args.first()? {
                syn::GenericArgument::Type(ty) => Some(ty.clone()),
                _ => None,
            }
        })
    })
}

fn text(ty: &syn::Type) -> String {
    quote!(#ty).to_string().replace(' ', "")
}

fn rewrite(setter: &syn::ImplItemFn) -> Option<syn::ImplItemFn> {
    let target = text(&target(setter)?);
    let attrs = &setter.attrs;
    let name = &setter.sig.ident;
    let message = format!("error converting supplied value for {name}: {{}}");
    if target == "::std::option::Option<::std::string::String>" {
        return Some(syn::parse_quote! {
            #(#attrs)*
            ///
            /// Takes `&str`, `String` or an `Option` of them.
            pub fn #name<T>(mut self, value: T) -> Self
            where
                T: crate::IntoOptional<::std::string::String>,
            {
                self.#name = Ok(crate::IntoOptional::into_optional(value));
                self
            }
        });
    }
    let item = target
        .strip_prefix("::std::vec::Vec<super::")
        .and_then(|rest| rest.strip_suffix('>'))
        .filter(|item| item.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))?;
    let item = quote::format_ident!("{item}");
    Some(syn::parse_quote! {
        #(#attrs)*
        ///
        /// Takes the items or their builders.
        pub fn #name<I, V>(mut self, values: I) -> Self
        where
            I: ::std::iter::IntoIterator<Item = V>,
            V: ::std::convert::TryInto<super::#item>,
            V::Error: ::std::fmt::Display,
        {
            self.#name = values
                .into_iter()
                .map(|value| value.try_into().map_err(|e| format!(#message, e)))
                .collect();
            self
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn optional_text_and_lists_of_objects_are_rewritten_and_nothing_else() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub mod builder {
                    impl RestScheduleConfDto {
                        pub fn subject<T>(mut self, value: T) -> Self
                        where T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>, T::Error: ::std::fmt::Display,
                        { self.subject = value.try_into().map_err(|e| format!("error converting supplied value for subject: {e}")); self }
                        pub fn attendees<T>(mut self, value: T) -> Self
                        where T: ::std::convert::TryInto<::std::vec::Vec<super::RestAttendeeDto>>, T::Error: ::std::fmt::Display,
                        { self.attendees = value.try_into().map_err(|e| format!("error converting supplied value for attendees: {e}")); self }
                        pub fn length<T>(mut self, value: T) -> Self
                        where T: ::std::convert::TryInto<::std::option::Option<i32>>, T::Error: ::std::fmt::Display,
                        { self }
                    }
                }
            }
        };
        assert_eq!(accept_what_people_type(&mut file).unwrap(), 2);
        let code = file.to_token_stream().to_string().replace(' ', "");
        assert!(
            code.contains("pubfnsubject<T>(mutself,value:T)->SelfwhereT:crate::IntoOptional<::std::string::String>"),
            "{code}"
        );
        assert!(
            code.contains("V:::std::convert::TryInto<super::RestAttendeeDto>"),
            "{code}"
        );
        assert!(
            code.contains("T:::std::convert::TryInto<::std::option::Option<i32>>"),
            "other setters unchanged: {code}"
        );
    }
}
