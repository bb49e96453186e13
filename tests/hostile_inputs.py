"""Inputs an attacker (or an unlucky paste) might send to any field."""

ONE_MEGABYTE = "<b>" + "A" * 1_000_000

HOSTILE_TEXT = [
    # Markup and script injection
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '"><script>alert(document.cookie)</script>',
    "'><img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)//",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    '<object data="javascript:alert(1)">',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    "<template><script>alert(1)</script></template>",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "${7*7}",
    # CSS tricks
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>@import url(http://127.0.0.1:9/x.css);</style>",
    "expression(alert(1))",
    '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
    '<link rel="attachment" href="file:///etc/passwd">',
    '<img src="file:///etc/passwd">',
    # Spreadsheet formulas
    '=HYPERLINK("http://evil.example","click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    # Quotes, escapes, SQL
    "' OR '1'='1",
    "Robert'); DROP TABLE assessments_assessment;--",
    '"quoted" & <ampersand>',
    "back\\slash \\n not a newline",
    "%00%0d%0a",
    "&lt;already escaped&gt;",
    "&#60;script&#62;",
    # Unicode controls and oddities
    "\u202eevil\u202c reversed",
    "zero\u200bwidth\u200djoiner",
    "line\nbreak\r\nand\ttab",
    "bell\x07 escape\x1b[31m red",
    "\ufeffbyte order mark",
    "emoji 🚀 and 中文 and العربية",
    "\U0001f9d1\u200d\U0001f4bb person at computer",
    "a" + "\u0301" * 50,
    "null\x00byte",
    "   ",
    "",
    ONE_MEGABYTE,
]

# Values for number fields besides the texts above.
HOSTILE_NUMBERS = [
    "-1",
    "1e6",
    "1.5",
    "0x10",
    "9" * 30,
    "1_000",
    "NaN",
    "Infinity",
    "١٢",  # Arabic-Indic digits
    "12abc",
    "",
    ONE_MEGABYTE,
]
