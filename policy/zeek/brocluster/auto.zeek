##! What `install` generates into the snapshot's auto/ dir (on ZEEKPATH), loaded last so that
##! it overrides the distribution's and the site's settings: the local networks of
##! networks.cfg and BroCluster's per-cluster configuration.
@load local-networks
@load brocluster-config
