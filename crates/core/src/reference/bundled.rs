//! The line format shared by the bundled data files under `data/reference/`: one record a
//! line, tab-separated, with `#` comment lines that say where the data came from.

/// The record lines of a bundled file, comments and blank lines left out.
pub(crate) fn data_lines(source: &'static str) -> impl Iterator<Item = &'static str> {
    source
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
}
