# cluster-worker.bro — what a cluster worker loads first (Scripts-Worker): connection
# accounting and every analysis the reference engine can do. The workers capture and
# analyse, send their log records and notices to the manager and their connection
# attempts to the proxies for scan detection. Site policy (local-worker.bro) comes after
# this and may redefine every default.

@load conn
@load dns
@load http-request
@load http-reply
@load http-header
@load http-body
@load scan
