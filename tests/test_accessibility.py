"""axe-core (from the npm registry, tests/js) on the main pages: no serious or critical violations."""
from pathlib import Path

import pytest

from browser import chromium, when_bound

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "js" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.parametrize("path", ["/", "/area/hageby", "/promise/norrkoping-2023-2024", "/search?q=mirum",
                                  "/search?q=Drottninggatan+12,+Norrk%C3%B6ping", "/nowhere", "/?kommun=0580"])
@pytest.mark.parametrize("size", [(1280, 900), (375, 667)], ids=["desktop", "phone"])
def test_no_serious_or_critical_violations(live_server, path, size):
    assert AXE.exists(), "run the README test command: it installs axe-core with npm"
    with chromium(*size, bypass_csp=True) as new_tab:  # so axe-core can be added to the page
        tab = new_tab()
        tab.page.goto(live_server.url + path)
        when_bound(tab.page)  # axe audits the page as it is once its map is bound, the same every run
        tab.page.add_script_tag(path=str(AXE))
        result = tab.page.evaluate("""() => axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
        bad = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"]) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
        print(f"axe {path} {size}: {len(result['passes'])} rules passed, {len(result['violations'])} violations, "
              f"{len(bad)} serious/critical")
        assert bad == []
        assert tab.external == []
