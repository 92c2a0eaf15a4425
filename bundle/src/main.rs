//! `gongdao-verify-bundle FILE [--key FILE_OR_HEX]`: checks a case bundle
//! with no database and no network. Exit code 0 when it verifies, 1 naming
//! the first thing that does not match, 2 when it cannot start.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: gongdao-verify-bundle FILE [--key FILE_OR_HEX]\n  \
        --key: the published public key (64 hex digits, a PEM file, or the JSON of /.well-known/gongdao-signing-key);\n  \
        without it the key inside the bundle is used, which proves the bundle whole but not who made it";
    let (mut file, mut key) = (None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--key" => key = it.next().cloned(),
            "-h" | "--help" => {
                println!("{usage}");
                return ExitCode::SUCCESS;
            }
            _ if file.is_none() && !a.starts_with("--") => file = Some(a.clone()),
            _ => {
                eprintln!("{usage}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(file) = file else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let keys = match key.as_deref().map(bundle::keys::read_key_arg).transpose() {
        Ok(k) => k,
        Err(e) => {
            eprintln!("--key: {e}");
            return ExitCode::from(2);
        }
    };
    match bundle::verify::verify_file(std::path::Path::new(&file), keys.as_deref()) {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(problem) => {
            println!("FAILED: {problem}");
            ExitCode::from(1)
        }
    }
}
