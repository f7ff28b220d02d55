//! The rule every cauldron id obeys, shared by `enter`, the registry and the settings' check
//! hooks so that no route accepts an id another route would refuse.

/// Longest id, in characters: the tenant column is `varchar(50)`.
pub const MAX_LEN: usize = 50;

/// The rule in words, quoted by every error that rejects an id.
pub const RULE: &str = "a cauldron id is 1 to 50 characters from A-Z, a-z, 0-9, '-', '_' and \
                        '.', starting with a letter or a digit";

/// Why an id was refused. The message names the rule; the detail names the offending value.
#[derive(Debug, PartialEq, Eq)]
pub enum InvalidId {
    /// The empty string.
    Empty,
    /// More than [`MAX_LEN`] characters; ids are never truncated.
    TooLong { chars: usize },
    /// A character outside the set, at a 1-based position.
    BadCharacter { position: usize, character: char },
    /// The first character is punctuation.
    BadStart { character: char },
}

impl InvalidId {
    /// A short lowercase message in the PostgreSQL style.
    pub fn message(&self) -> String {
        match self {
            InvalidId::Empty => "cauldron id must not be empty".into(),
            InvalidId::TooLong { .. } => "cauldron id is longer than 50 characters".into(),
            InvalidId::BadCharacter { .. } => {
                "cauldron id contains a character outside the allowed set".into()
            }
            InvalidId::BadStart { .. } => "cauldron id must start with a letter or a digit".into(),
        }
    }

    /// The value-bearing part of the error, for the DETAIL line.
    pub fn detail(&self) -> String {
        match self {
            InvalidId::Empty => "The id has 0 characters.".into(),
            InvalidId::TooLong { chars } => format!("The id has {chars} characters."),
            InvalidId::BadCharacter {
                position,
                character,
            } => {
                format!("Character {position} is {}.", describe(*character))
            }
            InvalidId::BadStart { character } => {
                format!("The first character is {}.", describe(*character))
            }
        }
    }
}

/// Checks `id` against [`RULE`].
pub fn validate(id: &str) -> Result<(), InvalidId> {
    if id.is_empty() {
        return Err(InvalidId::Empty);
    }
    let chars = id.chars().count();
    if chars > MAX_LEN {
        return Err(InvalidId::TooLong { chars });
    }
    for (index, character) in id.chars().enumerate() {
        if !is_allowed(character) {
            return Err(InvalidId::BadCharacter {
                position: index + 1,
                character,
            });
        }
    }
    let first = id.chars().next().expect("checked non-empty above");
    if !first.is_ascii_alphanumeric() {
        return Err(InvalidId::BadStart { character: first });
    }
    Ok(())
}

fn is_allowed(character: char) -> bool {
    character.is_ascii_alphanumeric() || matches!(character, '-' | '_' | '.')
}

/// Control and space characters are shown by code point so the DETAIL stays on one line.
fn describe(character: char) -> String {
    if character.is_control() || character.is_whitespace() {
        format!("U+{:04X}", character as u32)
    } else {
        format!("'{character}' (U+{:04X})", character as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_pilot_and_the_bounds() {
        assert_eq!(validate("10ksb-pilot"), Ok(()));
        assert_eq!(validate("a"), Ok(()));
        assert_eq!(validate(&"x".repeat(50)), Ok(()));
        assert_eq!(validate("Acme.eu_west-1"), Ok(()));
    }

    #[test]
    fn refuses_empty_long_and_foreign_characters() {
        assert_eq!(validate(""), Err(InvalidId::Empty));
        assert_eq!(
            validate(&"x".repeat(51)),
            Err(InvalidId::TooLong { chars: 51 })
        );
        for bad in [
            "a b", "a'b", "a\"b", "a\nb", "a\tb", "a;b", "a\u{0}b", "é", "a/b", "a%",
        ] {
            assert!(
                matches!(validate(bad), Err(InvalidId::BadCharacter { .. })),
                "{bad:?} was accepted"
            );
        }
        assert_eq!(
            validate("-acme"),
            Err(InvalidId::BadStart { character: '-' })
        );
    }

    #[test]
    fn counts_characters_not_bytes() {
        let error = validate(&"é".repeat(51)).unwrap_err();
        assert_eq!(error, InvalidId::TooLong { chars: 51 });
    }
}
