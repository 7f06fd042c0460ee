<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <!-- Qt's own words that Qt's zh_CN catalogue (qtbase_zh_CN.qm) leaves in English, seen on
         AuthDesk's screens. Written by hand (ui/i18n.py build compiles it; update leaves it
         alone); loaded after qtbase, so Qt's own translations stay in force for the rest. -->
    <context>
        <name>QFileDialog</name>
        <message>
            <source>&amp;Look in:</source>
            <translation>查找范围(&amp;L)：</translation>
        </message>
        <message>
            <source>Files of &amp;type:</source>
            <translation>文件类型(&amp;T)：</translation>
        </message>
    </context>
</TS>
