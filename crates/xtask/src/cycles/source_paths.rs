//! What a Rust source file names of its own crate: the first segment after `crate::` (or after
//! enough `super::` to reach the crate root) of every path in its code, comments and string
//! literals left out. A hand-written scanner, not a parser: it knows comments, strings, raw
//! strings, char literals, `{ }` nesting and inline `mod name { ... }` blocks, which is all it
//! takes to read paths; a path it cannot place is skipped, never guessed.

use std::collections::BTreeSet;

/// The code of `source` with comments, string literals and char literals replaced by spaces,
/// so that no text inside them reads as a path or a brace.
pub fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    let blank = |out: &mut String, c: char| out.push(if c == '\n' { '\n' } else { ' ' });
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                blank(&mut out, chars[i]);
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0usize;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, chars[i]);
                    i += 1;
                }
            }
        } else if let Some(hashes) = raw_string_start(&chars, i) {
            // r"..." or r#"..."#: ends at a quote followed by as many hashes.
            let open = 1 + hashes + 1 + usize::from(c == 'b');
            for _ in 0..open {
                out.push(' ');
            }
            i += open;
            while i < chars.len() {
                if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
                    for _ in 0..=hashes {
                        out.push(' ');
                    }
                    i += hashes + 1;
                    break;
                }
                blank(&mut out, chars[i]);
                i += 1;
            }
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                let skip = if chars[i] == '\\' { 2 } else { 1 };
                for k in 0..skip {
                    if let Some(&ch) = chars.get(i + k) {
                        blank(&mut out, ch);
                    }
                }
                i += skip;
            }
            out.push(' ');
            i += 1;
        } else if let Some(len) = (c == '\'').then(|| char_literal_len(&chars, i)).flatten() {
            for _ in 0..len {
                out.push(' ');
            }
            i += len;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The number of `#` of a raw string starting at `i` (`r"`, `r#"`, `br"`...), if one does.
fn raw_string_start(chars: &[char], i: usize) -> Option<usize> {
    let prev_ident = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
    if prev_ident {
        return None;
    }
    let start = if chars[i] == 'b' && chars.get(i + 1) == Some(&'r') {
        i + 2
    } else if chars[i] == 'r' {
        i + 1
    } else {
        return None;
    };
    let hashes = chars[start..].iter().take_while(|&&c| c == '#').count();
    (chars.get(start + hashes) == Some(&'"')).then_some(hashes)
}

/// The length of a char literal starting at `i` (`'a'`, `'\n'`, `'\u{7f}'`), or `None` for a
/// lifetime (`'a`).
fn char_literal_len(chars: &[char], i: usize) -> Option<usize> {
    match chars.get(i + 1)? {
        '\\' => {
            let end = (i + 2..chars.len().min(i + 12)).find(|&k| chars[k] == '\'')?;
            Some(end - i + 1)
        }
        _ => (chars.get(i + 2) == Some(&'\'')).then_some(3),
    }
}

/// The top-level modules of its own crate that the code of a file names outside its test code
/// (items under `#[cfg(test)]`), given the depth of the
/// file's module below the crate root (`src/a.rs`: 1, `src/a/b.rs`: 2, `src/a/mod.rs`: 1).
pub fn named_modules(source: &str, depth: usize) -> BTreeSet<String> {
    let code = code_only(source);
    let tokens = tokens(&code);
    let mut found = BTreeSet::new();
    // For each open brace: whether it opened an inline `mod name {`.
    let mut braces: Vec<bool> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if let Some(attribute_end) = cfg_test(&tokens[i..]) {
            i = item_end(&tokens, i + attribute_end);
            continue;
        }
        match tokens[i] {
            "{" => braces.push(i >= 2 && tokens[i - 2] == "mod" && is_ident(tokens[i - 1])),
            "}" => {
                braces.pop();
            }
            "crate" | "$crate" if tokens.get(i + 1) == Some(&"::") => {
                first_segments(&tokens, i + 2, &mut found);
            }
            "super" if tokens.get(i + 1) == Some(&"::") && (i == 0 || tokens[i - 1] != "::") => {
                let mut ups = 0;
                let mut k = i;
                while tokens.get(k) == Some(&"super") && tokens.get(k + 1) == Some(&"::") {
                    ups += 1;
                    k += 2;
                }
                let here = depth + braces.iter().filter(|&&m| m).count();
                // Only a path that climbs to the crate root can name another top-level module.
                if ups == here {
                    first_segments(&tokens, k, &mut found);
                }
                i = k;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// If `tokens` start with an attribute that compiles its item for tests only (`#[cfg(test)]`,
/// `#[cfg(all(test, …))]`), the number of its tokens.
fn cfg_test(tokens: &[&str]) -> Option<usize> {
    if !tokens.starts_with(&["#", "[", "cfg", "("]) {
        return None;
    }
    let close = tokens.iter().position(|&t| t == "]")?;
    let inner = &tokens[4..close.checked_sub(1)?];
    // `test` itself, or `test` as one of the predicates `all(…)` requires.
    let test_only = inner == ["test"] || (inner.starts_with(&["all", "("]) && lists_test(&inner[2..]));
    test_only.then_some(close + 1)
}

/// Whether `test` is one of the predicates of a list (the tokens after `all(`), not nested in
/// another (`not(test)`).
fn lists_test(tokens: &[&str]) -> bool {
    let mut depth = 0usize;
    for &t in tokens {
        match t {
            "(" => depth += 1,
            ")" if depth == 0 => return false,
            ")" => depth -= 1,
            "test" if depth == 0 => return true,
            _ => {}
        }
    }
    false
}

/// Where the item starting at `tokens[at]` ends (after its `;` or its closing `}`).
fn item_end(tokens: &[&str], at: usize) -> usize {
    let mut depth = 0usize;
    for (k, &t) in tokens.iter().enumerate().skip(at) {
        match t {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return k + 1;
                }
            }
            ";" if depth == 0 => return k + 1,
            _ => {}
        }
    }
    tokens.len()
}

/// The first segment of the path at `tokens[at]`, or of each path of a `{a, b::c}` group.
fn first_segments(tokens: &[&str], at: usize, found: &mut BTreeSet<String>) {
    match tokens.get(at) {
        Some(&"{") => {
            let mut depth = 0usize;
            let mut expect = true;
            for &t in &tokens[at..] {
                match t {
                    "{" => {
                        depth += 1;
                        expect = depth == 1;
                    }
                    "}" => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    "," if depth == 1 => expect = true,
                    t if expect && depth == 1 && is_ident(t) => {
                        if t != "self" {
                            found.insert(t.to_owned());
                        }
                        expect = false;
                    }
                    _ => expect = false,
                }
            }
        }
        Some(t) if is_ident(t) => {
            found.insert((*t).to_owned());
        }
        _ => {}
    }
}

fn is_ident(t: &str) -> bool {
    t.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && t.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// Identifiers (with a leading `$` kept), `::`, and single punctuation characters.
fn tokens(code: &str) -> Vec<&str> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80 {
            let start = i;
            i += 1;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] >= 0x80)
            {
                i += 1;
            }
            out.push(&code[start..i]);
        } else if c == b':' && bytes.get(i + 1) == Some(&b':') {
            out.push("::");
            i += 2;
        } else {
            out.push(&code[i..i + 1]);
            i += 1;
        }
    }
    out
}
