//! `rtcview`: the native command line over the same core as the viewer.
//!
//! `rtcview summary <file|->` prints the `rtcview-summary/1` JSON document.
//! `rtcview findings [--json] FILE...` prints each file's verdict (findings
//! and score): a table per file, or NDJSON, one line per file; the files
//! are analyzed in parallel on all cores.
//! `rtcview token --key private.pem --kid K --iss I --aud A [...]` mints an
//! embed login token (docs/embedding.md).
//! `rtcview report [--mask] IN -o OUT.html` writes a self-contained HTML
//! report (`rtcview::report`); `--mask` masks addresses and ICE
//! credentials as the embedded viewer does without `read:deobfuscated`.
//! `rtcview redact [--keep-private] IN -o OUT` writes a copy of a dump in
//! its own format (gzipped if the input was) with every address and secret
//! replaced (`rtcview::redact`, docs/redaction.md), streaming, with
//! progress on stderr.
//! `rtcview convert IN --to webrtc-internals|rtcstats -o OUT` writes the
//! dump in the other family (`rtcview::convert`, docs/conversion.md); an
//! output name ending in `.gz` is gzipped.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::run(std::env::args().skip(1).collect()));
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::io::{Read, Write};

    const USAGE: &str = "usage: rtcview summary <file|->...
       rtcview findings [--json] <file>...
       rtcview report [--mask] <file> -o <report.html>
       rtcview redact [--keep-private] <file|-> -o <out|->
       rtcview convert <file|-> --to webrtc-internals|rtcstats -o <out|out.gz|->
       rtcview token --key private.pem --kid KID --iss ISSUER --aud AUDIENCE [--ttl 10m]
                     [--alg RS256|ES256] [--sub SUBJECT] [--appid APPID] [--session-url URL]
                     [--permission P]... [--filter KEY=VALUE]...
