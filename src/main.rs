use clap::Parser;

fn main() {
    let cli = impermalint::cli::Cli::parse();
    let code = impermalint::app::run(cli);
    std::process::exit(code);
}
