<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
    <context>
        <name>ChecklistPanel</name>
        <message>
            <location filename="../../ui/checklist_panel.py" line="+52" />
            <source>Checklist</source>
            <translation>Checklist</translation>
        </message>
        <message>
            <location line="+2" />
            <source>F2 to start · ↑↓ rows · %1 fine · %2 fails · %4 the rest fine · %3 zoom to it</source>
            <translation>F2 to start · ↑↓ rows · %1 fine · %2 fails · %4 the rest fine · %3 zoom to it</translation>
        </message>
        <message>
            <location line="+118" />
            <source>  (required)</source>
            <translation>  (required)</translation>
        </message>
        <message>
            <location line="-1" />
            <source>  (machine check)</source>
            <translation>  (machine check)</translation>
        </message>
    </context>
    <context>
        <name>DecisionBar</name>
        <message>
            <location filename="../../ui/decision_bar.py" line="+66" />
            <source>Last 4 digits</source>
            <translation>Last 4 digits</translation>
        </message>
        <message>
            <location line="+26" />
            <source>Message to the teller (optional; required for “Other”):</source>
            <translation>Message to the teller (optional; required for “Other”):</translation>
        </message>
        <message>
            <location line="+38" />
            <source>Your reason (at least %1 characters):</source>
            <translation>Your reason (at least %1 characters):</translation>
        </message>
        <message>
            <location line="+74" />
            <source>Approve despite the machine's findings (override): signed, recorded and always reviewed by the center lead</source>
            <translation>Approve despite the machine's findings (override): signed, recorded and always reviewed by the center lead</translation>
        </message>
        <message>
            <location line="+12" />
            <source>of the amount in figures (whole yuan)</source>
            <translation>of the amount in figures (whole yuan)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>of the payee's account number</source>
            <translation>of the payee's account number</translation>
        </message>
        <message>
            <location line="+1" />
            <source>of the account number</source>
            <translation>of the account number</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Re-key from the voucher: type the last 4 digits %1 as written on it.   [Enter]   Back: [Esc]</source>
            <translation>Re-key from the voucher: type the last 4 digits %1 as written on it.   [Enter]   Back: [Esc]</translation>
        </message>
        <message>
            <location line="+7" />
            <source>approve</source>
            <translation>approve</translation>
        </message>
        <message>
            <location line="+1" />
            <source>reject</source>
            <translation>reject</translation>
        </message>
        <message>
            <location line="+1" />
            <source>return</source>
            <translation>return</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Override: enter your PIN to approve this item.   [Enter]   Back: [Esc]</source>
            <translation>Override: enter your PIN to approve this item.   [Enter]   Back: [Esc]</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Top authority level: enter your PIN to %1 this item.   [Enter]   Back: [Esc]</source>
            <translation>Top authority level: enter your PIN to %1 this item.   [Enter]   Back: [Esc]</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Reject: choose a reason</source>
            <translation>Reject: choose a reason</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Return for correction: choose a reason</source>
            <translation>Return for correction: choose a reason</translation>
        </message>
        <message>
            <location line="+4" />
            <source>(the failing checklist rows call for a reject)</source>
            <translation>(the failing checklist rows call for a reject)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>(the failing checklist rows call for a return)</source>
            <translation>(the failing checklist rows call for a return)</translation>
        </message>
        <message>
            <location line="+17" />
            <source>Delivered. Waiting for the next item…</source>
            <translation>Delivered. Waiting for the next item…</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Signing and sending…</source>
            <translation>Signing and sending…</translation>
        </message>
        <message>
            <location line="+3" />
            <source>An image failed verification or cannot be shown: approval is blocked.</source>
            <translation>An image failed verification or cannot be shown: approval is blocked.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The machine check found a disagreement: approval is blocked.</source>
            <translation>The machine check found a disagreement: approval is blocked.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Answer the required checklist rows before approving (F2; Shift+Space: the rest fine).</source>
            <translation>Answer the required checklist rows before approving (F2; Shift+Space: the rest fine).</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Loading evidence…</source>
            <translation>Loading evidence…</translation>
        </message>
        <message>
            <location line="+21" />
            <source>Write why, in at least %1 characters.</source>
            <translation>Write why, in at least %1 characters.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>“Other” needs a message to the teller.</source>
            <translation>“Other” needs a message to the teller.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>That is not what the voucher says (%1 wrong). Look at it again.</source>
            <translation>That is not what the voucher says (%1 wrong). Look at it again.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Checking…</source>
            <translation>Checking…</translation>
        </message>
    </context>
    <context>
        <name>ElementPanel</name>
        <message>
            <location filename="../../ui/element_panel.py" line="+74" />
            <source>Elements: keyed, and on the image</source>
            <translation>Elements: keyed, and on the image</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Element</source>
            <translation>Element</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Keyed</source>
            <translation>Keyed</translation>
        </message>
        <message>
            <location line="+1" />
            <source>On the image</source>
            <translation>On the image</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Where</source>
            <translation>Where</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Check</source>
            <translation>Check</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Source</source>
            <translation>Source</translation>
        </message>
    </context>
    <context>
        <name>EvidenceWindow</name>
        <message>
            <location filename="../../ui/evidence_window.py" line="+24" />
            <source>AuthDesk — Evidence — %1 (%2)</source>
            <translation>AuthDesk — Evidence — %1 (%2)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>AuthDesk — Evidence — %1</source>
            <translation>AuthDesk — Evidence — %1</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Locked: no customer images are shown.</source>
            <translation>Locked: no customer images are shown.</translation>
        </message>
    </context>
    <context>
        <name>EvidenceWorkspace</name>
        <message>
            <location filename="../../ui/evidence/workspace.py" line="+100" />
            <source>Sharpened</source>
            <translation>Sharpened</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Magnifier</source>
            <translation>Magnifier</translation>
        </message>
        <message>
            <location line="+33" />
            <source>ID photo</source>
            <translation>ID photo</translation>
        </message>
        <message>
            <location line="+56" />
            <source>NEW · %1</source>
            <translation>NEW · %1</translation>
        </message>
        <message>
            <location line="+89" />
            <source>No images attached</source>
            <translation>No images attached</translation>
        </message>
        <message>
            <location line="+6" />
            <location line="+31" />
            <source>Loading…</source>
            <translation>Loading…</translation>
        </message>
        <message>
            <location line="+119" />
            <source>Counter camera %1</source>
            <translation>Counter camera %1</translation>
        </message>
        <message>
            <location line="+26" />
            <source>G grabs the picture and puts it beside the ID photo.</source>
            <translation>G grabs the picture and puts it beside the ID photo.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>%1 frame(s) kept with this decision.</source>
            <translation>%1 frame(s) kept with this decision.</translation>
        </message>
        <message>
            <location line="+25" />
            <source>left pane</source>
            <translation>left pane</translation>
        </message>
        <message>
            <location line="+0" />
            <source>right pane</source>
            <translation>right pane</translation>
        </message>
        <message>
            <location line="+5" />
            <source>  (preview, full resolution loading)</source>
            <translation>  (preview, full resolution loading)</translation>
        </message>
    </context>
    <context>
        <name>FindingBanner</name>
        <message>
            <location filename="../../ui/item_card.py" line="+52" />
            <source>⚠ The machine check found a disagreement: approval is blocked.</source>
            <translation>⚠ The machine check found a disagreement: approval is blocked.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Teller system's report: %1</source>
            <translation>Teller system's report: %1</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Reject %1 · Return %2 · approve anyway: %3, a written reason and your PIN</source>
            <translation>Reject %1 · Return %2 · approve anyway: %3, a written reason and your PIN</translation>
        </message>
    </context>
    <context>
        <name>HelpOverlay</name>
        <message>
            <location filename="../../ui/help_overlay.py" line="+29" />
            <source>Keys  (F1 closes)</source>
            <translation>Keys  (F1 closes)</translation>
        </message>
    </context>
    <context>
        <name>ImageViewer</name>
        <message>
            <location filename="../../ui/evidence/viewer.py" line="+254" />
            <source> (fit)</source>
            <translation> (fit)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>rotated %1°</source>
            <translation>rotated %1°</translation>
        </message>
        <message>
            <location line="+2" />
            <source>mirrored left–right</source>
            <translation>mirrored left–right</translation>
        </message>
        <message>
            <location line="+2" />
            <source>mirrored top–bottom</source>
            <translation>mirrored top–bottom</translation>
        </message>
        <message>
            <location line="+3" />
            <source>brightness %1</source>
            <translation>brightness %1</translation>
        </message>
        <message>
            <location line="+2" />
            <source>contrast %1</source>
            <translation>contrast %1</translation>
        </message>
    </context>
    <context>
        <name>ItemCard</name>
        <message>
            <location filename="../../ui/item_card.py" line="+65" />
            <source>   URGENT</source>
            <translation>   URGENT</translation>
        </message>
        <message>
            <location line="+3" />
            <source>%1 · %2 · teller %3 · request %4</source>
            <translation>%1 · %2 · teller %3 · request %4</translation>
        </message>
        <message>
            <location line="+7" />
            <source> · re-dispatched (attempt %1)</source>
            <translation> · re-dispatched (attempt %1)</translation>
        </message>
        <message>
            <location line="+15" />
            <source>Account</source>
            <translation>Account</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Account name</source>
            <translation>Account name</translation>
        </message>
        <message>
            <location line="+2" />
            <source>ID number</source>
            <translation>ID number</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Teller's note</source>
            <translation>Teller's note</translation>
        </message>
        <message>
            <location line="+30" />
            <source>双人授权 · Two approvals needed: you are the first; another authorizer approves after you.</source>
            <translation>双人授权 · Two approvals needed: you are the first; another authorizer approves after you.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>双人授权 · Second approval: %1 approved at %2. A reject or a return by you ends it.</source>
            <translation>双人授权 · Second approval: %1 approved at %2. A reject or a return by you ends it.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Teller waiting %1</source>
            <translation>Teller waiting %1</translation>
        </message>
        <message>
            <location line="+9" />
            <source>⚠ %1 of %2 images cannot be shown or failed their check</source>
            <translation>⚠ %1 of %2 images cannot be shown or failed their check</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Images: %1 of %2 loaded…</source>
            <translation>Images: %1 of %2 loaded…</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Images: %1 of %2 verified (SHA-256) and shown ✓</source>
            <translation>Images: %1 of %2 verified (SHA-256) and shown ✓</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Next item ready: %1</source>
            <translation>Next item ready: %1</translation>
        </message>
    </context>
    <context>
        <name>LeadWindow</name>
        <message>
            <location filename="../../ui/lead/window.py" line="+134" />
            <source>AuthDesk — Center lead — %1 (%2)</source>
            <translation>AuthDesk — Center lead — %1 (%2)</translation>
        </message>
        <message>
            <location line="+35" />
            <source>Reviewer: the board and the statistics are the lead's.</source>
            <translation>Reviewer: the board and the statistics are the lead's.</translation>
        </message>
        <message>
            <location line="+24" />
            <location line="+13" />
            <location line="+140" />
            <location line="+337" />
            <source>Type</source>
            <translation>Type</translation>
        </message>
        <message>
            <location line="-490" />
            <location line="+13" />
            <source>Waiting</source>
            <translation>Waiting</translation>
        </message>
        <message>
            <location line="-13" />
            <source>In review</source>
            <translation>In review</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Authorizer</source>
            <translation>Authorizer</translation>
        </message>
        <message>
            <location line="+1" />
            <source>State</source>
            <translation>State</translation>
        </message>
        <message>
            <location line="+1" />
            <source>On item</source>
            <translation>On item</translation>
        </message>
        <message>
            <location line="+7" />
            <location line="+139" />
            <source>Request</source>
            <translation>Request</translation>
        </message>
        <message>
            <location line="-139" />
            <location line="+2" />
            <location line="+482" />
            <source>Outlet</source>
            <translation>Outlet</translation>
        </message>
        <message>
            <location line="-482" />
            <source>Timed out today</source>
            <translation>Timed out today</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Queue by transaction type</source>
            <translation>Queue by transaction type</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Authorizers</source>
            <translation>Authorizers</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Waits past the center's target</source>
            <translation>Waits past the center's target</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Outlets falling back to local authorization</source>
            <translation>Outlets falling back to local authorization</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Center board</source>
            <translation>Center board</translation>
        </message>
        <message>
            <location line="+74" />
            <source>Plan and draw</source>
            <translation>Plan and draw</translation>
        </message>
        <message>
            <location line="+19" />
            <location line="+566" />
            <source>From</source>
            <translation>From</translation>
        </message>
        <message>
            <location line="-565" />
            <location line="+567" />
            <source>To</source>
            <translation>To</translation>
        </message>
        <message>
            <location line="-566" />
            <source>Seed</source>
            <translation>Seed</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Rate per category</source>
            <translation>Rate per category</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Minimum per authorizer</source>
            <translation>Minimum per authorizer</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Confidence</source>
            <translation>Confidence</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Tolerable error rate</source>
            <translation>Tolerable error rate</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Sample size</source>
            <translation>Sample size</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Draw</source>
            <translation>Draw</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Re-run and compare</source>
            <translation>Re-run and compare</translation>
        </message>
        <message>
            <location line="+2" />
            <source>request id to add by hand</source>
            <translation>request id to add by hand</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Add</source>
            <translation>Add</translation>
        </message>
        <message>
            <location line="+17" />
            <source>How</source>
            <translation>How</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Weight</source>
            <translation>Weight</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Amount (yuan)</source>
            <translation>Amount (yuan)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Reviewed by</source>
            <translation>Reviewed by</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Finding</source>
            <translation>Finding</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Sample</source>
            <translation>Sample</translation>
        </message>
        <message>
            <location line="+34" />
            <source>%1 · %2 to %3 · seed %4</source>
            <translation>%1 · %2 to %3 · seed %4</translation>
        </message>
        <message>
            <location line="+98" />
            <source>Re-run: the same items ✓</source>
            <translation>Re-run: the same items ✓</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Re-run: the items differ ✗</source>
            <translation>Re-run: the items differ ✗</translation>
        </message>
        <message>
            <location line="+13" />
            <source>Not a request id: letters, digits and . _ : - only.</source>
            <translation>Not a request id: letters, digits and . _ : - only.</translation>
        </message>
        <message>
            <location line="+22" />
            <source>Double-click an item of the sample to review it.</source>
            <translation>Double-click an item of the sample to review it.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>1 · Your verdict (blind: the original is not shown)</source>
            <translation>1 · Your verdict (blind: the original is not shown)</translation>
        </message>
        <message>
            <location line="+25" />
            <source>3 · Finding (差错认定)</source>
            <translation>3 · Finding (差错认定)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>No error</source>
            <translation>No error</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Error</source>
            <translation>Error</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Category</source>
            <translation>Category</translation>
        </message>
        <message>
            <location line="-29" />
            <location line="+31" />
            <source>Note</source>
            <translation>Note</translation>
        </message>
        <message>
            <location line="-375" />
            <source>Oldest wait</source>
            <translation>Oldest wait</translation>
        </message>
        <message>
            <location line="+7" />
            <source>For</source>
            <translation>For</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Decisions today</source>
            <translation>Decisions today</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Average viewing</source>
            <translation>Average viewing</translation>
        </message>
        <message>
            <location line="+71" />
            <source>Updated %1 · target %2 · %3 waiting past it</source>
            <translation>Updated %1 · target %2 · %3 waiting past it</translation>
        </message>
        <message>
            <location line="+13" />
            <source>Offline since %1</source>
            <translation>Offline since %1</translation>
        </message>
        <message>
            <location line="+75" />
            <source>%1 requests needed (if none has an error)</source>
            <translation>%1 requests needed (if none has an error)</translation>
        </message>
        <message>
            <location line="+50" />
            <source>Sample %1: %2 of %3 approved requests · seed %4 · plan %5 · eligible %6</source>
            <translation>Sample %1: %2 of %3 approved requests · seed %4 · plan %5 · eligible %6</translation>
        </message>
        <message>
            <location line="+46" />
            <source>The plan draws %1 of each transaction type (rounded up) and at least %2 per authorizer: %3 requests. To say with %4 confidence that the error rate is below %5, %6 requests without an error are needed.</source>
            <translation>The plan draws %1 of each transaction type (rounded up) and at least %2 per authorizer: %3 requests. To say with %4 confidence that the error rate is below %5, %6 requests without an error are needed.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>This sample is large enough.</source>
            <translation>This sample is large enough.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Only %1 requests are eligible: review them all, or widen the days.</source>
            <translation>Only %1 requests are eligible: review them all, or widen the days.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>A rate of %1 would draw about that many.</source>
            <translation>A rate of %1 would draw about that many.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>%1 %2</source>
            <translation>%1 %2</translation>
        </message>
        <message>
            <location line="+53" />
            <source>— (an approval has no reason)</source>
            <translation>— (an approval has no reason)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Reason</source>
            <translation>Reason</translation>
        </message>
        <message>
            <location line="+1" />
            <source>your note (needed with “other”)</source>
            <translation>your note (needed with “other”)</translation>
        </message>
        <message>
            <location line="+11" />
            <source>2 · What the authorizer decided and saw</source>
            <translation>2 · What the authorizer decided and saw</translation>
        </message>
        <message>
            <location line="+22" />
            <source>Record the finding</source>
            <translation>Record the finding</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Confirm the error (lead)</source>
            <translation>Confirm the error (lead)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Not an error (lead)</source>
            <translation>Not an error (lead)</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Re-review</source>
            <translation>Re-review</translation>
        </message>
        <message>
            <location line="+21" />
            <source>Shown once your own verdict is recorded.</source>
            <translation>Shown once your own verdict is recorded.</translation>
        </message>
        <message>
            <location line="+15" />
            <source>Reviewing %1</source>
            <translation>Reviewing %1</translation>
        </message>
        <message>
            <location line="+17" />
            <source>The request could not be shown.</source>
            <translation>The request could not be shown.</translation>
        </message>
        <message>
            <location line="+41" />
            <source>%1: %2</source>
            <translation>%1: %2</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Amount</source>
            <translation>Amount</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Account</source>
            <translation>Account</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Teller</source>
            <translation>Teller</translation>
        </message>
        <message>
            <location line="+12" />
            <source>A rejection takes a reason R01–R99, a return T01–T99: choose it first.</source>
            <translation>A rejection takes a reason R01–R99, a return T01–T99: choose it first.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>A return takes a reason T01–T99: choose it first.</source>
            <translation>A return takes a reason T01–T99: choose it first.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>“Other” needs your note.</source>
            <translation>“Other” needs your note.</translation>
        </message>
        <message>
            <location line="+25" />
            <source>the same</source>
            <translation>the same</translation>
        </message>
        <message>
            <location line="+0" />
            <source>DIFFERENT</source>
            <translation>DIFFERENT</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Your verdict: %1 · the original: %2 · %3</source>
            <translation>Your verdict: %1 · the original: %2 · %3</translation>
        </message>
        <message>
            <location line="+18" />
            <source>The checklist as the authorizer ticked it:</source>
            <translation>The checklist as the authorizer ticked it:</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Not ticked: no row of the checklist was ticked.</source>
            <translation>Not ticked: no row of the checklist was ticked.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The center's re-check:</source>
            <translation>The center's re-check:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>no finding</source>
            <translation>no finding</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Machine reading by %1, %2:</source>
            <translation>Machine reading by %1, %2:</translation>
        </message>
        <message>
            <location line="+11" />
            <source>No machine reading of its images.</source>
            <translation>No machine reading of its images.</translation>
        </message>
        <message>
            <location line="+31" />
            <source>%1 by %2</source>
            <translation>%1 by %2</translation>
        </message>
        <message>
            <location line="+8" />
            <source>%1 — %2 (recorded by %3)</source>
            <translation>%1 — %2 (recorded by %3)</translation>
        </message>
        <message>
            <location line="+13" />
            <source>The finding is settled.</source>
            <translation>The finding is settled.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Only the center lead confirms a finding of error.</source>
            <translation>Only the center lead confirms a finding of error.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>You recorded this finding: a second person must confirm it.</source>
            <translation>You recorded this finding: a second person must confirm it.</translation>
        </message>
        <message>
            <location line="+55" />
            <source>Average viewing by authorizer (s)</source>
            <translation>Average viewing by authorizer (s)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Outcomes of the decided requests (%)</source>
            <translation>Outcomes of the decided requests (%)</translation>
        </message>
        <message>
            <location line="+32" />
            <source>Vigilance tests: items with a known defect from the lead's signed pack, caught when not approved</source>
            <translation>Vigilance tests: items with a known defect from the lead's signed pack, caught when not approved</translation>
        </message>
        <message>
            <location line="+57" />
            <source>Requests %1 · decided %2 · still open %3 · ended without a verdict %4</source>
            <translation>Requests %1 · decided %2 · still open %3 · ended without a verdict %4</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Of the decided: approved %1 · rejected %2 · returned %3 · approved past the machine's findings %4</source>
            <translation>Of the decided: approved %1 · rejected %2 · returned %3 · approved past the machine's findings %4</translation>
        </message>
        <message>
            <location line="+8" />
            <source>笔均授权时间 %1 (submitted → decided) · peak hours %2 · test items %3 (counted in no figure)</source>
            <translation>笔均授权时间 %1 (submitted → decided) · peak hours %2 · test items %3 (counted in no figure)</translation>
        </message>
        <message>
            <location line="+49" />
            <source>submitted → first on an authorizer's screen</source>
            <translation>submitted → first on an authorizer's screen</translation>
        </message>
        <message>
            <location line="+1" />
            <source>dispatched → on screen (in the workstation's prefetch)</source>
            <translation>dispatched → on screen (in the workstation's prefetch)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>on screen → decided</source>
            <translation>on screen → decided</translation>
        </message>
        <message>
            <location line="+1" />
            <source>first approval → on the second approver's screen</source>
            <translation>first approval → on the second approver's screen</translation>
        </message>
        <message>
            <location line="+1" />
            <source>returned → the teller's resubmission</source>
            <translation>returned → the teller's resubmission</translation>
        </message>
        <message>
            <location line="+40" />
            <source>The report could not be written: %1</source>
            <translation>The report could not be written: %1</translation>
        </message>
        <message>
            <location line="-478" />
            <source>loading…</source>
            <translation>loading…</translation>
        </message>
        <message>
            <location line="+127" />
            <source>%1 — %2, %3</source>
            <translation>%1 — %2, %3</translation>
        </message>
        <message>
            <location line="+25" />
            <source>shown to the authorizer</source>
            <translation>shown to the authorizer</translation>
        </message>
        <message>
            <location line="+2" />
            <source>not named by the decision (arrived after it, or not shown)</source>
            <translation>not named by the decision (arrived after it, or not shown)</translation>
        </message>
        <message>
            <location line="+94" />
            <source>Refresh</source>
            <translation>Refresh</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Export PDF…</source>
            <translation>Export PDF…</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Export CSV…</source>
            <translation>Export CSV…</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Part of 笔均授权时间</source>
            <translation>Part of 笔均授权时间</translation>
        </message>
        <message>
            <location line="+1" />
            <source>From → to</source>
            <translation>From → to</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Average</source>
            <translation>Average</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Requests measured</source>
            <translation>Requests measured</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Requests by hour of day</source>
            <translation>Requests by hour of day</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Where the time goes (s)</source>
            <translation>Where the time goes (s)</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Category / authorizer</source>
            <translation>Category / authorizer</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Reviews</source>
            <translation>Reviews</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Agree</source>
            <translation>Agree</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Agreement</source>
            <translation>Agreement</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Confirmed errors</source>
            <translation>Confirmed errors</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Re-review: blind verdicts against the original</source>
            <translation>Re-review: blind verdicts against the original</translation>
        </message>
        <message>
            <location line="+20" />
            <source>Statistics</source>
            <translation>Statistics</translation>
        </message>
        <message>
            <location line="+29" />
            <source>Repeat findings (two or more confirmed errors): %1</source>
            <translation>Repeat findings (two or more confirmed errors): %1</translation>
        </message>
        <message>
            <location line="+1" />
            <source>none</source>
            <translation>none</translation>
        </message>
        <message>
            <location line="+88" />
            <source>Refresh the statistics first.</source>
            <translation>Refresh the statistics first.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Export the report</source>
            <translation>Export the report</translation>
        </message>
        <message>
            <location line="+23" />
            <source>Written: %1</source>
            <translation>Written: %1</translation>
        </message>
    </context>
    <context>
        <name>LockScreen</name>
        <message>
            <location filename="../../ui/lock.py" line="+162" />
            <source>Locked</source>
            <translation>Locked</translation>
        </message>
        <message>
            <location line="+5" />
            <source>PIN</source>
            <translation>PIN</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Unlock</source>
            <translation>Unlock</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Nothing is sent to you while the screen is locked.   Sign out: %1</source>
            <translation>Nothing is sent to you while the screen is locked.   Sign out: %1</translation>
        </message>
        <message>
            <location line="+29" />
            <source>Checking…</source>
            <translation>Checking…</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <location filename="../../ui/main_window.py" line="+84" />
            <source>AuthDesk — Remote authorization — %1 (%2)</source>
            <translation>AuthDesk — Remote authorization — %1 (%2)</translation>
        </message>
    </context>
    <context>
        <name>PinPrompt</name>
        <message>
            <location filename="../../ui/lock.py" line="-72" />
            <source>PIN</source>
            <translation>PIN</translation>
        </message>
    </context>
    <context>
        <name>ResubmissionPanel</name>
        <message>
            <location filename="../../ui/resubmission_panel.py" line="+41" />
            <source>Element</source>
            <translation>Element</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Original</source>
            <translation>Original</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Now</source>
            <translation>Now</translation>
        </message>
        <message>
            <location line="+20" />
            <source>you (%1)</source>
            <translation>you (%1)</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Resubmission of request %1, returned by %2 at %3</source>
            <translation>Resubmission of request %1, returned by %2 at %3</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Returned for: %1 — “%2”</source>
            <translation>Returned for: %1 — “%2”</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Returned for: %1</source>
            <translation>Returned for: %1</translation>
        </message>
        <message>
            <location line="+8" />
            <source>No element changed and no new image: what it was returned for may remain.</source>
            <translation>No element changed and no new image: what it was returned for may remain.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>No element changed: only the images are new.</source>
            <translation>No element changed: only the images are new.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>%1 new (marked NEW among the images)</source>
            <translation>%1 new (marked NEW among the images)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>%1 of the original's withdrawn</source>
            <translation>%1 of the original's withdrawn</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Images: %1</source>
            <translation>Images: %1</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Images: the same as the original's</source>
            <translation>Images: the same as the original's</translation>
        </message>
        <message>
            <location line="+11" />
            <source>  (differs in spaces or encoding only)</source>
            <translation>  (differs in spaces or encoding only)</translation>
        </message>
        <message>
            <location line="+6" />
            <source>… %1 more changes not listed</source>
            <translation>… %1 more changes not listed</translation>
        </message>
    </context>
    <context>
        <name>SignInDialog</name>
        <message>
            <location filename="../../ui/signin.py" line="+72" />
            <source>AuthDesk — Sign in</source>
            <translation>AuthDesk — Sign in</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Remote authorization workstation</source>
            <translation>Remote authorization workstation</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Authorizer ID</source>
            <translation>Authorizer ID</translation>
        </message>
        <message>
            <location line="+1" />
            <source>PIN</source>
            <translation>PIN</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Sign in</source>
            <translation>Sign in</translation>
        </message>
        <message>
            <location line="+22" />
            <source>Demo: sign in as %1 (%2) with PIN %3.</source>
            <translation>Demo: sign in as %1 (%2) with PIN %3.</translation>
        </message>
        <message>
            <location line="+20" />
            <source>Enter your authorizer ID and PIN.</source>
            <translation>Enter your authorizer ID and PIN.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Checking…</source>
            <translation>Checking…</translation>
        </message>
    </context>
    <context>
        <name>StatusStrip</name>
        <message>
            <location filename="../../ui/status_strip.py" line="+74" />
            <source>● Connected</source>
            <translation>● Connected</translation>
        </message>
        <message>
            <location line="+0" />
            <source>○ Disconnected</source>
            <translation>○ Disconnected</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Available</source>
            <translation>Available</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Away (F12)</source>
            <translation>Away (F12)</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Waiting: %1</source>
            <translation>Waiting: %1</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Oldest: %1</source>
            <translation>Oldest: %1</translation>
        </message>
        <message>
            <location line="+1" />
            <source>My items today: %1</source>
            <translation>My items today: %1</translation>
        </message>
        <message>
            <location line="+2" />
            <source>My average: %1</source>
            <translation>My average: %1</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Center: not set up (no receipt key)</source>
            <translation>Center: not set up (no receipt key)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Center refused our records (%1): call IT</source>
            <translation>Center refused our records (%1): call IT</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Center: up to date</source>
            <translation>Center: up to date</translation>
        </message>
        <message>
            <location line="+6" />
            <source>%1 events not yet at the center, since %2</source>
            <translation>%1 events not yet at the center, since %2</translation>
        </message>
        <message>
            <location line="+5" />
            <source> (center not reachable)</source>
            <translation> (center not reachable)</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Taken back: %1</source>
            <translation>Taken back: %1</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Local authorization at: %1</source>
            <translation>Local authorization at: %1</translation>
        </message>
        <message>
            <location line="+9" />
            <source>✓ %1 delivered %2</source>
            <translation>✓ %1 delivered %2</translation>
        </message>
    </context>
    <context>
        <name>VideoPane</name>
        <message>
            <location filename="../../ui/evidence/video_pane.py" line="+169" />
            <source>No item on screen</source>
            <translation>No item on screen</translation>
        </message>
        <message>
            <location line="+3" />
            <source>No counter camera for this item</source>
            <translation>No counter camera for this item</translation>
        </message>
        <message>
            <location line="+4" />
            <source>LIVE  %1  ·  %2 fps  ·  %3 ms old</source>
            <translation>LIVE  %1  ·  %2 fps  ·  %3 ms old</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Camera %1 stopped sending: no current picture</source>
            <translation>Camera %1 stopped sending: no current picture</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Camera %1 sends unreadable pictures</source>
            <translation>Camera %1 sends unreadable pictures</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Connecting to camera %1…</source>
            <translation>Connecting to camera %1…</translation>
        </message>
        <message>
            <location line="+3" />
            <source>%1 unreadable frames dropped</source>
            <translation>%1 unreadable frames dropped</translation>
        </message>
    </context>
    <context>
        <name>WorkstationApp</name>
        <message>
            <location filename="../../app/workstation.py" line="+202" />
            <source>Signed out.</source>
            <translation>Signed out.</translation>
        </message>
    </context>
    <context>
        <name>actions</name>
        <message>
            <location filename="../../ui/actions.py" line="+79" />
            <source>Approve</source>
            <translation>Approve</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Approve despite the findings (override)…</source>
            <translation>Approve despite the findings (override)…</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Reject…</source>
            <translation>Reject…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Return for correction…</source>
            <translation>Return for correction…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Sign and send</source>
            <translation>Sign and send</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Cancel</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Go to the checklist</source>
            <translation>Go to the checklist</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Checklist: row is fine, then the next row</source>
            <translation>Checklist: row is fine, then the next row</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Checklist: row fails (pre-fills the reason), then the next row</source>
            <translation>Checklist: row fails (pre-fills the reason), then the next row</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Checklist: every row not yet answered is fine</source>
            <translation>Checklist: every row not yet answered is fine</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Checklist: zoom to the row's place on the image</source>
            <translation>Checklist: zoom to the row's place on the image</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Next image</source>
            <translation>Next image</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Previous image</source>
            <translation>Previous image</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Fit to window</source>
            <translation>Fit to window</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Actual size (1:1)</source>
            <translation>Actual size (1:1)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Zoom in</source>
            <translation>Zoom in</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Zoom out</source>
            <translation>Zoom out</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Pan left</source>
            <translation>Pan left</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Pan right</source>
            <translation>Pan right</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Pan up</source>
            <translation>Pan up</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Pan down</source>
            <translation>Pan down</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Rotate 90° clockwise</source>
            <translation>Rotate 90° clockwise</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Rotate 90° anticlockwise</source>
            <translation>Rotate 90° anticlockwise</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Mirror left–right</source>
            <translation>Mirror left–right</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Mirror top–bottom</source>
            <translation>Mirror top–bottom</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Brighter</source>
            <translation>Brighter</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Darker</source>
            <translation>Darker</translation>
        </message>
        <message>
            <location line="+1" />
            <source>More contrast</source>
            <translation>More contrast</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Less contrast</source>
            <translation>Less contrast</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Sharpen on / off</source>
            <translation>Sharpen on / off</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Magnifier on / off</source>
            <translation>Magnifier on / off</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Compare two images side by side</source>
            <translation>Compare two images side by side</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Switch the pane the keys act on</source>
            <translation>Switch the pane the keys act on</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Reset the view</source>
            <translation>Reset the view</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Grab the camera frame and put it beside the ID photo</source>
            <translation>Grab the camera frame and put it beside the ID photo</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Show / hide these keys</source>
            <translation>Show / hide these keys</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Larger text</source>
            <translation>Larger text</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Smaller text</source>
            <translation>Smaller text</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Dark / light colours</source>
            <translation>Dark / light colours</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Away / available</source>
            <translation>Away / available</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Lock the screen (your items go back to the queue)</source>
            <translation>Lock the screen (your items go back to the queue)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Sign out</source>
            <translation>Sign out</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Decide</source>
            <translation>Decide</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Checklist</source>
            <translation>Checklist</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Images</source>
            <translation>Images</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Counter camera</source>
            <translation>Counter camera</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Session</source>
            <translation>Session</translation>
        </message>
        <message>
            <location line="+30" />
            <source>Space</source>
            <translation>Space</translation>
        </message>
    </context>
    <context>
        <name>lead</name>
        <message>
            <location filename="../../ui/lead/words.py" line="+22" />
            <source>The center refused the request.</source>
            <translation>The center refused the request.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>%1 (%2)</source>
            <translation>%1 (%2)</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Only the center lead may do this.</source>
            <translation>Only the center lead may do this.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Blind review: record your own verdict first; the original is shown after it.</source>
            <translation>Blind review: record your own verdict first; the original is shown after it.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>A finding of error is confirmed by a second person, not by the one who recorded it.</source>
            <translation>A finding of error is confirmed by a second person, not by the one who recorded it.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Your verdict on this item is already recorded.</source>
            <translation>Your verdict on this item is already recorded.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>This item already has a finding.</source>
            <translation>This item already has a finding.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>A finding of error needs its category.</source>
            <translation>A finding of error needs its category.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The category “other” (E99) needs a note.</source>
            <translation>The category “other” (E99) needs a note.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>A rejection takes an R reason code, a return a T code, an approval none.</source>
            <translation>A rejection takes an R reason code, a return a T code, an approval none.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The reason “other” (R99, T99) needs a note.</source>
            <translation>The reason “other” (R99, T99) needs a note.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>This finding is no longer awaiting confirmation.</source>
            <translation>This finding is no longer awaiting confirmation.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>There is no such sample at the center.</source>
            <translation>There is no such sample at the center.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>This request is not in the sample.</source>
            <translation>This request is not in the sample.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>There is no such request at the center.</source>
            <translation>There is no such request at the center.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>This item has no finding yet.</source>
            <translation>This item has no finding yet.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>This is a vigilance test item: it counts in the detection rates, not in 抽查复审.</source>
            <translation>This is a vigilance test item: it counts in the detection rates, not in 抽查复审.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>The center did not answer. Try again; if it persists, call IT.</source>
            <translation>The center did not answer. Try again; if it persists, call IT.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The center could not read the request (a field is not valid).</source>
            <translation>The center could not read the request (a field is not valid).</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The center does not know this operation (versions differ?).</source>
            <translation>The center does not know this operation (versions differ?).</translation>
        </message>
        <message>
            <location line="+3" />
            <source>You may not do this.</source>
            <translation>You may not do this.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Your signing key is not known at the center. Call IT.</source>
            <translation>Your signing key is not known at the center. Call IT.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The center refused the request's signature. Call IT.</source>
            <translation>The center refused the request's signature. Call IT.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>This computer's clock is wrong; the center refuses. Call IT.</source>
            <translation>This computer's clock is wrong; the center refuses. Call IT.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The center refused the request as a replay. Try again.</source>
            <translation>The center refused the request as a replay. Try again.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>This was recorded already.</source>
            <translation>This was recorded already.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>This can no longer be done in its present state.</source>
            <translation>This can no longer be done in its present state.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>A reason is required.</source>
            <translation>A reason is required.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The center has no such item.</source>
            <translation>The center has no such item.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The image is not at the center.</source>
            <translation>The image is not at the center.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The image failed its integrity check.</source>
            <translation>The image failed its integrity check.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The answer was too large.</source>
            <translation>The answer was too large.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The center cannot write its database. Call IT.</source>
            <translation>The center cannot write its database. Call IT.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Available</source>
            <translation>Available</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Away</source>
            <translation>Away</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Screen locked</source>
            <translation>Screen locked</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Signed out</source>
            <translation>Signed out</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Offline</source>
            <translation>Offline</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Not known yet</source>
            <translation>Not known yet</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Approved</source>
            <translation>Approved</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Rejected</source>
            <translation>Rejected</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Returned</source>
            <translation>Returned</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Timed out</source>
            <translation>Timed out</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Cancelled</source>
            <translation>Cancelled</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Authorized locally</source>
            <translation>Authorized locally</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Waiting</source>
            <translation>Waiting</translation>
        </message>
        <message>
            <location line="+1" />
            <source>In review</source>
            <translation>In review</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Approve</source>
            <translation>Approve</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Reject</source>
            <translation>Reject</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Return</source>
            <translation>Return</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Queue wait</source>
            <translation>Queue wait</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Prefetch hold</source>
            <translation>Prefetch hold</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Viewing</source>
            <translation>Viewing</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Second-approver wait</source>
            <translation>Second-approver wait</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Teller rework</source>
            <translation>Teller rework</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Drawn</source>
            <translation>Drawn</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Minimum per authorizer</source>
            <translation>Minimum per authorizer</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Added by hand</source>
            <translation>Added by hand</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Always reviewed</source>
            <translation>Always reviewed</translation>
        </message>
        <message>
            <location line="+6" />
            <source>No error</source>
            <translation>No error</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Error</source>
            <translation>Error</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Final</source>
            <translation>Final</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Awaiting a second person</source>
            <translation>Awaiting a second person</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Confirmed</source>
            <translation>Confirmed</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Not confirmed</source>
            <translation>Not confirmed</translation>
        </message>
        <message>
            <location line="+36" />
            <source>A signature of the request or a decision does not verify</source>
            <translation>A signature of the request or a decision does not verify</translation>
        </message>
        <message>
            <location line="+3" />
            <source>A decision was signed for another request</source>
            <translation>A decision was signed for another request</translation>
        </message>
        <message>
            <location line="+3" />
            <source>An image differs from the one the request names</source>
            <translation>An image differs from the one the request names</translation>
        </message>
        <message>
            <location line="+3" />
            <source>A rule of authority was broken (own request, level, or two approvers)</source>
            <translation>A rule of authority was broken (own request, level, or two approvers)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The decider is not in the directory</source>
            <translation>The decider is not in the directory</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Decided without the PIN the authority level requires</source>
            <translation>Decided without the PIN the authority level requires</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Approved past the machine's mismatch without a signed override</source>
            <translation>Approved past the machine's mismatch without a signed override</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The decision names a machine reading the broker never kept</source>
            <translation>The decision names a machine reading the broker never kept</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The signed record is not valid</source>
            <translation>The signed record is not valid</translation>
        </message>
        <message>
            <location line="+1" />
            <source>A problem the re-check found</source>
            <translation>A problem the re-check found</translation>
        </message>
        <message>
            <location line="+6" />
            <source>amount differs</source>
            <translation>amount differs</translation>
        </message>
        <message>
            <location line="+1" />
            <source>words and figures differ</source>
            <translation>words and figures differ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>account differs</source>
            <translation>account differs</translation>
        </message>
        <message>
            <location line="+1" />
            <source>name differs</source>
            <translation>name differs</translation>
        </message>
        <message>
            <location line="+1" />
            <source>wrong ID number</source>
            <translation>wrong ID number</translation>
        </message>
        <message>
            <location line="+1" />
            <source>ID expired</source>
            <translation>ID expired</translation>
        </message>
        <message>
            <location line="+1" />
            <source>wrong date</source>
            <translation>wrong date</translation>
        </message>
        <message>
            <location line="+1" />
            <source>no seal</source>
            <translation>no seal</translation>
        </message>
        <message>
            <location line="+1" />
            <source>no signature</source>
            <translation>no signature</translation>
        </message>
        <message>
            <location line="+1" />
            <source>other defect</source>
            <translation>other defect</translation>
        </message>
        <message>
            <location line="+5" />
            <source>* fewer than %1 test items: not yet a firm figure; read it with its interval</source>
            <translation>* fewer than %1 test items: not yet a firm figure; read it with its interval</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Authorizer</source>
            <translation>Authorizer</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Test items decided</source>
            <translation>Test items decided</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Caught</source>
            <translation>Caught</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Detection rate</source>
            <translation>Detection rate</translation>
        </message>
        <message>
            <location line="+1" />
            <source>95% interval</source>
            <translation>95% interval</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Missed</source>
            <translation>Missed</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Re-review agreement</source>
            <translation>Re-review agreement</translation>
        </message>
        <message>
            <location line="+23" />
            <source>%1 of %2 reviews</source>
            <translation>%1 of %2 reviews</translation>
        </message>
    </context>
    <context>
        <name>report</name>
        <message>
            <location filename="../../ui/lead/report.py" line="+171" />
            <source>Authorization center report</source>
            <translation>Authorization center report</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Period %1 to %2 · generated %3</source>
            <translation>Period %1 to %2 · generated %3</translation>
        </message>
        <message>
            <location line="+6" />
            <source>The figures</source>
            <translation>The figures</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Figure</source>
            <translation>Figure</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Value</source>
            <translation>Value</translation>
        </message>
        <message>
            <location line="+3" />
            <location line="+87" />
            <source>Requests</source>
            <translation>Requests</translation>
        </message>
        <message>
            <location line="-86" />
            <source>Decided by an authorizer</source>
            <translation>Decided by an authorizer</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Still open (not in the rates)</source>
            <translation>Still open (not in the rates)</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Ended without a verdict (timed out, cancelled, local)</source>
            <translation>Ended without a verdict (timed out, cancelled, local)</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Approved, of the decided</source>
            <translation>Approved, of the decided</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Rejected, of the decided</source>
            <translation>Rejected, of the decided</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Returned, of the decided</source>
            <translation>Returned, of the decided</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Approved past the machine's findings</source>
            <translation>Approved past the machine's findings</translation>
        </message>
        <message>
            <location line="+4" />
            <source>笔均授权时间 (submitted → decided)</source>
            <translation>笔均授权时间 (submitted → decided)</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Peak hours</source>
            <translation>Peak hours</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Vigilance test items (counted in no figure)</source>
            <translation>Vigilance test items (counted in no figure)</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Where the time goes</source>
            <translation>Where the time goes</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Part</source>
            <translation>Part</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Average</source>
            <translation>Average</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Requests measured</source>
            <translation>Requests measured</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Charts</source>
            <translation>Charts</translation>
        </message>
        <message>
            <location line="+3" />
            <source>By authorizer</source>
            <translation>By authorizer</translation>
        </message>
        <message>
            <location line="+3" />
            <location line="+147" />
            <source>Authorizer</source>
            <translation>Authorizer</translation>
        </message>
        <message>
            <location line="-146" />
            <source>Decisions</source>
            <translation>Decisions</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+23" />
            <source>Approved</source>
            <translation>Approved</translation>
        </message>
        <message>
            <location line="-22" />
            <source>Rejected</source>
            <translation>Rejected</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Returned</source>
            <translation>Returned</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Average viewing</source>
            <translation>Average viewing</translation>
        </message>
        <message>
            <location line="+14" />
            <source>By outlet</source>
            <translation>By outlet</translation>
        </message>
        <message>
            <location line="+3" />
            <location line="+124" />
            <source>Outlet</source>
            <translation>Outlet</translation>
        </message>
        <message>
            <location line="-122" />
            <source>Decided</source>
            <translation>Decided</translation>
        </message>
        <message>
            <location line="+2" />
            <source>笔均授权时间</source>
            <translation>笔均授权时间</translation>
        </message>
        <message>
            <location line="+16" />
            <source>Vigilance tests</source>
            <translation>Vigilance tests</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Items with a known defect from the lead's signed test pack, slipped into the queue among real requests; caught when not approved. The interval is the Wilson 95% interval.</source>
            <translation>Items with a known defect from the lead's signed test pack, slipped into the queue among real requests; caught when not approved. The interval is the Wilson 95% interval.</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Sample re-review (抽查复审)</source>
            <translation>Sample re-review (抽查复审)</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Sample %1 · seed %2 · plan %3 · %4 items of %5 eligible</source>
            <translation>Sample %1 · seed %2 · plan %3 · %4 items of %5 eligible</translation>
        </message>
        <message>
            <location line="+14" />
            <location line="+32" />
            <location line="+35" />
            <source>Request</source>
            <translation>Request</translation>
        </message>
        <message>
            <location line="-66" />
            <location line="+67" />
            <source>Type</source>
            <translation>Type</translation>
        </message>
        <message>
            <location line="-66" />
            <source>How</source>
            <translation>How</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+30" />
            <source>Decided by</source>
            <translation>Decided by</translation>
        </message>
        <message>
            <location line="-29" />
            <source>Original</source>
            <translation>Original</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Re-review verdicts</source>
            <translation>Re-review verdicts</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+28" />
            <source>Finding</source>
            <translation>Finding</translation>
        </message>
        <message>
            <location line="-15" />
            <source>not reviewed yet</source>
            <translation>not reviewed yet</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Findings</source>
            <translation>Findings</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Category</source>
            <translation>Category</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Recorded by</source>
            <translation>Recorded by</translation>
        </message>
        <message>
            <location line="+1" />
            <source>State</source>
            <translation>State</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Confirmed by</source>
            <translation>Confirmed by</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Note</source>
            <translation>Note</translation>
        </message>
        <message>
            <location line="+21" />
            <source>No finding recorded yet.</source>
            <translation>No finding recorded yet.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Typical rejected cases</source>
            <translation>Typical rejected cases</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Reason</source>
            <translation>Reason</translation>
        </message>
        <message>
            <location line="+17" />
            <source>Reviewer (复核人)</source>
            <translation>Reviewer (复核人)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Center lead (中心负责人)</source>
            <translation>Center lead (中心负责人)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Date</source>
            <translation>Date</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Sign-off</source>
            <translation>Sign-off</translation>
        </message>
        <message>
            <location line="+45" />
            <source>Authorization center report %1 to %2</source>
            <translation>Authorization center report %1 to %2</translation>
        </message>
    </context>
    <context>
        <name>texts</name>
        <message>
            <location filename="../../ui/texts.py" line="+20" />
            <source>Large cash withdrawal</source>
            <translation>Large cash withdrawal</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Transfer</source>
            <translation>Transfer</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Reversal</source>
            <translation>Reversal</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Password reset</source>
            <translation>Password reset</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Loss report</source>
            <translation>Loss report</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Account opening</source>
            <translation>Account opening</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Account closing</source>
            <translation>Account closing</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Cash-box override</source>
            <translation>Cash-box override</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Voucher elements incomplete</source>
            <translation>Voucher elements incomplete</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Amount does not match the voucher</source>
            <translation>Amount does not match the voucher</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Account name does not match</source>
            <translation>Account name does not match</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Seal or signature does not match</source>
            <translation>Seal or signature does not match</translation>
        </message>
        <message>
            <location line="+1" />
            <source>ID document invalid or expired</source>
            <translation>ID document invalid or expired</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Customer does not match the ID photo</source>
            <translation>Customer does not match the ID photo</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Exceeds authority / needs a higher level</source>
            <translation>Exceeds authority / needs a higher level</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Suspected fraud</source>
            <translation>Suspected fraud</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+5" />
            <source>Other (explain)</source>
            <translation>Other (explain)</translation>
        </message>
        <message>
            <location line="-4" />
            <source>Voucher needs correction</source>
            <translation>Voucher needs correction</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Image unreadable, rescan</source>
            <translation>Image unreadable, rescan</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Supporting document missing</source>
            <translation>Supporting document missing</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Amount in words and figures differ</source>
            <translation>Amount in words and figures differ</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Payee</source>
            <translation>Payee</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Payee account</source>
            <translation>Payee account</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Purpose</source>
            <translation>Purpose</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Original transaction</source>
            <translation>Original transaction</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Original time</source>
            <translation>Original time</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Amount in figures</source>
            <translation>Amount in figures</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Amount in words (大写)</source>
            <translation>Amount in words (大写)</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+7" />
            <location line="+52" />
            <source>Account</source>
            <translation>Account</translation>
        </message>
        <message>
            <location line="-58" />
            <location line="+59" />
            <source>Account name</source>
            <translation>Account name</translation>
        </message>
        <message>
            <location line="-58" />
            <source>Name on the ID</source>
            <translation>Name on the ID</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Voucher date</source>
            <translation>Voucher date</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+4" />
            <source>ID valid until</source>
            <translation>ID valid until</translation>
        </message>
        <message>
            <location line="-1" />
            <source>ID number on the card</source>
            <translation>ID number on the card</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Cash-box number</source>
            <translation>Cash-box number</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Machine reading</source>
            <translation>Machine reading</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Teller system</source>
            <translation>Teller system</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Machine reading by %1 (%2): %3 elements disagree, %4 could not be read (“?”). The teller system's rows are its own report, not a reading.</source>
            <translation>Machine reading by %1 (%2): %3 elements disagree, %4 could not be read (“?”). The teller system's rows are its own report, not a reading.</translation>
        </message>
        <message>
            <location line="+11" />
            <source>The machine reading of the images is under way and appears here when it arrives. Until then the rows are the teller system's own report, not a reading.</source>
            <translation>The machine reading of the images is under way and appears here when it arrives. Until then the rows are the teller system's own report, not a reading.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The machine check is unavailable for this item: no reader read its images. The rows are the teller system's own report, not a reading: check every element yourself.</source>
            <translation>The machine check is unavailable for this item: no reader read its images. The rows are the teller system's own report, not a reading: check every element yourself.</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Transaction type</source>
            <translation>Transaction type</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Amount</source>
            <translation>Amount</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Currency</source>
            <translation>Currency</translation>
        </message>
        <message>
            <location line="+3" />
            <source>ID type</source>
            <translation>ID type</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Teller's note</source>
            <translation>Teller's note</translation>
        </message>
        <message>
            <location line="+11" />
            <source>(none)</source>
            <translation>(none)</translation>
        </message>
        <message>
            <location line="+4" />
            <source>today (%1)</source>
            <translation>today (%1)</translation>
        </message>
        <message>
            <location line="+4" />
            <source>after today (%1)</source>
            <translation>after today (%1)</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The decision's signature was refused.</source>
            <translation>The decision's signature was refused.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Your signing key is not known to the broker. Call branch IT.</source>
            <translation>Your signing key is not known to the broker. Call branch IT.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>This item is no longer assigned to you.</source>
            <translation>This item is no longer assigned to you.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>This item was already decided.</source>
            <translation>This item was already decided.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The teller cancelled this item or it timed out.</source>
            <translation>The teller cancelled this item or it timed out.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The decision was refused as a replay.</source>
            <translation>The decision was refused as a replay.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>This computer's clock is wrong; decisions are refused. Call branch IT.</source>
            <translation>This computer's clock is wrong; decisions are refused. Call branch IT.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>A reason is required.</source>
            <translation>A reason is required.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>An image failed its integrity check. Do not approve.</source>
            <translation>An image failed its integrity check. Do not approve.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>An image is missing at the broker.</source>
            <translation>An image is missing at the broker.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The local audit cache cannot be written (disk full?). Nothing was sent.</source>
            <translation>The local audit cache cannot be written (disk full?). Nothing was sent.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The key store is not available or not secure.</source>
            <translation>The key store is not available or not secure.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Unknown authorizer or wrong PIN.</source>
            <translation>Unknown authorizer or wrong PIN.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Too many wrong PINs: signing in is locked for a while.</source>
            <translation>Too many wrong PINs: signing in is locked for a while.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>This item is at the top authority level: enter your PIN again to decide it.</source>
            <translation>This item is at the top authority level: enter your PIN again to decide it.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The machine check found a disagreement on this item: it can be approved only by an override (Shift+F9), with a written reason and your PIN. Nothing was sent.</source>
            <translation>The machine check found a disagreement on this item: it can be approved only by an override (Shift+F9), with a written reason and your PIN. Nothing was sent.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The machine reading of this item arrived after you looked: look at the elements again before approving. Nothing was sent.</source>
            <translation>The machine reading of this item arrived after you looked: look at the elements again before approving. Nothing was sent.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>This item is outside your authority (level, type or amount limit). Nothing was sent.</source>
            <translation>This item is outside your authority (level, type or amount limit). Nothing was sent.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The request changed after it was shown to you: the decision was refused.</source>
            <translation>The request changed after it was shown to you: the decision was refused.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The broker does not know this item any more.</source>
            <translation>The broker does not know this item any more.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>You are not signed in at the broker: sign in again.</source>
            <translation>You are not signed in at the broker: sign in again.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The broker cannot be reached.</source>
            <translation>The broker cannot be reached.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>This item was sent to you again while you decided: look at it again. Nothing was sent.</source>
            <translation>This item was sent to you again while you decided: look at it again. Nothing was sent.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Refused by the broker: %1</source>
            <translation>Refused by the broker: %1</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Too many wrong PINs: locked until %1. Ask the center lead if it is urgent.</source>
            <translation>Too many wrong PINs: locked until %1. Ask the center lead if it is urgent.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Wrong PIN. %1 more wrong and you are locked out.</source>
            <translation>Wrong PIN. %1 more wrong and you are locked out.</translation>
        </message>
        <message>
            <location line="+10" />
            <source>the amount on the voucher is not the keyed amount</source>
            <translation>the amount on the voucher is not the keyed amount</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the amount in words and the amount in figures disagree on the voucher</source>
            <translation>the amount in words and the amount in figures disagree on the voucher</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the account number on the voucher is not the keyed one</source>
            <translation>the account number on the voucher is not the keyed one</translation>
        </message>
        <message>
            <location line="+3" />
            <source>a name on the voucher or the ID card is not the keyed name</source>
            <translation>a name on the voucher or the ID card is not the keyed name</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the ID number or its check digit is wrong</source>
            <translation>the ID number or its check digit is wrong</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the ID card has expired</source>
            <translation>the ID card has expired</translation>
        </message>
        <message>
            <location line="+1" />
            <source>the voucher is dated another day</source>
            <translation>the voucher is dated another day</translation>
        </message>
        <message>
            <location line="+1" />
            <source>the voucher carries no seal</source>
            <translation>the voucher carries no seal</translation>
        </message>
        <message>
            <location line="+1" />
            <source>the customer did not sign</source>
            <translation>the customer did not sign</translation>
        </message>
        <message>
            <location line="+1" />
            <source>a defect described by the center lead</source>
            <translation>a defect described by the center lead</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Vigilance test: item %1 was a test set by the center lead, not a teller's request. Its defect: %2. You did not approve it: caught ✓</source>
            <translation>Vigilance test: item %1 was a test set by the center lead, not a teller's request. Its defect: %2. You did not approve it: caught ✓</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Vigilance test: item %1 was a test set by the center lead, not a teller's request. Its defect: %2. You approved it: missed ✗. No money moved.</source>
            <translation>Vigilance test: item %1 was a test set by the center lead, not a teller's request. Its defect: %2. You approved it: missed ✗. No money moved.</translation>
        </message>
        <message>
            <location line="+10" />
            <source>The teller cancelled this request.</source>
            <translation>The teller cancelled this request.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The teller's wait ran out; the request timed out.</source>
            <translation>The teller's wait ran out; the request timed out.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>You held this item too long; it went back to the queue.</source>
            <translation>You held this item too long; it went back to the queue.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>This item was decided elsewhere.</source>
            <translation>This item was decided elsewhere.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>This item went to another authorizer.</source>
            <translation>This item went to another authorizer.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Your screen locked: the item went back to the queue.</source>
            <translation>Your screen locked: the item went back to the queue.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The outlet authorized this request locally (本地授权): nothing left to decide.</source>
            <translation>The outlet authorized this request locally (本地授权): nothing left to decide.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>This item could not be recorded in the local audit cache and was given back.</source>
            <translation>This item could not be recorded in the local audit cache and was given back.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>⚠ This image failed its integrity check (SHA-256): it may have been altered. It is not shown and the item cannot be approved.</source>
            <translation>⚠ This image failed its integrity check (SHA-256): it may have been altered. It is not shown and the item cannot be approved.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>⚠ The broker no longer has this image.</source>
            <translation>⚠ The broker no longer has this image.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>⚠ The teller sent an empty image file. Return for a rescan.</source>
            <translation>⚠ The teller sent an empty image file. Return for a rescan.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>⚠ This file is not a JPEG or PNG image. Return for a rescan.</source>
            <translation>⚠ This file is not a JPEG or PNG image. Return for a rescan.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>⚠ This image file is cut short: part of the scan is missing. Return for a rescan.</source>
            <translation>⚠ This image file is cut short: part of the scan is missing. Return for a rescan.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>⚠ This image file is damaged and cannot be shown.</source>
            <translation>⚠ This image file is damaged and cannot be shown.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>⚠ This image is too large to open safely (more than 60 million pixels).</source>
            <translation>⚠ This image is too large to open safely (more than 60 million pixels).</translation>
        </message>
        <message>
            <location line="+3" />
            <source>⚠ This image is a thin strip or a few pixels across: it cannot be a scan of the document. Return for a rescan.</source>
            <translation>⚠ This image is a thin strip or a few pixels across: it cannot be a scan of the document. Return for a rescan.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>⚠ This item's images are too large together to open safely (more than 80 million pixels). Return for a rescan at a lower resolution.</source>
            <translation>⚠ This item's images are too large together to open safely (more than 80 million pixels). Return for a rescan at a lower resolution.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>⚠ This image is blank: a single flat colour, nothing on it to check. Return for a rescan.</source>
            <translation>⚠ This image is blank: a single flat colour, nothing on it to check. Return for a rescan.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>⚠ This image cannot be shown (%1).</source>
            <translation>⚠ This image cannot be shown (%1).</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Authority level 1</source>
            <translation>Authority level 1</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Authority level 2</source>
            <translation>Authority level 2</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Authority level 3</source>
            <translation>Authority level 3</translation>
        </message>
        <message>
            <location line="+3" />
            <source> (top: PIN again)</source>
            <translation> (top: PIN again)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>dual authorization (two authorizers)</source>
            <translation>dual authorization (two authorizers)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>single authorization</source>
            <translation>single authorization</translation>
        </message>
        <message>
            <location line="+3" />
            <source>asked because the amount is at or over the teller's limit of %1</source>
            <translation>asked because the amount is at or over the teller's limit of %1</translation>
        </message>
        <message>
            <location line="+4" />
            <source>asked because this transaction type always needs remote authorization</source>
            <translation>asked because this transaction type always needs remote authorization</translation>
        </message>
        <message>
            <location line="+15" />
            <source>Approval refused: %1</source>
            <translation>Approval refused: %1</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Approval refused: the images are not all verified and shown yet.</source>
            <translation>Approval refused: the images are not all verified and shown yet.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Approval refused. The machine check found: %1 Reject or return the item, or override with %2.</source>
            <translation>Approval refused. The machine check found: %1 Reject or return the item, or override with %2.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Approval refused: answer these checklist rows first (F2): %1.</source>
            <translation>Approval refused: answer these checklist rows first (F2): %1.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Approval refused: you marked a checklist row as failing.</source>
            <translation>Approval refused: you marked a checklist row as failing.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Approval is not possible now.</source>
            <translation>Approval is not possible now.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Machine reading: the voucher's amount in words and in figures disagree (%1).</source>
            <translation>Machine reading: the voucher's amount in words and in figures disagree (%1).</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Machine reading: the keyed ID number %1 has a wrong check digit.</source>
            <translation>Machine reading: the keyed ID number %1 has a wrong check digit.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Machine reading: the voucher is dated “%1”, not today.</source>
            <translation>Machine reading: the voucher is dated “%1”, not today.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Machine reading: the ID card's validity (“%1”) has ended.</source>
            <translation>Machine reading: the ID card's validity (“%1”) has ended.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Machine reading: the ID card is not valid yet (“%1”).</source>
            <translation>Machine reading: the ID card is not valid yet (“%1”).</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Machine reading: %1 reads “%2”, the request says %3.</source>
            <translation>Machine reading: %1 reads “%2”, the request says %3.</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Voucher</source>
            <translation>Voucher</translation>
        </message>
        <message>
            <location line="+1" />
            <source>ID card, front</source>
            <translation>ID card, front</translation>
        </message>
        <message>
            <location line="+1" />
            <source>ID card, back</source>
            <translation>ID card, back</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Photo</source>
            <translation>Photo</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Other document</source>
            <translation>Other document</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Counter camera</source>
            <translation>Counter camera</translation>
        </message>
        <message>
            <location line="+14" />
            <source>The voucher</source>
            <translation>The voucher</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The ID card</source>
            <translation>The ID card</translation>
        </message>
        <message>
            <location line="+4" />
            <source>%1 shows %2, the request says %3.</source>
            <translation>%1 shows %2, the request says %3.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>The ID card expired on %1.</source>
            <translation>The ID card expired on %1.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The voucher is dated %1, not today.</source>
            <translation>The voucher is dated %1, not today.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>account number</source>
            <translation>account number</translation>
        </message>
        <message>
            <location line="+1" />
            <source>name</source>
            <translation>name</translation>
        </message>
        <message>
            <location line="+34" />
            <source>The machine reading arrived and disagrees with the request: approval stops. Look at the elements marked ✗.</source>
            <translation>The machine reading arrived and disagrees with the request: approval stops. Look at the elements marked ✗.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>The teller's request changed: look at it again.</source>
            <translation>The teller's request changed: look at it again.</translation>
        </message>
        <message>
            <location line="+13" />
            <source>Lost the connection to the branch broker; reconnecting… The item in hand stays on screen.</source>
            <translation>Lost the connection to the branch broker; reconnecting… The item in hand stays on screen.</translation>
        </message>
        <message>
            <location line="+19" />
            <source>Decisions from before the restart were not applied — %1</source>
            <translation>Decisions from before the restart were not applied — %1</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Decisions from before the restart were delivered: %1</source>
            <translation>Decisions from before the restart were delivered: %1</translation>
        </message>
        <message>
            <location line="+10" />
            <source>You are away: no items are sent to you.
Press F12 when you are back.</source>
            <translation>You are away: no items are sent to you.
Press F12 when you are back.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Connecting to the branch broker…</source>
            <translation>Connecting to the branch broker…</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Waiting for the next item…</source>
            <translation>Waiting for the next item…</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Sign out? Press Ctrl+Shift+Q again to sign out; the items you hold go back to the queue.</source>
            <translation>Sign out? Press Ctrl+Shift+Q again to sign out; the items you hold go back to the queue.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Locked after a while without input.</source>
            <translation>Locked after a while without input.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>You locked the screen.</source>
            <translation>You locked the screen.</translation>
        </message>
        <message>
            <location line="-547" />
            <location line="+59" />
            <location line="+381" />
            <source>ID number</source>
            <translation>ID number</translation>
        </message>
        <message>
            <location line="+1" />
            <source>teller</source>
            <translation>teller</translation>
        </message>
        <message>
            <location line="+3" />
            <source>%1 shows %2 %3, the request says %4.</source>
            <translation>%1 shows %2 %3, the request says %4.</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Transaction elements not checked</source>
            <translation>Transaction elements not checked</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Image does not match the elements</source>
            <translation>Image does not match the elements</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Identity not verified</source>
            <translation>Identity not verified</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Beyond the authorizer's authority</source>
            <translation>Beyond the authorizer's authority</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Approved what should have been refused</source>
            <translation>Approved what should have been refused</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Reason or message inadequate</source>
            <translation>Reason or message inadequate</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Other (see the note)</source>
            <translation>Other (see the note)</translation>
        </message>
    </context>
</TS>
