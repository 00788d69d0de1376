//! The command line: commands, options and the help texts with examples.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// The argument syntax, shown under `call` and `multicall` (a macro, because clap's
/// `after_help` takes only literals, which `concat!` can build from it).
macro_rules! argument_syntax {
    () => {
        "Argument syntax:
  42  -7              int (i8 when it needs 64 bits)
  3.5  1e3            double
  true  false         boolean
  nil                 nil
  text  '\"42\"'        string: any other word; JSON quotes force a string
  '[1, \"a\"]'          array (JSON)
  '{\"k\": 1}'          struct (JSON)
  i8:5  int:5  double:2  bool:1  string:42
  date:20260101T09:30:00              dateTime.iso8601
  base64:SGVsbG8=  base64:@file.bin   base64 (text, or a file's bytes)
Inside JSON, a string with a prefix is that type: '{\"when\": \"date:20260101T00:00:00\"}';
write \"string:...\" for a string that starts with a prefix. Results print in the same syntax."
    };
}

/// Talk to any XML-RPC server: call methods, read its introspection, generate a typed
/// Rust interface.
///
/// Exit status: 0 on a result, 1 when the server answers with a fault (code and message on
/// stderr), 2 on a usage, connection, HTTP or decoding error.
#[derive(Debug, Parser)]
// `xmlrpc-cli help URL METHOD` is a command of its own; `--help` still prints the help.
#[command(
    name = "xmlrpc-cli",
    version,
    max_term_width = 100,
    disable_help_subcommand = true
)]
#[command(after_help = "\
URLs: http://host:port/RPC2, https://..., http://user:pass@host/ (basic auth),
      unix:///run/app.sock?path=/RPC2 (HTTP over a Unix socket),
      scgi://host:port/RPC2, scgi+unix:///run/app.sock?path=/RPC2 (SCGI)

Examples:
  xmlrpc-cli call http://localhost:8000/RPC2 calc.add 2 3
  xmlrpc-cli list http://localhost:8000/RPC2
  xmlrpc-cli describe http://localhost:8000/RPC2
  xmlrpc-cli gen http://localhost:8000/RPC2 --trait Calculator --namespace calc > calc.rs")]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Options for every command.
    #[command(flatten)]
    pub common: Common,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Call a method and print its result.
    #[command(after_help = concat!(
        "Examples:
  xmlrpc-cli call http://localhost:8000/RPC2 interop.add 2 3
  xmlrpc-cli call http://localhost:8000/RPC2 interop.echo '{\"name\": \"x\", \"big\": \"i8:5000000000\"}'
  xmlrpc-cli call http://localhost:8000/RPC2 interop.echoBinary base64:@photo.jpg
  xmlrpc-cli call --json http://localhost:8000/RPC2 validator1.simpleStructReturnTest 7
  xmlrpc-cli call --xml http://localhost:8000/RPC2 interop.nil

