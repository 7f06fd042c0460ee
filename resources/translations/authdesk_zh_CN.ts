<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ChecklistPanel</name>
    <message>
        <location filename="../../ui/checklist_panel.py" line="+52"/>
        <source>Checklist</source>
        <translation>审核要点</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>F2 to start · ↑↓ rows · %1 fine · %2 fails · %4 the rest fine · %3 zoom to it</source>
        <translation>F2 开始 · ↑↓ 选行 · %1 相符 · %2 不符 · %4 其余均相符 · %3 放大</translation>
    </message>
    <message>
        <location line="+118"/>
        <source>  (required)</source>
        <translation>（必核）</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>  (machine check)</source>
        <translation>（系统核对）</translation>
    </message>
</context>
<context>
    <name>DecisionBar</name>
    <message>
        <location filename="../../ui/decision_bar.py" line="+66"/>
        <source>Last 4 digits</source>
        <translation>末 4 位</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Message to the teller (optional; required for “Other”):</source>
        <translation>给柜员的留言（选填；选择“其他”时必填）：</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Your reason (at least %1 characters):</source>
        <translation>强制授权理由（至少 %1 个字）：</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>Approve despite the machine&apos;s findings (override): signed, recorded and always reviewed by the center lead</source>
        <translation>存在不一致时强制授权通过：将签名、记录，并一律由中心负责人复核</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>of the amount in figures (whole yuan)</source>
        <translation>小写金额（元的整数部分）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>of the payee&apos;s account number</source>
        <translation>收款人账号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>of the account number</source>
        <translation>账号</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Re-key from the voucher: type the last 4 digits %1 as written on it.   [Enter]   Back: [Esc]</source>
        <translation>按凭证复核录入：请照凭证填写%1的末 4 位。   [Enter]   返回：[Esc]</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>approve</source>
        <translation>授权通过</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>reject</source>
        <translation>拒绝授权</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>return</source>
        <translation>退回</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Override: enter your PIN to approve this item.   [Enter]   Back: [Esc]</source>
        <translation>强制授权：请输入密码以通过此笔业务。   [Enter]   返回：[Esc]</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Top authority level: enter your PIN to %1 this item.   [Enter]   Back: [Esc]</source>
        <translation>最高授权级别：请输入密码以%1此笔业务。   [Enter]   返回：[Esc]</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Reject: choose a reason</source>
        <translation>拒绝授权：请选择原因</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Return for correction: choose a reason</source>
        <translation>退回修改：请选择原因</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>(the failing checklist rows call for a reject)</source>
        <translation>（不符的审核要点应拒绝授权）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>(the failing checklist rows call for a return)</source>
        <translation>（不符的审核要点应退回修改）</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Delivered. Waiting for the next item…</source>
        <translation>已送达。等待下一笔业务…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Signing and sending…</source>
        <translation>正在签名提交…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>An image failed verification or cannot be shown: approval is blocked.</source>
        <translation>有影像未通过校验或无法显示：禁止授权通过。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The machine check found a disagreement: approval is blocked.</source>
        <translation>系统核对发现不一致，不能直接授权通过。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Answer the required checklist rows before approving (F2; Shift+Space: the rest fine).</source>
        <translation>授权通过前请先核对必核要点（F2；Shift+空格：其余均相符）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Loading evidence…</source>
        <translation>正在加载影像…</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Write why, in at least %1 characters.</source>
        <translation>请填写理由，至少 %1 个字。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>“Other” needs a message to the teller.</source>
        <translation>选择“其他”须填写给柜员的留言。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>That is not what the voucher says (%1 wrong). Look at it again.</source>
        <translation>与凭证不符（已错 %1 次）。请再核对凭证。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
</context>
<context>
    <name>ElementPanel</name>
    <message>
        <location filename="../../ui/element_panel.py" line="+74"/>
        <source>Elements: keyed, and on the image</source>
        <translation>要素比对：申请录入与影像所载</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Element</source>
        <translation>要素</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keyed</source>
        <translation>申请录入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On the image</source>
        <translation>影像所载</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Where</source>
        <translation>影像位置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check</source>
        <translation>比对</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
</context>
<context>
    <name>EvidenceWindow</name>
    <message>
        <location filename="../../ui/evidence_window.py" line="+24"/>
        <source>AuthDesk — Evidence — %1 (%2)</source>
        <translation>AuthDesk — 影像 — %2（%1）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>AuthDesk — Evidence — %1</source>
        <translation>AuthDesk — 影像 — %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Locked: no customer images are shown.</source>
        <translation>已锁屏：不显示任何客户影像。</translation>
    </message>
</context>
<context>
    <name>EvidenceWorkspace</name>
    <message>
        <location filename="../../ui/evidence/workspace.py" line="+100"/>
        <source>Sharpened</source>
        <translation>已锐化</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Magnifier</source>
        <translation>放大镜</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>ID photo</source>
        <translation>身份证照片</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>NEW · %1</source>
        <translation>新增 · %1</translation>
    </message>
    <message>
        <location line="+89"/>
        <source>No images attached</source>
        <translation>无附带影像</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+31"/>
        <source>Loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <location line="+119"/>
        <source>Counter camera %1</source>
        <translation>柜台摄像头 %1</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>G grabs the picture and puts it beside the ID photo.</source>
        <translation>按 G 截图并置于身份证照片旁。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 frame(s) kept with this decision.</source>
        <translation>本次决定已保存 %1 张截图。</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>left pane</source>
        <translation>左窗格</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>right pane</source>
        <translation>右窗格</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>  (preview, full resolution loading)</source>
        <translation>  （预览，正在加载原图）</translation>
    </message>
</context>
<context>
    <name>FindingBanner</name>
    <message>
        <location filename="../../ui/item_card.py" line="+52"/>
        <source>⚠ The machine check found a disagreement: approval is blocked.</source>
        <translation>⚠ 系统核对发现不一致，不能直接授权通过。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Teller system&apos;s report: %1</source>
        <translation>柜面系统报送：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reject %1 · Return %2 · approve anyway: %3, a written reason and your PIN</source>
        <translation>拒绝授权 %1 · 退回 %2 · 确需通过：%3，填写理由并再次输入密码</translation>
    </message>
</context>
<context>
    <name>HelpOverlay</name>
    <message>
        <location filename="../../ui/help_overlay.py" line="+29"/>
        <source>Keys  (F1 closes)</source>
        <translation>快捷键  （F1 关闭）</translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <location filename="../../ui/evidence/viewer.py" line="+254"/>
        <source> (fit)</source>
        <translation>（适合窗口）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>rotated %1°</source>
        <translation>旋转 %1°</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>mirrored left–right</source>
        <translation>左右镜像</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>mirrored top–bottom</source>
        <translation>上下镜像</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>brightness %1</source>
        <translation>亮度 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>contrast %1</source>
        <translation>对比度 %1</translation>
    </message>
