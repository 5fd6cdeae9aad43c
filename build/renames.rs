//! Identifiers: how a name of the spec becomes a Rust identifier in the generated code, and
//! the rewrite of progenitor's spelling where it differs (`conf_uui_ds` -> `conf_uuids`).

use std::collections::BTreeMap;

use serde_json::Value;

use super::naming;
use super::reshape::Reword;
use super::spec_model::Spec;

/// The builder field progenitor makes of a parameter name (`type` -> `type_`).
pub fn rust_field(name: &str) -> String {
    let mut field = rust_name(name);
    if syn::parse_str::<syn::Ident>(&field).is_err() {
        field.push('_'); // progenitor's rule for Rust keywords
    }
    field
}

/// Identifiers progenitor derives from the spec's names that read better with an acronym's
/// plural as one word (`conf_uui_ds` -> `conf_uuids`), progenitor's spelling -> ours.
pub fn identifier_renames(raw: &Value) -> Result<BTreeMap<String, String>, String> {
    use heck::ToSnakeCase;
    let names = Spec::new(raw).names();
    let derived: std::collections::BTreeSet<String> = names.iter().map(|n| n.to_snake_case()).collect();
    let mut renames = BTreeMap::new();
    for name in &names {
        let ours = rust_name(name);
        let theirs = name.to_snake_case();
        if ours != theirs {
            if derived.contains(&ours) {
                return Err(format!(
                    "`{name}` would be `{ours}`, which another name of the spec already is"
                ));
            }
            renames.insert(theirs, ours);
        }
    }
    Ok(renames)
}

/// The Rust identifier of a name of the spec, as the generated code has it after
/// `rewrite_identifiers` (`confUUIDs` -> `conf_uuids`; progenitor's own rule otherwise).
pub fn rust_name(name: &str) -> String {
    use heck::ToSnakeCase;
    naming::acronym_plurals_as_words(name).to_snake_case()
}

/// Rewrites progenitor's identifiers: the `renames` (and their mentions in string literals,
/// docs and messages, whole words only; serde's `rename = "confUUIDs"` keeps the wire name),
/// and `gen`, which typify 0.8 names a parameter but edition 2024 reserves, as `r#gen`.
pub fn rewrite_identifiers(
    tokens: proc_macro2::TokenStream,
    renames: &BTreeMap<String, String>,
    reword: &Reword,
) -> proc_macro2::TokenStream {
    use proc_macro2::{Group, Ident, Literal, TokenTree};
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Ident(ident) if ident == "gen" => TokenTree::Ident(Ident::new_raw("gen", ident.span())),
            TokenTree::Ident(ident) => match renames.get(&ident.to_string()) {
                Some(ours) => TokenTree::Ident(Ident::new(ours, ident.span())),
                None => TokenTree::Ident(ident),
            },
            TokenTree::Literal(literal)
                if let Some(reworded) = syn::parse_str::<syn::LitStr>(&literal.to_string())
                    .ok()
                    .and_then(|text| reword.literal(&text.value())) =>
            {
                let mut reworded = Literal::string(&reworded);
                reworded.set_span(literal.span());
                TokenTree::Literal(reworded)
            }
            TokenTree::Literal(literal) if !renames.is_empty() => {
                let text = literal.to_string();
                let renamed = renames
                    .iter()
                    .fold(text.clone(), |text, (theirs, ours)| replace_word(&text, theirs, ours));
                match renamed.parse::<Literal>() {
                    Ok(mut renamed) if renamed.to_string() != text => {
                        renamed.set_span(literal.span());
                        TokenTree::Literal(renamed)
                    }
                    _ => TokenTree::Literal(literal),
                }
            }
            TokenTree::Group(group) => {
                let mut rewritten = Group::new(group.delimiter(), rewrite_identifiers(group.stream(), renames, reword));
                rewritten.set_span(group.span());
                TokenTree::Group(rewritten)
            }
            other => other,
        })
        .collect()
}

/// `text` with every whole-word `word` (not inside a longer identifier) replaced.
fn replace_word(text: &str, word: &str, with: &str) -> String {
    let is_ident_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let before = rest[..at].chars().next_back().or_else(|| out.chars().next_back());
        let after = rest[at + word.len()..].chars().next();
        out.push_str(&rest[..at]);
        if before.is_some_and(is_ident_char) || after.is_some_and(is_ident_char) {
            out.push_str(word);
        } else {
            out.push_str(with);
        }
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn acronym_plurals_are_renamed_and_keywords_get_an_underscore() {
        let raw =
            json!({"components": {"schemas": {"A": {"properties": {"confUUIDs": {}, "type": {}, "subject": {}}}}}});
        let renames = identifier_renames(&raw).unwrap();
        assert_eq!(
            renames,
            BTreeMap::from([("conf_uui_ds".to_owned(), "conf_uuids".to_owned())])
        );
        assert_eq!(
            (rust_field("type"), rust_field("conferenceID")),
            ("type_".to_owned(), "conference_id".to_owned())
        );
    }

    #[test]
    fn a_rename_onto_another_name_is_refused() {
        let raw = json!({"components": {"schemas": {"A": {"properties": {"confUUIDs": {}, "confUuids": {}}}}}});
        assert!(
            identifier_renames(&raw)
                .unwrap_err()
                .contains("another name of the spec")
        );
    }

    #[test]
    fn only_whole_words_are_replaced() {
        assert_eq!(
            replace_word("conf_uui_ds, my_conf_uui_ds", "conf_uui_ds", "conf_uuids"),
            "conf_uuids, my_conf_uui_ds"
        );
    }

    #[test]
    fn identifiers_and_their_mentions_are_rewritten() {
        let renames = BTreeMap::from([("conf_uui_ds".to_owned(), "conf_uuids".to_owned())]);
        let reword = Reword::new(&json!({}));
        let tokens: proc_macro2::TokenStream =
            r#"fn f(gen: u8) { let conf_uui_ds = "conf_uui_ds was not initialized"; }"#
                .parse()
                .unwrap();
        let out = rewrite_identifiers(tokens, &renames, &reword).to_string();
        assert!(out.contains("r#gen") && out.contains("let conf_uuids"), "{out}");
        assert!(out.contains(r#""is required but was not set""#), "{out}");
    }
}