",
        argument_syntax!()
    ))]
    Call {
        /// The server's URL.
        url: String,
        /// The method's name.
        method: String,
        /// The parameters, in the syntax below.
        #[arg(allow_negative_numbers = true, value_name = "ARGS")]
        args: Vec<String>,
        /// How to print the result.
        #[command(flatten)]
        output: Output,
    },
    /// List the server's methods (system.listMethods).
    #[command(after_help = "Example:\n  xmlrpc-cli list http://localhost:8000/RPC2")]
    List {
        /// The server's URL.
        url: String,
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Show a method's signatures and help text.
    #[command(after_help = "Example:\n  xmlrpc-cli help http://localhost:8000/RPC2 interop.add")]
    Help {
        /// The server's URL.
        url: String,
        /// The method's name.
        method: String,
        /// Print a JSON object {name, signatures, help}.
        #[arg(long)]
        json: bool,
    },
    /// Show every method with its signatures and the start of its help, as a table.
    #[command(after_help = "Examples:
  xmlrpc-cli describe http://localhost:8000/RPC2
  xmlrpc-cli describe --json http://localhost:8000/RPC2 > methods.json")]
    Describe {
        /// The server's URL.
        url: String,
        /// Print a JSON array of {name, signatures, help} with the full help texts.
        #[arg(long)]
        json: bool,
    },
    /// Send several calls in one system.multicall and print each result or fault in order.
    #[command(after_help = concat!(
        "Examples (the calls come from the command line, one --call each, or from --file):
  xmlrpc-cli multicall http://localhost:8000/RPC2 --call interop.add 2 3 --call interop.echo hi
  xmlrpc-cli multicall http://localhost:8000/RPC2 --file calls.json

calls.json is a JSON array; each call is {\"methodName\": ..., \"params\": [...]} or
[\"method\", arg, ...]; the arguments are JSON with the type prefixes below:
  [[\"interop.add\", 2, 3], {\"methodName\": \"interop.echoI8\", \"params\": [\"i8:7\"]}]

",
        argument_syntax!()
    ))]
    Multicall {
        /// The server's URL.
        url: String,
        /// A JSON file of calls (`-` reads standard input).
        #[arg(long, short = 'f', value_name = "FILE", conflicts_with = "call")]
        file: Option<PathBuf>,
        /// One call: the method's name, then its arguments.
        // clap's derive flattens repeated multi-value options, so this field only declares
        // the option; `calls` receives the words grouped per `--call` (see `Cli::parse`).
        #[arg(
            long,
            short = 'c',
            num_args = 1..,
            allow_negative_numbers = true,
            value_names = ["METHOD", "ARGS"],
            required_unless_present = "file"
        )]
        call: Vec<String>,
        /// The `--call` options, each the method's name and its arguments.
        #[arg(skip)]
        calls: Vec<Vec<String>>,
        /// How to print the results.
        #[command(flatten)]
        output: Output,
    },
    /// Generate a #[xmlrpc_service] Rust trait from the server's introspection.
    #[command(after_help = "\
The signatures (system.methodSignature) give the argument and result types; the help texts
(system.methodHelp) become doc comments. Unknown types are Value, structs Map. A method
without a signature is listed in a comment, to declare by hand.

