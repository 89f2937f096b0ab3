# notice.bro — what becomes of a notice besides its line in notice.log. The collector
# mails a notice whose type is in emailed_types at once (Notice::ACTION_EMAIL, the
# manual's NOTICE_EMAIL; subject prefix MailAlarmPrefix, off with MailAlarms=0), and lists
# one whose type is in alarmed_types in the alarm summary mailed at each log rotation
# (Notice::ACTION_ALARM). Types are the notes' names as notice.log shows them.

module Notice;

export {
	const emailed_types: set[string] = {} &redef;
	const alarmed_types: set[string] = { "Scan::Address_Scan", "Scan::Port_Scan" } &redef;
}
