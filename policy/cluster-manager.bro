# cluster-manager.bro — what the manager (and a logger) loads first (Scripts-Manager).
# The manager captures nothing: it writes the cluster's aggregated logs and notices.
# It loads the scripts whose settings it shares with the other nodes — conn (timeouts,
# Site::local_nets), scan (thresholds for the notices) and the HTTP settings — so that
# local.bro, which every node loads, can redefine them here too.

@load conn
@load scan
@load http
