//! The examples of the README and of `docs/`, read from the documents themselves.

use std::path::PathBuf;

/// The README and every Markdown file of `docs/`.
pub fn documents() -> Vec<PathBuf> {
    let root = crate::repo_root();
    let mut documents = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    docs.sort();
    documents.extend(docs);
    documents
}

/// One example: a `curl` command and the output the README shows for it.
#[derive(Debug)]
pub struct CurlExample {
    pub command: String,
    pub url: String,
    /// The HTTP method: `-X`, else POST with a body and GET without.
    pub method: String,
    /// Its `-H 'name: value'` headers.
    pub headers: Vec<(String, String)>,
    /// The body it posts (`-d`); `None` for a GET.
    pub body: Option<String>,
    pub expected: String,
    /// The app variables its code block starts the app with (`spin up
    /// --variable name=value ...` earlier in the block); empty: the defaults.
    pub variables: Vec<(String, String)>,
}

/// Finds every `curl ... [-d '<body>'] <url>` line inside a code block,
/// with the `# ` lines right after it as its expected output.
pub fn curl_examples(readme: &str) -> Vec<CurlExample> {
    let mut examples = Vec::new();
    let mut in_code = false;
    let mut variables = Vec::new();
    let mut lines = readme.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            variables.clear();
            continue;
        }
        let command = line.trim();
        if in_code && command.starts_with("spin up") {
            variables = variables_of(command);
        }
        if !in_code || !command.starts_with("curl ") {
            continue;
        }
        let mut expected = Vec::new();
        while let Some(next) = lines.peek().and_then(|next| next.trim().strip_prefix("# ")) {
            expected.push(next.to_owned());
            lines.next();
        }
        examples.extend(CurlExample::parse(command, expected.join("\n"), &variables));
    }
    examples
}

impl CurlExample {
    /// The example of one `curl` line (none without a URL), with the
    /// output written under it and the variables of the `spin up` above.
    fn parse(
        command: &str,
        expected: String,
        variables: &[(String, String)],
    ) -> Option<CurlExample> {
        let url = url_in(command)?;
        let body = quoted_after(command, "-d ");
        let method = match command.split_once("-X ") {
            Some((_, rest)) => rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned(),
            None if body.is_some() => "POST".to_owned(),
            None => "GET".to_owned(),
        };
        let headers = command
            .split(" -H ")
            .skip(1)
            .filter_map(|rest| {
                let header = quoted_after(&format!("x {rest}"), "x ")?;
                let (name, value) = header.split_once(':')?;
                Some((name.trim().to_owned(), value.trim().to_owned()))
            })
            .collect();
        Some(CurlExample {
            command: command.to_owned(),
            url,
            method,
            headers,
            body,
            expected,
            variables: variables.to_vec(),
        })
    }
}

/// The `--variable name=value` arguments of a `spin up` line (a value may
/// be single-quoted).
fn variables_of(command: &str) -> Vec<(String, String)> {
    command
        .split(" --variable ")
        .skip(1)
        .filter_map(|rest| {
            let (name, value) = rest.split_once('=')?;
            let value = match value.strip_prefix('\'') {
                Some(quoted) => quoted.split('\'').next()?.to_owned(),
                None => value.split_whitespace().next()?.to_owned(),
            };
            Some((name.to_owned(), value))
        })
        .collect()
}

/// The single-quoted argument after `flag`.
fn quoted_after(command: &str, flag: &str) -> Option<String> {
    let rest = &command[command.find(flag)? + flag.len()..];
    let rest = rest.strip_prefix('\'')?;
    Some(rest[..rest.find('\'')?].to_owned())
}

fn url_in(command: &str) -> Option<String> {
    command
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .map(|url| url.trim_matches('\'').to_owned())
}

/// The README's Python example: the code of the first ```python block, and
/// the values its `print(...)  # value` lines promise, in order.
pub fn python_example(readme: &str) -> Option<(String, Vec<String>)> {
    let start = readme.find("```python\n")? + "```python\n".len();
    let code = &readme[start..start + readme[start..].find("```")?];
    let promised = code
        .lines()
        .filter(|line| line.starts_with("print("))
        .filter_map(|line| {
            line.rsplit_once("# ")
                .map(|(_, value)| value.trim().to_owned())
        })
        .collect();
    Some((code.to_owned(), promised))
}

/// The code of the README's first block fenced as `language` that holds
/// `holding` (the functions of "Adding a function", say).
pub fn code_block(readme: &str, language: &str, holding: &str) -> Option<String> {
    let fence = format!("```{language}\n");
    let mut rest = readme;
    while let Some(start) = rest.find(&fence) {
        let code_start = start + fence.len();
        let end = code_start + rest[code_start..].find("```")?;
        let code = &rest[code_start..end];
        if code.contains(holding) {
            return Some(code.to_owned());
        }
        rest = &rest[end + 3..];
    }
    None
}

/// The relative links of a Markdown document: each target's path, resolved
/// from the document's folder, and its `#fragment` if it has one.
pub fn relative_links(document: &std::path::Path) -> Vec<(PathBuf, Option<String>)> {
    let text = std::fs::read_to_string(document).unwrap_or_default();
    let folder = document.parent().unwrap_or(std::path::Path::new("."));
    text.split("](")
        .skip(1)
        .filter_map(|rest| rest.split_once(')').map(|(target, _)| target))
        .filter(|target| !target.contains("://") && !target.contains(char::is_whitespace))
        .map(|target| {
            let (path, fragment) = match target.split_once('#') {
                Some((path, fragment)) => (path, Some(fragment.to_owned())),
                None => (target, None),
            };
            let path = if path.is_empty() {
                document.to_path_buf()
            } else {
                folder.join(path)
            };
            (path, fragment)
        })
        .collect()
}

/// The anchors GitHub gives a Markdown document's headings: lower case,
/// punctuation dropped, spaces as hyphens.
pub fn heading_anchors(document: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(document).unwrap_or_default();
    text.lines()
        .filter(|line| line.starts_with('#'))
        .map(|line| {
            line.trim_start_matches('#')
                .trim()
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_' || *c == ' ')
                .map(|c| if c == ' ' { '-' } else { c })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README is the way into the reference: every page of `docs/` is
    /// linked from it, and no link of the README or of a page leads nowhere.
    #[test]
    fn every_doc_page_is_linked_from_the_readme_and_every_link_resolves() {
        let documents = documents();
        let readme = &documents[0];
        let from_readme: Vec<PathBuf> = relative_links(readme)
            .into_iter()
            .filter_map(|(path, _)| path.canonicalize().ok())
            .collect();
        for page in &documents[1..] {
            let page = page.canonicalize().expect("a docs page");
            assert!(
                from_readme.contains(&page),
                "the README links {}",
                page.display()
            );
        }
        for document in &documents {
            for (target, fragment) in relative_links(document) {
                let shown = format!("{} → {}", document.display(), target.display());
                assert!(target.exists(), "{shown}: no such file");
                if let Some(fragment) =
                    fragment.filter(|_| target.extension().is_some_and(|e| e == "md"))
                {
                    assert!(
                        heading_anchors(&target).contains(&fragment),
                        "{shown}: no heading #{fragment}"
                    );
                }
            }
        }
    }
}
