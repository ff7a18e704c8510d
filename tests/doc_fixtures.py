"""Real input files for the reader and add tests: docx, pdf (text layer or scanned) and html."""
import io
from pathlib import Path

PLAN_TEXT = (
    "大港街道2024年工作计划\n"
    "一、总体要求\n"
    "2024年是全面贯彻落实党的二十大精神的关键之年。天津市滨海新区大港街道将坚持党建引领，推进基层治理现代化。\n"
    "二、重点任务\n"
    "（一）抓好就业创业。全年新增就业岗位不少于3000个，完成职业技能培训500人次。\n"
    "（二）改善人居环境。完成老旧小区改造12个，新增绿化面积2万平方米。\n")


def make_docx(path, paragraphs=None, table=(("指标", "目标"), ("新增就业", "3000人"))):
    """A Word file made by python-docx: a heading, paragraphs and a table."""
    import docx
    paragraphs = PLAN_TEXT.splitlines() if paragraphs is None else paragraphs
    document = docx.Document()
    document.add_heading(paragraphs[0], level=1)
    for para in paragraphs[1:]:
        document.add_paragraph(para)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.add_paragraph("（完）")
    document.save(str(path))
    return Path(path)


def _cmap(codes):
    """A ToUnicode CMap mapping every 2-byte code used to the same Unicode code point."""
    blocks = sorted({c >> 8 for c in codes})
    ranges = "\n".join(f"<{b:02X}00> <{b:02X}FF> <{b:02X}00>" for b in blocks)
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
            f"{len(blocks)} beginbfrange\n{ranges}\nendbfrange\n"
            "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")


def make_pdf(path, text=PLAN_TEXT, width=32, title="大港街道2024年工作计划"):
    """A one-page PDF with a CJK text layer, written by hand.

    No PDF writer with CJK fonts is installed, so this builds the objects
    directly: a Type0 font with Identity-H encoding (2-byte codes = Unicode
    code points) and a ToUnicode CMap, which is all a text extractor needs.
    Lines longer than `width` characters are wrapped like a real layout.
    """
    lines = []
    for para in text.splitlines():
        while len(para) > width:
            lines.append(para[:width])
            para = para[width:]
        lines.append(para)
    codes = {ord(ch) for ch in "".join(lines)}
    ops = ["BT", "/F1 14 Tf", "16 TL", "40 800 Td"]
    for line in lines:
        ops.append("<" + "".join(f"{ord(ch):04X}" for ch in line) + "> Tj T*")
    ops.append("ET")
    content = "\n".join(ops).encode("ascii")
    cmap = _cmap(codes).encode("ascii")
    title_hex = "FEFF" + "".join(f"{ord(ch):04X}" for ch in title)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 7 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
        b"/DescendantFonts [5 0 R] /ToUnicode 8 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 6 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 "
        b"/Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
        f"<< /Title <{title_hex}> >>".encode("ascii"),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, len(objects), xref))
    Path(path).write_bytes(out.getvalue())
    return Path(path)


def make_scanned_pdf(path):
    """A PDF page that is only an image, as a scanner produces: no text layer."""
    from PIL import Image, ImageDraw
    image = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(image)
    for y in range(100, 700, 30):
        draw.rectangle((60, y, 540, y + 12), fill="black")
    image.save(str(path), "PDF", resolution=72)
    return Path(path)


GOV_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head>
<meta charset="utf-8">
<title>大连市甘井子区红旗街道2023年工作总结_甘井子区人民政府</title>
<meta name="PubDate" content="2024-01-15 09:30">
<meta name="ColumnName" content="工作总结">
<script>var _hmt = _hmt || []; (function(){ var hm = document.createElement("script"); })();</script>
<style>.nav li{float:left}</style>
</head><body>
<div class="top-header"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/hdjl">互动交流</a></div>
<nav class="nav"><ul><li><a href="/">网站首页</a></li><li><a href="/xxgk">信息公开</a></li><li><a href="/bsfw">办事服务</a></li></ul></nav>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 工作总结</div>
<div class="main">
  <h1>红旗街道2023年工作总结</h1>
  <div class="info">发布日期：2024-01-15　来源：红旗街道办事处　字号：[大 中 小]</div>
  <div class="TRS_Editor" id="zoom">
    <p>2023年，辽宁省大连市甘井子区红旗街道坚持以习近平新时代中国特色社会主义思想为指导，全面完成各项工作任务。</p>
    <p>一、经济发展稳中有进</p>
    <p>全年完成固定资产投资12.5亿元，同比增长8.3%。新增市场主体460户，新增就业2100人。</p>
    <p>二、民生保障持续加强</p>
    <p>改造老旧小区7个，惠及居民3200余户；新建社区养老服务站2处。</p>
    <table><tr><td>指标</td><td>完成</td></tr><tr><td>新增就业</td><td>2100人</td></tr></table>
  </div>
  <div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
</div>
<div class="friend-links"><h3>相关链接</h3><a href="http://www.gov.cn">中国政府网</a><a href="http://www.ln.gov.cn">辽宁省人民政府</a></div>
<footer><p>主办单位：大连市甘井子区人民政府办公室　版权所有　辽ICP备05001234号</p><p>网站标识码2102110001</p></footer>
<script>document.write('<p>访问统计</p>');</script>
</body></html>
"""

SCRIPT_ONLY_PAGE = """<html><head><title>加载中</title>
<script>window.location.href = "/index.html"; var msg = "页面正在跳转请稍候";</script></head>
<body><nav><a href="/">首页</a><a href="/a">政务公开</a></nav>
<div id="app"></div><script src="/static/app.js"></script>
<footer>版权所有 某某区人民政府</footer></body></html>
"""
