# conn.bro — connection accounting (conn.log), which every node does.
#
# The inactivity timeouts after which an idle TCP, UDP or ICMP flow is logged and
# forgotten, and the site's own networks (conn.log's local_orig/local_resp; the node
# fills Site::local_nets from etc/networks.cfg when the policy leaves it empty).

@load analysis

module Conn;

export {
	const tcp_inactivity_timeout: interval = 5 min &redef;
	const udp_inactivity_timeout: interval = 1 min &redef;
	const icmp_inactivity_timeout: interval = 1 min &redef;
}

module Site;

export {
	const local_nets: set[subnet] = {} &redef;
}
