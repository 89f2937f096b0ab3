##! BroCluster's control channel (docs/ZEEK.md, "Control channel"). `print`, `netstats`
##! and `peerstatus` reach a node as the request events below: BroCluster's supervisor
##! publishes them through the WebSocket listener of the manager (or standalone node) to
##! the node's request topic, and the cluster carries them to the node. Each request names
##! the topic its answer goes to, one per request, and the answer is the Control
##! framework's own response event, computed as the framework's controllee computes it.
##! Control::*_request cannot do this: their answers all go to one topic per node, where
##! every client that asks at the same time sees every answer (zeekctl's events.py says so).
##! Zeek 8.0 and later only: the WebSocket API (Cluster::listen_websocket) came with 8.0.

@load base/frameworks/control

@if ( Version::at_least("8.0") )

module BroCluster;

export {
	## Each node takes requests on <control_request_prefix><Cluster::node>/ (the node
	## name is empty for a standalone node).
	const control_request_prefix = "zeek/brocluster/control/request/" &redef;
	## Answers go only to topics under this prefix: a request cannot make a node
	## publish elsewhere.
	const control_reply_prefix = "zeek/brocluster/control/reply/" &redef;

	## print <id>: answered with Control::id_value_response(id, value).
	global id_value_request: event(reply_topic: string, id: string);
	## netstats: answered with Control::net_stats_response(line).
	global net_stats_request: event(reply_topic: string);
	## peerstatus: answered with Control::peer_status_response(lines).
	global peer_status_request: event(reply_topic: string);
}

function reply_allowed(topic: string): bool
	{
	return starts_with(topic, control_reply_prefix);
	}

# After the backend's Cluster::init() (zeek_init priority 10 in ZeroMQ's connect.zeek);
# not during check, where the cluster is not set up (as setup-connections.zeek skips it).
event zeek_init()
	{
	if ( getenv("ZEEKCTL_CHECK_CONFIG") != "" )
		return;

	Cluster::subscribe(control_request_prefix + Cluster::node + "/");
	}

event BroCluster::id_value_request(reply_topic: string, id: string)
	{
	if ( ! reply_allowed(reply_topic) )
		return;

	Cluster::publish(reply_topic, Control::id_value_response, id, fmt("%s", lookup_ID(id)));
	}

event BroCluster::net_stats_request(reply_topic: string)
	{
	if ( ! reply_allowed(reply_topic) )
		return;

	local ns = get_net_stats();
	local line = fmt("%.6f recvd=%d dropped=%d link=%d\n", network_time(),
	                 ns$pkts_recvd, ns$pkts_dropped, ns$pkts_link);
	Cluster::publish(reply_topic, Control::net_stats_response, line);
	}

event BroCluster::peer_status_request(reply_topic: string)
	{
	if ( ! reply_allowed(reply_topic) )
		return;

	local status = "";

	# Broker::peers() knows the peerings of the Broker backend only; under ZeroMQ the
	# answer is empty, as the controllee's is.
	if ( Cluster::backend == Cluster::CLUSTER_BACKEND_BROKER )
		{
		local peers = Broker::peers();

		for ( i in peers )
			{
			local p = peers[i];
			status += fmt("%.6f peer=%s host=%s status=%s\n", network_time(),
			              p$peer$id, p$peer$network$address, p$status);
			}
		}

	Cluster::publish(reply_topic, Control::peer_status_response, status);
	}

@endif
