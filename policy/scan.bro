# scan.bro — scan detection: a source that contacts many hosts (address scan) or many
# ports on one host (port scan) within Scan::scan_interval raises a notice in
# notice.log, once per source and interval. In a cluster the workers report connection
# attempts to the proxies, so a scan spread over several workers is still seen.

@load analysis
@load notice

module Scan;

export {
	# Distinct hosts one source touches within the interval.
	const addr_scan_threshold: count = 25 &redef;
	# Distinct ports one source touches on one host within the interval.
	const port_scan_threshold: count = 15 &redef;
	const scan_interval: interval = 5 min &redef;
	# Connection attempts to these ports, or from these sources, never count.
	const skip_scan_ports: set[port] = {} &redef;
	const skip_scan_sources: set[subnet] = {} &redef;
}

redef Analysis::loaded += { "scan" };
