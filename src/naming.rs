//! How a name of the spec becomes a Rust identifier or a command-line flag.
//!
//! Shared by build.rs (the generated client) and the `meeting` command (its flags), included
//! by both with `#[path]`; not a module of the library. It has no dependencies: callers
//! snake- or kebab-case its output with heck, as progenitor does.

/// Writes an acronym's plural as one word: `confUUIDs` -> `confUuids`, `cycleSubConfIDs` ->
/// `cycleSubConfIds`. Case converters (heck, hence progenitor) otherwise read the final
/// `Ds` as a word of its own and give `conf_uui_ds`. Other names come back unchanged.
pub fn acronym_plurals_as_words(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..].iter().take_while(|c| c.is_ascii_uppercase()).count();
        let plural_s = chars.get(i + run) == Some(&'s');
        let word_ends = chars.get(i + run + 1).is_none_or(|c| !c.is_ascii_lowercase());
        if run >= 2 && plural_s && word_ends {
            out.push(chars[i]);
            out.extend(chars[i + 1..i + run].iter().map(char::to_ascii_lowercase));
            i += run;
        } else if run > 0 {
            out.extend(&chars[i..i + run]);
            i += run;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::acronym_plurals_as_words as words;

    #[test]
    fn acronym_plurals_become_words() {
        assert_eq!(words("confUUIDs"), "confUuids");
        assert_eq!(words("cycleSubConfIDs"), "cycleSubConfIds");
        assert_eq!(words("IDs"), "Ids");
        assert_eq!(words("userIDsList"), "userIdsList");
    }

    #[test]
    fn other_names_are_unchanged() {
        for name in [
            "conferenceID",
            "confUUID",
            "X-Request-Id",
            "type",
            "vmrIDType",
            "UUIDstring",
            "userIds",
        ] {
            assert_eq!(words(name), name);
        }
    }
}
