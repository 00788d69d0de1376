#!/usr/bin/env perl
# Perl's RPC::XML client against our interop server. Usage: perl_client.pl URL
use strict;
use warnings;
use RPC::XML;
use RPC::XML::Client;

my $client = RPC::XML::Client->new($ARGV[0]);
my ($passed, $failed) = (0, 0);

sub check {
    my ($name, $ok, $detail) = @_;
    if ($ok) { $passed++ } else { $failed++; print "FAIL $name: ", ($detail // ''), "\n" }
}

sub call {
    my $res = $client->send_request(@_);
    die "transport error: $res\n" unless ref $res;
    return $res;
}

my $sum = call('validator1.easyStructTest', RPC::XML::struct->new(moe => 1, larry => 2, curly => 3));
check('easyStructTest', !$sum->is_fault && $sum->value == 6, $sum->value);

my $nested = RPC::XML::struct->new(
    int      => RPC::XML::int->new(42),
    bool     => RPC::XML::boolean->new(1),
    string   => RPC::XML::string->new("text <&> 'q'"),
    double   => RPC::XML::double->new(2.5),
    date     => RPC::XML::datetime_iso8601->new('20261123T07:30:05'),
    base64   => RPC::XML::base64->new("\x00\x01\xffbin"),
    array    => RPC::XML::array->new(RPC::XML::int->new(1), RPC::XML::string->new('two')),
    struct   => RPC::XML::struct->new(deep => RPC::XML::struct->new(deeper => 'yes')),
);
my $echo = call('interop.echo', $nested);
my $v = $echo->value;
check('echo int', $v->{int} == 42, $v->{int});
check('echo bool', $v->{bool} == 1, $v->{bool});
check('echo string', $v->{string} eq "text <&> 'q'", $v->{string});
check('echo double', $v->{double} == 2.5, $v->{double});
check('echo date', $v->{date} =~ /^20261123T07:30:05/, $v->{date});
check('echo base64', $v->{base64} eq "\x00\x01\xffbin", 'base64 differs');
check('echo array', $v->{array}[0] == 1 && $v->{array}[1] eq 'two', 'array differs');
check('echo struct', $v->{struct}{deep}{deeper} eq 'yes', 'struct differs');
check('echo types kept', ref($echo->{date}) eq 'RPC::XML::datetime_iso8601'
      && ref($echo->{base64}) eq 'RPC::XML::base64' && ref($echo->{double}) eq 'RPC::XML::double',
      join(',', map { ref $echo->{$_} } sort keys %$echo));

my $fault = call('interop.fault', 13, 'thirteen');
check('fault', $fault->is_fault && $fault->code == 13 && $fault->string eq 'thirteen', 'not the fault');

my $mc = call('system.multicall', RPC::XML::array->new(
    RPC::XML::struct->new(methodName => 'interop.add', params => RPC::XML::array->new(1, 2)),
    RPC::XML::struct->new(methodName => 'interop.fault', params => RPC::XML::array->new(9, 'nine')),
    RPC::XML::struct->new(methodName => 'validator1.easyStructTest',
        params => RPC::XML::array->new(RPC::XML::struct->new(moe => 1, larry => 1, curly => 1))),
));
my $r = $mc->value;
check('multicall add', $r->[0][0] == 3, 'add');
check('multicall fault', $r->[1]{faultCode} == 9 && $r->[1]{faultString} eq 'nine', 'fault');
check('multicall struct', $r->[2][0] == 3, 'struct');

print "$passed passed, $failed failed\n";
exit($failed ? 1 : 0);
