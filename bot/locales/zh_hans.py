"""简体中文 (the default language). HTML templates; every {param} is escaped by `t()`."""

MESSAGES: dict[str, str] = {
    # formats
    "fmt_month": "{y}年{m}月",
    "fmt_date": "{m}月{d}日",
    "fmt_date_wd": "{m}月{d}日（{wd}）",
    "fmt_date_full": "{y}年{m}月{d}日",
    "fmt_datetime": "{m}月{d}日 {hm}",
    "weekday_0": "周一",
    "weekday_1": "周二",
    "weekday_2": "周三",
    "weekday_3": "周四",
    "weekday_4": "周五",
    "weekday_5": "周六",
    "weekday_6": "周日",
    "num_1": "一",
    "num_2": "二",
    "num_3": "三",
    "num_4": "四",
    "num_5": "五",
    "num_6": "六",
    "num_7": "七",
    "num_8": "八",
    "num_9": "九",
    "role_secretary": "书记",
    "role_deputy": "副书记/联络员",
    "role_coordinator": "协调人",
    "role_admin": "管理员",
    "role_stranger": "访客",
    # errors and refusals
    "denied": "⛔ 此命令仅限协调人使用。",
    "denied_admin": "⛔ 此操作仅限管理员使用。",
    "denied_branch": "⛔ 你不是该支部的书记或联络员。",
    "not_a_secretary": "你还没有绑定任何支部。请向协调人索取本支部的邀请链接，点击后即可报送。",
    "stale_button": "这个按钮已失效，请重新发送命令。",
    "bad_button": "无法识别的按钮。",
    "wrong_chat_private": "请私聊我使用此命令：点击我的头像，发送 {command}。",
    "wrong_chat_group": "此命令只能在协调群或与我的私聊中使用。",
    "wrong_chat_bindgroup": "请在要绑定的协调群里发送 /bindgroup。",
    "unknown_command": "未知命令 {command}。发送 /help 查看可用命令。",
    "internal_error": "⚠️ 处理时出了点问题，已通知管理员。请稍后再试。",
    "error_report_admin": "⚠️ zhibu 出错：<code>{error}</code>\n更新类型：{kind}",
    "arg_missing": "用法：{usage}",
    "month_bad": "月份格式不对：{value}。请写成 2026-11。",
    "month_in_future": "{month} 还没有开始。",
    "too_long_arg": "参数太长了。",
    # start, help, language, cancel
    "start_stranger": (
        "你好，我是 <b>{org}</b> 的支部工作报送助手。\n"
        "我会在每月截止日前提醒各支部书记报送工作情况，并在截止后发布月度通报。\n\n"
        "如果你是支部书记或联络员，请点击协调人发给你的邀请链接完成绑定。\n"
        "发送 /help 查看命令。"
    ),
    "start_member": "你好，{name}！你是 {branches} 的{role}。\n发送 /report 报送本月工作情况，/help 查看全部命令。",
    "start_coordinator": "你好，{name}！你是 <b>{org}</b> 的{role}。发送 /status 查看本月报送情况，/help 查看全部命令。",
    "help_head": "<b>zhibu 支部报送助手</b> · 你的身份：{role}",
    "help_everyone": "/help 查看帮助\n/lang 切换语言\n/cancel 取消正在进行的操作",
    "help_secretary": (
        "<b>报送</b>\n"
        "/report 报送本月工作情况（也可以直接回复我的提醒消息）\n"
        "/myreports 查看历次报送\n"
        "/mytasks 本支部的任务与进展 · /plan 方案与阶段\n"
        "照片和文件会作为本月的佐证材料保存。"
    ),
    "help_coordinator": (
        "<b>协调</b>\n"
        "/status [支部名|2026-10] 本月报送情况、某支部详情或往月情况\n"
        "/remind 提醒所有尚未报送的支部\n"
        "/circular 预览月度通报；/circular post 立即发布\n"
        "/schedule 查看本月提醒和通报时间\n"
        "/exempt 支部名 2026-11 理由 · /unexempt 支部名 2026-11 设置或取消免报\n"
        "<b>支部</b>\n"
        "/branches 支部列表\n"
        "/addbranch 名称 · /renamebranch 旧名 新名 · /archivebranch 名称\n"
        "/invite 支部名 [secretary|deputy] 生成邀请链接\n"
        "/invites 未使用的邀请 · /revoke 编号 作废邀请\n"
        "<b>方案与台账</b>\n"
        "/plan 方案与阶段进度（把方案文件 .docx/.txt/.yaml 私聊发给我即可导入）\n"
        "/export [2026] 导出年度台账（Excel）\n"
        "/review [2026] 年度报送评议（建议等次）\n"
        "/circulardoc [2026-11] 通报文档（Word）和图表"
    ),
    "help_admin": (
        "<b>管理</b>\n/invite coordinator 邀请协调人\n/bindgroup 在群里发送，设为协调群"
    ),
    "lang_choose": "请选择语言 · Choose a language",
    "lang_set": "已切换为简体中文。",
    "cancel_done": "已取消。",
    "cancel_nothing": "当前没有进行中的操作。",
    # onboarding
    "invite_usage": "用法：/invite 支部名 [secretary|deputy]，或 /invite coordinator",
    "invite_role_bad": "不认识的身份：{role}。可选 secretary（书记）、deputy（副书记/联络员）、coordinator（协调人）。",
    "invite_created": (
        "🔗 {target} 的{role}邀请链接（{days}天内有效，仅可使用一次，编号 {id}）：\n{link}\n"
        "请把链接发给对方，点击即可绑定。作废：/revoke {id}"
    ),
    "invite_invalid": "这个邀请链接无效。请向协调人重新索取。",
    "invite_revoked": "这个邀请链接已被作废。请向协调人重新索取。",
    "invite_used": "这个邀请链接已被使用过。每个链接只能使用一次，请向协调人重新索取。",
    "invite_used_by_you": "你已经用这个链接完成了绑定，无需重复点击。",
    "invite_expired": "这个邀请链接已过期。请向协调人重新索取。",
    "invite_branch_gone": "这个支部已撤销，邀请链接失效。",
    "invite_not_found": "没有编号为 {id} 的邀请。",
    "invite_not_open": "编号 {id} 的邀请已被使用或作废。",
    "invite_revoked_ok": "已作废编号 {id} 的邀请。",
    "invites_head": "<b>未使用的邀请</b>（{count}）",
    "invites_line": "#{id} {target} · {role} · {expires}前有效",
    "invites_none": "没有未使用的邀请。",
    "joined_member": "✅ 绑定成功！你现在是 <b>{branch}</b> 的{role}。\n每月截止日前我会提醒你；发送 /report 即可报送。",
    "joined_member_handover": "✅ 绑定成功！你已接任 <b>{branch}</b> 的{role}（原{role}：{old}）。\n发送 /report 即可报送。",
    "joined_already": "你已经是 <b>{branch}</b> 的{role}。",
    "joined_coordinator": "✅ 你已成为协调人。发送 /status 查看报送情况，/help 查看全部命令。",
    "joined_coordinator_already": "你已经是协调人了。",
    "handover_old": "ℹ️ {name} 已接任 <b>{branch}</b> 的{role}。此后该支部的提醒将发给新任{role}。感谢你的工作！",
    "branch_name_missing": "请写上支部名称。",
    "branch_name_too_long": "支部名称太长（最多 {max} 个字）。",
    "branch_exists": "已经有名为“{name}”的支部。",
    "branch_not_found": "没有找到支部“{name}”。发送 /branches 查看支部列表。",
    "branch_ambiguous": "“{name}”对应多个支部：{names}。请写完整名称。",
    "branch_added": "✅ 已添加支部 <b>{name}</b>。生成书记邀请链接：/invite {name}",
    "branch_renamed": "✅ 已将“{old}”改名为 <b>{new}</b>。",
    "branch_archived": "✅ 已撤销支部 <b>{name}</b>。历史报送记录仍然保留。",
    "branches_head": "<b>支部列表</b>（{count}个）",
    "branches_line": "{n}. <b>{name}</b> · 书记：{secretary}{deputy}",
    "branches_deputy": " · 联络员：{name}",
    "branches_none_person": "未绑定",
    "branches_unreachable": "（🚫 无法送达）",
    "branches_empty": "还没有支部。用 /addbranch 名称 添加。",
    "bindgroup_done": "✅ 本群已设为 <b>{org}</b> 的协调群。月度通报和逾期汇总将发到这里。",
    # reports
    "report_choose_branch": "你负责多个支部，请选择要报送的支部：",
    "report_ask": (
        "📝 请发送 <b>{branch}</b> {month}的工作情况报告。\n"
        "截止日期：{due}{late_note}\n"
        "直接发送文字即可（{max}字以内），也可以附上照片或文件作为佐证。发送 /cancel 取消。"
    ),
    "report_ask_revise": (
        "✏️ <b>{branch}</b> {month}已经报送过（第{revisions}稿）。\n"
        "发送新的完整文字将作为修订稿保存，原稿仍保留。发送 /cancel 取消。"
    ),
    "report_ask_late": "（已过截止日期，现在报送将记为迟报）",
    "report_saved": "✅ 已收到 <b>{branch}</b> {month}工作情况报告（{timing}），共{chars}字。",
    "report_revised": "✅ 已保存 <b>{branch}</b> {month}报告的第{revisions}稿（{timing}），共{chars}字。",
    "timing_on_time": "按时",
    "timing_late": "迟报",
    "report_empty": "报告内容是空的。请发送文字说明本月工作情况。",
    "report_too_long": "报告有{length}字，超过了{max}字的上限。请精简后重新发送：正文只写要点，详细材料可作为文件附上。",
    "report_sticker": "收到表情啦 😊 但报告需要文字。请直接发送本月工作情况的文字。",
    "report_unsupported": "这类消息无法作为报告。请发送文字，或发送照片、文件作为佐证材料。",
    "report_hint": "如需报送本月工作情况，请发送 /report，或直接回复我的提醒消息。",
    "report_btn_revise": "✏️ 修改",
    "report_btn_view": "📄 查看",
    "report_view": (
        "<b>{branch}</b> {month}工作情况（{timing}，第{revisions}稿）\n"
        "提交：{submitted}{revised}\n"
        "佐证材料：{attachments}份\n\n{text}"
    ),
    "report_view_revised": " · 最后修改：{at}",
    "attach_saved": "📎 已保存为 <b>{branch}</b> {month}的佐证材料（共{count}份）。",
    "attach_saved_need_text": "📎 已保存为 <b>{branch}</b> {month}的佐证材料。请再发送一段文字报告，本月才算报送。",
    "attach_duplicate": "这个文件已经保存过了。",
    "attach_where": "请先发送 /report 选择支部，再发送照片或文件。",
    "myreports_head": "<b>{branch}</b> 的报送记录",
    "myreports_line": "{month} · {timing} · {chars}字 · 第{revisions}稿",
    "myreports_none": "<b>{branch}</b> 还没有报送记录。",
    # status
    "status_head": "<b>{org} · {month}报送情况</b>\n截止日期：{due}{moved}",
    "status_moved": "（原定{nominal}，调整至工作日）",
    "status_totals": "应报 {expected} · 按时 {on_time} · 迟报 {late} · {missing_label} {missing} · 免报 {exempt} · 无书记 {no_secretary}",
    "status_missing_label_waiting": "待报",
    "status_missing_label_overdue": "未报",
    "status_line_on_time": "✅ {name} — 按时（{at}）",
    "status_line_late": "🕘 {name} — 迟报（{at}）",
    "status_line_waiting": "⏳ {name} — 待报",
    "status_line_missing": "❌ {name} — 未报",
    "status_line_exempt": "⚪ {name} — 免报：{reason}",
    "status_no_secretary": "（⚠️ 无书记）",
    "status_unreachable": "（🚫 {names} 无法送达）",
    "status_failures": "⚠️ 本月有 {count} 条消息投递失败：",
    "status_failure_line": "· {to}：{reason}",
    "status_empty": "还没有支部。用 /addbranch 名称 添加。",
    "status_branch": (
        "<b>{name}</b>\n书记：{secretary} · 联络员：{deputy}\n"
        "最近一次报送：{month}（{timing}）· 第{revisions}稿 · 佐证材料{attachments}份\n"
        "提交：{submitted}\n\n{text}"
    ),
    "status_branch_none": "<b>{name}</b>\n书记：{secretary} · 联络员：{deputy}\n还没有报送记录。",
    "btn_highlight": "⭐ 标为亮点",
    "btn_unhighlight": "☆ 取消亮点",
    "highlight_on": "已标为本月通报亮点。",
    "highlight_off": "已取消亮点。",
    # engine
    "remind_days": (
        "⏰ <b>{branch}</b>：{month}工作情况报告将于 {due} 截止，还有 {days} 天。\n"
        "请直接<b>回复本消息</b>发送报告，或发送 /report。"
    ),
    "remind_today": (
        "⏰ <b>{branch}</b>：{month}工作情况报告<b>今天（{due}）截止</b>。\n"
        "请直接<b>回复本消息</b>发送报告，或发送 /report。"
    ),
    "overdue_nudge": (
        "❗ <b>{branch}</b>：{month}工作情况报告已于 {due} 截止，目前已逾期 {days} 天仍未收到。\n"
        "请尽快<b>回复本消息</b>补报，或发送 /report。逾期报送将在月度通报中注明。"
    ),
    "nudge_head": "📣 协调人提醒：",
    "digest_head": "📋 <b>{month}逾期未报汇总</b>\n截止日已过，以下 {count} 个支部尚未报送：{names}",
    "digest_no_secretary": "尚未绑定书记的支部：{names}（请用 /invite 生成邀请链接）",
    "digest_tail": "发送 /remind 可再次提醒，/status 查看详情。",
    "remind_done": "📣 已提醒 {count} 个支部：{names}",
    "remind_recent": "一小时内已提醒过，本次跳过：{names}",
    "remind_nobody": "无法提醒（无书记或无法送达）：{names}",
    "remind_none": "本月所有支部都已报送或免报，无需提醒。",
    "exempt_usage": "用法：/exempt 支部名 2026-11 理由",
    "unexempt_usage": "用法：/unexempt 支部名 2026-11",
    "exempt_done": "✅ <b>{branch}</b> {month}设为免报：{reason}",
    "unexempt_done": "✅ 已取消 <b>{branch}</b> {month}的免报。",
    "not_exempt": "{branch} 在 {month} 并未设为免报。",
    "schedule_head": "<b>{month}报送日程</b>\n截止日期：{due}{moved}",
    "schedule_stage_remind": "{mark} {at} 提醒（截止前{days}天）",
    "schedule_stage_remind_0": "{mark} {at} 提醒（截止当天）",
    "schedule_stage_overdue": "{mark} {at} 逾期催报（截止后{days}天）",
    "schedule_stage_overdue_digest": "{mark} {at} 逾期催报（截止后{days}天），并向协调人发送未报汇总",
    "schedule_circular": "{mark} {at} 发布月度通报",
    "schedule_done": "✓",
    "schedule_todo": "·",
    "schedule_no_chat": "⚠️ 尚未绑定协调群，通报无法发布。请管理员在协调群发送 /bindgroup。",
    "circular_preview_head": "📄 <b>通报预览</b>（未发布。发布：/circular post）",
    "circular_posted": "✅ 月度通报已排入发送队列（{parts}条消息）。",
    "circular_already": "本月通报已经发布过，不会重复发布。",
    "no_coordination_chat": "尚未绑定协调群。请管理员在协调群发送 /bindgroup。",
    # the circular (official document style)
    "circ_title": "<b>关于{y}年{m}月党建工作进展情况的通报</b>",
    "circ_to": "各党支部：",
    "circ_intro": "现将{month}各党支部工作报送情况（截止日期{due}）通报如下：",
    "circ_sec_total": "<b>一、总体情况</b>",
    "circ_totals": "本月应报送支部{expected}个，按时报送{on_time}个，逾期报送{late}个，未报送{missing}个，免报{exempt}个，报送率{rate}%。",
    "circ_sec_on_time": "<b>{n}、按时报送的支部（{count}个）</b>",
    "circ_sec_late": "<b>{n}、逾期报送的支部（{count}个）</b>",
    "circ_sec_missing": "<b>{n}、未报送的支部（{count}个）</b>",
    "circ_sec_exempt": "<b>{n}、免报的支部（{count}个）</b>",
    "circ_sec_makeup": "<b>{n}、补报情况（{count}个）</b>",
    "circ_sec_highlights": "<b>{n}、工作亮点</b>",
    "circ_names": "{names}",
    "circ_none": "无",
    "circ_repeat": "其中连续未报：{names}",
    "circ_repeat_item": "{branch}（连续{months}个月）",
    "circ_makeup_item": "{branch}（{month}，{date}补报）",
    "circ_highlight": "· {branch}：{text}",
    "circ_closing": "请未按时报送的支部高度重视，抓紧补报，并于下月截止日前按时报送。",
    "circ_sign": "{org}",
    # command menu
    "cmd_help": "查看帮助",
    "cmd_lang": "切换语言",
    "cmd_cancel": "取消当前操作",
    "cmd_report": "报送本月工作情况",
    "cmd_myreports": "我的报送记录",
    "cmd_status": "本月报送情况",
    "cmd_remind": "提醒未报送的支部",
    "cmd_circular": "预览或发布月度通报",
    "cmd_schedule": "本月提醒与通报日程",
    "cmd_branches": "支部列表",
    "cmd_addbranch": "添加支部",
    "cmd_invite": "生成邀请链接",
    "cmd_invites": "未使用的邀请",
    "cmd_revoke": "作废邀请",
    "cmd_exempt": "设置免报",
    "cmd_unexempt": "取消免报",
    "cmd_renamebranch": "支部改名",
    "cmd_archivebranch": "撤销支部",
    "cmd_bindgroup": "设为协调群",
    "circ_closing_all": "本月各支部均已报送，请继续保持，并于下月截止日前按时报送。",
    "usage_addbranch": "/addbranch 支部名称",
    "usage_archivebranch": "/archivebranch 支部名称",
    "usage_revoke": "/revoke 邀请编号（见 /invites）",
    "cmd_plan": "方案与阶段进度",
    "cmd_mytasks": "本支部任务",
    "plan_too_big": "文件太大（最多 5 MB）。",
    "plan_unreadable": "无法读取这份方案：{reason}",
    "plan_empty": "这份文件里没有找到阶段或任务，未作处理。",
    "plan_preview_head": "📋 <b>方案预览</b>（尚未生效）",
    "plan_preview_tail": "请核对以上阶段、任务和时限。确认无误后点“启用”；如需修改，可用 zhibu plan extract 导出 YAML 修改后再导入。",
    "plan_btn_enable": "✅ 启用",
    "plan_btn_cancel": "✖ 取消",
    "plan_enabled": "✅ 方案《{title}》已启用：{phases}个阶段，{tasks}项任务。发送 /plan 查看进度。",
    "plan_cancelled": "已取消，方案《{title}》未启用。",
    "plan_none": "还没有启用的方案。协调人可把方案文件（.docx、.txt 或 .yaml）私聊发给我。",
    "plan_title": "<b>《{title}》</b>（{year}年）",
    "plan_phase_line": "{mark} {title}：{start}—{end}",
    "plan_next": "当前不在任何阶段；下一阶段“{title}”自{start}开始。",
    "plan_finished": "各阶段均已结束。",
    "plan_task_line": "  · {task}：{done}/{total} 个支部已完成（{due}前）",
    "task_ongoing": "长期",
    "task_overdue": " ❗已逾期",
    "task_note_shown": "（{note}）",
    "task_line": "{mark} {task} · {when}{late}{note}",
    "mytasks_head": "<b>{branch}</b> 的任务",
    "mytasks_none": "暂无任务。",
    "tasks_pick": "点按任务可更新进展：",
    "tasks_offer": "顺便更新一下本支部的任务进展吧（{count}项未完成）：",
    "task_choose": "这项任务现在的进展是：",
    "task_status_todo": "◻ 未开始",
    "task_status_doing": "◐ 进行中",
    "task_status_done": "✅ 已完成",
    "task_saved": "已更新：{task} → {status}。\n可再发一句话作为备注（可选），发送 /cancel 跳过。",
    "task_note_saved": "已保存备注：{task}。",
    "task_remind": "📌 <b>{branch}</b>：《{plan}》中的任务“{task}”将于 {due} 到期（还有 {days} 天），尚未标记完成。\n完成后请发送 /mytasks 更新。",
    "status_overdue_tasks": "❗ 逾期未完成任务（{count}项）：",
    "status_overdue_task": "· {task}（《{plan}》，{due}前）",
    "circ_sec_plans": "<b>{n}、计划进展</b>",
    "circ_plan_head": "《{plan}》：{phase}",
    "circ_plan_phase": "当前处于“{title}”（{start}—{end}）",
    "circ_plan_next": "下一阶段“{title}”自{start}开始",
    "circ_plan_no_phase": "各阶段均已结束",
    "circ_task_line": "· {task}：{done}/{total}个支部已完成{due}",
    "circ_task_due": "（{due}前）",
    "circ_tasks_overdue": "逾期未完成：{items}",
    "rec_export_caption": "📊 {year}年党建工作台账（{branches}个支部，{reports}份报告）",
    "rec_year_bad": "年份“{value}”看不懂，请写四位数字，例如 /export 2026。",
    "rec_year_future": "{year}年还没有到，暂无台账可导出或评议。",
    "rec_review_head": "<b>{year}年度报送情况评议</b>（统计{span}，共{count}个月）",
    "rec_review_span": "{first}—{last}月",
    "rec_review_span_one": "{m}月",
    "rec_review_tally": "建议等次：好 {good} 个，较好 {fair} 个，一般 {average} 个，差 {poor} 个",
    "rec_review_line": "{branch}｜按时率 {rate}｜逾期 {late}｜未报 {missing}｜最长连续未报 {run}｜任务 {tasks}｜<b>{grade}</b>",
    "rec_review_no_tasks": "—",
    "rec_review_none": "{year}年还没有已过截止日的月份，暂无可评议的数据。",
    "rec_review_note": "<i>以上为建议等次，供党委研究参考。标准：好——按时率≥{good}且无未报；较好——按时率≥{fair}；一般——按时率≥{average}；其余为差。</i>",
    "rec_archived": "（已撤销）",
    "rec_grade_good": "好",
    "rec_grade_fair": "较好",
    "rec_grade_average": "一般",
    "rec_grade_poor": "差",
    "rec_grade_none": "不评",
    "rec_no_circular": "{month}的通报还没有生成。",
    "rec_no_circulars": "还没有生成过通报。",
    "rec_chart_caption": "📈 {month}报送情况",
    "rec_docx_caption": "📄 {month}工作情况通报（文档版）",
    "cmd_export": "导出年度台账（Excel）",
    "cmd_review": "年度报送评议",
    "cmd_circulardoc": "通报文档与图表",
    "report_choose_month": "<b>{branch}</b> {missing}的报告还没有报送。这次要报送哪个月？",
    "report_btn_makeup": "补报{month}",
    "report_btn_current": "报送{month}",
    "no_cycle": "{month} zhibu 尚未运行，没有该月的报送记录，无法发布通报。",
    "circular_too_early": "截止日（{due}）还没有过，现在发布的通报会把仍可按时报送的支部列为未报送。可先用 /circular 预览；截止日过后再发布。",
    "branch_exact_needed": "为稳妥起见，此操作需要完整的支部名称。“{name}”可能是：{names}",
    "rename_usage": "用法：/renamebranch 旧名称 新名称（名称含空格时用 | 分隔：/renamebranch 旧 名 | 新 名）",
    "invite_already_secretary": "你已是 <b>{branch}</b> 的书记，不能再绑定为副书记/联络员。这个链接可转给需要的同志。",
    "csv_bad_row": "第{line}行：{reason}",
    "plan_exists": "方案《{title}》（{year}年）已经启用，不再重复导入。",
}