</context>
<context>
    <name>ItemCard</name>
    <message>
        <location filename="../../ui/item_card.py" line="+65"/>
        <source>   URGENT</source>
        <translation>   加急</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 · %2 · teller %3 · request %4</source>
        <translation>%1 · %2 · 柜员 %3 · 申请 %4</translation>
    </message>
    <message>
        <location line="+7"/>
        <source> · re-dispatched (attempt %1)</source>
        <translation> · 重新派发（第 %1 次）</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Account name</source>
        <translation>户名</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Teller&apos;s note</source>
        <translation>柜员备注</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>双人授权 · Two approvals needed: you are the first; another authorizer approves after you.</source>
        <translation>双人授权 · 需两人授权通过：您是第一授权人，之后由另一名授权员授权。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>双人授权 · Second approval: %1 approved at %2. A reject or a return by you ends it.</source>
        <translation>双人授权 · 第二授权：%1 已于 %2 授权通过。您拒绝或退回修改即终止本笔授权。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Teller waiting %1</source>
        <translation>柜员已等待 %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>⚠ %1 of %2 images cannot be shown or failed their check</source>
        <translation>⚠ %2 张影像中有 %1 张无法显示或校验失败</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Images: %1 of %2 loaded…</source>
        <translation>影像：已加载 %1/%2…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Images: %1 of %2 verified (SHA-256) and shown ✓</source>
        <translation>影像：%1/%2 已校验（SHA-256）并显示 ✓</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Next item ready: %1</source>
        <translation>下一笔已就绪：%1</translation>
    </message>
