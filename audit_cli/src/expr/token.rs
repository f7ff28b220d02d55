//! Splits deparsed SQL expression text into tokens.

use super::ParseError;

/// One lexical token of an SQL expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// An identifier or keyword, unquoted and lowercased; `quoted` keeps case and marks that
    /// it can never be a keyword.
    Ident { text: String, quoted: bool },
    /// A string literal's value (`'a''b'` gives `a'b`).
    String(String),
    /// A numeric literal as written.
    Number(String),
    /// An operator such as `=`, `<>`, `||`, `~~`.
    Operator(String),
    /// `::`
    Cast,
    /// `(`
    LeftParen,
    /// `)`
    RightParen,
    /// `[`
    LeftBracket,
    /// `]`
    RightBracket,
    /// `,`
    Comma,
    /// `.`
    Dot,
}

impl Token {
    /// Whether this token is the unquoted keyword `word` (lowercase).
    pub fn is_keyword(&self, word: &str) -> bool {
        matches!(self, Token::Ident { text, quoted: false } if text == word)
    }
}

const OPERATOR_CHARS: &str = "+-*/<>=~!@#%^&|`?";

/// Tokenizes `text`; fails on an unterminated quote or a character SQL does not use.
pub fn tokenize(text: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => push(&mut tokens, &mut i, Token::LeftParen),
            ')' => push(&mut tokens, &mut i, Token::RightParen),
            '[' => push(&mut tokens, &mut i, Token::LeftBracket),
            ']' => push(&mut tokens, &mut i, Token::RightBracket),
            ',' => push(&mut tokens, &mut i, Token::Comma),
            ':' if chars.get(i + 1) == Some(&':') => {
                tokens.push(Token::Cast);
                i += 2;
            }
            '.' if !chars.get(i + 1).is_some_and(char::is_ascii_digit) => {
                push(&mut tokens, &mut i, Token::Dot)
            }
            '\'' => {
                let (value, next) = quoted(&chars, i, '\'')?;
                tokens.push(Token::String(value));
                i = next;
            }
            'E' | 'e' if chars.get(i + 1) == Some(&'\'') => {
                let (value, next) = quoted(&chars, i + 1, '\'')?;
                tokens.push(Token::String(unescape(&value)));
                i = next;
            }
            '"' => {
                let (value, next) = quoted(&chars, i, '"')?;
                tokens.push(Token::Ident {
                    text: value,
                    quoted: true,
                });
                i = next;
            }
            c if c.is_ascii_digit() || c == '.' => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                    i += 1;
                }
                tokens.push(Token::Number(chars[start..i].iter().collect()));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || "_$".contains(chars[i])) {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                tokens.push(Token::Ident {
                    text: word.to_lowercase(),
                    quoted: false,
                });
            }
            c if OPERATOR_CHARS.contains(c) => {
                let start = i;
                while i < chars.len() && OPERATOR_CHARS.contains(chars[i]) {
                    i += 1;
                }
                tokens.push(Token::Operator(chars[start..i].iter().collect()));
            }
            other => return Err(ParseError::UnexpectedCharacter(other)),
        }
    }
    Ok(tokens)
}

fn push(tokens: &mut Vec<Token>, i: &mut usize, token: Token) {
    tokens.push(token);
    *i += 1;
}

/// Reads a quoted run starting at `chars[start] == quote`; a doubled quote stands for one.
fn quoted(chars: &[char], start: usize, quote: char) -> Result<(String, usize), ParseError> {
    let mut value = String::new();
    let mut i = start + 1;
    loop {
        match chars.get(i) {
            None => return Err(ParseError::UnterminatedQuote),
            Some(&c) if c == quote && chars.get(i + 1) == Some(&quote) => {
                value.push(quote);
                i += 2;
            }
            Some(&c) if c == quote => return Ok((value, i + 1)),
            Some(&'\\') if quote == '\'' && chars.get(i + 1).is_some() => {
                // Kept as written; `unescape` interprets it for E'' strings only.
                value.push('\\');
                value.push(chars[i + 1]);
                i += 2;
            }
            Some(&c) => {
                value.push(c);
                i += 1;
            }
        }
    }
}

/// Interprets the common backslash escapes of an `E'...'` string.
fn unescape(raw: &str) -> String {
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_deparsed_policy() {
        let tokens = tokenize("((cauldron_id)::text = 'a''b'::text)").unwrap();
        assert_eq!(tokens.len(), 11);
        assert_eq!(tokens[4], Token::Cast);
        assert_eq!(tokens[6], Token::Operator("=".into()));
        assert_eq!(tokens[7], Token::String("a'b".into()));
    }

    #[test]
    fn quoted_identifiers_keep_case_and_dots() {
        let tokens = tokenize(r#""My ""odd"". col" <> 1.5"#).unwrap();
        assert_eq!(
            tokens[0],
            Token::Ident {
                text: "My \"odd\". col".into(),
                quoted: true
            }
        );
        assert_eq!(tokens[2], Token::Number("1.5".into()));
    }

    #[test]
    fn rejects_unterminated_string() {
        assert_eq!(tokenize("'abc"), Err(ParseError::UnterminatedQuote));
    }
}