";

    pub fn run(args: Vec<String>) -> i32 {
        match args.first().map(String::as_str) {
            Some("summary") if args.len() >= 2 => summary(args.get(1..).unwrap_or_default()),
            Some("findings") => findings::run(args.get(1..).unwrap_or_default()),
            Some("report") => report(args.get(1..).unwrap_or_default()),
            Some("redact") => redact::run(args.get(1..).unwrap_or_default()),
            Some("convert") => convert(args.get(1..).unwrap_or_default()),
            Some("token") => match token::mint(args.get(1..).unwrap_or_default()) {
                Ok(t) => {
                    println!("{t}");
                    0
                }
                Err(e) => {
                    eprintln!("error[token]: {e}");
                    2
                }
            },
            Some("-h") | Some("--help") | Some("help") => {
                print!("{USAGE}");
                0
            }
            _ => usage(),
        }
    }

    /// `report [--mask] IN -o OUT`.
    fn report(args: &[String]) -> i32 {
        let mut mask = false;
        let (mut input, mut output) = (None, None);
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--mask" => mask = true,
                "-o" => output = it.next(),
                _ if input.is_none() => input = Some(a),
                _ => return usage(),
            }
        }
        let (Some(input), Some(output)) = (input, output) else {
            return usage();
        };
        let mut session = match import_path(input) {
            Ok(s) => s,
            Err(f) => {
                eprintln!("error[{}]: {input}: {}", f.kind(), f.message());
                return 1;
            }
        };
        if mask {
            rtcview::embed::mask::mask_session(&mut session);
        }
        let name = file_name(input).unwrap_or_else(|| input.clone());
        let html = rtcview::report::report(&session, &name);
        match std::fs::write(output, html) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("error[io]: {output}: {e}");
                1
            }
        }
    }

    /// `convert IN --to FAMILY -o OUT`.
    fn convert(args: &[String]) -> i32 {
        let (mut input, mut output, mut target) = (None, None, None);
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "-o" => output = it.next(),
                "--to" => match it.next().and_then(|t| rtcview::convert::Target::parse(t)) {
                    Some(t) => target = Some(t),
                    None => return usage(),
                },
                _ if input.is_none() => input = Some(a),
                _ => return usage(),
            }
        }
        let (Some(input), Some(output), Some(target)) = (input, output, target) else {
            return usage();
        };
        let session = match import_path(input) {
            Ok(s) => s,
            Err(f) => {
                eprintln!("error[{}]: {input}: {}", f.kind(), f.message());
                return 1;
            }
        };
        let written = (|| -> std::io::Result<rtcview::convert::Report> {
            let sink: Box<dyn Write> = if output == "-" {
                Box::new(std::io::stdout().lock())
            } else {
                Box::new(std::fs::File::create(output)?)
            };
            let mut sink = std::io::BufWriter::with_capacity(1 << 20, sink);
            let report = if output.ends_with(".gz") {
                let mut gz =
                    flate2::write::GzEncoder::new(&mut sink, flate2::Compression::default());
                let report = rtcview::convert::convert(&session, target, &mut gz)?;
                gz.finish()?;
                report
            } else {
                rtcview::convert::convert(&session, target, &mut sink)?
            };
            sink.flush()?;
            Ok(report)
        })();
        match written {
            Ok(r) => {
                let mut notes = String::new();
                if r.synthesized_creates > 0 {
                    notes.push_str(&format!(
                        "; {} create events added (rtcstats carries the configuration there)",
                        r.synthesized_creates
                    ));
                }
                if r.skipped_properties > 0 {
                    notes.push_str(&format!(
                        "; {} properties not written (a '-' in the name)",
                        r.skipped_properties
                    ));
                }
                eprintln!(
                    "converted {} peer connections, {} events, {} stats samples{notes}",
                    r.peer_connections, r.events, r.samples
                );
                0
            }
            Err(e) => {
                eprintln!("error[io]: {output}: {e}");
                1
            }
        }
    }

    mod redact {
        use flate2::bufread::MultiGzDecoder;
        use flate2::write::GzEncoder;
        use flate2::Compression;
        use rtcview::redact::{Options, Redactor, Report};
        use std::io::{BufRead, BufReader, Read, Write};

        /// Bytes read and redacted at a time.
        const CHUNK: usize = 1 << 20;
        /// Progress is reported every this many input bytes.
        const PROGRESS_EVERY: u64 = 64 << 20;

        /// `redact [--keep-private] IN -o OUT`.
        pub fn run(args: &[String]) -> i32 {
            let mut options = Options::default();
            let (mut input, mut output) = (None, None);
            let mut it = args.iter();
            while let Some(a) = it.next() {
                match a.as_str() {
                    "--keep-private" => options.keep_private = true,
                    "-o" => output = it.next(),
                    _ if input.is_none() => input = Some(a),
                    _ => return super::usage(),
                }
            }
            let (Some(input), Some(output)) = (input, output) else {
                return super::usage();
            };
            match redact(input, output, options) {
                Ok(r) => {
                    eprintln!(
                        "redacted {} lines ({} MB): {} addresses, {} ufrags, {} passwords, {} fingerprints, {} labels, {} credentials, {} certificates, {} URLs{}{}",
                        r.lines,
                        r.bytes_in >> 20,
                        r.addresses,
                        r.secrets.ufrags,
                        r.secrets.passwords,
                        r.secrets.fingerprints,
                        r.secrets.labels,
                        r.secrets.credentials,
                        r.secrets.certificates,
                        r.secrets.urls,
                        if r.masked > 0 { format!(", {} partial addresses masked", r.masked) } else { String::new() },
                        if r.guarded > 0 { format!(", {} touching replacements replaced again", r.guarded) } else { String::new() },
                    );
                    0
                }
                Err((place, e)) => {
                    eprintln!("error[io]: {place}: {e}");
                    1
                }
            }
        }

        type Failure = (String, std::io::Error);

        fn redact(input: &str, output: &str, options: Options) -> Result<Report, Failure> {
            let at_in = |e| (input.to_string(), e);
            let at_out = |e| (output.to_string(), e);
            let source: Box<dyn Read> = if input == "-" {
                Box::new(std::io::stdin().lock())
            } else {
                Box::new(std::fs::File::open(input).map_err(at_in)?)
            };
            let mut source = BufReader::with_capacity(CHUNK, source);
            // gzip in, gzip out (RFC 1952's magic bytes).
            let gzipped = source.fill_buf().map_err(at_in)?.starts_with(&[0x1f, 0x8b]);
            let sink: Box<dyn Write> = if output == "-" {
                Box::new(std::io::stdout().lock())
            } else {
                Box::new(std::fs::File::create(output).map_err(at_out)?)
            };
            let mut sink = std::io::BufWriter::with_capacity(CHUNK, sink);
            let report = if gzipped {
                let mut encoder = GzEncoder::new(&mut sink, Compression::default());
                let report = pump(&mut MultiGzDecoder::new(source), &mut encoder, options)
                    .map_err(|e| e.at(input, output))?;
                // Written out here, not on drop, where an error is lost.
                encoder.finish().map_err(at_out)?;
                report
            } else {
                pump(&mut source, &mut sink, options).map_err(|e| e.at(input, output))?
            };
            sink.flush().map_err(at_out)?;
            Ok(report)
        }

        /// An I/O error on one side.
        enum Side {
            In(std::io::Error),
            Out(std::io::Error),
        }

        impl Side {
            fn at(self, input: &str, output: &str) -> Failure {
                match self {
                    Side::In(e) => (input.to_string(), e),
                    Side::Out(e) => (output.to_string(), e),
                }
            }
        }

        fn pump(
            reader: &mut dyn Read,
            writer: &mut dyn Write,
            options: Options,
        ) -> Result<Report, Side> {
            let mut redactor = Redactor::new(options);
            let mut chunk = vec![0u8; CHUNK];
            let mut out = Vec::with_capacity(CHUNK * 2);
            let mut reported = 0u64;
            loop {
                let n = match reader.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(Side::In(e)),
                };
                redactor.push(chunk.get(..n).unwrap_or_default(), &mut out);
                writer.write_all(&out).map_err(Side::Out)?;
                out.clear();
                if redactor.bytes_in() - reported >= PROGRESS_EVERY {
                    reported = redactor.bytes_in();
                    eprintln!("redact: {} MB read", reported >> 20);
                }
            }
            let report = redactor.finish(&mut out);
            writer.write_all(&out).map_err(Side::Out)?;
            Ok(report)
        }
    }

    fn usage() -> i32 {
        eprint!("{USAGE}");
        64
    }

    /// Why a dump could not be imported: `io` (with the reading error) or
    /// the importer's error.
    enum ImportFailure {
        Io(std::io::Error),
        Import(rtcview::ImportError),
    }

    impl ImportFailure {
        /// `io`, or the importer's error kind: the `error[…]` of a message.
        fn kind(&self) -> &'static str {
            match self {
                ImportFailure::Io(_) => "io",
                ImportFailure::Import(e) => e.kind.as_str(),
            }
        }

        fn message(&self) -> String {
            match self {
                ImportFailure::Io(e) => e.to_string(),
                ImportFailure::Import(e) => e.to_string(),
            }
        }
    }

    /// Imports a file (`-`: stdin) as it is read, 1 MiB at a time, into
    /// the streaming importer the browser's worker uses: the file is never
    /// held whole besides the model (reading it whole first took a 1 GB
    /// rtcstats dump's summary to 2.6 GB of memory; `findings` runs one
    /// import per core). The decompressed limit is 4 GiB, as the summary's.
    fn import_path(path: &str) -> Result<rtcview::Session, ImportFailure> {
        let options = rtcview::ImportOptions {
            max_decoded_bytes: 4 << 30,
        };
        let mut stream = rtcview::formats::ImportStream::new(options);
        let mut source: Box<dyn Read> = if path == "-" {
            Box::new(std::io::stdin().lock())
        } else {
            let file = std::fs::File::open(path).map_err(ImportFailure::Io)?;
            if let Ok(m) = file.metadata() {
                stream.size_hint(m.len());
            }
            Box::new(file)
        };
        let mut chunk = vec![0u8; 1 << 20];
        loop {
            let n = match source.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(ImportFailure::Io(e)),
            };
            stream
                .push(chunk.get(..n).unwrap_or_default())
                .map_err(ImportFailure::Import)?;
        }
        stream.finish().map_err(ImportFailure::Import)
    }

    /// The file name of `path` (`None` for standard input).
    fn file_name(path: &str) -> Option<String> {
        (path != "-").then(|| {
            std::path::Path::new(path)
                .file_name()
                .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
        })
    }

    /// `summary FILE...`: one document for all of them (issue 15: dumps of
    /// one browser merged, the two ends of a call linked).
    fn summary(paths: &[String]) -> i32 {
        let mut inputs = Vec::with_capacity(paths.len());
        for path in paths {
            match import_path(path) {
                Ok(session) => inputs.push(rtcview::combine::Input {
                    name: file_name(path).unwrap_or_else(|| "-".into()),
                    session,
                }),
                Err(ImportFailure::Io(e)) => {
                    eprintln!("error[io]: cannot read {path}: {e}");
                    return 2;
                }
                Err(ImportFailure::Import(e)) if paths.len() == 1 => {
                    eprintln!("error[{}]: {e}", e.kind);
                    return 2;
                }
                Err(ImportFailure::Import(e)) => {
                    eprintln!("error[{}]: {path}: {e}", e.kind);
                    return 2;
                }
            }
        }
        let summary = match inputs.as_slice() {
            [one] => {
                let name = (one.name != "-").then_some(one.name.as_str());
                rtcview::summary::summarize_named(&one.session, name)
            }
            _ => rtcview::summary::summarize_combined(&rtcview::combine::combine(inputs)),
        };
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

    mod findings {
        use super::import_path;
        use std::io::Write;
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Mutex;

        /// One file's outcome: its table or JSON line, and whether it read.
        type Report = (String, bool);

        pub fn run(args: &[String]) -> i32 {
            let json = args.iter().any(|a| a == "--json");
            let files: Vec<&String> = args.iter().filter(|a| *a != "--json").collect();
            if files.is_empty() {
                return super::usage();
            }
            // A pool of threads over the file list: every core busy, each
            // file's output kept in the order given.
            let slots: Vec<Mutex<Option<Report>>> =
                files.iter().map(|_| Mutex::new(None)).collect();
            let next = AtomicUsize::new(0);
            let workers = std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
                .min(files.len());
            std::thread::scope(|scope| {
                for _ in 0..workers {
                    scope.spawn(|| loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let (Some(path), Some(slot)) = (files.get(i), slots.get(i)) else {
                            break;
                        };
                        let report = one(path, json);
                        if let Ok(mut s) = slot.lock() {
                            *s = Some(report);
                        }
                    });
                }
            });
            let mut out = std::io::stdout().lock();
            let mut failed = false;
            for slot in slots {
                let Some((text, ok)) = slot.into_inner().ok().flatten() else {
                    continue;
                };
                failed |= !ok;
                if ok || json {
                    let _ = write!(out, "{text}");
                } else {
                    eprint!("{text}");
                }
            }
            if failed {
                2
            } else {
                0
            }
        }

        fn one(path: &str, json: bool) -> Report {
            let session = match import_path(path) {
                Ok(s) => s,
                Err(f) => return failure(path, f.kind(), &f.message(), json),
            };
            let a = rtcview::findings::analyze(&session);
            if json {
                let line = serde_json::json!({
                    "file": path,
                    "ruleset": a.ruleset,
                    "score": a.score,
                    "findings": a.findings,
                    "checks": a.checks,
                });
                return (format!("{line}\n"), true);
            }
            (table(path, &a), true)
        }

        fn failure(path: &str, kind: &str, message: &str, json: bool) -> Report {
            if json {
                let line =
                    serde_json::json!({"file": path, "error": {"kind": kind, "message": message}});
                (format!("{line}\n"), false)
            } else {
                (format!("error[{kind}]: {path}: {message}\n"), false)
            }
        }

        /// The readable form: the score, then one line per finding.
        fn table(path: &str, a: &rtcview::findings::Analysis) -> String {
            let s = &a.score;
            let cat = |v: Option<f64>| v.map(|x| format!("{x:.1}")).unwrap_or_else(|| "–".into());
            let mut out = format!(
                "{path}\n  score {} / 100 (audio {}, video {}, connectivity {} of 5)\n",
                s.overall
                    .map(|x| format!("{x:.0}"))
                    .unwrap_or_else(|| "–".into()),
                cat(s.audio),
                cat(s.video),
                cat(s.connectivity)
            );
            if a.findings.is_empty() {
                out.push_str("  no findings\n");
            }
            for f in &a.findings {
                out.push_str(&format!(
                    "  {:<4} {:<8} {:<22} {}\n",
                    f.id,
                    f.severity.as_str(),
                    f.kind,
                    f.message
                ));
            }
            let unchecked: Vec<&str> = a
                .checks
                .iter()
                .filter(|c| !c.checked)
                .map(|c| c.kind)
                .collect();
            if !unchecked.is_empty() {
                out.push_str(&format!("  not checked: {}\n", unchecked.join(", ")));
            }
            out.push('\n');
            out
        }
    }

    mod token {
        use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
        use serde_json::{json, Map, Value};
        use std::time::{SystemTime, UNIX_EPOCH};

        /// The longest `--ttl`: an embed token should live minutes (a
        /// `jti` is remembered by one page only, see docs/embedding.md).
        pub const MAX_TTL_S: u64 = 86_400;

        /// `10m`, `2h`, `30s`, `1d` or plain seconds, at most [`MAX_TTL_S`].
        pub fn parse_ttl(s: &str) -> Result<u64, String> {
            let (n, unit) = s
                .find(|c: char| !c.is_ascii_digit())
                .map(|i| s.split_at(i))
                .unwrap_or((s, "s"));
            let n: u64 = n.parse().map_err(|_| format!("bad --ttl {s:?}"))?;
            let mult = match unit {
                "s" | "" => 1,
                "m" => 60,
                "h" => 3600,
                "d" => 86_400,
                _ => return Err(format!("bad --ttl unit in {s:?} (s, m, h, d)")),
            };
            match n.checked_mul(mult) {
                Some(0) => Err(format!("--ttl {s:?} is zero")),
                Some(t) if t <= MAX_TTL_S => Ok(t),
                _ => Err(format!("--ttl {s:?} is longer than a day ({MAX_TTL_S} s)")),
            }
        }

        /// A token id: 128 random bits from the OS, hex (unguessable, so
        /// no one can burn a token's id in a page before it is used).
        fn jti() -> Result<String, String> {
            let mut bytes = [0u8; 16];
            getrandom::getrandom(&mut bytes)
                .map_err(|e| format!("no randomness for the token id: {e}"))?;
            Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
        }

        pub fn mint(args: &[String]) -> Result<String, String> {
            let mut opt: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
            let mut it = args.iter();
            while let Some(flag) = it.next() {
                let name = flag
                    .strip_prefix("--")
                    .ok_or_else(|| format!("unexpected argument {flag:?}"))?;
                let known = [
                    "key",
                    "kid",
                    "iss",
                    "aud",
                    "ttl",
                    "alg",
                    "sub",
                    "appid",
                    "session-url",
                    "permission",
                    "filter",
                ];
                let name = known
                    .iter()
                    .find(|k| **k == name)
                    .ok_or_else(|| format!("unknown option --{name}"))?;
                let value = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
                opt.entry(name).or_default().push(value.clone());
            }
            let one = |k: &str| opt.get(k).and_then(|v| v.last()).cloned();
            let need = |k: &str| one(k).ok_or_else(|| format!("--{k} is required"));
            let pem =
                std::fs::read(need("key")?).map_err(|e| format!("cannot read the key: {e}"))?;
            let alg = match one("alg").as_deref().unwrap_or("RS256") {
                "RS256" => Algorithm::RS256,
                "ES256" => Algorithm::ES256,
                other => return Err(format!("--alg {other} is not supported (RS256, ES256)")),
            };
            let key = match alg {
                Algorithm::ES256 => EncodingKey::from_ec_pem(&pem),
                _ => EncodingKey::from_rsa_pem(&pem),
            }
            .map_err(|e| format!("the key is not a {alg:?} private key in PEM: {e}"))?;
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            let ttl = parse_ttl(&one("ttl").unwrap_or_else(|| "10m".into()))?;
            let mut data = Map::new();
            if let Some(a) = one("appid") {
                data.insert("appid".into(), json!(a));
            }
            data.insert(
                "permissions".into(),
                json!(opt.get("permission").cloned().unwrap_or_default()),
            );
            if let Some(u) = one("session-url") {
                data.insert("session".into(), json!({ "url": u }));
            }
            if let Some(filters) = opt.get("filter") {
                let mut f: Map<String, Value> = Map::new();
                for kv in filters {
                    let (k, v) = kv
                        .split_once('=')
                        .ok_or_else(|| format!("--filter {kv:?} is not KEY=VALUE"))?;
                    if let Value::Array(list) = f.entry(k.to_string()).or_insert_with(|| json!([]))
                    {
                        list.push(json!({ "value": v }));
                    }
                }
                data.insert("filter".into(), Value::Object(f));
            }
            let mut claims = Map::new();
            claims.insert("iss".into(), json!(need("iss")?));
            claims.insert("aud".into(), json!(need("aud")?));
            claims.insert("iat".into(), json!(now));
            claims.insert("nbf".into(), json!(now));
            let exp = now
                .checked_add(ttl)
                .ok_or("the clock is past any expiry time")?;
            claims.insert("exp".into(), json!(exp));
            claims.insert("jti".into(), json!(jti()?));
            claims.insert("data".into(), Value::Object(data));
            if let Some(sub) = one("sub") {
                claims.insert("sub".into(), json!(sub));
            }
            let mut header = Header::new(alg);
            header.kid = Some(need("kid")?);
            encode(&header, &claims, &key).map_err(|e| format!("signing failed: {e}"))
        }
    }
}