</context>
<context>
    <name>LeadWindow</name>
    <message>
        <location filename="../../ui/lead/window.py" line="+134"/>
        <source>AuthDesk — Center lead — %1 (%2)</source>
        <translation>AuthDesk — 中心负责人 — %1（%2）</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Reviewer: the board and the statistics are the lead&apos;s.</source>
        <translation>复核人：中心看板和统计仅供中心负责人使用。</translation>
    </message>
    <message>
        <location line="+24"/>
        <location line="+13"/>
        <location line="+140"/>
        <location line="+337"/>
        <source>Type</source>
        <translation>业务类型</translation>
    </message>
    <message>
        <location line="-490"/>
        <location line="+13"/>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>In review</source>
        <translation>处理中</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Authorizer</source>
        <translation>授权员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On item</source>
        <translation>当前业务</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+139"/>
        <source>Request</source>
        <translation>申请编号</translation>
    </message>
    <message>
        <location line="-139"/>
        <location line="+2"/>
        <location line="+482"/>
        <source>Outlet</source>
        <translation>网点</translation>
    </message>
    <message>
        <location line="-482"/>
        <source>Timed out today</source>
        <translation>今日超时</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Queue by transaction type</source>
        <translation>各业务类型队列</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Authorizers</source>
        <translation>授权员</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Waits past the center&apos;s target</source>
        <translation>等待超时业务</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Outlets falling back to local authorization</source>
        <translation>转本地授权的网点</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Center board</source>
        <translation>中心看板</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>Plan and draw</source>
        <translation>抽样方案与抽取</translation>
    </message>
    <message>
        <location line="+19"/>
        <location line="+566"/>
        <source>From</source>
        <translation>开始日期</translation>
    </message>
    <message>
        <location line="-565"/>
        <location line="+567"/>
        <source>To</source>
        <translation>结束日期</translation>
    </message>
    <message>
        <location line="-566"/>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rate per category</source>
        <translation>各类抽样比例</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Minimum per authorizer</source>
        <translation>每名授权员最少笔数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tolerable error rate</source>
        <translation>可容忍差错率</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sample size</source>
        <translation>样本量</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Draw</source>
        <translation>抽取</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Re-run and compare</source>
        <translation>重新抽取并比对</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>request id to add by hand</source>
        <translation>手工添加的申请编号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>How</source>
        <translation>入样方式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reviewed by</source>
        <translation>复核人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finding</source>
        <translation>认定结果</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sample</source>
        <translation>抽样</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>%1 · %2 to %3 · seed %4</source>
        <translation>%1 · %2 至 %3 · 随机种子 %4</translation>
    </message>
    <message>
        <location line="+98"/>
        <source>Re-run: the same items ✓</source>
        <translation>重新抽取：样本一致 ✓</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Re-run: the items differ ✗</source>
        <translation>重新抽取：样本不一致 ✗</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Not a request id: letters, digits and . _ : - only.</source>
        <translation>不是有效的业务编号：只能包含字母、数字及 . _ : -。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Double-click an item of the sample to review it.</source>
        <translation>双击样本中的业务进行复核。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>1 · Your verdict (blind: the original is not shown)</source>
        <translation>1 · 您的结论（盲审：不显示原授权结果）</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>3 · Finding (差错认定)</source>
        <translation>3 · 差错认定</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No error</source>
        <translation>无差错</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Error</source>
        <translation>差错</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location line="-29"/>
        <location line="+31"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="-375"/>
        <source>Oldest wait</source>
        <translation>最长等待</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>For</source>
        <translation>本笔已用时</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decisions today</source>
        <translation>今日已处理</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Average viewing</source>
        <translation>笔均审核时长</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>Updated %1 · target %2 · %3 waiting past it</source>
        <translation>更新于 %1 · 等待时限 %2 · %3 笔已超时限</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Offline since %1</source>
        <translation>离线（自 %1 起）</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>%1 requests needed (if none has an error)</source>
        <translation>需抽取 %1 笔（若其中无差错）</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Sample %1: %2 of %3 approved requests · seed %4 · plan %5 · eligible %6</source>
        <translation>样本 %1：从 %3 笔已授权通过的业务中抽取 %2 笔 · 随机种子 %4 · 方案 %5 · 抽样范围 %6</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>The plan draws %1 of each transaction type (rounded up) and at least %2 per authorizer: %3 requests. To say with %4 confidence that the error rate is below %5, %6 requests without an error are needed.</source>
        <translation>按本方案，每类业务抽取 %1（向上取整），每名授权员至少 %2 笔，共 %3 笔。若要以 %4 的置信度判断差错率低于 %5，需抽查 %6 笔且均无差错。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>This sample is large enough.</source>
        <translation>本样本数量已足够。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Only %1 requests are eligible: review them all, or widen the days.</source>
        <translation>可抽业务仅 %1 笔：请全部复核，或扩大日期范围。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A rate of %1 would draw about that many.</source>
        <translation>抽样比例调至 %1 约可抽到该数量。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 %2</source>
        <translation>%1%2</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>— (an approval has no reason)</source>
        <translation>—（授权通过无需原因）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>your note (needed with “other”)</source>
        <translation>您的备注（选“其他”时必填）</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>2 · What the authorizer decided and saw</source>
        <translation>2 · 原授权结论及授权员当时所见</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Record the finding</source>
        <translation>记录认定结果</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Confirm the error (lead)</source>
        <translation>确认差错（主管）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not an error (lead)</source>
        <translation>不认定差错（主管）</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Re-review</source>
        <translation>复审</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Shown once your own verdict is recorded.</source>
        <translation>记录您的结论后显示。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Reviewing %1</source>
        <translation>正在复核 %1</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The request could not be shown.</source>
        <translation>无法显示该笔申请。</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Account</source>
        <translation>账户</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Teller</source>
        <translation>柜员</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>A rejection takes a reason R01–R99, a return T01–T99: choose it first.</source>
        <translation>拒绝授权须选择原因 R01–R99，退回修改须选择 T01–T99：请先选择原因。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A return takes a reason T01–T99: choose it first.</source>
        <translation>退回修改须选择原因 T01–T99：请先选择原因。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>“Other” needs your note.</source>
        <translation>选择“其他”时须填写备注。</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>the same</source>
        <translation>一致</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>DIFFERENT</source>
        <translation>不一致</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your verdict: %1 · the original: %2 · %3</source>
        <translation>您的结论：%1 · 原结论：%2 · %3</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>The checklist as the authorizer ticked it:</source>
        <translation>授权员勾选的审核要点：</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Not ticked: no row of the checklist was ticked.</source>
        <translation>未勾选任何审核要点。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The center&apos;s re-check:</source>
        <translation>中心复核检查：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no finding</source>
        <translation>未发现问题</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Machine reading by %1, %2:</source>
        <translation>影像识别（识别服务 %1），%2：</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>No machine reading of its images.</source>
        <translation>该笔业务的影像无识别结果。</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>%1 by %2</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 — %2 (recorded by %3)</source>
        <translation>%1 — %2（认定人 %3）</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The finding is settled.</source>
        <translation>该认定已办结。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Only the center lead confirms a finding of error.</source>
        <translation>差错认定只能由中心负责人确认。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>You recorded this finding: a second person must confirm it.</source>
        <translation>此认定由您本人记录，须由另一人确认。</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>Average viewing by authorizer (s)</source>
        <translation>各授权员笔均审核时长（秒）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Outcomes of the decided requests (%)</source>
        <translation>已处理业务的授权结论（%）</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Vigilance tests: items with a known defect from the lead&apos;s signed pack, caught when not approved</source>
        <translation>警觉性测试：中心负责人签发的预设问题业务，拒绝授权或退回修改即为检出</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Requests %1 · decided %2 · still open %3 · ended without a verdict %4</source>
        <translation>业务 %1 笔 · 已处理 %2 笔 · 未办结 %3 笔 · 未经授权结束 %4 笔</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Of the decided: approved %1 · rejected %2 · returned %3 · approved past the machine&apos;s findings %4</source>
        <translation>已处理业务中：授权通过 %1 · 拒绝授权 %2 · 退回修改 %3 · 越过系统核对结果强制授权 %4 笔</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>笔均授权时间 %1 (submitted → decided) · peak hours %2 · test items %3 (counted in no figure)</source>
        <translation>笔均授权时间 %1（提交 → 授权完成）· 高峰时段 %2 · 测试业务 %3 笔（不计入业务统计）</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>submitted → first on an authorizer&apos;s screen</source>
        <translation>柜员提交 → 首次显示在授权员屏幕上</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>dispatched → on screen (in the workstation&apos;s prefetch)</source>
        <translation>派发 → 显示在屏幕上（在工作站预取中等候）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>on screen → decided</source>
        <translation>显示在屏幕上 → 作出结论</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>first approval → on the second approver&apos;s screen</source>
        <translation>第一人授权通过 → 显示在第二授权人屏幕上</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>returned → the teller&apos;s resubmission</source>
        <translation>退回修改 → 柜员重新提交</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>The report could not be written: %1</source>
        <translation>报告无法写入：%1</translation>
    </message>
    <message>
        <location line="-478"/>
        <source>loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <location line="+127"/>
        <source>%1 — %2, %3</source>
        <translation>%1 — %2，%3</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>shown to the authorizer</source>
        <translation>已向授权员显示</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>not named by the decision (arrived after it, or not shown)</source>
        <translation>决定中未引用（结果晚于决定到达，或未显示）</translation>
    </message>
    <message>
        <location line="+94"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Part of 笔均授权时间</source>
        <translation>笔均授权时间构成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>From → to</source>
        <translation>起 → 止</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Average</source>
        <translation>平均</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Requests measured</source>
        <translation>计入笔数</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Requests by hour of day</source>
        <translation>各时段申请量</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Where the time goes (s)</source>
        <translation>耗时构成（秒）</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Category / authorizer</source>
        <translation>类别 / 授权员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reviews</source>
        <translation>复审笔数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Agree</source>
        <translation>一致笔数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Agreement</source>
        <translation>一致率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Confirmed errors</source>
        <translation>确认差错</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Re-review: blind verdicts against the original</source>
        <translation>复审：盲审结论与原授权结论比对</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Repeat findings (two or more confirmed errors): %1</source>
        <translation>重复差错（确认差错两次及以上）：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="+88"/>
        <source>Refresh the statistics first.</source>
        <translation>请先刷新统计。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Export the report</source>
        <translation>导出报表</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Written: %1</source>
        <translation>已写入：%1</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../ui/lock.py" line="+162"/>
        <source>Locked</source>
        <translation>已锁屏</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Nothing is sent to you while the screen is locked.   Sign out: %1</source>
        <translation>锁屏期间不会向您分配业务。   签退：%1</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="+84"/>
        <source>AuthDesk — Remote authorization — %1 (%2)</source>
        <translation>AuthDesk — 远程授权 — %1（%2）</translation>
    </message>
</context>
<context>
    <name>PinPrompt</name>
    <message>
        <location filename="../../ui/lock.py" line="-72"/>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
