//! A small recursive-descent parser for deparsed SQL expressions.
//!
//! It covers what `pg_get_expr()` emits for policy clauses. Constructs it does not model in
//! detail (CASE, ARRAY, row constructors, subqueries with FROM) become [`Expr::Other`], which
//! keeps the sub-expressions it could read so calls inside them are still seen.

pub use super::ast::Expr;
use super::token::{tokenize, Token};

/// Why an expression could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// A character SQL expressions do not contain.
    #[error("unexpected character {0:?}")]
    UnexpectedCharacter(char),
    /// A string or identifier quote was never closed.
    #[error("unterminated quoted string or identifier")]
    UnterminatedQuote,
    /// The token stream does not form an expression.
    #[error("unexpected {0}")]
    Unexpected(String),
    /// The expression nests deeper than [`MAX_DEPTH`].
    #[error("expression nests deeper than {MAX_DEPTH} levels")]
    TooDeep,
}

/// How deeply an expression may nest. Policies people write nest a few levels; a table
/// owner can store one nested thousands of levels deep, which would overflow the stack of a
/// recursive reader. Deeper expressions are refused, so the rules treat them as not
/// understood and report the policy rather than trust it.
pub const MAX_DEPTH: usize = 200;

/// Parses deparsed expression text into an [`Expr`].
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let expr = parser.or()?;
    match parser.peek() {
        None => Ok(expr),
        Some(token) => Err(ParseError::Unexpected(format!(
            "{token:?} after expression"
        ))),
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// Nesting of the expression being read: recursion, and chains of casts and operators
    /// that the loops below build into nested trees.
    depth: usize,
}

/// Words that continue a multi-word type name such as `timestamp with time zone`.
const TYPE_WORDS: &[&str] = &["varying", "precision", "with", "without", "time", "zone"];

