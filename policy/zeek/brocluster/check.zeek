##! Loaded only by `check` and `scripts` (zeek -a ... brocluster/check): initialise, write
##! loaded_scripts.log on every node kind, and end.

redef Log::default_rotation_interval = 0 secs;
redef exit_only_after_terminate = F;
# A running cluster may hold the stores' databases: a check must not touch them.
redef Broker::table_store_db_directory = ".";

event zeek_init() &priority=-10
	{
	local filter = Log::get_filter(LoadedScripts::LOG, "default");
	filter$log_local = T;
	Log::remove_filter(LoadedScripts::LOG, "default");
	Log::add_filter(LoadedScripts::LOG, filter);
	terminate();
	}
