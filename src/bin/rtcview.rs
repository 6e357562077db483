//! `rtcview`: the native command line over the same core as the viewer.
//!
//! `rtcview summary <file|->` prints the `rtcview-summary/1` JSON document.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::run(std::env::args().skip(1).collect()));
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::io::{Read, Write};

    const USAGE: &str = "usage: rtcview summary <file|->\n";

    pub fn run(args: Vec<String>) -> i32 {
        match args.first().map(String::as_str) {
            Some("summary") => match args.get(1) {
                Some(path) if args.len() == 2 => summary(path),
                _ => usage(),
            },
            Some("-h") | Some("--help") | Some("help") => {
                print!("{USAGE}");
                0
            }
            _ => usage(),
        }
    }

    fn usage() -> i32 {
        eprint!("{USAGE}");
        64
    }

    fn read_input(path: &str) -> std::io::Result<Vec<u8>> {
        if path == "-" {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf)?;
            Ok(buf)
        } else {
            std::fs::read(path)
        }
    }

    fn summary(path: &str) -> i32 {
        let bytes = match read_input(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error[io]: cannot read {path}: {e}");
                return 2;
            }
        };
        let options = rtcview::ImportOptions {
            max_decoded_bytes: 4 << 30,
        };
        match rtcview::import_with(&bytes, &options) {
            Ok(session) => {
                let summary = rtcview::summary::summarize(&session);
                match serde_json::to_string(&summary) {
                    Ok(json) => {
                        let mut out = std::io::stdout().lock();
                        let _ = writeln!(out, "{json}");
                        0
                    }
                    Err(e) => {
                        eprintln!("error[internal]: {e}");
                        1
                    }
                }
            }
            Err(e) => {
                eprintln!("error[{}]: {e}", e.kind);
                2
            }
        }
    }
}
