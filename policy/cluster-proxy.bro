# cluster-proxy.bro — what a proxy loads first (Scripts-Proxy). Proxies hold the state
# the workers share: the connection attempts of scan detection, so a scanner spread over
# several workers is caught. They load scan for its thresholds, and conn and the HTTP
# settings so that local.bro (loaded by proxies through local-worker.bro) can redefine
# them here too.

@load conn
@load scan
@load http
