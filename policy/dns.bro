# dns.bro — DNS analysis: queries and answers into dns.log.

@load analysis

redef Analysis::loaded += { "dns" };