/// SQL value functions written without parentheses.
const VALUE_FUNCTIONS: &[&str] = &[
    "current_user",
    "session_user",
    "current_role",
    "user",
    "current_catalog",
    "current_schema",
    "current_date",
    "current_time",
    "current_timestamp",
    "localtime",
    "localtimestamp",
];

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        token
    }

    fn at_keyword(&self, word: &str) -> bool {
        self.peek().is_some_and(|t| t.is_keyword(word))
    }

    fn eat(&mut self, token: &Token) -> bool {
        if self.peek() == Some(token) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: &Token) -> Result<(), ParseError> {
        if self.eat(token) {
            Ok(())
        } else {
            Err(unexpected(self.peek(), &format!("{token:?}")))
        }
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut parts = vec![self.and()?];
        while self.at_keyword("or") {
            self.pos += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut parts = vec![self.not()?];
        while self.at_keyword("and") {
            self.pos += 1;
            parts.push(self.not()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::And(parts)
        })
    }

    /// Runs `read` one nesting level deeper, refusing to go past [`MAX_DEPTH`].
    fn nested<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<T, ParseError>,
    ) -> Result<T, ParseError> {
        if self.depth >= MAX_DEPTH {
            return Err(ParseError::TooDeep);
        }
        self.depth += 1;
        let result = read(self);
        self.depth -= 1;
        result
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        self.nested(|parser| {
            if parser.at_keyword("not") {
                parser.pos += 1;
                return Ok(Expr::Not(Box::new(parser.not()?)));
            }
            parser.binary()
        })
    }

    fn binary(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.postfix()?;
        let mut links = 0;
        loop {
            let op = match self.peek() {
                Some(Token::Operator(op)) => op.clone(),
                Some(t) if t.is_keyword("is") => self.is_operator(),
                Some(t) if t.is_keyword("like") || t.is_keyword("ilike") => self.keyword_op(),
                Some(t) if t.is_keyword("in") => self.keyword_op(),
                Some(t) if t.is_keyword("similar") => self.keyword_op(),
                _ => return Ok(left),
            };
            if matches!(self.peek(), Some(Token::Operator(_))) {
                self.pos += 1;
            }
            let right = match op.as_str() {
                "IS NULL" | "IS NOT NULL" | "IS TRUE" | "IS NOT TRUE" | "IS FALSE"
                | "IS NOT FALSE" | "IS UNKNOWN" | "IS NOT UNKNOWN" => Expr::Literal(op.clone()),
                _ => self.postfix()?,
            };
            links += 1;
            self.check_chain(links)?;
            left = Expr::Binary {
                op,
                left: Box::new(left),
                right: Box::new(right),
            };
        }
    }

    /// A chain of `links` casts or operators read by a loop nests as deep as that many
    /// levels of recursion would.
    fn check_chain(&self, links: usize) -> Result<(), ParseError> {
        if self.depth + links > MAX_DEPTH {
            Err(ParseError::TooDeep)
        } else {
            Ok(())
        }
    }

    /// Reads `IS [NOT] {NULL | TRUE | FALSE | UNKNOWN | DISTINCT FROM}` into one operator name.
    fn is_operator(&mut self) -> String {
        let mut words = Vec::new();
        while let Some(Token::Ident {
            text,
            quoted: false,
        }) = self.peek()
        {
            let word = text.to_uppercase();
            let last = matches!(
                word.as_str(),
                "NULL" | "TRUE" | "FALSE" | "UNKNOWN" | "FROM"
            );
            words.push(word);
            self.pos += 1;
            if last {
                break;
            }
        }
        words.join(" ")
    }

    fn keyword_op(&mut self) -> String {
        let word = match self.next() {
            Some(Token::Ident { text, .. }) => text.to_uppercase(),
            _ => String::new(),
        };
        if word == "SIMILAR" && self.at_keyword("to") {
            self.pos += 1;
        }
        word
    }

    fn postfix(&mut self) -> Result<Expr, ParseError> {
        let mut expr = self.primary()?;
        let mut links = 0;
        loop {
            links += 1;
            self.check_chain(links)?;
            if self.eat(&Token::Cast) {
                let type_name = self.type_name()?;
                expr = Expr::Cast(Box::new(expr), type_name);
            } else if self.eat(&Token::LeftBracket) {
                let index = self.or()?;
                self.expect(&Token::RightBracket)?;
                expr = Expr::Other(vec![expr, index]);
            } else if self.at_keyword("collate") {
                self.pos += 1;
                self.qualified_name()?;
            } else {
                return Ok(expr);
            }
        }
    }

    fn type_name(&mut self) -> Result<String, ParseError> {
        let mut name = self.qualified_name()?.join(".");
        while let Some(Token::Ident {
            text,
            quoted: false,
        }) = self.peek()
        {
            if !TYPE_WORDS.contains(&text.as_str()) {
                break;
            }
            name.push(' ');
            name.push_str(text);
            self.pos += 1;
        }
        if self.eat(&Token::LeftParen) {
            let mut modifiers = Vec::new();
            loop {
                match self.next() {
                    Some(Token::Number(n)) => modifiers.push(n),
                    other => return Err(unexpected(other.as_ref(), "a type modifier")),
                }
                if !self.eat(&Token::Comma) {
                    break;
                }
            }
            self.expect(&Token::RightParen)?;
            name.push_str(&format!("({})", modifiers.join(",")));
        }
        while self.eat(&Token::LeftBracket) {
            self.expect(&Token::RightBracket)?;
            name.push_str("[]");
        }
        Ok(name)
    }

    fn qualified_name(&mut self) -> Result<Vec<String>, ParseError> {
        let mut parts = Vec::new();
        loop {
            match self.next() {
                Some(Token::Ident { text, .. }) => parts.push(text),
                other => return Err(unexpected(other.as_ref(), "a name")),
            }
            if !self.eat(&Token::Dot) {
                return Ok(parts);
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        self.nested(Self::primary_at_this_depth)
    }

    fn primary_at_this_depth(&mut self) -> Result<Expr, ParseError> {
        match self.peek().cloned() {
            Some(Token::LeftParen) => self.parenthesised(),
            Some(Token::String(s)) | Some(Token::Number(s)) => {
                self.pos += 1;
                Ok(Expr::Literal(s))
            }
            Some(Token::Operator(_)) => {
                self.pos += 1;
                Ok(Expr::Other(vec![self.postfix()?]))
            }
            Some(Token::Ident {
                text,
                quoted: false,
            }) => self.keyword_or_name(&text),
            Some(Token::Ident { .. }) => self.name_or_call(),
            other => Err(unexpected(other.as_ref(), "an expression")),
        }
    }

    fn keyword_or_name(&mut self, word: &str) -> Result<Expr, ParseError> {
        match word {
            "true" | "false" | "null" => {
                self.pos += 1;
                Ok(Expr::Literal(word.to_uppercase()))
            }
            "case" => self.case(),
            "array" => {
                self.pos += 1;
                if self.eat(&Token::LeftBracket) {
                    let items = self.list(&Token::RightBracket)?;
                    Ok(Expr::Other(items))
                } else {
                    Ok(Expr::Other(vec![self.parenthesised()?]))
                }
            }
            "exists" => {
                self.pos += 1;
                Ok(Expr::Other(vec![self.parenthesised()?]))
            }
            w if VALUE_FUNCTIONS.contains(&w)
                && self.tokens.get(self.pos + 1) != Some(&Token::LeftParen) =>
            {
                self.pos += 1;
                Ok(Expr::Call {
                    name: vec![w.to_string()],
                    args: Vec::new(),
                })
            }
            _ => {
                // A typed literal such as `interval '1 day'`.
                if let Some(Token::String(s)) = self.tokens.get(self.pos + 1).cloned() {
                    self.pos += 2;
                    return Ok(Expr::Literal(s));
                }
                self.name_or_call()
            }
        }
    }

    fn name_or_call(&mut self) -> Result<Expr, ParseError> {
        let name = self.qualified_name()?;
        if !self.eat(&Token::LeftParen) {
            return Ok(Expr::Column(name));
        }
        if self.at_keyword("distinct") || self.at_keyword("variadic") {
            self.pos += 1;
        }
        let args = self.list(&Token::RightParen)?;
        Ok(Expr::Call { name, args })
    }

    /// Comma-separated expressions up to `close` (consumed).
    fn list(&mut self, close: &Token) -> Result<Vec<Expr>, ParseError> {
        let mut items = Vec::new();
        if self.eat(close) {
            return Ok(items);
        }
        loop {
            items.push(self.or()?);
            if self.eat(&Token::Comma) {
                continue;
            }
            self.expect(close)?;
            return Ok(items);
        }
    }

    fn parenthesised(&mut self) -> Result<Expr, ParseError> {
        self.expect(&Token::LeftParen)?;
        if self.at_keyword("select") {
            self.pos += 1;
            return self.subquery();
        }
        let first = self.or()?;
        if self.eat(&Token::RightParen) {
            return Ok(first);
        }
        self.expect(&Token::Comma)?;
        let mut items = vec![first];
        items.extend(self.list(&Token::RightParen)?);
        Ok(Expr::Other(items))
    }

    /// After `( SELECT`: reads the target list, then skips any further clauses to the
    /// closing parenthesis.
    fn subquery(&mut self) -> Result<Expr, ParseError> {
        let mut targets = Vec::new();
        loop {
            targets.push(self.or()?);
            if self.at_keyword("as") {
                self.pos += 1;
                self.next();
            }
            if !self.eat(&Token::Comma) {
                break;
            }
        }
        if self.eat(&Token::RightParen) {
            return Ok(Expr::SubQuery {
                targets,
                simple: true,
            });
        }
        self.skip_to_close()?;
        Ok(Expr::SubQuery {
            targets,
            simple: false,
        })
    }

    fn skip_to_close(&mut self) -> Result<(), ParseError> {
        let mut depth = 0usize;
        loop {
            match self.next() {
                None => return Err(ParseError::Unexpected("end of expression".into())),
                Some(Token::LeftParen) => depth += 1,
                Some(Token::RightParen) if depth == 0 => return Ok(()),
                Some(Token::RightParen) => depth -= 1,
                Some(_) => {}
            }
        }
    }

    fn case(&mut self) -> Result<Expr, ParseError> {
        self.pos += 1;
        let mut parts = Vec::new();
        if !self.at_keyword("when") {
            parts.push(self.or()?);
        }
        while self.at_keyword("when") || self.at_keyword("then") || self.at_keyword("else") {
            self.pos += 1;
            parts.push(self.or()?);
        }
        if !self.at_keyword("end") {
            return Err(unexpected(self.peek(), "END"));
        }
        self.pos += 1;
        Ok(Expr::Other(parts))
    }
}

fn unexpected(token: Option<&Token>, wanted: &str) -> ParseError {
    match token {
        Some(token) => ParseError::Unexpected(format!("{token:?} where {wanted} was expected")),
        None => ParseError::Unexpected(format!("end of expression where {wanted} was expected")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str) -> Expr {
        Expr::Column(vec![name.into()])
    }

    #[test]
    fn parses_canonical_isolation_clause() {
        let text = "((cauldron_id)::text = \
                    (( SELECT public.current_cauldron() AS current_cauldron))::text)";
        let Expr::Binary { op, left, right } = parse(text).unwrap() else {
            panic!()
        };
        assert_eq!(op, "=");
        assert_eq!(left.strip_casts(), &column("cauldron_id"));
        let call = Expr::Call {
            name: vec!["public".into(), "current_cauldron".into()],
            args: vec![],
        };
        assert_eq!(
            right.strip_casts(),
            &Expr::SubQuery {
                targets: vec![call],
                simple: true
            }
        );
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let parsed = parse("((a = 1) AND (b = 2)) OR (c IS NULL)").unwrap();
        let Expr::Or(parts) = parsed else {
            panic!("{parsed:?}")
        };
        assert!(matches!(parts[0], Expr::And(_)));
        assert!(matches!(&parts[1], Expr::Binary { op, .. } if op == "IS NULL"));
    }

    #[test]
    fn reads_casts_arrays_case_and_subqueries() {
        for text in [
            "(created_at > (now() - '1 day'::interval))",
            "(kind = ANY (ARRAY['a'::text, 'b'::text]))",
            "CASE WHEN (a > 0) THEN true ELSE false END",
            "(id IN ( SELECT m.id FROM members m WHERE (m.x = 1)))",
            "((ts)::timestamp with time zone < CURRENT_TIMESTAMP)",
            "(\"Weird Col\" IS DISTINCT FROM (x)::character varying(50)[])",
            "(NOT (a ~~ 'x%'::text))",
        ] {
            parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        }
    }

    #[test]
    fn refuses_expressions_nested_too_deep_without_overflowing_the_stack() {
        for (open, close) in [("(NOT ", ")"), ("(- ", ")"), ("f(", ")"), ("(", " = 1)")] {
            let deep = format!("{}true{}", open.repeat(5000), close.repeat(5000));
            assert_eq!(parse(&deep), Err(ParseError::TooDeep), "{open}");
        }
        let casts = format!("x{}", "::integer".repeat(5000));
        assert_eq!(parse(&casts), Err(ParseError::TooDeep));
        let operators = format!("x{}", " + 1".repeat(5000));
        assert_eq!(parse(&operators), Err(ParseError::TooDeep));
        let nested_enough = format!("{}true{}", "(NOT ".repeat(50), ")".repeat(50));
        assert!(parse(&nested_enough).is_ok());
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse("(a = ").is_err());
        assert!(parse("a b c").is_err());
    }
}
