# http-header.bro — HTTP header analysis: the headers named in HTTP::log_headers
# (http.bro) go into http.log.

@load analysis
@load http

redef Analysis::loaded += { "http-header" };
