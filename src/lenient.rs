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

/// An integer of a response. Documented as an integer, but some responses carry it as a
/// string, even with trailing punctuation (`"callInRestriction": "0,"` in API Explorer's
/// CreateMeeting example); the leading integer is taken. Serialized as a JSON number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LenientI32(pub i32);

impl std::ops::Deref for LenientI32 {
    type Target = i32;
    fn deref(&self) -> &i32 {
        &self.0
    }
}

impl From<i32> for LenientI32 {
    fn from(value: i32) -> Self {
        LenientI32(value)
    }
}

impl From<LenientI32> for i32 {
    fn from(value: LenientI32) -> Self {
        value.0
    }
}

impl fmt::Display for LenientI32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for LenientI32 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i32(self.0)
    }
}

impl<'de> Deserialize<'de> for LenientI32 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Number(i32),
            Text(String),
        }
        match Wire::deserialize(deserializer)? {
            Wire::Number(value) => Ok(LenientI32(value)),
            Wire::Text(text) => {
                let text = text.trim();
                let end = text
                    .char_indices()
                    .find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && (*c == '-' || *c == '+'))))
                    .map_or(text.len(), |(i, _)| i);
                text[..end]
                    .parse()
                    .map(LenientI32)
                    .map_err(|_| serde::de::Error::custom(format!("expected an integer, found {text:?}")))
            }
        }
    }
}

impl schemars::JsonSchema for LenientI32 {
    fn schema_name() -> String {
        "LenientI32".into()
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        generator.subschema_for::<i32>()
    }
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
    }
}
