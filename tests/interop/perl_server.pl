#!/usr/bin/env perl
# Perl's RPC::XML::Server as a peer for our client (it speaks i8 and nil): echo, arithmetic
# on 64-bit integers, a struct of every type, and faults. Perl keeps no types on the values it
# receives, so `echo` re-encodes them by their look. Prints the port it bound on 127.0.0.1, then serves until killed.
use strict;
use warnings;
use RPC::XML;
use RPC::XML::Server;

$RPC::XML::ALLOW_NIL = 1;
my $server = RPC::XML::Server->new(host => '127.0.0.1', port => 0, no_default => 1);
die "cannot start: $server\n" unless ref $server;
$server->add_function({ name => 'echo', code => sub { $_[0] } });
$server->add_function({
    name => 'add64', code => sub { RPC::XML::i8->new($_[0] + $_[1]) },
});
$server->add_function({
    name => 'typed', code => sub {
        RPC::XML::struct->new(
            int => RPC::XML::int->new(7), i8 => RPC::XML::i8->new('9007199254740993'),
            double => RPC::XML::double->new(0.5), bool => RPC::XML::boolean->new(1),
            nil => RPC::XML::nil->new(), base64 => RPC::XML::base64->new("\x00\xff"),
            date => RPC::XML::datetime_iso8601->new('20261123T07:30:05'),
            string => RPC::XML::string->new('42'),
        );
    },
});
$server->add_function({
    name => 'fault', code => sub { RPC::XML::fault->new($_[0], $_[1]) },
});
$| = 1;
print $server->port, "\n";
$server->server_loop;
