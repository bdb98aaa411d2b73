//! [`wire_enum!`]: the one definition of a small enum that travels as a number and is written as
//! a name — keys, key actions, node kinds, states, image errors, reset reasons, the engine ABI's
//! counters. Each gets its wire codes and names in one table, and `ALL`, `from_code`, `name` and
//! `from_name` from it, so a value cannot have a code without a name or be missing from `ALL`.

/// Defines a fieldless enum with explicit wire codes and names:
///
/// ```ignore
/// wire_enum! {
///     /// What happened to a key.
///     pub enum KeyAction: u8 {
///         /// The key went down.
///         Press = 0 "press",
///     }
/// }
/// ```
///
/// The enum derives `Debug, Clone, Copy, PartialEq, Eq, Hash` (add more with another
/// `#[derive]`) and gets `ALL` (in the order written), `from_code`, `name` and `from_name`.
#[macro_export]
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $Name:ident: $Repr:ident {
            $($(#[$vmeta:meta])* $Variant:ident = $code:literal $text:literal,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr($Repr)]
        $vis enum $Name {
            $($(#[$vmeta])* $Variant = $code,)*
        }

        impl $Name {
            /// Every value, in code order.
            pub const ALL: [$Name; [$($code),*].len()] = [$($Name::$Variant,)*];

            /// The value with this wire code.
            pub fn from_code(code: $Repr) -> Option<$Name> {
                match code {
                    $($code => Some($Name::$Variant),)*
                    _ => None,
                }
            }

            /// The value's name, as the text form and the SDK write it.
            pub fn name(self) -> &'static str {
                match self {
                    $($Name::$Variant => $text,)*
                }
            }

            /// The value with this [`name`](Self::name).
            pub fn from_name(name: &str) -> Option<$Name> {
                match name {
                    $($text => Some($Name::$Variant),)*
                    _ => None,
                }
            }
        }
    };
}
