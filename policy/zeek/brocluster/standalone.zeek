##! A standalone node (argv `brocluster/standalone`, after `brocluster`).

# With SaveTraces (-w trace.pcap) keep every packet, trimmed as the trace grows.
@load misc/trim-trace-file
redef record_all_packets = T;
