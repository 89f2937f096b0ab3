# local-worker.bro — site policy of the workers and proxies (SitePolicyWorker). It
# loads local.bro, the policy every node shares; put worker-only settings below it.
# Edit freely: install keeps an existing copy.

@load local

# Workers only: look at fewer bytes of each HTTP body to save CPU.
# redef HTTP::max_body_bytes = 1024;
