# analysis.bro — the common base of the analysis scripts.
#
# Declares Analysis::loaded, the set of analysis types the loaded scripts ask for. Every
# analysis script (dns.bro, http-*.bro, scan.bro, ...) adds its type to it; the node
# runs an analysis only when its type is in this set and switched on in analysis.dat,
# and `check` rejects types the reference engine cannot do.

module Analysis;

export {
	const loaded: set[string] = {} &redef;
}
