# local-manager.bro — site policy of the manager (SitePolicyManager). It loads local.bro,
# the policy every node shares; put manager-only settings below it. Edit freely:
# install keeps an existing copy.

@load local

# Notice filtering belongs here, on the manager, where the notices of all workers meet.
# For example, raise the scan thresholds for the notices the manager logs:
# redef Scan::addr_scan_threshold = 100;
