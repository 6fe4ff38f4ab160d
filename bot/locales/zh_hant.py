"""繁體中文. GENERATED from zh_hans.py by `python -m bot.locales.build`: do not edit.

To change a message, edit zh_hans.py (or the override tables in build.py) and rerun
the build; CI fails when this file differs from a fresh build.
"""

MESSAGES: dict[str, str] = {
    "fmt_month": "{y}年{m}月",
    "fmt_date": "{m}月{d}日",
    "fmt_date_wd": "{m}月{d}日（{wd}）",
    "fmt_date_full": "{y}年{m}月{d}日",
    "fmt_datetime": "{m}月{d}日 {hm}",
    "weekday_0": "週一",
    "weekday_1": "週二",
    "weekday_2": "週三",
    "weekday_3": "週四",
    "weekday_4": "週五",
    "weekday_5": "週六",
    "weekday_6": "週日",
    "num_1": "一",
    "num_2": "二",
    "num_3": "三",
    "num_4": "四",
    "num_5": "五",
    "num_6": "六",
    "num_7": "七",
    "num_8": "八",
    "num_9": "九",
    "role_secretary": "書記",
    "role_deputy": "副書記/聯絡員",
    "role_coordinator": "協調人",
    "role_admin": "管理員",
    "role_stranger": "訪客",
    "denied": "⛔ 此命令僅限協調人使用。",
    "denied_admin": "⛔ 此操作僅限管理員使用。",
    "denied_branch": "⛔ 你不是該支部的書記或聯絡員。",
    "not_a_secretary": "你還沒有綁定任何支部。請向協調人索取本支部的邀請鏈接，點擊後即可報送。",
    "stale_button": "這個按鈕已失效，請重新發送命令。",
    "bad_button": "無法識別的按鈕。",
    "wrong_chat_private": "請私聊我使用此命令：點擊我的頭像，發送 {command}。",
    "wrong_chat_group": "此命令只能在協調群或與我的私聊中使用。",
    "wrong_chat_bindgroup": "請在要綁定的協調群裏發送 /bindgroup。",
    "unknown_command": "未知命令 {command}。發送 /help 查看可用命令。",
    "internal_error": "⚠️ 處理時出了點問題，已通知管理員。請稍後再試。",
    "error_report_admin": (
        "⚠️ zhibu 出錯：<code>{error}</code>\n"
        "更新類型：{kind}"
    ),
    "arg_missing": "用法：{usage}",
    "month_bad": "月份格式不對：{value}。請寫成 2026-11。",
    "month_in_future": "{month} 還沒有開始。",
    "too_long_arg": "參數太長了。",
    "start_stranger": (
        "你好，我是 <b>{org}</b> 的支部工作報送助手。\n"
        "我會在每月截止日前提醒各支部書記報送工作情況，並在截止後發布月度通報。\n"
        "\n"
        "如果你是支部書記或聯絡員，請點擊協調人發給你的邀請鏈接完成綁定。\n"
        "發送 /help 查看命令。"
    ),
    "start_member": (
        "你好，{name}！你是 {branches} 的{role}。\n"
        "發送 /report 報送本月工作情況，/help 查看全部命令。"
    ),
    "start_coordinator": "你好，{name}！你是 <b>{org}</b> 的{role}。發送 /status 查看本月報送情況，/help 查看全部命令。",
    "help_head": "<b>zhibu 支部報送助手</b> · 你的身份：{role}",
    "help_everyone": (
        "/help 查看幫助\n"
        "/lang 切換語言\n"
        "/cancel 取消正在進行的操作"
    ),
    "help_secretary": (
        "<b>報送</b>\n"
        "/report 報送本月工作情況（也可以直接回覆我的提醒消息）\n"
        "/myreports 查看歷次報送\n"
        "/mytasks 本支部的任務與進展 · /plan 方案與階段\n"
        "照片和文件會作爲本月的佐證材料保存。"
    ),
    "help_coordinator": (
        "<b>協調</b>\n"
        "/status [未報|遲報|免報|無書記] [支部名|2026-10] 本月報送情況（可只看某類）、某支部詳情或往月情況\n"
        "/remind 提醒所有尚未報送的支部（先確認）；/remind 支部名 只提醒該支部\n"
        "/circular 預覽月度通報；/circular post 立即發布\n"
        "/schedule 查看本月提醒和通報時間\n"
        "/exempt 支部名 [2026-11] 理由 · /unexempt 支部名 [2026-11] 設置或取消免報（不寫月份即本月）\n"
        "<b>支部</b>\n"
        "/branches 支部列表\n"
        "/addbranch 名稱（可每行一個，一次添加多個）· /renamebranch 舊名 新名 · /archivebranch 名稱\n"
        "/addbranch 名稱 類型=總支 [報送=否] 添加黨總支 · /addbranch 名稱 上級=總支名 · /movebranch 支部名 總支名|工委\n"
        "/reviewmode 總支名 開|關 設置黨總支審覈（所屬支部的報告先經總支書記審覈）\n"
        "/invite 支部名 [secretary|deputy] 生成邀請鏈接；/invite all 所有無書記支部的鏈接\n"
        "/invites 未使用的邀請 · /revoke 編號 作廢邀請\n"
        "<b>方案與臺賬</b>\n"
        "/plan 方案與階段進度（把方案文件 .docx/.txt/.yaml 私聊發給我即可導入）\n"
        "/export [2026] 導出年度臺賬（Excel）\n"
        "/review [2026] 年度報送評議（建議等次）\n"
        "/circulardoc [2026-11] 通報文檔（Word）和圖表\n"
        "/form [2026-11] 報送表單的各項（命令行 zhibu form import 設置）"
    ),
    "help_admin": (
        "<b>管理</b>\n"
        "/invite coordinator 邀請協調人\n"
        "/bindgroup 在群裏發送，設爲協調群"
    ),
    "lang_choose": "請選擇語言 · Choose a language",
    "lang_set": "已切換爲繁體中文。",
    "cancel_done": "已取消。",
    "cancel_nothing": "當前沒有進行中的操作。",
    "invite_usage": "用法：/invite 支部名 [secretary|deputy]，或 /invite coordinator",
    "invite_role_bad": "不認識的身份：{role}。可選 secretary（書記）、deputy（副書記/聯絡員）、coordinator（協調人）。",
    "invite_created": (
        "🔗 {target} 的{role}邀請鏈接（{days}天內有效，僅可使用一次，編號 {id}）：\n"
        "{link}\n"
        "請把鏈接發給對方，點擊即可綁定。作廢：/revoke {id}"
    ),
    "invite_invalid": "這個邀請鏈接無效。請向協調人重新索取。",
    "invite_revoked": "這個邀請鏈接已被作廢。請向協調人重新索取。",
    "invite_used": "這個邀請鏈接已被使用過。每個鏈接只能使用一次，請向協調人重新索取。",
    "invite_used_by_you": "你已經用這個鏈接完成了綁定，無需重複點擊。",
    "invite_expired": "這個邀請鏈接已過期。請向協調人重新索取。",
    "invite_branch_gone": "這個支部已撤銷，邀請鏈接失效。",
    "invite_not_found": "沒有編號爲 {id} 的邀請。",
    "invite_not_open": "編號 {id} 的邀請已被使用或作廢。",
    "invite_revoked_ok": "已作廢編號 {id} 的邀請。",
    "invites_head": "<b>未使用的邀請</b>（{count}）",
    "invites_line": "#{id} {target} · {role} · {expires}前有效",
    "invites_none": "沒有未使用的邀請。",
    "joined_member": (
        "✅ 綁定成功！你現在是 <b>{branch}</b> 的{role}。\n"
        "每月截止日前我會提醒你；發送 /report 即可報送。"
    ),
    "joined_member_handover": (
        "✅ 綁定成功！你已接任 <b>{branch}</b> 的{role}（原{role}：{old}）。\n"
        "發送 /report 即可報送。"
    ),
    "joined_already": "你已經是 <b>{branch}</b> 的{role}。",
    "joined_coordinator": "✅ 你已成爲協調人。發送 /status 查看報送情況，/help 查看全部命令。",
    "joined_coordinator_already": "你已經是協調人了。",
    "handover_old": "ℹ️ {name} 已接任 <b>{branch}</b> 的{role}。此後該支部的提醒將發給新任{role}。感謝你的工作！",
    "branch_name_missing": "請寫上支部名稱。",
    "branch_name_too_long": "支部名稱太長（最多 {max} 個字）。",
    "branch_exists": "已經有名爲“{name}”的支部。",
    "branch_not_found": "沒有找到支部“{name}”。發送 /branches 查看支部列表。",
    "branch_ambiguous": "“{name}”對應多個支部：{names}。請寫完整名稱。",
    "branch_added": "✅ 已添加支部 <b>{name}</b>。生成書記邀請鏈接：/invite {name}",
    "branch_renamed": "✅ 已將“{old}”改名爲 <b>{new}</b>。",
    "branch_archived": "✅ 已撤銷支部 <b>{name}</b>。歷史報送記錄仍然保留。",
    "branches_head": "<b>支部列表</b>（{count}個）",
    "branches_line": "{n}. <b>{name}</b> · 書記：{secretary}{deputy}",
    "branches_deputy": " · 聯絡員：{name}",
    "branches_none_person": "未綁定",
    "branches_unreachable": "（🚫 無法送達）",
    "branches_empty": "還沒有支部。用 /addbranch 名稱 添加。",
    "bindgroup_done": "✅ 本群已設爲 <b>{org}</b> 的協調群。月度通報和未報彙總將發到這裏。",
    "report_choose_branch": "你負責多個支部，請選擇要報送的支部：",
    "report_ask": (
        "📝 請發送 <b>{branch}</b> {month}的工作情況報告。\n"
        "截止日期：{due}{late_note}\n"
        "直接發送文字即可（{max}字以內），也可以附上照片或文件作爲佐證。發送 /cancel 取消。"
    ),
    "report_ask_revise": (
        "✏️ <b>{branch}</b> {month}已經報送過（第{revisions}稿）。\n"
        "發送新的完整文字將作爲修訂稿保存，原稿仍保留。發送 /cancel 取消。"
    ),
    "report_ask_late": "（已過截止日期，現在報送將記爲遲報）",
    "report_saved": "✅ 已收到 <b>{branch}</b> {month}工作情況報告（{timing}），共{chars}字。",
    "report_revised": "✅ 已保存 <b>{branch}</b> {month}報告的第{revisions}稿（{timing}），共{chars}字。",
    "timing_on_time": "按時",
    "timing_late": "遲報",
    "report_empty": "報告內容是空的。請發送文字說明本月工作情況。",
    "report_too_long": "報告有{length}字，超過了{max}字的上限。請精簡後重新發送：正文只寫要點，詳細材料可作爲文件附上。",
    "report_sticker": "收到表情啦 😊 但報告需要文字。請直接發送本月工作情況的文字。",
    "report_unsupported": "這類消息無法作爲報告。請發送文字，或發送照片、文件作爲佐證材料。",
    "report_hint": "如需報送本月工作情況，請發送 /report，或直接回覆我的提醒消息。",
    "report_btn_revise": "✏️ 修改",
    "report_btn_view": "📄 查看",
    "report_view": (
        "<b>{branch}</b> {month}工作情況（{timing}，第{revisions}稿）\n"
        "提交：{submitted}{revised}\n"
        "佐證材料：{attachments}份\n"
        "\n"
        "{text}"
    ),
    "report_view_revised": " · 最後修改：{at}",
    "attach_saved": "📎 已保存爲 <b>{branch}</b> {month}的佐證材料（共{count}份）。",
    "attach_saved_need_text": "📎 已保存爲 <b>{branch}</b> {month}的佐證材料。請再發送一段文字報告，本月纔算報送。",
    "attach_duplicate": "這個文件已經保存過了。",
    "attach_where": "請先發送 /report 選擇支部，再發送照片或文件。",
    "myreports_head": "<b>{branch}</b> 的報送記錄",
    "myreports_line": "{month} · {timing} · {chars}字 · 第{revisions}稿",
    "myreports_none": "<b>{branch}</b> 還沒有報送記錄。",
    "status_head": (
        "<b>{org} · {month}報送情況</b>\n"
        "截止日期：{due}{moved}"
    ),
    "status_moved": "（原定{nominal}，調整至工作日）",
    "status_totals": "應報 {expected} · 按時 {on_time} · 遲報 {late} · {missing_label} {missing} · 免報 {exempt} · 無書記 {no_secretary}",
    "status_missing_label_waiting": "待報",
    "status_missing_label_overdue": "未報",
    "status_line_on_time": "✅ {name} — 按時（{at}）",
    "status_line_late": "🕘 {name} — 遲報（{at}）",
    "status_line_waiting": "⏳ {name} — 待報",
    "status_line_missing": "❌ {name} — 未報",
    "status_line_exempt": "⚪ {name} — 免報：{reason}",
    "status_no_secretary": "（⚠️ 無書記）",
    "status_unreachable": "（🚫 {names} 無法送達）",
    "status_failures": "⚠️ 本月有 {count} 條消息投遞失敗：",
    "status_failure_line": "· {to}：{reason}",
    "status_empty": "還沒有支部。用 /addbranch 名稱 添加。",
    "status_branch": (
        "<b>{name}</b>\n"
        "書記：{secretary} · 聯絡員：{deputy}\n"
        "最近一次報送：{month}（{timing}）· 第{revisions}稿 · 佐證材料{attachments}份\n"
        "提交：{submitted}\n"
        "\n"
        "{text}"
    ),
    "status_branch_none": (
        "<b>{name}</b>\n"
        "書記：{secretary} · 聯絡員：{deputy}\n"
        "還沒有報送記錄。"
    ),
    "btn_highlight": "⭐ 標爲亮點",
    "btn_unhighlight": "☆ 取消亮點",
    "highlight_on": "已標爲本月通報亮點。",
    "highlight_off": "已取消亮點。",
    "remind_days": (
        "⏰ <b>{branch}</b>：{month}工作情況報告將於 {due} 截止，還有 {days} 天。\n"
        "請直接<b>回覆本消息</b>發送報告，或發送 /report。"
    ),
    "remind_today": (
        "⏰ <b>{branch}</b>：{month}工作情況報告<b>今天（{due}）截止</b>。\n"
        "請直接<b>回覆本消息</b>發送報告，或發送 /report。"
    ),
    "overdue_nudge": (
        "❗ <b>{branch}</b>：{month}工作情況報告已於 {due} 截止，目前已逾期 {days} 天仍未收到。\n"
        "請儘快<b>回覆本消息</b>補報，或發送 /report。遲報將在月度通報中註明。"
    ),
    "nudge_head": "📣 協調人提醒：",
    "digest_head": (
        "📋 <b>{month}截止未報彙總</b>\n"
        "截止日已過，{count} 個支部尚未報送：{names}"
    ),
    "digest_no_secretary": "尚未綁定書記的支部：{names}（/invite all 可一次生成全部邀請鏈接）",
    "digest_tail": "完整名單：/status 未報；再次提醒：/remind。",
    "remind_done": "📣 已提醒 {count} 個支部：{names}",
    "remind_recent": "一小時內已提醒過，本次跳過：{names}",
    "remind_nobody": "無法提醒（無書記或無法送達）：{names}",
    "remind_none": "本月所有支部都已報送或免報，無需提醒。",
    "exempt_usage": "用法：/exempt 支部名 [2026-11] 理由（不寫月份即本月）",
    "unexempt_usage": "用法：/unexempt 支部名 [2026-11]（不寫月份即本月）",
    "exempt_done": "✅ <b>{branch}</b> {month}設爲免報：{reason}",
    "unexempt_done": "✅ 已取消 <b>{branch}</b> {month}的免報。",
    "not_exempt": "{branch} 在 {month} 並未設爲免報。",
    "schedule_head": (
        "<b>{month}報送日程</b>\n"
        "截止日期：{due}{moved}"
    ),
    "schedule_stage_remind": "{mark} {at} 提醒（截止前{days}天）",
    "schedule_stage_remind_0": "{mark} {at} 提醒（截止當天）",
    "schedule_stage_overdue": "{mark} {at} 截止後催報（截止後{days}天）",
    "schedule_stage_overdue_digest": "{mark} {at} 截止後催報（截止後{days}天），並向協調人發送未報彙總",
    "schedule_circular": "{mark} {at} 發布月度通報",
    "schedule_done": "✓",
    "schedule_todo": "·",
    "schedule_no_chat": "⚠️ 尚未綁定協調群，通報無法發布。請管理員在協調群發送 /bindgroup。",
    "circular_preview_head": "📄 <b>通報預覽</b>（未發布。發布：/circular post）",
    "circular_posted": "✅ 月度通報已排入發送隊列（{parts}條消息）。",
    "circular_already": "本月通報已經發布過，不會重複發布。",
    "no_coordination_chat": "尚未綁定協調群。請管理員在協調群發送 /bindgroup。",
    "circ_title": "<b>關於{y}年{m}月黨建工作進展情況的通報</b>",
    "circ_to": "各黨支部：",
    "circ_intro": "現將{month}各黨支部工作報送情況（截止日期{due}）通報如下：",
    "circ_sec_total": "<b>一、總體情況</b>",
    "circ_totals": "本月應報送支部{expected}個，按時報送{on_time}個，遲報{late}個，未報送{missing}個，免報{exempt}個，報送率{rate}%。",
    "circ_sec_on_time": "<b>{n}、按時報送的支部（{count}個）</b>",
    "circ_sec_late": "<b>{n}、遲報的支部（{count}個）</b>",
    "circ_sec_missing": "<b>{n}、未報送的支部（{count}個）</b>",
    "circ_sec_exempt": "<b>{n}、免報的支部（{count}個）</b>",
    "circ_sec_makeup": "<b>{n}、補報情況（{count}個）</b>",
    "circ_sec_highlights": "<b>{n}、工作亮點</b>",
    "circ_names": "{names}",
    "circ_none": "無",
    "circ_repeat": "其中連續未報：{names}",
    "circ_repeat_item": "{branch}（連續{months}個月）",
    "circ_makeup_item": "{branch}（{month}，{date}補報）",
    "circ_highlight": "· {branch}：{text}",
    "circ_closing": "請未按時報送的支部高度重視，抓緊補報，並於下月截止日前按時報送。",
    "circ_sign": "{org}",
    "cmd_help": "查看幫助",
    "cmd_lang": "切換語言",
    "cmd_cancel": "取消當前操作",
    "cmd_report": "報送本月工作情況",
    "cmd_myreports": "我的報送記錄",
    "cmd_status": "本月報送情況",
    "cmd_remind": "提醒未報送的支部",
    "cmd_circular": "預覽或發布月度通報",
    "cmd_schedule": "本月提醒與通報日程",
    "cmd_branches": "支部列表",
    "cmd_addbranch": "添加支部",
    "cmd_invite": "生成邀請鏈接",
    "cmd_invites": "未使用的邀請",
    "cmd_revoke": "作廢邀請",
    "cmd_exempt": "設置免報",
    "cmd_unexempt": "取消免報",
    "cmd_renamebranch": "支部改名",
    "cmd_archivebranch": "撤銷支部",
    "cmd_bindgroup": "設爲協調群",
    "circ_closing_all": "本月各支部均已報送，請繼續保持，並於下月截止日前按時報送。",
    "usage_addbranch": "/addbranch 支部名稱",
    "usage_archivebranch": "/archivebranch 支部名稱",
    "usage_revoke": "/revoke 邀請編號（見 /invites）",
    "cmd_plan": "方案與階段進度",
    "cmd_mytasks": "本支部任務",
    "plan_too_big": "文件太大（最多 5 MB）。",
    "plan_unreadable": "無法讀取這份方案：{reason}",
    "plan_empty": "這份文件裏沒有找到階段或任務，未作處理。",
    "plan_preview_head": "📋 <b>方案預覽</b>（尚未生效）",
    "plan_preview_tail": "請覈對以上階段、任務和時限。確認無誤後點“啓用”；如需修改，可用 zhibu plan extract 導出 YAML 修改後再導入。",
    "plan_btn_enable": "✅ 啓用",
    "plan_btn_cancel": "✖ 取消",
    "plan_enabled": "✅ 方案《{title}》已啓用：{phases}個階段，{tasks}項任務。發送 /plan 查看進度。",
    "plan_cancelled": "已取消，方案《{title}》未啓用。",
    "plan_none": "還沒有啓用的方案。協調人可把方案文件（.docx、.txt 或 .yaml）私聊發給我。",
    "plan_title": "<b>《{title}》</b>（{year}年）",
    "plan_phase_line": "{mark} {title}：{start}—{end}",
    "plan_next": "當前不在任何階段；下一階段“{title}”自{start}開始。",
    "plan_finished": "各階段均已結束。",
    "plan_task_line": "  · {task}：{done}/{total} 個支部已完成（{due}前）",
    "task_ongoing": "長期",
    "task_overdue": " ❗已逾期",
    "task_note_shown": "（{note}）",
    "task_line": "{mark} {task}{when}{late}{note}",
    "mytasks_head": "<b>{branch}</b> 的任務",
    "mytasks_none": "暫無任務。",
    "tasks_pick": "點按任務可更新進展：",
    "tasks_offer": "順便更新一下本支部的任務進展吧（{count}項未完成）：",
    "task_choose": "這項任務現在的進展是：",
    "task_status_todo": "◻ 未開始",
    "task_status_doing": "◐ 進行中",
    "task_status_done": "✅ 已完成",
    "task_saved": (
        "已更新：{task} → {status}。\n"
        "可再發一句話作爲備註（可選），發送 /cancel 跳過。"
    ),
    "task_note_saved": "已保存備註：{task}。",
    "task_remind": (
        "📌 <b>{branch}</b>：《{plan}》中的任務“{task}”將於 {due} 到期（還有 {days} 天），尚未標記完成。\n"
        "完成後請發送 /mytasks 更新。"
    ),
    "status_overdue_tasks": "❗ 逾期未完成任務（{count}項）：",
    "status_overdue_task": "· {task}（《{plan}》，{due}前）",
    "circ_sec_plans": "<b>{n}、計劃進展</b>",
    "circ_plan_head": "《{plan}》：{phase}",
    "circ_plan_phase": "當前處於“{title}”（{start}—{end}）",
    "circ_plan_next": "下一階段“{title}”自{start}開始",
    "circ_plan_no_phase": "各階段均已結束",
    "circ_task_line": "· {task}：{done}/{total}個支部已完成{due}",
    "circ_task_due": "（{due}前）",
    "circ_tasks_overdue": "逾期未完成：{items}",
    "rec_export_caption": "📊 {year}年黨建工作臺賬（{branches}個支部，{reports}份報告）",
    "rec_year_bad": "年份“{value}”看不懂，請寫四位數字，例如 /export 2026。",
    "rec_year_future": "{year}年還沒有到，暫無臺賬可導出或評議。",
    "rec_review_head": "<b>{year}年度報送情況評議</b>（統計{span}，共{count}個月）",
    "rec_review_span": "{first}—{last}月",
    "rec_review_span_one": "{m}月",
    "rec_review_tally": "建議等次：好 {good} 個，較好 {fair} 個，一般 {average} 個，差 {poor} 個",
    "rec_review_line": "{branch}｜按時率 {rate}｜遲報 {late}｜未報 {missing}｜最長連續未報 {run}｜任務 {tasks}｜<b>{grade}</b>",
    "rec_review_no_tasks": "—",
    "rec_review_none": "{year}年還沒有已過截止日的月份，暫無可評議的數據。",
    "rec_review_note": "<i>以上爲建議等次，供黨委研究參考。標準：好——按時率≥{good}且無未報；較好——按時率≥{fair}；一般——按時率≥{average}；其餘爲差。</i>",
    "rec_archived": "（已撤銷）",
    "rec_grade_good": "好",
    "rec_grade_fair": "較好",
    "rec_grade_average": "一般",
    "rec_grade_poor": "差",
    "rec_grade_none": "不評",
    "rec_no_circular": "{month}的通報還沒有生成。",
    "rec_no_circulars": "還沒有生成過通報。",
    "rec_chart_caption": "📈 {month}報送情況",
    "rec_docx_caption": "📄 {month}工作情況通報（文檔版）",
    "cmd_export": "導出年度臺賬（Excel）",
    "cmd_review": "年度報送評議",
    "cmd_circulardoc": "通報文檔與圖表",
    "report_choose_month": "<b>{branch}</b> {missing}的報告還沒有報送。這次要報送哪個月？",
    "report_btn_makeup": "補報{month}",
    "report_btn_current": "報送{month}",
    "no_cycle": "{month} zhibu 尚未運行，沒有該月的報送記錄，無法發布通報。",
    "circular_too_early": "截止日（{due}）還沒有過，現在發布的通報會把仍可按時報送的支部列爲未報送。可先用 /circular 預覽；截止日過後再發布。",
    "branch_exact_needed": "爲穩妥起見，此操作需要完整的支部名稱。“{name}”可能是：{names}",
    "rename_usage": "用法：/renamebranch 舊名稱 新名稱（名稱含空格時用 | 分隔：/renamebranch 舊 名 | 新 名）",
    "invite_already_secretary": "你已是 <b>{branch}</b> 的書記，不能再綁定爲副書記/聯絡員。這個鏈接可轉給需要的同志。",
    "csv_bad_row": "第{line}行：{reason}",
    "plan_exists": "方案《{title}》（{year}年）已經啓用，不再重複導入。",
    "invite_coordinator_no_branch": "協調人不屬於某個支部：請發送 /invite coordinator。",
    "status_empty_past": "該月沒有需要報送的支部（當時的支部均尚未設立或已撤銷）。",
    "report_edited": "修改已發出的消息不會更新報告。如需修改，請點報告確認消息下的“✏️ 修改”，或發送 /report 後重新發送完整文字。",
    "circ_plan_unphased": "不分階段推進",
    "group_added_hint": "你好！如果這是協調群，請管理員在群裏發送 /bindgroup，月度通報和未報彙總將發到這裏。",
    "report_choose_month_held": "已收到你的文字（共{chars}字），暫未保存。<b>{branch}</b> {missing}的報告還沒有報送，請點按鈕選擇這份報告屬於哪個月，選好後立即保存：",
    "report_choose_month_first": "請先選擇月份，再重新發送照片或文件（這次的照片沒有保存）。",
    "rec_year_range": "{value}年太早了：臺賬和評議從2000年起。",
    "plan_docx_too_big": "這份 Word 文件解壓後超過 {limit} MB，或包含的部件過多（可能是“壓縮炸彈”），未作處理。請刪去大圖片等內容後再發送。",
    "plan_not_text": "無法把這份文件讀成文字：它不是 UTF-8、UTF-16、GB18030（GBK）或 Big5 編碼的文本，可能是二進制文件。請另存爲 UTF-8 文本或 .docx 後再發送。",
    "plan_yaml_alias": "YAML 第{line}行使用了錨點或別名（&amp; 或 *）。爲安全起見不支持這種寫法，請把內容直接寫出後再發送。",
    "plan_too_slow": "這份方案過於複雜，{seconds} 秒內未能讀完，未作處理。請精簡或拆分後再發送。",
    "plan_too_much_memory": "讀取這份方案所需的內存超出上限，未作處理。請精簡或拆分後再發送。",
    "cycle_before_start": "{month} 早於本委開始報送的月份（{start}），不能爲該月報送。",
    "render_failed_admin": "⚠️ {month}通報的{what}未能生成（{error}）。通報正文不受影響；請查看日誌，修復後可用 /circulardoc {month_arg} 重新生成。",
    "render_what_docx": "Word 文檔",
    "render_what_chart": "圖表",
    "rec_render_failed": "{month}通報的{what}未能生成，已記錄並通知管理員。",
    "file_download_failed": "沒能從 Telegram 取回你發送的文件，所以這次沒有讀取它，也沒有保存任何內容。請稍後重新發送；文件較大時請壓縮後再發（機器人只能讀取 20 MB 以內的文件）。",
    "group_more": "……還有 {count} 行未顯示。完整內容請點下方按鈕，在私聊中查看。",
    "group_more_branches": "……還有 {count} 個支部",
    "btn_full_private": "📩 私聊查看完整列表",
    "pm_start_first": "請先打開與 @{bot} 的私聊並點“開始”，再點這個按鈕。",
    "pm_sent": "已在私聊中發給你。",
    "names_more": "{names}等{total}個",
    "remind_confirm": "📣 將提醒 {count} 個尚未報送的支部（私信其書記和聯絡員）。確認請點下方按鈕。",
    "btn_remind_confirm": "📣 確認提醒 {count} 個支部",
    "remind_scheduled": "一小時內剛收到定時提醒，本次跳過：{names}",
    "remind_branch_done": "<b>{branch}</b> 本月已報送或免報，無需提醒。",
    "status_only": "僅顯示{what}：{count}個",
    "status_only_late": "遲報",
    "status_only_ontime": "按時",
    "status_only_exempt": "免報",
    "status_only_nosec": "無書記",
    "btn_status_todo": "只看{what}（{count}）",
    "btn_status_all": "顯示全部",
    "btn_status_remind": "📣 提醒未報（{count}）",
    "digest_counts": "應報 {expected} · 已報 {reported} · 未報 {missing} · 無書記 {no_secretary}",
    "circular_posted_head": "📄 <b>{month}通報已於 {at} 發布</b>，以下是發布時的原文。此後收到的報告將在下月通報中列爲補報。",
    "branches_added": "✅ 已添加 {count} 個支部：{names}",
    "branches_existed": "已經存在，未重複添加：{names}",
    "branch_near_duplicate": "⚠️ “{name}”與已有的“{other}”很相近，請確認不是同一個支部（如重複，可用 /archivebranch 撤銷）。",
    "btn_invite_all": "🔗 生成無書記支部的邀請鏈接（{count}）",
    "invite_all_head": "🔗 {count} 個支部尚無書記，邀請鏈接如下（{days}天內有效，每個鏈接只能使用一次）：",
    "invite_all_line": "{name}：{link}",
    "invite_all_none": "所有支部都已有書記，無需邀請。",
    "invite_all_file": "🔗 {count} 個支部尚無書記，邀請鏈接見附件（{days}天內有效，每個鏈接只能使用一次）。",
    "mytasks_pick_branch": "你負責多個支部，請選擇要查看任務的支部：",
    "mytasks_pick_in": "<b>{branch}</b>：點按任務可更新進展：",
    "typed_held": "已收到你的文字（共{chars}字），<b>暫未保存</b>。這是月度報告嗎？請點按鈕選擇它屬於哪個支部、哪個月，選好後立即保存；不是報告請點“不是報告”。12小時內未選擇，這段文字不再保留。",
    "typed_held_more": "已接在前面的文字之後（現共{chars}字），仍<b>暫未保存</b>。請點按鈕選擇：",
    "typed_btn_submit": "提交爲{branch}{month}的報告",
    "typed_btn_revise": "作爲{branch}{month}報告的修改",
    "typed_btn_not_report": "不是報告",
    "typed_discarded": "好的，這段文字不作爲報告，沒有保存。如需報送，請發送 /report。",
    "typed_gone": "這段文字已經處理過，或已超過12小時不再保留，沒有保存。請重新發送報告文字。",
    "reply_handed_over": "⚠️ 這條回覆<b>沒有作爲報告保存</b>：{name} 已接任 <b>{branch}</b> 的書記，該支部{month}的報告由新任書記報送。如有材料，請轉交給{name}。",
    "reply_not_member": "⚠️ 這條回覆<b>沒有作爲報告保存</b>：你已不再是 <b>{branch}</b> 的書記或聯絡員，不能報送該支部{month}的報告。",
    "report_file_offer": "📄 已讀取《{name}》中的文字（共{chars}字）。要把它作爲報告提交嗎？",
    "report_file_too_long": "📄《{name}》中的文字有{length}字，超過了報告{max}字的上限，沒有作爲報告。文件將作爲附件保存；請另發一段{max}字以內的要點作爲報告。",
    "report_file_too_big": "📄《{name}》超過{mb}MB，沒有讀取其中的文字；文件將作爲附件保存。請把報告要點直接發送給我。",
    "report_file_unreadable": "📄 無法讀取《{name}》中的文字（文件損壞、爲空或編碼無法識別）；文件將作爲附件保存。請把報告要點直接發送給我。",
    "move_btn_withdraw": "↩️ 撤回",
    "move_btn_move": "🔀 改支部/月份",
    "withdraw_confirm": "確定撤回 <b>{branch}</b> {month}的報告嗎？撤回後該月不再計爲已報送（原文和修改記錄存檔保留），可以重新報送。",
    "withdraw_btn_confirm": "確認撤回",
    "move_ask_reason_withdraw": "請發送撤回 <b>{branch}</b> {month}報告的理由（下一條消息即爲理由；在群裏請直接回覆本消息；發送 /cancel 放棄）。",
    "move_ask_reason_move": "請發送把 <b>{branch}</b> {month}的報告移到 <b>{to_branch}</b> {to_month}的理由（下一條消息即爲理由；在群裏請直接回覆本消息；發送 /cancel 放棄）。",
    "move_choose": "把 <b>{branch}</b> {month}的報告移到：",
    "move_btn_target": "{branch} · {month}",
    "move_nowhere": "沒有可以移入的支部或月份：已有報告的月份不能移入（可先撤回或修改那份報告）。",
    "move_reason_part": "（理由：{reason}）",
    "report_withdrawn_done": "↩️ 已撤回 <b>{branch}</b> {month}的報告{reason}。該月不再計爲已報送，原文和修改記錄已存檔。",
    "report_moved_done": "🔀 已把報告從 <b>{branch}</b> {month}移到 <b>{to_branch}</b> {to_month}{reason}，修改記錄和該月附件隨之移動。",
    "move_denied": "⛔ 只有這份報告的報送人或協調人可以撤回或移動它。",
    "move_after_circular": "⛔ {month}的通報已經發布，報送人不能再撤回或移動這份報告；如確有錯誤，請聯繫協調人。",
    "move_reason_needed": "⛔ 協調人撤回他人的報告需要說明理由：請點報告下的“↩️ 撤回”，再發送理由。",
    "report_view_moved": "🔀 {at} 自 {branch} {month}移來{reason}",
    "report_withdrawn_notice": "ℹ️ 協調人 {who} 撤回了你報送的 <b>{branch}</b> {month}的報告{reason}。該月目前按未報統計，如需要請重新報送。",
    "report_moved_notice": "ℹ️ 協調人 {who} 把你報送的報告從 <b>{branch}</b> {month}移到了 <b>{to_branch}</b> {to_month}{reason}。",
    "plan_pv_title": "方案：{title}",
    "plan_pv_untitled": "（未識別出標題）",
    "plan_pv_year": "年度：{year}年",
    "plan_pv_phases": "階段（{count}）：",
    "plan_pv_phase": "  {n}. {name}　{start}—{end}",
    "plan_pv_phase_task": "     · {line}",
    "plan_pv_tasks": "任務（{count}）：",
    "plan_pv_task": "  · {line}",
    "plan_pv_due": "{title}　{due}前",
    "plan_pv_ongoing": "{title}　長期",
    "plan_pv_rule": "{title}　{rule}",
    "plan_pv_nothing": "沒有找到階段或任務。",
    "plan_pv_warning": "⚠ {text}",
    "plan_warn_past_year": "方案年度爲{year}年，早於今年：其中的時限均已過去，啓用後會顯示爲逾期。",
    "plan_warn_limited": "任務“{task}”只分配給：{names}",
    "plan_warn_unknown": "任務“{task}”指定的支部不存在：{names}",
    "rule_monthly": "每月{day}日前",
    "rule_monthly_end": "每月底前",
    "rule_monthly_any": "每月",
    "rule_quarterly_any": "每季度",
    "rule_quarterly_end": "每季度末前",
    "rule_quarterly_day": "每季度{day}日前",
    "rule_quarterly_month_day": "每季度第{month}個月{day}日前",
    "rule_quarterly_month_end": "每季度第{month}個月底前",
    "rule_annual_any": "每年",
    "rule_annual_month": "每年{month}月",
    "rule_annual_month_end": "每年{month}月底前",
    "rule_annual_day": "每年{month}月{day}日",
    "circ_sec_form": "<b>{n}、報表填報情況</b>",
    "form_total_head": "《{title}》（{count}個支部填報）",
    "form_total_yes": "· {label}：{yes}/{of}個支部",
    "form_total_share": "· {label}：{yes}/{of}個支部（{pct}%）",
    "form_total_sum": "· {label}：{yes}/{of}個支部，合計{sum}",
    "form_status_head": "<b>{month} · {label}</b>（《{title}》）",
    "form_status_group": "{value}（{count}個）：{names}",
    "form_status_branch": "· {branch}：{value}",
    "form_status_skipped": "未填（{count}個）：{names}",
    "form_status_others": "另有未報送{missing}個，以文字報送{free}個。",
    "form_status_none": "本月還沒有支部填寫這一項。",
    "rec_review_noes": "｜必答項爲“否”{months}個月（{labels}）",
    "form_past_month": "不能從已過去的月份 {month} 起用表單：過去的月份保留原來的表單。請從本月或以後的月份起用。",
    "form_missing": "還有必填項沒有填寫：{fields}。",
    "form_no_draft": "沒有待提交的草稿。發送 /report 重新開始。",
    "form_required": "“{label}”是必填項，請填寫。",
    "form_bad_number": "請輸入數字，例如 {example}",
    "form_not_integer": "請輸入整數，例如 2",
    "form_number_range": "請輸入 {min} 到 {max} 之間的數字。",
    "form_bad_yesno": "請回答“是”或“否”（也可以點下面的按鈕）。",
    "form_bad_choice": "請從這些選項中選擇：{choices}",
    "form_bad_date": "請輸入日期，例如 2026-06-30 或 6月30日。",
    "form_text_too_long": "太長了：{length}字，這一項最多{max}字。",
    "form_intro": (
        "📝 <b>{branch}</b> {month}工作情況報告 · {title}\n"
        "截止日期：{due}{late_note}\n"
        "共{count}項，我逐項提問，直接回覆即可；也可以點“整份填寫”一次填完。發送 /cancel 可隨時暫停，已填內容會保存。"
    ),
    "form_resume": "📝 繼續填寫 <b>{branch}</b> {month}報告：已填{done}項，共{count}項。",
    "form_ask": "（{n}/{of}）<b>{label}</b>{optional}{hint}",
    "form_ask_optional": "（選填）",
    "form_ask_hint": (
        "\n"
        "<i>{hint}</i>"
    ),
    "form_ask_fix": "✏️ 修改“{label}”，現在是：{value}",
    "form_btn_yes": "是",
    "form_btn_no": "否",
    "form_btn_skip": "跳過",
    "form_btn_paste": "📋 整份填寫",
    "form_btn_submit": "✅ 提交",
    "form_btn_change": "✏️ 修改某項",
    "form_btn_steps": "📝 逐項填寫",
    "form_summary_head": "<b>{branch}</b> {month}報告 · 請覈對：",
    "form_summary_head_submitted": "<b>{branch}</b> {month}報告（已提交，第{revisions}稿）：",
    "form_summary_line": "{label}：{value}",
    "form_summary_block": (
        "{label}：\n"
        "{value}"
    ),
    "form_summary_empty": "（未填）",
    "form_summary_unread": "⚠️ 未能讀出：{fields}。請點“逐項填寫”補上，或“修改某項”。",
    "form_summary_missing": "還需填寫：{fields}",
    "form_summary_ready": "確認無誤請點“提交”。",
    "form_summary_fix_note": "需要修改時點“修改某項”：只改所選的一項，原來的答案保留在修訂記錄裏。",
    "form_pick_field": "要修改哪一項？",
    "form_paste_ask": "請複製下面這條消息，在每個“：”後面填寫，然後整條發回給我。選填項可以留空。",
    "form_template": "<pre>{template}</pre>",
    "form_submitted": "✅ 已提交 <b>{branch}</b> {month}報告（{timing}），共{count}項。",
    "form_field_revised": "✅ 已修改“{label}”：{value}（第{revisions}稿）。",
    "form_cancel_kept": "已暫停。草稿已保存（已填{done}項），發送 /report 可繼續填寫。",
    "form_in_private": "本月報告按表單逐項填寫，請在與我的私聊中繼續。",
    "cmd_form": "本月的報送表單",
    "form_show_none": "{month}沒有設置報送表單：報告是一段文字。",
    "form_show_head": "<b>{month}報送表單 · {title}</b>（自{from_month}起用，共{count}項）",
    "form_show_line": "{n}. {label}　{kind}{optional}",
    "form_kind_text": "文字",
    "form_kind_number": "數字",
    "form_kind_yesno": "是/否",
    "form_kind_choice": "選擇：{choices}",
    "form_kind_date": "日期",
    "job_too_slow": "{what}用時超過 {seconds} 秒，已停止，其他功能不受影響。請稍後再試；仍不行請聯繫管理員。",
    "job_too_much_memory": "{what}所需的內存超出上限，已停止，其他功能不受影響。請聯繫管理員。",
    "job_what_ledger": "生成臺賬",
    "job_what_docx": "生成通報 Word 文檔",
    "job_what_chart": "生成通報圖表",
    "denied_outside": "⛔ 該支部不在你所在總支的範圍內：你只能查看和管理本總支所屬的支部。",
    "tree_bad_option": "不認識的選項：{option}。可用：上級=總支名、類型=總支、報送=否。",
    "tree_only_general_gathers": "只有黨總支可以設爲“報送=否”（只彙總所屬支部，自己不報送）。",
    "tree_parent_not_general": "<b>{name}</b> 不是黨總支，不能設爲上級。先用 /addbranch 名稱 類型=總支 添加總支。",
    "tree_not_general": "<b>{name}</b> 不是黨總支。",
    "tree_cycle": "不能把 <b>{unit}</b> 移到 <b>{target}</b> 之下：{target} 本身就在 {unit} 之下。",
    "tree_group_is_committees": "本群是工委的協調群，不能再設爲總支群。",
    "usage_movebranch": "/movebranch 支部名 總支名（移回工委直屬：/movebranch 支部名 工委）",
    "cmd_movebranch": "調整支部隸屬（移到總支之下）",
    "tree_moved": "✅ 已把 <b>{name}</b> 從 {before} 移到 {after} 之下。報送記錄和書記保持不變。",
    "tree_moved_same": "<b>{name}</b> 已在 {after} 之下，無需調整。",
    "tree_committee": "工委直屬",
    "tree_general_added": "✅ 已添加黨總支 <b>{name}</b>{gathers}。生成總支書記邀請鏈接：/invite {name}",
    "tree_gathers_only": "（只彙總所屬支部，自己不報送）",
    "tree_added_under": "✅ 已在 <b>{parent}</b> 之下添加：{names}",
    "tree_head": "<b>{org} · 組織架構</b>（總支{generals}個，支部{units}個）",
    "tree_line": "{indent}{n}. {mark}<b>{name}</b>{gathers} · 書記：{secretary}{deputy}",
    "tree_mark_general": "🏢 ",
    "tree_mark_gathers": "（不報送）",
    "bindgroup_general_done": "✅ 本群已設爲 <b>{name}</b> 的總支群。本總支所屬支部的未報彙總和總支月度通報將發到這裏。",
    "role_general": "總支書記",
    "help_general": (
        "<b>總支</b>（只涉及本總支所屬支部）\n"
        "/status [未報|遲報|免報] [支部名|2026-10] 本總支報送情況\n"
        "/remind [支部名] 提醒本總支尚未報送的支部\n"
        "/exempt 支部名 [2026-11] 理由 · /unexempt 支部名 設置或取消免報\n"
        "/branches 本總支的支部 · /circular 本總支月度通報 · /export 本總支臺賬 · /schedule 時間安排\n"
        "/bindgroup 在總支群裏發送，設爲總支群\n"
        "/reviewmode 開|關 本總支審覈所屬支部的報告（通過或退回）"
    ),
    "gdigest_head": (
        "📋 <b>{general} · {month}截止未報彙總</b>\n"
        "截止日已過，本總支 {count} 個支部尚未報送：{names}"
    ),
    "gcirc_to": "本總支各黨支部：",
    "tree_no_group": "<b>{name}</b> 還沒有總支群：總支書記在總支群裏發送 /bindgroup 即可設置。",
    "plan_pv_summary": (
        "方案：<b>{title}</b>　{year}年\n"
        "{phases}個階段，{tasks}項支部任務，{committee}項工委事項"
    ),
    "plan_pv_off": "另有{off}項已取消勾選，不會導入。",
    "plan_pv_page": "第{page}/{pages}頁",
    "plan_pv_item": "{n}. 【{kind}】{title}{when}",
    "plan_pv_item_off": "<s>{line}</s>（不導入）",
    "plan_pv_item_range": "{start}—{end}",
    "plan_pv_item_due": "{due}前",
    "plan_pv_item_ongoing": "長期",
    "plan_pv_kind_phase": "階段",
    "plan_pv_kind_branch": "支部任務",
    "plan_pv_kind_committee": "工委事項",
    "plan_pv_kshort_phase": "階段",
    "plan_pv_kshort_branch": "支部",
    "plan_pv_kshort_committee": "工委",
    "plan_pv_help": "點 ✅/⬜ 勾選或取消一項；點“階段/支部/工委”在階段、支部任務、工委事項之間切換；點 📅 修改日期；年度可點 ◀ ▶ 或“輸入年份”。覈對無誤後點“啓用”。",
    "plan_pv_more_notes": "⚠ 另有{count}條提示未顯示。",
    "plan_pv_btn_year": "輸入年份",
    "plan_pv_ask_date": "請輸入第{n}項“{title}”的截止日期，如 2026-06-30 或 6月30日。發送“取消”放棄。",
    "plan_pv_ask_range": "請輸入第{n}項“{title}”的起止日期，如 6月1日至6月30日（只寫一天也可以）。發送“取消”放棄。",
    "plan_pv_ask_year": "請輸入方案的年度，如 2026。各項日期會隨之改到該年。發送“取消”放棄。",
    "plan_pv_date_bad": "“{value}”不是可識別的日期。請寫成 2026-06-30 或 6月30日；階段可寫 6月1日至6月30日。",
    "plan_pv_date_order": "開始日期晚於結束日期，請重新輸入。",
    "plan_pv_date_one": "這裏只需要一個日期，如 2026-06-30 或 6月30日。",
    "plan_pv_year_bad": "“{value}”不是有效的年度，請輸入四位數年份，如 2026。",
    "plan_pv_invalid": "按目前的修改無法生成方案：{reason}",
    "plan_pv_not_yours": "這份預覽由另一位協調人發送，只有發送人可以修改或啓用。",
    "plan_input_dropped": "已取消輸入。",
    "plan_committee_line": "  · 【工委事項】{task}",
    "plan_manage_pick": "管理方案（停用、刪除，修改任務）：",
    "plan_btn_off_mark": "（已停用）",
    "plan_mg_head": "⚙ <b>《{title}》</b>（{year}年）{state}",
    "plan_mg_state_on": "啓用中",
    "plan_mg_state_off": "已停用",
    "plan_mg_task": "{n}. {title}{when}{who}",
    "plan_mg_committee": "【工委事項】",
    "plan_mg_only": "（{count}個支部：{names}）",
    "plan_mg_no_tasks": "（沒有任務）",
    "plan_mg_changes": "修改記錄（共{count}條，最近的在前）：",
    "plan_mg_change": "· {at} {who}：{what}",
    "plan_mg_help": "✏️ 改名稱　📅 改截止日期　👥 改分配支部　🗑 刪除任務",
    "plan_chg_enabled": "重新啓用方案",
    "plan_chg_disabled": "停用方案",
    "plan_chg_deleted": "刪除方案",
    "plan_chg_task_title": "改任務名稱：{detail}",
    "plan_chg_task_due": "改截止日期：{detail}",
    "plan_chg_task_branches": "改分配支部：{detail}",
    "plan_chg_task_deleted": "刪除任務：{detail}",
    "plan_btn_disable": "⏸ 停用",
    "plan_btn_reenable": "▶ 重新啓用",
    "plan_btn_delete": "🗑 刪除方案",
    "plan_btn_delete_confirm": "確認刪除方案",
    "plan_btn_task_delete_confirm": "確認刪除任務",
    "plan_btn_back": "↩ 返回",
    "plan_btn_assign_all": "全部支部",
    "plan_del_confirm": "確定刪除方案《{title}》？刪除後通報、提醒和任務列表中不再出現，已有記錄保留在臺賬中。",
    "plan_deleted": "已刪除方案《{title}》。已有記錄保留在臺賬中。",
    "plan_task_del_confirm": "確定刪除任務“{task}”？已有記錄保留在臺賬中。",
    "plan_task_deleted": "已刪除任務“{task}”。",
    "plan_ask_title": "請輸入任務“{task}”的新名稱。發送“取消”放棄。",
    "plan_ask_due": "請輸入任務“{task}”的新截止日期，如 2026-06-30 或 6月30日。發送“取消”放棄。",
    "plan_task_updated": "已修改任務：{task}。",
    "plan_assign_head": "任務“{task}”分配給哪些支部？點一下切換（✅ 爲已分配）。",
    "plan_assign_all_now": "目前：全部支部（含以後新建的支部）。",
    "plan_assign_some_now": "目前：{count}個支部。",
    "plan_assign_none": "至少保留一個支部；不需要的任務請刪除。",
    "plan_task_committee": "這是工委自己的事項，不分配給支部。",
    "circ_task_late": "；逾期{count}個：{names}",
    "circ_tasks_more": "另有{count}項任務，各支部完成情況見通報文檔和臺賬。",
    "circ_committee_items": "工委事項：{items}",
    "circ_committee_more": "等{count}項",
    "circ_task_detail": "{task}：{count}/{total}個支部未完成：{names}",
    "circ_task_detail_late": "{task}（已逾期）：{count}/{total}個支部未完成：{names}",
    "plan_ledger_disabled": "（已停用）",
    "plan_ledger_deleted": "（已刪除）",
    "grp_direct": "直屬支部",
    "grp_head": "<b>按黨總支：</b>",
    "grp_line": "▸ {name}：應報 {expected} · 按時 {on_time} · 遲報 {late} · {missing_label} {missing}{pending}",
    "grp_pending": " · 待審覈 {count}",
    "grp_pending_total": "待審覈 {count}（已報送，等待總支審覈）",
    "grp_section": "<b>【{name}】</b>（{count}）",
    "grp_awaiting": "（待審覈）",
    "grp_names": "：{names}",
    "grp_more": "……還有 {count} 個總支",
    "circ_sec_by_general": "<b>{n}、各黨總支報送情況</b>",
    "circ_group_line": "{name}：應報{expected}個，按時{on_time}個，遲報{late}個，未報{missing}個，報送率{rate}%。",
    "circ_group_pending": "已報送、尚待黨總支審覈{count}個：{names}",
    "circ_group_names": "{group}：{names}",
    "cmd_reviewmode": "設置黨總支審覈（開/關）",
    "usage_reviewmode": "/reviewmode 總支名 開|關",
    "apv_mode_on": "✅ <b>{name}</b> 已開啓審覈：所屬支部的報告先送總支書記審覈（通過或退回），工委仍按報送時間統計按時/遲報。",
    "apv_mode_off": "✅ <b>{name}</b> 已關閉審覈：所屬支部的報告直接報送工委。",
    "apv_ask": (
        "📝 <b>{general} · 待審覈</b>\n"
        "{branch} 報送了{month}工作情況（第{revision}次修改）：\n"
        "{text}\n"
        "\n"
        "請審覈：通過，或退回並寫明意見。"
    ),
    "apv_wait": (
        "⏰ <b>{general} · 審覈提醒</b>\n"
        "{branch} 的{month}報告已等待審覈 {days} 天：\n"
        "{text}\n"
        "\n"
        "請審覈：通過，或退回並寫明意見。"
    ),
    "apv_btn_ok": "✅ 通過",
    "apv_btn_return": "↩️ 退回",
    "apv_btn_revise": "✏️ 修改報告",
    "apv_ask_comment": "請直接輸入退回 <b>{branch}</b> 報告的意見（下一條消息即爲意見）。",
    "apv_comment_missing": "退回意見不能爲空，請輸入意見。",
    "apv_question_lapsed": "退回操作已過期，請重新點“退回”。",
    "apv_not_pending": "這份報告已審覈或已退回，當前不在待審覈狀態，無需處理。",
    "apv_done_ok": "✅ 已通過 <b>{branch}</b> 的報告，已通知該支部。",
    "apv_done_returned": (
        "↩️ 已退回 <b>{branch}</b> 的報告，意見：{comment}\n"
        "已通知該支部修改。"
    ),
    "apv_told_ok": "✅ <b>{general}</b> 已審覈通過 {branch} 的{month}報告。",
    "apv_told_returned": (
        "↩️ <b>{general}</b> 退回了 {branch} 的{month}報告。\n"
        "意見：{comment}\n"
        "請修改後重新報送（報送時間仍按首次報送計算）。"
    ),
    "rec_review_groups_head": "<b>按黨總支：</b>",
    "rec_review_group_line": "▸ {name}（{units}個）｜按時率 {rate}｜遲報 {late}｜未報 {missing}｜好 {good} · 較好 {fair} · 一般 {average} · 差 {poor}",
    "apv_sent_for_review": "📝 本支部的報告需經黨總支審覈：已送總支書記審覈，審覈結果會通知你。報送時間按本次提交計算。",
    "form_button_old": "報表已更新，這個按鈕已失效。請發送 /report 按新報表繼續填寫。",
    "form_already_submitted": "這份報告已經提交了，不用再點。需要修改時點“修改某項”。",
    "form_question_gone": "報表剛更新過，剛纔的問題已不在表中，這條回覆沒有保存。請回答下面的問題：",
    "form_need_text": "這一項請用文字回答（表情、語音等無法作爲答案），也可以點上面的按鈕。發送 /cancel 可暫停，已填內容會保存。",
    "attach_saved_form": "📎 已保存爲 <b>{branch}</b> {month}的佐證材料。報表各項填完並點“提交”後，本月纔算報送。",
    "form_status_not_found": "沒有找到支部或報表項“{name}”。報表項有：{fields}。支部列表請發送 /branches。",
    "tree_archived_lifted": "原屬該總支的 {count} 個單位已改爲直屬它的上一級（工委或上級總支）：{names}。如需歸入其他總支：/movebranch 支部名 總支名",
    "tree_csv_parent_not_general": "<b>{name}</b> 不是黨總支，不能設爲上級：請在文件中它那一行的類型列（第4列）寫“總支”。",
    "tree_self_parent": "<b>{unit}</b> 不能做它自己的上級。",
    "tree_csv_parent_missing": "上級“{name}”既不在文件中，也不是已有的單位：請覈對名稱，或在文件中加一行“{name},,,總支”。",
    "tree_group_is_generals": "本群已是 <b>{name}</b> 的總支群，未改動。如確要把它改爲工委的協調群，請發送 /bindgroup 工委。",
    "tree_group_taken": "本群已是 <b>{name}</b> 的總支群，未改動。如需改綁，請由管理員或 {name} 的書記操作。",
    "tree_existed_not_moved": "已有的單位沒有移動：{names}。要把它移到 <b>{parent}</b> 之下，請發送 /movebranch {name} {parent}",
    "plan_pv_date_early": "{value}早於方案年度{year}年。如果方案年度不對，請先修改年度；否則請重新輸入日期。",
    "plan_title_empty": "任務名稱不能爲空，請重新輸入（發送“取消”放棄）。",
    "plan_input_gone": "剛纔要修改的方案預覽或任務已經啓用、取消或刪除，這次輸入未作處理。",
    "plan_title_long": "任務名稱最多{limit}字，這次輸入了{count}字，請縮短後重新發送（發送“取消”放棄）。",
}
