##! Settings every node run by BroCluster shares.

# loaded_scripts.log, for the `scripts` command.
@load misc/loaded-scripts

# The Control framework's events (print, netstats, peerstatus reach a node through them);
# the node itself opens no control listener of its own.
@load frameworks/control/controllee
redef Control::controllee_listen = F;

# print, netstats and peerstatus through the WebSocket API, one reply topic per request.
@load ./control

# stderr.log is a file nobody watches: Zeek's warnings and errors go to reporter.log,
# whose tail a crash record carries.
redef Reporter::warnings_to_stderr = F;
redef Reporter::errors_to_stderr = F;
