"""`import-promise --dry-run --json`: the machine-readable shape, non-promises, and the limits."""
import json
import time
from pathlib import Path

CORPUS = Path(__file__).parent / "data" / "import-corpus"


def run_json(runner, path) -> dict:
    result = runner.invoke(args=["import-promise", str(path), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_json_output_has_the_issue_shape(runner):
    data = run_json(runner, CORPUS / "laxa_2018-2020.txt")
    assert list(data) == ["promises"]
    (p,) = data["promises"]
    assert {"period", "municipalities", "areas", "commitments", "follow_up_rule", "parties"} <= set(p)
    assert (p["period"]["start"], p["period"]["end"]) == ("2018-07-01", "2020-06-30")
    assert p["municipalities"][0]["code"] == "1860" and p["municipalities"][0]["name"] == "Laxå"
    assert [c["responsible"] for c in p["commitments"]] == ["police", "police", "both", "municipality"]
    for c in p["commitments"]:
        assert set(c) >= {"text", "responsible", "confidence", "span"}
    original = (CORPUS / "laxa_2018-2020.txt").read_text(encoding="utf-8")
    a, b = p["commitments"][0]["span"]
    assert " ".join(original[a:b].split()) == p["commitments"][0]["text"]
    assert p["follow_up_rule"] is None and all("name" in x for x in p["parties"])


def test_areas_carry_their_match_or_null(runner):
    data = run_json(runner, CORPUS / "kalmar_2022.txt")
    found = {a["name"]: a["match"] for a in data["promises"][0]["areas"]}
    assert found["Norrliden"]["dataset"] == "scb-regso-2025" and found["Norrliden"]["kind"] == "exact"
    assert found["Oxhagen"]["kind"] == "candidate"
    assert set(found) == {"Oxhagen", "Berga/Funkabo", "Norrliden"}


def test_a_page_that_is_not_a_promise_gives_an_empty_list(runner):
    assert run_json(runner, CORPUS / "skl_2016.txt") == {"promises": []}
    assert run_json(runner, CORPUS / "trollhattan_2025-2026.html") == {"promises": []}


def test_a_19_mb_bulleted_text_is_refused_quickly(runner, tmp_path):
    path = tmp_path / "huge.txt"
    line = "• Polisen ska genomföra fler trafikkontroller i centrum under kvällarna.\n"
    path.write_text("Medborgarlöfte 2024\n\nVi lovar att:\n" + line * (19_000_000 // len(line.encode())),
                    encoding="utf-8")
    start = time.monotonic()
    result = runner.invoke(args=["import-promise", str(path), "--dry-run", "--json"])
    assert time.monotonic() - start < 10
    assert result.exit_code != 0 and "refused" in result.output and "limit" in result.output
    start = time.monotonic()
    plain = runner.invoke(args=["import-promise", str(path), "--dry-run"])
    assert time.monotonic() - start < 10
    assert plain.exit_code != 0 and "refused" in plain.output


def test_too_many_list_items_are_refused_with_the_limit_named(runner, tmp_path):
    path = tmp_path / "many.txt"
    path.write_text("Medborgarlöfte 2024\n\nVi lovar att:\n" + "• Öka närvaron.\n" * 5000, encoding="utf-8")
    result = runner.invoke(args=["import-promise", str(path), "--dry-run", "--json"])
    assert result.exit_code != 0 and "5,000 list items (limit 3,000)" in result.output


def test_time_limit_is_a_clear_refusal():
    import pytest

    from mapapp.importer.output import Refused, read_document
    with pytest.raises(Refused, match="longer than"):
        read_document((CORPUS / "kalmar_2022.txt").read_bytes(), "kalmar_2022.txt", seconds=0)


def test_the_reading_modules_import_no_web_database_or_geometry_library():
    import ast
    pure = ["extract", "offsets", "structure", "fields", "lexicon", "repair", "normalise", "layout", "clauses",
            "reader", "roles", "periods", "followup", "places", "gazetteer", "output", "scoring"]
    banned = {"flask", "click", "sqlalchemy", "shapely", "pyproj", "geopandas", "pyogrio"}
    root = Path(__file__).resolve().parents[1] / "mapapp" / "importer"
    for name in pure:
        tree = ast.parse((root / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found = {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                found = {(node.module or "").split(".")[0]} if node.level == 0 else set()
                assert node.level < 2, f"{name}.py imports from outside the importer"
            else:
                continue
            assert not found & banned, f"{name}.py imports {found & banned}"
