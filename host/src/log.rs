//! Component stdout and stderr, line by line into the host's stderr, each
//! line prefixed with the component id (as `spin up` prints them).

use std::io::Write;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::AsyncWrite;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};

/// The stdout or stderr of one component's instances.
#[derive(Clone)]
pub struct ComponentLog {
    pub component: String,
}

impl IsTerminal for ComponentLog {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for ComponentLog {
    fn async_stream(&self) -> Box<dyn AsyncWrite + Send + Sync> {
        Box::new(LineWriter {
            prefix: format!("[{}] ", self.component),
            line: Vec::new(),
        })
    }
}

struct LineWriter {
    prefix: String,
    line: Vec<u8>,
}

impl LineWriter {
    fn emit(&mut self) {
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(self.prefix.as_bytes());
        let _ = stderr.write_all(&self.line);
        if !self.line.ends_with(b"\n") {
            let _ = stderr.write_all(b"\n");
        }
        self.line.clear();
    }
}

impl AsyncWrite for LineWriter {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        bytes: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        for &byte in bytes {
            self.line.push(byte);
            if byte == b'\n' {
                self.emit();
            }
        }
        Poll::Ready(Ok(bytes.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        if !self.line.is_empty() {
            self.emit();
        }
        Poll::Ready(Ok(()))
    }
}

impl Drop for LineWriter {
    fn drop(&mut self) {
        if !self.line.is_empty() {
            self.emit();
        }
    }
}