</context>
<context>
    <name>ResubmissionPanel</name>
    <message>
        <location filename="../../ui/resubmission_panel.py" line="+41"/>
        <source>Element</source>
        <translation>要素</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Original</source>
        <translation>原申请</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Now</source>
        <translation>本次申请</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>you (%1)</source>
        <translation>本人（%1）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Resubmission of request %1, returned by %2 at %3</source>
        <translation>重新提交 · 原申请 %1（%2 于 %3 退回）</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Returned for: %1 — “%2”</source>
        <translation>退回原因：%1 —— “%2”</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Returned for: %1</source>
        <translation>退回原因：%1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No element changed and no new image: what it was returned for may remain.</source>
        <translation>柜员未修改任何要素，也未补充新影像：退回的问题可能仍然存在。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No element changed: only the images are new.</source>
        <translation>要素未修改，仅影像有变动。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 new (marked NEW among the images)</source>
        <translation>新增影像 %1 张（缩略图已标注“新增”）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 of the original&apos;s withdrawn</source>
        <translation>原申请中 %1 张影像已删除</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Images: %1</source>
        <translation>影像：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Images: the same as the original&apos;s</source>
        <translation>影像：与原申请相同</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>  (differs in spaces or encoding only)</source>
        <translation>（仅空格或字符编码不同，显示相同）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>… %1 more changes not listed</source>
        <translation>……另有 %1 项修改未列出</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../ui/signin.py" line="+72"/>
        <source>AuthDesk — Sign in</source>
        <translation>AuthDesk — 登录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remote authorization workstation</source>
        <translation>远程授权工作站</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authorizer ID</source>
        <translation>授权员工号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Demo: sign in as %1 (%2) with PIN %3.</source>
        <translation>演示：请以 %1（%2）登录，密码 %3。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Enter your authorizer ID and PIN.</source>
        <translation>请输入授权员工号和密码。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
</context>
<context>
    <name>StatusStrip</name>
    <message>
        <location filename="../../ui/status_strip.py" line="+74"/>
        <source>● Connected</source>
        <translation>● 已连接</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>○ Disconnected</source>
        <translation>○ 已断开</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Available</source>
        <translation>在岗</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Away (F12)</source>
        <translation>暂离（F12）</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Waiting: %1</source>
        <translation>排队：%1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Oldest: %1</source>
        <translation>最长等待：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>My items today: %1</source>
        <translation>本人今日笔数：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>My average: %1</source>
        <translation>本人笔均用时：%1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Center: not set up (no receipt key)</source>
        <translation>中心：未配置（无回执密钥）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Center refused our records (%1): call IT</source>
        <translation>中心拒收本机记录（%1）：请联系科技人员</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Center: up to date</source>
        <translation>中心：已同步</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 events not yet at the center, since %2</source>
        <translation>自 %2 起有 %1 条事件未上送中心</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> (center not reachable)</source>
        <translation>（无法连接中心）</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Taken back: %1</source>
        <translation>已收回：%1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Local authorization at: %1</source>
        <translation>转本地授权网点：%1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>✓ %1 delivered %2</source>
        <translation>✓ %1 已于 %2 送达</translation>
    </message>
</context>
<context>
    <name>VideoPane</name>
    <message>
        <location filename="../../ui/evidence/video_pane.py" line="+169"/>
        <source>No item on screen</source>
        <translation>当前无业务</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No counter camera for this item</source>
        <translation>此笔业务无柜台摄像头</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>LIVE  %1  ·  %2 fps  ·  %3 ms old</source>
        <translation>实时  %1  ·  %2 帧/秒  ·  延迟 %3 毫秒</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Camera %1 stopped sending: no current picture</source>
        <translation>摄像头 %1 已停止传输：无当前画面</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Camera %1 sends unreadable pictures</source>
        <translation>摄像头 %1 画面无法解析</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Connecting to camera %1…</source>
        <translation>正在连接摄像头 %1…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 unreadable frames dropped</source>
        <translation>已丢弃 %1 帧无法解析的画面</translation>
    </message>
</context>
<context>
    <name>WorkstationApp</name>
    <message>
        <location filename="../../app/workstation.py" line="+202"/>
        <source>Signed out.</source>
        <translation>已签退。</translation>
    </message>
</context>
<context>
    <name>actions</name>
    <message>
        <location filename="../../ui/actions.py" line="+79"/>
        <source>Approve</source>
        <translation>授权通过</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Approve despite the findings (override)…</source>
        <translation>强制授权通过…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reject…</source>
        <translation>拒绝授权…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Return for correction…</source>
        <translation>退回修改…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign and send</source>
        <translation>确认提交</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Go to the checklist</source>
        <translation>转到审核要点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Checklist: row is fine, then the next row</source>
        <translation>审核要点：此项相符，转下一项</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Checklist: row fails (pre-fills the reason), then the next row</source>
        <translation>审核要点：此项不符（预填原因），转下一项</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Checklist: every row not yet answered is fine</source>
        <translation>审核要点：其余未核项均相符</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Checklist: zoom to the row&apos;s place on the image</source>
        <translation>审核要点：放大至本项在影像上的位置</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Next image</source>
        <translation>下一张影像</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Previous image</source>
        <translation>上一张影像</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fit to window</source>
        <translation>适合窗口</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Actual size (1:1)</source>
        <translation>实际大小（1:1）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pan left</source>
        <translation>向左平移</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pan right</source>
        <translation>向右平移</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pan up</source>
        <translation>向上平移</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pan down</source>
        <translation>向下平移</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rotate 90° clockwise</source>
        <translation>顺时针旋转 90°</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rotate 90° anticlockwise</source>
        <translation>逆时针旋转 90°</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mirror left–right</source>
        <translation>左右镜像</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mirror top–bottom</source>
        <translation>上下镜像</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Brighter</source>
        <translation>提高亮度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Darker</source>
        <translation>降低亮度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>More contrast</source>
        <translation>提高对比度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Less contrast</source>
        <translation>降低对比度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sharpen on / off</source>
        <translation>锐化 开 / 关</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Magnifier on / off</source>
        <translation>放大镜 开 / 关</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Compare two images side by side</source>
        <translation>两张影像并排比对</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Switch the pane the keys act on</source>
        <translation>切换按键作用的窗格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reset the view</source>
        <translation>重置视图</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Grab the camera frame and put it beside the ID photo</source>
        <translation>截取摄像头画面并置于身份证照片旁</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Show / hide these keys</source>
        <translation>显示 / 隐藏快捷键</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Larger text</source>
        <translation>放大文字</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Smaller text</source>
        <translation>缩小文字</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dark / light colours</source>
        <translation>深色 / 浅色主题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Away / available</source>
        <translation>暂离 / 在岗</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lock the screen (your items go back to the queue)</source>
        <translation>锁屏（您手中的业务退回队列）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Decide</source>
        <translation>授权决定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Checklist</source>
        <translation>审核要点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Images</source>
        <translation>影像</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Counter camera</source>
        <translation>柜台摄像头</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Session</source>
        <translation>会话</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Space</source>
        <translation>空格</translation>
    </message>
