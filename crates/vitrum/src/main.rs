use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = vitrum::cli::Cli::parse();
    match vitrum::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // one line, outermost context first: "error: FILE: frame 3: r_max = ..."
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
