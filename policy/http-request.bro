# http-request.bro — HTTP request analysis: method, host and URI of each request in
# http.log.

@load analysis
@load http

redef Analysis::loaded += { "http-request" };
