//! Rust front-end (syn). Placeholder until the syn extractor lands.
use super::FileFacts;

pub fn extract(_src: &str) -> FileFacts {
    FileFacts::default()
}
