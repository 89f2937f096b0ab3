# http.bro — settings shared by the four HTTP analyses (http-request, http-reply,
# http-header, http-body). Loading it enables no analysis; every node type loads it so
# that local.bro may redefine these knobs on all of them.

module HTTP;

export {
	# Body analysis (http-body) looks at this many bytes of each body.
	const max_body_bytes: count = 4096 &redef;
	# Header analysis (http-header) logs these request/reply headers (case-insensitive).
	const log_headers: set[string] = { "HOST", "USER-AGENT", "CONTENT-TYPE" } &redef;
}