</context>
<context>
    <name>lead</name>
    <message>
        <location filename="../../ui/lead/words.py" line="+22"/>
        <source>The center refused the request.</source>
        <translation>授权中心拒绝了该请求。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Only the center lead may do this.</source>
        <translation>此操作仅限中心负责人。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Blind review: record your own verdict first; the original is shown after it.</source>
        <translation>盲审：请先提交您本人的复审结论，之后才显示原授权结果。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A finding of error is confirmed by a second person, not by the one who recorded it.</source>
        <translation>差错认定须由另一人确认，不能由认定人本人确认。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Your verdict on this item is already recorded.</source>
        <translation>您对该笔业务的复审结论已提交。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This item already has a finding.</source>
        <translation>该笔业务已有差错认定。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A finding of error needs its category.</source>
        <translation>认定为差错须选择差错类别。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The category “other” (E99) needs a note.</source>
        <translation>差错类别“其他”（E99）须填写说明。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A rejection takes an R reason code, a return a T code, an approval none.</source>
        <translation>拒绝授权须选择 R 类原因，退回修改须选择 T 类原因，授权通过不选原因。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The reason “other” (R99, T99) needs a note.</source>
        <translation>原因为“其他”（R99、T99）时须填写备注。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This finding is no longer awaiting confirmation.</source>
        <translation>该差错认定已不在待确认状态。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>There is no such sample at the center.</source>
        <translation>授权中心没有该样本。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This request is not in the sample.</source>
        <translation>该笔业务不在本样本中。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>There is no such request at the center.</source>
        <translation>授权中心没有该笔业务。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This item has no finding yet.</source>
        <translation>该笔业务尚无差错认定。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This is a vigilance test item: it counts in the detection rates, not in 抽查复审.</source>
        <translation>这是一笔警觉性测试业务：计入检出率统计，不纳入抽查复审。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The center did not answer. Try again; if it persists, call IT.</source>
        <translation>授权中心无响应。请重试；如持续出现，请联系科技部门。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The center could not read the request (a field is not valid).</source>
        <translation>授权中心无法识别该请求（有字段无效）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The center does not know this operation (versions differ?).</source>
        <translation>授权中心不支持该操作（版本不一致？）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>You may not do this.</source>
        <translation>您无权进行此操作。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your signing key is not known at the center. Call IT.</source>
        <translation>授权中心不认可您的签名密钥。请联系科技部门。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The center refused the request&apos;s signature. Call IT.</source>
        <translation>授权中心拒绝了该请求的签名。请联系科技部门。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This computer&apos;s clock is wrong; the center refuses. Call IT.</source>
        <translation>本机时钟不准，授权中心拒绝受理。请联系科技部门。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The center refused the request as a replay. Try again.</source>
        <translation>授权中心判定该请求为重放，已拒绝。请重试。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This was recorded already.</source>
        <translation>已提交过，无需重复。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This can no longer be done in its present state.</source>
        <translation>当前状态下已无法进行此操作。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A reason is required.</source>
        <translation>须填写原因。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The center has no such item.</source>
        <translation>授权中心没有该笔业务。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The image is not at the center.</source>
        <translation>授权中心没有该影像。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The image failed its integrity check.</source>
        <translation>影像完整性校验未通过。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The answer was too large.</source>
        <translation>返回数据过大。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The center cannot write its database. Call IT.</source>
        <translation>授权中心数据库无法写入。请联系科技部门。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Available</source>
        <translation>在岗</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Away</source>
        <translation>暂离</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Screen locked</source>
        <translation>已锁屏</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed out</source>
        <translation>已签退</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not known yet</source>
        <translation>尚未获知</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Approved</source>
        <translation>授权通过</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rejected</source>
        <translation>拒绝授权</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Returned</source>
        <translation>退回修改</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Timed out</source>
        <translation>超时</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancelled</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authorized locally</source>
        <translation>网点本地授权</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In review</source>
        <translation>处理中</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Approve</source>
        <translation>授权通过</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reject</source>
        <translation>拒绝授权</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Return</source>
        <translation>退回修改</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Queue wait</source>
        <translation>排队等待</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Prefetch hold</source>
        <translation>预取等候</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Viewing</source>
        <translation>审核</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Second-approver wait</source>
        <translation>等待第二授权人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Teller rework</source>
        <translation>柜员修改</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Drawn</source>
        <translation>随机抽取</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Minimum per authorizer</source>
        <translation>每人最少抽取</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Added by hand</source>
        <translation>手工添加</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Always reviewed</source>
        <translation>必查</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No error</source>
        <translation>无差错</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Error</source>
        <translation>差错</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Final</source>
        <translation>已办结</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Awaiting a second person</source>
        <translation>待另一人确认</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Confirmed</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not confirmed</source>
        <translation>不予确认</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>A signature of the request or a decision does not verify</source>
        <translation>申请或授权结论的签名验证不通过</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A decision was signed for another request</source>
        <translation>授权结论签署的是另一笔申请</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>An image differs from the one the request names</source>
        <translation>影像与申请所列的影像不符</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A rule of authority was broken (own request, level, or two approvers)</source>
        <translation>违反授权规则（本人业务、授权级别或双人授权）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The decider is not in the directory</source>
        <translation>授权人不在人员名录中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decided without the PIN the authority level requires</source>
        <translation>未按授权级别要求再次输入密码即作出结论</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Approved past the machine&apos;s mismatch without a signed override</source>
        <translation>系统核对不一致，未经签名的强制授权即授权通过</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The decision names a machine reading the broker never kept</source>
        <translation>授权结论引用的影像识别结果在分发端无记录</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The signed record is not valid</source>
        <translation>签名记录无效</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A problem the re-check found</source>
        <translation>复核检查发现的问题</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>amount differs</source>
        <translation>金额不符</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>words and figures differ</source>
        <translation>大小写金额不符</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>account differs</source>
        <translation>账号不符</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>name differs</source>
        <translation>户名不符</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>wrong ID number</source>
        <translation>证件号码有误</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ID expired</source>
        <translation>证件过期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>wrong date</source>
        <translation>日期非当日</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no seal</source>
        <translation>未盖章</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no signature</source>
        <translation>客户未签名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>other defect</source>
        <translation>其他问题</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>* fewer than %1 test items: not yet a firm figure; read it with its interval</source>
        <translation>* 测试业务不足 %1 笔：检出率尚不稳定，请结合置信区间判读</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Authorizer</source>
        <translation>授权员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Test items decided</source>
        <translation>已处理测试笔数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Caught</source>
        <translation>检出笔数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Detection rate</source>
        <translation>检出率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>95% interval</source>
        <translation>95% 置信区间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Missed</source>
        <translation>漏检明细</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Re-review agreement</source>
        <translation>复审一致率</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>%1 of %2 reviews</source>
        <translation>%1（复审 %2 笔）</translation>
    </message>