Examples:
  xmlrpc-cli gen http://localhost:8000/RPC2 --trait Interop --namespace interop > interop.rs
  xmlrpc-cli gen http://localhost:8000/RPC2 --trait Everything -o src/remote.rs")]
    Gen {
        /// The server's URL.
        url: String,
        /// The trait's name.
        #[arg(long = "trait", value_name = "NAME")]
        trait_name: String,
        /// Only the methods `NS.*`, named without the prefix (the attribute's namespace).
        #[arg(long, value_name = "NS")]
        namespace: Option<String>,
        /// Write the source to this file instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

impl Cli {
    /// Parses a command line (the program name first).
    pub fn parse<I, T>(words: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let matches = <Cli as clap::CommandFactory>::command().try_get_matches_from(words)?;
        let mut cli = <Cli as clap::FromArgMatches>::from_arg_matches(&matches)?;
        if let (Command::Multicall { calls, .. }, Some(sub)) =
            (&mut cli.command, matches.subcommand_matches("multicall"))
        {
            *calls = sub
                .get_occurrences::<String>("call")
                .map(|each| each.map(|words| words.cloned().collect()).collect())
                .unwrap_or_default();
        }
        Ok(cli)
    }
}

/// Options for every command.
#[derive(Debug, Args)]
pub struct Common {
    /// Give up on a call after this many seconds.
    #[arg(long, global = true, value_name = "SECS", default_value_t = 30.0)]
    pub timeout: f64,
    /// User name for HTTP basic authentication (or write http://user:pass@host/).
    #[arg(long, global = true, value_name = "USER")]
    pub user: Option<String>,
    /// Password for basic authentication (default: the XMLRPC_PASSWORD environment variable).
    #[arg(long, global = true, value_name = "PASS", requires = "user")]
    pub password: Option<String>,
    /// An extra HTTP header for every request, as `Name: value`; repeatable.
    #[arg(long = "header", short = 'H', global = true, value_name = "HEADER")]
    pub headers: Vec<String>,
    /// Show the exchange (request and response documents) on standard error, on any target.
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
}

/// How results are printed.
#[derive(Debug, Args, Clone, Copy)]
pub struct Output {
    /// Print the XML response as received (http/https URLs).
    #[arg(long, conflicts_with = "json")]
    pub xml: bool,
    /// Print the result as JSON (i8 as a number, dates and base64 as strings, nil as null).
    #[arg(long)]
    pub json: bool,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    fn parse(words: &[&str]) -> Result<Cli, clap::Error> {
        Cli::parse(std::iter::once("xmlrpc-cli").chain(words.iter().copied()))
    }

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn call_takes_negative_numbers_and_options_anywhere() {
        let cli = parse(&[
            "call",
            "http://h/",
            "m",
            "-5",
            "x",
            "--json",
            "--timeout",
            "2",
        ])
        .unwrap();
        match cli.command {
            Command::Call {
                url,
                method,
                args,
                output,
            } => {
                assert_eq!((url.as_str(), method.as_str()), ("http://h/", "m"));
                assert_eq!(args, ["-5", "x"]);
                assert!(output.json && !output.xml);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(cli.common.timeout, 2.0);
        assert!(parse(&["call", "http://h/", "m", "--xml", "--json"]).is_err());
    }

    #[test]
    fn multicall_calls_from_the_command_line() {
        let cli = parse(&[
            "multicall",
            "http://h/",
            "--call",
            "a.b",
            "1",
            "-2",
            "--call",
            "c",
            "-v",
        ])
        .unwrap();
        match cli.command {
            Command::Multicall { calls, file, .. } => {
                assert_eq!(calls, [vec!["a.b", "1", "-2"], vec!["c"]]);
                assert!(file.is_none());
            }
            other => panic!("{other:?}"),
        }
        assert!(cli.common.verbose);
        assert!(parse(&["multicall", "http://h/"]).is_err());
        assert!(parse(&["multicall", "http://h/", "-f", "x.json", "-c", "m"]).is_err());
    }

    #[test]
    fn gen_needs_a_trait_name() {
        assert!(parse(&["gen", "http://h/"]).is_err());
        let cli = parse(&["gen", "http://h/", "--trait", "T", "--namespace", "ns"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Gen { trait_name, namespace: Some(ns), .. } if trait_name == "T" && ns == "ns"
        ));
    }

    #[test]
    fn password_needs_a_user() {
        assert!(parse(&["list", "http://h/", "--password", "p"]).is_err());
        let cli = parse(&[
            "list",
            "http://h/",
            "--user",
            "u",
            "--password",
            "p",
            "-H",
            "X-A: 1",
        ])
        .unwrap();
        assert_eq!(cli.common.user.as_deref(), Some("u"));
        assert_eq!(cli.common.headers, ["X-A: 1"]);
    }

    /// Both commands that read arguments explain their syntax, and every command has an
    /// example.
    #[test]
    fn every_argument_help_shows_the_syntax() {
        let mut cli = Cli::command();
        for name in ["call", "multicall"] {
            let sub = cli.find_subcommand_mut(name).unwrap();
            let help = sub.render_long_help().to_string();
            assert!(help.contains(argument_syntax!()), "{name}: {help}");
            assert!(help.contains("Examples"), "{name}");
        }
        for name in ["list", "help", "describe", "gen"] {
            let sub = cli.find_subcommand_mut(name).unwrap();
            let help = sub.render_long_help().to_string();
            assert!(
                help.contains("xmlrpc-cli "),
                "{name} has no example: {help}"
            );
        }
    }
}
