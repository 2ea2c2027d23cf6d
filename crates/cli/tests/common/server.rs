//! `madoguchi serve` as a child process: started on a port the system picks, the address
//! read from the line the server announces, ready once `/readyz` answers 200; stopped when
//! the test ends (also when it panics), or killed with SIGKILL when the test means to crash it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::http::{self, Browser};

/// A running server.
#[derive(Debug)]
pub struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Spawns `serve` (a command that already names its database and `--addr 127.0.0.1:0`)
    /// and waits until it is ready.
    pub fn spawn(mut serve: Command) -> Self {
        let child = serve
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        // The guard exists before anything can panic, so the server never outlives the test.
        let mut server = Self {
            child,
            addr: String::new(),
        };
        let mut lines = BufReader::new(server.child.stdout.take().unwrap()).lines();
        server.addr = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| announced_addr(&line))
            .unwrap_or_else(|| panic!("serve exited without announcing its address"));
        // Keep reading so that the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        server.wait_ready();
        server
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A browser with no cookie, talking to this server.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.addr)
    }

    /// Kills the process with SIGKILL, as a power cut or the OOM killer would: no handler
    /// runs, no connection is closed politely, nothing is flushed.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Waits until `/readyz` answers 200; fails if the server exits first.
    fn wait_ready(&mut self) {
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("serve exited with {status} before /readyz answered");
            }
            let ready = http::exchange(&self.addr, "GET", "/readyz", &[], b"");
            if ready.is_ok_and(|r| r.status == 200) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// `127.0.0.1:PORT` from the line `madoguchi を http://127.0.0.1:PORT/ で公開しています…`.
pub fn announced_addr(line: &str) -> Option<String> {
    let start = line.find("http://")? + "http://".len();
    let url = line[start..].split_whitespace().next()?;
    Some(url.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::announced_addr;

    #[test]
    fn the_announced_address_is_read_from_the_serve_line() {
        assert_eq!(
            announced_addr(
                "madoguchi を http://127.0.0.1:39327/ で公開しています（274件の制度）。Ctrl-C で終了します。"
            )
            .as_deref(),
            Some("127.0.0.1:39327")
        );
        assert_eq!(announced_addr("取り込み結果：デモ制度カタログ"), None);
    }
}
