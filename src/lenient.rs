//! Response values the service does not always send with their documented type.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A boolean of a response. The service documents `true`/`false`, but some responses carry
/// the strings `"true"`/`"false"` (API Explorer's SearchMeetings example); both are accepted.
/// Serialized as a JSON boolean.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct LenientBool(pub bool);

impl std::ops::Deref for LenientBool {
    type Target = bool;
    fn deref(&self) -> &bool {
        &self.0
    }
}

impl From<bool> for LenientBool {
    fn from(value: bool) -> Self {
        LenientBool(value)
    }
}

impl From<LenientBool> for bool {
    fn from(value: LenientBool) -> Self {
        value.0
    }
}

impl fmt::Display for LenientBool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for LenientBool {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(self.0)
    }
}

impl<'de> Deserialize<'de> for LenientBool {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Bool(bool),
            Text(String),
        }
        match Wire::deserialize(deserializer)? {
            Wire::Bool(value) => Ok(LenientBool(value)),
            Wire::Text(text) => match text.trim() {
                "true" | "TRUE" | "True" | "1" => Ok(LenientBool(true)),
                "false" | "FALSE" | "False" | "0" => Ok(LenientBool(false)),
                other => Err(serde::de::Error::custom(format!("expected a boolean, found {other:?}"))),
            },
        }
    }
}

impl schemars::JsonSchema for LenientBool {
    fn schema_name() -> String {
        "LenientBool".into()
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        generator.subschema_for::<bool>()
    }
}

/// Integer types that accept what the service really sends: a number, or a string holding one
/// (even with trailing punctuation); serialized as a JSON number.
macro_rules! lenient_integer {
    ($(#[$doc:meta])* $name:ident($int:ty)) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub $int);

        impl std::ops::Deref for $name {
            type Target = $int;
            fn deref(&self) -> &$int {
                &self.0
            }
        }

        impl From<$int> for $name {
            fn from(value: $int) -> Self {
                $name(value)
            }
        }

        impl From<$name> for $int {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.0.serialize(serializer)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #[derive(Deserialize)]
                #[serde(untagged)]
                enum Wire {
                    Number($int),
                    Text(String),
                }
                match Wire::deserialize(deserializer)? {
                    Wire::Number(value) => Ok($name(value)),
                    Wire::Text(text) => leading_integer(&text)
                        .map($name)
                        .ok_or_else(|| serde::de::Error::custom(format!("expected an integer, found {text:?}"))),
                }
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> String {
                stringify!($name).into()
            }

            fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
                generator.subschema_for::<$int>()
            }
        }
    };
}

/// The integer a text starts with (`"0,"` is 0), if any.
fn leading_integer<T: std::str::FromStr>(text: &str) -> Option<T> {
    let text = text.trim();
    let end = text
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && (*c == '-' || *c == '+'))))
        .map_or(text.len(), |(i, _)| i);
    text[..end].parse().ok()
}

lenient_integer! {
    /// An integer of a response. Documented as an integer, but some responses carry it as a
    /// string, even with trailing punctuation (`"callInRestriction": "0,"` in API Explorer's
    /// CreateMeeting example); the leading integer is taken. Serialized as a JSON number.
    LenientI32(i32)
}

lenient_integer! {
    /// A 64-bit integer of a response (epoch milliseconds), which some responses carry as a
    /// string (`operateTime` in API Explorer's SearchCtlRecordsOfHisMeeting example); as
    /// [`LenientI32`] otherwise.
    LenientI64(i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_and_their_strings_are_accepted() {
        let parse = |s: &str| serde_json::from_str::<LenientBool>(s).map(|b| b.0);
        assert!(parse("true").unwrap());
        assert!(!parse("\"false\"").unwrap());
        assert!(parse("\"true\"").unwrap());
        assert!(parse("\"maybe\"").is_err());
        assert!(parse("3").is_err());
        assert_eq!(serde_json::to_string(&LenientBool(true)).unwrap(), "true");
    }

    #[test]
    fn integers_and_their_strings_are_accepted() {
        let parse = |s: &str| serde_json::from_str::<LenientI32>(s).map(|n| n.0);
        assert_eq!(parse("15").unwrap(), 15);
        assert_eq!(parse("\"0,\"").unwrap(), 0);
        assert_eq!(parse("\" -3 \"").unwrap(), -3);
        assert!(parse("\"none\"").is_err());
        assert!(parse("\"\"").is_err());
        assert_eq!(serde_json::to_string(&LenientI32(7)).unwrap(), "7");
        let parse = |s: &str| serde_json::from_str::<LenientI64>(s).map(|n| n.0);
        assert_eq!(parse("\"1906531200000\"").unwrap(), 1_906_531_200_000);
        assert_eq!(parse("1906531200000").unwrap(), 1_906_531_200_000);
        assert!(parse("\"x\"").is_err());
    }
}
