"""Whole numbers from outside beyond the database's range: a 404 or a 400, never a 500 (property-based).

Routes and parameters are discovered, not listed: every rule of app.url_map with an integer converter,
and every query parameter name the web layer reads, so a new route or parameter is covered by itself.
"""
import ast
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from werkzeug.routing.converters import AnyConverter, NumberConverter

from mapapp.core.bounds import DB_INT_MAX
from planner_support import csrf_token
from test_follow_ups import FORM, form_data, post

pytest_plugins = ["planner_fixtures"]

WEB = Path(__file__).resolve().parent.parent / "mapapp" / "web"
PLACEHOLDER = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")
# A real value for each kind of path part, so the request reaches the code that reads the number.
SAMPLES = {"promise_slug": "norrkoping-2023-2024", "commitment": "est", "name": "areas", "collection_id": "areas",
           "lon": "16.18", "lat": "58.59", "filename": "css/app.css", "feature_id": "marielund", "_rest": "x"}
SLUG_BY_PREFIX = {"/area": "marielund", "/api/areas": "marielund", "/planner/camera-sites": "sergels-torg-2018",
                  "/planner/commitment": "est"}
HUGE = st.one_of(st.integers(min_value=DB_INT_MAX + 1, max_value=10**40).map(str),
                 st.integers(min_value=41, max_value=5000).map(lambda n: "9" * n))
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def fill(rule, number: str) -> str:
    """The rule's path with real values in its slugs and `number` in every integer part."""
    def value(match):
        name = match.group(3)
        converter = rule._converters[name]
        if isinstance(converter, NumberConverter):
            return number
        if isinstance(converter, AnyConverter):
            return sorted(converter.items)[0]
        if name == "slug":
            prefix = next((p for p in sorted(SLUG_BY_PREFIX, key=len, reverse=True) if rule.rule.startswith(p + "/")),
                          None)
            return SLUG_BY_PREFIX[prefix] if prefix else "norrkoping-2023-2024"
        return SAMPLES.get(name, "x")
    return PLACEHOLDER.sub(value, rule.rule)


def integer_rules(app):
    return [r for r in app.url_map.iter_rules() if any(isinstance(c, NumberConverter) for c in r._converters.values())]


def get_rules(app):
    return [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"]


def read_parameters() -> list[str]:
    """Every name the web layer reads from a query string: request.args.get("x"), args["x"], int_arg("x")."""
    names = set()
    for path in WEB.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            target = node.func.value if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "get" else node.value if isinstance(node, ast.Subscript) else None
            key = (node.args[0] if isinstance(node, ast.Call) and node.args else
                   node.slice if isinstance(node, ast.Subscript) else None)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "int_arg":
                target, key = node.func, node.args[0]
            if target is not None and ast.unparse(target) in ("request.args", "args", "int_arg") \
                    and isinstance(key, ast.Constant) and isinstance(key.value, str):
                names.add(key.value)
    return sorted(names)


def test_discovery_finds_the_known_integer_routes_and_parameters(app):
    assert "/evidence/<int:follow_up_id>" in {r.rule for r in integer_rules(app)}
    assert {"page", "limit", "offset", "zoom", "saved"} <= set(read_parameters())


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_integer_path_parts_beyond_the_database_are_404(planner_app, who, request):
    client = request.getfixturevalue("admin") if who == "admin" else planner_app.test_client()
    rules = integer_rules(planner_app)

    @FAST
    @given(rule=st.sampled_from(rules), number=HUGE)
    def check(rule, number):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            answer = client.open(fill(rule, number), method=method)
            assert answer.status_code == 404, (method, fill(rule, number)[:80], answer.status_code)
    check()


def test_query_parameters_beyond_the_database_never_give_a_5xx_sampled(admin, planner_app):
    """A GET route with a parameter name the app reads set to a huge number: 4xx or an answer, never 5xx."""
    rules, names = get_rules(planner_app), read_parameters()

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(rule=st.sampled_from(rules), name=st.sampled_from(names), number=HUGE)
    def check(rule, name, number):
        answer = admin.get(fill(rule, "1"), query_string={name: number})
        assert answer.status_code < 500, (fill(rule, "1"), name, number[:50], answer.status_code)
    check()


@pytest.mark.slow
def test_query_parameters_beyond_the_database_never_give_a_5xx_anywhere(admin, planner_app):
    """Every GET route × every parameter name the app reads, each set to a huge number: never a 5xx (~1 min)."""
    rules, names = get_rules(planner_app), read_parameters()

    @settings(max_examples=1, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(number=HUGE)
    def check(number):
        for rule in rules:
            for name in names:
                answer = admin.get(fill(rule, "1"), query_string={name: number})
                assert answer.status_code < 500, (fill(rule, "1"), name, number[:50], answer.status_code)
    check()


@pytest.mark.parametrize("url", ["/admin/audit?page={}", "/admin/audit.json?page={}",
                                 "/ogc/collections/areas/items?limit={}", "/ogc/collections/areas/items?offset={}",
                                 "/api/background.geojson?bbox=16,58,17,59&zoom={}",
                                 "/api/background.geojson?bbox=16,58,17,59&zoom=10&limit={}"])
def test_integer_parameters_beyond_the_database_are_400(admin, url):
    @FAST
    @given(number=HUGE)
    def check(number):
        answer = admin.get(url.format(number))
        assert answer.status_code == 400, (url, number[:50], answer.status_code)
    check()


@pytest.mark.parametrize("field", ["seen_latest", "supersedes"])
def test_huge_numbers_in_a_follow_up_form_are_refused_and_nothing_is_stored(planner, planner_app, field):
    from planner_support import counts
    before = counts(planner_app)
    answer = post(planner, form_data(planner, **{field: str(DB_INT_MAX + 1)}))
    assert answer.status_code == 400 and counts(planner_app) == before


@pytest.mark.parametrize("path", ["/planner/camera-sites/sergels-torg-2018", "/planner/promise/norrkoping-2023-2024"])
def test_a_huge_version_number_in_an_edit_form_is_a_400(planner, path):
    answer = planner.post(path, data={"csrf_token": csrf_token(planner, path), "version": "9" * 30})
    assert answer.status_code == 400, answer.status_code
