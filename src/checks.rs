//! Typed requests checked against the spec's constraints without serialising them: build.rs
//! (`build/checks.rs`) gives every generated body type an implementation of [`Checked`] and
//! makes each builder's `into_request` check its parameters and body, with the constraints
//! of the spec written into the code as [`Rules`]. Fields are named as the JSON validator
//! names them (`body.attendees.0.name`, ``query parameter `limit` ``), and the reasons read as
//! its do; JSON from `Client::call` and the `meeting` command is still checked by the JSON
//! validator (`validate.rs`) first, and the simulator checks what it receives with it too.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{OnceLock, RwLock};

use crate::secret::Secret;

/// A rule a request breaks.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Violation {
    pub(crate) field: String,
    pub(crate) reason: String,
}

impl Violation {
    pub(crate) fn into_error(self) -> crate::Error {
        crate::Error::InvalidInput {
            field: self.field,
            reason: self.reason,
        }
    }
}

/// The constraints the spec puts on one value.
#[derive(Debug)]
pub struct Rules {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<&'static str>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    /// The allowed values of an integer (`enum`); empty when any is.
    pub allowed: &'static [i64],
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    /// The rules of each item of an array.
    pub items: Option<&'static Rules>,
}

impl Rules {
    /// No constraint.
    pub const NONE: Rules = Rules {
        min_length: None,
        max_length: None,
        pattern: None,
        minimum: None,
        maximum: None,
        allowed: &[],
        min_items: None,
        max_items: None,
        items: None,
    };
}

/// Where a value is: a root (`body`, ``query parameter `limit` ``), a property of an object,
/// or an item of an array. Formatted only when a rule is broken.
#[derive(Clone, Copy, Debug)]
pub enum Path<'a> {
    Root(&'static str),
    Key(&'a Path<'a>, &'static str),
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root(name) => f.write_str(name),
            Path::Key(parent, key) => write!(f, "{parent}.{key}"),
            Path::Index(parent, index) => write!(f, "{parent}.{index}"),
        }
    }
}

