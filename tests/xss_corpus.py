"""Hostile texts for the XSS suite (and any other suite that wants them).

Each payload is short enough for every text column (area names are 200 characters), has no
leading or trailing space (forms and data files strip them), and, where it could run, says so
through one of two canaries naming its number: `alert(n)` (a dialog) or `window.__xss = n`.
"""

_TEMPLATES = [
    # plain script and event handlers
    "<script>alert(XSSN)</script>",
    "<script>window.__xss=XSSN</script>",
    '<img src=x onerror="window.__xss=XSSN">',
    "<img src=x onerror=alert(XSSN)>",
    "<svg onload=alert(XSSN)>",
    "<svg/onload=window.__xss=XSSN>",
    "<svg><script>alert(XSSN)</script></svg>",
    "<body onload=alert(XSSN)>",
    "<details open ontoggle=alert(XSSN)>x</details>",
    "<input autofocus onfocus=alert(XSSN)>",
    "<video><source onerror=alert(XSSN)></video>",
    "<marquee onstart=alert(XSSN)>m</marquee>",
    "<xss id=x tabindex=1 onfocusin=alert(XSSN)></xss>",
    '<img src="x" onerror="&#97;lert(XSSN)">',
    "<img src=x:alert(alt) onerror=eval(src) alt=XSSN>",
    "<scr<script>ipt>alert(XSSN)</scr</script>ipt>",
    # URLs
    "javascript:window.__xss=XSSN",
    "JaVaScRiPt:alert(XSSN)",
    "  javascript:alert(XSSN)",
    '<a href="javascript:window.__xss=XSSN">klicka</a>',
    '<iframe src="javascript:parent.__xss=XSSN"></iframe>',
    '<iframe srcdoc="<script>parent.__xss=XSSN</script>"></iframe>',
    "data:text/html,<script>alert(XSSN)</script>",
    '<object data="data:text/html,<script>alert(XSSN)</script>"></object>',
    '<embed src="javascript:alert(XSSN)">',
    '<form action="javascript:alert(XSSN)"><button>s</button></form>',
    '<svg><a xlink:href="javascript:alert(XSSN)"><text y="20">x</text></a></svg>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(XSSN)">',
    '<base href="javascript:alert(XSSN)//">',
    '<link rel=import href="data:text/html,<script>alert(XSSN)</script>">',
    # breaking out of attributes, elements and script blocks
    '"><script>alert(XSSN)</script>',
    "'><img src=x onerror=alert(XSSN)>",
    '" onmouseover="alert(XSSN)" x="',
    "' onfocus='alert(XSSN)' autofocus='",
    "</script><script>window.__xss=XSSN</script>",
    "</SCRIPT ><script>alert(XSSN)</script>",
    "<!--</script><script>alert(XSSN)</script>-->",
    "</title><script>alert(XSSN)</script>",
    "</textarea><script>alert(XSSN)</script>",
    "</style><script>alert(XSSN)</script>",
    "</option></select><img src=x onerror=alert(XSSN)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(XSSN)>">',
    "<template><script>alert(XSSN)</script></template>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(XSSN)>",
    # JavaScript strings and template literals
    "`${window.__xss=XSSN}`",
    "${alert(XSSN)}",
    "`;alert(XSSN);`",
    '"-alert(XSSN)-"',
    "'-alert(XSSN)-'",
    '\\";alert(XSSN);//',
    "a\u2028alert(XSSN)\u2029b",
    # server-side templates: Jinja (Flask) and Folium/branca (rendered twice through Jinja)
    "{{7*7}}",
    "{{ config.items() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{% for i in range(3) %}XSSN{% endfor %}",
    "{{ this._parent.get_name() }}",
    "{{ this.get_name() }}</script><script>alert(XSSN)</script>",
    "{% macro script(this, kwargs) %}alert(XSSN){% endmacro %}",
    "{s}.{z}/{x}/{y}{r} {attribution}",
    # entities and escapes that must stay literal
    "&lt;script&gt;alert(XSSN)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(XSSN)&#62;",
    "&amp;lt;b&amp;gt; &quot;XSSN&quot;",
    "\\u003cscript\\u003ealert(XSSN)\\u003c/script\\u003e",
    "\\x3cimg src=x onerror=alert(XSSN)\\x3e",
    "\uff1cscript\uff1ealert(XSSN)\uff1c/script\uff1e",
    "\u202eXSSN>tpircs/<",
    # CSS
    '<div style="width:expression(alert(XSSN))">css</div>',
    "<style>@import 'javascript:alert(XSSN)';</style>",
    '<div style="background:url(javascript:alert(XSSN))">bg</div>',
    # the classic probe
    "';!--\"<XSSN>=&{()}",
]

PAYLOADS = [t.replace("XSSN", str(n)) for n, t in enumerate(_TEMPLATES, 1)]
URL_PAYLOADS = [p for p in PAYLOADS if p.strip().lower().startswith(("javascript:", "data:"))]

assert len(PAYLOADS) >= 50
assert all(len(p) <= 190 and p == p.strip() or p.startswith("  javascript:") for p in PAYLOADS)
