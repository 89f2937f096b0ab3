# ftp.bro — FTP analysis, named by the manual's analysis table.
#
# brocluster-node (the reference engine) cannot analyse FTP: loading this script asks
# for it, and `check` then rejects the configuration with a clear message (switch the
# type off in analysis.dat or do not load this script). A real Bro does the analysis.

@load analysis

redef Analysis::loaded += { "ftp" };
