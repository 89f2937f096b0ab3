# local.bro — site policy shared by every node of the cluster (the manager and workers
# load it through local-manager.bro / local-worker.bro, a standalone node directly).
# It is loaded after the cluster's own scripts, so a redef here wins over their
# defaults. Edit freely: install keeps an existing copy. Remove the leading '#' of an
# example to use it; see docs/SCRIPTS.md for the language.

# Scan detection: alert when one source touches 50 hosts or 20 ports within 10 minutes.
# redef Scan::addr_scan_threshold = 50;
# redef Scan::port_scan_threshold = 20;
# redef Scan::scan_interval = 10 min;

# Never count connection attempts to these ports, or from these sources, as scans.
# redef Scan::skip_scan_ports += { 53/udp, 123/udp };
# redef Scan::skip_scan_sources += { 10.10.0.0/16, [2001:db8:1::]/48 };

# The site's own networks (default: those in etc/networks.cfg).
# redef Site::local_nets = { 10.0.0.0/8, 192.168.0.0/16 };

# Forget idle connections sooner.
# redef Conn::tcp_inactivity_timeout = 2 min;
# redef Conn::udp_inactivity_timeout = 30 secs;

# HTTP: look at more of each body; also log the Referer header.
# redef HTTP::max_body_bytes = 16384;
# redef HTTP::log_headers += { "REFERER" };

# Mail every address scan at once (the collector sends it); keep port scans out of the
# alarm summary.
# redef Notice::emailed_types += { "Scan::Address_Scan" };
# redef Notice::alarmed_types -= { "Scan::Port_Scan" };

# Analyses the reference engine cannot do; loading them makes `check` fail:
# @load ftp
# @load smtp
