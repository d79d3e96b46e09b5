//! Go front-end (tree-sitter-go). Placeholder.
use super::FileFacts;

pub fn extract(_src: &str) -> FileFacts {
    FileFacts::default()
}
