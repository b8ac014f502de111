"""The labelled corpus in the repository, scored by `compare-imports --truth` as CI prints it."""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "import-corpus"
THRESHOLDS = ["--min-commitment-precision", "0.90", "--min-commitment-recall", "0.90", "--min-period-exact", "0.90",
              "--min-area-recall", "0.80", "--min-area-precision", "0.90", "--min-responsible", "0.85",
              "--max-not-promise-drafted", "0"]


def overall(output: str) -> dict:
    """The OVERALL block of the report as numbers."""
    block = output[output.index("OVERALL"):]
    pick = lambda pattern: tuple(float(x) for x in re.search(pattern, block).groups())  # noqa: E731
    return {"commitments": pick(r"commitments precision ([\d.]+)\s+recall ([\d.]+)"),
            "periods": pick(r"periods exact ([\d.]+)"), "areas": pick(r"areas precision ([\d.]+)\s+recall ([\d.]+)"),
            "responsible": pick(r"responsible party right ([\d.]+)")}


def test_compare_imports_on_the_corpus_meets_the_thresholds(runner):
    result = runner.invoke(args=["compare-imports", str(CORPUS), "--truth", str(CORPUS / "truth.json"), *THRESHOLDS])
    print(result.output)  # CI shows the per-document report
    assert result.exit_code == 0, result.output
    scores = overall(result.output)
    assert min(scores["commitments"]) >= 0.90 and scores["periods"][0] >= 0.90
    assert scores["areas"][0] >= 0.90 and scores["areas"][1] >= 0.80 and scores["responsible"][0] >= 0.85
    assert "not-a-promise documents drafted 0 of 5" in result.output
    assert "MISSED" not in result.output


def test_ocr_variants_keep_commitment_recall(runner, tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    from make_ocr_variants import make_variants
    make_variants(CORPUS, tmp_path, seed=15)
    result = runner.invoke(args=["compare-imports", str(tmp_path), "--truth", str(tmp_path / "truth.json"),
                                 "--min-commitment-recall", "0.80", "--max-not-promise-drafted", "0"])
    print(result.output)
    assert result.exit_code == 0, result.output
    assert overall(result.output)["commitments"][1] >= 0.80


def test_thresholds_fail_the_command_and_a_missed_promise_is_never_ok(runner, tmp_path):
    (tmp_path / "truth.json").write_text(
        '{"haninge.txt": {"kind": "promise", "period": [2021, 2021], "areas": [], "follow_up": null,'
        ' "commitments": ["Öka närvaron i centrum."], "responsible": ["police"]}}', encoding="utf-8")
    (tmp_path / "haninge.txt").write_text("Haninge kommun informerar om trygghet.\n", encoding="utf-8")
    result = runner.invoke(args=["compare-imports", str(tmp_path), "--truth", str(tmp_path / "truth.json"),
                                 "--min-commitment-recall", "0.9"])
    assert result.exit_code != 0
    assert "MISSED: none of the 1 commitments found" in result.output
    assert "commitments_recall 0.00 is below 0.9" in result.output
    assert "ok" not in result.output.split("OVERALL")[0].lower().split("follow-up")[0]


def test_compare_imports_on_the_seeds_still_compares_with_the_curated_data(runner):
    result = runner.invoke(args=["compare-imports", str(ROOT / "tests" / "data" / "seeds")])
    assert result.exit_code == 0 and result.output.rstrip().splitlines()[-1].startswith("25 of 25")