</context>
<context>
    <name>report</name>
    <message>
        <location filename="../../ui/lead/report.py" line="+171"/>
        <source>Authorization center report</source>
        <translation>授权中心报告</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Period %1 to %2 · generated %3</source>
        <translation>统计期间 %1 至 %2 · 生成于 %3</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The figures</source>
        <translation>主要指标</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Figure</source>
        <translation>指标</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+87"/>
        <source>Requests</source>
        <translation>业务笔数</translation>
    </message>
    <message>
        <location line="-86"/>
        <source>Decided by an authorizer</source>
        <translation>经授权员处理</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Still open (not in the rates)</source>
        <translation>未办结（不计入比率）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Ended without a verdict (timed out, cancelled, local)</source>
        <translation>未经授权结束（超时、撤销、网点本地授权）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Approved, of the decided</source>
        <translation>授权通过（占已处理）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Rejected, of the decided</source>
        <translation>拒绝授权（占已处理）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Returned, of the decided</source>
        <translation>退回修改（占已处理）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Approved past the machine&apos;s findings</source>
        <translation>越过系统核对结果强制授权</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>笔均授权时间 (submitted → decided)</source>
        <translation>笔均授权时间（提交 → 授权完成）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Peak hours</source>
        <translation>高峰时段</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Vigilance test items (counted in no figure)</source>
        <translation>警觉性测试业务（不计入业务统计）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Where the time goes</source>
        <translation>授权时间构成</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Part</source>
        <translation>环节</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Average</source>
        <translation>平均</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Requests measured</source>
        <translation>计入笔数</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Charts</source>
        <translation>图表</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>By authorizer</source>
        <translation>按授权员</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+147"/>
        <source>Authorizer</source>
        <translation>授权员</translation>
    </message>
    <message>
        <location line="-146"/>
        <source>Decisions</source>
        <translation>处理笔数</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+23"/>
        <source>Approved</source>
        <translation>授权通过</translation>
    </message>
    <message>
        <location line="-22"/>
        <source>Rejected</source>
        <translation>拒绝授权</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Returned</source>
        <translation>退回修改</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Average viewing</source>
        <translation>笔均审核时长</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>By outlet</source>
        <translation>按网点</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+124"/>
        <source>Outlet</source>
        <translation>网点</translation>
    </message>
    <message>
        <location line="-122"/>
        <source>Decided</source>
        <translation>已处理</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>笔均授权时间</source>
        <translation>笔均授权时间</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Vigilance tests</source>
        <translation>警觉性测试</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Items with a known defect from the lead&apos;s signed test pack, slipped into the queue among real requests; caught when not approved. The interval is the Wilson 95% interval.</source>
        <translation>取自中心负责人签名测试包、带已知缺陷的业务，混入真实业务排队派发；未予授权通过即为检出。区间为按威尔逊得分法计算的 95% 置信区间。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Sample re-review (抽查复审)</source>
        <translation>抽查复审</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sample %1 · seed %2 · plan %3 · %4 items of %5 eligible</source>
        <translation>样本 %1 · 随机种子 %2 · 方案 %3 · 从 %5 笔中抽取 %4 笔</translation>
    </message>
    <message>
        <location line="+14"/>
        <location line="+32"/>
        <location line="+35"/>
        <source>Request</source>
        <translation>申请编号</translation>
    </message>
    <message>
        <location line="-66"/>
        <location line="+67"/>
        <source>Type</source>
        <translation>业务类型</translation>
    </message>
    <message>
        <location line="-66"/>
        <source>How</source>
        <translation>入样方式</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+30"/>
        <source>Decided by</source>
        <translation>原授权员</translation>
    </message>
    <message>
        <location line="-29"/>
        <source>Original</source>
        <translation>原结论</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re-review verdicts</source>
        <translation>复审结论</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+28"/>
        <source>Finding</source>
        <translation>认定结果</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>not reviewed yet</source>
        <translation>尚未复审</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Findings</source>
        <translation>差错认定</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recorded by</source>
        <translation>认定人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Confirmed by</source>
        <translation>确认人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>No finding recorded yet.</source>
        <translation>尚无认定记录。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Typical rejected cases</source>
        <translation>典型拒绝案例</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Reviewer (复核人)</source>
        <translation>复核人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Center lead (中心负责人)</source>
        <translation>中心负责人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sign-off</source>
        <translation>签字确认</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Authorization center report %1 to %2</source>
        <translation>授权中心报告 %1 至 %2</translation>
    </message>
