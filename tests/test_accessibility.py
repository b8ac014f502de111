"""axe-core (from the npm registry, tests/js) on the main pages: no serious or critical violations."""
import pytest

from browser import AXE, axe_result, chromium, serious

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/", "/area/hageby", "/promise/norrkoping-2023-2024", "/search?q=mirum",
                                  "/search?q=Drottninggatan+12,+Norrk%C3%B6ping", "/nowhere", "/?kommun=0580"])
@pytest.mark.parametrize("size", [(1280, 900), (375, 667)], ids=["desktop", "phone"])
def test_no_serious_or_critical_violations(live_server, path, size):
    assert AXE.exists(), "run the README test command: it installs axe-core with npm"
    with chromium(*size, bypass_csp=True) as new_tab:  # so axe-core can be added to the page
        tab = new_tab()
        tab.page.goto(live_server.url + path)
        result = axe_result(tab.page)
        bad = serious(result)
        print(f"axe {path} {size}: {len(result['passes'])} rules passed, {len(result['violations'])} violations, "
              f"{len(bad)} serious/critical")
        assert bad == []
        assert tab.external == []