fn broken(at: &Path<'_>, reason: String) -> Result<(), Violation> {
    Err(Violation {
        field: at.to_string(),
        reason,
    })
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A value the spec's rules can be checked on. Types without constraints of their own (enums,
/// booleans, lenient numbers) keep the default: nothing to check.
pub trait Checked {
    /// Checks `self`, found at `at`, against `rules` (and, for an object, each field against
    /// its own).
    fn check(&self, rules: &Rules, at: &Path<'_>) -> Result<(), Violation> {
        let _ = (rules, at);
        Ok(())
    }
}

/// Checks a string's length and pattern; `shown` is how the value appears in a reason.
fn check_text(text: &str, shown: &dyn Fn() -> String, rules: &Rules, at: &Path<'_>) -> Result<(), Violation> {
    if rules.min_length.is_some() || rules.max_length.is_some() {
        let length = text.chars().count() as u64;
        if let Some(max) = rules.max_length.filter(|max| length > *max) {
            return broken(at, format!("{} is longer than {max} character{}", shown(), plural(max)));
        }
        if let Some(min) = rules.min_length.filter(|min| length < *min) {
            return broken(
                at,
                format!("{} is shorter than {min} character{}", shown(), plural(min)),
            );
        }
    }
    if let Some(pattern) = rules.pattern
        && !matches(pattern, text)
    {
        return broken(at, format!("{} does not match \"{pattern}\"", shown()));
    }
    Ok(())
}

/// Whether `text` matches `pattern` (ECMA-262 syntax with look-arounds, as the JSON
/// validator reads it), each pattern compiled once. The patterns are the spec's literals in
/// the generated code: their address and length are their identity (no hashing of the text
/// per check; two literals at one address with one length are the same text).
fn matches(pattern: &'static str, text: &str) -> bool {
    type Compiled = RwLock<BTreeMap<(usize, usize), fancy_regex::Regex>>;
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    let compiled = COMPILED.get_or_init(Default::default);
    let key = (pattern.as_ptr() as usize, pattern.len());
    if let Some(regex) = compiled.read().expect("pattern cache").get(&key) {
        return regex.is_match(text).unwrap_or(false);
    }
    let regex = fancy_regex::Regex::new(pattern).expect("the spec's patterns compile (checked by tests)");
    let found = regex.is_match(text).unwrap_or(false);
    compiled.write().expect("pattern cache").insert(key, regex);
    found
}

impl Checked for String {
    fn check(&self, rules: &Rules, at: &Path<'_>) -> Result<(), Violation> {
        check_text(self, &|| serde_json::Value::from(self.as_str()).to_string(), rules, at)
    }
}

impl Checked for Secret {
    fn check(&self, rules: &Rules, at: &Path<'_>) -> Result<(), Violation> {
        // A secret is described, never repeated.
        check_text(self.expose(), &|| "the value".to_owned(), rules, at)
    }
}

fn check_number(value: f64, shown: &dyn fmt::Display, rules: &Rules, at: &Path<'_>) -> Result<(), Violation> {
    if let Some(max) = rules.maximum.filter(|max| value > *max) {
        return broken(at, format!("{shown} is greater than the maximum of {max}"));
    }
    if let Some(min) = rules.minimum.filter(|min| value < *min) {
        return broken(at, format!("{shown} is less than the minimum of {min}"));
    }
    Ok(())
}

fn check_integer(value: i64, rules: &Rules, at: &Path<'_>) -> Result<(), Violation> {
    check_number(value as f64, &value, rules, at)?;
    if !rules.allowed.is_empty() && !rules.allowed.contains(&value) {
        let allowed: Vec<String> = rules.allowed.iter().map(ToString::to_string).collect();
        let (last, first) = allowed.split_last().expect("not empty");
        let listed = match first {
            [] => last.clone(),
            _ => format!("{} or {last}", first.join(", ")),
        };
        return broken(at, format!("{value} is not one of {listed}"));
    }
    Ok(())
}

impl Checked for i32 {
    fn check(&self, rules: &Rules, at: &Path<'_>) -> Result<(), Violation> {
        check_integer(i64::from(*self), rules, at)
    }
}

impl Checked for i64 {
    fn check(&self, rules: &Rules, at: &Path<'_>) -> Result<(), Violation> {
        check_integer(*self, rules, at)
    }
}

impl Checked for f64 {
    fn check(&self, rules: &Rules, at: &Path<'_>) -> Result<(), Violation> {
        check_number(*self, self, rules, at)
    }
}

/// A map the spec declares with `additionalProperties` (any key): its values carry no rules
/// of their own in this spec.
impl<V: Checked> Checked for std::collections::HashMap<String, V> {
    fn check(&self, _rules: &Rules, at: &Path<'_>) -> Result<(), Violation> {
        self.values().try_for_each(|value| value.check(&Rules::NONE, at))
    }
}

impl Checked for bool {}
impl Checked for serde_json::Value {}
impl Checked for serde_json::Map<String, serde_json::Value> {}
impl Checked for crate::LenientBool {}
impl Checked for crate::LenientI32 {}
impl Checked for crate::LenientI64 {}

impl<T: Checked> Checked for Option<T> {
    fn check(&self, rules: &Rules, at: &Path<'_>) -> Result<(), Violation> {
        match self {
            Some(value) => value.check(rules, at),
            None => Ok(()),
        }
    }
}

impl<T: Checked + serde::Serialize> Checked for Vec<T> {
    fn check(&self, rules: &Rules, at: &Path<'_>) -> Result<(), Violation> {
        let count = self.len() as u64;
        let shown = || serde_json::to_string(self).unwrap_or_default();
        if let Some(max) = rules.max_items.filter(|max| count > *max) {
            return broken(at, format!("{} has more than {max} item{}", shown(), plural(max)));
        }
        if let Some(min) = rules.min_items.filter(|min| count < *min) {
            return broken(at, format!("{} has less than {min} item{}", shown(), plural(min)));
        }
        let items = rules.items.unwrap_or(&Rules::NONE);
        for (index, item) in self.iter().enumerate() {
            item.check(items, &Path::Index(at, index))?;
        }
        Ok(())
    }
}

/// Checks one value of a request: `at` names it in an error.
pub(crate) fn check<T: Checked + ?Sized>(value: &T, rules: &Rules, at: &'static str) -> Result<(), crate::Error> {
    value.check(rules, &Path::Root(at)).map_err(Violation::into_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: Rules = Rules {
        max_length: Some(3),
        pattern: Some("^[a-z]+$"),
        ..Rules::NONE
    };
    const LIMIT: Rules = Rules {
        minimum: Some(1.0),
        maximum: Some(500.0),
        ..Rules::NONE
    };
    const TYPE: Rules = Rules {
        allowed: &[0, 1, 2],
        ..Rules::NONE
    };
    const NAMES: Rules = Rules {
        min_items: Some(1),
        items: Some(&NAME),
        ..Rules::NONE
    };

    fn failed<T: Checked>(value: T, rules: &Rules) -> (String, String) {
        let Err(Violation { field, reason }) = value.check(rules, &Path::Key(&Path::Root("body"), "field")) else {
            panic!("accepted")
        };
        (field, reason)
    }

    #[test]
    fn each_rule_is_checked_with_the_json_validator_s_wording() {
        assert_eq!(
            failed("abcd".to_owned(), &NAME).1,
            r#""abcd" is longer than 3 characters"#
        );
        assert_eq!(failed("ab1".to_owned(), &NAME).1, r#""ab1" does not match "^[a-z]+$""#);
        assert_eq!(failed(501, &LIMIT).1, "501 is greater than the maximum of 500");
        assert_eq!(failed(0i64, &LIMIT).1, "0 is less than the minimum of 1");
        assert_eq!(failed(7, &TYPE).1, "7 is not one of 0, 1 or 2");
        assert_eq!(failed(Vec::<String>::new(), &NAMES).1, "[] has less than 1 item");
        let (field, reason) = failed(vec!["ab".to_owned(), "abcd".to_owned()], &NAMES);
        assert_eq!(
            (field.as_str(), reason.as_str()),
            ("body.field.1", r#""abcd" is longer than 3 characters"#)
        );
        assert_eq!(
            failed(Secret::new("abcd"), &NAME).1,
            "the value is longer than 3 characters"
        );
        assert!(Some(2).check(&TYPE, &Path::Root("x")).is_ok() && None::<i32>.check(&TYPE, &Path::Root("x")).is_ok());
        // Unicode characters, not bytes, as JSON Schema counts.
        assert!("äöü".to_owned().check(&NAME, &Path::Root("x")).is_err(), "not [a-z]");
        assert!(
            "äöü"
                .to_owned()
                .check(
                    &Rules {
                        max_length: Some(3),
                        ..Rules::NONE
                    },
                    &Path::Root("x")
                )
                .is_ok()
        );
    }

    #[test]
    fn every_pattern_of_the_spec_compiles() {
        let spec: serde_json::Value =
            serde_json::from_str(include_str!(concat!(env!("OUT_DIR"), "/openapi.json"))).unwrap();
        let spec = &spec;
        let patterns: Vec<&str> = crate::spec_model::Spec::new(spec)
            .keyword_locations(&["pattern"])
            .into_iter()
            .filter_map(|(_, _, pattern)| pattern.as_str())
            .collect();
        assert!(!patterns.is_empty());
        for pattern in patterns {
            assert!(fancy_regex::Regex::new(pattern).is_ok(), "{pattern}");
        }
    }
}
