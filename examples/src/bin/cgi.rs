//! The calculator in CGI mode: reads one request from the CGI environment and standard input,
//! writes the response (with its `Status:` line) to standard output. Install the binary as a
//! CGI script of a web server, or try it by hand:
//!
//! ```sh
//! body='<?xml version="1.0"?><methodCall><methodName>calc.add</methodName><params>
//! <param><value><int>2</int></value></param><param><value><int>3</int></value></param>
//! </params></methodCall>'
//! printf '%s' "$body" | REQUEST_METHOD=POST CONTENT_TYPE=text/xml \
//!     CONTENT_LENGTH=${#body} cargo run -q -p examples --bin cgi
//! ```

use examples::calculator::{Calc, Calculator};
use xmlrpc_server::Server;

fn main() {
    let server = match Server::builder().service(Calc.into_service()).build() {
        Ok(server) => server,
        Err(e) => {
            eprintln!("cgi: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = xmlrpc_server::cgi::run(&server) {
        eprintln!("cgi: {e}");
        std::process::exit(1);
    }
}
