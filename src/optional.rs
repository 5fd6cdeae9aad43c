//! What an optional text field's setter takes: `&str`, `String`, `&String`, or an `Option` of
//! them (`None` clears it), so `.subject("Design review")` compiles as `.subject(value)` does.

/// A value for an optional field of type `Option<T>`.
pub trait IntoOptional<T> {
    /// The field's value.
    fn into_optional(self) -> Option<T>;
}

impl IntoOptional<String> for String {
    fn into_optional(self) -> Option<String> {
        Some(self)
    }
}

impl IntoOptional<String> for &str {
    fn into_optional(self) -> Option<String> {
        Some(self.to_owned())
    }
}

impl IntoOptional<String> for &String {
    fn into_optional(self) -> Option<String> {
        Some(self.clone())
    }
}

impl IntoOptional<String> for Option<String> {
    fn into_optional(self) -> Option<String> {
        self
    }
}

impl IntoOptional<String> for Option<&str> {
    fn into_optional(self) -> Option<String> {
        self.map(str::to_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_in_every_shape_people_have_it() {
        let owned = "b".to_owned();
        assert_eq!(IntoOptional::<String>::into_optional("a"), Some("a".to_owned()));
        assert_eq!(IntoOptional::<String>::into_optional(&owned), Some("b".to_owned()));
        assert_eq!(IntoOptional::<String>::into_optional(owned), Some("b".to_owned()));
        assert_eq!(IntoOptional::<String>::into_optional(Some("c")), Some("c".to_owned()));
        assert_eq!(IntoOptional::<String>::into_optional(None::<String>), None);
    }
}
