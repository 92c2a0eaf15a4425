//! Every user-visible text, in Chinese first and English second.
//!
//! One table, looked up by key. UI, server errors and mail all go through
//! [`t`], so a missing translation is found by one test (`keys_are_unique`)
//! rather than by a user.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The value for `<html lang>`.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::Zh)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks the first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header
            .split(',')
            .find_map(|part| Lang::parse(part.split(';').next().unwrap_or("")))
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

/// The text for `key` in `lang`; the key itself when it is unknown, so a
/// forgotten entry is visible on screen rather than blank.
pub fn t(lang: Lang, key: &str) -> &str {
    match TEXTS.binary_search_by(|(k, _, _)| (*k).cmp(key)) {
        Ok(i) => match lang {
            Lang::Zh => TEXTS[i].1,
            Lang::En => TEXTS[i].2,
        },
        Err(_) => key,
    }
}

/// [`t`] with `{}` placeholders filled in order.
pub fn tf(lang: Lang, key: &str, args: &[&str]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut parts = t(lang, key).split("{}").peekable();
    while let Some(p) = parts.next() {
        out.push_str(p);
        if parts.peek().is_some() {
            out.push_str(args.next().copied().unwrap_or(""));
        }
    }
    out
}

/// (key, 中文, English), sorted by key (a test checks it).
#[rustfmt::skip]
static TEXTS: &[(&str, &str, &str)] = &[
    ("admin.calendar_intro", "法定节假日与调休上班日。所有期限按工作日计算（北京时间）。", "Public holidays and make-up working days. Every deadline counts working days (Beijing time)."),
    ("admin.calendar_title", "工作日历", "Working-day calendar"),
    ("admin.create", "创建", "Create"),
    ("admin.day_holiday", "节假日", "Holiday"),
    ("admin.day_normal", "恢复为普通日", "Ordinary day (remove)"),
    ("admin.day_workday", "调休上班", "Make-up working day"),
    ("admin.save", "保存", "Save"),
    ("admin.staff_created", "账号已创建。", "The account has been created."),
    ("admin.staff_title", "创建工作人员账号", "Create a staff account"),
    ("app.name", "公道", "Gongdao"),
    ("app.tagline", "电商消费投诉与在线纠纷解决平台", "E-commerce complaints and online dispute resolution"),
    ("audience.arbitrators", "仲裁员", "arbitrators"),
    ("audience.consumer", "消费者", "consumer"),
    ("audience.fund_admins", "基金管理员", "fund administrators"),
    ("audience.mediators", "调解员", "mediators"),
    ("audience.merchant", "商户", "merchant"),
    ("audience.owner", "承办人", "the case handler"),
    ("auth.email_sent", "我们已向您的邮箱发送了一封邮件，请按邮件中的链接继续。", "We have sent you an email; follow its link to continue."),
    ("auth.forgot", "忘记密码？", "Forgot your password?"),
    ("auth.login", "登录", "Sign in"),
    ("auth.login_title", "登录公道", "Sign in to Gongdao"),
    ("auth.logout", "退出", "Sign out"),
    ("auth.new_password", "新密码", "New password"),
    ("auth.no_account", "还没有账号？", "No account yet?"),
    ("auth.register", "注册", "Sign up"),
    ("auth.register_done", "注册成功。我们已向您的邮箱发送验证链接，请点击链接完成验证。", "You are registered. We sent a verification link to your email; click it to verify your address."),
    ("auth.register_title", "注册账号", "Create an account"),
    ("auth.resend", "重新发送验证邮件", "Resend verification email"),
    ("auth.reset", "重设密码", "Reset password"),
    ("auth.reset_done", "密码已重设，请使用新密码登录。", "Your password has been reset; sign in with the new one."),
    ("auth.reset_request", "发送重设链接", "Send reset link"),
    ("auth.reset_request_done", "如果该邮箱已注册，我们已发送重设密码的链接。", "If that address has an account, we have sent it a reset link."),
    ("auth.unverified_notice", "您的邮箱尚未验证。", "Your email address is not verified yet."),
    ("auth.verified", "邮箱已验证，谢谢！", "Your email address is verified. Thank you!"),
    ("auth.verify_failed", "验证链接无效或已过期。", "The verification link is invalid or has expired."),
    ("case.action.accept_offer", "接受方案", "accept the offer"),
    ("case.action.accept_proposal", "接受调解方案", "accept the proposal"),
    ("case.action.apply_first_compensation", "申请先行赔付", "Apply for first compensation"),
    ("case.action.approve_first_compensation", "批准先行赔付", "Approve first compensation"),
    ("case.action.comply", "确认已履行", "mark as fulfilled"),
    ("case.action.confirm_fulfilment", "确认履行完毕", "confirm fulfilment"),
    ("case.action.contest_recovery", "对追偿提出异议", "Contest the recovery"),
    ("case.action.decide", "作出裁决", "decide"),
    ("case.action.decide_contest", "裁决追偿异议", "Decide the contest"),
    ("case.action.escalate", "申请升级", "escalate"),
    ("case.action.handover", "移交", "hand over"),
    ("case.action.message", "留言", "send a message"),
    ("case.action.offer", "提出方案", "make an offer"),
    ("case.action.propose", "提出调解方案", "propose a resolution"),
    ("case.action.provide_evidence", "提交证据", "provide evidence"),
    ("case.action.refuse_first_compensation", "驳回先行赔付", "Refuse first compensation"),
    ("case.action.reject_offer", "拒绝方案", "reject the offer"),
    ("case.action.reject_proposal", "拒绝调解方案", "reject the proposal"),
    ("case.action.reopen", "申请重新处理", "reopen"),
    ("case.action.request_evidence", "要求补充证据", "request evidence"),
    ("case.action.respond", "回应", "respond"),
    ("case.action.take", "受理", "take the case"),
    ("case.action.withdraw", "撤回投诉", "withdraw"),
    ("case.actions", "您现在可以", "You can now"),
    ("case.all", "全部案件", "All cases"),
    ("case.amount_yuan", "金额（元）", "Amount (¥)"),
    ("case.any_status", "全部状态", "Any status"),
    ("case.collective", "集体投诉：另有 {} 位消费者加入，合计索赔 {}", "Collective complaint: {} more consumers joined, claiming {} in all"),
    ("case.complain", "投诉该商户", "Complain"),
    ("case.consumer", "消费者", "Consumer"),
    ("case.days_left", "剩余 {} 个工作日", "{} working days left"),
    ("case.decision", "仲裁裁决", "Decision"),
    ("case.evidence", "证据", "Evidence"),
    ("case.evidence_pick", "选择文件（图片或 PDF，不超过 10 MB）", "Choose a file (image or PDF, up to 10 MB)"),
    ("case.evidence_upload", "上传证据", "Upload evidence"),
    ("case.evidence_uploaded", "证据已上传。", "The file was uploaded."),
    ("case.facts", "投诉信息", "The complaint"),
    ("case.file_title", "投诉商户", "Complain about a merchant"),
    ("case.filter", "筛选", "Filter"),
    ("case.handover_to", "移交给（工作人员编号）", "Hand over to (staff id)"),
    ("case.member_note", "您是该集体投诉的成员：由发起投诉的消费者代表协商，结果同样适用于您的订单。", "You joined this collective complaint: the consumer who filed it negotiates for everyone, and the outcome applies to your order too."),
    ("case.merchant_key", "商户编号或统一社会信用代码", "Merchant id or USCC"),
    ("case.my_cases", "我的案件", "My cases"),
    ("case.next_deadline", "下一期限", "Next deadline"),
    ("case.none", "暂无案件。", "No cases yet."),
    ("case.number", "案件编号", "Case number"),
    ("case.offer", "当前方案", "Offer on the table"),
    ("case.paused", "计时已暂停：等待消费者补充证据", "The clock is stopped while the consumer provides evidence"),
    ("case.proposal", "调解方案", "Mediation proposal"),
    ("case.publish_narrative", "同意日后公开投诉内容（个人信息将被去除）", "I agree that the narrative may be published later (personal data removed)"),
    ("case.queue", "待受理队列", "Queue"),
    ("case.settlement", "和解协议", "Settlement"),
    ("case.status", "状态", "Status"),
    ("case.step.closed", "结案", "Closed"),
    ("case.step.decision", "裁决", "Decision"),
    ("case.step.filed", "投诉", "Filed"),
    ("case.step.mediation", "调解", "Mediation"),
    ("case.step.negotiation", "协商", "Negotiation"),
    ("case.submit", "提交投诉", "File the complaint"),
    ("case.tab_mine", "我的", "Mine"),
    ("case.terms", "{}，{}，{} 个工作日内履行", "{}, {}, within {} working days"),
    ("case.timeline", "全程留痕", "Full record"),
    ("case.trail.deadline_elapsed", "期限届满", "deadline passed"),
    ("case.trail.filed", "提交投诉", "filed the complaint"),
    ("case.trail.fund_posted", "基金记账", "fund posted"),
    ("case.trail.fund_repayment", "商户还款入账", "merchant repayment recorded"),
    ("case.trail.fund_write_off", "核销应追偿款", "recoverable amount written off"),
    ("case.waiting_on", "等待", "Waiting on"),
    ("category.counterfeit", "假冒伪劣", "counterfeit goods"),
    ("category.delivery", "物流配送", "delivery / logistics"),
    ("category.false_advertising", "虚假宣传", "false advertising"),
    ("category.not_as_pictured", "图物不符", "not as pictured"),
    ("category.other", "其他", "other"),
    ("category.personal_data", "泄露个人信息", "personal-data misuse"),
    ("category.price_fraud", "价格欺诈", "price fraud"),
    ("category.quality", "质量问题", "quality"),
    ("category.refund_refused", "拒绝退款退货", "refund or return refused"),
    ("category.service_breach", "服务违约", "service breach"),
    ("dash.admin", "管理员：创建工作人员账号、维护节假日日历、查看个人信息访问日志。", "Admin: create staff accounts, keep the holiday calendar, read the personal-data access log."),
    ("dash.arbitrator", "仲裁员：待裁决案件队列，按期限排序；调取证据、作出裁决。", "Arbitrator: the queue of cases awaiting a decision, oldest deadline first; request evidence and decide."),
    ("dash.consumer", "消费者：在这里提交投诉、与商户协商、申请调解和先行赔付，并跟踪每个期限。", "Consumer: file complaints, negotiate with merchants, ask for mediation or first compensation, and follow every deadline."),
    ("dash.fund_admin", "基金管理员：先行赔付申请、赔付与追偿、保证金与公开账本。", "Fund administrator: first-compensation applications, payouts and recoveries, deposits and the public ledger."),
    ("dash.mediator", "调解员：待调解案件队列（首问负责），与双方沟通并提出调解方案。", "Mediator: the mediation queue (first-inquiry responsibility); talk to both sides and propose a resolution."),
    ("dash.merchant", "商户：回应投诉、协商和解、签署信用承诺、查看并修复信用记录。", "Merchant: answer complaints, settle, sign credit commitments, see and repair your credit record."),
    ("dash.regulator", "监管部门：实名认证队列、异议与信用修复、红黑名单、风险预警与数据导出。", "Regulator: verification queue, objections and credit repair, red and black lists, risk warnings and data export."),
    ("dash.title", "我的工作台", "My dashboard"),
    ("dash.upcoming", "即将上线", "Coming next"),
    ("deadline.comply_by", "履行裁决期限", "compliance due"),
    ("deadline.confirm_by", "确认履行期限", "confirmation due"),
    ("deadline.contest_by", "追偿异议期限", "contest the recovery by"),
    ("deadline.decide_by", "裁决期限", "decision due"),
    ("deadline.evidence_due", "补充证据期限", "evidence due"),
    ("deadline.fulfil_by", "履行期限", "fulfilment due"),
    ("deadline.mediate_until", "调解期限", "mediation ends"),
    ("deadline.negotiate_until", "协商期限", "negotiation ends"),
    ("deadline.respond_by", "商户首次回应期限", "merchant's first response due"),
    ("demo.accounts", "演示账号（仅演示模式显示）", "Demo accounts (shown in demo mode only)"),
    ("demo.password", "密码", "password"),
    ("dev.mailbox", "开发邮箱", "Development mailbox"),
    ("dev.mailbox_empty", "还没有邮件。", "No mail yet."),
    ("err.action_unknown", "未知的操作", "unknown action"),
    ("err.already_member", "您已在该投诉中", "you are already part of this complaint"),
    ("err.amount_negative", "金额不能为负数", "cannot be negative"),
    ("err.amount_positive", "金额须大于零", "must be more than zero"),
    ("err.amount_too_large", "金额过大", "is too large"),
    ("err.case_changed", "案件刚刚被他人更新，请刷新后重试。", "Someone else just changed the case; reload and try again."),
    ("err.case_duplicate", "您已就同一商户的同一订单提交过投诉，且尚未结案", "you already have an open complaint about this order with this merchant"),
    ("err.category_unknown", "未知的投诉类别", "unknown category"),
    ("err.date_invalid", "日期格式应为 YYYY-MM-DD", "use the format YYYY-MM-DD"),
    ("err.date_out_of_range", "日期不在有效范围内", "is out of range"),
    ("err.day_kind", "应为 holiday、workday 或 normal", "must be holiday, workday or normal"),
    ("err.email_invalid", "请输入有效的邮箱地址", "enter a valid email address"),
    ("err.email_taken", "该邮箱已注册", "this email address is already registered"),
    ("err.fc_over_cap", "赔付金额超过单案上限", "exceeds the per-case cap of first compensation"),
    ("err.fc_over_limit", "赔付金额不能超过诉求或裁决金额", "cannot exceed the claim or the award"),
    ("err.file_empty", "文件为空", "the file is empty"),
    ("err.file_too_large", "文件超过 10 MB", "the file is larger than 10 MB"),
    ("err.file_type", "只接受 JPEG、PNG、WebP、GIF 图片或 PDF 文件", "only JPEG, PNG, WebP or GIF images and PDF files are accepted"),
    ("err.forbidden", "您没有权限执行此操作。", "You are not allowed to do this."),
    ("err.fulfil_days", "天数应为 1 到 60 个工作日", "must be 1 to 60 working days"),
    ("err.fund.already_paid", "本案已赔付，不能重复赔付", "this case has already been paid"),
    ("err.fund.balance_short", "账户余额不足", "the account balance is not enough"),
    ("err.fund.contest_pending", "商户对追偿提出的异议尚未裁决", "the merchant's contest of this recovery is still undecided"),
    ("err.fund.deposit_short", "商户保证金余额不足", "the merchant's deposit is not enough"),
    ("err.fund.direction", "请选择缴存或退还", "choose paid in or paid back"),
    ("err.fund.key_required", "请提供幂等键（最多100个字符）", "give an idempotency key (at most 100 characters)"),
    ("err.fund.key_reused", "该幂等键已用于另一笔不同的请求", "this idempotency key was already used for a different request"),
    ("err.fund.more_than_owed", "超过该案应追偿金额", "is more than the merchant owes on this case"),
    ("err.fund.nothing_owed", "本案没有已批准的先行赔付，无可追偿款项", "this case has no approved first compensation, so nothing is owed on it"),
    ("err.fund.pool_short", "基金可用余额不足，请先注资", "the fund has not enough available money; top it up first"),
    ("err.fund.withdrawal_blocked", "商户尚有未追偿款项或待处理的先行赔付申请，暂不能退还保证金", "the merchant still owes the fund or has an undecided first-compensation application; the deposit cannot be paid back yet"),
    ("err.handover_target", "只能移交给同类工作人员", "can only go to another staff member of the same kind"),
    ("err.internal", "服务器出错了，请稍后再试。", "Something went wrong on our side; please try again later."),
    ("err.json_invalid", "请求内容不是有效的 JSON，或字段类型不正确", "the body is not valid JSON or a field has the wrong type"),
    ("err.login_failed", "邮箱或密码不正确。", "Wrong email or password."),
    ("err.merchant_unknown", "找不到该商户", "no such merchant"),
    ("err.multipart", "上传内容无法读取", "the upload could not be read"),
    ("err.name_invalid", "请填写 1 到 50 个字符的名称", "enter a name of 1 to 50 characters"),
    ("err.not_allowed", "案件当前状态为“{}”，不能执行此操作。您现在可以：{}", "The case is {}; this action is not possible now. You may: {}"),
    ("err.not_found", "页面或记录不存在。", "Not found."),
    ("err.not_signed_in", "请先登录。", "Please sign in first."),
    ("err.nothing_allowed", "无", "nothing"),
    ("err.party_unknown", "应为 consumer 或 merchant", "must be consumer or merchant"),
    ("err.password_weak", "密码至少 8 个字符，且不超过 128 个字符", "use 8 to 128 characters"),
    ("err.rate_limited", "尝试次数过多，请稍后再试。", "Too many attempts; please wait a moment and try again."),
    ("err.remedy_unknown", "未知的诉求", "unknown remedy"),
    ("err.required", "此项必填", "this field is required"),
    ("err.role_not_self", "只能注册消费者或商户账号；工作人员账号由管理员创建", "only consumer or merchant accounts can sign up; staff accounts are created by an admin"),
    ("err.role_unknown", "未知的角色", "unknown role"),
    ("err.role_view_unknown", "应为 mine、queue 或 all", "must be mine, queue or all"),
    ("err.status_unknown", "未知的状态", "unknown status"),
    ("err.text_too_long", "内容过长", "is too long"),
    ("err.text_too_short", "内容过短", "is too short"),
    ("err.token_invalid", "链接无效或已过期，请重新申请。", "The link is invalid or has expired; please ask for a new one."),
    ("err.too_large", "请求内容过大。", "The request is too large."),
    ("err.transport", "无法连接服务器，请检查网络后重试。", "Could not reach the server; check your connection and try again."),
    ("err.upheld_required", "请选择是否支持异议", "choose whether the contest is upheld"),
    ("err.uscc_charset", "统一社会信用代码含有无效字符", "the unified social credit code contains an invalid character"),
    ("err.uscc_checksum", "统一社会信用代码校验位不正确", "the unified social credit code fails its checksum"),
    ("err.uscc_legacy", "这是旧版 15 位注册号，不是统一社会信用代码", "this is a legacy 15-digit registration number, not a unified social credit code"),
    ("err.uscc_length", "统一社会信用代码应为 18 位", "a unified social credit code has 18 characters"),
    ("err.whole_fen", "金额须为整数（单位：分）", "must be a whole number of fen"),
    ("err.whole_number", "请输入整数", "must be a whole number"),
    ("err.yuan_invalid", "金额以元为单位，最多两位小数", "enter an amount in yuan with at most two decimals"),
    ("fc.amount_yuan", "赔付金额（元）", "Amount to pay (yuan)"),
    ("fc.applied_at", "申请时间", "Applied"),
    ("fc.basis", "依据", "Basis"),
    ("fc.basis.no_response", "商户逾期未首次答复", "the merchant missed the first-response deadline"),
    ("fc.basis.non_compliance", "商户未履行和解或裁决", "the merchant did not honour a settlement or decision"),
    ("fc.contest", "追偿异议", "Contest of the recovery"),
    ("fc.contest.pending", "待仲裁员裁决", "awaiting an arbitrator"),
    ("fc.contest.refused", "异议不成立", "refused"),
    ("fc.contest.upheld", "异议成立（退还并核销）", "upheld (returned and written off)"),
    ("fc.contest_decision", "裁决", "Decision"),
    ("fc.eligible", "本案符合先行赔付条件：基金最多可先行赔付 {}。", "This case qualifies for first compensation: the fund may pay up to {}."),
    ("fc.limit", "最高可赔付", "Most the fund may pay"),
    ("fc.paid", "已赔付金额", "Paid"),
    ("fc.state", "申请状态", "Application"),
    ("fc.state.applied", "待基金审核", "awaiting the fund's decision"),
    ("fc.state.approved", "已赔付", "paid"),
    ("fc.state.lapsed", "案件已结束，申请失效", "lapsed (the case ended)"),
    ("fc.state.refused", "已驳回", "refused"),
    ("fc.title", "先行赔付", "First compensation"),
    ("fc.trail.amount", "金额", "amount"),
    ("fc.trail.outstanding", "待追偿", "still owed"),
    ("fc.trail.paid", "赔付", "paid"),
    ("fc.trail.recovered", "从保证金追偿", "recovered from the deposit"),
    ("fc.trail.refunded", "退还还款", "repayment refunded"),
    ("fc.trail.returned", "退回保证金", "returned to the deposit"),
    ("fc.trail.written_off", "核销", "written off"),
    ("field.action", "操作", "Action"),
    ("field.amount_claimed_fen", "索赔金额", "Amount claimed"),
    ("field.amount_fen", "金额", "Amount"),
    ("field.amount_paid_fen", "实付金额", "Amount paid"),
    ("field.body", "请求内容", "Request body"),
    ("field.case", "案件", "Case"),
    ("field.case_id", "案件 ID", "Case id"),
    ("field.category", "投诉类别", "Category"),
    ("field.day", "日期", "Date"),
    ("field.direction", "方向", "Direction"),
    ("field.display_name", "名称", "Name"),
    ("field.email", "邮箱", "Email"),
    ("field.file", "文件", "File"),
    ("field.fulfil_within_days", "履行期限（工作日）", "Days to fulfil (working days)"),
    ("field.idempotency_key", "幂等键", "Idempotency key"),
    ("field.kind", "类型", "Kind"),
    ("field.merchant", "商户", "Merchant"),
    ("field.merchant_id", "商户编号", "Merchant number"),
    ("field.message", "留言", "Message"),
    ("field.narrative", "投诉内容", "What happened"),
    ("field.note", "备注", "Note"),
    ("field.order_date", "下单日期", "Order date"),
    ("field.order_ref", "订单号", "Order reference"),
    ("field.party", "当事方", "Party"),
    ("field.password", "密码", "Password"),
    ("field.reason", "理由", "Reason"),
    ("field.remedy", "诉求", "Remedy"),
    ("field.role", "账号类型", "Account type"),
    ("field.title", "标题", "Title"),
    ("field.to", "移交对象", "Hand over to"),
    ("field.token", "链接", "Link"),
    ("field.uscc", "统一社会信用代码", "Unified social credit code"),
    ("field.within_days", "期限（工作日）", "Within (working days)"),
    ("fund.account", "基金账户", "Account with the fund"),
    ("fund.account_deposit", "保证金余额", "Deposit held"),
    ("fund.account_entries", "账户明细", "Entries"),
    ("fund.account_owed", "尚欠基金", "Owed to the fund"),
    ("fund.admin_only", "仅基金管理员可以访问此页面。", "Only fund administrators may open this page."),
    ("fund.admin_title", "基金管理", "Fund administration"),
    ("fund.available", "可用余额", "Available to pay"),
    ("fund.case_id_hint", "案件 ID（案件页地址中的数字）", "Case id (the number in the case page's address)"),
    ("fund.col.amount", "金额", "Amount"),
    ("fund.col.at", "时间", "Date"),
    ("fund.col.case", "案件编号", "Case"),
    ("fund.col.consumer", "消费者", "Consumer"),
    ("fund.col.deposit_change", "保证金变动", "Deposit change"),
    ("fund.col.kind", "类型", "Kind"),
    ("fund.col.memo", "说明", "Note"),
    ("fund.col.merchant", "商户", "Merchant"),
    ("fund.col.owed_change", "欠款变动", "Owed change"),
    ("fund.col.status", "追偿状态", "Recovery"),
    ("fund.deposit", "商户保证金", "Merchant deposit"),
    ("fund.deposits", "商户保证金余额", "Merchants' deposits held"),
    ("fund.direction.in", "缴存", "Paid in"),
    ("fund.direction.out", "退还商户", "Paid back"),
    ("fund.done", "已记账：{} {}（分录 #{}）", "Recorded: {} {} (entry #{})"),
    ("fund.done_replayed", "该请求此前已记账，没有重复入账（分录 #{}）。", "This request had already been recorded; nothing was posted twice (entry #{})."),
    ("fund.filed_at", "投诉时间", "Filed"),
    ("fund.intro", "商户逾期未答复或不履行和解、裁决时，基金先行赔付消费者，再向商户追偿。每一笔赔付与追偿都在此公开，消费者姓名已隐去。", "When a merchant does not answer a complaint or does not honour a settlement or award, the fund pays the consumer first and then recovers the money from the merchant. Every payout and recovery is published here, with consumers' names masked."),
    ("fund.kind.deposit_top_up", "缴存保证金", "Deposit paid in"),
    ("fund.kind.deposit_withdrawal", "退还保证金", "Deposit paid back"),
    ("fund.kind.disbursement", "赔付出账", "Disbursement"),
    ("fund.kind.fund_top_up", "基金注资", "Fund top-up"),
    ("fund.kind.payout", "先行赔付", "First compensation"),
    ("fund.kind.recovery", "从保证金追偿", "Recovered from deposit"),
    ("fund.kind.recovery_reversal", "追偿退回", "Recovery returned"),
    ("fund.kind.repayment", "商户还款", "Merchant repayment"),
    ("fund.kind.repayment_refund", "还款退还", "Repayment refunded"),
    ("fund.kind.write_off", "核销", "Written off"),
    ("fund.ledger", "公开台账", "Public ledger"),
    ("fund.ledger_empty", "暂无记录。", "No entries."),
    ("fund.memo", "备注（可选）", "Note (optional)"),
    ("fund.merchant_none", "基金尚未为该商户先行赔付。", "The fund has paid nothing on this merchant's behalf."),
    ("fund.merchant_title", "先行赔付与追偿", "First compensation and recovery"),
    ("fund.next", "下一页", "Next"),
    ("fund.outstanding", "待追偿", "Still owed by merchants"),
    ("fund.page", "第 {} / {} 页，共 {} 条", "Page {} of {}, {} entries"),
    ("fund.paid", "累计先行赔付", "Paid out"),
    ("fund.payouts", "赔付笔数", "Payouts"),
    ("fund.prev", "上一页", "Previous"),
    ("fund.queue", "待审核的先行赔付申请", "First-compensation applications awaiting a decision"),
    ("fund.queue_empty", "暂无待审核的申请。", "No application is waiting."),
    ("fund.record", "记账", "Record"),
    ("fund.recovered", "已追回", "Recovered"),
    ("fund.recovery_rate", "追偿率", "Recovery rate"),
    ("fund.repayment", "商户还款（追偿）", "Merchant repayment"),
    ("fund.repayment_hint", "商户以保证金以外的资金归还基金先行赔付的款项。", "The merchant paid back, from outside its deposit, what the fund paid on its behalf."),
    ("fund.status.outstanding", "待追偿", "outstanding"),
    ("fund.status.partly_recovered", "部分追回", "partly recovered"),
    ("fund.status.recovered", "已追回", "recovered"),
    ("fund.status.written_off", "已核销", "written off"),
    ("fund.summary", "基金概况", "Summary"),
    ("fund.title", "消费者权益保护基金", "Consumer-protection fund"),
    ("fund.top_up", "基金注资", "Top up the fund"),
    ("fund.view_ledger", "查看公开台账", "See the public ledger"),
    ("fund.write_off", "核销应追偿款", "Write off a recoverable amount"),
    ("fund.write_off_hint", "无法追回的款项核销后不再向商户追偿，须说明理由。", "An amount written off is no longer recovered from the merchant; give the reason."),
    ("fund.written_off", "已核销", "Written off"),
    ("home.hero", "有纠纷，找公道。", "A fair hearing for every online purchase."),
    ("home.intro", "在线投诉 → 在线协商 → 在线调解 → 在线仲裁；先行赔付；商户信用公开可查。", "Online complaint → negotiation → mediation → arbitration; first compensation; merchant credit in the open."),
    ("home.merchants", "已收录商户", "merchants listed"),
    ("home.search", "搜索", "Search"),
    ("home.search_placeholder", "输入商户名称或统一社会信用代码", "Merchant name or unified social credit code"),
    ("inbox.empty", "暂无消息。", "Nothing here yet."),
    ("inbox.mark_read", "全部标为已读", "Mark all read"),
    ("inbox.title", "消息", "Inbox"),
    ("lang.switch", "English", "中文"),
    ("mail.case.body", "您好，{}：\n\n案件 {}（{}）有新动态：{}。\n\n查看案件：\n{}\n\n请在期限内处理。", "Hello {},\n\nThere is news on case {} ({}): {}.\n\nOpen the case:\n{}\n\nPlease act before the deadline."),
    ("mail.case.subject", "[公道] 案件 {}：{}", "[Gongdao] case {}: {}"),
    ("mail.reset.body", "您好，{}：\n\n请在 1 小时内打开以下链接重设公道账号的密码：\n{}\n\n如果不是您本人操作，请忽略本邮件。", "Hello {},\n\nOpen this link within 1 hour to reset your Gongdao password:\n{}\n\nIf you did not ask for this, ignore this email."),
    ("mail.reset.subject", "重设您的公道密码", "Reset your Gongdao password"),
    ("mail.verify.body", "您好，{}：\n\n欢迎使用公道。请在 3 天内打开以下链接验证您的邮箱：\n{}\n\n如果不是您本人注册，请忽略本邮件。", "Hello {},\n\nWelcome to Gongdao. Open this link within 3 days to verify your email address:\n{}\n\nIf you did not sign up, ignore this email."),
    ("mail.verify.subject", "请验证您的公道邮箱", "Verify your Gongdao email address"),
    ("merchant.join", "加入集体投诉", "Join the collective complaint"),
    ("merchant.me_too", "我也遇到了同样的问题", "Me too: I have the same problem"),
    ("merchant.members", "已有 {} 位其他消费者加入", "{} other consumers joined"),
    ("merchant.no_open", "目前没有可加入的投诉。", "No complaint to join at the moment."),
    ("merchant.open_complaints", "可加入的投诉", "Complaints you can join"),
    ("nav.cases", "我的案件", "My cases"),
    ("nav.dashboard", "工作台", "Dashboard"),
    ("nav.fund", "消保基金", "Protection fund"),
    ("nav.fund_admin", "基金管理", "Fund admin"),
    ("nav.home", "首页", "Home"),
    ("nav.signed_in_as", "已登录：", "Signed in as "),
    ("notice.closed", "案件已结案", "the case is closed"),
    ("notice.collective_joined", "又有消费者加入了集体投诉", "another consumer joined the collective complaint"),
    ("notice.contest_refused", "追偿异议被驳回", "the contest of the recovery was refused"),
    ("notice.contest_upheld", "追偿异议成立", "the contest of the recovery was upheld"),
    ("notice.decided", "仲裁裁决已作出", "the decision was issued"),
    ("notice.escalated", "案件已转入调解", "the case went to mediation"),
    ("notice.evidence_overdue", "补充证据期限已过", "the evidence deadline passed"),
    ("notice.evidence_provided", "当事人已提交证据", "a party provided evidence"),
    ("notice.evidence_requested", "仲裁员要求补充证据", "the arbitrator asks for evidence"),
    ("notice.fc_applied", "消费者申请先行赔付", "the consumer applied for first compensation"),
    ("notice.fc_contested", "商户对追偿提出异议", "the merchant contested the recovery"),
    ("notice.fc_paid", "先行赔付已支付", "first compensation was paid"),
    ("notice.fc_recovery", "基金已先行赔付并向商户追偿", "the fund paid the consumer and recovers the amount from the merchant"),
    ("notice.fc_refused", "先行赔付申请被驳回", "the first-compensation application was refused"),
    ("notice.filed", "您收到一件新投诉", "a new complaint against you"),
    ("notice.fulfilled", "商户表示已履行", "the merchant says it has fulfilled"),
    ("notice.handed_over", "案件已移交给您", "the case was handed over to you"),
    ("notice.message", "有新留言", "a new message"),
    ("notice.non_compliant", "商户未按期履行", "the merchant did not comply in time"),
    ("notice.non_compliant_fc", "商户未按期履行；您可以在案件页申请先行赔付", "the merchant did not comply in time; you may apply for first compensation on the case page"),
    ("notice.offer", "收到新的方案", "a new offer"),
    ("notice.offer_rejected", "方案被拒绝", "the offer was rejected"),
    ("notice.proposal", "收到调解方案", "a mediation proposal"),
    ("notice.proposal_accepted", "一方已接受调解方案", "a party accepted the proposal"),
    ("notice.proposal_rejected", "调解方案被拒绝", "the proposal was rejected"),
    ("notice.queued_arbitration", "有案件进入仲裁队列", "a case entered the arbitration queue"),
    ("notice.queued_mediation", "有案件进入调解队列", "a case entered the mediation queue"),
    ("notice.reminder", "期限将在一个工作日内到期", "a deadline ends within one working day"),
    ("notice.reopened", "消费者申请重新处理", "the consumer reopened the case"),
    ("notice.responded", "商户已回应", "the merchant responded"),
    ("notice.settled", "双方已达成和解", "the parties settled"),
    ("notice.taken", "调解员或仲裁员已受理", "a mediator or arbitrator took the case"),
    ("notice.to_arbitration", "案件已转入仲裁", "the case went to arbitration"),
    ("notice.withdrawn", "消费者已撤回投诉", "the consumer withdrew the complaint"),
    ("remedy.apology", "赔礼道歉", "apology"),
    ("remedy.compensation", "赔偿", "compensation"),
    ("remedy.refund", "退款", "refund"),
    ("remedy.repair", "维修", "repair"),
    ("remedy.replacement", "换货", "replacement"),
    ("role.admin", "管理员", "Admin"),
    ("role.arbitrator", "仲裁员", "Arbitrator"),
    ("role.consumer", "消费者", "Consumer"),
    ("role.fund_admin", "基金管理员", "Fund administrator"),
    ("role.mediator", "调解员", "Mediator"),
    ("role.merchant", "商户", "Merchant"),
    ("role.regulator", "监管部门", "Regulator"),
    ("role.system", "系统", "System"),
    ("search.none", "没有找到匹配的商户。", "No merchant matches."),
    ("search.results", "搜索结果", "Search results"),
    ("search.title", "商户查询", "Merchant search"),
    ("site.clock_fixed", "注意：系统时钟已固定（演示或测试），当前时间为", "Note: the clock is fixed (demo or test mode); it reads"),
    ("status.awaiting_merchant", "待商户回应", "awaiting the merchant"),
    ("status.closed", "已结案", "closed"),
    ("status.decided", "已裁决", "decided"),
    ("status.in_arbitration", "仲裁中", "in arbitration"),
    ("status.in_mediation", "调解中", "in mediation"),
    ("status.negotiating", "协商中", "negotiating"),
    ("status.non_compliant", "未履行", "not complied with"),
    ("status.settled", "已和解", "settled"),
    ("status.withdrawn", "已撤回", "withdrawn"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sorted_and_unique() {
        for w in TEXTS.windows(2) {
            assert!(w[0].0 < w[1].0, "{} must sort before {}", w[0].0, w[1].0);
        }
    }

    #[test]
    fn every_key_has_both_languages() {
        for (k, zh, en) in TEXTS {
            assert!(!zh.is_empty() && !en.is_empty(), "{k}");
        }
    }

    #[test]
    fn lookup_and_placeholders() {
        assert_eq!(t(Lang::Zh, "auth.login"), "登录");
        assert_eq!(t(Lang::En, "auth.login"), "Sign in");
        assert_eq!(t(Lang::En, "no.such.key"), "no.such.key");
        assert!(tf(Lang::En, "mail.verify.body", &["Li", "http://x/v"]).contains("Hello Li,\n"));
    }

    #[test]
    fn accept_language_prefers_the_first_supported() {
        assert_eq!(
            Lang::from_accept_language("fr-FR,en-US;q=0.8,zh;q=0.5"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language("zh-CN,zh;q=0.9"), Some(Lang::Zh));
        assert_eq!(Lang::from_accept_language("fr"), None);
    }
}
