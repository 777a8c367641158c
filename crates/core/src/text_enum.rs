//! Enums whose values travel as fixed lower-case words (statuses, roles, reason codes).

/// Declares a fieldless enum whose values are words on the wire and in storage, with `ALL`,
/// `as_str`, `Display` and a `FromStr` whose error lists the accepted words. A value may have
/// aliases that parse to it (`Confirmed = "confirmed" | "pending_payment"`).
///
/// ```
/// kedai_core::text_enum! {
///     /// A traffic light.
///     pub enum Light ("a light") {
///         /// Stop.
///         Red = "red",
///         /// Go.
///         Green = "green" | "go",
///     }
/// }
/// assert_eq!("go".parse::<Light>(), Ok(Light::Green));
/// assert_eq!(Light::Red.to_string(), "red");
/// assert_eq!("amber".parse::<Light>(), Err("`amber` is not a light (red, green)".to_owned()));
/// ```
#[macro_export]
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [Self; [$($text),+].len()] = [$(Self::$variant),+];

            /// The wire and storage word.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $text ),+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $text $(| $alias)* => Ok(Self::$variant), )+
                    _ => Err(format!("`{s}` is not {} ({})", $what, [$($text),+].join(", "))),
                }
            }
        }
    };
}
