# http-reply.bro — HTTP reply analysis: status code and message of each reply in
# http.log.

@load analysis
@load http

redef Analysis::loaded += { "http-reply" };
