//! A report as a list of blocks, rendered to Markdown and to self-contained HTML from the same
//! source, so the two files always say the same thing.

use base64::Engine;
use std::path::Path;

/// One block of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(u8, String),
    Paragraph(String),
    List(Vec<String>),
    /// Headers and rows of cells.
    Table(Vec<String>, Vec<Vec<String>>),
    /// An image file relative to the report directory (PNG is embedded in HTML), with its caption
    /// and the path of its vector version.
    Figure {
        png: String,
        svg: String,
        caption: String,
    },
    Code(String, String),
}

/// Markdown (GitHub flavour).
pub fn markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Heading(level, text) => {
                out.push_str(&format!("{} {text}\n\n", "#".repeat(*level as usize)))
            }
            Block::Paragraph(text) => out.push_str(&format!("{text}\n\n")),
            Block::List(items) => {
                for i in items {
                    out.push_str(&format!("- {i}\n"));
                }
                out.push('\n');
            }
            Block::Table(headers, rows) => {
                out.push_str(&format!("| {} |\n", headers.join(" | ")));
                out.push_str(&format!("|{}\n", "---|".repeat(headers.len())));
                for row in rows {
                    let mut row = row.clone();
                    row.resize(headers.len(), String::new());
                    out.push_str(&format!("| {} |\n", row.join(" | ")));
                }
                out.push('\n');
            }
            Block::Figure { png, svg, caption } => out.push_str(&format!(
                "![{caption}]({png})\n\n*{caption}* ([SVG]({svg}))\n\n"
            )),
            Block::Code(lang, text) => {
                out.push_str(&format!("```{lang}\n{}\n```\n\n", text.trim_end()))
            }
        }
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Inline `code` spans of Markdown become <code> in HTML; everything else is escaped.
fn inline(text: &str) -> String {
    let mut out = String::new();
    for (k, part) in text.split('`').enumerate() {
        if k % 2 == 1 {
            out.push_str(&format!("<code>{}</code>", escape(part)));
        } else {
            out.push_str(&escape(part));
        }
    }
    out
}

const STYLE: &str = "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:1100px;\
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
table{border-collapse:collapse;margin:1em 0;font-size:0.92em}\
th,td{border:1px solid #ccc;padding:0.3em 0.6em;text-align:right}\
th:first-child,td:first-child{text-align:left}th{background:#f2f2f2}\
figure{margin:1.5em 0}img{max-width:100%;height:auto;border:1px solid #eee}\
figcaption{font-style:italic;color:#555}\
pre{background:#f7f7f7;padding:0.8em;overflow-x:auto;font-size:0.88em}code{font-size:0.95em}";

/// Self-contained HTML: styles inline, PNG figures embedded as data URIs (read from `dir`), so the
/// file opens anywhere without a network or its neighbours.
pub fn html(title: &str, blocks: &[Block], dir: &Path) -> std::io::Result<String> {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(title)
    );
    for b in blocks {
        match b {
            Block::Heading(level, text) => {
                out.push_str(&format!("<h{level}>{}</h{level}>\n", inline(text)))
            }
            Block::Paragraph(text) => out.push_str(&format!("<p>{}</p>\n", inline(text))),
            Block::List(items) => {
                out.push_str("<ul>\n");
                for i in items {
                    out.push_str(&format!("<li>{}</li>\n", inline(i)));
                }
                out.push_str("</ul>\n");
            }
            Block::Table(headers, rows) => {
                out.push_str("<table>\n<thead><tr>");
                for h in headers {
                    out.push_str(&format!("<th>{}</th>", inline(h)));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    let span = headers.len().saturating_sub(row.len()) + 1;
                    for (k, c) in row.iter().enumerate() {
                        if k + 1 == row.len() && span > 1 {
                            out.push_str(&format!("<td colspan=\"{span}\">{}</td>", inline(c)));
                        } else {
                            out.push_str(&format!("<td>{}</td>", inline(c)));
                        }
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
            Block::Figure { png, svg, caption } => {
                let bytes = std::fs::read(dir.join(png))?;
                let data = base64::engine::general_purpose::STANDARD.encode(bytes);
                out.push_str(&format!(
                    "<figure>\n<img alt=\"{}\" src=\"data:image/png;base64,{data}\">\n\
                     <figcaption>{} (vector version: {})</figcaption>\n</figure>\n",
                    escape(caption),
                    inline(caption),
                    escape(svg)
                ));
            }
            Block::Code(_, text) => out.push_str(&format!(
                "<pre><code>{}</code></pre>\n",
                escape(text.trim_end())
            )),
        }
    }
    out.push_str("</body>\n</html>\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks() -> Vec<Block> {
        vec![
            Block::Heading(1, "Report <x>".into()),
            Block::Paragraph("α = `10` & more".into()),
            Block::Table(
                vec!["a".into(), "b".into(), "c".into()],
                vec![
                    vec!["1".into(), "2".into(), "3".into()],
                    vec!["x".into(), "failed".into()],
                ],
            ),
            Block::Code("toml".into(), "name = \"x\"\n".into()),
        ]
    }

    #[test]
    fn markdown_and_html_carry_the_same_cells() {
        let md = markdown(&blocks());
        assert!(md.contains("| 1 | 2 | 3 |") && md.contains("| x | failed |  |"));
        let h = html("t", &blocks(), Path::new(".")).unwrap();
        assert!(h.starts_with("<!DOCTYPE html>") && h.trim_end().ends_with("</html>"));
        assert!(h.contains("<h1>Report &lt;x&gt;</h1>"));
        assert!(h.contains("<code>10</code> &amp; more"));
        assert!(h.contains("<td colspan=\"2\">failed</td>"));
        // nothing fetched from elsewhere
        assert!(!h.contains("http://") && !h.contains("https://"));
    }

    #[test]
    fn figures_are_embedded() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("f.png"), b"\x89PNG\r\n\x1a\nabc").unwrap();
        let b = vec![Block::Figure {
            png: "f.png".into(),
            svg: "f.svg".into(),
            caption: "c".into(),
        }];
        let h = html("t", &b, dir.path()).unwrap();
        assert!(
            h.contains("src=\"data:image/png;base64,iVBORw0KGgphYmM=\""),
            "{h}"
        );
        assert!(html("t", &b, &dir.path().join("none")).is_err());
    }
}
