//! Closed vocabularies with a machine code and a Japanese label.
//!
//! Kinds, levels, statuses and purposes are all small closed sets that travel as a stable
//! ASCII code (JSON, database, URLs) and are shown and typed in Japanese (pages, CSV, CLI).
//! One macro writes the enum, both spellings and the parser, so the sets cannot drift apart.

/// Declares a closed vocabulary: `Variant = ("code", "ラベル")`.
///
/// The generated type serialises as its code, parses from either spelling
/// (`parse`), lists every member in declaration order (`ALL`) and shows its label.
#[macro_export]
macro_rules! labeled_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident : $what:literal, $hint:literal {
            $( $(#[$vmeta:meta])* $variant:ident = ($code:literal, $label:literal) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $name { $( $(#[$vmeta])* $variant ),+ }

        impl $name {
            /// Every member, in the order staff expect to see them.
            pub const ALL: &'static [$name] = &[ $( $name::$variant ),+ ];

            /// The stable ASCII code used in JSON, the database and URLs.
            pub fn code(self) -> &'static str {
                match self { $( $name::$variant => $code ),+ }
            }

            /// The Japanese label shown to people.
            pub fn label(self) -> &'static str {
                match self { $( $name::$variant => $label ),+ }
            }

            /// Accepts the code or the label (surrounding blanks ignored).
            pub fn parse(raw: &str) -> Result<Self, $crate::program::ModelError> {
                let raw = raw.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code() == raw || v.label() == raw)
                    .ok_or_else(|| $crate::program::ModelError::UnknownValue {
                        what: $what,
                        value: raw.to_owned(),
                        hint: $hint,
                    })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                Self::parse(&raw).map_err(::serde::de::Error::custom)
            }
        }
    };
}
