//! Writing results to standard output, where the reader may stop early (`| head`).

use std::io::Write;

use anyhow::Context;

/// Writes `bytes` to standard output; a reader that closed the pipe is not an error.
pub fn emit(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => result.context("標準出力に書き込めません。"),
    }
}

/// Writes a value as pretty JSON followed by a newline.
pub fn emit_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    emit(text.as_bytes())
}
