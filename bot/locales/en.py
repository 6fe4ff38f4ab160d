"""English. HTML templates; every {param} is escaped by `t()`."""

MESSAGES: dict[str, str] = {
    # formats
    "fmt_month": "{y}-{mm}",
    "fmt_date": "{y}-{mm}-{dd}",
    "fmt_date_wd": "{y}-{mm}-{dd} ({wd})",
    "fmt_date_full": "{y}-{mm}-{dd}",
    "fmt_datetime": "{y}-{mm}-{dd} {hm}",
    "weekday_0": "Mon",
    "weekday_1": "Tue",
    "weekday_2": "Wed",
    "weekday_3": "Thu",
    "weekday_4": "Fri",
    "weekday_5": "Sat",
    "weekday_6": "Sun",
    "num_1": "1",
    "num_2": "2",
    "num_3": "3",
    "num_4": "4",
    "num_5": "5",
    "num_6": "6",
    "num_7": "7",
    "num_8": "8",
    "num_9": "9",
    "role_secretary": "secretary",
    "role_deputy": "deputy",
    "role_coordinator": "coordinator",
    "role_admin": "admin",
    "role_stranger": "visitor",
    # errors and refusals
    "denied": "⛔ This command is for coordinators only.",
    "denied_admin": "⛔ Only admins can do this.",
    "denied_branch": "⛔ You are not the secretary or deputy of this branch.",
    "not_a_secretary": "You are not linked to a branch yet. Ask a coordinator for your branch's invite link; once you open it, you can report.",
    "stale_button": "This button has expired. Please send the command again.",
    "bad_button": "Unrecognized button.",
    "wrong_chat_private": "Please use this command in a private chat with me: tap my profile picture and send {command}.",
    "wrong_chat_group": "This command works only in the coordination group or in a private chat with me.",
    "wrong_chat_bindgroup": "Send /bindgroup in the coordination group you want to link.",
    "unknown_command": "Unknown command {command}. Send /help to see the available commands.",
    "internal_error": "⚠️ Something went wrong. The admins have been notified. Please try again later.",
    "error_report_admin": "⚠️ zhibu error: <code>{error}</code>\nUpdate type: {kind}",
    "arg_missing": "Usage: {usage}",
    "month_bad": "Invalid month: {value}. Write it like 2026-11.",
    "month_in_future": "{month} has not started yet.",
    "too_long_arg": "The arguments are too long.",
    # start, help, language, cancel
    "start_stranger": (
        "Hello! I am the branch reporting assistant of <b>{org}</b>.\n"
        "Each month I remind branch secretaries to send their work report before the due date, "
        "and after the deadline I post the monthly circular.\n\n"
        "If you are a branch secretary or deputy, open the invite link your coordinator sent you "
        "to link your account.\n"
        "Send /help to see the commands."
    ),
    "start_member": "Hello, {name}! You are the {role} of {branches}.\nSend /report to submit this month's work report, or /help to see all commands.",
    "start_coordinator": "Hello, {name}! Your role at <b>{org}</b>: {role}. Send /status to see this month's reporting status, or /help to see all commands.",
    "help_head": "<b>zhibu branch reporting assistant</b> · Your role: {role}",
    "help_everyone": "/help Show help\n/lang Change language\n/cancel Cancel the current action",
    "help_secretary": (
        "<b>Reporting</b>\n"
        "/report Submit this month's work report (or simply reply to my reminder)\n"
        "/myreports Your past reports\n"
        "/mytasks Your branch's tasks · /plan Plans and phases\n"
        "Photos and files are kept as supporting documents for the month."
    ),
    "help_coordinator": (
        "<b>Coordination</b>\n"
        "/status [branch|2026-10] This month's status, one branch's details, or a past month\n"
        "/remind Remind every branch that has not reported yet\n"
        "/circular Preview the monthly circular; /circular post posts it now\n"
        "/schedule This month's reminder and circular times\n"
        "/exempt branch 2026-11 reason · /unexempt branch 2026-11 Set or remove an exemption\n"
        "<b>Branches</b>\n"
        "/branches List branches\n"
        "/addbranch name · /renamebranch old new · /archivebranch name\n"
        "/invite branch [secretary|deputy] Create an invite link\n"
        "/invites Unused invites · /revoke number Revoke an invite\n"
        "<b>Plans and records</b>\n"
        "/plan Plans and their phases (send me the plan file, .docx/.txt/.yaml, to import one)\n"
        "/export [2026] The year's ledger (Excel)\n"
        "/review [2026] Yearly review with suggested grades\n"
        "/circulardoc [2026-11] The circular as a Word document and a chart"
    ),
    "help_admin": (
        "<b>Admin</b>\n/invite coordinator Invite a coordinator\n"
        "/bindgroup Send in a group to make it the coordination group"
    ),
    "lang_choose": "Choose a language · 请选择语言",
    "lang_set": "Language set to English.",
    "cancel_done": "Canceled.",
    "cancel_nothing": "There is nothing to cancel.",
    # onboarding
    "invite_usage": "Usage: /invite branch [secretary|deputy], or /invite coordinator",
    "invite_role_bad": "Unknown role: {role}. Use secretary, deputy, or coordinator.",
    "invite_created": (
        "🔗 Invite link for {target}, role: {role} (valid for {days} days, single use, #{id}):\n"
        "{link}\n"
        "Send the link to the person; opening it links their account. To revoke it: /revoke {id}"
    ),
    "invite_invalid": "This invite link is not valid. Please ask a coordinator for a new one.",
    "invite_revoked": "This invite link has been revoked. Please ask a coordinator for a new one.",
    "invite_used": "This invite link has already been used. Each link works only once; please ask a coordinator for a new one.",
    "invite_used_by_you": "You have already used this link, so there is no need to open it again.",
    "invite_expired": "This invite link has expired. Please ask a coordinator for a new one.",
    "invite_branch_gone": "This branch has been archived, so the invite link no longer works.",
    "invite_not_found": "There is no invite #{id}.",
    "invite_not_open": "Invite #{id} has already been used or revoked.",
    "invite_revoked_ok": "Invite #{id} revoked.",
    "invites_head": "<b>Unused invites</b> ({count})",
    "invites_line": "#{id} {target} · {role} · valid until {expires}",
    "invites_none": "There are no unused invites.",
    "joined_member": "✅ You're linked! You are now the {role} of <b>{branch}</b>.\nI will remind you before each month's due date; send /report to submit.",
    "joined_member_handover": "✅ You're linked! You have taken over as {role} of <b>{branch}</b> (previous {role}: {old}).\nSend /report to submit.",
    "joined_already": "You are already the {role} of <b>{branch}</b>.",
    "joined_coordinator": "✅ You are now a coordinator. Send /status to see the reporting status, or /help to see all commands.",
    "joined_coordinator_already": "You are already a coordinator.",
    "handover_old": "ℹ️ {name} has taken over as {role} of <b>{branch}</b>. From now on the branch's reminders go to the new {role}. Thank you for your work!",
    "branch_name_missing": "Please give the branch name.",
    "branch_name_too_long": "The branch name is too long (at most {max} characters).",
    "branch_exists": "A branch named “{name}” already exists.",
    "branch_not_found": "No branch named “{name}” was found. Send /branches to see the list.",
    "branch_ambiguous": "“{name}” matches several branches: {names}. Please give the full name.",
    "branch_added": "✅ Branch <b>{name}</b> added. To create the secretary's invite link: /invite {name}",
    "branch_renamed": "✅ “{old}” renamed to <b>{new}</b>.",
    "branch_archived": "✅ Branch <b>{name}</b> archived. Its report history is kept.",
    "branches_head": "<b>Branches</b> ({count})",
    "branches_line": "{n}. <b>{name}</b> · Secretary: {secretary}{deputy}",
    "branches_deputy": " · Deputy: {name}",
    "branches_none_person": "not linked",
    "branches_unreachable": " (🚫 unreachable)",
    "branches_empty": "There are no branches yet. Add one with /addbranch name.",
    "bindgroup_done": "✅ This group is now the coordination group of <b>{org}</b>. Monthly circulars and overdue digests will be posted here.",
    # reports
    "report_choose_branch": "You are responsible for several branches. Which one are you reporting for?",
    "report_ask": (
        "📝 Please send the {month} work report of <b>{branch}</b>.\n"
        "Due: {due}{late_note}\n"
        "Just send it as text (up to {max} characters); you can also attach photos or files "
        "as supporting documents. Send /cancel to cancel."
    ),
    "report_ask_revise": (
        "✏️ <b>{branch}</b> has already reported for {month} (version {revisions}).\n"
        "Send a complete new text to save it as a revision; the earlier version is kept. "
        "Send /cancel to cancel."
    ),
    "report_ask_late": " (past the due date: a report now counts as late)",
    "report_saved": "✅ Received the {month} work report of <b>{branch}</b> ({timing}), {chars} characters.",
    "report_revised": "✅ Saved version {revisions} of the {month} report of <b>{branch}</b> ({timing}), {chars} characters.",
    "timing_on_time": "on time",
    "timing_late": "late",
    "report_empty": "The report is empty. Please describe this month's work in text.",
    "report_too_long": "The report has {length} characters, over the limit of {max}. Please shorten it and send it again: write the key points as text and attach the details as a file.",
    "report_sticker": "Nice sticker 😊 but a report needs text. Please send this month's work report as text.",
    "report_unsupported": "This kind of message can't be used as a report. Please send text, or send photos or files as supporting documents.",
    "report_hint": "To submit this month's work report, send /report or simply reply to my reminder.",
    "report_btn_revise": "✏️ Revise",
    "report_btn_view": "📄 View",
    "report_view": (
        "<b>{branch}</b> · {month} work report ({timing}, version {revisions})\n"
        "Submitted: {submitted}{revised}\n"
        "Supporting documents: {attachments}\n\n{text}"
    ),
    "report_view_revised": " · last revised: {at}",
    "attach_saved": "📎 Saved as a supporting document for <b>{branch}</b>, {month} ({count} in total).",
    "attach_saved_need_text": "📎 Saved as a supporting document for <b>{branch}</b>, {month}. Please also send a written report: the month counts as reported only once you do.",
    "attach_duplicate": "This file has already been saved.",
    "attach_where": "Please send /report to choose a branch first, then send the photos or files.",
    "myreports_head": "<b>{branch}</b> report history",
    "myreports_line": "{month} · {timing} · {chars} characters · version {revisions}",
    "myreports_none": "<b>{branch}</b> has no reports yet.",
    # status
    "status_head": "<b>{org} · {month} reporting status</b>\nDue: {due}{moved}",
    "status_moved": " (originally {nominal}, moved to a working day)",
    "status_totals": "Expected {expected} · On time {on_time} · Late {late} · {missing_label} {missing} · Exempt {exempt} · No secretary {no_secretary}",
    "status_missing_label_waiting": "Due",
    "status_missing_label_overdue": "Missing",
    "status_line_on_time": "✅ {name} — on time ({at})",
    "status_line_late": "🕘 {name} — late ({at})",
    "status_line_waiting": "⏳ {name} — due",
    "status_line_missing": "❌ {name} — missing",
    "status_line_exempt": "⚪ {name} — exempt: {reason}",
    "status_no_secretary": " (⚠️ no secretary)",
    "status_unreachable": " (🚫 unreachable: {names})",
    "status_failures": "⚠️ Failed deliveries this month: {count}",
    "status_failure_line": "· {to}: {reason}",
    "status_empty": "There are no branches yet. Add one with /addbranch name.",
    "status_branch": (
        "<b>{name}</b>\nSecretary: {secretary} · Deputy: {deputy}\n"
        "Latest report: {month} ({timing}) · version {revisions} · supporting documents: {attachments}\n"
        "Submitted: {submitted}\n\n{text}"
    ),
    "status_branch_none": "<b>{name}</b>\nSecretary: {secretary} · Deputy: {deputy}\nNo reports yet.",
    "btn_highlight": "⭐ Mark as highlight",
    "btn_unhighlight": "☆ Remove highlight",
    "highlight_on": "Marked as a highlight for this month's circular.",
    "highlight_off": "Highlight removed.",
    # engine
    "remind_days": (
        "⏰ <b>{branch}</b>: the {month} work report is due {due} (days left: {days}).\n"
        "Just <b>reply to this message</b> with your report, or send /report."
    ),
    "remind_today": (
        "⏰ <b>{branch}</b>: the {month} work report is <b>due today ({due})</b>.\n"
        "Just <b>reply to this message</b> with your report, or send /report."
    ),
    "overdue_nudge": (
        "❗ <b>{branch}</b>: the {month} work report was due {due} and has still not been received "
        "(days overdue: {days}).\n"
        "Please <b>reply to this message</b> with it as soon as possible, or send /report. "
        "Late reports are noted in the monthly circular."
    ),
    "nudge_head": "📣 Reminder from the coordinator:",
    "digest_head": "📋 <b>{month} overdue digest</b>\nThe due date has passed and these branches have not reported yet ({count}): {names}",
    "digest_no_secretary": "Branches with no secretary linked: {names} (create invite links with /invite)",
    "digest_tail": "Send /remind to remind them again, or /status for details.",
    "remind_done": "📣 Branches reminded ({count}): {names}",
    "remind_recent": "Already reminded within the last hour, skipped this time: {names}",
    "remind_nobody": "Could not remind (no secretary or unreachable): {names}",
    "remind_none": "Every branch has reported or is exempt this month; there is no one to remind.",
    "exempt_usage": "Usage: /exempt branch 2026-11 reason",
    "unexempt_usage": "Usage: /unexempt branch 2026-11",
    "exempt_done": "✅ <b>{branch}</b> is exempt for {month}: {reason}",
    "unexempt_done": "✅ Exemption removed: <b>{branch}</b>, {month}.",
    "not_exempt": "{branch} is not exempt for {month}.",
    "schedule_head": "<b>{month} reporting schedule</b>\nDue: {due}{moved}",
    "schedule_stage_remind": "{mark} {at} reminder (due date − {days} d)",
    "schedule_stage_remind_0": "{mark} {at} reminder (on the due date)",
    "schedule_stage_overdue": "{mark} {at} overdue reminder (due date + {days} d)",
    "schedule_stage_overdue_digest": "{mark} {at} overdue reminder (due date + {days} d), and the overdue digest to the coordinators",
    "schedule_circular": "{mark} {at} monthly circular",
    "schedule_done": "✓",
    "schedule_todo": "·",
    "schedule_no_chat": "⚠️ No coordination group is linked yet, so the circular cannot be posted. An admin needs to send /bindgroup in the coordination group.",
    "circular_preview_head": "📄 <b>Circular preview</b> (not posted; to post: /circular post)",
    "circular_posted": "✅ The monthly circular is queued for sending (messages: {parts}).",
    "circular_already": "This month's circular has already been posted; it will not be posted again.",
    "no_coordination_chat": "No coordination group is linked yet. An admin needs to send /bindgroup in the coordination group.",
    # the circular (official document style)
    "circ_title": "<b>Circular on the Progress of Party-Building Work, {m}/{y}</b>",
    "circ_to": "To all Party branches:",
    "circ_intro": "The status of the Party branches' work reports for {month} (due {due}) is set out below.",
    "circ_sec_total": "<b>1. Overview</b>",
    "circ_totals": "Branches expected to report this month: {expected}; reported on time: {on_time}; reported late: {late}; not reported: {missing}; exempt: {exempt}. Reporting rate: {rate}%.",
    "circ_sec_on_time": "<b>{n}. Reported on time ({count})</b>",
    "circ_sec_late": "<b>{n}. Reported late ({count})</b>",
    "circ_sec_missing": "<b>{n}. Not reported ({count})</b>",
    "circ_sec_exempt": "<b>{n}. Exempt ({count})</b>",
    "circ_sec_makeup": "<b>{n}. Make-up reports ({count})</b>",
    "circ_sec_highlights": "<b>{n}. Highlights</b>",
    "circ_names": "{names}",
    "circ_none": "None",
    "circ_repeat": "Not reported for consecutive months: {names}",
    "circ_repeat_item": "{branch} ({months} months in a row)",
    "circ_makeup_item": "{branch} ({month}, submitted {date})",
    "circ_highlight": "· {branch}: {text}",
    "circ_closing": "Branches that did not report on time are asked to give this their full attention, submit their outstanding reports promptly, and report on time before next month's due date.",
    "circ_sign": "{org}",
    # command menu
    "cmd_help": "Show help",
    "cmd_lang": "Change language",
    "cmd_cancel": "Cancel the current action",
    "cmd_report": "Submit this month's work report",
    "cmd_myreports": "My reports",
    "cmd_status": "This month's reporting status",
    "cmd_remind": "Remind branches that have not reported",
    "cmd_circular": "Preview or post the monthly circular",
    "cmd_schedule": "This month's reminder and circular schedule",
    "cmd_branches": "List branches",
    "cmd_addbranch": "Add a branch",
    "cmd_invite": "Create an invite link",
    "cmd_invites": "Unused invites",
    "cmd_revoke": "Revoke an invite",
    "cmd_exempt": "Exempt a branch",
    "cmd_unexempt": "Remove an exemption",
    "cmd_renamebranch": "Rename a branch",
    "cmd_archivebranch": "Archive a branch",
    "cmd_bindgroup": "Make this the coordination group",
    "circ_closing_all": "Every branch has reported this month; please keep it up and report on time before next month's due date.",
    "usage_addbranch": "/addbranch branch name",
    "usage_archivebranch": "/archivebranch branch name",
    "usage_revoke": "/revoke invite-number (see /invites)",
    "cmd_plan": "Plans and their phases",
    "cmd_mytasks": "My branch's tasks",
    "plan_too_big": "The file is too large (5 MB at most).",
    "plan_unreadable": "Could not read this plan: {reason}",
    "plan_empty": "No phases or tasks were found in this file; nothing was changed.",
    "plan_preview_head": "📋 <b>Plan preview</b> (not yet in effect)",
    "plan_preview_tail": "Check the phases, tasks and deadlines above, then press Enable. To correct them, export the YAML with zhibu plan extract, edit it and import it.",
    "plan_btn_enable": "✅ Enable",
    "plan_btn_cancel": "✖ Cancel",
    "plan_enabled": "✅ Plan “{title}” is enabled: {phases} phases, {tasks} tasks. Send /plan to follow it.",
    "plan_cancelled": "Cancelled; plan “{title}” was not enabled.",
    "plan_none": "No plan is enabled yet. A coordinator can send me the plan file (.docx, .txt or .yaml) in private chat.",
    "plan_title": "<b>{title}</b> ({year})",
    "plan_phase_line": "{mark} {title}: {start} – {end}",
    "plan_next": "Between phases; the next, “{title}”, starts {start}.",
    "plan_finished": "All phases have ended.",
    "plan_task_line": "  · {task}: {done}/{total} branches done (due {due})",
    "task_ongoing": "ongoing",
    "task_overdue": " ❗overdue",
    "task_note_shown": " ({note})",
    "task_line": "{mark} {task}{when}{late}{note}",
    "mytasks_head": "Tasks of <b>{branch}</b>",
    "mytasks_none": "No tasks.",
    "tasks_pick": "Tap a task to update it:",
    "tasks_offer": "While you are here, update your branch’s tasks ({count} open):",
    "task_choose": "Where does this task stand?",
    "task_status_todo": "◻ Not started",
    "task_status_doing": "◐ In progress",
    "task_status_done": "✅ Done",
    "task_saved": "Updated: {task} → {status}.\nSend one line as a note if you like, or /cancel to skip.",
    "task_note_saved": "Note saved: {task}.",
    "task_remind": "📌 <b>{branch}</b>: the task “{task}” of “{plan}” is due {due} (in {days} days) and is not marked done.\nWhen it is, send /mytasks to update it.",
    "status_overdue_tasks": "❗ Overdue tasks ({count}):",
    "status_overdue_task": "· {task} ({plan}, due {due})",
    "circ_sec_plans": "<b>{n}. Plan progress</b>",
    "circ_plan_head": "{plan}: {phase}",
    "circ_plan_phase": "now in “{title}” ({start} – {end})",
    "circ_plan_next": "next phase “{title}” starts {start}",
    "circ_plan_no_phase": "all phases have ended",
    "circ_task_line": "· {task}: {done}/{total} branches done{due}",
    "circ_task_due": " (due {due})",
    "circ_tasks_overdue": "Overdue: {items}",
    "rec_export_caption": "📊 Ledger for {year} ({branches} branches, {reports} reports)",
    "rec_year_bad": "I can't read the year “{value}”. Write four digits, e.g. /export 2026.",
    "rec_year_future": "{year} has not begun yet: nothing to export or review.",
    "rec_review_head": "<b>Reporting review {year}</b> ({span}, {count} months)",
    "rec_review_span": "months {first}–{last}",
    "rec_review_span_one": "month {m}",
    "rec_review_tally": "Suggested grades: good {good}, fair {fair}, average {average}, poor {poor}",
    "rec_review_line": "{branch} | on time {rate} | late {late} | missing {missing} | longest run missed {run} | tasks {tasks} | <b>{grade}</b>",
    "rec_review_no_tasks": "—",
    "rec_review_none": "No month of {year} is past its due day yet: nothing to review.",
    "rec_review_note": "<i>Suggested grades for the committee to consider. Good: on time ≥ {good} and no month missed; fair: ≥ {fair}; average: ≥ {average}; otherwise poor.</i>",
    "rec_archived": " (archived)",
    "rec_grade_good": "good",
    "rec_grade_fair": "fair",
    "rec_grade_average": "average",
    "rec_grade_poor": "poor",
    "rec_grade_none": "not graded",
    "rec_no_circular": "The circular for {month} has not been built yet.",
    "rec_no_circulars": "No circular has been built yet.",
    "rec_chart_caption": "📈 Reporting in {month}",
    "rec_docx_caption": "📄 Circular for {month} (Word document)",
    "cmd_export": "Export the year's ledger (Excel)",
    "cmd_review": "Yearly reporting review",
    "cmd_circulardoc": "Circular as document and chart",
    "report_choose_month": "<b>{branch}</b> has not reported for {missing} yet. Which month is this report for?",
    "report_btn_makeup": "Late report for {month}",
    "report_btn_current": "Report for {month}",
    "no_cycle": "zhibu was not running in {month}: there is no reporting cycle to publish a circular for.",
    "circular_too_early": "The due day ({due}) has not passed: a circular posted now would list branches that can still report on time as missing. Preview it with /circular and post it after the due day.",
    "branch_exact_needed": "To be safe, this needs the branch's full name. “{name}” could be: {names}",
    "rename_usage": "Usage: /renamebranch old-name new-name (if a name has spaces, separate with |: /renamebranch old name | new name)",
    "invite_already_secretary": "You are already the secretary of <b>{branch}</b> and cannot also be its deputy. Pass this link on to whoever should have it.",
    "csv_bad_row": "line {line}: {reason}",
    "plan_exists": "The plan “{title}” ({year}) is already enabled; it was not imported again.",
    "invite_coordinator_no_branch": "Coordinators belong to no branch: send /invite coordinator.",
    "status_empty_past": "No branch was due to report that month (none existed yet, or all were archived).",
    "report_edited": "Editing a sent message does not change the report. To revise it, tap “✏️ Revise” under the report's confirmation, or send /report and then the full text again.",
    "circ_plan_unphased": "no phases",
    "group_added_hint": "Hello! If this is the coordination group, an admin should send /bindgroup here; the monthly circular and overdue digests will be posted here.",
    "report_choose_month_held": "Got your text ({chars} characters), not saved yet. <b>{branch}</b> has not reported for {missing}: tap the month this report is for and it is saved at once:",
    "report_choose_month_first": "Please choose the month first, then send the photo or file again (this one was not saved).",
    "rec_year_range": "{value} is too early: the ledger and the review start in 2000.",
    "typed_held": "Got your text ({chars} characters), <b>not saved yet</b>. Is it a monthly report? Tap the branch and month it is for and it is saved at once; if it is not a report, tap “Not a report”. Unanswered, the text is kept for 12 hours.",
    "typed_held_more": "Added to the text before ({chars} characters in all), still <b>not saved</b>. Please tap one:",
    "typed_btn_submit": "Submit as {branch}, {month}",
    "typed_btn_revise": "Revise {branch}, {month} with it",
    "typed_btn_not_report": "Not a report",
    "typed_discarded": "All right: that text is not a report and was not saved. To report, send /report.",
    "typed_gone": "That text was already dealt with, or was held for over 12 hours, and was not saved. Please send the report text again.",
    "reply_handed_over": "⚠️ This reply was <b>not filed as a report</b>: {name} has taken over as secretary of <b>{branch}</b> and reports for {month} now. Please pass any material on to {name}.",
    "reply_not_member": "⚠️ This reply was <b>not filed as a report</b>: you are no longer the secretary or deputy of <b>{branch}</b>, so you cannot report for it for {month}.",
    "report_file_offer": "📄 Read the text of “{name}” ({chars} characters). Submit it as the report?",
    "report_file_too_long": "📄 “{name}” holds {length} characters, over the report limit of {max}, so it was not used as the report. The file is kept as an attachment; please send the key points ({max} characters at most) as the report.",
    "report_file_too_big": "📄 “{name}” is over {mb} MB, so its text was not read; the file is kept as an attachment. Please send the report's key points as a message.",
    "report_file_unreadable": "📄 Could not read the text of “{name}” (damaged, empty or in an unknown encoding); the file is kept as an attachment. Please send the report's key points as a message.",
}
