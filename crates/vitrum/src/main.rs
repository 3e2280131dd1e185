use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = vitrum::cli::Cli::parse();
    match vitrum::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}
