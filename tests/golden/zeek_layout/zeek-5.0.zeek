# Automatically generated. Do not edit.
redef Cluster::manager_is_logger = F;
redef Cluster::nodes = {
	["control"] = [$node_type=Cluster::CONTROL, $ip=127.0.0.1, $p=27760/tcp],
	["logger-1"] = [$node_type=Cluster::LOGGER, $ip=127.0.0.1, $p=27761/tcp],
	["manager"] = [$node_type=Cluster::MANAGER, $ip=127.0.0.1, $p=27762/tcp],
	["proxy-1"] = [$node_type=Cluster::PROXY, $ip=127.0.0.1, $p=27763/tcp, $manager="manager"],
	["worker-1-1"] = [$node_type=Cluster::WORKER, $ip=127.0.0.1, $p=27764/tcp, $interface="eth0", $manager="manager"],
	["worker-1-2"] = [$node_type=Cluster::WORKER, $ip=127.0.0.1, $p=27765/tcp, $interface="eth0", $manager="manager"],
};
