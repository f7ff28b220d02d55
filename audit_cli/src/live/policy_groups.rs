//! Finding policies whose clauses deparse to the same text, so each is deparsed once.
//!
//! `pg_get_expr()` parses a stored node tree and prints it back as SQL, which costs tens of
//! microseconds per clause; on a schema made tenant-safe table by table, thousands of
//! policies hold what is, apart from a few numbers, the same tree. This module reads the
//! trees as text (`pg_node_tree` output) and gives every policy a key such that two policies
//! with the same key are bound to deparse to the same text. Only one policy per key, its
//! representative, is then deparsed by the server.
//!
//! Why equal keys deparse equally. The key is the sequence of tokens the server's node reader
//! sees, with three changes:
//!
//! - `:location N` values are dropped. They are byte offsets into the statement that created
//!   the policy (they move with the length of the table name) and serve error messages only;
//!   the deparser never reads them.
//! - After every `:varattno N` and `:varattnosyn N`, the name of column `N` of the policy's
//!   own table is added. A Var is printed as the name of the column it points at; the tree
//!   holds only its number, and the name behind that number is a property of the table.
//!   Vars pointing into other relations of a subquery name those relations by OID inside the
//!   tree itself, so the extra names there are harmless noise.
//! - When a Var refers to an outer query level (`:varlevelsup` above 0), the name of the
//!   policy's table is added too: inside a subquery the deparser qualifies columns with the
//!   name of the relation they come from, and for the policy's table that name comes from
//!   the catalog, not from the tree.
//!
//! Everything else the deparser prints — operators, functions, types, collations, constants,
//! the relations and columns a subquery reads — is named by OID or spelled out in the tree,
//! and all policies are deparsed in one snapshot with one `search_path`, so equal trees
//! resolve those OIDs to equal text. A whole-row reference (`:varattno 0`) prints the table
//! name and its row type; such a policy is never grouped and is deparsed on its own.
//!
//! The key is a 128-bit hash of the normalised text made of two independently keyed SipHash
//! values: keeping the normalised text itself would hold all the distinct trees in memory,
//! and with 128 bits an accidental collision among a few thousand trees is out of reach.

use std::collections::hash_map::{HashMap, RandomState};
use std::hash::{BuildHasher, Hasher};

/// Assigns each policy the representative whose deparsed clauses it can reuse.
pub(super) struct PolicyGroups {
    hashers: [RandomState; 2],
    by_key: HashMap<u128, u32>,
    representatives: Vec<u32>,
    normalised: Vec<u8>,
}

/// The parts of one policy that decide how its clauses deparse.
pub(super) struct PolicyTrees<'a> {
    /// `pg_policy.oid`.
    pub policy: u32,
    /// `polqual` and `polwithcheck` as text, `None` where the clause is absent.
    pub trees: [Option<&'a str>; 2],
    /// Name (without schema) of the table the policy is on.
    pub relation_name: &'a str,
}

impl Default for PolicyGroups {
    fn default() -> Self {
        PolicyGroups {
            hashers: [RandomState::new(), RandomState::new()],
            by_key: HashMap::new(),
            representatives: Vec::new(),
            normalised: Vec::new(),
        }
    }
}

impl PolicyGroups {
    /// The OID of the policy whose deparsed clauses `policy` shares: its own OID when it is
    /// the first of its kind or cannot be grouped. `column_name` maps an attribute number of
    /// the policy's table to the column name.
    pub fn representative<'n>(
        &mut self,
        policy: &PolicyTrees<'_>,
        column_name: impl Fn(i16) -> Option<&'n str>,
    ) -> u32 {
        let Some(key) = self.key(policy, column_name) else {
            self.representatives.push(policy.policy);
            return policy.policy;
        };
        *self.by_key.entry(key).or_insert_with(|| {
            self.representatives.push(policy.policy);
            policy.policy
        })
    }

    /// Every representative, in the order they were found.
    pub fn representatives(&self) -> &[u32] {
        &self.representatives
    }

    /// The grouping key, or `None` when the policy must be deparsed on its own.
    fn key<'n>(
        &mut self,
        policy: &PolicyTrees<'_>,
        column_name: impl Fn(i16) -> Option<&'n str>,
    ) -> Option<u128> {
        let out = &mut self.normalised;
        out.clear();
        let mut outer_reference = false;
        for tree in policy.trees {
            match tree {
                None => out.extend_from_slice(b"\0-"),
                Some(tree) => {
                    out.extend_from_slice(b"\0+");
                    outer_reference |= normalise(tree, &column_name, out)?;
                }
            }
        }
        if outer_reference {
            push_name(out, Some(policy.relation_name));
        }

        let [first, second] = &self.hashers;
        let half = |state: &RandomState| {
            let mut hasher = state.build_hasher();
            hasher.write(out);
            hasher.finish()
        };
        Some((u128::from(half(first)) << 64) | u128::from(half(second)))
    }
}