</context>
<context>
    <name>texts</name>
    <message>
        <location filename="../../ui/texts.py" line="+20"/>
        <source>Large cash withdrawal</source>
        <translation>大额取现</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Transfer</source>
        <translation>转账</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reversal</source>
        <translation>冲正</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password reset</source>
        <translation>密码重置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Loss report</source>
        <translation>挂失</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Account opening</source>
        <translation>开户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Account closing</source>
        <translation>销户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cash-box override</source>
        <translation>尾箱超限</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Voucher elements incomplete</source>
        <translation>凭证要素不全</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Amount does not match the voucher</source>
        <translation>金额与凭证不符</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Account name does not match</source>
        <translation>户名不符</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seal or signature does not match</source>
        <translation>印鉴或签名不符</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ID document invalid or expired</source>
        <translation>身份证件无效或已过期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Customer does not match the ID photo</source>
        <translation>客户与证件照片不符</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exceeds authority / needs a higher level</source>
        <translation>超出权限 / 需上级授权</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Suspected fraud</source>
        <translation>疑似欺诈</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+5"/>
        <source>Other (explain)</source>
        <translation>其他（请说明）</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Voucher needs correction</source>
        <translation>凭证需更正</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Image unreadable, rescan</source>
        <translation>影像不清，请重新扫描</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Supporting document missing</source>
        <translation>缺少证明材料</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Amount in words and figures differ</source>
        <translation>大小写金额不一致</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Payee</source>
        <translation>收款人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Payee account</source>
        <translation>收款账号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Purpose</source>
        <translation>用途</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Original transaction</source>
        <translation>原交易</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Original time</source>
        <translation>原交易时间</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Amount in figures</source>
        <translation>小写金额</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Amount in words (大写)</source>
        <translation>大写金额</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+7"/>
        <location line="+52"/>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <location line="-58"/>
        <location line="+59"/>
        <source>Account name</source>
        <translation>户名</translation>
    </message>
    <message>
        <location line="-58"/>
        <source>Name on the ID</source>
        <translation>证件姓名</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Voucher date</source>
        <translation>凭证日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+4"/>
        <source>ID valid until</source>
        <translation>证件有效期至</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>ID number on the card</source>
        <translation>身份证上的号码</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cash-box number</source>
        <translation>尾箱号</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Machine reading</source>
        <translation>影像识别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Teller system</source>
        <translation>柜面系统</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Machine reading by %1 (%2): %3 elements disagree, %4 could not be read (“?”). The teller system&apos;s rows are its own report, not a reading.</source>
        <translation>影像识别（识别服务 %1，%2）：%3 项要素不一致，%4 项无法识别（“?”）。“柜面系统”各行为柜面系统自行报送的内容，并非识别结果。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The machine reading of the images is under way and appears here when it arrives. Until then the rows are the teller system&apos;s own report, not a reading.</source>
        <translation>影像识别进行中，结果到达后显示于此。在此之前，各行为柜面系统自行报送的内容，并非识别结果。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The machine check is unavailable for this item: no reader read its images. The rows are the teller system&apos;s own report, not a reading: check every element yourself.</source>
        <translation>此笔业务暂无影像识别：没有识别服务读取其影像。各行为柜面系统自行报送的内容，并非识别结果，请逐项亲自核对。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Transaction type</source>
        <translation>业务类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Currency</source>
        <translation>币种</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>ID type</source>
        <translation>证件类型</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Teller&apos;s note</source>
        <translation>柜员备注</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>today (%1)</source>
        <translation>当日（%1）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>after today (%1)</source>
        <translation>晚于当日（%1）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The decision&apos;s signature was refused.</source>
        <translation>决定的签名被拒绝。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Your signing key is not known to the broker. Call branch IT.</source>
        <translation>远程授权平台无法识别您的签名密钥。请联系分行科技人员。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This item is no longer assigned to you.</source>
        <translation>此笔业务已不再分配给您。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This item was already decided.</source>
        <translation>此笔业务已处理。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The teller cancelled this item or it timed out.</source>
        <translation>柜员已撤销此笔业务或业务已超时。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The decision was refused as a replay.</source>
        <translation>该决定被判定为重放，已拒绝。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This computer&apos;s clock is wrong; decisions are refused. Call branch IT.</source>
        <translation>本机时钟不准确，决定被拒绝。请联系分行科技人员。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A reason is required.</source>
        <translation>必须选择原因。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>An image failed its integrity check. Do not approve.</source>
        <translation>有影像未通过完整性校验。请勿授权通过。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>An image is missing at the broker.</source>
        <translation>远程授权平台缺少影像。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The local audit cache cannot be written (disk full?). Nothing was sent.</source>
        <translation>无法写入本地审计缓存（磁盘已满？）。未发送任何内容。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The key store is not available or not secure.</source>
        <translation>密钥库不可用或不安全。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Unknown authorizer or wrong PIN.</source>
        <translation>授权员不存在或密码错误。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Too many wrong PINs: signing in is locked for a while.</source>
        <translation>密码错误次数过多：登录已暂时锁定。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This item is at the top authority level: enter your PIN again to decide it.</source>
        <translation>此笔业务属最高授权级别：请再次输入密码后处理。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The machine check found a disagreement on this item: it can be approved only by an override (Shift+F9), with a written reason and your PIN. Nothing was sent.</source>
        <translation>系统核对发现此笔业务存在不一致：只能强制授权通过（Shift+F9），须填写理由并再次输入密码。未发送任何内容。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The machine reading of this item arrived after you looked: look at the elements again before approving. Nothing was sent.</source>
        <translation>您查看后此笔业务的影像识别结果才到达：请重新核对要素后再授权。未发送任何内容。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This item is outside your authority (level, type or amount limit). Nothing was sent.</source>
        <translation>此笔业务超出您的权限（级别、类型或金额限额）。未发送任何内容。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The request changed after it was shown to you: the decision was refused.</source>
        <translation>申请内容在您审核期间已变更，本次授权结论未被受理。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The broker does not know this item any more.</source>
        <translation>远程授权平台中已无此笔业务。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>You are not signed in at the broker: sign in again.</source>
        <translation>您未在远程授权平台登录：请重新登录。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The broker cannot be reached.</source>
        <translation>无法连接远程授权平台。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This item was sent to you again while you decided: look at it again. Nothing was sent.</source>
        <translation>您处理期间此笔业务被重新发送：请重新查看。未发送任何内容。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Refused by the broker: %1</source>
        <translation>远程授权平台拒绝：%1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Too many wrong PINs: locked until %1. Ask the center lead if it is urgent.</source>
        <translation>密码错误次数过多：锁定至 %1。如有急需，请联系中心负责人。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Wrong PIN. %1 more wrong and you are locked out.</source>
        <translation>密码错误。再错 %1 次将被锁定。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>the amount on the voucher is not the keyed amount</source>
        <translation>凭证金额与录入金额不符</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the amount in words and the amount in figures disagree on the voucher</source>
        <translation>凭证上大写金额与小写金额不符</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the account number on the voucher is not the keyed one</source>
        <translation>凭证账号与录入账号不符</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>a name on the voucher or the ID card is not the keyed name</source>
        <translation>凭证或身份证上的姓名与录入户名不符</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the ID number or its check digit is wrong</source>
        <translation>证件号码或其校验位有误</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the ID card has expired</source>
        <translation>身份证已过有效期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the voucher is dated another day</source>
        <translation>凭证日期不是当日</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the voucher carries no seal</source>
        <translation>凭证未加盖印章</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the customer did not sign</source>
        <translation>客户未签名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a defect described by the center lead</source>
        <translation>中心负责人预设的问题</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Vigilance test: item %1 was a test set by the center lead, not a teller&apos;s request. Its defect: %2. You did not approve it: caught ✓</source>
        <translation>警觉性测试：业务 %1 是中心负责人设置的测试业务，并非柜员提交的真实业务。预设问题：%2。您未授权通过，已检出 ✓</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Vigilance test: item %1 was a test set by the center lead, not a teller&apos;s request. Its defect: %2. You approved it: missed ✗. No money moved.</source>
        <translation>警觉性测试：业务 %1 是中心负责人设置的测试业务，并非柜员提交的真实业务。预设问题：%2。您已授权通过，未检出 ✗。本笔为测试业务，未发生实际资金变动。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The teller cancelled this request.</source>
        <translation>柜员已撤销此申请。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The teller&apos;s wait ran out; the request timed out.</source>
        <translation>柜员等待时间已到，申请已超时。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>You held this item too long; it went back to the queue.</source>
        <translation>您占用此笔业务时间过长，已退回队列。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This item was decided elsewhere.</source>
        <translation>此笔业务已在别处处理。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This item went to another authorizer.</source>
        <translation>此笔业务已转给其他授权员。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your screen locked: the item went back to the queue.</source>
        <translation>您已锁屏：业务已退回队列。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The outlet authorized this request locally (本地授权): nothing left to decide.</source>
        <translation>网点已对此申请进行本地授权：无需再处理。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This item could not be recorded in the local audit cache and was given back.</source>
        <translation>此笔业务无法记入本地审计缓存，已退回队列。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>⚠ This image failed its integrity check (SHA-256): it may have been altered. It is not shown and the item cannot be approved.</source>
        <translation>⚠ 此影像未通过完整性校验（SHA-256），可能已被篡改。不予显示，且此笔业务不能授权通过。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>⚠ The broker no longer has this image.</source>
        <translation>⚠ 远程授权平台中已无此影像。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>⚠ The teller sent an empty image file. Return for a rescan.</source>
        <translation>⚠ 柜员发送的影像文件为空。请退回重新扫描。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>⚠ This file is not a JPEG or PNG image. Return for a rescan.</source>
        <translation>⚠ 此文件不是 JPEG 或 PNG 影像。请退回重新扫描。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>⚠ This image file is cut short: part of the scan is missing. Return for a rescan.</source>
        <translation>⚠ 此影像文件不完整：部分扫描内容缺失。请退回重新扫描。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>⚠ This image file is damaged and cannot be shown.</source>
        <translation>⚠ 此影像文件已损坏，无法显示。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>⚠ This image is too large to open safely (more than 60 million pixels).</source>
        <translation>⚠ 此影像过大，无法安全打开（超过 6000 万像素）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>⚠ This image is a thin strip or a few pixels across: it cannot be a scan of the document. Return for a rescan.</source>
        <translation>⚠ 此影像为细长条或仅有几个像素宽，不可能是凭证的扫描件。请退回重新扫描。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>⚠ This item&apos;s images are too large together to open safely (more than 80 million pixels). Return for a rescan at a lower resolution.</source>
        <translation>⚠ 本笔业务的影像合计过大，无法安全打开（超过 8000 万像素）。请退回，以较低分辨率重新扫描。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>⚠ This image is blank: a single flat colour, nothing on it to check. Return for a rescan.</source>
        <translation>⚠ 此影像为空白：整幅为单一颜色，没有可审核的内容。请退回重新扫描。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>⚠ This image cannot be shown (%1).</source>
        <translation>⚠ 此影像无法显示（%1）。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Authority level 1</source>
        <translation>一级授权</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authority level 2</source>
        <translation>二级授权</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authority level 3</source>
        <translation>三级授权</translation>
    </message>
    <message>
        <location line="+3"/>
        <source> (top: PIN again)</source>
        <translation>（最高级：须再次输入密码）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>dual authorization (two authorizers)</source>
        <translation>双人授权</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>single authorization</source>
        <translation>单人授权</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>asked because the amount is at or over the teller&apos;s limit of %1</source>
        <translation>原因：金额达到或超过柜员权限 %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>asked because this transaction type always needs remote authorization</source>
        <translation>原因：此类业务一律须远程授权</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Approval refused: %1</source>
        <translation>不能授权通过：%1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Approval refused: the images are not all verified and shown yet.</source>
        <translation>不能授权通过：影像尚未全部校验并显示。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Approval refused. The machine check found: %1 Reject or return the item, or override with %2.</source>
        <translation>不能授权通过。系统核对发现：%1 请拒绝授权或退回，或按 %2 强制授权。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Approval refused: answer these checklist rows first (F2): %1.</source>
        <translation>不能授权通过：请先核对以下审核要点（F2）：%1。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Approval refused: you marked a checklist row as failing.</source>
        <translation>不能授权通过：您已将一项审核要点标为不符。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Approval is not possible now.</source>
        <translation>当前不能授权通过。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Machine reading: the voucher&apos;s amount in words and in figures disagree (%1).</source>
        <translation>影像识别：凭证大写金额与小写金额不一致（%1）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Machine reading: the keyed ID number %1 has a wrong check digit.</source>
        <translation>影像识别：录入的证件号码 %1 校验位错误。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Machine reading: the voucher is dated “%1”, not today.</source>
        <translation>影像识别：凭证日期为“%1”，非当日。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Machine reading: the ID card&apos;s validity (“%1”) has ended.</source>
        <translation>影像识别：身份证有效期（“%1”）已届满。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Machine reading: the ID card is not valid yet (“%1”).</source>
        <translation>影像识别：身份证尚未生效（“%1”）。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Machine reading: %1 reads “%2”, the request says %3.</source>
        <translation>影像识别：%1识别为“%2”，申请中为 %3。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Voucher</source>
        <translation>凭证</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ID card, front</source>
        <translation>身份证正面</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ID card, back</source>
        <translation>身份证背面</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Photo</source>
        <translation>照片</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Other document</source>
        <translation>其他资料</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Counter camera</source>
        <translation>柜台摄像</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The voucher</source>
        <translation>凭证</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The ID card</source>
        <translation>身份证</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 shows %2, the request says %3.</source>
        <translation>%1上为 %2，申请中为 %3。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The ID card expired on %1.</source>
        <translation>身份证已于 %1 过期。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The voucher is dated %1, not today.</source>
        <translation>凭证日期为 %1，非当日。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>account number</source>
        <translation>账号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>The machine reading arrived and disagrees with the request: approval stops. Look at the elements marked ✗.</source>
        <translation>影像识别结果已到达，与申请不一致：不能直接授权通过。请查看标有 ✗ 的要素。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The teller&apos;s request changed: look at it again.</source>
        <translation>柜员的申请已更改，请重新审核。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Lost the connection to the branch broker; reconnecting… The item in hand stays on screen.</source>
        <translation>与远程授权平台的连接已断开，正在重新连接……当前业务仍保留在屏幕上。</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Decisions from before the restart were not applied — %1</source>
        <translation>重启前提交的授权结论未被受理：%1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Decisions from before the restart were delivered: %1</source>
        <translation>重启前提交的授权结论已送达：%1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>You are away: no items are sent to you.
