//! Finding policies whose clauses deparse to the same text, so each is deparsed once.
//!
//! `pg_get_expr()` parses a stored node tree and prints it back as SQL, which costs tens of
//! microseconds per clause; on a schema made tenant-safe table by table, thousands of
//! policies hold what is, apart from a few numbers, the same tree. This module reads the
//! trees as text (`pg_node_tree` output) and gives every policy a key such that two policies
//! with the same key are bound to deparse to the same text. Only one policy per key, its
//! representative, is then deparsed by the server.
//!
//! Why equal keys deparse equally. The key is the tree text, which the server's node reader
//! turns back into the tree the deparser walks, with three changes:
//!
//! - `:location N` values are dropped. They are byte offsets into the statement that created
//!   the policy (they move with the length of the table name) and serve error messages only;
//!   the deparser never reads them.
//! - After every `:varattno N` and `:varattnosyn N`, the name of column `N` of the policy's
//!   own table is added. A Var is printed as the name of the column it points at; the tree
//!   holds only its number, and the name behind that number is a property of the table.
//!   Vars pointing into other relations of a subquery name those relations by OID inside the
//!   tree itself, so the extra names there are harmless noise.
//! - When a subquery reads a relation (a non-empty `:rtable`) or a Var refers to an outer
//!   query level (`:varlevelsup` above 0), the name of the policy's table is added too. The
//!   deparser qualifies columns inside a subquery with the name of the relation they come
//!   from, and renames a subquery's relation alias that clashes with an enclosing one
//!   (`FROM other t` becomes `FROM other t_1` in a policy on a table named `t`); for the
//!   policy's table that name comes from the catalog, not from the tree.
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
        let mut prints_table_name = false;
        for tree in policy.trees {
            match tree {
                None => out.extend_from_slice(b"\0-"),
                Some(tree) => {
                    out.extend_from_slice(b"\0+");
                    prints_table_name |= normalise(tree, &column_name, out)?;
                }
            }
        }
        if prints_table_name {
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

/// Appends `tree` to `out` as described in the module documentation. Returns whether the
/// deparsed text may contain the name of the policy's table, or `None` for a whole-row
/// reference.
///
/// The server writes every field as ` :name value`, so fields are found by their ` :` prefix
/// rather than by splitting the whole text into tokens. Inside a string token a space is
/// escaped with a backslash; a ` :` after an odd run of backslashes is such a space.
fn normalise<'n>(
    tree: &str,
    column_name: &impl Fn(i16) -> Option<&'n str>,
    out: &mut Vec<u8>,
) -> Option<bool> {
    let bytes = tree.as_bytes();
    let mut prints_table_name = false;
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = memchr::memmem::find(&bytes[from..], b" :") {
        let space = from + found;
        from = space + 2;
        if escaped(bytes, space) {
            continue;
        }
        let field = token(bytes, space + 1);
        if !matches!(
            field,
            b":location" | b":varattno" | b":varattnosyn" | b":varlevelsup" | b":rtable"
        ) || bytes.get(space + 1 + field.len()) != Some(&b' ')
        {
            continue;
        }
        let value_start = space + field.len() + 2;
        let value = token(bytes, value_start);
        let value_end = value_start + value.len();
        let number = integer(value);
        match (field, number) {
            (b":location", Some(_)) => {
                out.extend_from_slice(&bytes[copied..space]);
                copied = value_end;
            }
            (b":location", None) => {}
            (b":varlevelsup", Some(0)) => {}
            (b":varlevelsup", _) => prints_table_name = true,
            // An empty list is written `<>`; a list starts with `(`, an empty token here.
            (b":rtable", _) => prints_table_name |= value != b"<>",
            (b":varattno", Some(0)) | (_, None) => return None,
            (_, Some(attnum)) => {
                out.extend_from_slice(&bytes[copied..value_end]);
                copied = value_end;
                push_name(out, i16::try_from(attnum).ok().and_then(column_name));
            }
        }
        from = value_end;
    }
    out.extend_from_slice(&bytes[copied..]);
    Some(prints_table_name)
}

/// Whether the byte at `at` is escaped: preceded by an odd number of backslashes.
fn escaped(bytes: &[u8], at: usize) -> bool {
    let backslashes = bytes[..at]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count();
    backslashes % 2 == 1
}

/// The token starting at `start`, up to the next unescaped space or punctuation, the way
/// the server's reader (`pg_strtok`) delimits it.
fn token(bytes: &[u8], start: usize) -> &[u8] {
    let rest = bytes.get(start..).unwrap_or_default();
    let mut end = 0;
    while end < rest.len() && !matches!(rest[end], b' ' | b'\n' | b'\t' | b'(' | b')' | b'{' | b'}')
    {
        end += if rest[end] == b'\\' { 2 } else { 1 };
    }
    &rest[..end.min(rest.len())]
}

/// Names never contain NUL and tree text has none, so `\0name\0` cannot be confused with
/// tree text; a missing name is written as the empty name, which no column has.
fn push_name(out: &mut Vec<u8>, name: Option<&str>) {
    out.push(0);
    out.extend_from_slice(name.unwrap_or_default().as_bytes());
    out.push(0);
}

fn integer(token: &[u8]) -> Option<i64> {
    std::str::from_utf8(token).ok()?.parse().ok()
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
    fn whole_row_references_and_table_names_are_kept_apart() {
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
    fn escaped_text_is_not_a_field() {
        let mut groups = PolicyGroups::default();
        let alias =
            |text: &str| ISOLATION.replace(":opno 98", &format!(":aliasname {text} :opno 98"));
        let first = alias(r"a\ :location\ 1");
        let second = alias(r"a\ :location\ 2");
        let names = columns(&["id", "t"]);
        assert_eq!(groups.representative(&trees(1, &first, "a"), &names), 1);
        assert_eq!(groups.representative(&trees(2, &second, "a"), &names), 2);
        let third = alias(r"a\\ :location 3");
        let fourth = alias(r"a\\ :location 4");
        assert_eq!(groups.representative(&trees(3, &third, "a"), &names), 3);
        assert_eq!(groups.representative(&trees(4, &fourth, "a"), &names), 3);
    }
}
