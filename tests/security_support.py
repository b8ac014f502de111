"""Shared by the security suites: the app's routes read from its url_map, URLs built from guessed values,
forms read back from a page, and a snapshot of everything a write could change."""
import hashlib
import html
import itertools
import os
import re
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select

from mapapp.store.db import session_factory
from mapapp.store.models import Base

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_ARG = re.compile(r"<(?:[^<>]*?:)?(\w+)>")


def rules(app, methods=None):
    """Every rule of the app (static files aside), optionally only those allowing one of `methods`."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        if methods and not (rule.methods & set(methods)):
            continue
        out.append(rule)
    return sorted(out, key=lambda r: r.rule)


def fmt_choices(rule) -> list[str]:
    """The values a rule's fmt converter takes: any('.json') -> ['.json'], any(geojson, csv) -> [...]."""
    match = re.search(r"<any\(([^)]*)\):fmt>", rule.rule)
    if not match:
        return []
    return [v.strip().strip("'\"") for v in match.group(1).split(",")]


def build(rule, values: dict) -> str:
    return _ARG.sub(lambda m: quote(str(values[m.group(1)]), safe="/"), rule.rule)


def urls(rule, pools: dict, limit: int = 80) -> list[str]:
    """The rule's URLs for every combination of guessed values (at most `limit`)."""
    names = sorted(rule.arguments)
    choices = []
    for name in names:
        if name == "fmt":
            choices.append(fmt_choices(rule) or [".json"])
        else:
            choices.append(pools.get(name) or pools["*"])
    return [build(rule, dict(zip(names, combo))) for combo in itertools.islice(itertools.product(*choices), limit)]


def wrapped_chain(func):
    while func is not None:
        yield func
        func = getattr(func, "__wrapped__", None)


def admin_only(app, rule) -> bool:
    """Whether the rule's view is wrapped by auth.admin_required (or lives under /admin)."""
    from mapapp.web.auth import admin_required
    marker = admin_required(lambda: None).__code__
    view = app.view_functions[rule.endpoint]
    return rule.rule.startswith("/admin") or any(getattr(f, "__code__", None) is marker for f in wrapped_chain(view))


def post_forms(page: str) -> list[dict]:
    """Each POST form of a page: its action and what it would send as it stands."""
    forms = []
    for match in re.finditer(r"<form\b([^>]*)>(.*?)</form>", page, re.S | re.I):
        attrs, body = match.groups()
        if not re.search(r'method="post"', attrs, re.I):
            continue
        action = re.search(r'action="([^"]*)"', attrs)
        fields = {}
        for tag in re.finditer(r"<input\b([^>]*)>", body, re.I):
            a = tag.group(1)
            name = re.search(r'name="([^"]+)"', a)
            if not name:
                continue
            kind = (re.search(r'type="([^"]+)"', a) or [None, "text"])[1].lower()
            value = html.unescape((re.search(r'value="([^"]*)"', a) or [None, ""])[1])
            if kind in ("checkbox", "radio") and not re.search(r"\bchecked\b", a):
                continue
            if kind == "file":
                continue
            fields.setdefault(html.unescape(name.group(1)), []).append(value)
        for tag in re.finditer(r'<textarea\b[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', body, re.S | re.I):
            fields.setdefault(html.unescape(tag.group(1)), []).append(html.unescape(tag.group(2)).lstrip("\n"))
        for tag in re.finditer(r'<select\b[^>]*name="([^"]+)"[^>]*>(.*?)</select>', body, re.S | re.I):
            options = []
            for option in re.findall(r"<option\b([^>]*)>", tag.group(2)):
                value = re.search(r'value="([^"]*)"', option)
                options.append((value.group(1) if value else "", bool(re.search(r"\bselected\b", option))))
            chosen = [v for v, on in options if on] or [v for v, _on in options[:1]]
            fields.setdefault(html.unescape(tag.group(1)), []).extend(html.unescape(v) for v in chosen)
        forms.append({"action": html.unescape(action.group(1)) if action else "", "fields": fields})
    return forms


def flat(fields: dict) -> dict:
    """Form fields as the test client takes them: one value, or a list for a repeated name."""
    return {k: v[0] if len(v) == 1 else v for k, v in fields.items()}


def snapshot(app, folders=()) -> dict:
    """Row count and a digest of the content of every table, and the files in the given folders."""
    out = {}
    with session_factory(app)() as session:
        for table in Base.metadata.sorted_tables:
            rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
            digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()[:16]
            out[table.name] = (len(rows), digest)
    for folder in folders:
        if folder and Path(folder).exists():
            out[f"files in {Path(folder).name}"] = sorted(
                str(p.relative_to(folder)) for p in Path(folder).rglob("*") if p.is_file())
    return out


def changed(before: dict, after: dict) -> list[str]:
    return [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]


def folders_of(app) -> list[str]:
    """Where writes leave files: evidence, held boundary uploads, the instance folder's top level."""
    evidence = app.config.get("EVIDENCE_DIR") or os.path.join(app.instance_path, "evidence")
    uploads = app.config.get("BOUNDARY_UPLOAD_DIR") or os.path.join(app.instance_path, "boundary-uploads")
    return [evidence, uploads]