Press F12 when you are back.</source>
        <translation>您已暂离：不会向您分配业务。
返回后请按 F12。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Connecting to the branch broker…</source>
        <translation>正在连接远程授权平台…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting for the next item…</source>
        <translation>等待下一笔业务…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sign out? Press Ctrl+Shift+Q again to sign out; the items you hold go back to the queue.</source>
        <translation>确认签退？再按一次 Ctrl+Shift+Q 即签退，您手中的业务将退回队列。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Locked after a while without input.</source>
        <translation>长时间无操作，已自动锁屏。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>You locked the screen.</source>
        <translation>您已锁屏。</translation>
    </message>
    <message>
        <location line="-547"/>
        <location line="+59"/>
        <location line="+381"/>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>teller</source>
        <translation>柜员</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 shows %2 %3, the request says %4.</source>
        <translation>%1上的%2为 %3，申请中为 %4。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Transaction elements not checked</source>
        <translation>要素审核不严</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Image does not match the elements</source>
        <translation>影像与要素不符</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Identity not verified</source>
        <translation>身份核实不到位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Beyond the authorizer&apos;s authority</source>
        <translation>超权限授权</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Approved what should have been refused</source>
        <translation>应拒绝而通过</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason or message inadequate</source>
        <translation>原因或留言不当</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Other (see the note)</source>
        <translation>其他（见备注）</translation>
    </message>
</context>
</TS>