/// Appends the tokens of `tree` to `out` as described in the module documentation. Returns
/// whether a Var refers to an outer query level, or `None` for a whole-row reference.
fn normalise<'n>(
    tree: &str,
    column_name: &impl Fn(i16) -> Option<&'n str>,
    out: &mut Vec<u8>,
) -> Option<bool> {
    let mut outer_reference = false;
    let mut tokens = Tokens(tree.as_bytes());
    while let Some(token) = tokens.next() {
        if token == b":location" {
            // Dropped with its value; anything other than a number is kept as it is.
            match tokens.next() {
                Some(value) if integer(value).is_some() => {}
                Some(value) => push_tokens(out, &[token, value]),
                None => push_tokens(out, &[token]),
            }
            continue;
        }
        push_tokens(out, &[token]);
        if !matches!(token, b":varattno" | b":varattnosyn" | b":varlevelsup") {
            continue;
        }
        let Some(value) = tokens.next() else { break };
        push_tokens(out, &[value]);
        let number = integer(value);
        match (token, number) {
            (b":varlevelsup", Some(0)) => {}
            (b":varlevelsup", _) => outer_reference = true,
            (b":varattno", Some(0)) => return None,
            (_, Some(attnum)) => {
                let name = i16::try_from(attnum).ok().and_then(column_name);
                push_name(out, name);
            }
            (_, None) => return None,
        }
    }
    Some(outer_reference)
}

fn push_tokens(out: &mut Vec<u8>, tokens: &[&[u8]]) {
    for token in tokens {
        out.extend_from_slice(token);
        out.push(b' ');
    }
}

/// Names never contain NUL and tree text has none, so `\0name\0` cannot be confused with a
/// token; a missing name is written as the empty name, which no column has.
fn push_name(out: &mut Vec<u8>, name: Option<&str>) {
    out.push(0);
    out.extend_from_slice(name.unwrap_or_default().as_bytes());
    out.push(0);
}

fn integer(token: &[u8]) -> Option<i64> {
    std::str::from_utf8(token).ok()?.parse().ok()
}

/// The tokens of `pg_node_tree` text, split the way the server's reader (`pg_strtok`) does:
/// unescaped whitespace separates tokens, each of `(){}` is a token of its own, and a
/// backslash makes the next byte part of the token.
struct Tokens<'a>(&'a [u8]);

impl<'a> Iterator for Tokens<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let start = self.0.iter().position(|b| !is_space(*b))?;
        let rest = &self.0[start..];
        let mut end = 1;
        if !is_punctuation(rest[0]) {
            end = 0;
            while end < rest.len() && !is_space(rest[end]) && !is_punctuation(rest[end]) {
                end += if rest[end] == b'\\' && end + 1 < rest.len() {
                    2
                } else {
                    1
                };
            }
        }
        let (token, remainder) = rest.split_at(end);
        self.0 = remainder;
        Some(token)
    }
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\n' | b'\t')
}

fn is_punctuation(byte: u8) -> bool {
    matches!(byte, b'(' | b')' | b'{' | b'}')
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISOLATION: &str = "{OPEXPR :opno 98 :args ({VAR :varno 1 :varattno 2 :varlevelsup 0 \
        :varnosyn 1 :varattnosyn 2 :location 78} {FUNCEXPR :funcid 9 :location 100}) \
        :location 90}";

    fn trees<'a>(policy: u32, tree: &'a str, relation_name: &'a str) -> PolicyTrees<'a> {
        PolicyTrees {
            policy,
            trees: [Some(tree), None],
            relation_name,
        }
    }

    fn columns(names: &'static [&'static str]) -> impl Fn(i16) -> Option<&'static str> {
        move |attnum| names.get(usize::try_from(attnum - 1).ok()?).copied()
    }

    #[test]
    fn locations_do_not_split_a_group() {
        let mut groups = PolicyGroups::default();
        let moved = ISOLATION.replace(":location 78", ":location 81");
        let first = groups.representative(&trees(1, ISOLATION, "a"), columns(&["id", "t"]));
        let second = groups.representative(&trees(2, &moved, "bb"), columns(&["id", "t"]));
        assert_eq!((first, second), (1, 1));
        assert_eq!(groups.representatives(), [1]);
    }

    #[test]
    fn column_names_behind_the_numbers_split_groups() {
        let mut groups = PolicyGroups::default();
        let first = groups.representative(&trees(1, ISOLATION, "a"), columns(&["id", "t"]));
        let second = groups.representative(&trees(2, ISOLATION, "b"), columns(&["id", "u"]));
        assert_eq!((first, second), (1, 2));
    }

    #[test]
    fn whole_row_references_and_outer_references_are_kept_apart() {
        let mut groups = PolicyGroups::default();
        let whole_row = ISOLATION.replace(":varattno 2", ":varattno 0");
        let row_columns = columns(&["id", "t"]);
        assert_eq!(
            groups.representative(&trees(1, &whole_row, "a"), &row_columns),
            1
        );
        assert_eq!(
            groups.representative(&trees(2, &whole_row, "a"), &row_columns),
            2
        );

        let outer = ISOLATION.replace(":varlevelsup 0", ":varlevelsup 1");
        assert_eq!(
            groups.representative(&trees(3, &outer, "a"), &row_columns),
            3
        );
        assert_eq!(
            groups.representative(&trees(4, &outer, "b"), &row_columns),
            4
        );
        assert_eq!(
            groups.representative(&trees(5, &outer, "a"), &row_columns),
            3
        );
    }

    #[test]
    fn escaped_text_is_one_token() {
        let tokens: Vec<&[u8]> =
            Tokens(br"{ALIAS :aliasname a\ :location\ 1 :colnames <>}").collect();
        assert_eq!(
            tokens,
            [
                &b"{"[..],
                b"ALIAS",
                b":aliasname",
                br"a\ :location\ 1",
                b":colnames",
                b"<>",
                b"}"
            ]
        );
    }
}
