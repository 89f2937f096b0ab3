# http-body.bro — HTTP body analysis: length and MIME type of the first
# HTTP::max_body_bytes (http.bro) of each body.

@load analysis
@load http

redef Analysis::loaded += { "http-body" };
