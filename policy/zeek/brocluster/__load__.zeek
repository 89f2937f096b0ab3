##! BroCluster's script package for nodes of profile zeek (docs/ZEEK.md): what zeekctl's
##! own `zeekctl` package gives a node, so that a site needs Zeek only. Every node loads it
##! (argv `brocluster`), before `brocluster/auto`.
@load ./main
