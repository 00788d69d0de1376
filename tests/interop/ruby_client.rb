#!/usr/bin/env ruby
# Ruby's xmlrpc gem against our interop server. Usage: ruby_client.rb URL
require "xmlrpc/client"
require "uri"

uri = URI.parse(ARGV.fetch(0))
XMLRPC::Config.send(:remove_const, :ENABLE_NIL_PARSER)
XMLRPC::Config.const_set(:ENABLE_NIL_PARSER, true)
XMLRPC::Config.send(:remove_const, :ENABLE_NIL_CREATE)
XMLRPC::Config.const_set(:ENABLE_NIL_CREATE, true)
server = XMLRPC::Client.new(uri.host, uri.path, uri.port)
$passed = 0
$failed = 0

def check(name, got, want)
  if got == want
    $passed += 1
  else
    $failed += 1
    puts "FAIL #{name}: got #{got.inspect}, want #{want.inspect}"
  end
end

check("easyStructTest", server.call("validator1.easyStructTest", { "moe" => 1, "larry" => 2, "curly" => 3 }), 6)
when_ = XMLRPC::DateTime.new(2026, 11, 23, 7, 30, 5)
nested = {
  "int" => 42, "negative" => -7, "bool" => true, "string" => "ünï <&> 'q'",
  "double" => 2.5, "date" => when_, "base64" => XMLRPC::Base64.new("\x00\x01\xffbin".b),
  "array" => [1, "two", [3.0, false]], "struct" => { "deep" => { "deeper" => "yes" } },
}
echoed = server.call("interop.echo", nested)
%w[int negative bool string double array struct].each do |k|
  check("echo #{k}", echoed[k], nested[k])
end
check("echo date", echoed["date"].to_a, when_.to_a)
check("echo base64", echoed["base64"].b, "\x00\x01\xffbin".b)
ok, fault = server.call2("interop.fault", 13, "thirteen")
check("fault", [ok, fault.faultCode, fault.faultString], [false, 13, "thirteen"])
results = server.multicall(["interop.add", 1, 2], ["interop.fault", 9, "nine"], ["validator1.easyStructTest", { "moe" => 1, "larry" => 1, "curly" => 1 }])
check("multicall add", results[0], 3)
check("multicall fault", [results[1].faultCode, results[1].faultString], [9, "nine"])
check("multicall struct", results[2], 3)
puts "#{$passed} passed, #{$failed} failed"
exit($failed.zero? ? 0 : 1)
