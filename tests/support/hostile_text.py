"""The injection strings of issue 5, shared by every test that checks scenario text stays inert."""

ISSUE_STRINGS = [
    "{{ 7*7 }}",
    "{% raw %}",
    "<script>alert(1)</script>",
    '<img src=x onerror="window.__pwned=1">',
    "`",
    "${window.__pwned=2}",
    "</script>",
    "\\",
    "'\"",
    "{# c #}",
]
# scripts, directions and separators a browser or a JSON/JS/Jinja layer may treat specially
MORE_STRINGS = [
    "{% endraw %}",
    "\\u0041\\n",
    "'",
    '"',
    "🙂 Київ",
    "שלום عربى",
    "line1\nline2",
    "\u2028\u2029",
    "{{ '}}' }}{%",
]
