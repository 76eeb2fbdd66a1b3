//! Running the `sdp` command line from a test, as a user's shell does:
//! shared by the families' tests of its subcommands that read standard input.

use std::io::Write as _;
use std::process::{Command, Stdio};

/// Runs `sdp` with `args` and `stdin` on its standard input; its output.
/// Panics, with what it wrote to standard error, if it fails.
pub fn sdp_with_input(args: &[&str], stdin: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sdp"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "sdp {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}
