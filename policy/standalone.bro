# standalone.bro — what a standalone node loads first (Scripts-Standalone): the same
# analyses as a cluster worker, since one process captures, analyses, detects scans and
# writes the logs. Site policy (local.bro) comes after this.

@load conn
@load dns
@load http-request
@load http-reply
@load http-header
@load http-body
@load scan
